"""Queries compiled once per shape of their inputs, for the busiest list (docs/api.md, "Speed").

Django builds and compiles a queryset anew on every request; for a page of people that took
more of the request's time than the database took to answer it. Yet for one *shape* of input
(which filters are set, how many chapters the scope covers, the ordering, the limit) the SQL
text is always the same and only the values differ. So the first request of a shape builds its
query the ordinary way (the selector, from the scope's filter), twice, with two different sets
of placeholder values, and keeps the SQL and where each value lands among its parameters; the
requests after it put their own values in those places and send the same SQL.

What keeps this exact:

- the shape holds everything that is not a value: a Q's connectors, negations and lookups, which
  values are None, empty, zero or false, and the lengths of lists; an input it cannot take apart
  (a subquery, an expression, a model instance) is not compiled ahead, and that request builds
  its query the ordinary way, as does one whose shape fails the checks below;
- the two compilations must give the same SQL, with parameters that differ only where a
  placeholder went in, each placeholder found exactly once and unchanged. A value Django
  transforms (a search's `%...%`, a datetime written as text) fails this, and so does one taken
  from anywhere but the inputs (the clock);
- `build` must make its query from its inputs alone: the people list builds it from the scope's
  filter through core.scope.stand_in_seeing, an actor with nothing else to give;
- the first real request of a shape is also compiled the ordinary way, and the two must agree.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.query import ValuesIterable

Build = Callable[[tuple[Any, ...]], QuerySet[Any]]

# Shapes of a process's lifetime are few (ordering x filters set x limit x scope size); the bound
# only keeps a client that walks through every limit from growing the table without end.
MAX_SHAPES = 512
_SEQUENCES = (list, tuple, set, frozenset)


@dataclass(frozen=True)
class Shaped:
    """A list's query as rows() takes it: `build(inputs)` makes the .values() queryset from
    `inputs` alone; `key` names the list (and so everything about its query not in `inputs`)."""

    key: str
    build: Build
    inputs: tuple[Any, ...]


class _NotShaped(Exception):
    """An input the shape cannot take apart."""


def _scalar_shape(value: Any) -> Hashable | None:
    """A value's shape, or None when the value is kept as a parameter."""
    if value is None or isinstance(value, bool):
        return ("is", value)
    kind = type(value)
    if kind is int or kind is str:
        # Falsy values stay in the shape: code may well branch on them (`if search:`).
        return None if value else ("is", value)
    if kind is datetime and value.tzinfo is not None:
        return None
    raise _NotShaped


def _flatten(value: Any, values: list[Any]) -> Hashable:
    """The shape of `value`; its values, in order, appended to `values`."""
    if isinstance(value, Q):
        children = []
        for child in value.children:
            if isinstance(child, Q):
                children.append(_flatten(child, values))
            elif isinstance(child, tuple) and len(child) == 2 and isinstance(child[0], str):
                children.append((child[0], _flatten(child[1], values)))
            else:
                raise _NotShaped
        return ("Q", value.connector, value.negated, tuple(children))
    if type(value) in _SEQUENCES:
        items = list(value)
        kinds = {type(i) for i in items}
        # Django drops repeats and None from an `in` list: one value, one parameter, or no shape.
        if len(kinds) > 1 or not kinds <= {int, str} or len(set(items)) != len(items):
            raise _NotShaped
        if not all(items):
            raise _NotShaped
        values.extend(items)
        return ("seq", type(value), len(items), next(iter(kinds), None))
    shape = _scalar_shape(value)
    if shape is None:
        values.append(value)
        return ("value", type(value))
    return shape


class _Placeholders:
    """Stand-in values for one compilation, told apart from any real value and from the other
    compilation's (`round`)."""

    def __init__(self, round_: int) -> None:
        self.round = round_
        self.made: list[Any] = []

    def __call__(self, like: Any) -> Any:
        k = len(self.made)
        if type(like) is int:
            value: Any = 7_300_000_000_000 + self.round * 1_000_000 + k
        elif type(like) is str:
            value = f"~nw-placeholder-{self.round}-{k}~"
        else:
            value = datetime(1901, 1, 1, tzinfo=UTC) + timedelta(days=self.round, seconds=k)
        self.made.append(value)
        return value


def _substitute(value: Any, make: _Placeholders) -> Any:
    """`value` with each of its values (as _flatten finds them) replaced by a placeholder."""
    if isinstance(value, Q):
        children: list[Any] = [
            _substitute(c, make) if isinstance(c, Q) else (c[0], _substitute(c[1], make))
            for c in cast(list[Any], value.children)
        ]
        return Q.create(children, connector=value.connector, negated=value.negated)
    if type(value) in _SEQUENCES:
        return type(value)(make(i) for i in value)
    if _scalar_shape(value) is None:
        return make(value)
    return value


