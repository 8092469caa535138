"""The demo movement in memory: unsaved rows, and the ledger entries that go with them.

Each step adds model instances here and `write` inserts them in dependency order with
bulk_create. Relations may point at rows not inserted yet: Django fills in the foreign key when
the target was saved after the assignment, and bulk_create sets primary keys on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from netweave.core.ids import REFERRAL_ALPHABET
from netweave.core.models import Chapter, ChapterRole, Contribution, Place
from netweave.demo import data
from netweave.events.models import Attendance, Event
from netweave.networks.models import Membership, Network, NetworkKind, NetworkLink
from netweave.outreach.models import OutreachSession, ReferralCode
from netweave.people.contacts import NewChannel
from netweave.people.models import Constraint, Person, Source, Visibility
from netweave.work.models import Playbook, Task

K = Contribution.Kind
User = get_user_model()


@dataclass
class Net:
    """A network being planned, with what later steps ask about it."""

    row: Network
    parent: Net | None
    start: datetime
    end: datetime | None = None  # when it went dormant or was dissolved
    spine: bool = False
    children: list[Net] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    convener: Person | None = None
    code: ReferralCode | None = None

    def active_at(self, when: datetime) -> bool:
        return self.start <= when and (self.end is None or when < self.end)

    def current(self, when: datetime, *, role: str = "") -> list[Person]:
        """Who was in the network on that day (optionally only with that role)."""
        day = when.date()
        return [
            m.person for m in self.memberships
            if m.joined_on <= day and (m.left_on is None or m.left_on > day)
            and (not role or m.role == role)
        ]


@dataclass
class ChapterPlan:
    spec: dict[str, Any]
    row: Chapter
    start: datetime
    places: list[Place] = field(default_factory=list)
    organizer: Any = None
    core: list[Person] = field(default_factory=list)
    code: ReferralCode | None = None  # the chapter-wide code printed on flyers
    nets: list[Net] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    pool: list[Person] = field(default_factory=list)  # contacts a network may still draw in
    sessions: list[OutreachSession] = field(default_factory=list)

    @property
    def growth(self) -> str:
        return str(self.spec["growth"])

    def places_of(self, *kinds: str) -> list[Place]:
        return [p for p in self.places if p.kind in kinds]


class Plan:
    """Everything the demo will insert, and the helpers every step shares."""

    def __init__(self, *, seed: int, now: datetime) -> None:
        self.seed = seed
        # Demo data, not secrets: a seeded generator makes the same movement every time.
        self.rng = random.Random(seed)  # nosec B311
        self.now = now
        self.today = now.date()
        self.kinds = {k.slug: k for k in NetworkKind.objects.filter(chapter__isnull=True)}
        self.playbooks = {p.slug: p for p in Playbook.objects.filter(chapter__isnull=True)
                          .select_related("builds_toward")}
        self.chapters: list[ChapterPlan] = []
        self.users: list[Any] = []
        self.roles: list[ChapterRole] = []
        self.places: list[Place] = []
        self.people: list[Person] = []
        self.channels: list[NewChannel] = []
        self.nets: list[Net] = []
        self.memberships: list[Membership] = []
        self.links: list[NetworkLink] = []
        self.events: list[Event] = []
        self.attendances: list[Attendance] = []
        self.sessions: list[OutreachSession] = []
        self.participants: list[tuple[OutreachSession, Person]] = []
        self.codes: list[ReferralCode] = []
        self.tasks: list[Task] = []
        self.entries: list[Contribution] = []
        # Per person (keyed by id(), as unsaved rows cannot be hashed):
        self.sources: dict[int, dict[str, Any]] = {}  # how they came in, set after inserting
        self.reachable: dict[int, bool] = {}  # agreed to be contacted
        self.person_code: dict[int, ReferralCode] = {}
        self.memberships_of: dict[int, list[Membership]] = {}
        self.tasks_done: dict[int, int] = {}
        self.person_of_user: dict[int, Person] = {}
        self._names: set[tuple[str, str]] = set()
        self._codes: set[str] = set()
        self._contact_seq = 0

    # --- chance and time -------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def between(self, low: datetime, high: datetime) -> datetime:
        if high <= low:
            return low
        return low + (high - low) * self.rng.random()

    def moment(self, cp: ChapterPlan) -> datetime:
        """A moment in the chapter's life, late-heavy where it grows geometrically (the
        inverse of an exponential curve that grows twentyfold over the chapter's life)."""
        frac = self.rng.random()
        if cp.growth == "geometric":
            frac = math.log1p(frac * (math.e**3 - 1)) / 3
        return cp.start + (self.now - cp.start) * frac

    # --- rows ------------------------------------------------------------------------------
    def user(self, username: str, person: Person | None, **extra: Any) -> Any:
        row = User(username=username, email=f"{username}@example.org", **extra)
        self.users.append(row)
        if person is not None:
            person.user = row
            self.person_of_user[id(row)] = person
        return row

    def code(self, cp: ChapterPlan, created: datetime, *, label: str = "", **owner: Any,
             ) -> ReferralCode:
        text = self._new_code()
        row = ReferralCode(chapter=cp.row, code=text, label=label[:120], created_at=created,
                           created_by=cp.organizer, **owner)
        self.codes.append(row)
        return row

    def code_of(self, cp: ChapterPlan, person: Person, when: datetime) -> ReferralCode:
        """A person's personal link, made the first time they bring someone in."""
        if id(person) not in self.person_code:
            self.person_code[id(person)] = self.code(cp, min(when, person.joined_at + timedelta(
                days=1)), person=person)
        return self.person_code[id(person)]

    def _new_code(self) -> str:
        while True:
            text = "".join(self.rng.choice(REFERRAL_ALPHABET) for _ in range(7))
            if text not in self._codes:
                self._codes.add(text)
                return text

    def entry(self, cp: ChapterPlan, kind: str, when: datetime, **fields: Any) -> None:
        self.entries.append(Contribution(chapter=cp.row, kind=kind, occurred_at=when,
                                         recorded_at=when, **fields))

    # --- people ----------------------------------------------------------------------------
    def person(
        self, cp: ChapterPlan, joined: datetime, *, code: ReferralCode | None = None,
        place: Place | None = None, reachable: bool = True, name: str = "",
        languages: list[str] | None = None,
    ) -> Person:
        """Someone new, with a situation, channels, and the ledger entries of their arrival."""
        rng = self.rng
        if not name:
            name, languages = self._name(cp)
        place = place or self._home_place(cp)
        constraints = self._constraints(place)
        discreet = Constraint.CONTROLLING_HOME in constraints or self.chance(0.03)
        source = _source_of(code)
        row = Person(
            chapter=cp.row, display_name=name, place=place, languages=languages or ["en"],
            constraints=constraints, discreet=discreet,
            visibility=Visibility.PRIVATE if discreet else rng.choices(
                list(Visibility), weights=[20, 50, 30])[0],
            hours_per_week=Decimal(str(rng.choice([0.5, 1, 1, 2, 2, 3, 4, 5, 6, 8]))),
            availability=rng.choice(data.AVAILABILITY),
            interests=rng.sample(data.INTERESTS, rng.randint(0, 3)),
            social_grouping=self.grouping(place), source=source, joined_at=joined,
            notes=rng.choice(data.NOTES) if self.chance(0.12) else "",
            followup_owner=cp.organizer,
        )
        self.people.append(row)
        cp.people.append(row)
        self.reachable[id(row)] = reachable
        if reachable:
            self._channels(row, joined)
        self._arrival(cp, row, code)
        return row

    def _arrival(self, cp: ChapterPlan, row: Person, code: ReferralCode | None) -> None:
        """Sign-up and who brought them in, as `person_signup` and `person_create` record it."""
        if code is None:
            self.entry(cp, K.SIGNED_UP, row.joined_at, person=row, recorded_by=cp.organizer,
                       data={"source": Source.RECORDED})
            return
        self.sources[id(row)] = {
            "referral_code": code, "brought_by": code.person, "source_network": code.network,
            "source_event": code.event, "source_outreach": code.outreach,
        }
        self.entry(cp, K.SIGNED_UP, row.joined_at, person=row,
                   data={"code": code.code, "source": row.source})
        if code.person is not None or code.network is not None:
            self.entry(cp, K.BROUGHT_IN, row.joined_at, person=code.person,
                       network=code.network, subject_person=row, data={"code": code.code})

    def _name(self, cp: ChapterPlan) -> tuple[str, list[str]]:
        rng = self.rng
        weights = [c[0] for c in data.CULTURES]
        while True:
            _weight, language, names = rng.choices(data.CULTURES, weights=weights)[0]
            name = f"{rng.choice(names)} {rng.choice(data.INITIALS)}."
            if self.claim_name(cp, name):
                break
        if language == "en":
            return name, ["en", "es"] if self.chance(0.1) else ["en"]
        if language == "es":
            return name, ["es"] if self.chance(0.3) else ["es", "en"]
        return name, [language, "en"] if self.chance(0.7) else ["en"]

    def claim_name(self, cp: ChapterPlan, name: str) -> bool:
        """Names are unique within a chapter, so organizers can tell people apart."""
        key = (cp.row.slug, name)
        if key in self._names:
            return False
        self._names.add(key)
        return True

    def _home_place(self, cp: ChapterPlan) -> Place | None:
        if self.chance(0.15):
            return None
        weights = [4 if p.kind == Place.Kind.NEIGHBOURHOOD else 1 for p in cp.places[1:]]
        return self.rng.choices(cp.places[1:], weights=weights)[0]

    def _constraints(self, place: Place | None) -> list[str]:
        student = place is not None and place.kind == Place.Kind.HIGH_SCHOOL
        odds = {
            Constraint.FULL_TIME_WORK: 0 if student else 0.4, Constraint.CAREGIVING: 0.2,
            Constraint.HEALTH: 0.1, Constraint.NO_TRANSPORT: 0.25 if student else 0.12,
            Constraint.ONLINE_ONLY: 0.06, Constraint.CONTROLLING_HOME: 0.2 if student else 0.02,
        }
        return [str(c) for c, p in odds.items() if self.chance(p)]

    def grouping(self, place: Place | None) -> str:
        options = data.GROUPINGS.get(place.kind, data.HOME_GROUPINGS) if place else \
            data.HOME_GROUPINGS
        return self.rng.choice(options) if self.chance(0.6) else ""

    def _channels(self, row: Person, joined: datetime) -> None:
        """One or more of email, phone, Signal, WhatsApp, Telegram: all fictional."""
        self._contact_seq += 1
        seq = self._contact_seq
        slug = _ascii(row.display_name.split()[0]).lower() or "friend"
        phone = f"+1 {201 + (seq // 100) % 700} 555 {100 + seq % 100:04d}"
        wanted = []
        if self.chance(0.7):
            domain = "example.org" if seq % 3 else "example.net"
            wanted.append(("email", f"{slug}.{row.display_name[-2].lower()}{seq}@{domain}"))
        if not wanted or self.chance(0.5):
            kind = self.rng.choices(["phone", "whatsapp", "signal"], weights=[6, 2, 2])[0]
            wanted.append((kind, phone))
        if self.chance(0.05):
            wanted.append(("telegram", f"@{slug}{seq}"))
        for i, (kind, value) in enumerate(wanted):
            self.channels.append(NewChannel(person=row, kind=kind, value=value,
                                            preferred=i == 0, consented_at=joined))

    # --- networks --------------------------------------------------------------------------
    def join(self, cp: ChapterPlan, net: Net, person: Person, role: str, when: datetime,
             ) -> Membership:
        membership = Membership(network=net.row, person=person, role=role, joined_on=when.date())
        net.memberships.append(membership)
        self.memberships.append(membership)
        self.memberships_of.setdefault(id(person), []).append(membership)
        kind = K.NETWORK_CONVENED if role == Membership.Role.CONVENER else K.NETWORK_JOINED
        self.entry(cp, kind, when, person=person, network=net.row, recorded_by=cp.organizer)
        return membership

    def leave(self, cp: ChapterPlan, membership: Membership, when: datetime) -> None:
        membership.left_on = when.date()
        self.entry(cp, K.NETWORK_LEFT, when, person=membership.person,
                   network=membership.network)

    def in_network(self, person: Person) -> bool:
        return id(person) in self.memberships_of


def _source_of(code: ReferralCode | None) -> str:
    """The same rule as `people.services._source_of`, on an unsaved code."""
    if code is None:
        return Source.RECORDED
    for attr, source in (("person", Source.PERSON), ("network", Source.NETWORK),
                         ("event", Source.EVENT), ("outreach", Source.OUTREACH)):
        if getattr(code, attr) is not None:
            return source
    return Source.REFERRAL


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain if c.isalnum())
