"""Every write about networks: forming, seeding, members, roles, links, status."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.core.access import require
from netweave.core.ledger import Kind, audit, record
from netweave.core.models import Chapter, Place
from netweave.core.scope import forget_scope, scope_of
from netweave.networks.models import Membership, Network, NetworkKind, NetworkLink
from netweave.people.ladder import refresh_stage
from netweave.people.models import FollowUp, Person


def _check(chapter: Chapter, *, name: str, kind: NetworkKind, place: Place | None) -> str:
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the network a name.")
    if kind.chapter_id not in (None, chapter.id):
        errors["kind"] = _("That kind belongs to another chapter.")
    if place is not None and place.chapter_id != chapter.id:
        errors["place"] = _("That place belongs to another chapter.")
    if errors:
        raise ValidationError(errors)
    return name


def _insert(chapter: Chapter, parent: Network | None, **fields: Any) -> Network:
    network = Network.objects.create(chapter=chapter, seeded_from=parent, **fields)
    # The path needs the new id, so it is written right after the insert, in the same transaction.
    network.path = (parent.path if parent else "") + Network.segment(network.id)
    network.generation = (parent.generation + 1) if parent else 1
    network.save(update_fields=["path", "generation"])
    return network


@transaction.atomic
def network_create(
    *, actor: Any, chapter: Chapter, name: str, kind: NetworkKind, place: Place | None = None,
    social_grouping: str = "", description: str = "", convener: Person | None = None,
    status: str = Network.Status.FORMING, started_on: date | None = None,
) -> Network:
    """An organizer starts a network that no other network seeded (a new generation-1 root)."""
    require(scope_of(actor).organizes(chapter.id))
    name = _check(chapter, name=name, kind=kind, place=place)
    network = _insert(
        chapter, None, name=name, kind=kind, place=place, social_grouping=social_grouping.strip(),
        description=description, status=status, started_on=started_on or timezone.localdate(),
    )
    record(kind=Kind.NETWORK_FORMED, chapter_id=chapter.id, actor=actor,
           person=convener, network=network)
    if convener is not None:
        membership_add(actor=actor, network=network, person=convener,
                       role=Membership.Role.CONVENER)
    return network


@transaction.atomic
def network_seed(
    *, actor: Any, parent: Network, name: str, kind: NetworkKind, place: Place | None = None,
    social_grouping: str = "", description: str = "", seeded_by: Person | None = None,
    convener: Person | None = None, started_on: date | None = None,
) -> Network:
    """Record a network seeded from `parent`: a member of the parent brought it together.

    Members and conveners of the parent may record it (it is their work being counted), as may
    the chapter's organizers. Whoever seeded it convenes it unless someone else is named.
    """
    scope = scope_of(actor)
    require(scope.organizes(parent.chapter_id) or parent.id in scope.member_networks)
    if parent.status == Network.Status.DISSOLVED:
        raise ValidationError({"seeded_from": _("A dissolved network cannot seed new ones.")})
    chapter = parent.chapter
    name = _check(chapter, name=name, kind=kind, place=place)
    if seeded_by is None:
        seeded_by = scope.person
    for field, person in (("seeded_by", seeded_by), ("convener", convener)):
        if person is not None and person.chapter_id != chapter.id:
            raise ValidationError({field: _("That person belongs to another chapter.")})
    network = _insert(
        chapter, parent, name=name, kind=kind, place=place, description=description,
        social_grouping=social_grouping.strip(), seeded_by=seeded_by,
        started_on=started_on or timezone.localdate(),
    )
    record(kind=Kind.NETWORK_SEEDED, chapter_id=chapter.id, actor=actor, person=seeded_by,
           network=parent, subject_network=network)
    lead = convener or seeded_by
    if lead is not None:
        _join(actor, network, lead, Membership.Role.CONVENER, timezone.localdate())
    # The parent's current conveners built something too: a network seeded from theirs while
    # they convene it makes them builders now, not at the next daily refresh.
    parent_conveners = Person.objects.filter(
        memberships__network=parent, memberships__role=Membership.Role.CONVENER,
        memberships__left_on__isnull=True)
    for person in {p for p in (seeded_by, lead, *parent_conveners) if p is not None}:
        refresh_stage(person)
    forget_scope(actor)
    return network


@transaction.atomic
def network_update(*, actor: Any, network: Network, **fields: Any) -> Network:
    require(scope_of(actor).may_run_network(network))
    allowed = {"name", "kind", "place", "social_grouping", "description", "status"}
    fields = {k: v for k, v in fields.items() if k in allowed}
    _check(network.chapter, name=fields.get("name", network.name),
           kind=fields.get("kind", network.kind), place=fields.get("place", network.place))
    if "status" in fields and fields["status"] not in Network.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    old_status = network.status
    for key, value in fields.items():
        setattr(network, key, value.strip() if isinstance(value, str) else value)
    network.save()
    audit(actor=actor, action="network.update", chapter_id=network.chapter_id,
          target=network.public_id, fields=sorted(fields))
    if network.status != old_status:
        # Being in an active network is a ladder step, so members' stages may move.
        for person in Person.objects.filter(memberships__network=network,
                                            memberships__left_on__isnull=True):
            refresh_stage(person)
    return network


def _join(actor: Any, network: Network, person: Person, role: str, when: date) -> Membership:
    membership = Membership.objects.create(network=network, person=person, role=role,
                                           joined_on=when)
    kind = Kind.NETWORK_CONVENED if role == Membership.Role.CONVENER else Kind.NETWORK_JOINED
    record(kind=kind, chapter_id=network.chapter_id, actor=actor, person=person, network=network)
    if role == Membership.Role.CONVENER:
        # Convening is a role with wider access (core.scope): its grant is audited too.
        audit(actor=actor, action="membership.role", chapter_id=network.chapter_id,
              target=network.public_id, person=person.public_id, old="", new=role)
    if person.followup_status in (FollowUp.NEW, FollowUp.CONTACTED, FollowUp.MET,
                                  FollowUp.FIRST_TASK):
        Person.objects.filter(pk=person.pk).update(followup_status=FollowUp.IN_NETWORK)
        person.followup_status = FollowUp.IN_NETWORK
    # A forming network with a convener and a member is doing work together: it is active.
    if (
        network.status == Network.Status.FORMING
        and role == Membership.Role.MEMBER
        and network.memberships.filter(left_on__isnull=True).count() >= 2
    ):
        Network.objects.filter(pk=network.pk).update(status=Network.Status.ACTIVE)
        network.status = Network.Status.ACTIVE
    return membership


@transaction.atomic
def membership_add(
    *, actor: Any, network: Network, person: Person, role: str = Membership.Role.MEMBER,
    joined_on: date | None = None,
) -> Membership:
    require(scope_of(actor).may_run_network(network))
    if person.chapter_id != network.chapter_id:
        raise ValidationError({"person": _("That person belongs to another chapter.")})
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if Membership.objects.filter(network=network, person=person, left_on__isnull=True).exists():
        raise ValidationError(
            {"person": _("%s is already in this network.") % person.display_name}
        )
    membership = _join(actor, network, person, role, joined_on or timezone.localdate())
    for member in Person.objects.filter(memberships__network=network,
                                        memberships__left_on__isnull=True):
        refresh_stage(member)
    forget_scope(person.user)
    return membership


@transaction.atomic
def membership_end(*, actor: Any, membership: Membership) -> Membership:
    scope = scope_of(actor)
    is_self = scope.person is not None and membership.person_id == scope.person.id
    require(scope.may_run_network(membership.network) or is_self)
    if membership.left_on is None:
        membership.left_on = timezone.localdate()
        membership.save(update_fields=["left_on"])
        record(kind=Kind.NETWORK_LEFT, chapter_id=membership.network.chapter_id, actor=actor,
               person=membership.person, network=membership.network)
        if membership.role == Membership.Role.CONVENER:
            audit(actor=actor, action="membership.role", chapter_id=membership.network.chapter_id,
                  target=membership.network.public_id, person=membership.person.public_id,
                  old=membership.role, new="")
        refresh_stage(membership.person)
        forget_scope(membership.person.user)
    return membership


@transaction.atomic
def membership_set_role(*, actor: Any, membership: Membership, role: str) -> Membership:
    require(scope_of(actor).may_run_network(membership.network))
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if role != membership.role:
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit(actor=actor, action="membership.role", chapter_id=membership.network.chapter_id,
              target=membership.network.public_id, person=membership.person.public_id,
              old=old, new=role)
        if role == Membership.Role.CONVENER:
            record(kind=Kind.NETWORK_CONVENED, chapter_id=membership.network.chapter_id,
                   actor=actor, person=membership.person, network=membership.network)
        refresh_stage(membership.person)
        forget_scope(membership.person.user)
    return membership


@transaction.atomic
def network_link(*, actor: Any, network: Network, other: Network, note: str = "") -> NetworkLink:
    scope = scope_of(actor)
    require(scope.may_run_network(network))
    if other.id == network.id:
        raise ValidationError({"other": _("A network cannot link to itself.")})
    if other.chapter_id != network.chapter_id:
        raise ValidationError({"other": _("Links are between networks of one chapter.")})
    low, high = sorted((network, other), key=lambda n: n.id)
    link, _created = NetworkLink.objects.get_or_create(
        from_network=low, to_network=high, defaults={"note": note.strip(), "created_by": actor}
    )
    audit(actor=actor, action="network.link", chapter_id=network.chapter_id,
          target=network.public_id, other=other.public_id)
    return link


def kind_create(*, actor: Any, chapter: Chapter, name: str, description: str = "") -> NetworkKind:
    """A chapter extends the catalog of network kinds."""
    from django.utils.text import slugify

    require(scope_of(actor).organizes(chapter.id))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the kind of network.")})
    slug = slugify(name)[:40] or "kind"
    if NetworkKind.objects.filter(Q(chapter=chapter) | Q(chapter__isnull=True), slug=slug).exists():
        raise ValidationError({"name": _("That kind is already in the catalog.")})
    kind = NetworkKind.objects.create(chapter=chapter, slug=slug, name=name,
                                      description=description)
    audit(actor=actor, action="network_kind.create", chapter_id=chapter.id, target=slug)
    return kind
