"""Keeping the ledger's indexes (NetworkSpell, PersonSpell, PersonMilestones) in step with it.

The growth metrics ask the same few questions of millions of ledger rows: was this network
active on day d (a ledger entry or its start in the ACTIVE_WINDOW_DAYS before d)? was this
person? when did this person first take each step of the funnel? Answered from the ledger
directly, each is a probe per network or person per date, and a chapter dashboard at a million
people takes seconds. So the answers are kept, as each entry is written:

* a network's points are its start date and the day of each of its ledger entries; each point
  p makes it active on the days [p, p + ACTIVE_WINDOW_DAYS], from its start on. The union of
  those windows is a handful of non-overlapping *spells*, and "active on d" becomes "a spell
  covers d": one range condition, one scan of a small table for a whole monthly series.
* a person's points are the days of their own actions (people.ladder.ACTIONS).
* a person's milestones are the first time of each funnel step (FUNNEL_STEPS).

Every ledger entry reaches `note_entry` through the model's post_save signal, not through
core.ledger.record: the ledger's own code must not depend on the metrics, and rows created any
other way (a test fixture, the admin) must keep the indexes true as well. Bulk loaders that
bypass save() (the demo, `netweave generate`) call `rebuild` when they are done. A test holds
the indexes equal to the definitions computed from the ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Min, Q
from django.db.models.fields.json import KT
from django.utils import timezone

from netweave.core.models import Contribution
from netweave.metrics.models import NetworkSpell, PersonMilestones, PersonSpell
from netweave.networks.models import Network
from netweave.people.ladder import ACTIONS
from netweave.people.models import FollowUp

K = Contribution.Kind
# A network or a person counts as active when the ledger shows them in the last 90 days.
ACTIVE_WINDOW_DAYS = 90
WINDOW = timedelta(days=ACTIVE_WINDOW_DAYS)
ONE_DAY = timedelta(days=1)
BATCH = 5000

# Network health (metrics.health) looks back these many days for its ledger elements.
RECENT_ACTIVITY_DAYS = 30
TASK_WINDOW_DAYS = 90
LEARNING_WINDOW_DAYS = 90
# Playbooks whose completion means the network studied together.
LEARNING_PLAYBOOKS = ("discussion-session", "read-and-reflect")


@dataclass(frozen=True)
class Measure:
    """Something a network has on day d when one of its ledger entries that `counts` fell in
    the `days` before d (both ends included). `from_start`: its start date counts as such an
    entry too, and it has nothing before its start (the definition of an active network)."""

    name: str
    days: int
    counts: Callable[[str, str | None], bool]  # (entry kind, data["playbook"]) -> counts
    from_start: bool = False

    @property
    def window(self) -> timedelta:
        return timedelta(days=self.days)


def _studied(kind: str, playbook: str | None) -> bool:
    """Learning together: a study playbook done, or a resource watched, discussed, shared or
    shown as the network (learning.services)."""
    return kind == K.RESOURCE_ENGAGED or (kind == K.TASK_DONE and playbook in LEARNING_PLAYBOOKS)


ACTIVE = Measure("active", ACTIVE_WINDOW_DAYS, lambda kind, playbook: True, from_start=True)
NETWORK_MEASURES = (
    ACTIVE,
    Measure("recent", RECENT_ACTIVITY_DAYS, lambda kind, playbook: True),
    Measure("task", TASK_WINDOW_DAYS, lambda kind, playbook: kind == K.TASK_DONE),
    Measure("learning", LEARNING_WINDOW_DAYS, _studied),
)
MEASURES = {m.name: m for m in NETWORK_MEASURES}

# A FOLLOWED_UP entry moving someone to one of these states means they were reached.
CONTACTED_STATES = [FollowUp.CONTACTED, FollowUp.MET, FollowUp.FIRST_TASK, FollowUp.IN_NETWORK]


@dataclass(frozen=True)
class StepRule:
    """A step of the follow-up funnel taken in the ledger: the entry kinds that take it, the
    entry field naming the person who took it, and the PersonMilestones field it sets."""

    name: str
    kinds: tuple[str, ...]
    who: str
    field: str

    def matches(self, entry: Contribution) -> bool:
        if entry.kind not in self.kinds:
            return False
        return self.name != "contacted" or (entry.data or {}).get("to") in CONTACTED_STATES

    def ledger_q(self) -> Q:
        q = Q(kind__in=self.kinds, **{f"{self.who}__isnull": False})
        return q & Q(data__to__in=CONTACTED_STATES) if self.name == "contacted" else q


FUNNEL_STEPS = (
    StepRule("contacted", (K.FOLLOWED_UP,), "subject_person", "contacted_at"),
    StepRule("first_task", (K.TASK_DONE,), "person", "first_task_at"),
    StepRule("in_network", (K.NETWORK_JOINED, K.NETWORK_CONVENED), "person", "in_network_at"),
    StepRule("convening", (K.NETWORK_CONVENED,), "person", "convening_at"),
)


def ids_q(field: str, ids: list[int]) -> Q:
    """`field` is one of `ids` (sorted, distinct): a range when they are consecutive, as an
    import's new people are, which spares building and sending thousands of parameters."""
    if ids and ids[-1] - ids[0] + 1 == len(ids):
        return Q(**{f"{field}__gte": ids[0], f"{field}__lte": ids[-1]})
    return Q(**{f"{field}__in": ids})


