"""Chapters, their places and core, and their networks: who seeded whom, and who is in them.

Riverside grows geometrically: a few networks formed by the core seed networks that seed more,
five or six generations deep. Hilltop grows incrementally: its core forms network after network
itself and few of them ever seed another. Lakeview is four months old.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from netweave.core.models import Chapter, ChapterRole, Place
from netweave.demo import data
from netweave.demo.plan import ChapterPlan, K, Net, Plan
from netweave.networks.models import Membership, Network
from netweave.people.models import Person, Visibility

CONVENER = Membership.Role.CONVENER
MEMBER = Membership.Role.MEMBER
Status = Network.Status
MAX_GENERATION = 6
FORMING_DAYS = 21


def open_chapter(plan: Plan, spec: dict[str, Any]) -> ChapterPlan:
    """The chapter, its places, its organizer and core members (who were there first)."""
    start = plan.ago(spec["age_days"])
    chapter = Chapter(name=spec["name"], slug=spec["slug"], region=spec["region"],
                      created_at=start)
    cp = ChapterPlan(spec=spec, row=chapter, start=start)
    plan.chapters.append(cp)
    city = None
    for name, kind, wanted in spec["places"]:
        place = Place(chapter=chapter, name=name, kind=kind, parent=city,
                      is_target=wanted > 0, target_networks=wanted)
        city = city or place
        cp.places.append(place)
        plan.places.append(place)
    for name, _languages, _role, _username in spec["core"]:
        plan.claim_name(cp, name)
    for name, languages, role, username in spec["core"]:
        person = plan.person(cp, start, name=name, languages=languages, place=city)
        person.hours_per_week = Decimal(10)
        person.constraints, person.discreet, person.visibility = [], False, Visibility.PUBLIC
        cp.core.append(person)
        if role == "organizer":
            cp.organizer = plan.user(username, person)
            plan.roles.append(ChapterRole(user=cp.organizer, chapter=chapter, granted_at=start))
        elif username:
            plan.user(username, person, is_superuser=role == "admin", is_staff=role == "admin")
    for person in cp.core:
        person.followup_owner = cp.organizer
    cp.code = plan.code(cp, start, label=f"{spec['name']} flyers")
    return cp


# --- the shape of growth ---------------------------------------------------------------------


@dataclass
class Sprout:
    """A network in a lineage tree, before it is dressed as a Network."""

    parent: int | None
    start: datetime
    generation: int
    spine: bool
    end: datetime | None = None
    status: str = Status.ACTIVE


def grow(plan: Plan, cp: ChapterPlan, target: int) -> None:
    """Decide the chapter's networks (when each started, which seeded which) and dress them."""
    if cp.growth == "incremental":
        sprouts = _incremental(plan, cp, target)
    else:
        sprouts = _best_tree(plan, cp, target)
    _ensure_every_status(plan, sprouts)
    _dress(plan, cp, sprouts)


def _best_tree(plan: Plan, cp: ChapterPlan, target: int) -> list[Sprout]:
    """The seeded tree whose size is nearest the target, over a range of branching factors.

    Each trial has its own generator, so the choice does not depend on the trials before it.
    """
    young = cp.growth == "young"
    # Two networks formed by the core; a young chapter's second is only just forming.
    days = [5, 110] if young else [5, 20]
    roots = [cp.start + timedelta(days=d) for d in days]
    best: list[Sprout] = []
    # Seeded generators: demo data, not secrets.
    for tenths in range(8, 31):
        trial = random.Random(f"{plan.seed}:{cp.row.slug}:{tenths}")  # nosec B311
        sprouts = _seed_tree(plan, trial, roots, tenths / 10, young=young)
        if not best or abs(len(sprouts) - target) < abs(len(best) - target):
            best = sprouts
    return best


