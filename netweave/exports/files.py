"""Writing a table as CSV or JSON, a piece at a time, so a big table never sits in memory.

Also the spreadsheet-formula guard every CSV netweave writes goes through (the growth tables
and "Your data" use it too).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

FORMATS = ("csv", "json")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
# Rows per piece sent: big enough that a piece is a few tens of kilobytes, not one per row.
ROWS_PER_PIECE = 500
# From this many rows on, a download is streamed; below, it is sent in one piece.
STREAM_FROM = 1000

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def plain(value: Any) -> Any:
    """A value JSON and CSV both take: dates as ISO 8601, decimals as numbers."""
    # Called on every cell of every row: the exact-type test is the cheap one.
    kind = type(value)
    if kind is datetime or kind is date:
        return value.isoformat()
    if kind is Decimal:
        return float(value)
    return value


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return csv_cell(value)


def csv_pieces(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for n, row in enumerate(rows, 1):
        writer.writerow([_csv_value(v) for v in row])
        if n % ROWS_PER_PIECE == 0:
            yield _take(out)
    yield _take(out)


def json_pieces(meta: dict[str, Any], headers: Sequence[str],
                rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """One JSON document, {...meta, "columns": [...], "rows": [{column: value}, ...]}, written
    as it goes: the opening, then the rows a piece at a time, then the closing bracket."""
    head = json.dumps({**meta, "columns": list(headers)}, ensure_ascii=False)
    yield head[:-1] + ', "rows": ['
    out = io.StringIO()
    for n, row in enumerate(rows):
        if n:
            out.write(",")
        out.write(json.dumps(dict(zip(headers, row, strict=True)), ensure_ascii=False))
        if (n + 1) % ROWS_PER_PIECE == 0:
            yield _take(out)
    out.write("]}\n")
    yield _take(out)


def _take(out: io.StringIO) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text


def pieces(fmt: str, meta: dict[str, Any], headers: Sequence[str],
           rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    if fmt == "csv":
        return csv_pieces(headers, rows)
    return json_pieces(meta, headers, rows)