# --- As each entry is written ------------------------------------------------------------------


def note_entry(entry: Contribution) -> None:
    """Bring the indexes up to date with one new ledger entry."""
    day = timezone.localdate(entry.occurred_at)
    if entry.network_id is not None:
        _note_network_point(entry.network_id, day, entry.kind, (entry.data or {}).get("playbook"))
    if entry.person_id is not None and entry.kind in ACTIONS:
        _add_window(PersonSpell.objects.filter(person_id=entry.person_id),
                    {"person_id": entry.person_id, "chapter_id": entry.chapter_id},
                    day, day + WINDOW)
    for step in FUNNEL_STEPS:
        if step.matches(entry):
            _note_milestone(step, getattr(entry, f"{step.who}_id"), entry)


def note_network_saved(network: Network, created: bool) -> None:
    """A new network is active from its start; a changed start date moves its spells."""
    if created:
        start = network.started_on
        _add_window(_spells(network.pk, ACTIVE), _owner(network.pk, network.chapter_id, ACTIVE),
                    start, start + ACTIVE.window)
    else:
        rebuild_network(network)


def _spells(network_id: int, measure: Measure) -> models.QuerySet[NetworkSpell]:
    return NetworkSpell.objects.filter(network_id=network_id, measure=measure.name)


def _owner(network_id: int, chapter_id: int, measure: Measure) -> dict[str, Any]:
    return {"network_id": network_id, "chapter_id": chapter_id, "measure": measure.name}


def _note_network_point(network_id: int, day: date, kind: str, playbook: str | None) -> None:
    row = Network.objects.filter(pk=network_id).values_list("started_on", "chapter_id").first()
    if row is None:
        return
    started_on, chapter_id = row
    for measure in NETWORK_MEASURES:
        if not measure.counts(kind, playbook):
            continue
        start, end = day, day + measure.window
        if measure.from_start:
            if end < started_on:  # long before the network began: it says nothing
                continue
            start = max(start, started_on)
        _add_window(_spells(network_id, measure), _owner(network_id, chapter_id, measure),
                    start, end)


def _add_window(spells: models.QuerySet[Any], owner: dict[str, Any], start: date,
                end: date) -> None:
    """Add the days [start, end] to an owner's spells (`spells`: all of them; `owner`: the
    fields of a new one), merging the spells it overlaps or touches into one. Usually one read
    and one small write, or just the read."""
    touching = list(
        spells.filter(starts_on__lte=end + ONE_DAY, ends_on__gte=start - ONE_DAY)
        .order_by("starts_on")
    )
    if not touching:
        spells.model.objects.create(**owner, starts_on=start, ends_on=end)
        return
    keep = touching[0]
    new_start = min(start, keep.starts_on)
    new_end = max(end, *(s.ends_on for s in touching))
    if len(touching) > 1:
        spells.model.objects.filter(pk__in=[s.pk for s in touching[1:]]).delete()
    if (new_start, new_end) != (keep.starts_on, keep.ends_on):
        spells.model.objects.filter(pk=keep.pk).update(starts_on=new_start, ends_on=new_end)


