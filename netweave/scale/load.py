"""Loading millions of rows through the database's own bulk path.

SQLite: the raw connection's `executemany` inside one transaction per table (150k-570k rows/s,
DESIGN.md). PostgreSQL: COPY FROM STDIN through psycopg 3. Both inside Django's transaction
handling (`atomic`), so a failure leaves the tables as they were, and both with the table's
secondary indexes (and, on PostgreSQL, foreign keys) dropped for the load and rebuilt after:
building an index once from sorted data is much cheaper than updating it per row, and
re-adding a foreign key checks every row in one join instead of one trigger per row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model


@dataclass(frozen=True)
class Timing:
    table: str
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


class Loader:
    def __init__(self, *, batch: int, report: Callable[[str], None]) -> None:
        self.batch = batch
        self.report = report
        self.vendor = connection.vendor

    def load(self, model: type[Model], columns: tuple[str, ...], rows: Iterable[tuple],
             expected: int) -> Timing:
        table = model._meta.db_table
        started = time.perf_counter()
        with transaction.atomic(), self._bare(table):
            written = self._write(table, columns, rows, expected, started)
        timing = Timing(table, written, time.perf_counter() - started)
        self.report(f"  {table}: {timing.rows:,} rows in {timing.seconds:.1f} s "
                    f"({timing.rate:,.0f} rows/s, indexes included)")
        return timing

    def _write(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple],
               expected: int, started: float) -> int:
        written = 0
        for chunk in _chunks(iter(rows), self.batch):
            if self.vendor == "postgresql":
                _copy(table, columns, chunk)
            else:
                _executemany(table, columns, chunk)
            written += len(chunk)
            self._progress(table, written, expected, started)
        return written

    def _progress(self, table: str, written: int, expected: int, started: float) -> None:
        # About ten lines a table, whatever the batch size.
        step = max(self.batch, expected // 10)
        if written % step < self.batch and written < expected:
            elapsed = time.perf_counter() - started
            self.report(f"  {table}: {written:,}/{expected:,} ({written / elapsed:,.0f} rows/s)")

    @contextmanager
    def _bare(self, table: str) -> Iterator[None]:
        """The table without secondary indexes (and foreign keys on PostgreSQL) while loading."""
        if self.vendor == "postgresql":
            with _pg_bare(table):
                yield
        else:
            with _sqlite_bare(table):
                yield


def _chunks(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _executemany(table: str, columns: tuple[str, ...], chunk: list[tuple]) -> None:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    # Django's cursor wrapper adds per-row work (param translation, query logging); the
    # sqlite3 connection underneath takes the whole batch in C.
    raw: Any = connection.connection
    # Table and column names come from the models, never from input.
    raw.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', chunk)  # noqa: S608  # nosec B608


def _copy(table: str, columns: tuple[str, ...], chunk: list[tuple]) -> None:
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(
        f'COPY "{table}" ({names}) FROM STDIN'
    ) as copy:
        for row in chunk:
            copy.write_row(row)


SQLITE_LOAD_CACHE_KIB = 512 * 1024


@contextmanager
def _sqlite_bare(table: str) -> Iterator[None]:
    with connection.cursor() as cursor:
        # The default 2 MB page cache spills to the WAL mid-transaction, and every later page
        # read then searches a WAL of gigabytes: the load slowed from ~180k to ~95k rows/s.
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_LOAD_CACHE_KIB}")
        # Indexes Django created (sql is NULL for the ones behind UNIQUE columns: they stay).
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                       "AND tbl_name = %s AND sql IS NOT NULL", [table])
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)
        cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")


PG_INDEXES = """
SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
WHERE x.indrelid = %s::regclass
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
"""
PG_FOREIGN_KEYS = """
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = %s::regclass AND contype = 'f'
"""


@contextmanager
def _pg_bare(table: str) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(PG_INDEXES, [table])
        indexes = cursor.fetchall()
        cursor.execute(PG_FOREIGN_KEYS, [table])
        keys = cursor.fetchall()
        for name, _definition in keys:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in keys:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def finish(models: list[type[Model]]) -> None:
    """Make later inserts through the ORM work, and give the planner fresh statistics.

    Rows were written with explicit ids, so PostgreSQL's sequences still stand at the start;
    Django's own reset SQL moves each to the table's max(id) (SQLite needs nothing: it takes
    max(rowid) + 1).
    """
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
