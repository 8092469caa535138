"""The people pages: the chapter's list, recording someone, a person's page, follow-up, invites."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from netweave.core.access import require
from netweave.core.scope import may_read_contacts, scope_of
from netweave.core.selectors import organized_chapters_for, places_for
from netweave.people import services
from netweave.people.access import access_person
from netweave.people.contacts import channels_read
from netweave.people.models import Constraint, Person
from netweave.people.selectors import followup_owners_for, people_for, person_page_for
from netweave.web.forms.people import (
    FollowupForm,
    PeopleFilterForm,
    PersonCreateForm,
    PersonForm,
)
from netweave.web.views.base import apply_service_errors, paginate

PER_PAGE = 50


def _require_organizer(user: Any) -> None:
    """The chapter-wide list is the organizers' tool: it shows everyone's follow-up state,
    which members and conveners have no need to know (the menu offers it to organizers only)."""
    scope = scope_of(user)
    require(scope.is_admin or bool(scope.organizer_chapters))


def _to_person(person: Person) -> HttpResponse:
    return redirect("person", public_id=person.public_id)


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    _require_organizer(request.user)
    form = PeopleFilterForm(request.GET or None, places=places_for(request.user))
    page = paginate(request, people_for(request.user, **form.filters()), per_page=PER_PAGE)
    return render(request, "web/people/list.html",
                  {"form": form, "page": page, "today": timezone.localdate()})


@login_required
def person_new(request: HttpRequest) -> HttpResponse:
    chapters = organized_chapters_for(request.user)
    require(chapters.exists())
    form = PersonCreateForm(request.POST or None, chapters=chapters,
                            places=places_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            assert person.followup_due is not None  # person_create always sets it
            due = date_format(person.followup_due, "SHORT_DATE_FORMAT")
            messages.success(request, _("%(name)s is recorded. Follow up with them by %(due)s.")
                             % {"name": person.display_name, "due": due})
            return _to_person(person)
    return render(request, "web/people/form.html",
                  {"form": form, "title": _("Record someone"), "person": None})


def _followup_form(user: Any, person: Person, data: Any = None) -> FollowupForm:
    """Only organizers choose who follows up; the owner records steps but cannot hand it on."""
    owners = (followup_owners_for(user, person.chapter_id)
              if scope_of(user).organizes(person.chapter_id) else None)
    return FollowupForm(data, initial=FollowupForm.initial_from(person), owners=owners)


@login_required
def person_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    person = access_person(request.user, public_id)
    page = person_page_for(request.user, person)
    context = {
        "person": person, "page": page, "today": timezone.localdate(),
        "constraints": [Constraint(c).label for c in person.constraints if c in Constraint.values],
        "followup_form": _followup_form(request.user, person) if page.may_follow_up else None,
    }
    return render(request, "web/people/detail.html", context)


@login_required
def person_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    person = access_person(request.user, public_id, for_write=True)
    form = PersonForm(
        request.POST or None, initial=PersonForm.initial_from(person),
        places=places_for(request.user, chapter_id=person.chapter_id),
        with_notes=scope_of(request.user).organizes(person.chapter_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return _to_person(person)
    return render(request, "web/people/form.html",
                  {"form": form, "title": _("Edit %s") % person.display_name, "person": person})


@login_required
@require_POST
def person_followup(request: HttpRequest, public_id: str) -> HttpResponse:
    person = access_person(request.user, public_id)
    require(services.may_follow_up(scope_of(request.user), person))
    form = _followup_form(request.user, person, request.POST)
    if form.is_valid():
        try:
            services.followup_update(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Follow-up recorded."))
            return _to_person(person)
    return render(request, "web/people/followup.html", {"person": person, "form": form},
                  status=400)


@login_required
@require_POST
@never_cache
def person_contacts(request: HttpRequest, public_id: str) -> HttpResponse:
    """Contact details on request only, never on every page view: each read is audit-logged,
    so the log shows deliberate reads rather than every glance at a person's page."""
    person = access_person(request.user, public_id)
    require(may_read_contacts(scope_of(request.user), person))
    channels = channels_read(actor=request.user, person=person, purpose="person page")
    return render(request, "web/people/contacts.html", {"person": person, "channels": channels})


@login_required
@require_POST
@never_cache
def person_invite(request: HttpRequest, public_id: str) -> HttpResponse:
    """Shows the link once: only a hash of the token is stored, so it cannot be shown again."""
    person = access_person(request.user, public_id, for_write=True)
    try:
        token = services.invite_create(actor=request.user, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _to_person(person)
    link = request.build_absolute_uri(reverse("invite_accept", kwargs={"token": token}))
    return render(request, "web/people/invite.html", {"person": person, "link": link})


urlpatterns = [
    path("people/", people_list, name="people"),
    path("people/new/", person_new, name="person_new"),
    path("people/<str:public_id>/", person_detail, name="person"),
    path("people/<str:public_id>/edit/", person_edit, name="person_edit"),
    path("people/<str:public_id>/followup/", person_followup, name="person_followup"),
    path("people/<str:public_id>/contacts/", person_contacts, name="person_contacts"),
    path("people/<str:public_id>/invite/", person_invite, name="person_invite"),
]
