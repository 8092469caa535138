"""Every write about learning: resources and guides (organizers), engagements (each person
for themselves), discussion sessions (whoever runs the network).

Each engagement is also a RESOURCE_ENGAGED ledger entry, so the ladder (people.ladder.ACTIONS)
and the metrics (network health's "learning together") see it. Resource and guide changes are
not contributions: they write an audit row.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.conf import global_settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.core.access import require
from netweave.core.ledger import Kind, audit, record
from netweave.core.models import Chapter
from netweave.core.scope import scope_of
from netweave.learning.access import may_manage
from netweave.learning.models import DiscussionSession, Engagement, Guide, Resource
from netweave.networks.models import Membership, Network
from netweave.people.ladder import refresh_stage
from netweave.people.models import Person

RESOURCE_FIELDS = ("kind", "title", "url", "minutes", "language", "summary")
GUIDE_FIELDS = ("title", "minutes", "steps", "questions")
# Every language Django knows by code: resources come in more languages than the interface.
LANGUAGE_CODES = frozenset(code for code, _name in global_settings.LANGUAGES)
MAX_MINUTES = 24 * 60
MAX_PEOPLE = 100_000
MAX_TEXT = 4000
MAX_ITEMS = 40
MAX_ITEM = 500
# Links are opened by people on their phones: only web links, never javascript: or file:.
_web_link = URLValidator(schemes=["http", "https"])
How = Engagement.How


# --- checks ----------------------------------------------------------------------------------


def _whole(value: Any, low: int, high: int) -> int | None:
    """`value` as a whole number from low to high, or None when it is not one."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high and str(number) == str(value).strip() else None


def _check_link(url: str, errors: dict[str, str]) -> None:
    if not url:
        errors["url"] = _("Give the link where people find it.")
        return
    try:
        _web_link(url)
    except ValidationError:
        errors["url"] = _("Enter a web link starting with http:// or https://.")
    else:
        if len(url) > 500:
            errors["url"] = _("Keep the link under 500 characters.")


def _check_resource(values: dict[str, Any]) -> dict[str, Any]:
    """The values, cleaned; ValidationError keyed by field before anything is written."""
    errors: dict[str, str] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = _("Give the resource a title.")
    elif len(title) > 200:
        errors["title"] = _("Keep the title under 200 characters.")
    if values.get("kind") not in Resource.Kind.values:
        errors["kind"] = _("Choose what kind of resource it is.")
    url = (values.get("url") or "").strip()
    _check_link(url, errors)
    minutes = values.get("minutes")
    if minutes in ("", None):
        minutes = None
    else:
        minutes = _whole(minutes, 1, MAX_MINUTES)
        if minutes is None:
            errors["minutes"] = _("Enter the length in whole minutes, up to a day.")
    if values.get("language") not in LANGUAGE_CODES:
        errors["language"] = _("Choose the language it is in.")
    summary = (values.get("summary") or "").strip()
    if len(summary) > MAX_TEXT:
        errors["summary"] = _("Keep the summary under 4000 characters.")
    if errors:
        raise ValidationError(errors)
    return {**values, "title": title, "url": url, "minutes": minutes, "summary": summary}


def _clean_lines(raw: Any) -> list[str] | None:
    """A list of short non-empty lines, from a list or a block of text; None when too long."""
    lines = raw.splitlines() if isinstance(raw, str) else list(raw or [])
    clean = [str(line).strip() for line in lines if str(line).strip()]
    if len(clean) > MAX_ITEMS or any(len(line) > MAX_ITEM for line in clean):
        return None
    return clean


def _check_guide(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = _("Give the guide a title.")
    elif len(title) > 200:
        errors["title"] = _("Keep the title under 200 characters.")
    minutes = _whole(values.get("minutes"), 1, MAX_MINUTES)
    if minutes is None:
        errors["minutes"] = _("Enter the time needed in whole minutes, up to a day.")
    cleaned: dict[str, list[str]] = {}
    for field in ("steps", "questions"):
        lines = _clean_lines(values.get(field))
        if lines is None:
            errors[field] = _("Up to 40 lines of 500 characters each.")
        else:
            cleaned[field] = lines
    if not errors and not (cleaned["steps"] or cleaned["questions"]):
        errors["steps"] = _("Write at least one step or one question.")
    if errors:
        raise ValidationError(errors)
    return {**values, "title": title, "minutes": minutes, **cleaned}


def _check_day(day: date | None, field: str, errors: dict[str, str]) -> None:
    if day is None:
        errors[field] = _("When was it?")
    elif day > timezone.localdate():
        errors[field] = _("That date is in the future: record it once it has happened.")


def moment(day: date) -> datetime:
    """When the ledger says it happened: now for today, midday for an earlier day."""
    if day >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12)))


