"""Who may see what: the one place where need-to-know is decided.

Every selector and access function starts from `scope_of(user)`; no view, API route or command
filters by hand. The rules (DESIGN.md):

- admin: the whole installation;
- organizer: everything in the chapters they organize;
- convener: their networks in full; the networks those seeded (descendants) in aggregate with
  their conveners, never their members;
- member: themselves, and the names of the people in their own networks;
- coach and coached (a current CoachingPair): each other's name and page;
- anonymous: nothing but public sign-up and event pages.

Discreet people are listed to organizers only (and to themselves).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import BigIntegerField, CharField, Q
from django.db.models.expressions import RawSQL

if TYPE_CHECKING:
    from netweave.people.models import Person

_CACHE_ATTR = "_netweave_scope"


def _once(method: Callable[[Any], Q]) -> Callable[[Any], Q]:
    """A row filter built once per scope (so once per request): several panels of one page
    filter by the same Q, and building it (its subqueries are querysets) costs more than
    reading it. Django never changes a Q it filters by (a subquery is cloned as it is
    resolved), so one object serves every query."""

    @functools.wraps(method)
    def built(self: Any) -> Q:
        memo = self.__dict__.setdefault("_built", {})
        if method.__name__ not in memo:
            memo[method.__name__] = method(self)
        return memo[method.__name__]

    return built


@dataclass
class Scope:
    user: Any
    is_admin: bool = False
    organizer_chapters: frozenset[int] = frozenset()
    person: Person | None = None
    member_networks: frozenset[int] = frozenset()
    convened_networks: frozenset[int] = frozenset()
    # (low, high) path bounds of convened networks: their descendants lie strictly inside.
    convened_bounds: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    # --- roles -------------------------------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return bool(self.user is not None and self.user.is_authenticated)

    @property
    def role(self) -> str:
        """The highest role, for dashboards and menus; access itself is decided row by row."""
        if self.is_admin:
            return "admin"
        if self.organizer_chapters:
            return "organizer"
        if self.convened_networks:
            return "convener"
        if self.person is not None:
            return "member"
        return "anonymous"

    def organizes(self, chapter_id: int | None) -> bool:
        return self.is_admin or (chapter_id is not None and chapter_id in self.organizer_chapters)

    def chapter_ids(self) -> Q:
        """Chapters whose whole contents this user may see."""
        return Q() if self.is_admin else Q(id__in=self.organizer_chapters)

    @property
    def home_chapter_id(self) -> int | None:
        if self.person is not None:
            return self.person.chapter_id
        return min(self.organizer_chapters) if self.organizer_chapters else None

    # --- row filters -------------------------------------------------------------------------
    def _descendant_q(self, prefix: str = "") -> Q:
        q = Q(pk__in=[])
        for low, high in self.convened_bounds:
            q |= Q(**{f"{prefix}path__gt": low, f"{prefix}path__lt": high})
        return q

    @_once
    def networks_q(self) -> Q:
        """Networks the user may see at all (descendants only in aggregate)."""
        if self.is_admin:
            return Q()
        return (
            Q(chapter_id__in=self.organizer_chapters)
            | Q(id__in=self.member_networks)
            | self._descendant_q()
        )

    def sees_network(self, network: Any) -> bool:
        """networks_q's rule for a network row already loaded (its id, chapter and path):
        the same answer without a query (a test holds the two equal)."""
        return (
            self.is_admin
            or network.chapter_id in self.organizer_chapters
            or network.id in self.member_networks
            or any(low < network.path < high for low, high in self.convened_bounds)
        )

    @_once
    def network_detail_q(self) -> Q:
        """Networks whose members, tasks and events the user may see."""
        if self.is_admin:
            return Q()
        return Q(chapter_id__in=self.organizer_chapters) | Q(id__in=self.member_networks)

    @_once
    def people_q(self) -> Q:
        # Forgotten people (people/privacy.py) stay in the tables for the counts, anonymous,
        # and drop out of every list, search and page: nobody, admins included, opens them.
        return self._people_q() & Q(forgotten_at__isnull=True)

    def _people_q(self) -> Q:
        if self.is_admin:
            return Q()
        q = Q(chapter_id__in=self.organizer_chapters)
        if self.is_authenticated:
            # Whoever follows someone up must be able to open their page.
            q |= Q(followup_owner_id=self.user.id)
        if self.person is not None:
            from netweave.networks.models import Membership, Network

            current = Membership.objects.filter(left_on__isnull=True)
            fellow_members = current.filter(network_id__in=self.member_networks)
            seeded_conveners = current.filter(
                role=Membership.Role.CONVENER,
                network_id__in=Network.objects.filter(self._descendant_q()).values("id"),
            )
            q |= Q(id=self.person.id)
            q |= Q(discreet=False) & (
                Q(id__in=fellow_members.values("person_id"))
                | Q(id__in=seeded_conveners.values("person_id"))
                | self._coaching_partners_q()
            )
        return q

    def _coaching_partners_q(self) -> Q:
        """A coach and the person they coach (a current pair) may open each other's page: the
        names, never more (contact details follow may_read_contacts)."""
        from netweave.people.models import CoachingPair

        assert self.person is not None
        current = CoachingPair.objects.filter(ended_on__isnull=True)
        return (Q(id__in=current.filter(coach_id=self.person.id).values("coached_id"))
                | Q(id__in=current.filter(coached_id=self.person.id).values("coach_id")))

    @_once
    def tasks_q(self) -> Q:
        if self.is_admin:
            return Q()
        q = Q(chapter_id__in=self.organizer_chapters)
        if self.person is not None:
            from netweave.networks.models import Membership

            q |= Q(person_id=self.person.id) | Q(network_id__in=self.member_networks)
            # Conveners coach their members, so they see the tasks given to them.
            members_of_convened = Membership.objects.filter(
                network_id__in=self.convened_networks, left_on__isnull=True
            ).values("person_id")
            q |= Q(person_id__in=members_of_convened)
        return q

    @_once
    def events_q(self) -> Q:
        if self.is_admin:
            return Q()
        q = Q(chapter_id__in=self.organizer_chapters)
        if self.person is not None:
            from netweave.events.models import Attendance

            q |= Q(host_network_id__in=self.member_networks)
            q |= Q(id__in=Attendance.objects.filter(person=self.person).values("event_id"))
            q |= Q(is_public=True, chapter_id=self.person.chapter_id)
        return q

    def outreach_q(self) -> Q:
        if self.is_admin:
            return Q()
        q = Q(chapter_id__in=self.organizer_chapters)
        if self.person is not None:
            from netweave.outreach.models import OutreachSession

            took_part = OutreachSession.participants.through.objects.filter(
                person_id=self.person.id
            ).values("outreachsession_id")
            q |= Q(id__in=took_part) | Q(network_id__in=self.member_networks)
        return q

    def codes_q(self) -> Q:
        if self.is_admin:
            return Q()
        q = Q(chapter_id__in=self.organizer_chapters)
        if self.person is not None:
            q |= Q(person_id=self.person.id) | Q(network_id__in=self.convened_networks)
        return q

    def campaigns_q(self) -> Q:
        """Campaigns are the chapter's shared plan: its organizers, and everyone in it."""
        if self.is_admin:
            return Q()
        q = Q(chapter_id__in=self.organizer_chapters)
        if self.person is not None:
            q |= Q(chapter_id=self.person.chapter_id)
        return q

    def resources_q(self) -> Q:
        """Learning resources: the chapter's own, to its organizers and everyone in it; the
        shared starter set (no chapter) to everyone signed in with a chapter."""
        if self.is_admin:
            return Q()
        q = Q(chapter_id__in=self.organizer_chapters)
        if self.person is not None:
            q |= Q(chapter_id=self.person.chapter_id)
        if self.organizer_chapters or self.person is not None:
            q |= Q(chapter__isnull=True)
        return q

    def engagements_q(self) -> Q:
        """Who watched, discussed, shared or showed what: organizers see their chapter; a person
        their own and their networks'; conveners also their members' (they coach them)."""
        if self.is_admin:
            return Q()
        q = Q(chapter_id__in=self.organizer_chapters)
        if self.person is not None:
            from netweave.networks.models import Membership

            members_of_convened = Membership.objects.filter(
                network_id__in=self.convened_networks, left_on__isnull=True
            ).values("person_id")
            q |= Q(person_id=self.person.id) | Q(network_id__in=self.member_networks)
            q |= Q(person_id__in=members_of_convened)
        return q

    # --- write rules -------------------------------------------------------------------------
    def convenes(self, network_id: int) -> bool:
        return network_id in self.convened_networks

    def may_run_network(self, network: Any) -> bool:
        """Add members, assign tasks, edit: the network's conveners and the chapter's organizers."""
        return self.organizes(network.chapter_id) or self.convenes(network.id)


