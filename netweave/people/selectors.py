"""Every read about people, scoped to the acting user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from netweave.core.models import Contribution
from netweave.core.scope import may_read_contacts, scope_of
from netweave.people.models import (
    ChapterSettings,
    CoachingPair,
    ContactChannel,
    FollowUp,
    Person,
    Stage,
    StageChange,
)

# Follow-ups still under way: someone who did a first task is followed up until they are in a
# network.
OPEN_FOLLOWUPS = [FollowUp.NEW, FollowUp.CONTACTED, FollowUp.MET, FollowUp.FIRST_TASK]


def people_for(
    actor: Any, *, search: str = "", stage: str = "", followup: str = "", place_id: str = "",
    chapter_id: int | None = None, discreet: bool | None = None,
) -> QuerySet[Person]:
    scope = scope_of(actor)
    qs = Person.objects.filter(scope.people_q()).select_related("place", "chapter")
    if chapter_id:
        qs = qs.filter(chapter_id=chapter_id)
    if search:
        qs = qs.filter(Q(display_name__icontains=search) | Q(social_grouping__icontains=search))
    if stage:
        qs = qs.filter(stage=stage)
    if followup:
        qs = qs.filter(followup_status=followup)
    if place_id:
        qs = qs.filter(place__public_id=place_id)
    if discreet is not None:
        qs = qs.filter(discreet=discreet)
    return qs.order_by("display_name", "id")


def followups_due_for(actor: Any, *, limit: int = 20) -> QuerySet[Person]:
    """Open follow-ups the actor owns or, for organizers, that nobody owns; oldest due first."""
    scope = scope_of(actor)
    mine = Q(followup_owner=actor)
    if scope.organizer_chapters or scope.is_admin:
        mine |= Q(followup_owner__isnull=True)
    return (
        Person.objects.filter(scope.people_q())
        .filter(mine, followup_status__in=OPEN_FOLLOWUPS)
        .select_related("place", "followup_owner")
        .order_by(F("followup_due").asc(nulls_last=True), "joined_at")[:limit]
    )


def new_signups_for(actor: Any, *, days: int = 14, limit: int = 20) -> QuerySet[Person]:
    since = timezone.now() - timedelta(days=days)
    return (
        Person.objects.filter(scope_of(actor).people_q(), joined_at__gte=since)
        .exclude(source="recorded")
        .select_related("place", "referral_code")
        .order_by("-joined_at")[:limit]
    )


def person_path(actor: Any, person: Person, *, limit: int = 50) -> QuerySet[Contribution]:
    """The person's path so far: what they did and what happened to them, newest first.

    The caller has already passed `access_person`, so the person is in scope.
    """
    return (
        Contribution.objects.filter(Q(person=person) | Q(subject_person=person))
        .select_related("network", "subject_network", "subject_person", "person", "event",
                        "task__playbook")
        .order_by("-occurred_at", "-id")[:limit]
    )


def followup_owners_for(actor: Any, chapter_id: int) -> QuerySet[Any]:
    """Users who can own follow-ups in a chapter: its organizers and its members with accounts."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    return user_model.objects.filter(
        Q(chapter_roles__chapter_id=chapter_id) | Q(person__chapter_id=chapter_id),
        is_active=True,
    ).distinct().order_by("username")


@dataclass
class PersonPage:
    """What one viewer may see and do on a person's page.

    `detail` is for those trusted with the person (organizers, the person, the conveners of a
    network they are in, their follow-up owner); everyone else who may see them at all (fellow
    members) gets their name and the networks they share, as the access rules say.
    """

    person: Person
    detail: bool
    organizer: bool  # the viewer organizes the person's chapter
    may_edit: bool
    may_follow_up: bool
    may_read_contacts: bool
    may_invite: bool
    memberships: list[Any] = field(default_factory=list)
    open_tasks: list[Any] = field(default_factory=list)
    path: list[Contribution] = field(default_factory=list)
    # Which kinds of channel are on file (labels), read without touching any value.
    channel_labels: list[Any] = field(default_factory=list)
    # Who brought them in, and whom they brought in (for those who see the full page).
    recruitment: RecruitmentTree | None = None
    # The path as a timeline: ledger entries and moves on the ladder, newest first.
    timeline: list[TimelineItem] = field(default_factory=list)
    coaches: list[Partner] = field(default_factory=list)  # whom they coach
    coached_by: list[Partner] = field(default_factory=list)
    # For organizers: "ready for more" prompts about them, and who could coach them.
    prompts: list[Prompt] = field(default_factory=list)
    coach_choices: list[Person] = field(default_factory=list)
    # The follow-up is handed to the viewer and waits for them to accept or decline it.
    followup_pending_for_me: bool = False


