"""Learning in the demo: each chapter's resources and a discussion guide, what the people in
active networks did with them, and the discussion sessions networks held.

Runs after the rest of the demo is written (it needs the rows' ids), with the plan's seeded
generator, so the same seed gives the same movement. Only people with a current membership of
an active network engage: their ladder stage rests on that membership, not on their actions,
so the stages the rest of the demo set stay true.
"""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from netweave.core.models import Contribution
from netweave.demo.plan import ChapterPlan, Net, Plan
from netweave.learning.models import DiscussionSession, Engagement, Guide, Resource
from netweave.networks.models import Network
from netweave.people.models import Person

K = Contribution.Kind
How = Engagement.How
# (kind, title, minutes, language, summary, Spanish title); the links are example.org pages.
RESOURCES = [
    ("film", "Rising Together", 94, "en",
     "A feature documentary on neighbours who organized their block, then their city.",
     "Levantarse juntos"),
    ("clip", "Rising Together: the trailer", 3, "en",
     "Three minutes to send to someone who has not seen the film yet.",
     "Levantarse juntos: el avance"),
    ("clip", "Marcha de las escuelas", 6, "es",
     "Students explain why they walked out, in their own words.", ""),
    ("talk", "How networks build networks", 40, "en",
     "A talk on small groups that seed new ones, and why that grows faster than the core.",
     "Cómo las redes construyen redes"),
    ("reading", "Ten questions for a first meeting", 15, "en",
     "A short reading to prepare a first discussion with friends or classmates.",
     "Diez preguntas para una primera reunión"),
]
GUIDE_STEPS = ["Welcome people and say why you asked them", "Watch the film together",
               "Take ten minutes in pairs", "Talk it through with the questions",
               "Ask who wants to show it to others"]
GUIDE_QUESTIONS = ["What stayed with you?", "Who in your life should see this?",
                   "What could we do together this month?"]
WINDOW_DAYS = 120


def add(plan: Plan) -> None:
    """Resources, guides, engagements and sessions for every chapter of the demo."""
    entries: list[Contribution] = []
    for cp in plan.chapters:
        resources = _resources(cp)
        film = resources[0]
        guide = Guide.objects.create(
            resource=film, title=f"A discussion night on {film.title}", minutes=120,
            steps=GUIDE_STEPS, questions=GUIDE_QUESTIONS, created_at=cp.start)
        for net in cp.nets:
            if net.row.status == Network.Status.ACTIVE and net.active_at(plan.now):
                entries += _network(plan, net, resources, guide)
    Contribution.objects.bulk_create(entries, batch_size=1000)


def _resources(cp: ChapterPlan) -> list[Resource]:
    rows = []
    for kind, title, minutes, language, summary, spanish in RESOURCES:
        slug = title.lower().replace(" ", "-").replace(":", "")
        rows.append(Resource(
            chapter=cp.row, kind=kind, title=title, minutes=minutes, language=language,
            summary=summary, url=f"https://learn.example.org/{slug}", created_at=cp.start,
            translations={"es": {"title": spanish}} if spanish else {}))
    return Resource.objects.bulk_create(rows)


def _when(plan: Plan, net: Net, person: Person | None = None) -> datetime:
    """A moment in the last WINDOW_DAYS, after the network started (and the person joined it),
    never in the future."""
    low = max(net.start, plan.ago(WINDOW_DAYS))
    joined = [m.joined_on for m in net.memberships if m.person is person and m.left_on is None]
    if joined:
        low = max(low, timezone.make_aware(datetime.combine(joined[0], time(12))))
    return min(plan.between(low, plan.ago(0.5)), plan.now)


def _network(plan: Plan, net: Net, resources: list[Resource], guide: Guide
             ) -> list[Contribution]:
    """What one active network's current members did with the resources, and a discussion
    session for some of the networks."""
    rng = plan.rng
    chapter = net.row.chapter_id
    made: list[tuple[Engagement, DiscussionSession | None]] = []
    for person in net.current(plan.now):
        if not plan.chance(0.45):
            continue
        resource = rng.choice(resources)
        how = rng.choices(list(How.values), weights=[6, 1, 3, 2])[0]
        people = rng.randint(2, 15) if how in Engagement.WITH_PEOPLE else None
        in_network = net.row if how in (How.SHOWED, How.DISCUSSED) or plan.chance(0.3) else None
        made.append((Engagement(
            chapter_id=chapter, resource=resource, how=how, person=person, network=in_network,
            people=people, occurred_on=timezone.localdate(_when(plan, net, person))), None))
    if net.convener is not None and plan.chance(0.5):
        held = timezone.localdate(_when(plan, net))
        session = DiscussionSession.objects.create(
            network=net.row, resource=guide.resource, guide=guide, held_on=held,
            attendance=rng.randint(4, 18))
        made.append((Engagement(
            chapter_id=chapter, resource=guide.resource, how=How.DISCUSSED,
            person=net.convener, network=net.row, people=session.attendance, occurred_on=held,
            session=session), session))
    Engagement.objects.bulk_create([e for e, _s in made])
    return [_entry(plan, e, s) for e, s in made]


def _entry(plan: Plan, e: Engagement, session: DiscussionSession | None) -> Contribution:
    """The ledger entry the learning services would have written (learning.services._ledger)."""
    data: dict[str, object] = {"resource": e.resource.public_id, "how": e.how}
    if e.people is not None:
        data["people"] = e.people
    if session is not None:
        data["session"] = session.public_id
    at = min(timezone.make_aware(datetime.combine(e.occurred_on, time(12))), plan.now)
    return Contribution(chapter_id=e.chapter_id, kind=K.RESOURCE_ENGAGED, person=e.person,
                        network=e.network, occurred_at=at, recorded_at=at, data=data)
