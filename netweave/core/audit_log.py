"""Reading the audit log: the organizers' review page and its CSV download (docs/privacy.md).

Organizers read their chapters' rows, admins every row (also those of no chapter: account
flags, key rotation, the retention run). The download is an export like any other, so it
writes an audit row of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from netweave.core.ledger import audit
from netweave.core.models import AuditEntry, Chapter
from netweave.core.scope import scope_of

# At most this many rows in one download: a month of a busy chapter, with room to spare.
EXPORT_LIMIT = 50_000
CSV_HEADERS = ["at", "chapter", "actor", "action", "target", "via", "ip_address", "user_agent",
               "detail"]


@dataclass(frozen=True)
class AuditFilter:
    """What the page narrows the log to; empty values mean "any"."""

    action: str = ""
    actor: str = ""  # a username, exactly (case-insensitive), or "system"
    since: date | None = None
    until: date | None = None
    chapter: Chapter | None = None

    def as_params(self) -> dict[str, str]:
        return {k: v for k, v in {
            "action": self.action, "actor": self.actor,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "chapter": self.chapter.public_id if self.chapter else "",
        }.items() if v}


def require_audit_reader(actor: Any) -> None:
    scope = scope_of(actor)
    if not (scope.is_admin or scope.organizer_chapters):
        raise PermissionDenied


def audit_entries_for(actor: Any, filters: AuditFilter = AuditFilter()) -> QuerySet[AuditEntry]:
    """The rows the actor may review, newest first, narrowed by `filters`."""
    require_audit_reader(actor)
    scope = scope_of(actor)
    qs = AuditEntry.objects.select_related("actor", "chapter")
    if not scope.is_admin:
        qs = qs.filter(chapter_id__in=scope.organizer_chapters)
    if filters.chapter is not None:
        qs = qs.filter(chapter=filters.chapter)
    if filters.action:
        # "contacts" finds contacts.read; "contacts.read" only that one.
        qs = qs.filter(Q(action=filters.action) | Q(action__startswith=f"{filters.action}."))
    # The page shows "system" in the viewer's language, so the word typed back may be either.
    if filters.actor.lower() in {"system", str(gettext("system")).lower()}:
        qs = qs.filter(actor__isnull=True)
    elif filters.actor:
        qs = qs.filter(actor__username__iexact=filters.actor)
    if filters.since:
        qs = qs.filter(at__gte=_start_of(filters.since))
    if filters.until:
        qs = qs.filter(at__lt=_start_of(filters.until + timedelta(days=1)))
    return qs.order_by("-at", "-id")


def audit_actions_for(actor: Any) -> list[str]:
    """The actions that occur in the rows the actor may review, for the filter's choices."""
    return sorted(set(audit_entries_for(actor).order_by().values_list("action", flat=True)
                      .distinct()))


def audit_chapters_for(actor: Any) -> QuerySet[Chapter]:
    return Chapter.objects.filter(scope_of(actor).chapter_ids())


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_log_export(*, actor: Any, filters: AuditFilter) -> list[list[Any]]:
    """The filtered rows for a CSV download (newest first, at most EXPORT_LIMIT), and the audit
    row that says who took them, with which filters."""
    rows = [_csv_row(e) for e in audit_entries_for(actor, filters)[:EXPORT_LIMIT]]
    chapter_id = filters.chapter.pk if filters.chapter else scope_of(actor).home_chapter_id
    audit(actor=actor, action="export", chapter_id=chapter_id, target="audit-log",
          format="csv", rows=len(rows), filters=filters.as_params())
    return rows


def _csv_row(e: AuditEntry) -> list[Any]:
    return [e.at.isoformat(), e.chapter.slug if e.chapter else "",
            e.actor.get_username() if e.actor else "system", e.action, e.target, e.via,
            e.ip_address or "", e.user_agent, e.detail]
