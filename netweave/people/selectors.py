"""Every read about people, scoped to the acting user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from netweave.core.models import Contribution
from netweave.core.scope import may_read_contacts, scope_of
from netweave.people.models import ContactChannel, FollowUp, Person

OPEN_FOLLOWUPS = [FollowUp.NEW, FollowUp.CONTACTED, FollowUp.MET]


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
        page.path = list(person_path(actor, person))
        kinds = sorted(set(channel_kinds(person)))
        page.channel_labels = [ContactChannel.Kind(kind).label for kind in kinds]
        page.recruitment = recruitment_tree_for(actor, person)
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
