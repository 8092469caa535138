"""Broad work and events: outreach sessions, flyer sign-ups, showings and the rest, links.

Outreach and flyers come before the networks are staffed, because they fill the pool of contacts
the networks draw members from; who did each session and who came to each event is decided
after, when the networks' members are known.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from netweave.core.models import Place
from netweave.demo import data
from netweave.demo.plan import ChapterPlan, K, Net, Plan
from netweave.events.models import Attendance, Event
from netweave.networks.models import Network, NetworkLink
from netweave.outreach.models import OutreachSession, ReferralCode
from netweave.outreach.services import COUNT_FIELDS
from netweave.people.models import Person

Rsvp = Attendance.Rsvp
OUTREACH_KINDS = {"distribution", "postering", "promotion", "school_table", "online"}


def outreach(plan: Plan, cp: ChapterPlan, sessions: int, newcomers: int) -> None:
    """Sessions along the chapter's curve, and the contacts signed up at them."""
    rng = plan.rng
    spots = cp.places_of(Place.Kind.NEIGHBOURHOOD, Place.Kind.CAMPUS, Place.Kind.HIGH_SCHOOL,
                         Place.Kind.WORKPLACE) or cp.places
    codes: list[ReferralCode] = []
    for _ in range(max(sessions, 1)):
        started = plan.moment(cp).replace(minute=0, second=0, microsecond=0)
        location = rng.choice(data.OUTREACH_SPOTS)
        row = OutreachSession(
            chapter=cp.row, place=rng.choice(spots), location=location, started_at=started,
            minutes=rng.choice([60, 90, 120, 180]), flyers=rng.randint(40, 300),
            posters=rng.choice([0, 0, 10, 25, 40]), other_materials=rng.choice([0, 0, 5, 20]),
            conversations=rng.randint(5, 40), contacts_made=rng.randint(0, 2),
            logged_by=cp.organizer,
        )
        cp.sessions.append(row)
        plan.sessions.append(row)
        codes.append(plan.code(cp, started, label=f"{location} {started:%Y-%m-%d}", outreach=row))
    for _ in range(newcomers):
        i = rng.randrange(len(cp.sessions))
        session = cp.sessions[i]
        joined = min(session.started_at + timedelta(minutes=rng.uniform(5, session.minutes)),
                     plan.ago(0.01))
        reachable = plan.chance(0.94)
        person = plan.person(cp, joined, code=codes[i], place=session.place,
                             reachable=reachable)
        session.contacts_made += 1
        if reachable:
            cp.pool.append(person)


def walk_ins(plan: Plan, cp: ChapterPlan, count: int, recent: int) -> None:
    """People who signed up from a flyer's QR code, or whom an organizer recorded.

    The first `recent` came in the last two weeks and wait for their first follow-up; they stay
    out of the pool so the dashboard has new sign-ups to show. The very first asked not to be
    contacted.
    """
    fresh = plan.ago(14)
    for i in range(count):
        joined = plan.ago(plan.rng.uniform(0.2, 13.5)) if i < recent else plan.moment(cp)
        recorded = i >= recent and plan.chance(0.25)
        reachable = i != 0 and plan.chance(0.94)
        person = plan.person(cp, joined, code=None if recorded else cp.code,
                             reachable=reachable)
        if reachable and joined < fresh:
            cp.pool.append(person)


def crew_outreach(plan: Plan, cp: ChapterPlan) -> None:
    """Who did each session: more and more often a network, where growth is geometric."""
    rng = plan.rng
    for session in cp.sessions:
        when = session.started_at
        progress = (when - cp.start) / (plan.now - cp.start)
        by_network = {"geometric": 0.3 + 0.6 * progress, "incremental": 0.2}.get(cp.growth, 0.5)
        nets = [n for n in cp.nets if n.active_at(when) and n.current(when)]
        keen = [n for n in nets if n.row.kind.slug in OUTREACH_KINDS] or nets
        if keen and plan.chance(by_network):
            net: Net | None = rng.choice(keen)
            assert net is not None
            session.network = net.row
            people = net.current(when)
        else:
            net = None
            people = [p for p in cp.core if p.joined_at <= when]
        crew = rng.sample(people, min(len(people), rng.randint(1, 3)))
        counts = {f: getattr(session, f) for f in COUNT_FIELDS}
        for person in crew:
            plan.participants.append((session, person))
            plan.entry(cp, K.OUTREACH, when, person=person, network=net.row if net else None,
                       outreach=session, recorded_by=cp.organizer, data=counts)


