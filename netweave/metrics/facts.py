"""Chapter counts kept as the data changes, so that the growth dashboard reads tens of rows.

The dashboard asks, for a chapter and a day d, how many networks are active (by kind, place,
social grouping, generation), how many of them are a month old, seeding, six months old, have
each element of network health, and how many people are active, organized or isolated. Answered
from the tables, each is a read of tens of thousands of networks, spells and memberships per
dashboard. But every one of those facts, for one network or one person, holds on a set of
*days* that does not depend on d: a network is active on the days its activity spells cover
(when its status is active or forming); it is a month old and active on those days from its
30th day on; it has three members on the days between joins and departures when three
memberships overlap; and so on. So each network and each person gets its **fact intervals**
(OwnerFacts: key -> runs of days, computed from its own rows), and each chapter a **day count**
per key (ChapterCount): +1 on the day an interval starts, -1 on the day after it ends. The
number of a chapter's networks with a fact on day d is then the sum of that key's counts up to
d: one indexed aggregate over the chapter's rows, which grow with days and keys, not with
people.

They are kept correct on every write that can change them (metrics.apps connects the signals:
the ledger, networks, memberships, links, events, people): the owner's intervals are computed
again from its rows, and the difference from what was stored goes into the day counts. A
network whose active days change also refreshes its members (their "organized" days depend on
it) and its parent (its seeding days depend on its children). `rebuild` recomputes a whole
chapter from scratch (`netweave rebuild_activity`, `netweave generate`); `verify` compares the
stored facts and counts with a fresh computation. The definitions are the ones in
networks.py, people.py and health.py; a test holds the dashboard read from these counts equal
to the metrics computed from the tables.

Status has no history (metrics.common): a network's current status decides all its days, as it
does in the definitions. Days are date ordinals; an interval open to the future ends at OPEN.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from netweave.metrics.activity import FUNNEL_STEPS, LEARNING_WINDOW_DAYS, ids_q
from netweave.metrics.funnel import FUNNEL_COHORT_DAYS, STEPS, Funnel
from netweave.metrics.growth import DAYS_PER_MONTH
from netweave.metrics.health import MIN_MEMBERS, RETENTION_AFTER_DAYS, RETENTION_SHARE
from netweave.metrics.models import (
    ChapterCount,
    NetworkSpell,
    OwnerFacts,
    PersonFunnel,
    PersonSpell,
)
from netweave.metrics.networks import SEEDING_LOOKBACK_DAYS, SEEDING_MIN_AGE_DAYS
from netweave.metrics.people import ISOLATED_AFTER_DAYS

OPEN = 10**8  # "no end": beyond any date ordinal (date.max is 3,652,059)
NETWORK, PERSON = "n", "p"
# The dashboard's survival estimate looks at networks at least this many months old.
SURVIVAL_MONTHS = 6
SURVIVAL_DAYS = round(SURVIVAL_MONTHS * DAYS_PER_MONTH)
BATCH = 5000

Runs = list[tuple[int, int]]  # sorted, disjoint, non-touching (first day, last day) ordinals
Facts = dict[str, Runs]


# --- Runs of days --------------------------------------------------------------------------------


def union(runs: Iterable[tuple[int, int]]) -> Runs:
    out: Runs = []
    for start, end in sorted(runs):
        if end < start:
            continue
        if out and start <= out[-1][1] + 1:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def intersect(a: Runs, b: Runs) -> Runs:
    out: Runs = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start <= end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def without(a: Runs, b: Runs) -> Runs:
    """The days of a not in b."""
    holes: Runs = []
    previous = -OPEN
    for start, end in b:
        if start > previous:
            holes.append((previous, start - 1))
        previous = end + 1
    if previous <= OPEN:
        holes.append((previous, OPEN))
    return intersect(a, holes)


def from_day(day: int) -> Runs:
    return [(day, OPEN)]


def where(changes: Iterable[int], holds: Any) -> Runs:
    """The days on which `holds(day)` is true, for a predicate constant between the days in
    `changes` (it may change on those days only)."""
    points = sorted(set(changes))
    if not points:
        return [(-OPEN, OPEN)] if holds(-OPEN) else []
    bounds = [-OPEN, *points]
    runs = []
    for i, start in enumerate(bounds):
        end = bounds[i + 1] - 1 if i + 1 < len(bounds) else OPEN
        if start <= end and holds(start if start != -OPEN else points[0] - 1):
            runs.append((start, end))
    return union(runs)


# --- One network ---------------------------------------------------------------------------------


@dataclass
class NetworkRows:
    """What a network's facts are computed from: its row and the rows about it."""

    id: int
    chapter_id: int
    kind_id: int
    place_id: int | None
    grouping: str
    generation: int
    counts_active: bool  # its status is one of metrics.common.ACTIVE_STATUSES
    started: int
    spells: dict[str, Runs] = field(default_factory=dict)  # measure -> spells (NetworkSpell)
    # (role is convener, joined, left or None)
    memberships: list[tuple[bool, int, int | None]] = field(default_factory=list)
    children: list[int] = field(default_factory=list)  # start days of the networks it seeded
    links: list[int] = field(default_factory=list)  # days it was linked to another network
    discussions: list[int] = field(default_factory=list)  # days of discussions it hosted


