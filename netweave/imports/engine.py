"""The import itself: stream the file, batch by batch, each batch one transaction.

Per batch: parse and check every row (imports/rows.py; in a second thread, while the batch
before is written), look up every email and phone of the batch by keyed hash in one query,
decide per row (create, merge, unchanged, reject), then write in bulk: people, channels
(people/contacts.py), memberships, ledger entries, audit rows for merged people, rejected rows,
and the run's counters with its checkpoint `processed_rows`. A run killed at any point leaves
whole batches behind it, and starts again after the last one.

Speed (benchmarks/import_people.py): no per-row query and no per-row save. People and ledger
entries go in through imports/bulk.py (multi-row INSERTs on SQLite, COPY on PostgreSQL).
"""

from __future__ import annotations

import contextlib
import csv
import gc
import itertools
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.db.models.base import ModelState
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from netweave.core import crypto
from netweave.core.models import AuditEntry, Contribution, Place
from netweave.imports import bulk
from netweave.imports.models import ImportKey, ImportRejection, ImportRun
from netweave.imports.rows import Parsed, RowError, Rules, parse
from netweave.networks.models import Membership, Network
from netweave.people import contacts
from netweave.people.models import ContactChannel, Person, Source, Visibility

# Rows per batch (one transaction each). 10,000 rather than 5,000: on SQLite each commit
# rewrites every page of the contact-hash index the batch touched, which is most of it.
BATCH_ROWS = 10_000
SQLITE_CACHE_KB = 64 * 1024
SAMPLE_SIZE = 200
CHECK_SLICE = 50
# Batches between two collections of the young generations (see _collect_between_batches).
COLLECT_EVERY = 5
DEFAULT_HOURS = Person._meta.get_field("hours_per_week").default
DEFAULT_VISIBILITY = int(Visibility.AMONG_FRIENDS)
RECORDED = str(Source.RECORDED.value)

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Outcome:
    row_number: int
    outcome: str  # create, merge, unchanged, reject
    reason: str
    name: str = ""
    code: str = ""
    cells: list[str] = field(default_factory=list)


@dataclass
class BatchResult:
    outcomes: list[Outcome]
    counts: Counter[str]
    reasons: Counter[str]


# --- the chapter's names, resolved once per run ------------------------------------------------

def build_rules(run: ImportRun) -> Rules:
    networks = {name.casefold(): pk for pk, name in
                Network.objects.filter(chapter_id=run.chapter_id)
                .exclude(status=Network.Status.DISSOLVED).values_list("id", "name")}
    places = {name.casefold(): pk for pk, name in
              Place.objects.filter(chapter_id=run.chapter_id).values_list("id", "name")}
    headers = list(run.headers)
    columns = [(i, h, run.mapping.get(h, "")) for i, h in enumerate(headers)
               if run.mapping.get(h)]
    defaults = run.defaults or {}
    tag_rules: dict[str, list[tuple[str, str]]] = {}
    for tag, rule in (defaults.get("tags") or {}).items():
        kind, _sep, value = str(rule).partition(":")
        if kind == "network":
            value = str(networks[value.strip().casefold()])
        elif kind == "place":
            value = str(places[value.strip().casefold()])
        tag_rules.setdefault(tag.strip().casefold(), []).append((kind, value.strip()))
    return Rules(
        columns=columns, networks=networks, places=places, tag_rules=tag_rules,
        default_networks=[networks[n.casefold()] for n in defaults.get("networks") or []],
        default_place=places[defaults["place"].casefold()] if defaults.get("place") else None,
        default_source=defaults.get("source") or "",
        width=len(headers),
        hashes=contacts.hasher(),
        seal=contacts.sealer(),
    )


# --- reading ---------------------------------------------------------------------------------

def records(stream: Any) -> Iterator[list[str]]:
    """csv.reader over the stream, the header row included, with the delimiter (comma,
    semicolon or tab) guessed from the header line: spreadsheets in many locales save CSV
    with semicolons. Reads the stream once, forwards only (it may be a decrypting one)."""
    first = stream.readline()
    if not first:
        return iter(())
    try:
        dialect: Any = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    if dialect.delimiter not in ",;\t":
        dialect = csv.excel

    class _Dialect(csv.excel):
        delimiter = dialect.delimiter

    return csv.reader(itertools.chain([first], stream), dialect=_Dialect)