# --- events ----------------------------------------------------------------------------------


def events(plan: Plan, cp: ChapterPlan, newcomers: int) -> None:
    """Past events with RSVPs and attendance, upcoming ones with RSVPs, and people met there."""
    made = (_event(plan, cp, kind, when, host) for kind, when, host in _past_schedule(plan, cp))
    past = [e for e in made if e is not None]
    for event, _code, host in past:
        _attend(plan, cp, event, host, upcoming=False)
    for kind, when, host in _upcoming_schedule(plan, cp):
        coming = _event(plan, cp, kind, when, host)
        if coming is not None:
            _attend(plan, cp, coming[0], host, upcoming=True)
    if not past:
        return
    weights = [3 if e.kind == Event.Kind.MAJOR else 1 for e, _code, _host in past]
    for _ in range(newcomers):
        event, code, host = plan.rng.choices(past, weights=weights)[0]
        _met_here(plan, cp, event, code, host)


def _past_schedule(plan: Plan, cp: ChapterPlan) -> list[tuple[str, datetime, Net | None]]:
    rng = plan.rng
    schedule: list[tuple[str, datetime, Net | None]] = []
    for net in cp.nets:
        kind = data.HOSTED_EVENTS.get(net.row.kind.slug)
        if kind is None or net.row.status == Network.Status.FORMING:
            continue
        when, end = net.start + timedelta(days=rng.uniform(14, 40)), net.end or plan.ago(1)
        while when < end:
            schedule.append((kind, when, net))
            when += timedelta(days=rng.uniform(35, 65))
    every = 60 if cp.growth == "incremental" else 100
    when = cp.start + timedelta(days=45 if cp.growth != "young" else 60)
    while when < plan.ago(3):
        schedule.append((Event.Kind.MAJOR, when, None))
        when += timedelta(days=every)
    return schedule


def _upcoming_schedule(plan: Plan, cp: ChapterPlan) -> list[tuple[str, datetime, Net | None]]:
    rng = plan.rng
    hosts = [n for n in cp.nets if n.row.status == Network.Status.ACTIVE
             and n.row.kind.slug in data.HOSTED_EVENTS]
    chosen = rng.sample(hosts, min(len(hosts), 3))
    schedule: list[tuple[str, datetime, Net | None]] = [
        (data.HOSTED_EVENTS[n.row.kind.slug], plan.ago(-rng.uniform(2, 21)), n) for n in chosen
    ]
    schedule.append((Event.Kind.MAJOR, plan.ago(-rng.uniform(10, 25)), None))
    return schedule


def _event(plan: Plan, cp: ChapterPlan, kind: str, when: datetime, host: Net | None,
           ) -> tuple[Event, ReferralCode, Net | None] | None:
    """An event as `event_create` makes it: with its own referral code, and a ledger entry
    for the host network."""
    rng = plan.rng
    place = (host.row.place if host else None) or cp.places[0]
    hour = 12 if kind == Event.Kind.TABLE else rng.choice([18, 19])
    starts = when.replace(hour=hour, minute=rng.choice([0, 30]), second=0, microsecond=0)
    if abs((starts - plan.now).total_seconds()) < 3 * 3600:
        return None  # neither clearly past nor clearly coming up
    created = min(starts - timedelta(days=rng.uniform(7, 21)), plan.ago(rng.uniform(0.5, 3)))
    if host is not None:
        created = max(created, host.start)
    creator = cp.organizer
    if host is not None and host.convener is not None and host.convener.user is not None:
        creator = host.convener.user
    title = _title(plan, kind, place)
    home_showing = host is not None and host.row.kind.slug == "showing_hosts"
    row = Event(
        chapter=cp.row, title=title, kind=kind, starts_at=starts,
        ends_at=starts + timedelta(hours=2), place=place, host_network=host.row if host else None,
        location=f"{rng.choice(data.EVENT_ROOMS).capitalize()}, {place.name}"
        if not home_showing else "At a member's home", is_public=not home_showing,
        description=f"{data.NETWORK_DOES[host.row.kind.slug]}" if host else
        f"The whole chapter together, with a showing of {data.FILM}.",
        created_by=creator, created_at=created,
    )
    plan.events.append(row)
    code = plan.code(cp, created, label=title, event=row)
    if host is not None:
        plan.entry(cp, K.EVENT_HOSTED, created, network=host.row, event=row,
                   person=host.convener, recorded_by=creator)
    return row, code, host


