"""Reads for the API that no other app's selectors already give: the actor's own tokens, and
the ledger (contributions) in the actor's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from netweave.api.compiled import Shaped
from netweave.api.models import ApiToken, WebhookDelivery, WebhookSubscription
from netweave.core.models import Contribution
from netweave.core.scope import scope_of, stand_in_seeing
from netweave.people.selectors import people_for


def tokens_for(actor: Any) -> QuerySet[ApiToken]:
    if not getattr(actor, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=actor).order_by("-created_at")


def contributions_for(actor: Any, *, kind: str = "", network: Any = None,
                      person: Any = None) -> QuerySet[Contribution]:
    """Ledger entries: a chapter's organizers see the chapter's; anyone else the entries about
    themselves and about the networks whose members they may see (core.scope)."""
    scope = scope_of(actor)
    if not scope.is_authenticated:
        return Contribution.objects.none()
    if scope.is_admin:
        visible = Q()
    else:
        visible = Q(chapter_id__in=scope.organizer_chapters)
        if scope.person is not None:
            visible |= Q(person_id=scope.person.id) | Q(network_id__in=scope.member_networks)
    qs = Contribution.objects.filter(visible).select_related(
        "person", "network", "subject_person", "subject_network", "task", "event", "outreach",
        "campaign", "chapter",
    )
    if kind:
        qs = qs.filter(kind=kind)
    if network is not None:
        qs = qs.filter(network=network)
    if person is not None:
        qs = qs.filter(person=person)
    return qs


def webhooks_for(actor: Any) -> QuerySet[WebhookSubscription]:
    """Webhook subscriptions: the chapter's organizers only (they carry the chapter's events
    out of netweave), admins everywhere."""
    scope = scope_of(actor)
    if not scope.is_authenticated:
        return WebhookSubscription.objects.none()
    qs = WebhookSubscription.objects.select_related("chapter")
    return qs if scope.is_admin else qs.filter(chapter_id__in=scope.organizer_chapters)


def deliveries_for(actor: Any, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    if not webhooks_for(actor).filter(pk=subscription.pk).exists():
        return WebhookDelivery.objects.none()
    return WebhookDelivery.objects.filter(subscription=subscription)


def people_list(actor: Any, *, columns: tuple[str, ...], search: str = "", stage: str = "",
                followup: str = "", place_id: str = "") -> Shaped:
    """people_for(actor, ...).values(*columns), as a list the pagination compiles once per
    shape (api/compiled.py): built from the actor's scope's people filter alone, which
    people_for applies as it does for the actor itself (core.scope.stand_in_seeing)."""

    def build(inputs: tuple[Any, ...]) -> QuerySet[Any]:
        visible, search, stage, followup, place_id = inputs
        return people_for(stand_in_seeing(visible), search=search, stage=stage,
                          followup=followup, place_id=place_id).values(*columns)

    return Shaped(key=f"people:{','.join(columns)}", build=build,
                  inputs=(scope_of(actor).people_q(), search, stage, followup, place_id))