# --- one batch -------------------------------------------------------------------------------

@dataclass
class _Target:
    """A person a row lands on: already in the chapter, or created earlier in this batch."""

    person: Any  # Person, or _NewPerson before it is written
    hashes: set[str]
    networks: set[int]
    new: bool
    first_row: int
    changed: set[str] = field(default_factory=set)
    # kind, value as stored (encrypted), hash
    new_channels: list[tuple[str, str, str]] = field(default_factory=list)
    new_networks: list[int] = field(default_factory=list)
    source_detail: str = ""
    key_hash: str = ""


# The fields of an existing person the merge rules read (and may write back).
PERSON_FIELDS = ("id", "public_id", "display_name", "place_id", "social_grouping",
                 "availability", "hours_per_week", "visibility", "discreet", "source",
                 "constraints", "languages", "interests", "notes")


class _Person(SimpleNamespace):
    """An existing person, as far as the merge rules need (no model instance per row)."""

    @property
    def pk(self) -> int:
        return int(self.id)


def _as_list(value: Any) -> list[Any]:
    """A JSON list column as read raw (text on SQLite, already decoded on PostgreSQL)."""
    if isinstance(value, str):
        return list(json.loads(value or "[]"))
    return list(value or [])


def _plain(value: Any) -> str:
    """Notes as read raw: decrypted (rows from before encryption are plain already)."""
    if value and crypto.is_encrypted(value):
        return crypto.decrypt(value)
    return value or ""


class _NewPerson(SimpleNamespace):
    """A person to create: the attributes the merge rules read and write, then the row's
    values for the bulk insert (no model instance per row: see imports/bulk.py)."""


# What a new person's row starts from (the model's defaults for the fields the merge reads).
NEW_PERSON: dict[str, Any] = {
    "pk": None, "place_id": None, "social_grouping": "", "availability": "",
    "hours_per_week": DEFAULT_HOURS, "visibility": DEFAULT_VISIBILITY, "discreet": False,
    "constraints": [], "languages": [], "interests": [], "notes": "",
}


Checked = tuple[list[Parsed], list[Outcome]]


def check_rows(rules: Rules, chapter_id: int, rows: list[tuple[int, list[str]]]) -> Checked:
    """Every row parsed and checked (imports/rows.py): the parsed ones, and an outcome for each
    row rejected. No query: the run reads and checks the next batch with this in a second
    thread while the current one is written."""
    parsed: list[Parsed] = []
    rejected: list[Outcome] = []
    for number, cells in rows:
        try:
            parsed.append(parse(rules, chapter_id, number, cells))
        except RowError as error:
            rejected.append(Outcome(number, "reject", error.message, code=error.code,
                                    cells=cells))
    return parsed, rejected


def _stand_in(pk: int) -> Person:
    """A Person with only its id, enough for people.contacts.NewChannel (which needs a Person
    to point the channel at) without building the whole instance."""
    person = Person.__new__(Person)
    person._state = ModelState()
    person._state.adding = False
    person._state.db = "default"
    person.id = pk
    return person


