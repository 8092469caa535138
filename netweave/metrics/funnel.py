"""The follow-up funnel: where the loop from sign-up to convening a network leaks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from django.db.models import Case, Count, DurationField, F, Q, Value, When
from django.db.models.expressions import Combinable

from netweave.metrics.activity import FUNNEL_STEPS
from netweave.metrics.common import day_start, occurred_between
from netweave.metrics.models import PersonMilestones
from netweave.people.models import Person

STEPS = ("signed_up", "contacted", "first_task", "in_network", "convening")
FUNNEL_COHORT_DAYS = 365
GROUPINGS = ("source", "code_owner")


@dataclass(frozen=True)
class FunnelStep:
    step: str
    people: int  # people of the cohort who reached the step
    conversion: float | None  # people / people at the previous step
    median_days: float | None  # median days from sign-up to the step, over those who reached it


def _group_expr(prefix: str, group_by: str) -> Combinable:
    """What people are grouped by: their source, or the kind of owner of their referral code."""
    if group_by == "source":
        return F(f"{prefix}source")
    code = f"{prefix}referral_code__"
    return Case(
        *(When(**{f"{code}{owner}__isnull": False}, then=Value(owner))
          for owner in ("person", "network", "event", "outreach")),
        When(**{f"{prefix}referral_code__isnull": False}, then=Value("chapter")),
        default=Value("none"),
    )


def _cohort_q(prefix: str, chapter_ids: list[int], since: date, as_of: date) -> Q:
    return Q(**{f"{prefix}chapter_id__in": chapter_ids}) & occurred_between(
        since, as_of, f"{prefix}joined_at"
    )


def _reached(
    chapter_ids: list[int], since: date, as_of: date, group_by: str
) -> dict[str, list[tuple[str, float]]]:
    """step -> (group, days from sign-up) of each person of the cohort who took the step by
    as_of. One query, over the milestones (metrics.activity) of the cohort; the days are
    computed by the database, which spares converting a hundred thousand datetimes here."""
    limit = day_start(as_of + timedelta(days=1))
    after_signup = {
        step.name: Case(
            When(**{f"{step.field}__lt": limit}, then=F(step.field) - F("person__joined_at")),
            default=None, output_field=DurationField(),
        )
        for step in FUNNEL_STEPS
    }
    rows = (
        # The milestone's own chapter too (the person's): the planner can start from it.
        PersonMilestones.objects.filter(_cohort_q("person__", chapter_ids, since, as_of),
                                        chapter_id__in=chapter_ids)
        .order_by()
        .values_list(_group_expr("person__", group_by), *after_signup.values())
    )
    reached: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for group, *afters in rows.iterator(chunk_size=10_000):
        taken = {name: max(0.0, after.total_seconds() / 86400)
                 for name, after in zip(after_signup, afters, strict=True) if after is not None}
        # Contacted = the first contact entry or any later step, whichever came first: people
        # are often reached without anyone recording the follow-up.
        if taken:
            taken["contacted"] = min(taken.values())
        for name, days in taken.items():
            reached[name].append((group, days))
    return reached


def _steps(signed_up: int, reached: dict[str, list[float]]) -> list[FunnelStep]:
    out = [FunnelStep("signed_up", signed_up, None, 0.0 if signed_up else None)]
    previous = signed_up
    for step in STEPS[1:]:
        days = reached.get(step, [])
        out.append(FunnelStep(
            step, len(days), len(days) / previous if previous else None,
            float(median(days)) if days else None,
        ))
        previous = len(days)
    return out


@dataclass(frozen=True)
class Funnel:
    since: date
    as_of: date
    total: list[FunnelStep]
    groups: dict[str, list[FunnelStep]]


def followup_funnel(
    chapter_ids: list[int], as_of: date, *, since: date | None = None, group_by: str = "source"
) -> Funnel:
    """The follow-up funnel of the people who signed up from `since` (default as_of − 365 d) to
    as_of, counting steps taken up to as_of.

    Steps: signed up (Person.joined_at) → contacted (first FOLLOWED_UP about them with data.to
    in CONTACTED_STATES, or any later step if earlier) → first task (first TASK_DONE by them) →
    in a network (first NETWORK_JOINED or NETWORK_CONVENED) → convening (first
    NETWORK_CONVENED). conversion(step) = people(step) / people(previous step) (it can exceed
    1: some join a network without a recorded task). median_days = median over those who
    reached the step of (first time − joined_at) in days.

    Groups: Person.source, or with group_by="code_owner" the kind of owner of their referral
    code (person, network, event, outreach, chapter, none).

    Cost: one GROUP BY query for the sign-ups and one over the cohort's milestones (the first
    time of each step, kept from the ledger by metrics.activity); the medians are taken in
    Python (SQLite has no median; a chapter's cohort is a few hundred thousand small tuples at
    most).
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {GROUPINGS}")
    since = since or as_of - timedelta(days=FUNNEL_COHORT_DAYS)
    signed = (
        Person.objects.filter(_cohort_q("", chapter_ids, since, as_of)).order_by()
        .values(group=_group_expr("", group_by)).annotate(n=Count("pk"))
    )
    signed_by_group = {r["group"]: r["n"] for r in signed}
    days_total: dict[str, list[float]] = defaultdict(list)
    days_group: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for step, people in _reached(chapter_ids, since, as_of, group_by).items():
        for group, days in people:
            days_total[step].append(days)
            days_group[group][step].append(days)
    return Funnel(
        since=since, as_of=as_of,
        total=_steps(sum(signed_by_group.values()), days_total),
        groups={g: _steps(n, days_group[g]) for g, n in sorted(signed_by_group.items())},
    )