def _note_milestone(step: StepRule, person_id: int | None, entry: Contribution) -> None:
    if person_id is None:
        return
    row, created = PersonMilestones.objects.get_or_create(
        person_id=person_id, defaults={"chapter_id": entry.chapter_id,
                                       step.field: entry.occurred_at},
    )
    first = getattr(row, step.field)
    if not created and (first is None or entry.occurred_at < first):
        PersonMilestones.objects.filter(pk=person_id).update(**{step.field: entry.occurred_at})


# --- From the ledger, in bulk ------------------------------------------------------------------


def merge(points: Iterable[date], *, window: timedelta = WINDOW,
          not_before: date | None = None) -> list[tuple[date, date]]:
    """The spells made by points (sorted ascending): the union of [p, p + window], cut off
    before `not_before`, as (first day, last day) runs that neither overlap nor touch."""
    spells: list[tuple[date, date]] = []
    for p in points:
        start, end = p, p + window
        if not_before is not None:
            if end < not_before:
                continue
            start = max(start, not_before)
        if spells and start <= spells[-1][1] + ONE_DAY:
            first, last = spells[-1]
            spells[-1] = (first, max(last, end))
        else:
            spells.append((start, end))
    return spells


def _entries(entries: models.QuerySet[Contribution], owner: str,
             *extra: Any) -> Iterator[tuple[Any, ...]]:
    """(owner id, local day, *extra) of each entry, ordered by owner and time: the ledger's
    (owner, occurred_at) index gives that order without sorting millions of rows.

    Read through a plain (on PostgreSQL, server-side) cursor rather than the ORM's iterator:
    at millions of rows, Django's per-value converters and time-zone lookups cost more than
    the query. The SQL is still the ORM's."""
    rows = entries.order_by(owner, "occurred_at").values_list(owner, "occurred_at", *extra)
    sql, params = rows.query.sql_with_params()
    zone = timezone.get_current_timezone()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(BATCH):
            for pid, at, *rest in batch:
                yield (pid, _aware(at).astimezone(zone).date(), *rest)


