"""Bulk inserts of the rows an import makes in the largest numbers: people and ledger entries.

Django's bulk_create builds a model instance and a parameter list per row; at 100,000 rows that
is most of an import's time. Here rows are plain dicts (attribute name -> value) turned into
tuples by one converter per column, chosen once: encryption for encrypted columns (as the
field's own get_prep_value does), JSON text for JSON columns, the backend's own adaptation for
dates, times and decimals. They go in with multi-row INSERT statements on SQLite
(core/sqlite_insert.py) and with COPY on PostgreSQL (psycopg 3's `cursor.copy`). Ids are
reserved first, so the caller knows them.
"""

from __future__ import annotations

import base64
import enum
import json
import secrets
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

from netweave.core import crypto, sqlite_insert
from netweave.core.ids import ALPHABET

Converter = Callable[[Any], Any]


def public_ids(count: int) -> list[str]:
    """`count` new public ids, as core.ids.new_public_id makes them (16 characters, 80 random
    bits) but from one read of the system's randomness: 16 secrets.choice calls per id are
    most of the cost of making 100,000 of them. Base32 turns each 10 random bytes into exactly
    16 characters (5 bits each, first bits first), translated into the ids' alphabet."""
    text = base64.b32encode(secrets.token_bytes(10 * count)).translate(_TO_ALPHABET).decode()
    return [text[start:start + 16] for start in range(0, len(text), 16)]


_TO_ALPHABET = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET.encode())


def _converter(field: models.Field) -> Converter | None:
    ops = connection.ops
    if isinstance(field, crypto.EncryptedTextField):
        encrypt = crypto.encryptor()
        return lambda v: encrypt(str(v)) if v else v
    if isinstance(field, models.JSONField):
        # Most list columns of an imported row are empty: no encoder call for those. A
        # JSONText is JSON already (the caller serialised a value many rows share once).
        return lambda v: ("[]" if v == [] else v if isinstance(v, JSONText)
                          else json.dumps(v, cls=field.encoder))
    if isinstance(field, models.DateTimeField):
        return _cached(ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return _cached(ops.adapt_datefield_value)
    if isinstance(field, models.DecimalField):
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    return None


class JSONText(str):
    """A JSON column's value already serialised (with the field's encoder): written as is."""


def json_text(value: Any, field: models.JSONField) -> JSONText:
    return JSONText(json.dumps(value, cls=field.encoder))


def _cached(convert: Converter) -> Converter:
    """A batch's rows share a handful of timestamps: adapt each once."""
    seen: dict[Any, Any] = {}

    def adapted(value: Any) -> Any:
        if value not in seen:
            seen[value] = convert(value)
        return seen[value]

    return adapted


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Ids for `count` new rows. PostgreSQL: from the sequence (safe with other writers).
    SQLite: the transaction holds the write lock (IMMEDIATE), so max(id)+1 onwards is ours."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                           "FROM generate_series(1, %s)", [table, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608  # nosec B608
        start = int(cursor.fetchone()[0]) + 1
        # AUTOINCREMENT never hands out the id of a deleted last row again: neither do we.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        if row is not None:
            start = max(start, int(row[0]) + 1)
        return list(range(start, start + count))


Group = tuple[list[str], list[list[Any]]]


def _groups(model: type[models.Model], rows: Sequence[dict[str, Any]], ids: list[Any] | None
            ) -> list[Group]:
    """The rows as lists of column values, converted for the database, grouped by the keys
    they give: (column names, rows) per group, with the id first when `ids` are given.

    Within a group every row gives the same keys, so its columns are put in that order: a
    row is its ids, its values (only the few that need it converted) and the defaults of
    the columns it does not give, joined as lists rather than set one by one. A column that
    no row gives and whose default is None is left out (the database stores NULL for it all
    the same): an imported person fills 20 of the table's 32 columns, and binding a dozen
    NULLs per row was a quarter of the cost of inserting it."""
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    has_public_id = "public_id" in fields
    fresh = public_ids(len(rows)) if has_public_id else []
    members: dict[tuple[str, ...], list[int]] = {}
    for i, row in enumerate(rows):
        members.setdefault(tuple(row), []).append(i)
    groups = []
    for keys, indexes in members.items():
        given = [k for k in keys if k in fields and k != "public_id"]
        # The columns the group does not give that have a default, each default read once
        # (a callable one, such as a timestamp, gives one value for the whole group).
        rest = [(f, default) for name, f in fields.items()
                if name not in given and name != "public_id"
                and (default := _default(f)) is not None]
        rest_values = [_stored(f, default) for f, default in rest]
        converting = [(j, conv) for j, name in enumerate(given)
                      if (conv := _converter(fields[name])) is not None]
        columns = [*(["id"] if ids is not None else []),
                   *(["public_id"] if has_public_id else []),
                   *(str(fields[name].column) for name in given),
                   *(str(f.column) for f, _default_value in rest)]
        prepared = []
        for i in indexes:
            row = rows[i]
            values = [row[name] for name in given]
            for j, conv in converting:
                if values[j] is not None:
                    values[j] = conv(values[j])
            head = [ids[i]] if ids is not None else []
            if has_public_id:
                head.append(fresh[i])
            prepared.append(head + values + rest_values)
        groups.append((columns, prepared))
    return groups


def _default(field: models.Field) -> Any:
    default = field.get_default()
    return default.value if isinstance(default, enum.Enum) else default  # a choices member


def _stored(field: models.Field, value: Any) -> Any:
    """A (non-None) default as the column stores it."""
    conv = _converter(field)
    return conv(value) if conv is not None else value


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert the rows (attribute name -> value; missing ones take the field's default) and
    return their ids, in order."""
    if not rows:
        return []
    ids = reserve_ids(model, len(rows))
    table = model._meta.db_table
    with connection.cursor() as cursor:
        for columns, prepared in _groups(model, rows, ids):
            if connection.vendor == "postgresql":
                names = ", ".join(f'"{c}"' for c in columns)
                with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for values in prepared:
                        copy.write_row(values)
            else:
                sqlite_insert.insert_many(cursor, table, columns, prepared)
    return ids


def insert_new(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """Insert the rows, skipping those a unique constraint already holds (as bulk_create's
    ignore_conflicts); the database numbers them. SQLite: multi-row INSERTs; PostgreSQL:
    INSERT statements of 1,000 rows (COPY cannot skip conflicts)."""
    if not rows:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        for columns, prepared in _groups(model, rows, None):
            if connection.vendor == "postgresql":
                names = ", ".join(f'"{c}"' for c in columns)
                one = "(" + ", ".join(["%s"] * len(columns)) + ")"
                for start in range(0, len(prepared), 1000):
                    chunk = prepared[start:start + 1000]
                    cursor.execute(
                        f'INSERT INTO "{table}" ({names}) VALUES '  # noqa: S608  # nosec B608
                        f'{", ".join([one] * len(chunk))} ON CONFLICT DO NOTHING',
                        [v for values in chunk for v in values])
            else:
                sqlite_insert.insert_many(cursor, table, columns, prepared, skip_conflicts=True)
