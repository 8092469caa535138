"""Everything netweave holds about the signed-in person, for their own data page and download.

One function, `own_data_for(actor)`, gathers it in a fixed order of sections; the page shows it
and the download is the same data as JSON. Contact values are read through
`people.contacts.channels_read` (audited, like every read); the download is an export and is
audited too (`own_data_export`). Only the person themselves: there is no way to ask for anyone
else's, so there is nothing to scope beyond `scope_of(actor).person`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from netweave.core.ledger import audit
from netweave.core.models import AuditEntry, Contribution
from netweave.core.scope import scope_of
from netweave.people.contacts import channels_read
from netweave.people.models import CoachingPair, DeletionRequest, Person, StageChange

# How a key is shown on the page (the download keeps the keys themselves).
LABELS = {
    "name": _("Name"), "id": _("Id"), "chapter": _("Chapter"), "account": _("Account"),
    "joined_at": _("Came in"), "stage": _("Stage"), "place": _("Place"),
    "social_grouping": _("Social grouping"), "hours_per_week": _("Hours a week"),
    "availability": _("When"), "constraints": _("Constraints"), "languages": _("Languages"),
    "interests": _("Interests"), "discreet": _("Discreet"), "visibility": _("Public-facing"),
    "source": _("How"), "referral_code": _("Referral code"), "brought_by": _("Brought by"),
    "network": _("Network"), "event": _("Event"), "outreach": _("Outreach"),
    "kind": _("Kind"), "value": _("Value"), "preferred": _("Preferred"),
    "role": _("Role"), "joined_on": _("Joined"), "left_on": _("Left"),
    "task": _("Task"), "status": _("Status"), "due_on": _("Due"), "note": _("Note"),
    "report": _("Report"), "report_note": _("Report note"), "offered_at": _("Offered"),
    "starts_at": _("Starts"), "rsvp": _("RSVP"), "attended": _("Attended"),
    "occurred_at": _("When"), "about_you": _("About you, by someone else"),
    "amount": _("Amount"), "at": _("When"), "from_stage": _("From"), "to_stage": _("To"),
    "owner": _("Who follows up with you"), "due": _("Follow up by"), "notes": _("Notes"),
    "reason": _("Reason"), "channel": _("Channel"), "created_at": _("Created"),
    "sent_at": _("Sent"), "coach": _("Coach"), "coached": _("Person you coach"),
    "started_on": _("Started"), "ended_on": _("Ended"), "resource": _("Resource"),
    "how": _("What you did"), "occurred_on": _("When"), "action": _("What"),
    "requested_at": _("Asked on"), "handled_at": _("Handled on"), "location": _("Where"),
    "started_at": _("When"),
}
SECTION_TITLES = {
    "profile": _("Profile and situation"), "came_in": _("How you came in"),
    "contact_channels": _("Contact channels"), "memberships": _("Networks"),
    "tasks": _("Tasks"), "events": _("Events"), "outreach": _("Outreach"),
    "ledger": _("What you did, as the ledger records it"),
    "stage_history": _("Your moves on the ladder"), "followup": _("Follow-up"),
    "notifications": _("Messages sent to you"), "coaching": _("Coaching"),
    "learning": _("Learning"), "reads": _("Who looked at your details, and when"),
    "deletion_requests": _("Your requests to be deleted"),
}


@dataclass
class Section:
    key: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(SECTION_TITLES[self.key])

    def labelled(self) -> list[list[tuple[str, str]]]:
        """Each row as (label, text) pairs, for the page."""
        return [[(str(LABELS.get(k, k)), _text(v)) for k, v in row.items()]
                for row in self.rows]


@dataclass
class OwnData:
    person: Person
    sections: list[Section]

    def as_json(self) -> dict[str, Any]:
        """Plain JSON: dates as ISO strings."""
        return {"person": self.person.public_id,
                **{s.key: [{k: _plain(v) for k, v in row.items()} for row in s.rows]
                   for s in self.sections}}


def _text(value: Any) -> str:
    if value is True or value is False:
        return str(_("yes") if value else _("no"))
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def own_person(actor: Any) -> Person:
    """The signed-in person; someone without a person row has nothing held here to show."""
    person = scope_of(actor).person
    if person is None:
        raise PermissionDenied
    return person


def own_data_for(actor: Any, *, purpose: str = "own data page") -> OwnData:
    person = own_person(actor)
    sections = [
        Section("profile", [_profile(person)]),
        Section("came_in", [_came_in(person)]),
        Section("contact_channels", [
            {"kind": c.kind_label, "value": c.value, "preferred": c.preferred}
            for c in channels_read(actor=actor, person=person, purpose=purpose)]),
        Section("memberships", _memberships(person)),
        Section("tasks", _tasks(person)),
        Section("events", _events(person)),
        Section("outreach", _outreach(person)),
        Section("ledger", _ledger(person)),
        Section("stage_history", [
            {"at": s.at, "from_stage": s.get_from_stage_display(),
             "to_stage": s.get_to_stage_display()}
            for s in StageChange.objects.filter(person=person).order_by("at", "id")]),
        Section("followup", [_followup(person)]),
        Section("notifications", _notifications(person)),
        Section("coaching", _coaching(person)),
        Section("learning", _learning(person)),
        Section("reads", _reads(person)),
        Section("deletion_requests", [
            {"requested_at": r.requested_at, "status": r.get_status_display(),
             "handled_at": r.handled_at, "reason": r.reason}
            for r in DeletionRequest.objects.filter(person=person)]),
    ]
    return OwnData(person, sections)


def own_data_export(*, actor: Any) -> OwnData:
    """The download: the same data, and an audit row saying it left the platform."""
    data = own_data_for(actor, purpose="own data download")
    audit(actor=actor, action="export", chapter_id=data.person.chapter_id,
          target=f"own-data/{data.person.public_id}", format="json")
    return data


def _profile(p: Person) -> dict[str, Any]:
    return {
        "name": p.display_name, "id": p.public_id, "chapter": p.chapter.name,
        "account": p.user.get_username() if p.user else "", "joined_at": p.joined_at,
        "stage": p.get_stage_display(), "place": p.place.name if p.place else "",
        "social_grouping": p.social_grouping, "hours_per_week": str(p.hours_per_week),
        "availability": p.availability, "constraints": p.constraints,
        "languages": p.languages, "interests": p.interests, "discreet": p.discreet,
        "visibility": p.get_visibility_display(),
    }


def _came_in(p: Person) -> dict[str, Any]:
    brought_by = p.brought_by
    return {
        "source": p.get_source_display(),
        "referral_code": p.referral_code.code if p.referral_code else "",
        # Whoever brought them in, unless that person is discreet (their name is theirs).
        "brought_by": brought_by.display_name if brought_by and not brought_by.discreet
        and brought_by.forgotten_at is None else "",
        "network": p.source_network.name if p.source_network else "",
        "event": p.source_event.title if p.source_event else "",
        "outreach": str(p.source_outreach.started_at.date()) if p.source_outreach else "",
    }


def _memberships(p: Person) -> list[dict[str, Any]]:
    return [{"network": m.network.name, "role": m.get_role_display(), "joined_on": m.joined_on,
             "left_on": m.left_on}
            for m in p.memberships.select_related("network").order_by("joined_on", "id")]


def _tasks(p: Person) -> list[dict[str, Any]]:
    return [{"task": t.playbook.title, "status": t.get_status_display(), "due_on": t.due_on,
             "offered_at": t.offered_at, "note": t.note, "report": t.report,
             "report_note": t.report_note}
            for t in p.tasks.select_related("playbook").order_by("offered_at", "id")]


def _events(p: Person) -> list[dict[str, Any]]:
    return [{"event": a.event.title, "starts_at": a.event.starts_at,
             "rsvp": a.get_rsvp_display(), "attended": a.attended}
            for a in p.attendances.select_related("event").order_by("event__starts_at")]


def _outreach(p: Person) -> list[dict[str, Any]]:
    return [{"started_at": o.started_at, "location": o.location}
            for o in p.outreach_sessions.order_by("started_at")]


def _ledger(p: Person) -> list[dict[str, Any]]:
    rows = (Contribution.objects.filter(Q(person=p) | Q(subject_person=p))
            .select_related("network").order_by("occurred_at", "id"))
    return [{"occurred_at": c.occurred_at, "kind": c.get_kind_display(),
             "network": c.network.name if c.network else "", "amount": c.amount,
             "about_you": c.person_id != p.pk} for c in rows]


def _followup(p: Person) -> dict[str, Any]:
    return {"status": p.get_followup_status_display(),
            "owner": p.followup_owner.get_username() if p.followup_owner else "",
            "due": p.followup_due, "notes": p.notes}


def _notifications(p: Person) -> list[dict[str, Any]]:
    from netweave.notify.models import Notification

    rows = Notification.objects.filter(Q(person=p) | Q(user_id=p.user_id) if p.user_id
                                       else Q(person=p))
    return [{"reason": n.get_reason_display(), "channel": n.channel,
             "status": n.get_status_display(), "created_at": n.created_at,
             "sent_at": n.sent_at} for n in rows.order_by("created_at", "id")]


def _coaching(p: Person) -> list[dict[str, Any]]:
    pairs = CoachingPair.objects.filter(Q(coach=p) | Q(coached=p)).select_related(
        "coach", "coached")
    return [{"coach": c.coach.display_name, "coached": c.coached.display_name,
             "started_on": c.started_on, "ended_on": c.ended_on} for c in pairs]


def _learning(p: Person) -> list[dict[str, Any]]:
    from netweave.learning.models import Engagement

    rows = Engagement.objects.filter(person=p).select_related("resource")
    return [{"resource": e.resource.title, "how": e.get_how_display(),
             "occurred_on": e.occurred_on} for e in rows.order_by("occurred_on", "id")]


def _reads(p: Person) -> list[dict[str, Any]]:
    """The audit rows about them: what was done (reading their contacts, changing their
    record) and when; not who, nor from where (that is the organizers' audit log)."""
    rows = AuditEntry.objects.filter(target=p.public_id).order_by("at", "id")
    return [{"at": a.at, "action": a.action} for a in rows.only("at", "action")]
