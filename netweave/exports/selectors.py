"""What each export holds, for whom: rows taken from the apps' own scoped selectors.

Who may export what (docs/exporting.md):

- people: the chapter's organizers (and admins) only. A people export is the chapter's list of
  contacts leaving the platform; everyone else finds the names they may see in the memberships
  export, and their own data on "Your data".
- networks, memberships, tasks, events, ledger, lineage: everyone signed in, each seeing in the
  file exactly what they see on the pages (`networks_for`, `tasks_for`, `events_for`,
  `contributions_for`, and memberships of the networks whose members they may see).

In every table, a person is named (public id and display name) only when the exporter may see
them (`people_for`). Discreet people are left out (their rows dropped, or their name blanked
where the row is about something else, like a network's lineage) unless the export asks for
that one person by name (`person=<public id>`). Forgotten people are never named: `people_for`
leaves them out for everyone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from netweave.api.selectors import contributions_for
from netweave.core.access import require, require_login
from netweave.core.models import Chapter
from netweave.core.scope import may_read_contacts, scope_of
from netweave.events.models import Event
from netweave.events.selectors import events_for
from netweave.exports.files import plain
from netweave.exports.models import FeedToken
from netweave.networks.models import PATH_WIDTH, Membership
from netweave.networks.selectors import networks_for
from netweave.people.contacts import channels_read
from netweave.people.models import ContactChannel, Person
from netweave.people.selectors import people_for
from netweave.work.selectors import tasks_for

TABLES = ("people", "networks", "memberships", "tasks", "events", "ledger", "lineage")
ORGANIZER_TABLES = frozenset({"people"})
# Tables that name people, so `person=` can ask for one of them (discreet or not) by name.
NAMES_PEOPLE = frozenset({"people", "memberships", "tasks", "ledger"})
CHUNK = 2000
CONTACT_KINDS = tuple(ContactChannel.Kind.values)
# How far back calendar feeds reach: past events stay on the calendar for a season.
FEED_PAST = timedelta(days=90)

Row = list[Any]


@dataclass
class Export:
    """One table, ready to write: its columns, how many rows (counted when the export starts,
    for the audit row) and the rows themselves, read lazily in chunks."""

    table: str
    headers: list[str]
    count: int
    read: Callable[[], Iterator[Row]]
    chapter: Chapter | None = None
    person: str = ""
    contacts: bool = False
    meta: dict[str, Any] = field(default_factory=dict)

    def rows(self) -> Iterator[Row]:
        return self.read()

    def filters(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.chapter is not None:
            out["chapter"] = self.chapter.slug
        if self.person:
            out["person"] = self.person
        if self.contacts:
            out["contacts"] = True
        return out


def tables_for(actor: Any) -> list[str]:
    """The tables the actor may export (none for anonymous)."""
    scope = scope_of(actor)
    if not scope.is_authenticated:
        return []
    organizer = scope.is_admin or bool(scope.organizer_chapters)
    return [t for t in TABLES if organizer or t not in ORGANIZER_TABLES]


def export_for(actor: Any, table: str, *, chapter: Chapter | None = None, person: str = "",
               contacts: bool = False) -> Export:
    """The export of `table` as the actor may see it. Unknown table: 404; signed out or a table
    the actor may not export: PermissionDenied. `chapter` comes from access_export_chapter."""
    if table not in TABLES:
        raise Http404
    require_login(actor)
    require(table in tables_for(actor))
    person = person if table in NAMES_PEOPLE else ""
    export = _BUILDERS[table](actor, chapter.pk if chapter else None, person, contacts)
    export.chapter, export.person = chapter, person
    export.contacts = contacts and table == "people"
    return export


# --- helpers -----------------------------------------------------------------------------------


def _named(actor: Any, person: str, column: str) -> Exists:
    """Whether the row's person (in `column`) may be named in the file: someone the actor may
    see, and not discreet unless asked for by name."""
    who = people_for(actor)
    who = who.filter(Q(discreet=False) | Q(public_id=person)) if person else who.filter(
        discreet=False)
    return Exists(who.filter(pk=OuterRef(column)))


def _who(d: dict[str, Any], prefix: str, named: bool) -> list[str]:
    """A person's public id and name, or two empty cells (nobody, or someone not to name)."""
    if not named or not d[f"{prefix}__public_id"]:
        return ["", ""]
    return [d[f"{prefix}__public_id"], d[f"{prefix}__display_name"]]


def _chapter_slugs() -> dict[int, str]:
    # A few dozen chapters at most: one small query instead of a join on every row.
    return dict(Chapter.objects.values_list("id", "slug"))


