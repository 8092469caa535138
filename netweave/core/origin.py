"""Where an action came from, for the audit log: the client's address and browser, or "system".

A request sets it (`core.middleware.AuditOriginMiddleware`) in a context variable, which is
per thread and per asyncio task, so concurrent requests never see each other's. Outside a
request (the worker, the queue, management commands) nothing is set and rows say "system".
`AuditEntry`'s columns take these functions as defaults, so every way of writing an audit row
(`core.ledger.audit`, a service's `bulk_create`) records the origin without passing it along.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

SYSTEM = "system"
WEB = "web"
# Browsers' user-agent strings are long; the head says which browser and system it was.
USER_AGENT_MAX = 255


@dataclass(frozen=True)
class Origin:
    via: str = SYSTEM
    ip_address: str | None = None
    user_agent: str = ""
    # The request's user (lazy), for audit rows written where no actor is passed along
    # (core/signals.py: the admin flag changed in the back office).
    user: Any = None


_SYSTEM = Origin()
_current: ContextVar[Origin | None] = ContextVar("netweave_audit_origin", default=None)


def current() -> Origin:
    return _current.get() or _SYSTEM


@contextmanager
def acting_from(origin: Origin) -> Iterator[None]:
    """Everything audited inside the block records `origin`; the previous one comes back."""
    token = _current.set(origin)
    try:
        yield
    finally:
        _current.reset(token)


def web_origin(ip_address: str, user_agent: str, user: Any = None) -> Origin:
    return Origin(via=WEB, ip_address=ip_address or None,
                  user_agent=(user_agent or "")[:USER_AGENT_MAX], user=user)


# Field defaults for AuditEntry (module-level functions: migrations refer to them by name).
def current_via() -> str:
    return current().via


def current_ip_address() -> str | None:
    return current().ip_address


def current_user_agent() -> str:
    return current().user_agent