def _aware(value: datetime | str) -> datetime:
    """A stored datetime as an aware one: SQLite hands back the UTC text Django wrote."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _by_owner(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, list[tuple[Any, ...]]]]:
    """Consecutive rows of the same owner (the first column), together."""
    owner: Any = None
    group: list[tuple[Any, ...]] = []
    for row in rows:
        if row[0] != owner:
            if owner is not None:
                yield owner, group
            owner, group = row[0], []
        group.append(row[1:])
    if owner is not None:
        yield owner, group


def _network_rows(network_id: int, chapter_id: int, started_on: date,
                  entries: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """The spells of every measure of one network, from its (day, kind, playbook) entries."""
    for measure in NETWORK_MEASURES:
        points = {day for day, kind, playbook in entries if measure.counts(kind, playbook)}
        if measure.from_start:
            points.add(started_on)
        spells = merge(sorted(points), window=measure.window,
                       not_before=started_on if measure.from_start else None)
        for first, last in spells:
            yield network_id, measure.name, chapter_id, first, last


NETWORK_SPELL_COLUMNS = ("network_id", "measure", "chapter_id", "starts_on", "ends_on")
PERSON_SPELL_COLUMNS = ("person_id", "chapter_id", "starts_on", "ends_on")
MILESTONE_COLUMNS = ("person_id", "chapter_id", *(step.field for step in FUNNEL_STEPS))


def _network_spells(chapter_ids: list[int] | None,
                    network_ids: list[int] | None = None) -> Iterator[tuple[Any, ...]]:
    """Rows of NETWORK_SPELL_COLUMNS (of the chapters', or of the given networks)."""
    networks = Network.objects.order_by("pk")
    ledger = Contribution.objects.filter(network__isnull=False)
    if chapter_ids is not None:
        networks = networks.filter(chapter_id__in=chapter_ids)
        ledger = ledger.filter(network__chapter_id__in=chapter_ids)
    if network_ids is not None:
        networks = networks.filter(ids_q("pk", network_ids))
        ledger = ledger.filter(ids_q("network_id", network_ids))
    entries = _by_owner(_entries(ledger, "network_id", "kind", KT("data__playbook")))
    pending = next(entries, None)
    # A merge join: both streams are ordered by network id.
    rows = networks.values_list("pk", "chapter_id", "started_on").iterator(chunk_size=BATCH)
    for pk, chapter_id, started_on in rows:
        while pending is not None and pending[0] < pk:  # entries of a network not in the list
            pending = next(entries, None)
        mine: list[tuple[Any, ...]] = []
        if pending is not None and pending[0] == pk:
            mine, pending = pending[1], next(entries, None)
        yield from _network_rows(pk, chapter_id, started_on, mine)


def _person_spells(chapter_ids: list[int] | None,
                   person_ids: list[int] | None = None) -> Iterator[tuple[Any, ...]]:
    """Rows of PERSON_SPELL_COLUMNS (of the chapters' people, or of the given people)."""
    ledger = Contribution.objects.filter(person__isnull=False, kind__in=ACTIONS)
    if chapter_ids is not None:
        ledger = ledger.filter(person__chapter_id__in=chapter_ids)
    if person_ids is not None:
        ledger = ledger.filter(ids_q("person_id", person_ids))
    chapters = _person_chapters(chapter_ids, person_ids)
    for pk, days in _by_owner(_entries(ledger, "person_id")):
        if pk not in chapters:  # deleted meanwhile
            continue
        for first, last in merge(sorted({day for (day,) in days})):
            yield pk, chapters[pk], first, last


def _in_batches(rows: Iterator[tuple[Any, ...]], model: Any, columns: tuple[str, ...]) -> int:
    """Insert rows (values of `columns`) with plain executemany, BATCH at a time: at hundreds
    of thousands of rows, bulk_create's work per object costs more than the inserts."""
    quote = connection.ops.quote_name
    # Names from the model's own metadata, quoted; every value is a parameter.
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608  # nosec B608
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    written = 0
    with connection.cursor() as cursor:
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(tuple(map(_adapt, row)))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                written, batch = written + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
    return written + len(batch)


def _adapt(value: Any) -> Any:
    """A value as the database driver takes it (what the model fields would have done)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _person_chapters(chapter_ids: list[int] | None,
                     person_ids: list[int] | None = None) -> dict[int, int]:
    from netweave.people.models import Person

    people = Person.objects.order_by()
    if chapter_ids is not None:
        people = people.filter(chapter_id__in=chapter_ids)
    if person_ids is not None:
        people = people.filter(ids_q("pk", person_ids))
    return dict(people.values_list("pk", "chapter_id").iterator(chunk_size=BATCH))


def _milestones(chapter_ids: list[int] | None,
                person_ids: list[int] | None = None) -> Iterator[tuple[Any, ...]]:
    """Rows of MILESTONE_COLUMNS (of the chapters' people, or of the given people)."""
    firsts: dict[int, dict[str, datetime]] = {}
    for step in FUNNEL_STEPS:
        ledger = Contribution.objects.filter(step.ledger_q())
        if chapter_ids is not None:
            ledger = ledger.filter(**{f"{step.who}__chapter_id__in": chapter_ids})
        if person_ids is not None:
            ledger = ledger.filter(ids_q(f"{step.who}_id", person_ids))
        rows = ledger.order_by().values_list(f"{step.who}_id").annotate(first=Min("occurred_at"))
        for pid, first in rows.iterator(chunk_size=BATCH):
            firsts.setdefault(pid, {})[step.field] = first
    chapters = _person_chapters(chapter_ids, person_ids)
    for pid, fields in sorted(firsts.items()):
        if pid in chapters:
            yield (pid, chapters[pid], *(fields.get(step.field) for step in FUNNEL_STEPS))


@dataclass(frozen=True)
class Rebuilt:
    network_spells: int
    person_spells: int
    milestones: int


@transaction.atomic
def rebuild(chapter_ids: list[int] | None = None) -> Rebuilt:
    """Recompute the indexes of the given chapters (default: all) from the ledger."""
    for model in (NetworkSpell, PersonSpell, PersonMilestones):
        rows = model.objects.all()
        if chapter_ids is not None:
            rows = rows.filter(chapter_id__in=chapter_ids)
        rows._raw_delete(rows.db)  # no signals or cascades to collect: plain DELETE
    built = Rebuilt(
        network_spells=_in_batches(_network_spells(chapter_ids), NetworkSpell,
                                   NETWORK_SPELL_COLUMNS),
        person_spells=_in_batches(_person_spells(chapter_ids), PersonSpell,
                                  PERSON_SPELL_COLUMNS),
        milestones=_in_batches(_milestones(chapter_ids), PersonMilestones, MILESTONE_COLUMNS),
    )
    _analyze(NetworkSpell, PersonSpell, PersonMilestones)
    return built


def _analyze(*models: Any) -> None:
    """Fresh planner statistics for tables just filled (a rebuild writes millions of rows):
    the metrics' queries are planned from them, and with the statistics of empty tables
    PostgreSQL took a chapter's 14,000 current spells for one row and chose plans that ran for
    minutes. Autovacuum would catch up only later."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")


def refresh(*, network_ids: Iterable[int] = (), person_ids: Iterable[int] = ()) -> Rebuilt:
    """Recompute the indexes of the given networks (their spells) and people (spells and
    milestones) from the ledger, BATCH owners per query: after a bulk write that bypassed
    save() and touched only these (an import), instead of rebuilding whole chapters. One
    transaction per batch, each leaving every owner of it whole."""
    networks, people = sorted(set(network_ids)), sorted(set(person_ids))
    written = [0, 0, 0]
    for i in range(0, len(networks), BATCH):
        chunk = networks[i:i + BATCH]
        with transaction.atomic():
            NetworkSpell.objects.filter(ids_q("network_id", chunk))._raw_delete(
                NetworkSpell.objects.db)
            written[0] += _in_batches(_network_spells(None, chunk), NetworkSpell,
                                      NETWORK_SPELL_COLUMNS)
    for i in range(0, len(people), BATCH):
        chunk = people[i:i + BATCH]
        with transaction.atomic():
            for model in (PersonSpell, PersonMilestones):
                model.objects.filter(ids_q("person_id", chunk))._raw_delete(model.objects.db)
            written[1] += _in_batches(_person_spells(None, chunk), PersonSpell,
                                      PERSON_SPELL_COLUMNS)
            written[2] += _in_batches(_milestones(None, chunk), PersonMilestones,
                                      MILESTONE_COLUMNS)
    return Rebuilt(*written)


def rebuild_network(network: Network) -> None:
    """Recompute one network's spells (its start date changed)."""
    entries = [row[1:] for row in _entries(Contribution.objects.filter(network_id=network.pk),
                                          "network_id", "kind", KT("data__playbook"))]
    NetworkSpell.objects.filter(network_id=network.pk).delete()
    NetworkSpell.objects.bulk_create(
        NetworkSpell(**dict(zip(NETWORK_SPELL_COLUMNS, row, strict=True)))
        for row in _network_rows(network.pk, network.chapter_id, network.started_on, entries)
    )


def _stored(chapter_ids: list[int] | None) -> tuple[set[tuple[Any, ...]], ...]:
    def rows(model: Any, *fields: str) -> set[tuple[Any, ...]]:
        qs = model.objects.order_by()
        if chapter_ids is not None:
            qs = qs.filter(chapter_id__in=chapter_ids)
        return set(qs.values_list(*fields))

    return (
        rows(NetworkSpell, *NETWORK_SPELL_COLUMNS), rows(PersonSpell, *PERSON_SPELL_COLUMNS),
        rows(PersonMilestones, *MILESTONE_COLUMNS),
    )


def _computed(chapter_ids: list[int] | None) -> tuple[set[tuple[Any, ...]], ...]:
    return (set(_network_spells(chapter_ids)), set(_person_spells(chapter_ids)),
            set(_milestones(chapter_ids)))


def verify(chapter_ids: list[int] | None = None) -> int:
    """How many rows of the stored indexes differ from the ledger's (0: they agree). Reads
    everything into memory: for tests and occasional checks, not for the request path."""
    return sum(len(a ^ b) for a, b in zip(_stored(chapter_ids), _computed(chapter_ids),
                                          strict=True))