class Batch:
    def __init__(self, run: ImportRun, rules: Rules, *, now: datetime, due: date,
                 actor_id: int | None) -> None:
        self.run = run
        self.rules = rules
        self.now = now
        self.due = due
        self.actor_id = actor_id
        # Translated once per batch, not once per row (gettext is most of a row's cost).
        self.text = {
            "new": _("New person."),
            "row": _("row %(row)d of this file"),
            "chapter": _("someone already in the chapter"),
            "email": _("Same email as %(whom)s"),
            "phone": _("Same phone as %(whom)s"),
            "name": _("Same name as %(whom)s (no email or phone)"),
            "kept": _("Kept the values already there for: %(fields)s."),
            "added": _("%(matched)s: added %(added)s."),
            "nothing": _("%(matched)s: nothing new."),
        }
        self.labels = {
            "place_id": _("place"), "social_grouping": _("social grouping"),
            "availability": _("availability"), "hours_per_week": _("hours a week"),
            "visibility": _("public-facing"), "discreet": _("discreet"),
            "source": _("how they came in"), "name": _("name"), "notes": _("notes"),
            "network": _("network"), "constraints": _("constraints"),
            "languages": _("languages"), "interests": _("interests"),
            "email": _("email"), "phone": _("phone"),
        }

    def process(self, rows: list[tuple[int, list[str]]], *, keep_cells: bool = False
                ) -> BatchResult:
        return self.process_checked(check_rows(self.rules, self.run.chapter_id, rows),
                                    keep_cells=keep_cells)

    def process_checked(self, checked: Checked, *, keep_cells: bool = False,
                        writing: Callable[[], None] | None = None) -> BatchResult:
        """Decide and write rows already parsed and checked by `check_rows`. `writing` is
        called when the decisions are made and the writes begin."""
        parsed, rejected = checked
        outcomes: list[Outcome] = list(rejected)
        targets = self._existing(parsed)
        by_key = self._existing_keys(parsed)
        existing = [*targets.values(), *by_key.values()]
        by_hash: dict[str, _Target] = {}
        for target in targets.values():
            for digest in target.hashes:
                by_hash.setdefault(digest, target)
        created: list[_Target] = []
        for row in parsed:
            outcomes.append(self._decide(row, by_hash, by_key, created))
        if writing is not None:
            writing()
        self._write(created, existing, outcomes)
        outcomes.sort(key=lambda o: o.row_number)
        counts: Counter[str] = Counter(o.outcome for o in outcomes)
        reasons: Counter[str] = Counter(o.code for o in outcomes if o.outcome == "reject")
        if not keep_cells:
            for o in outcomes:
                if o.outcome != "reject":
                    o.cells = []
        return BatchResult(outcomes, counts, reasons)

    # Who is already here -----------------------------------------------------------------
    def _existing(self, parsed: list[Parsed]) -> dict[int, _Target]:
        """People of the chapter with any of the batch's hashes, with the fields the merge
        rules read (no model instances). A person's hashes outside the batch do not matter:
        every hash of the batch is looked up.

        Two queries, each of which only an index can answer: channels by hash, then people
        by id. A join would let the planner start from the chapter's people instead, which
        it does whenever its statistics are older than the import (PostgreSQL right after
        a large first run: every batch then walked the whole chapter). The chapter and
        forgotten people are filtered here. Raw SQL: at 10,000 rows a batch, compiling the
        ORM query and converting every value costs more than the query."""
        digests = list({h for row in parsed for _k, _v, _c, hashes in row.channels
                        for h in hashes})
        owners: dict[int, set[str]] = {}
        for digest, person_id in _select_in("lookup_hash, person_id",
                                            ContactChannel._meta.db_table, "lookup_hash", digests):
            owners.setdefault(person_id, set()).add(digest)
        column_of = {f.attname: f.column for f in Person._meta.concrete_fields}
        table = Person._meta.db_table
        columns = ", ".join(f'"{table}"."{column_of[n]}"' for n in PERSON_FIELDS)
        found: dict[int, _Target] = {}
        people = _select_in(f"chapter_id, forgotten_at, {columns}", Person._meta.db_table, "id",
                            list(owners))
        # By id: when several people match a row, the one who came in first is used.
        for chapter_id, forgotten_at, *values in sorted(people, key=lambda r: r[2]):
            if chapter_id != self.run.chapter_id or forgotten_at is not None:
                continue
            existing = _Person(**dict(zip(PERSON_FIELDS, values, strict=True)))
            found[existing.id] = _Target(existing, owners[existing.id], set(), new=False,
                                         first_row=0)
        self._memberships(found, parsed)
        return found

    def _memberships(self, found: dict[int, _Target], parsed: list[Parsed]) -> None:
        if not found or not any(row.networks for row in parsed):
            return
        for person_id, network_id in _select_in("person_id, network_id",
                                                Membership._meta.db_table, "person_id",
                                                list(found), where="left_on IS NULL"):
            found[person_id].networks.add(network_id)

    def _existing_keys(self, parsed: list[Parsed]) -> dict[str, _Target]:
        keys = [row.key_hash for row in parsed if row.key_hash]
        if not keys:
            return {}
        rows = (ImportKey.objects.filter(chapter_id=self.run.chapter_id, key_hash__in=keys,
                                         person__forgotten_at__isnull=True)
                .values_list("key_hash", *["person__" + n for n in PERSON_FIELDS]))
        found: dict[int, _Target] = {}
        by_key = {}
        for key, *values in rows:
            target = found.get(values[0])
            if target is None:
                person = _Person(**dict(zip(PERSON_FIELDS, values, strict=True)))
                target = found[values[0]] = _Target(person, set(), set(), new=False,
                                                    first_row=0)
            by_key[key] = target
        self._memberships(found, parsed)
        return by_key

    # What happens to one row -------------------------------------------------------------
    def _decide(self, row: Parsed, by_hash: dict[str, _Target], by_key: dict[str, _Target],
                created: list[_Target]) -> Outcome:
        target = None
        matched_on = ""
        for kind, _value, _digest, hashes in row.channels:
            for digest in hashes:
                if digest in by_hash:
                    target, matched_on = by_hash[digest], kind
                    break
            if target is not None:
                break
        if target is None and row.key_hash and row.key_hash in by_key:
            target, matched_on = by_key[row.key_hash], "name"
        if target is None:
            target = self._new_target(row)
            created.append(target)
            for _kind, _value, digest, _hashes in row.channels:
                by_hash.setdefault(digest, target)
            if row.key_hash:
                by_key[row.key_hash] = target
            return Outcome(row.row_number, "create", self.text["new"], name=row.name)
        changes, kept = self._merge(target, row)
        for _kind, _value, digest, _hashes in row.channels:
            by_hash.setdefault(digest, target)
        text = self.text
        where = (text["row"] % {"row": target.first_row} if target.new else text["chapter"])
        matched = text[matched_on] % {"whom": where}
        note = " " + text["kept"] % {"fields": ", ".join(kept)} if kept else ""
        if changes:
            return Outcome(row.row_number, "merge",
                           text["added"] % {"matched": matched, "added": ", ".join(changes)}
                           + note, name=target.person.display_name)
        return Outcome(row.row_number, "unchanged", text["nothing"] % {"matched": matched}
                       + note, name=target.person.display_name)

    def _new_target(self, row: Parsed) -> _Target:
        values = dict(row.values)
        person = _NewPerson(**{
            **NEW_PERSON, "display_name": row.name, "source": values.pop("source", RECORDED),
            "followup_due": self.due, "joined_at": self.now, "last_activity_at": self.now,
            **values,
        })
        target = _Target(person, set(), set(row.networks), new=True, first_row=row.row_number,
                         source_detail=row.source_detail, key_hash=row.key_hash)
        for kind, value, digest, _hashes in row.channels:
            if digest not in target.hashes:
                target.hashes.add(digest)
                target.new_channels.append((kind, value, digest))
        target.new_networks = list(row.networks)
        return target

    def _merge(self, target: _Target, row: Parsed) -> tuple[list[str], list[str]]:
        """The merge rules (docs/importing.md): fill what is empty, never overwrite what is
        there, add new channels, list items and networks, append notes not already in them.
        Returns (what was added, which fields kept a different existing value)."""
        person = target.person
        added: list[str] = []
        kept: list[str] = []
        labels = self.labels
        if row.named and row.name.casefold() != person.display_name.casefold():
            kept.append(labels["name"])
        for kind, value, digest, hashes in row.channels:
            if not target.hashes.intersection(hashes):
                target.hashes.add(digest)
                target.new_channels.append((kind, value, digest))
                added.append(labels[kind])
        empty = {"place_id": None, "social_grouping": "", "availability": "",
                 "hours_per_week": DEFAULT_HOURS, "visibility": DEFAULT_VISIBILITY,
                 "discreet": False, "source": RECORDED}
        for key, value in row.values.items():
            if key in empty:
                current = getattr(person, key)
                if current == value or (key == "hours_per_week" and float(current) == float(value)):
                    continue
                if current == empty[key] or current is None:
                    setattr(person, key, value)
                    target.changed.add(key)
                    added.append(labels[key])
                else:
                    kept.append(labels[key])
            elif key in ("constraints", "languages", "interests"):
                current_list = _as_list(getattr(person, key))
                extra = [v for v in value if v not in current_list]
                if extra:
                    setattr(person, key, current_list + extra)
                    target.changed.add(key)
                    added.append(labels[key])
            elif key == "notes":
                notes = _plain(person.notes)
                if value not in notes:
                    person.notes = f"{notes}\n{value}" if notes else value
                    target.changed.add("notes")
                    added.append(labels["notes"])
        for network_id in row.networks:
            if network_id not in target.networks:
                target.networks.add(network_id)
                target.new_networks.append(network_id)
                added.append(labels["network"])
        return added, kept

    # Writing -----------------------------------------------------------------------------
    def _write(self, created: list[_Target], existing: list[_Target],
               outcomes: list[Outcome]) -> None:
        self._insert_people(created)
        touched = list({id(t): t for t in existing}.values())
        # The values were normalised and hashed by rows.parse, with people.contacts' own
        # functions: they are not checked and hashed a second time.
        contacts.channels_bulk_add_sealed(
            ((t.person.pk, k, v, d) for t in [*created, *touched] for k, v, d in t.new_channels),
            consented_at=self.now)
        keys = [ImportKey(chapter_id=self.run.chapter_id, key_hash=t.key_hash,
                          person_id=t.person.pk) for t in created if t.key_hash]
        if keys:
            ImportKey.objects.bulk_create(keys, ignore_conflicts=True)
        changed = [t for t in touched if t.changed]
        fields = sorted({f for t in changed for f in t.changed})
        if changed:
            updates = []
            for t in changed:
                row = _stand_in(t.person.pk)
                for name in fields:
                    value = getattr(t.person, name)
                    if name in ("constraints", "languages", "interests"):
                        value = _as_list(value)
                    elif name == "notes":
                        value = _plain(value)
                    setattr(row, name, value)
                updates.append(row)
            Person.objects.bulk_update(updates, fields, batch_size=500)
        today = self.now.date()
        bulk.insert_new(Membership, [{"network_id": n, "person_id": t.person.pk,
                                      "joined_on": today}
                                     for t in [*created, *touched] for n in t.new_networks])
        bulk.insert_rows(Contribution, self._ledger(created, touched))
        audits = [AuditEntry(actor_id=self.actor_id, chapter_id=self.run.chapter_id,
                             action="person.update", target=t.person.public_id, at=self.now,
                             detail={"fields": sorted(t.changed) + (["channels"] if
                                     t.new_channels else []) + (["networks"] if t.new_networks
                                                                else []),
                                     "import": self.run.public_id})
                  for t in touched if t.changed or t.new_channels or t.new_networks]
        if audits:
            AuditEntry.objects.bulk_create(audits)
        rejections = [ImportRejection(run_id=self.run.pk, row_number=o.row_number, code=o.code,
                                      reason=o.reason[:300], values=_json(o.cells))
                      for o in outcomes if o.outcome == "reject"]
        if rejections:
            ImportRejection.objects.bulk_create(rejections, ignore_conflicts=True)

    def _insert_people(self, created: list[_Target]) -> None:
        rows = []
        for t in created:
            row = dict(vars(t.person))
            del row["pk"]
            row["chapter_id"] = self.run.chapter_id
            rows.append(row)
        for t, pk in zip(created, bulk.insert_rows(Person, rows), strict=True):
            t.person.pk = pk

    def _ledger(self, created: list[_Target], touched: Iterable[_Target]
                ) -> list[dict[str, Any]]:
        common = {"chapter_id": self.run.chapter_id, "occurred_at": self.now,
                  "recorded_at": self.now, "recorded_by_id": self.actor_id}
        entries = []
        # The entries' data repeat a handful of values: each is serialised once.
        field = Contribution._meta.get_field("data")
        texts: dict[tuple[str, str], bulk.JSONText] = {}
        for t in created:
            text = texts.get((t.person.source, t.source_detail))
            if text is None:
                data: dict[str, Any] = {"source": t.person.source, "import": self.run.public_id}
                if t.source_detail:
                    data["detail"] = t.source_detail
                text = texts[(t.person.source, t.source_detail)] = bulk.json_text(data, field)
            entries.append({**common, "kind": Contribution.Kind.SIGNED_UP.value,
                            "person_id": t.person.pk, "data": text})
        joined = bulk.json_text({"import": self.run.public_id}, field)
        for t in [*created, *touched]:
            for network_id in t.new_networks:
                entries.append({**common, "kind": Contribution.Kind.NETWORK_JOINED.value,
                                "person_id": t.person.pk, "network_id": network_id,
                                "data": joined})
        return entries