def _stay(joined: int, left: int | None) -> tuple[int, int]:
    """A membership is current on the days joined <= d < left (metrics.common)."""
    return joined, (OPEN if left is None else left - 1)


def network_facts(n: NetworkRows) -> Facts:
    ledger = n.spells.get("active", [])
    active = ledger if n.counts_active else []
    facts: Facts = {"ledger_active": ledger}
    if not active:
        return {k: v for k, v in facts.items() if v}
    old30 = intersect(active, from_day(n.started + SEEDING_MIN_AGE_DAYS))
    seeding_days = union((c, c + SEEDING_LOOKBACK_DAYS) for c in n.children)
    facts |= {
        "active": active, f"kind:{n.kind_id}": active, f"grouping:{n.grouping}": active,
        f"gen:{n.generation}": active, "old30": old30,
        "seeding": intersect(old30, seeding_days),
        "old180": intersect(active, from_day(n.started + SURVIVAL_DAYS)),
    }
    if n.place_id is not None:
        facts[f"place:{n.place_id}"] = active
    for element, runs in _health(n).items():
        facts[f"h:{element}"] = intersect(active, runs)
    return {k: v for k, v in facts.items() if v}


def _health(n: NetworkRows) -> dict[str, Runs]:
    """Element of metrics.health -> the days the network has it (whatever its activity)."""
    stays = [(convener, *_stay(joined, left)) for convener, joined, left in n.memberships]
    changes = [d for _, joined, left in n.memberships
               for d in (joined, joined + RETENTION_AFTER_DAYS, left) if d is not None]

    def members(day: int) -> bool:
        return sum(1 for _, a, b in stays if a <= day <= b) >= MIN_MEMBERS

    def retention(day: int) -> bool:
        old = [left for _, joined, left in n.memberships if joined <= day - RETENTION_AFTER_DAYS]
        kept = sum(1 for left in old if left is None or left > day)
        return not old or kept >= len(old) * RETENTION_SHARE

    learning = n.spells.get("learning", []) + [(d, d + LEARNING_WINDOW_DAYS)
                                                for d in n.discussions]
    return {
        "members": where(changes, members),
        "recent_activity": n.spells.get("recent", []),
        "task_done": n.spells.get("task", []),
        "learning": union(learning),
        "convener": union((a, b) for convener, a, b in stays if convener),
        "seeded": from_day(min(n.children)) if n.children else [],
        "linked": from_day(min(n.links)) if n.links else [],
        "retention": where(changes, retention),
    }


# --- One person ----------------------------------------------------------------------------------


def person_facts(spells: Runs, stays: list[tuple[int, int]], organized_in: Runs,
                 funnel: PersonFunnel | None = None) -> Facts:
    """A person's facts: active (their spells), organized (active and in an active network of
    their chapter: `organized_in`, the days of their memberships when that network was
    active) and isolated (active, in none of their chapter's networks, `stays`, and first
    active at least ISOLATED_AFTER_DAYS before); and the steps of the follow-up funnel, by
    source: in the cohort of day d (signed up within FUNNEL_COHORT_DAYS before d) and the step
    taken by d."""
    facts: Facts = {}
    if spells:
        facts = {
            "p:active": spells,
            "p:organized": intersect(spells, organized_in),
            "p:isolated": intersect(without(spells, union(stays)),
                                    from_day(spells[0][0] + ISOLATED_AFTER_DAYS)),
        }
    if funnel is not None:
        joined = _day(funnel.joined_at)
        cohort = (joined, joined + FUNNEL_COHORT_DAYS)
        facts[f"f:{funnel.source}:signed_up"] = [cohort]
        for step in STEPS[1:]:
            taken = getattr(funnel, f"{step}_at")
            if taken is not None:
                facts[f"f:{funnel.source}:{step}"] = intersect([cohort], from_day(_day(taken)))
    return {k: v for k, v in facts.items() if v}


def funnel_row(person_id: int, chapter_id: int, joined_at: Any, source: str,
               milestones: dict[str, Any]) -> PersonFunnel:
    """A person's PersonFunnel from their sign-up and their milestones (step field -> first
    time, metrics.activity.FUNNEL_STEPS)."""
    row = PersonFunnel(person_id=person_id, chapter_id=chapter_id, joined_at=joined_at,
                       source=source)
    taken = {step.name: milestones.get(step.field) for step in FUNNEL_STEPS}
    # Contacted: the first contact entry or any later step, whichever came first (funnel.py).
    times = [t for t in taken.values() if t is not None]
    taken["contacted"] = min(times) if times else None
    for step, when in taken.items():
        setattr(row, f"{step}_at", when)
        if when is not None:
            after = when - joined_at
            setattr(row, f"{step}_us", max(0, (after.days * 86400 + after.seconds) * 10**6
                                           + after.microseconds))
    return row