ANONYMOUS = Scope(user=None)


def scope_of(user: Any) -> Scope:
    """The user's scope, computed once per user object (so once per request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _compute(user)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def scope_inputs(user_id_sql: str) -> dict[str, RawSQL]:
    """What a scope reads before the memberships (the chapters the user organizes, and whether
    they are a person), as annotations for a query of the caller's own in which `user_id_sql`
    is the user's id. The API reads them with the token: one round trip where scope_of adds
    two more to every call. Plain SQL, not ORM subqueries: Django took longer to compile
    those than the database to run them. Pass the row to remember_scope."""
    from django.db import connection

    from netweave.core.models import ChapterRole
    from netweave.people.models import Person

    def q(model: Any, field: str) -> str:
        return str(connection.ops.quote_name(str(model._meta.get_field(field).column)))

    role_user, chapter = q(ChapterRole, "user"), q(ChapterRole, "chapter")
    role = q(ChapterRole, "role")
    if connection.vendor == "postgresql":
        ids = f"STRING_AGG(CAST({chapter} AS text), ',')"
    else:
        ids = f"GROUP_CONCAT({chapter})"
    table = connection.ops.quote_name
    organizes = (f"SELECT {ids} FROM {table(ChapterRole._meta.db_table)} "  # noqa: S608  # nosec B608
                 f"WHERE {role_user} = {user_id_sql} AND {role} = %s")
    person = (f"SELECT {q(Person, 'id')} FROM {table(Person._meta.db_table)} "  # noqa: S608  # nosec B608
              f"WHERE {q(Person, 'user')} = {user_id_sql}")
    # Only table and column names from the models go into the text; the one value is a
    # parameter.
    return {
        "scope_organizes": RawSQL(organizes, (ChapterRole.Role.ORGANIZER.value,),  # noqa: S611  # nosec B611
                                  output_field=CharField()),
        "scope_person_id": RawSQL(person, (), output_field=BigIntegerField()),  # noqa: S611  # nosec B611
    }


def remember_scope(user: Any, row: Any) -> Scope:
    """The user's scope, from a row annotated with scope_inputs() in this same request, kept on
    the user as scope_of keeps what it computes (so the rules are the same: _compute)."""
    ids = row.scope_organizes
    chapters = frozenset(int(i) for i in ids.split(",")) if ids else frozenset()
    scope = _compute(user, chapters=chapters, has_person=row.scope_person_id is not None)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Call after a service changes the user's roles or memberships."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _compute(user: Any, *, chapters: frozenset[int] | None = None,
             has_person: bool | None = None) -> Scope:
    """`chapters` and `has_person`, when given, were read by remember_scope's caller."""
    from netweave.core.models import ChapterRole
    from netweave.networks.models import Membership, Network
    from netweave.people.models import Person

    if not user.is_active:
        return ANONYMOUS
    if chapters is None:
        chapters = frozenset(
            ChapterRole.objects.filter(user=user, role=ChapterRole.Role.ORGANIZER).values_list(
                "chapter_id", flat=True
            )
        )
    person = None
    if has_person is not False:
        # Every request computes this: leave the encrypted notes unread (decrypting them costs
        # time on every page, and nothing in a scope check needs them). At most one row (the
        # user field is one-to-one), so no ORDER BY: first() would add the model's ordering,
        # and compiling it was a third of this lookup's cost.
        found = list(Person.objects.filter(user=user).defer("notes").order_by()[:1])
        person = found[0] if found else None
    member: set[int] = set()
    convened: set[int] = set()
    bounds: list[tuple[str, str]] = []
    if person is not None:
        rows = Membership.objects.filter(person=person, left_on__isnull=True).values_list(
            "network_id", "role", "network__path"
        )
        for network_id, role, path in rows:
            member.add(network_id)
            if role == Membership.Role.CONVENER:
                convened.add(network_id)
                if path:
                    bounds.append(Network(path=path).descendant_bounds())
    return Scope(
        user=user,
        is_admin=bool(user.is_superuser),
        organizer_chapters=chapters,
        person=person,
        member_networks=frozenset(member),
        convened_networks=frozenset(convened),
        convened_bounds=tuple(bounds),
    )


