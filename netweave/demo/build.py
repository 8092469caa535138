"""The order of the steps that make a demo movement, the demo logins, and its sizes."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Max
from django.utils import timezone

from netweave.core.models import Chapter, Contribution
from netweave.demo import activity, data, growth, learning, tasks
from netweave.demo.plan import ChapterPlan, Plan
from netweave.demo.write import write
from netweave.events.models import Attendance, Event
from netweave.metrics import activity as ledger_indexes
from netweave.metrics import facts
from netweave.networks.models import Membership, Network, NetworkLink
from netweave.outreach.models import OutreachSession, ReferralCode
from netweave.people.models import CoachingPair, Constraint, ContactChannel, Person, Visibility
from netweave.work.models import Task

DEFAULT_PEOPLE = 400
DEFAULT_SEED = 1
MIN_PEOPLE = 60
# Below this a chapter cannot show every ladder stage and follow-up state.
CHAPTER_MIN_PEOPLE = 24
MEMBER = Membership.Role.MEMBER


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    chapter: str
    look_at: str


LOGINS = [
    Login("admin", "admin", "all chapters",
          "Compare the chapters: Riverside grows geometrically, Hilltop one network at a time."),
    Login("rosa", "organizer", "Riverside",
          "Dashboard: follow-ups due, new sign-ups; lineage five and six generations deep."),
    Login("hugo", "organizer", "Hilltop",
          "The core adds networks one by one; a long list of overdue follow-ups."),
    Login("lena", "organizer", "Lakeview", "A young chapter, four months old."),
    Login("marta", "convener", "Riverside",
          "Coach view: her generation-1 network and every network it seeded, in aggregate."),
    Login("tomas", "convener", "Riverside", "Running one network: members, tasks, events."),
    Login("amira", "member", "Riverside", "Her short list of tasks; report one back."),
]


@dataclass
class Demo:
    logins: list[Login]
    password: str
    sizes: dict[str, dict[str, int]]


def demo_password() -> str:
    """One password for every demo login, made fresh for each demo (or NETWEAVE_DEMO_PASSWORD),
    and printed on screen: it opens nothing but the demo's own database."""
    return os.environ.get("NETWEAVE_DEMO_PASSWORD") or secrets.token_urlsafe(9)


def build(*, people: int = DEFAULT_PEOPLE, seed: int = DEFAULT_SEED,
          now: datetime | None = None, password: str | None = None) -> Demo:
    """Plan the whole movement in memory, then insert it. Expects a database with no chapters."""
    if people < MIN_PEOPLE:
        raise ValueError(f"A demo needs at least {MIN_PEOPLE} people.")
    plan = Plan(seed=seed, now=now or timezone.now())
    for spec in data.CHAPTERS:
        _chapter(plan, spec, max(round(people * spec["share"]), CHAPTER_MIN_PEOPLE))
    password = password or demo_password()
    write(plan, password)
    learning.add(plan)
    _coaching(plan)
    # The learning entries went in by bulk_create too, past the signals that keep the ledger's
    # indexes and the dashboard's counts: both are built once everything is in.
    ledger_indexes.rebuild()
    facts.rebuild()
    return Demo(logins=LOGINS, password=password, sizes=sizes())