# --- resources -------------------------------------------------------------------------------


@transaction.atomic
def resource_create(*, actor: Any, chapter: Chapter, kind: str, title: str, url: str,
                    minutes: Any = None, language: str = "en", summary: str = "") -> Resource:
    require(scope_of(actor).organizes(chapter.id))
    values = _check_resource({"kind": kind, "title": title, "url": url, "minutes": minutes,
                              "language": language, "summary": summary})
    resource = Resource.objects.create(chapter=chapter, created_by=actor, **values)
    audit(actor=actor, action="resource.create", chapter_id=chapter.id,
          target=resource.public_id)
    return resource


@transaction.atomic
def resource_update(*, actor: Any, resource: Resource, **values: Any) -> Resource:
    """Change any of kind, title, link, length, language and summary."""
    require(may_manage(actor, resource))
    values = {k: v for k, v in values.items() if k in RESOURCE_FIELDS}
    merged = _check_resource({f: getattr(resource, f) for f in RESOURCE_FIELDS} | values)
    for key, value in merged.items():
        setattr(resource, key, value)
    resource.save()
    audit(actor=actor, action="resource.update", chapter_id=resource.chapter_id,
          target=resource.public_id, fields=sorted(values))
    return resource


@transaction.atomic
def resource_retire(*, actor: Any, resource: Resource, retired: bool = True) -> Resource:
    """Take a resource off the list (or put it back). Its engagements stay in the history."""
    require(may_manage(actor, resource))
    if retired != resource.retired:
        resource.retired_at = timezone.now() if retired else None
        resource.save(update_fields=["retired_at"])
        audit(actor=actor, action="resource.retire" if retired else "resource.restore",
              chapter_id=resource.chapter_id, target=resource.public_id)
    return resource


# --- guides ----------------------------------------------------------------------------------


@transaction.atomic
def guide_create(*, actor: Any, resource: Resource, title: str, minutes: Any,
                 steps: Any = (), questions: Any = ()) -> Guide:
    require(may_manage(actor, resource))
    values = _check_guide({"title": title, "minutes": minutes, "steps": steps,
                           "questions": questions})
    guide = Guide.objects.create(resource=resource, created_by=actor, **values)
    audit(actor=actor, action="guide.create", chapter_id=resource.chapter_id,
          target=guide.public_id, resource=resource.public_id)
    return guide


@transaction.atomic
def guide_update(*, actor: Any, guide: Guide, **values: Any) -> Guide:
    require(may_manage(actor, guide.resource))
    values = {k: v for k, v in values.items() if k in GUIDE_FIELDS}
    merged = _check_guide({f: getattr(guide, f) for f in GUIDE_FIELDS} | values)
    for key, value in merged.items():
        setattr(guide, key, value)
    guide.save()
    audit(actor=actor, action="guide.update", chapter_id=guide.resource.chapter_id,
          target=guide.public_id, fields=sorted(values))
    return guide


# --- engagements -----------------------------------------------------------------------------


def _doer(actor: Any, person: Person | None) -> Person:
    """Who the engagement is by: the actor themselves, or (for an organizer recording what
    someone told them) a person of a chapter they organize."""
    scope = scope_of(actor)
    if person is None:
        require(scope.person is not None)
        assert scope.person is not None
        return scope.person
    is_self = scope.person is not None and scope.person.id == person.id
    require(is_self or scope.organizes(person.chapter_id))
    return person