def _select_in(columns: str, table: str, key: str, keys: list[Any], where: str = ""
               ) -> Iterator[tuple[Any, ...]]:
    """`columns` of the rows of `table` whose `key` column is one of `keys` (and `where`).

    PostgreSQL: one query, one index probe per key (`unnest` of one array, and a LATERAL
    subquery per key that `OFFSET 0` keeps the planner from turning into a join). Its plan
    then does not depend on the table's statistics, which an import makes stale: with a
    join or `key = ANY(array)` it scanned the whole table (or another index, testing every
    row against the array) once per batch, which made a second run of 100,000 rows take
    over a minute and a half. SQLite: one query too, the keys as a JSON array
    (`json_each`), each looked up in the key's index (one statement of 20,000 keys rather
    than two dozen of 900, SQLite's old limit on parameters).
    """
    if not keys:
        return
    also = f" AND {where}" if where else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            array = "text[]" if isinstance(keys[0], str) else "bigint[]"
            cursor.execute(f"SELECT found.* FROM unnest(%s::{array}) AS wanted(k) "  # noqa: S608  # nosec B608
                           f'CROSS JOIN LATERAL (SELECT {columns} FROM "{table}" '
                           f'WHERE "{table}"."{key}" = wanted.k{also} OFFSET 0) AS found',
                           [keys])
            yield from cursor.fetchall()
            return
        cursor.execute(f'SELECT {columns} FROM "{table}" '  # noqa: S608  # nosec B608
                       f'WHERE "{key}" IN (SELECT value FROM json_each(%s)){also}',
                       [json.dumps(keys)])
        yield from cursor.fetchall()