def person_page_for(actor: Any, person: Person) -> PersonPage:
    """The person page for `actor`, who has already passed `access_person`."""
    from netweave.networks.models import Membership, Network
    from netweave.people.contacts import channel_kinds
    from netweave.people.services import may_follow_up, may_invite
    from netweave.work.selectors import tasks_for

    scope = scope_of(actor)
    is_self = scope.person is not None and scope.person.id == person.id
    reads_contacts = may_read_contacts(scope, person)
    follows_up = may_follow_up(scope, person)
    page = PersonPage(
        person=person,
        detail=reads_contacts or follows_up,
        organizer=scope.organizes(person.chapter_id),
        may_edit=scope.organizes(person.chapter_id) or is_self,
        may_follow_up=follows_up,
        may_read_contacts=reads_contacts,
        may_invite=may_invite(scope, person),
    )
    # Only the networks the viewer may see: a fellow member learns nothing of the others.
    page.memberships = list(
        Membership.objects.filter(
            person=person, left_on__isnull=True,
            network__in=Network.objects.filter(scope.networks_q()),
        ).select_related("network__kind").order_by("network__name")
    )
    if page.detail:
        page.open_tasks = list(tasks_for(actor, open_only=True, person=person)[:20])
        kinds = sorted(set(channel_kinds(person)))
        page.channel_labels = [ContactChannel.Kind(kind).label for kind in kinds]
        page.recruitment = recruitment_tree_for(actor, person)
        page.timeline = person_timeline(actor, person)
        page.path = [item.entry for item in page.timeline if item.entry is not None]
        page.coaches, page.coached_by = coaching_for(actor, person)
    if page.organizer:
        page.prompts = prompts_for(actor, person=person)
        if person.stage in (Stage.CONVENER, Stage.BUILDER, Stage.ORGANIZED):
            page.coach_choices = coach_candidates_for(actor, person)[:10]
    page.followup_pending_for_me = (
        person.followup_pending and scope.user is not None
        and person.followup_owner_id == scope.user.id
    )
    return page


# --- Who brought whom -------------------------------------------------------------------------

RECRUITMENT_DEPTH = 4
RECRUITMENT_MAX_NODES = 300
# How far up "brought in by" is followed: far beyond any real chain, only a guard.
CHAIN_MAX = 50
_NODE_FIELDS = ("id", "public_id", "display_name", "chapter_id", "discreet", "brought_by_id",
                "stage")


@dataclass
class RecruitNode:
    """A person in a recruitment tree. `visible` False keeps their place in the tree (the shape
    of growth is not personal data) but not their name or link, as in networks' lineage_for."""

    id: int
    generation: int  # 0 the person the tree is about, 1 whom they brought in, ...; -1 upward
    visible: bool
    name: str = ""
    public_id: str = ""
    stage: str = ""
    is_focus: bool = False
    # People this one brought in that lie beyond the tree's depth or size.
    more: int = 0
    children: list[RecruitNode] = field(default_factory=list)

    def get_stage_display(self) -> str:
        from netweave.people.models import Stage

        return str(Stage(self.stage).label) if self.stage in Stage.values else ""


@dataclass
class RecruitmentTree:
    person: RecruitNode  # the focus, with whom they brought in nested below
    chain: list[RecruitNode]  # who brought them in, the first person first
    brought_in: int  # people in the tree below the focus
    truncated: bool  # people beyond `depth` generations or `max_nodes` were left out


def _sees_q(scope: Any) -> Q:
    """People whose name the actor may see: in their scope, and not discreet unless the actor
    organizes the person's chapter (or is the person)."""
    open_q = Q(discreet=False) | Q(chapter_id__in=scope.organizer_chapters)
    if scope.person is not None:
        open_q |= Q(id=scope.person.id)
    return scope.people_q() & open_q


