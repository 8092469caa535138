"""Shared helpers for `access_<entity>` functions: outsiders get 404, read-only viewers 403."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def get_in_scope(queryset: QuerySet[M], scope_filter: Q, public_id: str) -> M:
    """The row if the viewer may see it; 404 otherwise, so outsiders learn nothing."""
    row = queryset.filter(scope_filter, public_id=public_id).first()
    if row is None:
        raise Http404
    return row


def require(allowed: bool, message: str = "") -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_login(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
