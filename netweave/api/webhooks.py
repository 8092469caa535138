"""Webhooks (docs/api.md): a chapter's organizers subscribe a URL to some ledger events, and
netweave POSTs each one there, signed with HMAC-SHA256, retried with backoff, logged.

Three parts:
- services: `webhook_create`, `webhook_delete` (organizers of the chapter; audited);
- the emit side: a ledger entry of one of the four kinds queues one delivery row per matching
  active subscription, in the entry's own transaction (an outbox: sent once committed,
  nothing for a rolled-back one, nothing lost to a crash right after the commit);
- sending: `deliver_due` POSTs what is due, run by the `WEBHOOK_DELIVERIES` job (api/jobs.py)
  and by `netweave deliver_webhooks` (every minute from cron: the worker wakes only hourly).

Sending uses the standard library's urllib, with an opener of our own that has only the HTTP
and HTTPS handlers: no file: or ftp: URLs, no redirects followed (a 3xx is a failure, so a
receiver cannot bounce a signed request elsewhere), and no new dependency for the server.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.api.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from netweave.core.access import require
from netweave.core.ledger import audit
from netweave.core.models import Chapter, Contribution
from netweave.core.scope import scope_of

# Not a secret: the mark that tells a netweave webhook secret apart.
SECRET_PREFIX = "whsec_"  # noqa: S105  # nosec B105
# After the first attempt fails, wait this long before each next one; past the last, give up.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT_SECONDS = 5.0
# A sender that died mid-send leaves its claim; another run may retry after this long.
CLAIM = timedelta(minutes=2)
BATCH = 100
MAX_URL = 500

EVENT_OF_KIND: dict[str, str] = {
    Contribution.Kind.SIGNED_UP: WebhookEvent.PERSON_SIGNED_UP,
    Contribution.Kind.TASK_DONE: WebhookEvent.TASK_REPORTED,
    Contribution.Kind.EVENT_ATTENDED: WebhookEvent.EVENT_ATTENDED,
    Contribution.Kind.NETWORK_SEEDED: WebhookEvent.NETWORK_SEEDED,
}


# --- services ----------------------------------------------------------------------------------


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if any(c.isspace() or not c.isprintable() for c in url):
        raise ValidationError({"url": _("The address may not contain spaces.")})
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": _("Give an http:// or https:// address.")})
    if len(url) > MAX_URL:
        raise ValidationError({"url": _("Keep the address under %(max)s characters.")
                               % {"max": MAX_URL}})
    if parts.username or parts.password:
        raise ValidationError({"url": _("Leave passwords out of the address: deliveries are "
                                        "signed instead.")})
    return url


def _clean_events(events: list[str]) -> list[str]:
    chosen = sorted(set(events or []))
    if not chosen or any(e not in WebhookEvent.values for e in chosen):
        raise ValidationError({"events": _("Choose one or more of: %(events)s.")
                               % {"events": ", ".join(WebhookEvent.values)}})
    return chosen


@transaction.atomic
def webhook_create(*, actor: Any, chapter: Chapter, url: str,
                   events: list[str]) -> tuple[WebhookSubscription, str]:
    """A new subscription; returns it and its secret (shown this once)."""
    require(scope_of(actor).organizes(chapter.id))
    clean_url, chosen = _clean_url(url), _clean_events(events)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    hook = WebhookSubscription.objects.create(
        chapter=chapter, target_url=clean_url, events=chosen, secret=secret,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit(actor=actor, action="webhook.create", chapter_id=chapter.id, target=hook.public_id,
          url=clean_url, events=chosen)
    return hook, secret


@transaction.atomic
def webhook_delete(*, actor: Any, subscription: WebhookSubscription) -> None:
    """Gone with its delivery log; the audit log keeps that it existed."""
    require(scope_of(actor).organizes(subscription.chapter_id))
    audit(actor=actor, action="webhook.delete", chapter_id=subscription.chapter_id,
          target=subscription.public_id, url=subscription.target_url)
    subscription.delete()


# --- emit ------------------------------------------------------------------------------------


def _ref(row: Any) -> str | None:
    return None if row is None else str(row.public_id)


def payload_of(entry: Contribution, event: str) -> dict[str, Any]:
    """What a receiver is told: public ids only. No contact details and no names, so nothing
    about a discreet person leaves beyond an id the receiver cannot look up without access."""
    subject: dict[str, Any] = {"person": _ref(entry.person)}
    if event == WebhookEvent.TASK_REPORTED:
        subject |= {"task": _ref(entry.task), "network": _ref(entry.network)}
    elif event == WebhookEvent.EVENT_ATTENDED:
        subject |= {"event": _ref(entry.event)}
    elif event == WebhookEvent.NETWORK_SEEDED:
        subject |= {"network": _ref(entry.subject_network), "seeded_from": _ref(entry.network)}
    return {"event": event, "occurred_at": entry.occurred_at.isoformat(),
            "chapter": entry.chapter.public_id, "data": subject}


def entry_recorded(entry: Contribution) -> None:
    """Called for every new ledger row (api/apps.py): the deliveries are written in the same
    transaction as the row (an outbox), so they commit or roll back with it. Written in an
    on-commit hook instead, they were lost if the process died between the commit and the
    hook; the sender (deliver_due) sees them once committed."""
    event = EVENT_OF_KIND.get(entry.kind)
    if event is not None:
        _queue(entry, event)


def _queue(entry: Contribution, event: str) -> None:
    hooks = [h for h in WebhookSubscription.objects.filter(chapter_id=entry.chapter_id,
                                                           is_active=True).only("events")
             if event in h.events]
    if not hooks:
        return
    payload, now = payload_of(entry, event), timezone.now()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(subscription=h, event=event, payload=payload, next_attempt_at=now)
        for h in hooks
    )


# --- sending -----------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value: HMAC-SHA256 of "<timestamp>.<body>" with the secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _addresses(host: str) -> list[str]:
    """Every address the host resolves to, now."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:10.0.0.1 is 10.0.0.1
    return bool((mapped or ip).is_global)