def _visible_ids(scope: Any, rows: list[dict[str, Any]]) -> set[int]:
    """Ids among `rows` the actor may name. No query when the actor organizes every row's
    chapter; otherwise one."""
    me = scope.person.id if scope.person is not None else None
    sure = {r["id"] for r in rows if scope.organizes(r["chapter_id"]) or r["id"] == me}
    rest = [r["id"] for r in rows if r["id"] not in sure]
    if rest:
        sure |= set(
            Person.objects.filter(_sees_q(scope), id__in=rest).values_list("id", flat=True)
        )
    return sure


def _recruit_count() -> Any:
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    direct = (
        Person.objects.filter(brought_by_id=OuterRef("pk")).order_by()
        .values("brought_by_id").annotate(n=Count("pk")).values("n")[:1]
    )
    return Coalesce(Subquery(direct, output_field=IntegerField()), 0)


def _node(row: dict[str, Any], generation: int, visible: bool, focus: bool = False) -> RecruitNode:
    return RecruitNode(
        id=row["id"], generation=generation, visible=visible, is_focus=focus,
        name=row["display_name"] if visible else "",
        public_id=row["public_id"] if visible else "",
        stage=row["stage"] if visible else "",
    )


def recruitment_tree_for(
    actor: Any, person: Person, *, depth: int = RECRUITMENT_DEPTH,
    max_nodes: int = RECRUITMENT_MAX_NODES,
) -> RecruitmentTree:
    """Whom `person` brought in (Person.brought_by), and whom those brought in, down to `depth`
    generations and at most `max_nodes` people; and the chain upward to the first person.

    The caller has already passed `access_person`. One query per generation down and per step
    up (never one per person), plus one to check names when the actor does not organize
    everyone shown. People the actor may not see keep their place without a name or link.
    """
    scope = scope_of(actor)
    focus = RecruitNode(id=person.id, generation=0, visible=True, name=person.display_name,
                        public_id=person.public_id, stage=person.stage, is_focus=True)
    seen: set[int] = {person.id}

    # Upward: who brought them in, one step (one query) at a time.
    up_rows: list[dict[str, Any]] = []
    parent_id = person.brought_by_id
    while parent_id is not None and parent_id not in seen and len(up_rows) < CHAIN_MAX:
        row = Person.objects.filter(pk=parent_id).values(*_NODE_FIELDS).first()
        if row is None:
            break
        seen.add(row["id"])
        up_rows.append(row)
        parent_id = row["brought_by_id"]

    # Downward: one generation (one query) at a time.
    nodes: dict[int, RecruitNode] = {person.id: focus}
    down_rows: list[tuple[int, dict[str, Any]]] = []
    level = [person.id]
    truncated = False
    for generation in range(1, depth + 1):
        room = max_nodes - len(down_rows)
        if not level or room <= 0:
            break
        rows = list(
            Person.objects.filter(brought_by_id__in=level).exclude(id__in=seen)
            .annotate(recruits=_recruit_count())
            .order_by("joined_at", "id").values(*_NODE_FIELDS, "recruits")[:room + 1]
        )
        if len(rows) > room:
            truncated, rows = True, rows[:room]
        level = []
        for row in rows:
            seen.add(row["id"])
            level.append(row["id"])
            down_rows.append((generation, row))

    visible = _visible_ids(scope, [r for _g, r in down_rows] + up_rows)
    for generation, row in down_rows:
        node = _node(row, generation, row["id"] in visible)
        node.more = row["recruits"]
        nodes[row["id"]] = node
        nodes[row["brought_by_id"]].children.append(node)
    for node in nodes.values():
        node.more = max(node.more - len(node.children), 0) if not node.is_focus else 0
        truncated = truncated or node.more > 0
    chain = [_node(row, -1 - i, row["id"] in visible) for i, row in enumerate(up_rows)]
    chain.reverse()
    return RecruitmentTree(person=focus, chain=chain, brought_in=len(down_rows),
                           truncated=truncated)


