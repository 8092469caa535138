"""Webhook subscriptions of a chapter and their delivery log (its organizers only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from netweave.api import webhooks as services
from netweave.api.access import access_webhook
from netweave.api.auth import actor
from netweave.api.common import CURSOR_DESCRIPTION, LIMIT_DESCRIPTION, chapter_named
from netweave.api.models import WebhookDelivery, WebhookSubscription
from netweave.api.pagination import DEFAULT_LIMIT, Page, paginate
from netweave.api.selectors import deliveries_for, webhooks_for
from netweave.core.scope import scope_of

router = Router(tags=["webhooks"])

EventName = Literal["person.signed_up", "task.reported", "event.attended", "network.seeded"]


class WebhookIn(Schema):
    url: str = Field(..., max_length=500, description="http:// or https:// only.")
    events: list[EventName] = Field(..., min_length=1, max_length=4)


class WebhookOut(Schema):
    id: str
    chapter: str
    url: str
    events: list[str]
    is_active: bool
    created_at: datetime


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(description="Signs every delivery. Shown this once: keep it.")


class DeliveryOut(Schema):
    id: str
    event: str
    status: Literal["pending", "delivered", "given_up"]
    payload: dict[str, Any]
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str
    delivered_at: datetime | None
    created_at: datetime


class ListFilters(Schema):
    cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=200, description=LIMIT_DESCRIPTION)


def webhook_out(hook: WebhookSubscription) -> dict[str, Any]:
    return {"id": hook.public_id, "chapter": hook.chapter.public_id, "url": hook.target_url,
            "events": hook.events, "is_active": hook.is_active, "created_at": hook.created_at}


def delivery_out(d: WebhookDelivery) -> dict[str, Any]:
    return {"id": d.public_id, "event": d.event, "status": d.status, "payload": d.payload,
            "attempts": d.attempts, "next_attempt_at": d.next_attempt_at,
            "last_status": d.last_status, "last_error": d.last_error,
            "delivered_at": d.delivered_at, "created_at": d.created_at}


def _organized(request: HttpRequest, chapter_id: str) -> Any:
    user = actor(request)
    chapter = chapter_named(user, chapter_id)
    if not scope_of(user).organizes(chapter.id):
        raise PermissionDenied
    return user, chapter


@router.get("/chapters/{chapter_id}/webhooks", response=Page[WebhookOut])
def list_webhooks(request: HttpRequest, chapter_id: str,
                  filters: Query[ListFilters]) -> dict[str, Any]:
    """The chapter's webhook subscriptions, newest first (its organizers)."""
    user, chapter = _organized(request, chapter_id)
    return paginate(webhooks_for(user).filter(chapter=chapter), ordering="-created_at",
                    allowed=("created_at",), cursor=filters.cursor, limit=filters.limit,
                    out=webhook_out, tiebreak="pk")


@router.post("/chapters/{chapter_id}/webhooks", response={201: WebhookCreatedOut})
def create_webhook(request: HttpRequest, chapter_id: str, payload: WebhookIn) -> Status[Any]:
    """Subscribe a URL to some of the chapter's events. The answer carries the signing
    secret, once. No Idempotency-Key here: a stored answer would keep the secret in clear."""
    user, chapter = _organized(request, chapter_id)
    hook, secret = services.webhook_create(actor=user, chapter=chapter, url=payload.url,
                                           events=list(payload.events))
    return Status(201, {**webhook_out(hook), "secret": secret})


@router.delete("/webhooks/{webhook_id}", response={204: None})
def delete_webhook(request: HttpRequest, webhook_id: str) -> Status[None]:
    """Unsubscribe: nothing more is sent, and the delivery log goes with it."""
    user = actor(request)
    services.webhook_delete(actor=user, subscription=access_webhook(user, webhook_id))
    return Status(204, None)


@router.get("/webhooks/{webhook_id}/deliveries", response=Page[DeliveryOut])
def list_deliveries(request: HttpRequest, webhook_id: str,
                    filters: Query[ListFilters]) -> dict[str, Any]:
    """The delivery log, newest first: each attempt's status code or error, and when the
    next one is due."""
    user = actor(request)
    hook = access_webhook(user, webhook_id)
    return paginate(deliveries_for(user, hook), ordering="-created_at",
                    allowed=("created_at",), cursor=filters.cursor, limit=filters.limit,
                    out=delivery_out, tiebreak="pk")