def _lazy(qs: QuerySet[Any], fields: list[str],
          row: Callable[[dict[str, Any]], Row]) -> Callable[[], Iterator[Row]]:
    """Rows read in chunks as plain values: building a model instance (and its related ones)
    per row costs several times the query itself on a table of a hundred thousand rows."""
    def read() -> Iterator[Row]:
        for d in qs.values(*fields).iterator(chunk_size=CHUNK):
            yield [plain(v) for v in row(d)]
    return read


def _or_blank(value: Any) -> Any:
    return "" if value is None else value


# --- the tables --------------------------------------------------------------------------------

PEOPLE_HEADERS = [
    "person_id", "display_name", "chapter", "place", "social_grouping", "stage",
    "followup_status", "followup_due", "source", "brought_by_id", "brought_by", "hours_per_week",
    "availability", "constraints", "languages", "interests", "discreet", "joined_at",
    "last_activity_at",
]
PEOPLE_FIELDS = [
    "id", "public_id", "display_name", "chapter_id", "place__name", "social_grouping", "stage",
    "followup_status", "followup_due", "source", "brought_by__public_id",
    "brought_by__display_name", "_brought_named", "hours_per_week", "availability",
    "constraints", "languages", "interests", "discreet", "joined_at", "last_activity_at",
]


def _people(actor: Any, chapter_id: int | None, person: str, contacts: bool) -> Export:
    qs = people_for(actor, chapter_id=chapter_id)
    qs = qs.filter(public_id=person) if person else qs.filter(discreet=False)
    qs = qs.annotate(_brought_named=_named(actor, person, "brought_by_id"))
    slugs = _chapter_slugs()
    scope = scope_of(actor)
    headers = PEOPLE_HEADERS + ([f"contact_{k}" for k in CONTACT_KINDS] if contacts else [])

    def row(d: dict[str, Any]) -> Row:
        cells = [
            d["public_id"], d["display_name"], slugs.get(d["chapter_id"], ""),
            _or_blank(d["place__name"]), d["social_grouping"], d["stage"], d["followup_status"],
            d["followup_due"], d["source"], *_who(d, "brought_by", d["_brought_named"]),
            d["hours_per_week"], d["availability"], d["constraints"], d["languages"],
            d["interests"], d["discreet"], d["joined_at"], d["last_activity_at"],
        ]
        if contacts:
            cells += _contact_cells(actor, scope, d["id"])
        return cells

    return Export("people", headers, qs.count(), _lazy(qs, PEOPLE_FIELDS, row))


def _contact_cells(actor: Any, scope: Any, person_id: int) -> list[str]:
    """One column per kind of channel, values joined by "; ". Read through channels_read (one
    audit row per person read), and only for those who may read this person's contacts."""
    person = Person.objects.only("id", "public_id", "chapter_id", "discreet").get(pk=person_id)
    if not may_read_contacts(scope, person):
        return [""] * len(CONTACT_KINDS)
    values: dict[str, list[str]] = {k: [] for k in CONTACT_KINDS}
    for channel in channels_read(actor=actor, person=person, purpose="export"):
        values.setdefault(channel.kind, []).append(channel.value)
    return ["; ".join(values[k]) for k in CONTACT_KINDS]


NETWORK_HEADERS = [
    "network_id", "name", "chapter", "kind", "place", "social_grouping", "status", "members",
    "generation", "seeded_from_id", "started_on", "created_at", "last_activity_at",
]
NETWORK_FIELDS = [
    "public_id", "name", "chapter_id", "kind__name", "place__name", "social_grouping", "status",
    "member_count", "generation", "seeded_from__public_id", "started_on", "created_at",
    "last_activity_at",
]


def _networks(actor: Any, chapter_id: int | None, person: str, contacts: bool) -> Export:
    qs = networks_for(actor, chapter_id=chapter_id)
    slugs = _chapter_slugs()

    def row(d: dict[str, Any]) -> Row:
        return [
            d["public_id"], d["name"], slugs.get(d["chapter_id"], ""), d["kind__name"],
            _or_blank(d["place__name"]), d["social_grouping"], d["status"], d["member_count"],
            d["generation"], _or_blank(d["seeded_from__public_id"]), d["started_on"],
            d["created_at"], d["last_activity_at"],
        ]

    return Export("networks", NETWORK_HEADERS, qs.count(), _lazy(qs, NETWORK_FIELDS, row))


MEMBERSHIP_HEADERS = [
    "network_id", "network", "chapter", "person_id", "person", "role", "joined_on", "left_on",
]
MEMBERSHIP_FIELDS = [
    "network__public_id", "network__name", "network__chapter_id", "person__public_id",
    "person__display_name", "role", "joined_on", "left_on",
]