@dataclass
class Recruiter:
    """Someone who brought people in; `name` and `public_id` are empty when the actor may not
    see them."""

    id: int
    visible: bool
    name: str
    public_id: str
    brought_in: int
    organized: int  # of those, how many are in a network now (a current membership)


def recruiters_for(actor: Any, chapter_id: int, *, limit: int = 20) -> list[Recruiter]:
    """The chapter's people who brought in the most people, with how many of those are in a
    network now. One aggregate query, and one more to check names when the actor does not
    organize the chapter. The caller decides the actor may see the chapter's aggregates."""
    from django.db.models import Count

    # A current membership: one that exists (the join is an outer one) and has not ended.
    in_network = Q(brought_in__memberships__isnull=False,
                   brought_in__memberships__left_on__isnull=True)
    top = (
        Person.objects.filter(chapter_id=chapter_id, brought_in__isnull=False)
        .values("id", "public_id", "display_name", "chapter_id")
        .annotate(
            n=Count("brought_in", distinct=True),
            organized=Count("brought_in", filter=in_network, distinct=True),
        )
        .order_by("-n", "-organized", "display_name", "id")[:limit]
    )
    rows: list[dict[str, Any]] = [dict(r) for r in top]
    visible = _visible_ids(scope_of(actor), rows)
    return [
        Recruiter(
            id=r["id"], visible=r["id"] in visible,
            name=r["display_name"] if r["id"] in visible else "",
            public_id=r["public_id"] if r["id"] in visible else "",
            brought_in=r["n"], organized=r["organized"],
        )
        for r in rows
    ]


# --- The ladder: timeline, coaching, "ready for more" ------------------------------------------


@dataclass
class TimelineItem:
    """One step on a person's path: a ledger entry, or a move on the ladder."""

    at: datetime
    entry: Contribution | None = None
    change: StageChange | None = None


def person_timeline(actor: Any, person: Person, *, limit: int = 50) -> list[TimelineItem]:
    """The ledger entries about the person and their moves on the ladder, newest first (two
    queries). The caller has already passed `access_person` and may see the full page."""
    items = [TimelineItem(at=c.occurred_at, entry=c) for c in person_path(actor, person,
                                                                           limit=limit)]
    items += [TimelineItem(at=s.at, change=s)
              for s in StageChange.objects.filter(person=person)[:limit]]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


@dataclass
class Partner:
    """The other person of a coaching pair; `name` empty when the viewer may not see them."""

    pair: CoachingPair
    visible: bool
    name: str
    public_id: str


def coaching_for(actor: Any, person: Person) -> tuple[list[Partner], list[Partner]]:
    """(whom they coach, who coaches them): current pairs, named as the viewer may see them."""
    pairs = list(
        CoachingPair.objects.filter(Q(coach=person) | Q(coached=person), ended_on__isnull=True)
        .select_related("coach", "coached")
    )
    others = [p.coached if p.coach_id == person.id else p.coach for p in pairs]
    rows = [{"id": o.id, "chapter_id": o.chapter_id} for o in others]
    visible = _visible_ids(scope_of(actor), rows) if rows else set()

    def partner(pair: CoachingPair, other: Person) -> Partner:
        sees = other.id in visible
        return Partner(pair, sees, other.display_name if sees else "",
                       other.public_id if sees else "")

    coaches = [partner(p, o) for p, o in zip(pairs, others, strict=True) if p.coach_id == person.id]
    coached = [partner(p, o) for p, o in zip(pairs, others, strict=True) if p.coach_id != person.id]
    return coaches, coached


@dataclass
class Prompt:
    """A "ready for more" suggestion for organizers, with its one-click action."""

    kind: str  # "convene": invite them to convene; "coach": pair them with a coach
    person: Person
    recent: int = 0  # their actions in the chapter's window (for "convene")
    coach: Person | None = None  # the suggested coach (for "coach")


def _organized_chapter_ids(scope: Any, chapter_id: int | None = None) -> list[int]:
    from netweave.core.models import Chapter

    ids = (list(Chapter.objects.values_list("id", flat=True)) if scope.is_admin
           else sorted(scope.organizer_chapters))
    return [c for c in ids if chapter_id is None or c == chapter_id]