def _title(plan: Plan, kind: str, place: Place) -> str:
    if kind == Event.Kind.MAJOR:
        return plan.rng.choice(data.MAJOR_EVENTS)
    if kind == Event.Kind.SHOWING:
        return f"Showing of {data.FILM}: {place.name}"
    if kind == Event.Kind.DISCUSSION:
        return f"Study session: {plan.rng.choice(data.STUDY_TOPICS)}"
    if kind == Event.Kind.TABLE:
        return f"Lunch table at {place.name}"
    return f"Walkout planning meeting: {place.name}"


def _attend(plan: Plan, cp: ChapterPlan, event: Event, host: Net | None, *,
            upcoming: bool) -> None:
    """The host's members and a few other people RSVP; of the past events, most came."""
    rng = plan.rng
    when = event.starts_at
    members = host.current(min(when, plan.now)) if host else []
    others = [p for p in cp.people if p.joined_at < min(when, plan.now) - timedelta(days=1)]
    guests = rng.sample(others, min(len(others), rng.randint(10, 25) if host is None
                                    else rng.randint(2, 6)))
    seen: set[int] = set()
    for person, weights in [(p, (80, 10, 0, 10)) for p in members] + \
            [(p, (45, 20, 10, 25)) for p in guests]:
        if id(person) in seen:
            continue
        seen.add(id(person))
        rsvp = rng.choices([Rsvp.YES, Rsvp.MAYBE, Rsvp.NO, Rsvp.NONE], weights=weights)[0]
        came = not upcoming and plan.chance(
            {Rsvp.YES: 0.85, Rsvp.MAYBE: 0.5, Rsvp.NO: 0.0, Rsvp.NONE: 0.3}[rsvp])
        _attendance(plan, cp, event, host, person, rsvp=rsvp, came=came)


def _attendance(plan: Plan, cp: ChapterPlan, event: Event, host: Net | None, person: Person,
                *, rsvp: str, came: bool, met_here: bool = False) -> None:
    when = event.starts_at
    rsvp_at = None
    if rsvp:
        latest = min(when, plan.now)
        rsvp_at = plan.between(max(person.joined_at, latest - timedelta(days=8)), latest)
    checked_in = max(when, person.joined_at) if came else None
    plan.attendances.append(Attendance(
        event=event, person=person, rsvp=rsvp, rsvp_at=rsvp_at, attended=came,
        checked_in_at=checked_in, met_here=met_here,
    ))
    network = host.row if host else None
    if rsvp == Rsvp.YES and rsvp_at is not None:
        plan.entry(cp, K.EVENT_RSVP, rsvp_at, person=person, event=event, network=network)
    if checked_in is not None:
        plan.entry(cp, K.EVENT_ATTENDED, checked_in, person=person, event=event,
                   network=network, recorded_by=event.created_by)


def _met_here(plan: Plan, cp: ChapterPlan, event: Event, code: ReferralCode,
              host: Net | None) -> None:
    """Someone who signed up at the event through its code: counted as there, and met there."""
    joined = event.starts_at + timedelta(minutes=plan.rng.uniform(10, 100))
    person = plan.person(cp, joined, code=code, place=event.place,
                         reachable=plan.chance(0.93))
    _attendance(plan, cp, event, host, person, rsvp=Rsvp.NONE, came=True, met_here=True)


# --- links -----------------------------------------------------------------------------------


def links(plan: Plan, cp: ChapterPlan) -> None:
    """Some active networks coordinate with another, usually one in the same place."""
    rng = plan.rng
    live = [n for n in cp.nets if n.row.status == Network.Status.ACTIVE]
    linked: set[frozenset[int]] = set()
    for net in live:
        if not plan.chance(0.25):
            continue
        others = [o for o in live if o is not net]
        near = [o for o in others if o.row.place is net.row.place]
        if not others:
            continue
        other = rng.choice(near or others)
        pair = frozenset((id(net), id(other)))
        if pair in linked:
            continue
        linked.add(pair)
        since = max(net.start, other.start) + timedelta(days=rng.uniform(5, 30))
        plan.links.append(NetworkLink(
            from_network=net.row, to_network=other.row, note=rng.choice(data.LINK_NOTES),
            created_at=min(since, plan.ago(1)), created_by=cp.organizer,
        ))