def _seed_tree(plan: Plan, rng: random.Random, roots: list[datetime], branching: float, *,
               young: bool) -> list[Sprout]:
    """Each network seeds about `branching` others, one to two months apart.

    The first root's first line (the spine) always seeds, so the tree is at least five
    generations deep (three for a young chapter) whatever its size.
    """
    gap, spine_depth, max_generation = ((25, 40), 3, 4) if young else ((40, 70), 5, MAX_GENERATION)
    sprouts: list[Sprout] = []
    queue = [Sprout(None, start, 1, i == 0) for i, start in enumerate(roots)]
    while queue:
        sprout = queue.pop(0)
        _maybe_end(plan, rng, sprout)
        sprouts.append(sprout)
        if sprout.generation >= max_generation:
            continue
        children = int(branching) + (rng.random() < branching % 1)
        if sprout.spine and sprout.generation < spine_depth:
            children = max(children, 1)
        horizon = sprout.end - timedelta(days=10) if sprout.end else plan.ago(3)
        for i in range(children):
            start = sprout.start + timedelta(days=rng.uniform(*gap) * (1 + 0.4 * i))
            if start < horizon:
                queue.append(Sprout(len(sprouts) - 1, start, sprout.generation + 1,
                                    sprout.spine and i == 0))
    return sprouts


def _maybe_end(plan: Plan, rng: random.Random, sprout: Sprout, *, odds: float = 0.22) -> None:
    """Some older networks went quiet and a few dissolved (never the spine)."""
    age = (plan.now - sprout.start).days
    if sprout.spine or age < 150 or rng.random() >= odds:
        return
    sprout.end = sprout.start + timedelta(days=rng.uniform(90, age - 30))
    sprout.status = Status.DISSOLVED if rng.random() < 0.35 else Status.DORMANT


def _incremental(plan: Plan, cp: ChapterPlan, target: int) -> list[Sprout]:
    """The core forms networks one by one at an even pace; only a few ever seed another."""
    rng = plan.rng
    roots = max(3, round(target * 0.8))
    span = (plan.now - cp.start - timedelta(days=20)) / roots
    sprouts = []
    for i in range(roots):
        sprout = Sprout(None, cp.start + timedelta(days=10) + span * i, 1, False)
        _maybe_end(plan, rng, sprout, odds=0.3)
        sprouts.append(sprout)
    for _ in range(max(1, target - roots)):
        parents = [i for i, s in enumerate(sprouts) if s.end is None and s.generation < 3
                   and (plan.now - s.start).days > 90]
        if not parents:
            break
        parent = rng.choice(parents)
        start = sprouts[parent].start + timedelta(days=rng.uniform(50, 80))
        if start > plan.ago(3):
            continue
        sprouts.append(Sprout(parent, start, sprouts[parent].generation + 1, False))
    return sprouts


def _ensure_every_status(plan: Plan, sprouts: list[Sprout]) -> None:
    """Even a small demo shows a forming, a dormant and a dissolved network.

    A network made to go quiet does so after the last network it seeded had started.
    """
    last_seeded: dict[int, datetime] = {}
    for sprout in sprouts:
        if sprout.parent is not None:
            last_seeded[sprout.parent] = max(last_seeded.get(sprout.parent, sprout.start),
                                             sprout.start)
    for status in (Status.DORMANT, Status.DISSOLVED):
        if any(s.status == status for s in sprouts):
            continue
        ends = {i: max(s.start + timedelta(days=60),
                       last_seeded.get(i, s.start) + timedelta(days=15))
                for i, s in enumerate(sprouts) if not s.spine and s.end is None}
        candidates = [i for i, end in ends.items() if end < plan.ago(20)]
        if candidates:
            i = plan.rng.choice(candidates)
            sprouts[i].end, sprouts[i].status = ends[i], status
    parents = {s.parent for s in sprouts}
    leaves = [s for i, s in enumerate(sprouts) if i not in parents]
    if not any((plan.now - s.start).days < FORMING_DAYS for s in sprouts):
        # The newest leaf started later: a network just coming together.
        newest = max(leaves, key=lambda s: s.start)
        parent = sprouts[newest.parent] if newest.parent is not None else None
        if newest.end is None and (parent is None or parent.end is None):
            newest.start = max(newest.start, plan.ago(FORMING_DAYS - 8))