def ready_to_convene_for(
    actor: Any, *, chapter_id: int | None = None, person: Person | None = None, limit: int = 10,
) -> list[Prompt]:
    """Steady contributors who convene nothing yet: the chapter's `ready_actions` or more in its
    window, not discreet (never suggested visible work), not asked within the window."""
    from django.db.models import Count

    from netweave.people.ladder import ACTIONS

    prompts: list[Prompt] = []
    for cid in _organized_chapter_ids(scope_of(actor), chapter_id):
        rules = ChapterSettings.for_chapter(cid)
        since = timezone.now() - timedelta(days=rules.contributor_days)
        rows = (
            Person.objects.filter(chapter_id=cid, discreet=False,
                                  stage__in=[Stage.CONTRIBUTOR, Stage.ORGANIZED])
            .filter(Q(asked_to_convene_at__isnull=True) | Q(asked_to_convene_at__lt=since))
            .exclude(followup_status=FollowUp.DO_NOT_CONTACT)
            .annotate(recent=Count("ledger", filter=Q(ledger__kind__in=ACTIONS,
                                                      ledger__occurred_at__gte=since)))
            .filter(recent__gte=rules.ready_actions)
            .select_related("place").order_by("-recent", "display_name")
        )
        if person is not None:
            rows = rows.filter(pk=person.pk)
        prompts += [Prompt("convene", p, recent=p.recent) for p in rows[:limit]]
    return prompts[:limit]


def _convening_since(chapter_id: int) -> dict[int, date]:
    """Each current convener of the chapter: the day they began convening (earliest current
    convener membership)."""
    from django.db.models import Min

    from netweave.networks.models import Membership

    rows = (
        Membership.objects.filter(person__chapter_id=chapter_id, role="convener",
                                  left_on__isnull=True)
        .values("person_id").annotate(since=Min("joined_on"))
    )
    return {r["person_id"]: r["since"] for r in rows}


def _coach_pool(chapter_id: int) -> list[Person]:
    """Experienced conveners of the chapter: builders, and conveners for longer than its
    `new_convener_days`; not discreet. Each with `coachees`, their current pairs. Two
    queries, whoever they are matched with afterwards."""
    from django.db.models import Count

    rules = ChapterSettings.for_chapter(chapter_id)
    cutoff = timezone.localdate() - timedelta(days=rules.new_convener_days)
    seasoned = [pid for pid, day in _convening_since(chapter_id).items() if day <= cutoff]
    return list(
        Person.objects.filter(chapter_id=chapter_id, discreet=False)
        .filter(Q(stage=Stage.BUILDER) | Q(id__in=seasoned, stage=Stage.CONVENER))
        .annotate(coachees=Count("coaching", filter=Q(coaching__ended_on__isnull=True)))
        .select_related("place").order_by("display_name", "id")[:50]
    )


def _rank_coaches(pool: list[Person], person: Person, *, skip: set[int]) -> list[Person]:
    """Best first: fewest current coachees, then the same place, then a shared language."""
    languages = set(person.languages)

    def fit(c: Person) -> tuple[int, int, int, str]:
        return (getattr(c, "coachees", 0), int(c.place_id != person.place_id or not c.place_id),
                int(not languages & set(c.languages)), c.display_name)

    return sorted((c for c in pool if c.pk != person.pk and c.pk not in skip), key=fit)


def coach_candidates_for(actor: Any, person: Person) -> list[Person]:
    """Who could coach `person` (already passed `access_person`), best first; not those who
    coach them already."""
    current = set(CoachingPair.objects.filter(coached=person, ended_on__isnull=True)
                  .values_list("coach_id", flat=True))
    return _rank_coaches(_coach_pool(person.chapter_id), person, skip=current)


