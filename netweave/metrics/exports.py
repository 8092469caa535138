"""Exporting a growth dashboard table: the rows, and the audit row saying who took them.

An export leaves the platform (a spreadsheet, a laptop), and the isolated and recruiters lists
name people, so every export is audited, whatever the table. Discreet people are never in an
export unless it is asked for by name: `person=<public id>` narrows a table that names people
to that one person, discreet or not; without it, discreet (and forgotten) people are left out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
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
from netweave.people.models import Person

FORMATS = ("csv", "json")
# The tables that name people (a person's public id first in each row).
NAMES_PEOPLE = ("isolated", "recruiters")
AUDIT_ACTION = "export"


def growth_export(
    *, actor: Any, chapter: Chapter, table: str, fmt: str, as_of: date, person: str = "",
) -> Table:
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
    if table in NAMES_PEOPLE:
        rows = _only_exportable(rows, person)
    extra = {"person": person} if person else {}
    audit(actor=actor, action=AUDIT_ACTION, chapter_id=chapter.pk, target=f"growth/{table}",
          format=fmt, rows=len(rows.rows), as_of=as_of.isoformat(), **extra)
    return rows


def _only_exportable(rows: Table, person: str) -> Table:
    """The rows of the one person asked for by name (public id), or every row but those of
    discreet and forgotten people. The person id is each row's first column."""
    if person:
        kept = [row for row in rows.rows if row[0] == person]
    else:
        ids = [row[0] for row in rows.rows]
        hidden = set(Person.objects.filter(public_id__in=ids).filter(
            Q(discreet=True) | Q(forgotten_at__isnull=False)).values_list("public_id", flat=True))
        kept = [row for row in rows.rows if row[0] not in hidden]
    return Table(rows.name, rows.headers, kept)
