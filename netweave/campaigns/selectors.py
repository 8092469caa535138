"""Every read about campaigns, scoped to the acting user, and how a campaign's progress is
counted.

How each goal is counted (also in docs/campaigns.md):

- showings: the campaign's events of kind "showing" that have started;
- flyers (materials out): report numbers "flyers" + "posters" of the campaign's reported tasks;
- people_reached: report numbers "people_reached" + "attendees" of its reported tasks;
- money_raised: report numbers "money_raised" of its reported tasks;
- signups: people who signed up with the referral code of one of the campaign's events, plus
  report numbers "signups" of its reported tasks (sign-ups taken on paper at a table or a
  showing; someone who also used the event's code is counted twice, which is rare);
- new_networks: networks of the chapter started within the campaign's dates. Networks are not
  tied to a campaign themselves, so this counts the chapter's growth while the push was on.

Report numbers live in `Task.report` (JSON, keyed by the playbook's report_fields). They are
summed in Python over one `values_list` query: a campaign has hundreds of tasks, not millions,
and this keeps the arithmetic the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from netweave.campaigns.models import GOAL_KEYS, GOALS, Campaign
from netweave.core.models import Contribution
from netweave.core.scope import scope_of
from netweave.events.models import Event
from netweave.networks.models import Network
from netweave.people.models import Person
from netweave.work.models import Task

# Goal -> the report keys (playbook report_fields) whose numbers count toward it.
REPORT_KEYS: dict[str, tuple[str, ...]] = {
    "flyers": ("flyers", "posters"),
    "people_reached": ("people_reached", "attendees"),
    "money_raised": ("money_raised",),
    "signups": ("signups",),
}


def campaigns_for(actor: Any, *, chapter_id: int | None = None) -> QuerySet[Campaign]:
    """Campaigns the actor may see, newest first, with how many tasks and events are in each
    (counted in the same query, so a list costs the same for 5 campaigns or 500)."""
    qs = Campaign.objects.filter(scope_of(actor).campaigns_q()).select_related("chapter")
    if chapter_id:
        qs = qs.filter(chapter_id=chapter_id)
    tasks = Task.objects.filter(campaign=OuterRef("pk")).exclude(status=Task.Status.DROPPED)
    events = Event.objects.filter(campaign=OuterRef("pk"))
    return qs.annotate(
        task_count=count_of(tasks), event_count=count_of(events)
    ).order_by("-starts_on", "name", "id")


def count_of(queryset: QuerySet[Any]) -> Any:
    """A correlated COUNT subquery: two of them do not multiply rows the way two joins would."""
    counted = queryset.order_by().values("campaign").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def campaign_choices_for(actor: Any, *, chapter_ids: Iterable[int] | None = None,
                         keep_id: int | None = None) -> QuerySet[Campaign]:
    """Campaigns the actor may put work in: those they see that have not ended (and the one
    already chosen, `keep_id`, so editing keeps it)."""
    qs = Campaign.objects.filter(scope_of(actor).campaigns_q())
    if chapter_ids is not None:
        qs = qs.filter(chapter_id__in=list(chapter_ids))
    today = timezone.localdate()
    return qs.filter(Q(ends_on__gte=today) | Q(id=keep_id)).order_by("-starts_on", "name")


# --- Progress --------------------------------------------------------------------------------


def _report_totals(campaign: Campaign) -> dict[str, int]:
    totals = dict.fromkeys(REPORT_KEYS, 0)
    reports = Task.objects.filter(
        campaign=campaign, status=Task.Status.REPORTED
    ).values_list("report", flat=True)
    for report in reports:
        for goal, keys in REPORT_KEYS.items():
            totals[goal] += sum(_number(report, key) for key in keys)
    return totals


def _number(report: Any, key: str) -> int:
    value = report.get(key) if isinstance(report, dict) else None
    return value if isinstance(value, int) and value > 0 else 0


def campaign_totals(campaign: Campaign) -> dict[str, int]:
    """What the campaign achieved so far, for every goal key (set as a goal or not)."""
    totals = _report_totals(campaign)
    totals["showings"] = Event.objects.filter(
        campaign=campaign, kind=Event.Kind.SHOWING, starts_at__lte=timezone.now()
    ).count()
    totals["signups"] += Person.objects.filter(referral_code__event__campaign=campaign).count()
    totals["new_networks"] = Network.objects.filter(
        chapter_id=campaign.chapter_id,
        started_on__gte=campaign.starts_on, started_on__lte=campaign.ends_on,
    ).count()
    return {key: totals[key] for key in GOAL_KEYS}


@dataclass
class GoalProgress:
    key: str
    label: str
    target: int
    achieved: int

    @property
    def share(self) -> float:
        """Achieved over target: 1.0 is the goal met; above 1.0 it is exceeded."""
        return self.achieved / self.target if self.target else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)


def campaign_progress(campaign: Campaign,
                      totals: dict[str, int] | None = None) -> list[GoalProgress]:
    """One row per goal the campaign sets, in the order of GOALS."""
    totals = totals if totals is not None else campaign_totals(campaign)
    return [
        GoalProgress(key=key, label=str(GOALS[key]), target=int(campaign.goals[key]),
                     achieved=totals[key])
        for key in GOAL_KEYS if campaign.goals.get(key)
    ]


# --- Which networks contributed --------------------------------------------------------------


@dataclass
class NetworkShare:
    """A network's part in a campaign. `network` is None when the viewer may not see it: the
    counts stay (the shape of the work is not personal data), the name does not."""

    network: Network | None
    tasks: int = 0
    events: int = 0
    contributions: int = 0


def _counts(rows: Iterable[tuple[int, int]]) -> dict[int, int]:
    return {network_id: n or 0 for network_id, n in rows}


def contributing_networks(actor: Any, campaign: Campaign) -> list[NetworkShare]:
    """Networks with tasks or events in the campaign, or ledger entries credited to it: most
    contributions first. Four queries, whatever the number of networks."""
    tasks = _counts(
        Task.objects.filter(campaign=campaign, network__isnull=False)
        .exclude(status=Task.Status.DROPPED)
        .values("network_id").annotate(n=Count("id")).values_list("network_id", "n")
    )
    events = _counts(
        Event.objects.filter(campaign=campaign, host_network__isnull=False)
        .values("host_network_id").annotate(n=Count("id")).values_list("host_network_id", "n")
    )
    entries = _counts(
        Contribution.objects.filter(campaign=campaign, network__isnull=False)
        .values("network_id").annotate(n=Sum("amount")).values_list("network_id", "n")
    )
    ids = set(tasks) | set(events) | set(entries)
    visible = Network.objects.filter(scope_of(actor).networks_q(), id__in=ids).in_bulk()
    shares = [
        NetworkShare(network=visible.get(i), tasks=tasks.get(i, 0), events=events.get(i, 0),
                     contributions=entries.get(i, 0))
        for i in ids
    ]
    return sorted(shares, key=lambda s: (-s.contributions, -(s.tasks + s.events),
                                         s.network.name if s.network else "\uffff"))


# --- The campaign page -----------------------------------------------------------------------


@dataclass
class CampaignPage:
    campaign: Campaign
    may_edit: bool
    progress: list[GoalProgress]
    others: list[tuple[str, int]]
    networks: list[NetworkShare]
    tasks: list[Task] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def campaign_page(actor: Any, campaign: Campaign, *, limit: int = 50) -> CampaignPage:
    """For a campaign `access_campaign` already let the actor see. Tasks and events are those
    the actor may see; the progress counts everything in the campaign (it is an aggregate)."""
    from netweave.campaigns.access import may_edit
    from netweave.events.selectors import events_for
    from netweave.work.selectors import label_assignees, tasks_for

    totals = campaign_totals(campaign)
    tasks = tasks_for(actor).filter(campaign=campaign)[:limit]
    return CampaignPage(
        campaign=campaign,
        may_edit=may_edit(actor, campaign),
        progress=campaign_progress(campaign, totals),
        others=[(str(GOALS[k]), totals[k]) for k in GOAL_KEYS if not campaign.goals.get(k)],
        networks=contributing_networks(actor, campaign),
        tasks=label_assignees(actor, tasks),
        events=list(events_for(actor).filter(campaign=campaign)[:limit]),
    )
