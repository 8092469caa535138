"""No-login links: the services that make and use them (kept apart from services.py, which
holds the rest of the people app's writes, so each module stays readable).

A convener or member who never signs in can still report back on a task, or record a network
they seeded, through a link an organizer or convener made for them. The link is a random token;
only its keyed hash is stored (as for core.Invite), it works once and until the chapter's
`link_days` have passed. Using it writes through the usual service (work.services.task_report,
networks.services.network_seed), acting as the person's own account when they have one, and
otherwise as whoever made the link: that user's rights are checked again at the moment of use,
so a link dies with its maker's rights.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.core.access import require
from netweave.core.ledger import audit
from netweave.core.scope import scope_of
from netweave.people.models import ActionLink, ChapterSettings, Person

# Why a link cannot be used, for the page that says so.
OK, UNKNOWN, EXPIRED, USED = "ok", "unknown", "expired", "used"


def _hash(token: str) -> str:
    # A distinct key prefix: an invite token can never be taken for a link token or back.
    key = ("action-link:" + settings.SECRET_KEY).encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def _current_member(network: Any, person: Person) -> bool:
    return bool(network.memberships.filter(person=person, left_on__isnull=True).exists())


def acting_user(link: ActionLink) -> Any:
    """Whose rights the write uses: the person's own account if they have an active one,
    else the link's maker."""
    user = link.person.user
    if user is not None and user.is_active:
        return user
    return link.created_by


def may_link_task(actor: Any, task: Any) -> bool:
    """Organizers of the task's chapter, and conveners of the task's network or of a network
    the task's person is in: the people who run the work. (Members report for themselves.)"""
    from netweave.networks.models import Membership

    scope = scope_of(actor)
    if scope.organizes(task.chapter_id):
        return True
    if task.network_id:
        return scope.convenes(task.network_id)
    return bool(scope.convened_networks) and Membership.objects.filter(
        person_id=task.person_id, network_id__in=scope.convened_networks, left_on__isnull=True,
    ).exists()


def may_link_seed(actor: Any, network: Any) -> bool:
    """The rule for seed links: whoever runs the network (its conveners, the organizers)."""
    return scope_of(actor).may_run_network(network)


def _make(*, actor: Any, kind: str, person: Person, **target: Any) -> str:
    token = secrets.token_urlsafe(24)
    days = ChapterSettings.for_chapter(person.chapter_id).link_days
    link = ActionLink.objects.create(
        token_hash=_hash(token), kind=kind, chapter_id=person.chapter_id, person=person,
        created_by=actor, expires_at=timezone.now() + timedelta(days=days), **target,
    )
    audit(actor=actor, action="link.create", chapter_id=person.chapter_id,
          target=person.public_id, kind=kind, link=link.pk)
    return token


@transaction.atomic
def link_for_task(*, actor: Any, task: Any, person: Person | None = None) -> str:
    """A link to report back on an open task. A task given to a person is reported for them;
    a network's task for the member named. Returns the token (shown once)."""
    from netweave.work.services import may_work_on

    require(may_link_task(actor, task))
    if not task.is_open:
        raise ValidationError(_("This task is already closed."))
    if task.person_id:
        person = task.person
    elif person is None or not _current_member(task.network, person):
        raise ValidationError({"person": _("Choose a member of the network.")})
    assert person is not None
    probe = ActionLink(person=person, created_by=actor)
    if not may_work_on(scope_of(acting_user(probe)), task):
        raise ValidationError({"person": _("They cannot report on this task.")})
    return _make(actor=actor, kind=ActionLink.Kind.TASK_REPORT, person=person, task=task)


@transaction.atomic
def link_for_seed(*, actor: Any, network: Any, person: Person) -> str:
    """A link for a member of `network` to record a network they seeded from it."""
    require(may_link_seed(actor, network))
    if network.status == "dissolved":
        raise ValidationError({"person": _("A dissolved network cannot seed new ones.")})
    if not _current_member(network, person):
        raise ValidationError({"person": _("Choose a member of the network.")})
    return _make(actor=actor, kind=ActionLink.Kind.NETWORK_SEED, person=person, network=network)


@dataclass
class Lookup:
    link: ActionLink | None
    state: str  # OK, UNKNOWN, EXPIRED or USED


def link_lookup(token: str, *, for_update: bool = False) -> Lookup:
    """The link a token opens, and whether it may be used now. A tampered or made-up token
    matches no hash: UNKNOWN."""
    rows = ActionLink.objects.select_related("person__user", "task__playbook", "network",
                                             "chapter", "created_by")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    link = rows.filter(token_hash=_hash(token or "")).first()
    if link is None:
        return Lookup(None, UNKNOWN)
    if link.used_at is not None:
        return Lookup(link, USED)
    if link.expires_at <= timezone.now():
        return Lookup(link, EXPIRED)
    return Lookup(link, OK)


class LinkRefused(Exception):
    """The link cannot be used (expired, used, unknown); `state` says which."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


def _claim(token: str, kind: str) -> ActionLink:
    """Mark the link used, inside the caller's transaction: a failed write rolls this back, and
    two uses at once cannot both claim it (the update only matches an unused row)."""
    found = link_lookup(token, for_update=True)
    if found.state != OK or found.link is None or found.link.kind != kind:
        raise LinkRefused(found.state if found.state != OK else UNKNOWN)
    link = found.link
    claimed = ActionLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
        used_at=timezone.now())
    if not claimed:
        raise LinkRefused(USED)
    return link


@transaction.atomic
def link_report(*, token: str, numbers: dict[str, Any], note: str = "") -> Any:
    """Report back on the link's task through work.services.task_report."""
    from netweave.work.services import task_report

    link = _claim(token, ActionLink.Kind.TASK_REPORT)
    assert link.task is not None  # a report link always names its task (a check constraint)
    # Credited to the link's person, also when it acts as its maker (they have no account).
    task = task_report(actor=acting_user(link), task=link.task, numbers=numbers, note=note,
                       for_person=link.person)
    audit(actor=acting_user(link), action="link.use", chapter_id=link.chapter_id,
          target=link.person.public_id, kind=link.kind, task=task.public_id)
    return task


@transaction.atomic
def link_seed(
    *, token: str, name: str, kind: Any, place: Any = None, social_grouping: str = "",
    description: str = "", started_on: date | None = None,
) -> Any:
    """Record the network the link's person seeded, through networks.services.network_seed:
    they seeded it and they convene it."""
    from netweave.networks.services import network_seed

    link = _claim(token, ActionLink.Kind.NETWORK_SEED)
    assert link.network is not None  # a seed link always names its network (a constraint)
    child = network_seed(
        actor=acting_user(link), parent=link.network, name=name, kind=kind, place=place,
        social_grouping=social_grouping, description=description, seeded_by=link.person,
        started_on=started_on,
    )
    ActionLink.objects.filter(pk=link.pk).update(result=child.public_id)
    audit(actor=acting_user(link), action="link.use", chapter_id=link.chapter_id,
          target=link.person.public_id, kind=link.kind, network=child.public_id)
    return child