def _dress(plan: Plan, cp: ChapterPlan, sprouts: list[Sprout]) -> None:
    """Give each sprout a kind, a place and a name; the first nine cover every kind.

    The first is a study circle: where a core learns together before it reaches out.
    """
    rng = plan.rng
    kinds = sorted(set(plan.kinds) - {"discussion"})
    rng.shuffle(kinds)
    kinds.insert(0, "discussion")
    order = sorted(range(len(sprouts)), key=lambda i: sprouts[i].start)
    nets: dict[int, Net] = {}
    names: set[str] = set()
    for n, i in enumerate(order):
        sprout = sprouts[i]
        parent = nets.get(sprout.parent) if sprout.parent is not None else None
        if n < len(kinds):
            kind = kinds[n]
        elif parent is not None and plan.chance(0.35):
            kind = parent.row.kind.slug
        else:
            kind = rng.choice(kinds)
        place = _place_for(plan, cp, kind, parent)
        status = sprout.status
        if sprout.end is None:
            young = (plan.now - sprout.start).days < FORMING_DAYS
            status = Status.FORMING if young else Status.ACTIVE
        row = Network(
            chapter=cp.row, name=_name(plan, kind, place, names), kind=plan.kinds[kind],
            place=place, social_grouping=plan.grouping(place),
            description=data.NETWORK_DOES[kind], status=status,
            seeded_from=parent.row if parent else None, generation=sprout.generation,
            started_on=sprout.start.date(), created_at=sprout.start,
        )
        net = Net(row=row, parent=parent, start=sprout.start, end=sprout.end, spine=sprout.spine)
        net.code = plan.code(cp, sprout.start, label=row.name, network=row)
        if parent is not None:
            parent.children.append(net)
        nets[i] = net
        cp.nets.append(net)
        plan.nets.append(net)


def _place_for(plan: Plan, cp: ChapterPlan, kind: str, parent: Net | None) -> Place:
    if parent is not None and parent.row.place is not None and plan.chance(0.55):
        return parent.row.place
    fitting = cp.places_of(*data.KIND_PLACES[kind]) or cp.places[:1]
    weights = [3 if p.is_target else 1 for p in fitting]
    return plan.rng.choices(fitting, weights=weights)[0]


def _name(plan: Plan, kind: str, place: Place, taken: set[str]) -> str:
    base = plan.rng.choice(data.NETWORK_NAMES[kind]).format(place=place.name)
    name, n = base, 2
    while name in taken:
        name, n = f"{base} {n}", n + 1
    taken.add(name)
    return name


# --- who is in them --------------------------------------------------------------------------


def staff(plan: Plan, cp: ChapterPlan) -> None:
    """Conveners and members, oldest network first, as each network would have grown."""
    roots = [p for p, spec in zip(cp.core, cp.spec["core"], strict=True) if spec[2] == "root"]
    if cp.growth == "incremental":
        # Hilltop's core, organizer included, runs network after network itself.
        roots = [cp.core[0], *roots]
    formed = 0
    for net in sorted(cp.nets, key=lambda net: net.start):
        if net.parent is None:
            convener = _root_convener(plan, cp, net, roots, formed)
            formed += 1
            plan.entry(cp, K.NETWORK_FORMED, net.start, person=convener, network=net.row,
                       recorded_by=cp.organizer)
        else:
            convener = _seeder(plan, cp, net)
            net.row.seeded_by = convener
            plan.entry(cp, K.NETWORK_SEEDED, net.start, person=convener,
                       network=net.parent.row, subject_network=net.row, recorded_by=cp.organizer)
        net.convener = convener
        convener.hours_per_week = max(convener.hours_per_week, Decimal(plan.rng.choice([4, 6, 8])))
        plan.join(cp, net, convener, CONVENER, net.start)
        if net.row.status != Network.Status.FORMING:
            _members(plan, cp, net)
    _seat_the_core(plan, cp)