def _check_engagement(resource: Resource, person: Person, values: dict[str, Any]
                      ) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if resource.chapter_id not in (None, person.chapter_id):
        errors["resource"] = _("That resource belongs to another chapter.")
    elif resource.retired:
        errors["resource"] = _("This resource has been retired.")
    how = values.get("how")
    people = values.get("people")
    if how not in How.values:
        errors["how"] = _("Choose what you did with it.")
    elif how in Engagement.WITH_PEOPLE:
        people = _whole(people, 1, MAX_PEOPLE)
        if people is None:
            errors["people"] = _("With how many people? Enter a whole number, 1 or more.")
    else:
        people = None  # watching or discussing alone says nothing about others
    network: Network | None = values.get("network")
    if network is not None and not Membership.objects.filter(
            network=network, person=person, left_on__isnull=True).exists():
        errors["network"] = _("Choose one of your own networks, or none.")
    day = values.get("occurred_on") or timezone.localdate()
    _check_day(day, "occurred_on", errors)
    if errors:
        raise ValidationError(errors)
    return {"how": how, "people": people, "network": network, "occurred_on": day}


@transaction.atomic
def engagement_record(*, actor: Any, resource: Resource, how: str, people: Any = None,
                      network: Network | None = None, occurred_on: date | None = None,
                      person: Person | None = None) -> Engagement:
    """Record that a person watched, discussed, shared or showed a resource (with how many
    people, for shared and showed), optionally in one of their networks.

    "Watched" twice on the same day (a double tap) is recorded once."""
    person = _doer(actor, person)
    values = _check_engagement(resource, person, {
        "how": how, "people": people, "network": network, "occurred_on": occurred_on})
    if values["how"] == How.WATCHED:
        same = Engagement.objects.filter(resource=resource, person=person, **values).first()
        if same is not None:
            return same
    engagement = Engagement.objects.create(
        chapter_id=person.chapter_id, resource=resource, person=person, recorded_by=actor,
        **values)
    _ledger(actor, engagement)
    refresh_stage(person)
    return engagement


def _ledger(actor: Any, engagement: Engagement) -> None:
    data: dict[str, Any] = {"resource": engagement.resource.public_id, "how": engagement.how}
    if engagement.people is not None:
        data["people"] = engagement.people
    if engagement.session is not None:
        data["session"] = engagement.session.public_id
    record(kind=Kind.RESOURCE_ENGAGED, chapter_id=engagement.chapter_id, actor=actor,
           person=engagement.person, network=engagement.network,
           occurred_at=moment(engagement.occurred_on), data=data)


# --- discussion sessions ---------------------------------------------------------------------


def _check_session(network: Network, resource: Resource, values: dict[str, Any]
                   ) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if resource.chapter_id not in (None, network.chapter_id):
        errors["resource"] = _("That resource belongs to another chapter.")
    guide: Guide | None = values.get("guide")
    if guide is not None and guide.resource_id != resource.id:
        errors["guide"] = _("That guide is for another resource.")
    _check_day(values.get("held_on"), "held_on", errors)
    attendance = _whole(values.get("attendance"), 1, MAX_PEOPLE)
    if attendance is None:
        errors["attendance"] = _("How many came? Enter a whole number, 1 or more.")
    notes = (values.get("notes") or "").strip()
    if len(notes) > MAX_TEXT:
        errors["notes"] = _("Keep the notes under 4000 characters.")
    if errors:
        raise ValidationError(errors)
    return {**values, "attendance": attendance, "notes": notes}


@transaction.atomic
def session_record(*, actor: Any, network: Network, resource: Resource, held_on: date | None,
                   attendance: Any, guide: Guide | None = None, notes: str = ""
                   ) -> DiscussionSession:
    """A network held a discussion session: recorded by its conveners or the chapter's
    organizers, as the network's engagement "discussed" (led by the convener who records it)."""
    scope = scope_of(actor)
    require(scope.may_run_network(network))
    values = _check_session(network, resource, {
        "guide": guide, "held_on": held_on, "attendance": attendance, "notes": notes})
    session = DiscussionSession.objects.create(
        network=network, resource=resource, recorded_by=actor, **values)
    leader = scope.person if scope.convenes(network.id) else None
    engagement = Engagement.objects.create(
        chapter_id=network.chapter_id, resource=resource, how=How.DISCUSSED, person=leader,
        network=network, people=session.attendance, occurred_on=session.held_on,
        session=session, recorded_by=actor)
    _ledger(actor, engagement)
    refresh_stage(leader)
    return session