def _json(cells: list[str]) -> str:
    return json.dumps(cells, ensure_ascii=False)


# --- the whole run ---------------------------------------------------------------------------

def execute(run: ImportRun, *, progress: Callable[[ImportRun], None] | None = None,
            batch_rows: int = BATCH_ROWS) -> ImportRun:
    """Import from the checkpoint to the end. Each batch commits on its own, with the
    checkpoint; a cancel between batches stops the run.

    Two threads: this one reads the file, decides and writes; a second one parses and checks
    the next batch (check_rows, which makes no query) while this one writes the current
    batch. SQLite and PostgreSQL's client work with Python's lock released, so the two
    overlap; started earlier, while this thread still decides in Python, the second one
    would only take turns with it."""
    from netweave.imports import storage
    from netweave.people.services import first_followup_due

    rules = build_rules(run)
    due = first_followup_due(run.chapter_id)
    actor_id = run.created_by_id
    with _page_cache(), _collect_between_batches(), storage.open_text(run) as stream, \
            _checker(rules, run.chapter_id) as check:
        batches = _batches(stream, run.processed_rows, batch_rows)
        pending = next(batches, None)
        checking = check(pending) if pending is not None else None
        batches_done = 0
        while pending is not None and checking is not None:
            following = next(batches, None)
            started: list[Future[Checked]] = []

            def start_next(following: Any = following, started: Any = started) -> None:
                if following is not None and not started:
                    started.append(check(following))

            if not _commit(run, rules, pending, checking, due, actor_id, start_next):
                return run
            start_next()
            batches_done += 1
            if batches_done % COLLECT_EVERY == 0:
                gc.collect(1)
            if progress:
                progress(run)
            pending, checking = following, next(iter(started), None)
        if progress and batches_done == 0:  # nothing (left) to import: say so all the same
            progress(run)
    return run


