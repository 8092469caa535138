"""Cursor pagination and whitelisted ordering for list endpoints.

A page is `{"items": [...], "next_cursor": "..." | null}`. The cursor is opaque: the ordering
and the last row's sort value and public_id, signed (django.core.signing) so a client cannot
forge one into an unindexed scan or an error. Keyset ("seek") pagination rather than offsets:
page 500 costs what page 1 does, and rows added meanwhile neither repeat nor vanish.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from django.core import signing
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.renderers import JSONRenderer

from netweave.api import compiled
from netweave.api.errors import ApiError

T = TypeVar("T")
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
_SALT = "netweave.api.cursor"


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        parsed = parse_datetime(value) or parse_date(value)
        if parsed is not None:
            return parsed
    return value


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid", message, {field: [message]})


def order(qs: Any, ordering: str, allowed: Sequence[str]) -> tuple[str, bool]:
    """(field, descending) from `ordering` ("name" or "-name"), refused unless whitelisted."""
    field = ordering.lstrip("-")
    if field not in allowed:
        raise _invalid("ordering", _("Order by one of: %(f)s.")
                       % {"f": ", ".join(f"{a}, -{a}" for a in allowed)})
    return field, ordering.startswith("-")


def paginate(
    qs: QuerySet[Any] | compiled.Shaped, *, ordering: str, allowed: Sequence[str],
    cursor: str | None, limit: int, out: Callable[[Any], Any],
    columns: dict[str, str] | None = None, tiebreak: str = "public_id",
) -> dict[str, Any]:
    """One page of `qs` ordered by `ordering`, after `cursor`. `columns` maps an API field
    name to the model column when they differ (e.g. "name" -> "display_name"). A Shaped list
    is compiled once per shape of its inputs (api/compiled.py)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise _invalid("limit", _("limit is between 1 and %(max)s.") % {"max": MAX_LIMIT})
    field, desc = order(qs, ordering, allowed)
    column = (columns or {}).get(field, field)
    order_by = (f"-{column}" if desc else column, f"-{tiebreak}" if desc else tiebreak)
    after = _after(cursor, ordering, column, desc, tiebreak) if cursor else None
    if isinstance(qs, compiled.Shaped):
        rows = _shaped_page(qs, order_by, after, limit)
    else:
        qs = qs.order_by(*order_by)
        if after is not None:
            qs = qs.filter(after)
        rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        position = [ordering, _encode(_get(last, column)), _get(last, tiebreak)]
        next_cursor = signing.dumps(position, salt=_SALT, compress=True)
    return {"items": [out(r) for r in rows], "next_cursor": next_cursor}


def _shaped_page(source: compiled.Shaped, order_by: tuple[str, str], after: Q | None,
                 limit: int) -> list[Any]:
    def build(inputs: tuple[Any, ...]) -> QuerySet[Any]:
        *given, after_q = inputs
        qs = source.build(tuple(given)).order_by(*order_by)
        if after_q is not None:
            qs = qs.filter(after_q)
        return qs[: limit + 1]

    return compiled.rows((source.key, order_by, limit), build, (*source.inputs, after))


_JSON = JSONRenderer()


def page_response(request: HttpRequest, page: dict[str, Any]) -> HttpResponse:
    """A page whose rows `out` built from typed columns, answered as ninja would answer it
    (the same renderer, so the same JSON) but without validating it against the operation's
    response schema first. ninja builds one pydantic model per row to do that, and for a page
    of 50 that was a third of the request. The schema stays declared on the operation (it is
    the documentation), and the schemathesis run (api/tests/test_schema.py) checks that these
    answers keep to it."""
    return HttpResponse(_JSON.render(request, page, response_status=200),
                        content_type=f"{_JSON.media_type}; charset={_JSON.charset}")


def _get(row: Any, name: str) -> Any:
    """A column of a model row, or of a .values() row (lists that need speed use those)."""
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _after(cursor: str, ordering: str, column: str, desc: bool, tiebreak: str) -> Q:
    try:
        made_for, value, last = signing.loads(cursor, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise _invalid("cursor", _("This cursor is not one we gave out.")) from exc
    if made_for != ordering:
        raise _invalid("cursor", _("This cursor was made for another ordering."))
    value = _decode(value)
    op = "lt" if desc else "gt"
    return Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"{tiebreak}__{op}": last})
