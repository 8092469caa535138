"""Every read about learning, scoped to the acting user (core.scope: resources_q for the
material, engagements_q for who did what with it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from netweave.core.scope import scope_of
from netweave.learning.access import may_manage
from netweave.learning.models import DiscussionSession, Engagement, Guide, Resource
from netweave.networks.models import Network
from netweave.people.models import Person

How = Engagement.How


def resources_for(actor: Any, *, kind: str = "", language: str = "",
                  include_retired: bool = False) -> QuerySet[Resource]:
    """Resources the actor may see, by title, with how many times each was engaged with in
    all (`engaged`) and whether the actor watched it (`watched_by_me`), in one query."""
    scope = scope_of(actor)
    qs = Resource.objects.filter(scope.resources_q())
    if kind:
        qs = qs.filter(kind=kind)
    if language:
        qs = qs.filter(language=language)
    if not include_retired:
        qs = qs.filter(retired_at__isnull=True)
    counted = (Engagement.objects.filter(resource=OuterRef("pk")).order_by()
               .values("resource").annotate(n=Count("id")).values("n"))
    watched: Any = Value(False)
    if scope.person is not None:
        watched = Exists(Engagement.objects.filter(resource=OuterRef("pk"), person=scope.person,
                                                   how=How.WATCHED))
    return qs.annotate(
        engaged=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
        watched_by_me=watched,
    ).order_by("title", "id")


def resource_languages_for(actor: Any) -> set[str]:
    """The languages of the resources the actor may see (for the list's filter)."""
    qs = Resource.objects.filter(scope_of(actor).resources_q(), retired_at__isnull=True)
    return set(qs.order_by().values_list("language", flat=True).distinct())


def counts_by_how(engagements: QuerySet[Engagement]) -> dict[str, int]:
    """How many engagements of each kind, and with how many people in all (`people`).
    A discussion session counts as one "discussed"; its attendance is in `people`."""
    rows = engagements.order_by().values("how").annotate(n=Count("id"), p=Sum("people"))
    out = dict.fromkeys(How.values, 0) | {"people": 0}
    for row in rows:
        out[row["how"]] = row["n"]
        out["people"] += row["p"] or 0
    return out


def my_networks_for(actor: Any) -> QuerySet[Network]:
    """Networks the actor is a current member of: where their engagement may be recorded."""
    scope = scope_of(actor)
    return Network.objects.filter(id__in=scope.member_networks).order_by("name")


def runnable_networks_for(actor: Any, chapter_id: int | None) -> QuerySet[Network]:
    """Networks the actor may record a discussion session for: those they convene, or every
    network of a chapter they organize (dissolved ones left out). `chapter_id` None: the
    networks of any chapter (for the shared starter resources)."""
    scope = scope_of(actor)
    qs = Network.objects.exclude(status=Network.Status.DISSOLVED)
    if not scope.is_admin:
        qs = qs.filter(Q(chapter_id__in=scope.organizer_chapters)
                       | Q(id__in=scope.convened_networks))
    if chapter_id is not None:
        qs = qs.filter(chapter_id=chapter_id)
    return qs.order_by("name")


def guides_for(actor: Any, resource: Resource) -> QuerySet[Guide]:
    """The guides of a resource `access_resource` already let the actor see."""
    return resource.guides.order_by("title", "id")


@dataclass
class ResourcePage:
    resource: Resource
    may_manage: bool
    guides: list[Guide]
    counts: dict[str, int]
    mine: list[Engagement] = field(default_factory=list)
    may_engage: bool = False
    may_record_session: bool = False


def resource_page(actor: Any, resource: Resource) -> ResourcePage:
    """For a resource `access_resource` already let the actor see: its guides, what was done
    with it in all (counts only: an aggregate names nobody), and the actor's own engagements."""
    scope = scope_of(actor)
    page = ResourcePage(
        resource=resource, may_manage=may_manage(actor, resource),
        guides=list(guides_for(actor, resource)),
        counts=counts_by_how(Engagement.objects.filter(resource=resource)),
        may_engage=scope.person is not None and not resource.retired,
        may_record_session=not resource.retired and runnable_networks_for(
            actor, resource.chapter_id).exists(),
    )
    if scope.person is not None:
        page.mine = list(Engagement.objects.filter(resource=resource, person=scope.person)
                         .select_related("network")[:20])
    return page


# --- Learning on the person and network pages ------------------------------------------------


@dataclass
class LearningEntry:
    """One engagement as a page shows it. `network` None: none, or one the viewer may not see;
    `who` empty: a person the viewer may not see by name."""

    engagement: Engagement
    who: str = ""
    who_url: str = ""
    network: Network | None = None


@dataclass
class Learning:
    counts: dict[str, int]
    entries: list[LearningEntry]
    sessions: list[DiscussionSession] = field(default_factory=list)
    # False for those who see a network only in aggregate: the counts, not the entries.
    full: bool = True

    @property
    def any(self) -> bool:
        return bool(self.entries or self.sessions or any(
            self.counts[h] for h in How.values))


def _entries(actor: Any, rows: QuerySet[Engagement], limit: int) -> list[LearningEntry]:
    """The newest `limit` rows, with the doer's name and the network only where the actor may
    see them. Three queries, whatever the limit."""
    scope = scope_of(actor)
    found = list(rows.select_related("resource", "person", "network")[:limit])
    people = {e.person_id for e in found if e.person_id}
    networks = {e.network_id for e in found if e.network_id}
    seen_people = set(Person.objects.filter(scope.people_q(), id__in=people)
                      .values_list("id", flat=True)) if people else set()
    seen_networks = set(Network.objects.filter(scope.networks_q(), id__in=networks)
                        .values_list("id", flat=True)) if networks else set()
    out = []
    for e in found:
        entry = LearningEntry(engagement=e)
        if e.person is not None and e.person_id in seen_people:
            entry.who, entry.who_url = e.person.display_name, f"/people/{e.person.public_id}/"
        if e.network_id in seen_networks:
            entry.network = e.network
        out.append(entry)
    return out


def person_learning_for(actor: Any, person: Person, *, limit: int = 20) -> Learning:
    """A person's learning, for a person `access_person` already let the actor see: all of it
    to organizers, the person and the conveners who coach them; to a fellow member, what they
    did in the networks they share (what that network's page shows anyway)."""
    rows = Engagement.objects.filter(scope_of(actor).engagements_q(), person=person)
    return Learning(counts=counts_by_how(rows), entries=_entries(actor, rows, limit))


def network_learning_for(actor: Any, network: Network, *, limit: int = 10) -> Learning:
    """A network's learning, for a network `access_network` already let the actor see. Its
    own people and the chapter's organizers see what was done and by whom; a convener who sees
    the network only because theirs seeded it gets the counts (its members' work is not
    theirs to see)."""
    from netweave.networks.access import sees_members

    rows = Engagement.objects.filter(network=network)
    learning = Learning(counts=counts_by_how(rows), entries=[],
                        full=sees_members(actor, network))
    if learning.full:
        learning.entries = _entries(actor, rows.filter(session__isnull=True), limit)
        learning.sessions = list(network.discussion_sessions
                                 .select_related("resource", "guide")[:limit])
    return learning