@dataclass(frozen=True)
class _Template:
    db: str
    sql: str
    # Per parameter: the index of the input value that goes there, or -1 for a constant.
    slots: tuple[int, ...]
    constants: tuple[Any, ...]
    names: tuple[str, ...]
    col_count: int
    converters: dict[int, Any]

    def params(self, values: list[Any]) -> list[Any]:
        return [values[s] if s >= 0 else c for s, c in zip(self.slots, self.constants,
                                                           strict=True)]


def _compile(qs: QuerySet[Any]) -> tuple[str, list[Any], Any]:
    compiler = qs.query.get_compiler(qs.db)
    sql, params = compiler.as_sql()
    return sql, list(params), compiler


def _make(build: Build, inputs: tuple[Any, ...], values: list[Any]) -> _Template | None:
    """The template for the shape of `inputs`, or None when it cannot be made exactly."""
    rounds = []
    for round_ in (1, 2):
        make = _Placeholders(round_)
        qs = build(tuple(_substitute(i, make) for i in inputs))
        if qs._iterable_class is not ValuesIterable or qs.query.extra_select:
            return None
        sql, params, compiler = _compile(qs)
        rounds.append((make.made, sql, params, compiler, qs))
    (made_a, sql_a, params_a, compiler, qs), (made_b, sql_b, params_b, _c, _q) = rounds
    if sql_a != sql_b or len(params_a) != len(params_b) or len(made_a) != len(values):
        return None
    where_a = {v: i for i, v in enumerate(made_a)}
    where_b = {v: i for i, v in enumerate(made_b)}
    slots: list[int] = []
    constants: list[Any] = []
    for a, b in zip(params_a, params_b, strict=True):
        slot_a, slot_b = where_a.get(a), where_b.get(b)
        if slot_a is not None or slot_b is not None:
            if slot_a != slot_b or slot_a is None:
                return None
            slots.append(slot_a)
            constants.append(None)
        elif a == b and type(a) is type(b):
            slots.append(-1)
            constants.append(a)
        else:
            return None
    if sorted(s for s in slots if s >= 0) != list(range(len(values))):
        return None  # a placeholder dropped, repeated, or changed on its way in
    query = qs.query
    fields = [s[0] for s in compiler.select[: compiler.col_count]]
    return _Template(
        db=qs.db, sql=sql_a, slots=tuple(slots), constants=tuple(constants),
        names=(*query.extra_select, *query.values_select, *query.annotation_select),
        col_count=compiler.col_count, converters=compiler.get_converters(fields),
    )


def _agrees(template: _Template, qs: QuerySet[Any], values: list[Any]) -> bool:
    """The template filled with this request's values is what Django compiles for it (the same
    SQL and parameters; an `in` list's order may differ)."""
    try:
        sql, params, _compiler = _compile(qs)
    except EmptyResultSet:
        return False
    return sql == template.sql and Counter(map(repr, params)) == Counter(
        map(repr, template.params(values)))


_templates: dict[Hashable, _Template | None] = {}
_lock = threading.Lock()


def rows(key: Hashable, build: Build, inputs: tuple[Any, ...]) -> list[dict[str, Any]]:
    """`list(build(inputs))` for a .values() queryset, compiled once per shape of `inputs`
    (under `key`, which names everything about the query that is not in `inputs`)."""
    values: list[Any] = []
    try:
        shape = (key, tuple(_flatten(i, values) for i in inputs))
    except _NotShaped:
        return list(build(inputs))
    template = _templates.get(shape, False)
    if template is False:
        qs = build(inputs)
        try:
            made = _make(build, inputs, values)
        except Exception:  # whatever the placeholders broke: this shape is built as ever
            made = None
        if made is not None and not _agrees(made, qs, values):
            made = None
        with _lock:
            if len(_templates) >= MAX_SHAPES:
                _templates.pop(next(iter(_templates)))
            _templates[shape] = made
        return list(qs)
    if not isinstance(template, _Template):
        return list(build(inputs))
    return _run(template, values)


def _run(template: _Template, values: list[Any]) -> list[dict[str, Any]]:
    connection = connections[template.db]
    with connection.cursor() as cursor:
        cursor.execute(template.sql, template.params(values))
        fetched = cursor.fetchall()
    count, names, converters = template.col_count, template.names, template.converters
    out = []
    for raw in fetched:
        row = list(raw[:count])
        for i, (convert_all, expression) in converters.items():
            for convert in convert_all:
                row[i] = convert(row[i], expression, connection)
        out.append(dict(zip(names, row, strict=True)))
    return out


def forget_all() -> None:
    """For tests: drop every template made so far."""
    with _lock:
        _templates.clear()