class _PeopleOnly:
    """The scope of stand_in_seeing's actor: a people filter, and nothing else."""

    def __init__(self, people: Q) -> None:
        self._people = people

    def people_q(self) -> Q:
        return self._people


class _StandIn:
    is_authenticated = True

    def __init__(self, people: Q) -> None:
        setattr(self, _CACHE_ATTR, _PeopleOnly(people))


def stand_in_seeing(people: Q) -> Any:
    """An actor whose scope answers people_q() with `people` and has nothing else to give: the
    API builds a people selector's query from a scope's filter alone with it, so that the query
    can be compiled once with placeholder values and reused (api/compiled.py). A selector that
    asks this actor or its scope for anything more fails there, instead of writing one real
    user's scope into SQL that others would run. Pass it only a filter that people_q() gave."""
    return _StandIn(people)


def may_read_contacts(scope: Scope, person: Any) -> bool:
    """Organizers, the person themselves, and the conveners of a network the person is in
    (never for a discreet person: only organizers reach them, by their chosen channel)."""
    if scope.organizes(person.chapter_id):
        return True
    if scope.person is not None and scope.person.id == person.id:
        return True
    if person.discreet or not scope.convened_networks:
        return False
    from netweave.networks.models import Membership

    return Membership.objects.filter(
        person=person, network_id__in=scope.convened_networks, left_on__isnull=True
    ).exists()