# --- Day counts ----------------------------------------------------------------------------------


def _counts(facts: Facts, sign: int, into: dict[tuple[str, int], int]) -> None:
    for key, runs in facts.items():
        for start, end in runs:
            into[key, start] += sign
            if end < OPEN:
                into[key, end + 1] -= sign


def _add_counts(chapter_id: int, deltas: dict[tuple[str, int], int]) -> None:
    """Add to the chapter's day counts, one upsert per changed (key, day) (INSERT ... ON
    CONFLICT DO UPDATE on both databases: two writers adding to the same day cannot fail on the
    unique constraint)."""
    rows = [(chapter_id, key, date.fromordinal(day), n) for (key, day), n in deltas.items()
            if n and 0 < day < OPEN]
    if not rows:
        return
    table = connection.ops.quote_name(ChapterCount._meta.db_table)
    # A table name from the model's metadata; every value is a parameter.
    sql = (f"INSERT INTO {table} (chapter_id, key, day, delta) VALUES (%s, %s, %s, %s) "  # noqa: S608  # nosec B608
           f"ON CONFLICT (chapter_id, key, day) DO UPDATE SET delta = {table}.delta + "
           "excluded.delta")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(c, k, connection.ops.adapt_datefield_value(d), n)
                                 for c, k, d, n in rows])


def _encode(facts: Facts) -> dict[str, list[list[int | None]]]:
    return {k: [[a, None if b >= OPEN else b] for a, b in runs] for k, runs in facts.items()}


def _decode(stored: dict[str, Any]) -> Facts:
    return {k: [(a, OPEN if b is None else b) for a, b in runs] for k, runs in stored.items()}


@transaction.atomic
def forget(kind: str, owner_id: int) -> None:
    """An owner deleted: its facts leave the counts."""
    row = (OwnerFacts.objects.filter(kind=kind, owner_id=owner_id)
           .values_list("chapter_id", "facts").first())
    if row is None:
        return
    deltas: dict[tuple[str, int], int] = defaultdict(int)
    _counts(_decode(row[1]), -1, deltas)
    _add_counts(row[0], deltas)
    OwnerFacts.objects.filter(kind=kind, owner_id=owner_id).delete()


# --- Kept on write -------------------------------------------------------------------------------


def _day(value: Any) -> int:
    return timezone.localdate(value).toordinal()


def _network_rows(network_ids: list[int]) -> list[NetworkRows]:
    """NetworkRows of the given networks (or, bulk, of whole chapters: see _chapter_networks),
    read in six queries."""
    from netweave.events.models import Event
    from netweave.metrics.common import ACTIVE_STATUSES
    from netweave.networks.models import Membership, Network, NetworkLink

    nets = {
        pk: NetworkRows(pk, chapter_id, kind_id, place_id, grouping, generation,
                        status in ACTIVE_STATUSES, started.toordinal())
        for pk, chapter_id, kind_id, place_id, grouping, generation, status, started in
        Network.objects.filter(pk__in=network_ids).values_list(
            "pk", "chapter_id", "kind_id", "place_id", "social_grouping", "generation",
            "status", "started_on")
    }
    ids = list(nets)
    for pk, measure, start, end in (NetworkSpell.objects.filter(network_id__in=ids)
                                    .order_by("starts_on")
                                    .values_list("network_id", "measure", "starts_on",
                                                 "ends_on")):
        nets[pk].spells.setdefault(measure, []).append((start.toordinal(), end.toordinal()))
    for pk, role, joined, left in Membership.objects.filter(network_id__in=ids).values_list(
            "network_id", "role", "joined_on", "left_on"):
        nets[pk].memberships.append((role == Membership.Role.CONVENER, joined.toordinal(),
                                     left.toordinal() if left else None))
    for parent, started in Network.objects.filter(seeded_from_id__in=ids).values_list(
            "seeded_from_id", "started_on"):
        nets[parent].children.append(started.toordinal())
    for a, b, created in NetworkLink.objects.filter(
            Q(from_network_id__in=ids) | Q(to_network_id__in=ids)).values_list(
            "from_network_id", "to_network_id", "created_at"):
        for pk in (a, b):
            if pk in nets:
                nets[pk].links.append(_day(created))
    for pk, starts in Event.objects.filter(host_network_id__in=ids,
                                           kind=Event.Kind.DISCUSSION).values_list(
            "host_network_id", "starts_at"):
        nets[pk].discussions.append(_day(starts))
    return list(nets.values())


# --- Deferred to the end of the transaction -------------------------------------------------------
#
# One service call writes a person, their channels and a few ledger entries, or a network and
# its memberships, in one transaction; computing an owner's facts on each row's signal did the
# same work several times (build_world: 455 queries where 194 write the rows). So the signals
# only mark what changed, and the facts are computed once: when the transaction commits, or
# earlier, before anything in this connection reads the counts (a read inside the same
# transaction, and every test, sees its own writes). Computing is idempotent (from the tables,
# whatever was stored), so an id marked in a transaction that rolled back costs a little work
# and changes nothing.