def needs_coach_for(
    actor: Any, *, chapter_id: int | None = None, person: Person | None = None, limit: int = 10,
) -> list[Prompt]:
    """New conveners (convening for less than the chapter's `new_convener_days`) with no
    current coach, each with the best-fitting coach suggested."""
    prompts: list[Prompt] = []
    for cid in _organized_chapter_ids(scope_of(actor), chapter_id):
        rules = ChapterSettings.for_chapter(cid)
        cutoff = timezone.localdate() - timedelta(days=rules.new_convener_days)
        new = [pid for pid, day in _convening_since(cid).items() if day > cutoff]
        rows = (
            Person.objects.filter(id__in=new, stage=Stage.CONVENER)
            .exclude(id__in=CoachingPair.objects.filter(ended_on__isnull=True)
                     .values("coached_id"))
            .select_related("place").order_by("display_name")
        )
        if person is not None:
            rows = rows.filter(pk=person.pk)
        pool = _coach_pool(cid) if rows else []
        for row in rows[:limit]:
            # They have no current coach (the query says so), so nobody is skipped.
            coaches = _rank_coaches(pool, row, skip=set())
            prompts.append(Prompt("coach", row, coach=coaches[0] if coaches else None))
    return prompts[:limit]


def prompts_for(actor: Any, *, person: Person | None = None, limit: int = 10) -> list[Prompt]:
    """Every "ready for more" prompt the organizer should see (or those about one person:
    then only their chapter is looked at)."""
    chapter_id = person.chapter_id if person is not None else None
    return (ready_to_convene_for(actor, chapter_id=chapter_id, person=person, limit=limit)
            + needs_coach_for(actor, chapter_id=chapter_id, person=person, limit=limit))[:limit]


# --- Follow-up: workload, untouched records, reminders -----------------------------------------


@dataclass
class OwnerLoad:
    """One possible follow-up owner and how much they carry."""

    user: Any
    open: int
    overdue: int
    pending: int
    place: str
    languages: list[str]


def followup_workload_for(actor: Any, chapter_id: int) -> list[OwnerLoad]:
    """Each possible owner in the chapter with their open, overdue and not-yet-accepted
    follow-ups there, with their place and languages: the dispatcher's view. One query. The
    caller has checked that the actor organizes the chapter."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    today = timezone.localdate()
    mine = Q(followups__chapter_id=chapter_id, followups__followup_status__in=OPEN_FOLLOWUPS)
    users = (
        get_user_model().objects
        .filter(id__in=followup_owners_for(actor, chapter_id).values("id"))
        .annotate(
            open_n=Count("followups", filter=mine),
            overdue_n=Count("followups", filter=mine & Q(followups__followup_due__lt=today)),
            pending_n=Count("followups", filter=mine & Q(
                followups__followup_accepted_at__isnull=True)),
        )
        .select_related("person__place").order_by("open_n", "username")
    )
    loads = []
    for user in users:
        person = getattr(user, "person", None)
        loads.append(OwnerLoad(
            user=user, open=user.open_n, overdue=user.overdue_n, pending=user.pending_n,
            place=person.place.name if person is not None and person.place else "",
            languages=list(person.languages) if person is not None else [],
        ))
    return loads


def assignable_for(
    actor: Any, *, chapter_id: int, show: str = "unowned", place_id: str = "",
) -> QuerySet[Person]:
    """People whose follow-up an organizer may hand out: open, not "do not contact". `show`:
    "unowned" (nobody follows them up), "pending" (handed but not accepted), "overdue", or
    "open" (all of them)."""
    qs = people_for(actor, chapter_id=chapter_id, place_id=place_id).filter(
        followup_status__in=OPEN_FOLLOWUPS).select_related("followup_owner")
    if show == "unowned":
        qs = qs.filter(followup_owner__isnull=True)
    elif show == "pending":
        qs = qs.filter(followup_owner__isnull=False, followup_accepted_at__isnull=True)
    elif show == "overdue":
        qs = qs.filter(followup_due__lt=timezone.localdate())
    return qs.order_by(F("followup_due").asc(nulls_last=True), "joined_at", "id")


def _last_touch() -> Any:
    """The latest of sign-up, their own activity and a follow-up step about them."""
    from django.db.models.functions import Coalesce, Greatest

    return Greatest("joined_at", Coalesce("last_activity_at", "joined_at"),
                    Coalesce("touched_at", "joined_at"))


def _untouched_q(actor: Any, chapter_id: int | None, setting: str) -> Q:
    """Rows of the actor's organized chapters last touched before their chapter's number of
    days: one condition per distinct number, however many chapters (one settings query)."""
    now = timezone.now()
    by_days: dict[int, list[int]] = {}
    rules = ChapterSettings.for_chapters(_organized_chapter_ids(scope_of(actor), chapter_id))
    for cid, chapter_rules in rules.items():
        by_days.setdefault(getattr(chapter_rules, setting), []).append(cid)
    due = Q(pk__in=[])
    for days, chapter_ids in by_days.items():
        due |= Q(chapter_id__in=chapter_ids, last_touch__lt=now - timedelta(days=days))
    return due


def untouched_people_for(actor: Any, *, chapter_id: int | None = None) -> QuerySet[Person]:
    """People of the actor's organized chapters whom nobody has touched for the chapter's
    `untouched_person_days`, longest untouched first. "Not now" and "do not contact" are
    decisions, not neglect, so they are left out."""
    due = _untouched_q(actor, chapter_id, "untouched_person_days")
    return (
        Person.objects.filter(scope_of(actor).people_q())
        .exclude(followup_status__in=[FollowUp.NOT_NOW, FollowUp.DO_NOT_CONTACT])
        .annotate(last_touch=_last_touch()).filter(due)
        .select_related("place", "followup_owner").order_by("last_touch", "id")
    )


def untouched_networks_for(actor: Any, *, chapter_id: int | None = None) -> QuerySet[Any]:
    """Forming and active networks of the actor's organized chapters with nothing recorded for
    the chapter's `untouched_network_days`, longest untouched first."""
    from django.db.models.functions import Coalesce, Greatest

    from netweave.networks.models import Network

    due = _untouched_q(actor, chapter_id, "untouched_network_days")
    return (
        Network.objects.filter(scope_of(actor).networks_q(),
                               status__in=[Network.Status.FORMING, Network.Status.ACTIVE])
        .annotate(last_touch=Greatest("created_at", Coalesce("last_activity_at", "created_at")))
        .filter(due).select_related("kind", "place").order_by("last_touch", "id")
    )


