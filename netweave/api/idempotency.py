"""Idempotency keys on creating requests (the `Idempotency-Key` header, as Stripe's API).

The same key with the same request gives back the stored answer (no second row); the same key
with a different request is refused (409). Keys are per caller (token, or signed-in user) and
kept for IDEMPOTENCY_HOURS. Without the header a request is simply run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status

from netweave.api.errors import ApiError
from netweave.api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
IDEMPOTENCY_HOURS = 24
MAX_KEY = 255
REPLAYED = "Idempotent-Replayed"


def _fingerprint(request: HttpRequest, payload: Any) -> str:
    body = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _key(request: HttpRequest) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY:
        message = _("An Idempotency-Key is 1 to %(max)s characters.") % {"max": MAX_KEY}
        raise ApiError(422, "invalid", message, {HEADER: [message]})
    return key


def _stored(owner: str, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(
        owner=owner, key=key, expires_at__gt=timezone.now()
    ).first()


def _replay(record: IdempotencyRecord, fingerprint: str,
            response: HttpResponse) -> Status[Any]:
    if record.fingerprint != fingerprint:
        raise ApiError(409, "idempotency_conflict",
                       _("This Idempotency-Key was used for a different request."))
    response[REPLAYED] = "true"
    return Status(record.status, record.body)


def run_once(request: HttpRequest, response: HttpResponse, payload: Any,
             create: Callable[[], dict[str, Any]], status: int = 201) -> Status[Any]:
    """The answer of `create()`, or the stored answer of an earlier request with this key."""
    key = _key(request)
    if key is None:
        return Status(status, create())
    owner: str = request.api_owner  # type: ignore[attr-defined]
    fingerprint = _fingerprint(request, payload)
    record = _stored(owner, key)
    if record is not None:
        return _replay(record, fingerprint, response)
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.filter(owner=owner, key=key,
                                             expires_at__lte=timezone.now()).delete()
            body = create()
            IdempotencyRecord.objects.create(
                owner=owner, key=key, fingerprint=fingerprint, status=status, body=body,
                expires_at=timezone.now() + timedelta(hours=IDEMPOTENCY_HOURS),
            )
    except IntegrityError:
        # A concurrent request with the same key won the race: its row was rolled back here.
        record = _stored(owner, key)
        if record is None:
            raise
        return _replay(record, fingerprint, response)
    return Status(status, body)