def _pending() -> dict[str, set[int]]:
    """What this connection (so this thread) has marked and not computed yet."""
    found: dict[str, set[int]] | None = getattr(connection, "_metrics_pending", None)
    if found is None:
        found = {"networks": set(), "networks_alone": set(), "people": set()}
        connection._metrics_pending = found  # type: ignore[attr-defined]
    return found


def mark(*, networks: Iterable[int | None] = (), people: Iterable[int | None] = (),
         members: bool = True) -> None:
    """Note that these networks' (and, with `members`, their members') and people's facts may
    have changed. Outside a transaction they are computed now; inside, once, at its commit."""
    pending = _pending()
    pending["networks" if members else "networks_alone"].update(n for n in networks if n)
    pending["people"].update(p for p in people if p)
    if not connection.in_atomic_block:
        flush()
    elif not any(hook[1] is flush for hook in connection.run_on_commit):
        # robust: the rows are committed by then; a failure here is logged, the ids stay
        # marked for the next flush, and the daily job's verify would find any drift.
        transaction.on_commit(flush, robust=True)


def flush() -> None:
    """Compute every marked owner's facts now."""
    pending = _pending()
    if not any(pending.values()):
        return
    networks, alone = set(pending["networks"]), set(pending["networks_alone"])
    people = set(pending["people"])
    with transaction.atomic():
        refresh_networks(networks, members=True)
        refresh_networks(alone - networks, members=False)
        refresh_people(people)
    for key, done in (("networks", networks), ("networks_alone", alone), ("people", people)):
        pending[key] -= done


@transaction.atomic
def refresh_networks(network_ids: Iterable[int], *, members: bool = True) -> None:
    """Compute the networks' facts again; then their members' when their active days changed
    (`members`). Networks no longer there are forgotten."""
    ids = sorted(set(network_ids))
    moved = [pk for i in range(0, len(ids), BATCH)
             for pk in _refresh_network_batch(ids[i:i + BATCH])]
    if members and moved:
        refresh_people(_members(moved))


@transaction.atomic
def refresh_people(person_ids: Iterable[int]) -> None:
    """Compute the people's facts and funnel again (people no longer there are forgotten)."""
    ids = sorted(set(person_ids))
    for i in range(0, len(ids), BATCH):
        _refresh_person_batch(ids[i:i + BATCH])


def refresh_many(*, network_ids: Iterable[int] = (), person_ids: Iterable[int] = ()) -> None:
    """refresh_networks (with their members) and refresh_people for many owners at once, after
    a bulk write that bypassed the signals and touched only these (an import; run after
    activity.refresh of the same owners). Reads and writes BATCH owners per query, and adds
    to the day counts once per batch; one transaction per batch, each leaving the counts equal
    to the stored facts."""
    flush()  # what this connection wrote is counted before it is read
    networks = sorted(set(network_ids))
    people = set(person_ids)
    for i in range(0, len(networks), BATCH):
        with transaction.atomic():
            moved = _refresh_network_batch(networks[i:i + BATCH])
            if moved:
                people.update(_members(moved))
    ordered = sorted(people)
    for i in range(0, len(ordered), BATCH):
        with transaction.atomic():
            _refresh_person_batch(ordered[i:i + BATCH])


def _members(network_ids: list[int]) -> list[int]:
    from netweave.networks.models import Membership

    out: set[int] = set()
    for i in range(0, len(network_ids), BATCH):
        out.update(Membership.objects.filter(network_id__in=network_ids[i:i + BATCH])
                   .values_list("person_id", flat=True).distinct())
    return sorted(out)


def _refresh_network_batch(ids: list[int]) -> list[int]:
    """Store the facts of these networks (at most BATCH); returns those whose active days
    changed."""
    computed = {n.id: (n.chapter_id, network_facts(n)) for n in _network_rows(ids)}
    old = _store_many(NETWORK, ids, computed)
    return [pk for pk, (_, facts) in computed.items()
            if old.get(pk, {}).get("active", []) != facts.get("active", [])]


