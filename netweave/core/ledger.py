"""Appending to the contribution ledger and the audit log. Called by services only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from netweave.core.models import AuditEntry, Contribution

Kind = Contribution.Kind


def record(
    *,
    kind: str,
    chapter_id: int,
    actor: Any = None,
    person: Any = None,
    network: Any = None,
    occurred_at: datetime | None = None,
    amount: int = 1,
    data: dict[str, Any] | None = None,
    campaign: Any = None,
    **subjects: Any,
) -> Contribution:
    """Append one contribution. `subjects` are subject_person, subject_network, task, event,
    outreach. The campaign, when not given, is the task's or the event's: work done for a
    campaign is credited to it without every caller having to remember."""
    entry = Contribution.objects.create(
        chapter_id=chapter_id,
        kind=kind,
        person=person,
        network=network,
        occurred_at=occurred_at or timezone.now(),
        amount=amount,
        data=data or {},
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        campaign_id=_campaign_id(campaign, subjects),
        **subjects,
    )
    _touch(person, network, entry.occurred_at)
    return entry


def _campaign_id(campaign: Any, subjects: dict[str, Any]) -> int | None:
    if campaign is not None:
        return int(campaign.pk)
    for name in ("task", "event"):
        row = subjects.get(name)
        if row is not None and row.campaign_id is not None:
            return int(row.campaign_id)
    return None


def _touch(person: Any, network: Any, when: datetime) -> None:
    """Keep last_activity_at current so lists can show who has gone quiet."""
    for row in (person, network):
        if row is None:
            continue
        if row.last_activity_at is None or row.last_activity_at < when:
            row.last_activity_at = when
            type(row).objects.filter(pk=row.pk).update(last_activity_at=when)


def audit(
    *, actor: Any, action: str, chapter_id: int | None = None, target: str = "",
    **detail: Any,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        chapter_id=chapter_id,
        action=action,
        target=target,
        detail=detail,
    )
