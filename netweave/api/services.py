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


class _TokenLookup:
    """The token lookup as SQL text, made once per process from the models: the token, its
    user and what the user's scope starts from (core.scope.scope_inputs), in one query whose
    only per-request value is the hash. Building and compiling the same ORM query on every
    request cost Django more time than the database took to answer it."""

    def __init__(self) -> None:
        user_field = ApiToken._meta.get_field("user")
        user_model = user_field.related_model
        def q(name: str | None) -> str:
            return str(connection.ops.quote_name(str(name)))

        token_table, user_table = ApiToken._meta.db_table, user_model._meta.db_table
        self.token_fields = list(ApiToken._meta.concrete_fields)
        self.user_fields = list(user_model._meta.concrete_fields)
        self.user_model = user_model
        inputs = scope_inputs(f"{q(token_table)}.{q(user_field.column)}")
        columns = [f"{q(token_table)}.{q(f.column)}" for f in self.token_fields]
        columns += [f"{q(user_table)}.{q(f.column)}" for f in self.user_fields]
        columns += [f"({raw.sql})" for raw in inputs.values()]
        self.params: list[Any] = [p for raw in inputs.values() for p in raw.params]
        # Only table and column names from the models go into the text (and the scope's
        # inputs, themselves made of names); the values are parameters.
        self.sql = (
            f"SELECT {', '.join(columns)} FROM {q(token_table)} "  # noqa: S608  # nosec B608
            f"INNER JOIN {q(user_table)} ON ({q(token_table)}.{q(user_field.column)} = "
            f"{q(user_table)}.{q(user_model._meta.pk.column)}) "
            f"WHERE {q(token_table)}.{q(ApiToken._meta.get_field('token_hash').column)} = %s"
        )
        # What the ORM would apply to each column read (SQLite's booleans and datetimes).
        self.converters = [
            self._converters(f, token_table) for f in self.token_fields
        ] + [self._converters(f, user_table) for f in self.user_fields]

    @staticmethod
    def _converters(field: Any, table: str) -> tuple[Any, list[Any]]:
        col = field.get_col(table)
        return col, connection.ops.get_db_converters(col) + col.get_db_converters(connection)

    def fetch(self, digest: str) -> ApiToken | None:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [*self.params, digest])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for i, (col, converters) in enumerate(self.converters):
            for convert in converters:
                values[i] = convert(values[i], col, connection)
        n_token, n_user = len(self.token_fields), len(self.user_fields)
        token = ApiToken.from_db(connection.alias, [f.attname for f in self.token_fields],
                                 values[:n_token])
        user = self.user_model.from_db(connection.alias, [f.attname for f in self.user_fields],
                                       values[n_token:n_token + n_user])
        ApiToken._meta.get_field("user").set_cached_value(token, user)
        # Read by core.scope.remember_scope, as the ORM's annotations were.
        organizes, person_id = values[n_token + n_user:]
        token.scope_organizes = organizes  # type: ignore[attr-defined]
        token.scope_person_id = person_id  # type: ignore[attr-defined]
        return token


_token_lookups: dict[str, _TokenLookup] = {}


def _token_lookup() -> _TokenLookup:
    """Per database vendor (one per process in practice; tests may switch settings)."""
    key = connection.vendor
    lookup = _token_lookups.get(key)
    if lookup is None:
        lookup = _token_lookups[key] = _TokenLookup()
    return lookup


def token_authenticate(raw: str) -> ApiToken:
    """The active token for `raw`, its last use noted; PermissionDenied for anything else
    (unknown, revoked, expired, or its user deactivated) without saying which."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        raise PermissionDenied
    # One query for the token, its user and what the user's scope starts from (one round trip
    # where three were). token_hash is unique: at most one row.
    token = _token_lookup().fetch(token_hash(raw))
    if token is None:
        raise PermissionDenied
    if not token.is_active or not token.user.is_active:
        raise PermissionDenied
    remember_scope(token.user, token)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
