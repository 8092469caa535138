"""People: how many of those who act are organized in networks, and who is left on their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from netweave.metrics.common import (
    ACTIVE_WINDOW_DAYS,
    ActiveNetwork,
    active_network_rows,
    active_networks,
    chapter_networks,
    current_memberships,
)
from netweave.metrics.models import PersonSpell
from netweave.people.models import Person

# Someone acting on their own this long without a network is "isolated": a follow-up target.
ISOLATED_AFTER_DAYS = 30
ID_CHUNK = 5000


def active_people(chapter_ids: list[int], as_of: date) -> QuerySet[Person]:
    """People of the chapters with an action of their own (people.ladder.ACTIONS) in the
    ACTIVE_WINDOW_DAYS before as_of: those with an activity spell (metrics.activity) covering
    as_of. A join: a person's spells never overlap, so nobody repeats."""
    # The chapter is asked of the spell (it is the person's): the planner can then start from
    # the chapters' spells that cover as_of instead of from every person of the chapters.
    return Person.objects.filter(
        activity_spells__chapter_id__in=chapter_ids, activity_spells__starts_on__lte=as_of,
        activity_spells__ends_on__gte=as_of,
    ).order_by()


def _in_active_network_q(as_of: date) -> Q:
    # Not correlated: the active networks are found once per query, not once per person.
    networks = active_networks(None, as_of).values("pk")
    memberships = current_memberships(as_of).filter(
        person_id=OuterRef("pk"), network_id__in=networks
    )
    return Q(Exists(memberships))


def _active_since(chapter_ids: list[int], as_of: date) -> dict[int, date]:
    """Active people of the chapters -> the first day of the spell that covers as_of. One
    query, answered from the person_spell_day index alone."""
    rows = PersonSpell.objects.filter(
        chapter_id__in=chapter_ids, starts_on__lte=as_of, ends_on__gte=as_of
    ).values_list("person_id", "starts_on")
    return dict(rows.iterator(chunk_size=10_000))


@dataclass(frozen=True)
class PeopleFacts:
    """What organized_share and isolated_count read, read once for both."""

    active_since: dict[int, date]  # active person -> first day of the spell covering as_of
    networks_of: dict[int, set[int]]  # person -> the chapters' networks they are in on as_of
    active_networks: set[int]


def people_facts(chapter_ids: list[int], as_of: date,
                 active: list[ActiveNetwork] | None = None) -> PeopleFacts:
    """Three queries (two when the active networks are given): the active people, the current
    memberships in the chapters' networks (a person's networks are in their own chapter:
    networks.services holds memberships to it), and the active networks."""
    rows = current_memberships(as_of).filter(
        network_id__in=chapter_networks(chapter_ids).values("pk")
    ).order_by().values_list("person_id", "network_id")
    networks_of: dict[int, set[int]] = {}
    for person_id, network_id in rows.iterator(chunk_size=10_000):
        networks_of.setdefault(person_id, set()).add(network_id)
    if active is None:
        active = active_network_rows(chapter_ids, as_of)
    return PeopleFacts(_active_since(chapter_ids, as_of), networks_of, {n.id for n in active})


@dataclass(frozen=True)
class OrganizedShare:
    active_people: int
    organized: int  # of those, in an active network on as_of
    share: float | None


def organized_share(chapter_ids: list[int], as_of: date, *,
                    facts: PeopleFacts | None = None) -> OrganizedShare:
    """Organized share = |active people with a current membership in an active network| /
    |active people|. Active person: a ledger entry by them (Contribution.person) of a kind in
    people.ladder.ACTIONS within ACTIVE_WINDOW_DAYS before as_of.

    Counted as sets over people_facts (three queries, none when given): a correlated query
    would probe the memberships once per active person.
    """
    facts = facts or people_facts(chapter_ids, as_of)
    live = facts.active_networks
    organized = sum(1 for p in facts.active_since
                    if not live.isdisjoint(facts.networks_of.get(p, ())))
    n = len(facts.active_since)
    return OrganizedShare(active_people=n, organized=organized,
                          share=organized / n if n else None)


def isolated_count(
    chapter_ids: list[int], as_of: date, *, after_days: int = ISOLATED_AFTER_DAYS,
    facts: PeopleFacts | None = None,
) -> int:
    """How many isolated individuals (isolated_people, which defines them) there are, counted
    as sets: active people in none of the chapters' networks whose first action is at least
    `after_days` before as_of. Someone whose current spell began that long ago qualifies; so
    does someone with an earlier spell (a spell lasts longer than `after_days`, so an earlier
    one began before that). people_facts (three queries, none when given), and one more per
    ID_CHUNK people who became active within `after_days`."""
    if after_days > ACTIVE_WINDOW_DAYS:  # the shortcut below needs spells longer than that
        return isolated_people(chapter_ids, as_of, after_days=after_days).count()
    facts = facts or people_facts(chapter_ids, as_of)
    since = facts.active_since
    alone = since.keys() - facts.networks_of.keys()
    cutoff = as_of - timedelta(days=after_days)
    settled = {p for p in alone if since[p] <= cutoff}
    recent = sorted(alone - settled)
    earlier = 0
    for i in range(0, len(recent), ID_CHUNK):  # chunks: SQLite caps the parameters of a query
        earlier += PersonSpell.objects.filter(
            person_id__in=recent[i:i + ID_CHUNK], ends_on__lt=as_of
        ).values("person_id").distinct().count()
    return len(settled) + earlier


def isolated_people(
    chapter_ids: list[int], as_of: date, *, after_days: int = ISOLATED_AFTER_DAYS
) -> QuerySet[Person]:
    """Isolated individuals: active people whose first action is at least `after_days` before
    as_of and who have no current membership in any network on as_of. Oldest first.

    Returned lazily: callers slice it (ids for a list, .count() for a number).
    """
    in_any_network = current_memberships(as_of).filter(person_id=OuterRef("pk"))
    # The first action is the first day of their first spell.
    first = PersonSpell.objects.filter(person_id=OuterRef("pk")).order_by("starts_on")
    return (
        active_people(chapter_ids, as_of)
        .filter(~Q(Exists(in_any_network)))
        .annotate(first_action=Subquery(first.values("starts_on")[:1]))
        .filter(first_action__lte=as_of - timedelta(days=after_days))
        .order_by("first_action", "pk")
    )


def isolated_people_ids(
    chapter_ids: list[int], as_of: date, *, after_days: int = ISOLATED_AFTER_DAYS,
    limit: int = 100,
) -> list[int]:
    """Ids of at most `limit` isolated individuals, those isolated longest first."""
    qs = isolated_people(chapter_ids, as_of, after_days=after_days)
    return list(qs.values_list("pk", flat=True)[:limit])
