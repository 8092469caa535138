"""Every read about imports, for organizers of the chapter and admins only."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet

from netweave.core.access import require
from netweave.core.ledger import audit
from netweave.core.models import Chapter
from netweave.core.scope import scope_of
from netweave.imports import formats
from netweave.imports.models import ImportRun
from netweave.imports.rows import REASONS


def imports_for(actor: Any, chapter: Chapter | None = None) -> QuerySet[ImportRun]:
    scope = scope_of(actor)
    qs = ImportRun.objects.select_related("chapter", "created_by")
    if not scope.is_admin:
        qs = qs.filter(chapter_id__in=scope.organizer_chapters)
    if chapter is not None:
        qs = qs.filter(chapter=chapter)
    return qs.order_by("-created_at", "-id")


def import_targets() -> list[tuple[str, Any]]:
    """What a column can be imported as: (key, translatable label)."""
    return list(formats.TARGETS.items())


def import_formats() -> list[tuple[str, Any]]:
    return list(formats.FORMAT_CHOICES)


def reason_label(code: str) -> str:
    from django.utils.translation import gettext

    return gettext(REASONS.get(code, code))


def import_report(actor: Any, run: ImportRun) -> dict[str, Any]:
    """Counts, rejected rows per reason, and the first outcomes."""
    require(scope_of(actor).organizes(run.chapter_id))
    return {
        "status": run.status,
        "format": run.source_format,
        "total": run.total_rows,
        "processed": run.processed_rows,
        "created": run.created_count,
        "merged": run.merged_count,
        "unchanged": run.unchanged_count,
        "rejected": run.rejected_count,
        "skipped_blank": max(0, run.processed_rows - run.created_count - run.merged_count
                             - run.unchanged_count - run.rejected_count),
        "progress_percent": run.progress_percent,
        "reasons": sorted(((code, reason_label(code), count)
                           for code, count in (run.reasons or {}).items()),
                          key=lambda r: -r[2]),
        "outcomes": list(run.sample or []),
        "error": run.error,
    }


def rejected_rows_csv(*, actor: Any, run: ImportRun) -> bytes:
    """The rejected rows, original columns and a "reason" column, as CSV to fix and import
    again. Audited as an export (action "export", so the audit log's exports filter lists it):
    the rows may hold contact details. Cells a spreadsheet would run as a formula (starting
    with = + - @, a tab or a carriage return) get a leading apostrophe, as every export does;
    an import reads a phone number's apostrophe away again."""
    from netweave.exports.files import csv_cell
    from netweave.imports.services import rejected_csv_rows, write_csv

    require(scope_of(actor).organizes(run.chapter_id))
    out = io.StringIO()
    header, rows = rejected_csv_rows(run)
    count = write_csv([csv_cell(h) for h in header],
                      ([csv_cell(cell) for cell in row] for row in rows), out)
    audit(actor=actor, action="export", chapter_id=run.chapter_id,
          target=f"import-rejected/{run.public_id}", table="import-rejected", format="csv",
          rows=count, origin="web")
    return out.getvalue().encode("utf-8-sig")


def import_tags(actor: Any, run: ImportRun, limit: int = 50) -> list[str]:
    """The distinct tags in the columns mapped to tags, across the whole file, most frequent
    first (at most `limit`): what the page offers rules for. Tags are compared ignoring case;
    each is shown as it first appears. Reads the stored file once, forwards."""
    from collections import Counter

    from netweave.imports import storage
    from netweave.imports.engine import records
    from netweave.imports.rows import _SPLIT

    require(scope_of(actor).organizes(run.chapter_id))
    columns = [i for i, header in enumerate(run.headers or [])
               if (run.mapping or {}).get(header) == "tags"]
    if not columns:
        return []
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    with storage.open_text(run) as stream:
        reader = records(stream)
        next(reader, None)  # the header
        for cells in reader:
            for index in columns:
                if index >= len(cells):
                    continue
                for tag in _SPLIT.split(cells[index].strip()):
                    if tag:
                        key = tag.casefold()
                        shown.setdefault(key, tag)
                        counts[key] += 1
    return [shown[key] for key, _count in counts.most_common(limit)]
