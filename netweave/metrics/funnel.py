"""The follow-up funnel: where the loop from sign-up to convening a network leaks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from django.db.models import Case, Count, F, Min, Q, Value, When
from django.db.models.expressions import Combinable

from netweave.core.models import Contribution
from netweave.metrics.common import day_start, occurred_between
from netweave.people.models import FollowUp, Person

K = Contribution.Kind
STEPS = ("signed_up", "contacted", "first_task", "in_network", "convening")
# A FOLLOWED_UP entry moving someone to one of these states means they were reached.
CONTACTED_STATES = [FollowUp.CONTACTED, FollowUp.MET, FollowUp.FIRST_TASK, FollowUp.IN_NETWORK]
FUNNEL_COHORT_DAYS = 365
GROUPINGS = ("source", "code_owner")

# (step, ledger kinds, the Contribution field naming the person who took the step)
_LEDGER_STEPS: tuple[tuple[str, list[str], str], ...] = (
    ("contacted", [K.FOLLOWED_UP], "subject_person"),
    ("first_task", [K.TASK_DONE], "person"),
    ("in_network", [K.NETWORK_JOINED, K.NETWORK_CONVENED], "person"),
    ("convening", [K.NETWORK_CONVENED], "person"),
)


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


def _first_dates(
    step: str, kinds: list[str], who: str, cohort: Q, group_by: str, as_of: date
) -> dict[int, tuple[str, datetime, datetime]]:
    """person id -> (group, joined_at, first time they took the step), one GROUP BY query."""
    qs = Contribution.objects.filter(
        cohort, kind__in=kinds, occurred_at__lt=day_start(as_of + timedelta(days=1))
    )
    if step == "contacted":
        qs = qs.filter(data__to__in=CONTACTED_STATES)
    rows = (
        qs.order_by()
        .values(pid=F(f"{who}_id"), joined=F(f"{who}__joined_at"),
                group=_group_expr(f"{who}__", group_by))
        .annotate(first=Min("occurred_at"))
    )
    return {r["pid"]: (r["group"], r["joined"], r["first"]) for r in rows}


def _merge_contacted(reached: dict[str, dict[int, Any]]) -> None:
    """Contacted = the first contact entry or any later step, whichever came first: people are
    often reached without anyone recording the follow-up."""
    merged = dict(reached["contacted"])
    for step in ("first_task", "in_network", "convening"):
        for pid, (group, joined, first) in reached[step].items():
            if pid not in merged or first < merged[pid][2]:
                merged[pid] = (group, joined, first)
    reached["contacted"] = merged


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

    Cost: one GROUP BY query for the sign-ups and one per ledger step returning (person,
    group, joined_at, first date) for the people who reached it; the medians are taken in
    Python over those pairs (SQLite has no median; at a million people the pairs stay a few
    hundred thousand small tuples).
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {GROUPINGS}")
    since = since or as_of - timedelta(days=FUNNEL_COHORT_DAYS)
    signed = (
        Person.objects.filter(_cohort_q("", chapter_ids, since, as_of)).order_by()
        .values(group=_group_expr("", group_by)).annotate(n=Count("pk"))
    )
    signed_by_group = {r["group"]: r["n"] for r in signed}
    reached: dict[str, dict[int, Any]] = {}
    for step, kinds, who in _LEDGER_STEPS:
        cohort = _cohort_q(f"{who}__", chapter_ids, since, as_of)
        reached[step] = _first_dates(step, kinds, who, cohort, group_by, as_of)
    _merge_contacted(reached)
    days_total: dict[str, list[float]] = defaultdict(list)
    days_group: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for step, people in reached.items():
        for group, joined, first in people.values():
            days = max(0.0, (first - joined).total_seconds() / 86400)
            days_total[step].append(days)
            days_group[group][step].append(days)
    return Funnel(
        since=since, as_of=as_of,
        total=_steps(sum(signed_by_group.values()), days_total),
        groups={g: _steps(n, days_group[g]) for g, n in sorted(signed_by_group.items())},
    )