class _Pinned:
    """Connects to the addresses given (in order, as socket.create_connection tries a name's),
    not to what the host resolves to when connecting: the sender resolves the host once,
    checks those addresses and connects only to them, so a name that resolves to a public
    address for the check and to a private one a moment later (DNS rebinding) reaches nothing
    but the checked address. The Host header, and for HTTPS the server name and certificate
    check, stay the URL's."""

    def __init__(self, addresses: list[str]) -> None:
        self.addresses = addresses

    def create_connection(self, address: tuple[str, int], timeout: Any = None,
                          source_address: Any = None) -> socket.socket:
        failure: OSError = OSError("no address to connect to")
        for ip in self.addresses:
            try:
                return socket.create_connection((ip, address[1]), timeout, source_address)
            except OSError as error:
                failure = error
        raise failure

    def connection(self, base: type[http.client.HTTPConnection]) -> Callable[..., Any]:
        def make(*args: Any, **kwargs: Any) -> http.client.HTTPConnection:
            conn = base(*args, **kwargs)
            conn._create_connection = self.create_connection  # type: ignore[attr-defined]
            return conn

        return make


class _PinnedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, pinned: _Pinned) -> None:
        super().__init__()
        self.pinned = pinned

    def http_open(self, req: Any) -> Any:
        return self.do_open(self.pinned.connection(http.client.HTTPConnection), req)


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, pinned: _Pinned) -> None:
        super().__init__()
        self.pinned = pinned

    def https_open(self, req: Any) -> Any:
        return self.do_open(self.pinned.connection(http.client.HTTPSConnection), req,
                            context=self._context)  # type: ignore[attr-defined]


def _opener(addresses: list[str]) -> urllib.request.OpenerDirector:
    """Only the HTTP and HTTPS handlers (no file: or ftp:, no redirects followed), pinned."""
    opener = urllib.request.OpenerDirector()
    pinned = _Pinned(addresses)
    for handler in (_PinnedHTTPHandler(pinned), _PinnedHTTPSHandler(pinned)):
        opener.add_handler(handler)
    return opener


def post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """Send one delivery: (status code or None, error text or ""). The host is resolved here,
    at send time (a name public when subscribed may not be now); loopback, private and
    link-local addresses are refused unless NETWEAVE_WEBHOOK_ALLOW_PRIVATE, so a subscription
    cannot probe the server's own network; the request goes to the addresses checked."""
    hook = delivery.subscription
    try:
        addresses = _addresses(urlsplit(hook.target_url).hostname or "")
    except (OSError, UnicodeError) as error:
        return None, f"{type(error).__name__}: {error}"[:300]
    if not settings.NETWEAVE_WEBHOOK_ALLOW_PRIVATE and not all(map(_is_public, addresses)):
        return None, "refused: the address is not a public one"
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    # http(s) only: checked when subscribed, and the opener has no other handler.
    request = urllib.request.Request(hook.target_url, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json", "User-Agent": "netweave-webhooks/1",
        "X-Netweave-Event": delivery.event, "X-Netweave-Delivery": delivery.public_id,
        "X-Netweave-Timestamp": timestamp,
        "X-Netweave-Signature": sign(hook.secret, timestamp, body),
    })
    try:
        # Same reason as above: only the http(s) handlers are installed.
        with _opener(addresses).open(request, timeout=TIMEOUT_SECONDS) as answer:  # nosec B310
            return int(answer.status), ""
    except (OSError, ValueError) as error:
        return None, f"{type(error).__name__}: {error}"[:300]


def _record(delivery: WebhookDelivery, status: int | None, error: str,
            now: datetime) -> None:
    delivery.attempts += 1
    delivery.last_status, delivery.last_error = status, error
    if status is not None and 200 <= status < 300:
        delivery.delivered_at, delivery.next_attempt_at = now, None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.next_attempt_at = None  # given up
    else:
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
        if not error:
            delivery.last_error = f"HTTP {status}"
    delivery.save(update_fields=["attempts", "last_status", "last_error", "delivered_at",
                                 "next_attempt_at"])


def _claim(delivery: WebhookDelivery, now: datetime) -> bool:
    """Take the delivery for this run (two runs at once must not both send it)."""
    return WebhookDelivery.objects.filter(
        pk=delivery.pk, next_attempt_at=delivery.next_attempt_at, delivered_at__isnull=True,
    ).update(next_attempt_at=now + CLAIM) == 1


def due(now: datetime | None = None) -> Any:
    return WebhookDelivery.objects.filter(
        delivered_at__isnull=True, next_attempt_at__lte=now or timezone.now(),
        subscription__is_active=True,
    )


def deliver_due(now: datetime | None = None, limit: int = BATCH) -> dict[str, int]:
    """Send what is due now (at most `limit`); counts of delivered, failed, given up."""
    counts = {"delivered": 0, "failed": 0, "given_up": 0}
    start = now or timezone.now()
    rows = due(start).select_related("subscription").order_by("next_attempt_at")[:limit]
    for delivery in list(rows):
        if not _claim(delivery, start):
            continue
        status, error = post(delivery)
        _record(delivery, status, error, start)
        key = "delivered" if delivery.delivered_at else (
            "failed" if delivery.next_attempt_at else "given_up")
        counts[key] += 1
    return counts