def followup_reminders_due(today: date) -> list[tuple[Any, list[Person]]]:
    """For the reminder job (netweave.notify): each active owner with their open follow-ups due
    today or overdue, oldest first. A system read with no acting user: it reads only what each
    owner may already see (people_q lets an owner see whom they follow up)."""
    rows = (
        Person.objects.filter(followup_status__in=OPEN_FOLLOWUPS, followup_due__lte=today,
                              followup_owner__isnull=False, followup_owner__is_active=True)
        .select_related("followup_owner", "place", "chapter")
        .order_by("followup_owner_id", "followup_due", "id")
    )
    grouped: dict[int, tuple[Any, list[Person]]] = {}
    for person in rows:
        owner: Any = person.followup_owner  # never None: the query asks for an owner
        grouped.setdefault(owner.pk, (owner, []))[1].append(person)
    return list(grouped.values())


def current_pair_for(actor: Any, coached: Person, coach_id: str) -> CoachingPair:
    """The current pair of `coached` (already passed `access_person`) with the coach of that
    public id; 404 when there is none. (coaching_end decides who may end it: organizers and
    the two people, even when one may not see the other's page.)"""
    from django.http import Http404

    pair = (
        CoachingPair.objects.filter(coached=coached, ended_on__isnull=True,
                                    coach__public_id=coach_id)
        .select_related("coach", "coached").first()
    )
    if pair is None:
        raise Http404
    return pair


def link_members_for(actor: Any, network: Any) -> QuerySet[Person]:
    """Current members of `network` the actor may see: whom a no-login link can be for."""
    return (
        Person.objects.filter(scope_of(actor).people_q(), memberships__network=network,
                              memberships__left_on__isnull=True)
        .distinct().order_by("display_name", "id")
    )


def overdue_followups_for(actor: Any) -> QuerySet[Person]:
    """Open follow-ups past their date in the chapters the actor organizes, whoever owns them,
    oldest first: the organizers see where follow-up is slipping, not only their own list."""
    scope = scope_of(actor)
    return (
        Person.objects.filter(scope.people_q())
        .filter(chapter_id__in=_organized_chapter_ids(scope),
                followup_status__in=OPEN_FOLLOWUPS, followup_due__lt=timezone.localdate())
        .select_related("place", "followup_owner").order_by("followup_due", "id")
    )