def _refresh_person_batch(ids: list[int]) -> None:
    """Store the facts and funnel rows of these people (at most BATCH)."""
    from netweave.networks.models import Membership
    from netweave.people.models import Person

    people = {pk: (chapter_id, joined_at, source) for pk, chapter_id, joined_at, source in
              Person.objects.filter(ids_q("pk", ids)).values_list("pk", "chapter_id", "joined_at",
                                                            "source")}
    spells: dict[int, Runs] = defaultdict(list)
    for pk, start, end in (PersonSpell.objects.filter(ids_q("person_id", ids)).order_by("starts_on")
                           .values_list("person_id", "starts_on", "ends_on")):
        spells[pk].append((start.toordinal(), end.toordinal()))
    stays: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # (network, first, last)
    for pk, network_id, network_chapter, joined, left in Membership.objects.filter(
            ids_q("person_id", ids)).values_list("person_id", "network_id", "network__chapter_id",
                                           "joined_on", "left_on"):
        if pk in people and network_chapter == people[pk][0]:
            stays[pk].append((network_id, *_stay(joined.toordinal(),
                                                 left.toordinal() if left else None)))
    milestones = _milestones(ids)
    active = _active_days({nid for rows in stays.values() for nid, _, _ in rows})
    computed: dict[int, tuple[int, Facts]] = {}
    funnels: list[PersonFunnel] = []
    for pk, (chapter_id, joined_at, source) in people.items():
        funnel = funnel_row(pk, chapter_id, joined_at, source, milestones.get(pk, {}))
        if funnel.contacted_at is not None:  # only people who took a step have medians
            funnels.append(funnel)
        computed[pk] = (chapter_id, _person(spells.get(pk, []), stays.get(pk, []), active,
                                            funnel))
    PersonFunnel.objects.filter(ids_q("pk", ids))._raw_delete(PersonFunnel.objects.db)
    _insert_funnels(funnels)
    _store_many(PERSON, ids, computed)


