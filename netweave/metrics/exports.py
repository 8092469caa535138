"""Exporting a growth dashboard table: the rows, and the audit row saying who took them.

An export leaves the platform (a spreadsheet, a laptop), and the isolated and recruiters lists
name people, so every export is audited, whatever the table.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404

from netweave.core.ledger import audit
from netweave.core.models import Chapter
from netweave.metrics.dashboard import (
    TABLES,
    Table,
    dashboard_table,
    growth_dashboard_for,
    isolated_table,
    recruiters_table,
    require_growth_chapters,
)

FORMATS = ("csv", "json")
AUDIT_ACTION = "export"


def growth_export(*, actor: Any, chapter: Chapter, table: str, fmt: str, as_of: date) -> Table:
    """The table's rows for the chapter (which access_growth_chapter let the actor see), and
    an audit row. Unknown table or format: 404."""
    if table not in TABLES or fmt not in FORMATS:
        raise Http404
    if table == "isolated":
        require_growth_chapters(actor, [chapter.pk])
        rows = isolated_table([chapter.pk], as_of)
    elif table == "recruiters":
        require_growth_chapters(actor, [chapter.pk])
        rows = recruiters_table(actor, chapter.pk)
    else:
        rows = dashboard_table(growth_dashboard_for(actor, [chapter.pk], as_of), table)
    audit(actor=actor, action=AUDIT_ACTION, chapter_id=chapter.pk, target=f"growth/{table}",
          format=fmt, rows=len(rows.rows), as_of=as_of.isoformat())
    return rows