def _root_convener(plan: Plan, cp: ChapterPlan, net: Net, roots: list[Person], n: int) -> Person:
    if cp.growth == "incremental" and plan.chance(0.75):
        return roots[n % len(roots)]
    if cp.growth != "incremental" and n < len(roots):
        return roots[n]
    return _from_pool(plan, cp, net.start) or plan.person(cp, net.start - timedelta(days=20))


def _seeder(plan: Plan, cp: ChapterPlan, net: Net) -> Person:
    """A member of the parent seeds the new network and convenes it: networks building networks.

    Members who convene nothing yet come first; if the parent has none old enough, someone its
    convener brought in joins the parent first.
    """
    parent = net.parent
    assert parent is not None
    settled = [p for p in parent.current(net.start - timedelta(days=14), role=MEMBER)
               if p in parent.current(net.start)]
    free = [p for p in settled if not _convenes(plan, p)]
    if free or settled:
        return plan.rng.choice(free or settled)
    joined = net.start - timedelta(days=plan.rng.uniform(20, 35))
    joined = max(joined, parent.start + timedelta(days=1))
    assert parent.convener is not None
    person = plan.person(cp, joined, code=plan.code_of(cp, parent.convener, joined),
                         place=parent.row.place)
    plan.join(cp, parent, person, MEMBER, joined + timedelta(days=2))
    return person


def _convenes(plan: Plan, person: Person) -> bool:
    return any(m.role == CONVENER for m in plan.memberships_of.get(id(person), []))


def _members(plan: Plan, cp: ChapterPlan, net: Net) -> None:
    rng = plan.rng
    age = (plan.now - net.start).days
    pool_share = {"geometric": 0.3, "incremental": 0.7}.get(cp.growth, 0.4)
    count = rng.randint(2, 4) + (age > 120) + (age > 240)
    # People join while the network is alive, mostly in its first months.
    alive = ((net.end or plan.now) - net.start).days
    for _ in range(count):
        when = net.start + timedelta(days=rng.uniform(2, max(3, min(alive - 5, 100))))
        person = (_from_pool(plan, cp, when) if plan.chance(pool_share) else None) or \
            _newcomer(plan, cp, net, when)
        membership = plan.join(cp, net, person, MEMBER, when)
        if net.row.status == Status.DISSOLVED:
            assert net.end is not None
            plan.leave(cp, membership, max(net.end, when + timedelta(days=7)))
        elif plan.chance(0.12) and (plan.now - when).days > 45:
            plan.leave(cp, membership, plan.between(when + timedelta(days=20), plan.ago(5)))
    if net.row.status == Status.DISSOLVED:
        convener = next(m for m in net.memberships if m.role == CONVENER)
        assert net.end is not None
        plan.leave(cp, convener, net.end + timedelta(days=7))


def _newcomer(plan: Plan, cp: ChapterPlan, net: Net, when: datetime) -> Person:
    """Someone brought in through the network's code or its convener's personal link."""
    assert net.convener is not None and net.code is not None
    joined = max(when - timedelta(days=plan.rng.uniform(0, 6)), net.start + timedelta(hours=2))
    code = net.code if plan.chance(0.5) else plan.code_of(cp, net.convener, joined)
    return plan.person(cp, joined, code=code, place=net.row.place)


def _from_pool(plan: Plan, cp: ChapterPlan, when: datetime) -> Person | None:
    """A contact met before `when` (at outreach, an event, from a flyer) who joins a network."""
    ready = [p for p in cp.pool if p.joined_at < when - timedelta(days=3)]
    if not ready:
        return None
    person = plan.rng.choice(ready)
    cp.pool.remove(person)
    return person


def _seat_the_core(plan: Plan, cp: ChapterPlan) -> None:
    """Organizers and the admin who convene nothing sit in the chapter's first network."""
    first = min((net for net in cp.nets if net.end is None), key=lambda net: net.start)
    for person in cp.core:
        if not plan.in_network(person):
            plan.join(cp, first, person, MEMBER, first.start + timedelta(days=1))