def _memberships(actor: Any, chapter_id: int | None, person: str, contacts: bool) -> Export:
    """Memberships of the networks whose members the actor may see (a convener's seeded
    networks are aggregate only: not here), of people the actor may see."""
    scope = scope_of(actor)
    networks = networks_for(actor, chapter_id=chapter_id).filter(scope.network_detail_q())
    people = people_for(actor)
    people = people.filter(public_id=person) if person else people.filter(discreet=False)
    qs = (Membership.objects.filter(network_id__in=networks.values("pk"),
                                    person_id__in=people.values("pk"))
          .order_by("network__name", "network_id", "-role", "person__display_name", "id"))
    slugs = _chapter_slugs()

    def row(d: dict[str, Any]) -> Row:
        return [d["network__public_id"], d["network__name"],
                slugs.get(d["network__chapter_id"], ""), d["person__public_id"],
                d["person__display_name"], d["role"], d["joined_on"], d["left_on"]]

    return Export("memberships", MEMBERSHIP_HEADERS, qs.count(),
                  _lazy(qs, MEMBERSHIP_FIELDS, row))


TASK_HEADERS = [
    "task_id", "playbook", "chapter", "person_id", "person", "network_id", "network", "status",
    "due_on", "offered_at", "accepted_at", "done_at", "reported_at", "report",
]
TASK_FIELDS = [
    "public_id", "playbook__title", "chapter_id", "person__public_id", "person__display_name",
    "_person_named", "network__public_id", "network__name", "status", "due_on", "offered_at",
    "accepted_at", "done_at", "reported_at", "report",
]


def _tasks(actor: Any, chapter_id: int | None, person: str, contacts: bool) -> Export:
    """Tasks the actor may see. The notes stay out (free text about a person, kept encrypted);
    the reported numbers are in."""
    qs = tasks_for(actor, chapter_id=chapter_id)
    qs = (qs.filter(person__public_id=person) if person
          else qs.exclude(person__discreet=True))
    qs = qs.annotate(_person_named=_named(actor, person, "person_id"))
    slugs = _chapter_slugs()

    def row(d: dict[str, Any]) -> Row:
        return [
            d["public_id"], d["playbook__title"], slugs.get(d["chapter_id"], ""),
            *_who(d, "person", d["_person_named"]), _or_blank(d["network__public_id"]),
            _or_blank(d["network__name"]), d["status"], d["due_on"], d["offered_at"],
            d["accepted_at"], d["done_at"], d["reported_at"], d["report"],
        ]

    return Export("tasks", TASK_HEADERS, qs.count(), _lazy(qs, TASK_FIELDS, row))


EVENT_HEADERS = [
    "event_id", "title", "chapter", "kind", "starts_at", "ends_at", "place", "location",
    "host_network", "public", "going", "came",
]
EVENT_FIELDS = [
    "public_id", "title", "chapter_id", "kind", "starts_at", "ends_at", "place__name",
    "location", "host_network__name", "is_public", "going", "came",
]


def _events(actor: Any, chapter_id: int | None, person: str, contacts: bool) -> Export:
    qs = events_for(actor, chapter_id=chapter_id)
    slugs = _chapter_slugs()

    def row(d: dict[str, Any]) -> Row:
        return [
            d["public_id"], d["title"], slugs.get(d["chapter_id"], ""), d["kind"],
            d["starts_at"], d["ends_at"], _or_blank(d["place__name"]), d["location"],
            _or_blank(d["host_network__name"]), d["is_public"], d["going"], d["came"],
        ]

    return Export("events", EVENT_HEADERS, qs.count(), _lazy(qs, EVENT_FIELDS, row))


LEDGER_HEADERS = [
    "occurred_at", "kind", "chapter", "person_id", "person", "network_id", "network",
    "subject_person_id", "subject_person", "subject_network_id", "subject_network", "task_id",
    "event_id", "campaign", "amount", "data",
]
LEDGER_FIELDS = [
    "occurred_at", "kind", "chapter_id", "person__public_id", "person__display_name",
    "_person_named", "network__public_id", "network__name", "subject_person__public_id",
    "subject_person__display_name", "_subject_named", "subject_network__public_id",
    "subject_network__name", "_subject_network_seen", "task__public_id", "event__public_id",
    "campaign__name", "amount", "data",
]