def _batches(stream: Any, skip: int, size: int) -> Iterator[list[tuple[int, list[str]]]]:
    """The file's rows after the header and the first `skip` (already imported), numbered
    as a spreadsheet numbers them (the header is row 1), `size` at a time, but a tenth of
    that first: nothing is written while the first batch is checked, so it is kept short."""
    reader = records(stream)
    next(reader, None)
    numbered = enumerate(reader, start=2)
    for _skipped in itertools.islice(numbered, skip):
        pass
    first = max(1, size // 10)
    while batch := list(itertools.islice(numbered, first)):
        yield batch
        first = size


@contextlib.contextmanager
def _checker(rules: Rules, chapter_id: int
             ) -> Iterator[Callable[[list[tuple[int, list[str]]]], Future[Checked]]]:
    """A function that starts checking a batch's rows in the second thread (check_rows, with
    blank rows left out) and returns its future. The thread speaks the run's language: the
    reasons it writes are the report's."""
    language = translation.get_language()

    def check_in(pending: list[tuple[int, list[str]]]) -> Checked:
        parsed: list[Parsed] = []
        rejected: list[Outcome] = []
        with translation.override(language):
            rows = [(n, c) for n, c in pending if any(x.strip() for x in c)]
            for start in range(0, len(rows), CHECK_SLICE):
                some_parsed, some_rejected = check_rows(rules, chapter_id,
                                                        rows[start:start + CHECK_SLICE])
                parsed += some_parsed
                rejected += some_rejected
                # Hand Python's lock to the writing thread if it is waiting for it (it is,
                # each time SQLite finishes a statement); otherwise it waits up to the
                # interpreter's switch interval (5 ms) for every statement.
                time.sleep(0)
        return parsed, rejected

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-check") as pool:
        try:
            yield lambda pending: pool.submit(check_in, pending)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _page_cache() -> Iterator[None]:
    """On SQLite, a larger page cache for this connection while the run lasts: every batch
    adds to a score of indexes (people, ledger, channels), and once those outgrow SQLite's
    default 2 MB cache each insert reads its index pages back in."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


@contextlib.contextmanager
def _collect_between_batches() -> Iterator[None]:
    """No automatic garbage collection while the run lasts; the batch loop collects the young
    generations every few batches instead. A batch makes some hundred thousand objects that
    live until it ends: the automatic collector kept walking them (and, fifty times a run,
    every object of the process), which was an eighth of an import's time. Few objects of
    a run are in cycles (a rejected row's exception and its frames: some 5,000 objects a
    batch), so collecting them every few batches keeps the memory bounded all the same."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class RunTakenOver(Exception):
    """Another process moved this run's checkpoint: the same file is being imported twice at
    once (two `netweave import` commands, or one beside the web's worker)."""


def _commit(run: ImportRun, rules: Rules, pending: list[tuple[int, list[str]]],
            checking: Future[Checked], due: date, actor_id: int | None,
            writing: Callable[[], None]) -> bool:
    """One batch and its checkpoint in one transaction. False when the run was cancelled.

    The run's row is locked first and its checkpoint compared with where this process thinks
    it is: a second process on the same run waits for the first one's batch, then finds the
    checkpoint moved and stops (RunTakenOver) instead of importing the same rows again."""
    with transaction.atomic():
        status, checkpoint = (ImportRun.objects.select_for_update().filter(pk=run.pk)
                              .values_list("status", "processed_rows").first()
                              or (None, None))
        if status != ImportRun.Status.RUNNING:
            return False
        if checkpoint != run.processed_rows:
            raise RunTakenOver(run.public_id)
        result = Batch(run, rules, now=timezone.now(), due=due,
                       actor_id=actor_id).process_checked(checking.result(), writing=writing)
        room = SAMPLE_SIZE - len(run.sample)
        if room > 0:
            run.sample = run.sample + [
                {"row": o.row_number, "outcome": o.outcome, "reason": o.reason, "name": o.name}
                for o in result.outcomes[:room]]
        reasons = Counter(run.reasons)
        reasons.update(result.reasons)
        run.reasons = dict(reasons)
        run.processed_rows += len(pending)
        ImportRun.objects.filter(pk=run.pk).update(
            processed_rows=run.processed_rows,
            created_count=F("created_count") + result.counts["create"],
            merged_count=F("merged_count") + result.counts["merge"],
            unchanged_count=F("unchanged_count") + result.counts["unchanged"],
            rejected_count=F("rejected_count") + result.counts["reject"],
            sample=run.sample, reasons=run.reasons, heartbeat_at=timezone.now(),
        )
    run.refresh_from_db(fields=["created_count", "merged_count", "unchanged_count",
                                "rejected_count"])
    return True