def _chapter(plan: Plan, spec: dict, budget: int) -> None:
    """One chapter's year. The people budget is spent on networks, outreach and flyers first;
    the rest are met at events."""
    cp = growth.open_chapter(plan, spec)
    riverside = spec["slug"] == "riverside"
    if riverside:
        for name, _languages, _username in (data.CONVENER_LOGIN, data.MEMBER_LOGIN):
            plan.claim_name(cp, name)
    growth.grow(plan, cp, max(3, budget // spec["people_per_network"]))
    met_out, flyers, per_session = {
        "geometric": (0.2, 0.12, 8), "incremental": (0.45, 0.2, 4), "young": (0.3, 0.15, 6),
    }[cp.growth]
    recent = max(3, round(budget * 0.04))
    activity.outreach(plan, cp, max(3, budget // per_session), round(budget * met_out))
    activity.walk_ins(plan, cp, max(recent + 1, round(budget * flyers)), recent)
    growth.staff(plan, cp)
    activity.crew_outreach(plan, cp)
    activity.links(plan, cp)
    member = _pick_logins(plan, cp) if riverside else None
    activity.events(plan, cp, max(0, budget - len(cp.people)))
    tasks.tasks(plan, cp)
    if member is not None:
        _member_tasks(plan, cp, member)
    tasks.followups(plan, cp)


def _pick_logins(plan: Plan, cp: ChapterPlan) -> Person:
    """Tomás convenes a seeded network that seeded nothing yet; Amira is one of its members."""
    seeded = [n for n in cp.nets if n.row.generation >= 2
              and n.row.status == Network.Status.ACTIVE and n.convener not in cp.core]
    leaves = [n for n in seeded if not n.children] or seeded
    net = max(leaves, key=lambda n: (len(n.current(plan.now, role=MEMBER)), n.row.generation))
    assert net.convener is not None
    _make_login(plan, net.convener, data.CONVENER_LOGIN)
    members = [p for p in net.current(plan.now, role=MEMBER)
               if p not in cp.core and not any(m.role != MEMBER
                                               for m in plan.memberships_of[id(p)])]
    if members:
        member = members[0]
    else:
        joined = plan.ago(40)
        member = plan.person(cp, joined, code=net.code, place=net.row.place)
        plan.join(cp, net, member, MEMBER, joined + timedelta(days=2))
    _make_login(plan, member, data.MEMBER_LOGIN)
    coach = next(n.convener for n in cp.nets if n.spine and n.parent is None)
    for bringer in (coach, net.convener):
        _fresh_recruits(plan, cp, bringer)
    return member


def _fresh_recruits(plan: Plan, cp: ChapterPlan, bringer: Person | None) -> None:
    """Two people who signed up through the bringer's link this week: theirs to follow up."""
    assert bringer is not None
    for _ in range(2):
        joined = plan.ago(plan.rng.uniform(0.5, 7))
        plan.person(cp, joined, code=plan.code_of(cp, bringer, joined), place=bringer.place)


def _make_login(plan: Plan, person: Person, login: tuple[str, list[str], str]) -> None:
    """A generated person becomes a named demo login, open about who they are."""
    name, languages, username = login
    person.display_name = name
    person.languages = languages
    person.discreet = False
    person.visibility = Visibility.AMONG_FRIENDS
    person.constraints = [Constraint.FULL_TIME_WORK]
    person.hours_per_week = max(person.hours_per_week, Decimal(3))
    plan.user(username, person)


def _member_tasks(plan: Plan, cp: ChapterPlan, member: Person) -> None:
    """Something to do, something under way, and something done, for the member login."""
    for days, status in ((2, Task.Status.OFFERED), (5, Task.Status.ACCEPTED),
                         (25, Task.Status.REPORTED)):
        offered = max(plan.ago(days), member.joined_at + timedelta(hours=1))
        tasks.personal_task(plan, cp, member, offered, status=status)


def _coaching(plan: Plan) -> None:
    """In each chapter the convener of the first network coaches the conveners of newer,
    seeded networks (the convener login first); the third pair has ended, for the history."""
    pairs = []
    for cp in plan.chapters:
        root = next((n for n in cp.nets if n.spine and n.parent is None), None)
        if root is None or root.convener is None:
            continue
        newer = [n for n in cp.nets if n.parent is not None and n.convener is not None
                 and n.convener is not root.convener
                 and n.row.status in (Network.Status.FORMING, Network.Status.ACTIVE)]
        newer.sort(key=lambda n: n.convener is None or n.convener.user is None)  # stable
        seen: set[int] = set()
        for net in newer:
            assert net.convener is not None
            if id(net.convener) in seen or len(seen) == 3:
                continue
            seen.add(id(net.convener))
            started = min(net.start.date() + timedelta(days=7), plan.today)
            ended = min(started + timedelta(days=60), plan.today) if len(seen) == 3 else None
            pairs.append(CoachingPair(chapter=cp.row, coach=root.convener, coached=net.convener,
                                      started_on=started, ended_on=ended,
                                      started_by=cp.organizer))
    CoachingPair.objects.bulk_create(pairs)


def sizes() -> dict[str, dict[str, int]]:
    """Rows per chapter in each table the demo fills: to print, and to report."""
    tables = {
        "people": (Person, "chapter"),
        "contact channels": (ContactChannel, "person__chapter"),
        "networks": (Network, "chapter"),
        "memberships": (Membership, "network__chapter"),
        "network links": (NetworkLink, "from_network__chapter"),
        "events": (Event, "chapter"),
        "attendances": (Attendance, "event__chapter"),
        "outreach sessions": (OutreachSession, "chapter"),
        "referral codes": (ReferralCode, "chapter"),
        "tasks": (Task, "chapter"),
        "ledger entries": (Contribution, "chapter"),
    }
    out = {c.name: dict.fromkeys(tables, 0) for c in Chapter.objects.order_by("id")}
    names = dict(Chapter.objects.values_list("id", "name"))
    for label, (model, chapter) in tables.items():
        for row in model._default_manager.values(chapter).annotate(n=Count("pk")):
            out[names[row[chapter]]][label] = row["n"]
    for row in Network.objects.values("chapter").annotate(deepest=Max("generation")):
        out[names[row["chapter"]]]["generations"] = row["deepest"]
    return out