def _ledger(actor: Any, chapter_id: int | None, person: str, contacts: bool) -> Export:
    """The ledger entries the actor may see. Entries about a discreet person are left out
    unless that person is asked for by name; then only entries about them."""
    qs = contributions_for(actor)
    if chapter_id:
        qs = qs.filter(chapter_id=chapter_id)
    if person:
        qs = qs.filter(Q(person__public_id=person) | Q(subject_person__public_id=person))
    else:
        qs = qs.exclude(person__discreet=True).exclude(subject_person__discreet=True)
    qs = qs.annotate(
        _person_named=_named(actor, person, "person_id"),
        _subject_named=_named(actor, person, "subject_person_id"),
        _subject_network_seen=Exists(
            networks_for(actor).filter(pk=OuterRef("subject_network_id"))),
    ).order_by("occurred_at", "id")
    slugs = _chapter_slugs()

    def row(d: dict[str, Any]) -> Row:
        seen = d["_subject_network_seen"]
        return [
            d["occurred_at"], d["kind"], slugs.get(d["chapter_id"], ""),
            *_who(d, "person", d["_person_named"]), _or_blank(d["network__public_id"]),
            _or_blank(d["network__name"]), *_who(d, "subject_person", d["_subject_named"]),
            _or_blank(d["subject_network__public_id"]) if seen else "",
            _or_blank(d["subject_network__name"]) if seen else "",
            _or_blank(d["task__public_id"]), _or_blank(d["event__public_id"]),
            _or_blank(d["campaign__name"]), d["amount"], d["data"],
        ]

    return Export("ledger", LEDGER_HEADERS, qs.count(), _lazy(qs, LEDGER_FIELDS, row))


LINEAGE_HEADERS = [
    "network_id", "network", "chapter", "generation", "stream_root_id", "stream_root",
    "seeded_from_id", "seeded_from", "seeded_by", "kind", "place", "status", "members",
    "started_on", "created_at",
]
LINEAGE_FIELDS = [
    "id", "public_id", "name", "chapter_id", "generation", "path", "seeded_from_id",
    "seeded_from__public_id", "seeded_from__name", "seeded_by__display_name", "_seeder_named",
    "kind__name", "place__name", "status", "member_count", "started_on", "created_at",
]


def _lineage(actor: Any, chapter_id: int | None, person: str, contacts: bool) -> Export:
    """The generation table: every network the actor may see, stream by stream (path order),
    with the stream's first network, the network it was seeded from and who seeded it. Those
    the actor may not see keep their place as an empty cell, as on the lineage pages; a
    convener sees the networks theirs seeded in aggregate (counts, never member names)."""
    qs = (networks_for(actor, chapter_id=chapter_id)
          .annotate(_seeder_named=_named(actor, "", "seeded_by_id")).order_by("path", "id"))
    seen = networks_for(actor, chapter_id=chapter_id).order_by()
    # Stream roots the actor may see, by id: one query for the whole table.
    roots = {pk: (pid, name) for pk, pid, name in
             seen.filter(generation=1).values_list("pk", "public_id", "name")}
    seen_ids = set(seen.values_list("pk", flat=True))
    slugs = _chapter_slugs()

    def row(d: dict[str, Any]) -> Row:
        path = d["path"]
        root = roots.get(int(path[:PATH_WIDTH]) if path else d["id"], ("", ""))
        parent = d["seeded_from_id"] in seen_ids
        return [
            d["public_id"], d["name"], slugs.get(d["chapter_id"], ""), d["generation"],
            root[0], root[1], d["seeded_from__public_id"] if parent else "",
            d["seeded_from__name"] if parent else "",
            _or_blank(d["seeded_by__display_name"]) if d["_seeder_named"] else "",
            d["kind__name"], _or_blank(d["place__name"]), d["status"], d["member_count"],
            d["started_on"], d["created_at"],
        ]

    return Export("lineage", LINEAGE_HEADERS, qs.count(), _lazy(qs, LINEAGE_FIELDS, row))


_BUILDERS: dict[str, Callable[[Any, int | None, str, bool], Export]] = {
    "people": _people, "networks": _networks, "memberships": _memberships, "tasks": _tasks,
    "events": _events, "ledger": _ledger, "lineage": _lineage,
}


# --- calendars ---------------------------------------------------------------------------------


def public_events_of(chapter: Chapter) -> QuerySet[Event]:
    """A chapter's public events, recent and coming: what anyone may see on its public event
    pages (the same rule as events.access.access_public_event)."""
    since = timezone.now() - FEED_PAST
    return (Event.objects.filter(chapter=chapter, is_public=True, starts_at__gte=since)
            .select_related("place").order_by("starts_at", "id"))


def feed_events_for(actor: Any) -> QuerySet[Event]:
    """The events on a user's personal calendar: those they may see (their networks', the
    chapter's public ones, those they answered, and for organizers the chapter's), recent and
    coming."""
    since = timezone.now() - FEED_PAST
    return events_for(actor).filter(starts_at__gte=since).order_by("starts_at", "id")


def feed_token_for(actor: Any) -> FeedToken | None:
    """The actor's working feed token, if they made one."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return FeedToken.objects.filter(user=actor, revoked_at__isnull=True).first()