def _insert_funnels(funnels: list[PersonFunnel]) -> None:
    """PersonFunnel rows with one plain executemany: at thousands of rows, bulk_create's work
    per object costs more than the insert."""
    if not funnels:
        return
    fields = PersonFunnel._meta.concrete_fields
    quote = connection.ops.quote_name
    # Names from the model's own metadata, quoted; every value is a parameter.
    sql = (f"INSERT INTO {quote(PersonFunnel._meta.db_table)} "  # noqa: S608  # nosec B608
           f"({', '.join(quote(str(f.column)) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    at = connection.ops.adapt_datetimefield_value
    rows = [tuple(at(v) if isinstance(v, datetime) else v
                  for v in (getattr(row, f.attname) for f in fields)) for row in funnels]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _store_many(kind: str, ids: list[int], computed: dict[int, tuple[int, Facts]]
                ) -> dict[int, Facts]:
    """_store for many owners: store the computed (chapter, facts) of `ids` (an id without
    any is gone: its facts leave the counts) and move each chapter's day counts by the
    difference, in one upsert per chapter. Returns the facts stored before."""
    import json

    rows = (OwnerFacts.objects.select_for_update().filter(ids_q("owner_id", ids), kind=kind)
            .values_list("owner_id", "chapter_id", "facts"))
    before = {pk: (chapter_id, _decode(stored)) for pk, chapter_id, stored in rows}
    deltas: dict[int, dict[tuple[str, int], int]] = defaultdict(lambda: defaultdict(int))
    changed: list[int] = []
    inserts: list[tuple[Any, ...]] = []
    for pk in ids:
        old, new = before.get(pk), computed.get(pk)
        if new is not None and not new[1]:
            new = None  # no fact on any day: no row
        if old == new:
            continue
        changed.append(pk)
        if old is not None:
            _counts(old[1], -1, deltas[old[0]])
        if new is not None:
            _counts(new[1], +1, deltas[new[0]])
            inserts.append((kind, pk, new[0], json.dumps(_encode(new[1]))))
    gone = [pk for pk in changed if pk in before]
    if gone:
        OwnerFacts.objects.filter(ids_q("owner_id", gone), kind=kind)._raw_delete(
            OwnerFacts.objects.db)
    if inserts:
        # A table name from the model's metadata; every value is a parameter.
        sql = (f"INSERT INTO {connection.ops.quote_name(OwnerFacts._meta.db_table)} "  # noqa: S608  # nosec B608
               "(kind, owner_id, chapter_id, facts) VALUES (%s, %s, %s, %s)")
        with connection.cursor() as cursor:
            cursor.executemany(sql, inserts)
    for chapter_id, moved in deltas.items():
        _add_counts(chapter_id, moved)
    return {pk: facts for pk, (_, facts) in before.items()}


def _person(spells: Runs, stays: list[tuple[int, int, int]], active: dict[int, Runs],
            funnel: PersonFunnel) -> Facts:
    organized = union(r for nid, a, b in stays for r in intersect([(a, b)], active.get(nid, [])))
    return person_facts(spells, [(a, b) for _, a, b in stays], organized, funnel)


def _milestones(person_ids: list[int] | None, chapter_id: int = 0
                ) -> dict[int, dict[str, Any]]:
    """Person -> their milestones (step field -> first time): of the given people, or else of
    the chapter's."""
    from netweave.metrics.models import PersonMilestones

    rows = PersonMilestones.objects.order_by()
    rows = (rows.filter(ids_q("person_id", person_ids)) if person_ids is not None
            else rows.filter(chapter_id=chapter_id))
    fields = [step.field for step in FUNNEL_STEPS]
    return {pk: dict(zip(fields, times, strict=True)) for pk, *times in
            rows.values_list("person_id", *fields).iterator(chunk_size=BATCH)}


def _active_days(network_ids: set[int]) -> dict[int, Runs]:
    """Network -> its active days, as stored in its facts."""
    out: dict[int, Runs] = {}
    rows = OwnerFacts.objects.filter(kind=NETWORK, owner_id__in=sorted(network_ids))
    for pk, stored in rows.values_list("owner_id", "facts"):
        out[pk] = _decode({"active": stored.get("active", [])})["active"]
    return out


# --- Rebuilt from scratch ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rebuilt:
    networks: int
    people: int
    counts: int


def _computed(chapter_id: int) -> Iterator[tuple[str, int, Facts, PersonFunnel | None]]:
    """(kind, owner, facts, funnel) of every network and person of the chapter, from the
    tables (and the activity spells and milestones, which activity.rebuild recomputes from the
    ledger)."""
    from netweave.networks.models import Membership, Network
    from netweave.people.models import Person

    network_ids = list(Network.objects.filter(chapter_id=chapter_id).order_by("pk")
                       .values_list("pk", flat=True))
    active: dict[int, Runs] = {}
    for i in range(0, len(network_ids), BATCH):
        for n in _network_rows(network_ids[i:i + BATCH]):
            facts = network_facts(n)
            active[n.id] = facts.get("active", [])
            yield NETWORK, n.id, facts, None
    stays: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for pk, network_id, joined, left in Membership.objects.filter(
            network__chapter_id=chapter_id, person__chapter_id=chapter_id).values_list(
            "person_id", "network_id", "joined_on", "left_on").iterator(chunk_size=BATCH):
        stays[pk].append((network_id, *_stay(joined.toordinal(),
                                             left.toordinal() if left else None)))
    spells: dict[int, Runs] = defaultdict(list)
    for pk, start, end in (PersonSpell.objects.filter(chapter_id=chapter_id)
                           .order_by("person_id", "starts_on")
                           .values_list("person_id", "starts_on", "ends_on")
                           .iterator(chunk_size=BATCH)):
        spells[pk].append((start.toordinal(), end.toordinal()))
    milestones = _milestones(None, chapter_id)
    for pk, joined_at, source in (Person.objects.filter(chapter_id=chapter_id).order_by("pk")
                                  .values_list("pk", "joined_at", "source")
                                  .iterator(chunk_size=BATCH)):
        funnel = funnel_row(pk, chapter_id, joined_at, source, milestones.get(pk, {}))
        facts = _person(spells.get(pk, []), stays.get(pk, []), active, funnel)
        yield PERSON, pk, facts, funnel


def rebuild(chapter_ids: list[int] | None = None) -> Rebuilt:
    """Recompute the facts and day counts of the given chapters (default: all) from their rows.
    Idempotent; run after activity.rebuild, whose spells it reads. One transaction per
    chapter: a chapter's counts are never seen half built, and a long rebuild does not hold
    the (SQLite) write lock for all chapters at once."""
    flush()  # what this connection wrote is counted before it is read
    from netweave.core.models import Chapter

    ids = chapter_ids if chapter_ids is not None else list(
        Chapter.objects.order_by("pk").values_list("pk", flat=True))
    networks = people = counts = 0
    for chapter_id in ids:
        done = _rebuild_chapter(chapter_id)
        networks, people, counts = (networks + done.networks, people + done.people,
                                    counts + done.counts)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in (OwnerFacts, ChapterCount, PersonFunnel):
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
    return Rebuilt(networks, people, counts)


@transaction.atomic
def _rebuild_chapter(chapter_id: int) -> Rebuilt:
    import json

    for model in (OwnerFacts, ChapterCount, PersonFunnel):
        rows = model.objects.filter(chapter_id=chapter_id)
        rows._raw_delete(rows.db)
    networks = people = 0
    quote = connection.ops.quote_name
    facts_sql = (f"INSERT INTO {quote(OwnerFacts._meta.db_table)} "  # noqa: S608  # nosec B608
                 "(kind, owner_id, chapter_id, facts) VALUES (%s, %s, %s, %s)")
    deltas: dict[tuple[str, int], int] = defaultdict(int)
    batch: list[tuple[Any, ...]] = []
    funnels: list[PersonFunnel] = []
    with connection.cursor() as cursor:
        for kind, owner, facts, funnel in _computed(chapter_id):
            _counts(facts, +1, deltas)
            if facts:
                batch.append((kind, owner, chapter_id, json.dumps(_encode(facts))))
            if funnel is not None and funnel.contacted_at is not None:
                funnels.append(funnel)
            if kind == NETWORK:
                networks += 1
            else:
                people += 1
            if len(batch) >= BATCH:
                cursor.executemany(facts_sql, batch)
                batch = []
            if len(funnels) >= BATCH:
                PersonFunnel.objects.bulk_create(funnels)
                funnels = []
        if batch:
            cursor.executemany(facts_sql, batch)
        PersonFunnel.objects.bulk_create(funnels)
    ChapterCount.objects.bulk_create(
        (ChapterCount(chapter_id=chapter_id, key=key, day=date.fromordinal(day), delta=n)
         for (key, day), n in deltas.items() if n and 0 < day < OPEN),
        batch_size=BATCH,
    )
    counts = sum(1 for n in deltas.values() if n)
    return Rebuilt(networks, people, counts)


def rebuild_missing() -> list[int]:
    """Rebuild the chapters whose people or networks have no facts at all (never built): those
    built are kept on every write and need no rebuild. Returns the chapters rebuilt."""
    flush()  # what this connection wrote is counted before it is read
    from netweave.core.models import Chapter
    from netweave.networks.models import Network
    from netweave.people.models import Person

    missing = [
        pk for pk in Chapter.objects.order_by("pk").values_list("pk", flat=True)
        # Every person has a fact (the funnel's sign-up), every network one too (its start).
        if (Person.objects.filter(chapter_id=pk).exists()
            and not OwnerFacts.objects.filter(chapter_id=pk, kind=PERSON).exists())
        or (Network.objects.filter(chapter_id=pk).exists()
            and not OwnerFacts.objects.filter(chapter_id=pk, kind=NETWORK).exists())
    ]
    if missing:
        rebuild(missing)
    return missing


def verify(chapter_ids: list[int]) -> int:
    """How many owners' facts and (key, day) counts differ from a fresh computation (0: they
    agree). Reads everything: for tests and occasional checks."""
    flush()  # what this connection wrote is counted before it is read
    differences = 0
    for chapter_id in chapter_ids:
        fresh: dict[tuple[str, int], Facts] = {}
        funnels: dict[int, tuple[Any, ...]] = {}
        for kind, owner, facts, funnel in _computed(chapter_id):
            if facts:
                fresh[kind, owner] = facts
            if funnel is not None and funnel.contacted_at is not None:
                funnels[owner] = _funnel_values(funnel)
        stored_funnels = {row.pk: _funnel_values(row) for row in
                          PersonFunnel.objects.filter(chapter_id=chapter_id)}
        differences += sum(1 for k in funnels.keys() | stored_funnels.keys()
                           if funnels.get(k) != stored_funnels.get(k))
        stored = {(kind, owner): _decode(facts) for kind, owner, facts in
                  OwnerFacts.objects.filter(chapter_id=chapter_id).values_list(
                      "kind", "owner_id", "facts")}
        differences += sum(1 for k in fresh.keys() | stored.keys()
                           if fresh.get(k) != stored.get(k))
        expected: dict[tuple[str, int], int] = defaultdict(int)
        for facts in fresh.values():
            _counts(facts, +1, expected)
        have: dict[tuple[str, int], int] = defaultdict(int)
        for key, day, n in ChapterCount.objects.filter(chapter_id=chapter_id).values_list(
                "key", "day", "delta"):
            have[key, day.toordinal()] += n
        want = {k: n for k, n in expected.items() if n and 0 < k[1] < OPEN}
        differences += sum(1 for k in want.keys() | have.keys()
                           if want.get(k, 0) != have.get(k, 0))
    return differences


def _funnel_values(row: PersonFunnel) -> tuple[Any, ...]:
    return tuple(getattr(row, f.attname) for f in PersonFunnel._meta.concrete_fields)


# --- Read ----------------------------------------------------------------------------------------


def counts_on(chapter_ids: list[int], day: date) -> dict[str, int]:
    """key -> how many of the chapters' networks or people have it on `day` (zeros left out).
    One aggregate over the chapters' day counts up to that day."""
    flush()  # what this connection wrote is counted before it is read
    from django.db.models import Sum

    rows = (ChapterCount.objects.filter(chapter_id__in=chapter_ids, day__lte=day).order_by()
            .values_list("key").annotate(n=Sum("delta")))
    return {key: n for key, n in rows if n}


def series(chapter_ids: list[int], key: str, days: list[date]) -> list[int]:
    """How many of the chapters' networks or people have `key` on each day. One query."""
    flush()  # what this connection wrote is counted before it is read
    from django.db.models import Sum

    if not days:
        return []
    row = ChapterCount.objects.filter(chapter_id__in=chapter_ids, key=key,
                                      day__lte=max(days)).aggregate(
        **{f"d{i}": Sum("delta", filter=Q(day__lte=d)) for i, d in enumerate(days)})
    return [row[f"d{i}"] or 0 for i in range(len(days))]


def funnel_from_counts(chapter_ids: list[int], as_of: date, counts: dict[str, int]) -> Funnel:
    """followup_funnel (by source) from the counts (how many signed up and took each step, by
    source) and PersonFunnel (the medians): one query, in which the database ranks the
    cohort's times and returns only the middle ones of each step, per source and of all."""
    flush()  # what this connection wrote is counted before it is read
    from netweave.metrics.common import day_start
    from netweave.metrics.funnel import FunnelStep

    since = as_of - timedelta(days=FUNNEL_COHORT_DAYS)
    people: dict[str, dict[str, int]] = defaultdict(dict)
    for key, n in counts.items():
        if key.startswith("f:"):
            _, source, step = key.split(":")
            people[source][step] = n
    signed = {g: steps["signed_up"] for g, steps in people.items() if steps.get("signed_up")}
    medians = _medians(chapter_ids, day_start(since), day_start(as_of + timedelta(days=1)))

    def steps(counted: dict[str, int], group: str | None) -> list[FunnelStep]:
        total = counted.get("signed_up", 0)
        out = [FunnelStep("signed_up", total, None, 0.0 if total else None)]
        previous = total
        for step in STEPS[1:]:
            n = counted.get(step, 0)
            out.append(FunnelStep(step, n, n / previous if previous else None,
                                  medians.get((step, group)) if n else None))
            previous = n
        return out

    totals: dict[str, int] = defaultdict(int)
    for g in signed:
        for step, n in people[g].items():
            totals[step] += n
    return Funnel(since=since, as_of=as_of, total=steps(totals, None),
                  groups={g: steps(people[g], g) for g in sorted(signed)})


# The medians' first pass counts the cohort's times per whole day after signing up.
MEDIAN_BUCKET_US = 86400 * 10**6


def _medians(chapter_ids: list[int], first: Any, limit: Any) -> dict[tuple[str, str | None],
                                                                        float]:
    """(step, source, or None for everyone) -> median days from sign-up to the step, over the
    cohort (signed up from `first` to before `limit`) who took it before `limit`. Exact, without
    ranking the cohort: one query counts the times of each step and source per day after
    signing up, which tells the day each middle time falls on and its rank among that day's
    times; a second returns the times of those few days only, ranked here."""
    quote = connection.ops.quote_name
    table = quote(PersonFunnel._meta.db_table)
    marks = ", ".join(["%s"] * len(chapter_ids))
    at = connection.ops.adapt_datetimefield_value
    # Column names from a fixed list, a constant divisor; every value is a parameter.
    cohort = (f"SELECT source, {', '.join(f'{s}_at, {s}_us' for s in STEPS[1:])} "  # noqa: S608  # nosec B608
              f"FROM {table} WHERE chapter_id IN ({marks}) AND joined_at >= %s "
              "AND joined_at < %s")
    params = [*chapter_ids, at(first), at(limit)]
    per_step = " UNION ALL ".join(
        f"SELECT '{step}' AS step, source, {step}_us / {MEDIAN_BUCKET_US} AS b "  # noqa: S608  # nosec B608
        f"FROM cohort WHERE {step}_at < %s" for step in STEPS[1:])
    days: dict[tuple[str, str | None], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH cohort AS MATERIALIZED ({cohort}) "  # noqa: S608  # nosec B608
                       f"SELECT step, source, b, COUNT(*) FROM ({per_step}) taken "
                       "GROUP BY step, source, b",
                       [*params, *[at(limit)] * (len(STEPS) - 1)])
        for step, source, bucket, n in cursor.fetchall():
            days[step, source][int(bucket)] += n
            days[step, None][int(bucket)] += n
    # Where each middle time is: (step, group) -> [(day, rank among that day's times)].
    middles: dict[tuple[str, str | None], list[tuple[int, int]]] = {}
    wanted: dict[str, set[int]] = defaultdict(set)
    for (step, group), counted in days.items():
        total = sum(counted.values())
        # The middle rank of n times is (n + 1) // 2, and (n + 2) // 2 too when n is even.
        ranks = sorted({(total + 1) // 2, (total + 2) // 2})
        found: list[tuple[int, int]] = []
        seen = 0
        for bucket in sorted(counted):
            while ranks and ranks[0] <= seen + counted[bucket]:
                found.append((bucket, ranks.pop(0) - seen))
            seen += counted[bucket]
        middles[step, group] = found
        wanted[step].update(bucket for bucket, _ in found)
    if not middles:
        return {}
    picked = [step for step in STEPS[1:] if wanted.get(step)]
    # Bucket numbers are integers computed here.
    select = " UNION ALL ".join(
        f"SELECT '{step}' AS step, source, {step}_us AS v FROM cohort "  # noqa: S608  # nosec B608
        f"WHERE {step}_at < %s AND {step}_us / {MEDIAN_BUCKET_US} IN "
        f"({', '.join(str(int(b)) for b in sorted(wanted[step]))})" for step in picked)
    times: dict[tuple[str, int], list[tuple[int, str]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH cohort AS MATERIALIZED ({cohort}) {select}",  # noqa: S608  # nosec B608
                       [*params, *[at(limit)] * len(picked)])
        for step, source, v in cursor.fetchall():
            times[step, v // MEDIAN_BUCKET_US].append((v, source))
    for values in times.values():
        values.sort()
    out: dict[tuple[str, str | None], float] = {}
    for (step, group), found in middles.items():
        middle = []
        for bucket, rank in found:
            delays = [v for v, source in times[step, bucket] if group is None or source == group]
            middle.append(timedelta(microseconds=delays[rank - 1]).total_seconds() / 86400)
        # The median of an even count is the mean of the two middle values (statistics.median).
        out[step, group] = float(middle[0]) if len(middle) == 1 else (middle[0] + middle[1]) / 2
    return out
