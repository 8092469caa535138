"""`netweave backup` / `netweave restore`: every table, in one consistent snapshot, encrypted.

Every table of every installed app's models (auto-created many-to-many tables included) is read
with raw SQL, so values go into the archive exactly as stored: encrypted fields stay ciphertext,
never decrypted on the way out or encrypted twice on the way back. PostgreSQL tables travel as
COPY text (fast, exact for every column type); SQLite rows as JSON arrays of SQLite's own values.

The snapshot is one transaction: REPEATABLE READ on PostgreSQL (one snapshot for all tables),
and on SQLite a read transaction, which sees one snapshot in WAL mode. Rows are streamed in
chunks, so memory stays bounded whatever the size.

A restore goes into a migrated database at the same migrations as the archive, of the same
kind (SQLite or PostgreSQL), in one transaction: the tables are emptied, the rows loaded, the
sequences reset. Any error (a tampered chunk found half-way included) rolls it all back.
Foreign keys are DEFERRABLE INITIALLY DEFERRED in Django's schema on both databases, so tables
load in any order and are checked at commit.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from netweave.core.archive import CHUNK, ArchiveError, ArchiveReader, ArchiveWriter, Secret

FORMAT = 1
ROWS_PER_FRAME = 2000
COPY_FRAME = 256 * 1024
HEADER, TABLE, ROWS, COPY, END, DONE = b"H", b"T", b"R", b"C", b"E", b"Z"
# A database holding any of these is in use: restore refuses it unless forced. (Migrations fill
# only content types, permissions and the starter catalog.)
IN_USE = ("auth.User", "core.Chapter", "people.Person")


class RestoreRefused(ArchiveError):
    """The archive is fine but this database cannot take it; nothing was changed."""


@dataclass
class Table:
    model: Any
    name: str
    columns: list[str]


@dataclass
class Summary:
    tables: int = 0
    rows: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def tables() -> list[Table]:
    """Every table of every installed model, in a fixed order."""
    seen: dict[str, Table] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table not in seen:
            columns = [str(f.column) for f in meta.local_concrete_fields]
            seen[meta.db_table] = Table(model, meta.db_table, columns)
    return [seen[name] for name in sorted(seen)]


def migration_state(using: str = "default") -> list[str]:
    applied = MigrationRecorder(connections[using]).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def _select(connection: Any, table: Table) -> str:
    quote = connection.ops.quote_name
    # On SQLite, `+column` (a no-op) hides the declared type, so Django's converters (datetime,
    # decimal, bool) leave the stored value as it is.
    plus = "+" if connection.vendor == "sqlite" else ""
    columns = ", ".join(plus + quote(c) for c in table.columns)
    # Table and column names come from the models' metadata, never from input.
    return f"SELECT {columns} FROM {quote(table.name)}"  # noqa: S608  # nosec B608


# --- backup ------------------------------------------------------------------------------------


def backup(out: IO[bytes], secret: Secret, *, using: str = "default",
           chunk: int = CHUNK) -> Summary:
    """Write an encrypted archive of every table to `out` (in encrypted chunks of `chunk`
    compressed bytes)."""
    started, summary = time.monotonic(), Summary()
    connection = connections[using]
    writer = ArchiveWriter(out, secret, chunk=chunk)
    # Inside someone else's transaction (a test's), its snapshot is the one we get.
    nested = connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and not nested:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        header = {"format": FORMAT, "vendor": connection.vendor,
                  "created": datetime.now(UTC).isoformat(),
                  "migrations": migration_state(using),
                  "tables": [t.name for t in tables()]}
        writer.frame(HEADER, json.dumps(header).encode())
        for table in tables():
            meta = {"table": table.name, "columns": table.columns}
            writer.frame(TABLE, json.dumps(meta).encode())
            dump = _dump_copy if connection.vendor == "postgresql" else _dump_rows
            count = dump(connection, table, writer)
            writer.frame(END, json.dumps({"table": table.name, "rows": count}).encode())
            summary.counts[table.name] = count
    writer.frame(DONE, json.dumps({"tables": len(summary.counts)}).encode())
    writer.close()
    summary.tables, summary.rows = len(summary.counts), sum(summary.counts.values())
    summary.seconds = time.monotonic() - started
    return summary


def _encode(value: Any) -> Any:
    # SQLite hands back int, float, str, None or bytes; only bytes need a JSON form.
    if isinstance(value, bytes | memoryview):
        return {"b": base64.b64encode(bytes(value)).decode()}
    raise TypeError(f"unexpected SQLite value {type(value).__name__}")


def _decode(row: list[Any]) -> list[Any]:
    return [base64.b64decode(v["b"]) if isinstance(v, dict) else v for v in row]


def _dump_rows(connection: Any, table: Table, writer: ArchiveWriter) -> int:
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(_select(connection, table))
        while rows := cursor.fetchmany(ROWS_PER_FRAME):
            writer.frame(ROWS, json.dumps(rows, default=_encode).encode())
            count += len(rows)
    return count


def _dump_copy(connection: Any, table: Table, writer: ArchiveWriter) -> int:
    count, buf = 0, bytearray()
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY ({_select(connection, table)}) TO STDOUT"
    ) as copy:
        for block in copy:
            buf += block
            if len(buf) >= COPY_FRAME:
                count += buf.count(b"\n")  # COPY text escapes newlines inside values
                writer.frame(COPY, bytes(buf))
                buf.clear()
    if buf:
        count += buf.count(b"\n")
        writer.frame(COPY, bytes(buf))
    return count


# --- restore -----------------------------------------------------------------------------------


def in_use(using: str = "default") -> bool:
    return any(apps.get_model(label).objects.using(using).exists() for label in IN_USE)


def restore(src: IO[bytes], secret: Secret, *, using: str = "default",
            force: bool = False) -> Summary:
    """Load an archive into this database, replacing every table; all or nothing."""
    started = time.monotonic()
    frames = ArchiveReader(src, secret).frames()
    kind, payload = next(frames)
    if kind != HEADER:
        raise ArchiveError("The archive does not start with its header.")
    _check_header(json.loads(payload), using)
    if not force and in_use(using):
        raise RestoreRefused("This database already holds data (accounts, chapters or people). "
                             "Restore into an empty, migrated database, or use --force to "
                             "replace everything in it.")
    with transaction.atomic(using=using):
        summary = _load(frames, using)
    summary.seconds = time.monotonic() - started
    return summary


def _check_header(header: dict[str, Any], using: str) -> None:
    connection = connections[using]
    if header.get("format") != FORMAT:
        raise RestoreRefused(f"Backup format {header.get('format')!r}; this netweave restores "
                             f"format {FORMAT}.")
    if header["vendor"] != connection.vendor:
        raise RestoreRefused(f"This archive was made from {header['vendor']}; this database is "
                             f"{connection.vendor}. Restore into the same kind of database.")
    mine, theirs = set(migration_state(using)), set(header["migrations"])
    if mine != theirs:
        missing, extra = sorted(theirs - mine), sorted(mine - theirs)
        raise RestoreRefused(
            "The archive and this database are at different migrations "
            f"(the archive has {', '.join(missing[:5]) or 'none'} that this database lacks; "
            f"this database has {', '.join(extra[:5]) or 'none'} that the archive lacks). "
            "Restore with the netweave version that made the archive, then upgrade.")
    unknown = set(header["tables"]) ^ {t.name for t in tables()}
    if unknown:
        raise RestoreRefused(f"The archive's tables differ from this installation's: "
                             f"{', '.join(sorted(unknown)[:5])}.")


def _flush(connection: Any) -> None:
    names = [t.name for t in tables()]
    # Every table is emptied, so nothing needs cascading; on SQLite, asking for it would make
    # Django read the schema's references with a regular expression per row (seconds).
    statements = connection.ops.sql_flush(no_style(), names, reset_sequences=False,
                                          allow_cascade=connection.vendor == "postgresql")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with deferred checks still pending (rows written earlier
            # in the same transaction): run those checks now, then defer again for the load.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in statements:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _load(frames: Iterator[tuple[bytes, bytes]], using: str) -> Summary:
    connection = connections[using]
    by_name = {t.name: t for t in tables()}
    _flush(connection)
    summary, table, count = Summary(), None, 0
    with connection.cursor() as cursor:
        for kind, payload in frames:
            if kind == TABLE:
                meta = json.loads(payload)
                table, count = by_name[meta["table"]], 0
                if meta["columns"] != table.columns:
                    raise RestoreRefused(f"The columns of {table.name} differ from the archive's.")
            elif kind == ROWS and table is not None:
                count += _insert_rows(connection, cursor, table, json.loads(payload))
            elif kind == COPY and table is not None:
                count += _insert_copy(connection, cursor, table, payload)
            elif kind == END and table is not None:
                if json.loads(payload)["rows"] != count:
                    raise ArchiveError(f"{table.name}: {count} rows read, the archive "
                                       "says otherwise.")
                summary.counts[table.name], table = count, None
            elif kind == DONE:
                # Read on to the end: the last chunk's checks (nothing after it) run there.
                if next(frames, None) is not None:
                    raise ArchiveError("The archive has records after its end.")
                break
            else:
                raise ArchiveError("The archive's records are out of order.")
        else:
            raise ArchiveError("The archive ends before its last table.")
        _reset_sequences(connection, cursor)
    summary.tables, summary.rows = len(summary.counts), sum(summary.counts.values())
    return summary


def _insert_rows(connection: Any, cursor: Any, table: Table, rows: list[list[Any]]) -> int:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in table.columns)
    marks = ", ".join(["%s"] * len(table.columns))
    # Names from the models' metadata; values are parameters.
    sql = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})"  # noqa: S608  # nosec B608
    cursor.executemany(sql, [_decode(row) for row in rows])
    return len(rows)


def _insert_copy(connection: Any, cursor: Any, table: Table, data: bytes) -> int:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in table.columns)
    with cursor.cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
        copy.write(data)
    return data.count(b"\n")


def _reset_sequences(connection: Any, cursor: Any) -> None:
    """PostgreSQL: the next id after the highest restored one (SQLite's AUTOINCREMENT follows
    the rows by itself)."""
    for sql in connection.ops.sequence_reset_sql(no_style(), [t.model for t in tables()]):
        cursor.execute(sql)
