"""Writes for personal access tokens and the idempotency log."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.api.models import ApiToken
from netweave.core.access import require, require_login
from netweave.core.ledger import audit
from netweave.core.scope import remember_scope, scope_inputs

# Not a secret: the mark that tells a netweave token apart (and secret scanners can match).
TOKEN_PREFIX = "nw_"  # noqa: S105  # nosec B105
MAX_DAYS = 365
DEFAULT_DAYS = 90
# Writing last_used_at on every request would turn each read into a write; a minute is
# precise enough to tell a forgotten token from one in use.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    """Keyed (HMAC) so that the table alone cannot be used to test guesses."""
    key = f"api-token:{settings.NETWEAVE_HASH_KEY}".encode()
    return hmac.new(key, raw.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def token_create(
    *, actor: Any, name: str, scope: str = ApiToken.Scope.READ, days: int = DEFAULT_DAYS,
) -> tuple[ApiToken, str]:
    """A new token for the actor; returns the row and the token itself (shown once)."""
    require_login(actor)
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the token a name, to know later what uses it.")
    elif len(name) > 80:
        errors["name"] = _("Keep the name under 80 characters.")
    if scope not in ApiToken.Scope.values:
        errors["scope"] = _("Choose read only or read and write.")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors["days"] = _("A token lasts between 1 and %(max)s days.") % {"max": MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, scope=scope, prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=token_hash(raw), expires_at=timezone.now() + timedelta(days=days),
    )
    audit(actor=actor, action="api_token.create", target=token.public_id, scope=scope,
          days=days)
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    require_login(actor)
    require(token.user_id == actor.id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(actor=actor, action="api_token.revoke", target=token.public_id)
    return token


def _scope_inputs() -> dict[str, Any]:
    """core.scope's inputs, for the token's user, as annotations of the token query."""
    q = connection.ops.quote_name
    user_id = ApiToken._meta.get_field("user").column
    return scope_inputs(f"{q(ApiToken._meta.db_table)}.{q(user_id)}")


def token_authenticate(raw: str) -> ApiToken:
    """The active token for `raw`, its last use noted; PermissionDenied for anything else
    (unknown, revoked, expired, or its user deactivated) without saying which."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        raise PermissionDenied
    # One query for the token, its user and what the user's scope starts from (one round trip
    # where three were). get(), not first(): token_hash is unique, and first() would have the
    # database order the one row (and Django compile that ordering) on every request.
    try:
        token = (ApiToken.objects.select_related("user").annotate(**_scope_inputs())
                 .get(token_hash=token_hash(raw)))
    except ApiToken.DoesNotExist:
        raise PermissionDenied from None
    if not token.is_active or not token.user.is_active:
        raise PermissionDenied
    remember_scope(token.user, token)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
