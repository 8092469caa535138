"""The people pages: the chapter's list, recording someone, a person's page, follow-up (with
accepting, declining, the dispatcher's desk and untouched records), invites, the chapter's ladder
settings and coaching pairs."""

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
from netweave.learning.selectors import person_learning_for
from netweave.people import services
from netweave.people.access import access_person
from netweave.people.contacts import channels_read
from netweave.people.models import ChapterSettings, Constraint, Person
from netweave.people.selectors import (
    assignable_for,
    current_pair_for,
    followup_owners_for,
    followup_workload_for,
    people_for,
    person_page_for,
    untouched_networks_for,
    untouched_people_for,
)
from netweave.web.forms.ladder import (
    ChapterSettingsForm,
    DeclineForm,
    DeskFilterForm,
    FollowupAssignForm,
    PersonIdForm,
)
from netweave.web.forms.people import (
    FollowupForm,
    PeopleFilterForm,
    PersonCreateForm,
    PersonForm,
)
from netweave.web.views.base import apply_service_errors, paginate
from netweave.work.selectors import suggestions_for

PER_PAGE = 50
MAX_BULK = 200  # people handed over in one go: a page of the desk, with room to spare


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
        "learning": person_learning_for(request.user, person),
        "suggestions": suggestions_for(request.user, person) if page.detail else None,
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


# --- Follow-up: accept, decline, the dispatcher's desk, untouched records -------------------


@login_required
@require_POST
def followup_accept(request: HttpRequest, public_id: str) -> HttpResponse:
    person = access_person(request.user, public_id)
    try:
        services.followup_accept(actor=request.user, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You follow up %s now.") % person.display_name)
    return _to_person(person)


@login_required
def followup_decline(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET asks why (optional); POST hands the follow-up back."""
    person = access_person(request.user, public_id)
    require(person.followup_owner_id == request.user.id)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_decline(actor=request.user, person=person,
                                      reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Handed back: %s is no longer on your list.")
                             % person.display_name)
            return redirect("dashboard")
    return render(request, "web/people/decline.html", {"person": person, "form": form},
                  status=400 if form.errors else 200)


def _desk_chapter(request: HttpRequest) -> Any:
    """The chapter whose follow-ups the organizer dispatches (?chapter= when they organize
    several); 403 for anyone who organizes none, 404 for a chapter they do not organize."""
    from django.http import Http404

    _require_organizer(request.user)
    chapters = organized_chapters_for(request.user)
    wanted = request.POST.get("chapter") or request.GET.get("chapter", "")
    chapter = chapters.filter(public_id=wanted).first() if wanted else chapters.first()
    if chapter is None:
        raise Http404
    return chapter, chapters


def _render_desk(request: HttpRequest, chapter: Any, chapters: Any,
                 form: FollowupAssignForm | None = None, status: int = 200) -> HttpResponse:
    filters = DeskFilterForm(request.GET or None)
    show = filters.value()
    place_id = request.GET.get("place", "")
    page = paginate(request, assignable_for(request.user, chapter_id=chapter.id, show=show,
                                            place_id=place_id), per_page=PER_PAGE)
    owners = followup_owners_for(request.user, chapter.id)
    context = {
        "chapter": chapter, "chapters": chapters.exclude(pk=chapter.pk), "filters": filters,
        "show": show, "page": page, "today": timezone.localdate(),
        "workload": followup_workload_for(request.user, chapter.id),
        "form": form or FollowupAssignForm(owners=owners, candidates=[]),
        "chosen": set(request.POST.getlist("people")) if form is not None else set(),
    }
    return render(request, "web/people/desk.html", context, status=status)


@login_required
def followup_desk(request: HttpRequest) -> HttpResponse:
    """Assign follow-ups in bulk, with each owner's workload, place and languages beside."""
    chapter, chapters = _desk_chapter(request)
    return _render_desk(request, chapter, chapters)


@login_required
@require_POST
def followup_assign(request: HttpRequest) -> HttpResponse:
    chapter, chapters = _desk_chapter(request)
    owners = followup_owners_for(request.user, chapter.id)
    wanted = list(dict.fromkeys(request.POST.getlist("people")))[:MAX_BULK]
    # Each chosen person through the actor's scope: one they may not see is a 404, never
    # silently skipped.
    people = [access_person(request.user, pid) for pid in wanted]
    form = FollowupAssignForm(request.POST, owners=owners, candidates=wanted)
    if form.is_valid():
        try:
            count = services.followup_assign(actor=request.user, people=people,
                                              owner=form.cleaned_data["owner"],
                                              due=form.cleaned_data["due"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("%(n)d handed to %(owner)s. They accept or decline "
                                        "each one.") % {
                "n": count, "owner": form.cleaned_data["owner"].get_username()})
            return redirect(reverse("followup_desk") + f"?chapter={chapter.public_id}")
    return _render_desk(request, chapter, chapters, form=form, status=400)


@login_required
def untouched(request: HttpRequest) -> HttpResponse:
    """People and networks nobody has touched for the chapter's number of days."""
    _require_organizer(request.user)
    people = paginate(request, untouched_people_for(request.user), per_page=PER_PAGE)
    networks = list(untouched_networks_for(request.user)[:PER_PAGE])
    return render(request, "web/people/untouched.html",
                  {"page": people, "networks": networks, "now": timezone.now()})


# --- The ladder: chapter settings, "ready for more", coaching ------------------------------


@login_required
def chapter_settings(request: HttpRequest) -> HttpResponse:
    chapter, chapters = _desk_chapter(request)
    form = ChapterSettingsForm(request.POST or None,
                               rules=ChapterSettings.for_chapter(chapter.id))
    if request.method == "POST" and form.is_valid():
        try:
            services.chapter_settings_update(actor=request.user, chapter=chapter,
                                             **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved. The ladder uses these numbers from now on."))
            return redirect(reverse("chapter_settings") + f"?chapter={chapter.public_id}")
    return render(request, "web/people/settings.html",
                  {"form": form, "chapter": chapter, "chapters": chapters.exclude(pk=chapter.pk)},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def convening_ask(request: HttpRequest, public_id: str) -> HttpResponse:
    person = access_person(request.user, public_id, for_write=True)
    try:
        services.convening_ask(actor=request.user, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Noted: invite %s to convene a network with people they "
                                    "know. Record it on their network's page when it starts.")
                         % person.display_name)
    return _to_person(person)


@login_required
@require_POST
def coaching_start(request: HttpRequest, public_id: str) -> HttpResponse:
    coached = access_person(request.user, public_id, for_write=True)
    require(scope_of(request.user).organizes(coached.chapter_id))
    form = PersonIdForm(request.POST, people=people_for(request.user,
                                                        chapter_id=coached.chapter_id))
    if form.is_valid():
        coach = form.cleaned_data["person"]
        try:
            services.coaching_start(actor=request.user, coach=coach, coached=coached)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(coach)s coaches %(coached)s now.") % {
                "coach": coach.display_name, "coached": coached.display_name})
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("person", [])))
    return _to_person(coached)


@login_required
@require_POST
def coaching_end(request: HttpRequest, public_id: str, coach_id: str) -> HttpResponse:
    coached = access_person(request.user, public_id)
    pair = current_pair_for(request.user, coached, coach_id)
    services.coaching_end(actor=request.user, pair=pair)
    messages.success(request, _("The coaching pair has ended."))
    return _to_person(coached)


urlpatterns = [
    path("followups/", followup_desk, name="followup_desk"),
    path("followups/assign/", followup_assign, name="followup_assign"),
    path("followups/untouched/", untouched, name="untouched"),
    path("ladder/settings/", chapter_settings, name="chapter_settings"),
    path("people/<str:public_id>/followup/accept/", followup_accept, name="followup_accept"),
    path("people/<str:public_id>/followup/decline/", followup_decline, name="followup_decline"),
    path("people/<str:public_id>/convene/", convening_ask, name="convening_ask"),
    path("people/<str:public_id>/coach/", coaching_start, name="coaching_start"),
    path("people/<str:public_id>/coach/<str:coach_id>/end/", coaching_end, name="coaching_end"),
    path("people/", people_list, name="people"),
    path("people/new/", person_new, name="person_new"),
    path("people/<str:public_id>/", person_detail, name="person"),
    path("people/<str:public_id>/edit/", person_edit, name="person_edit"),
    path("people/<str:public_id>/followup/", person_followup, name="person_followup"),
    path("people/<str:public_id>/contacts/", person_contacts, name="person_contacts"),
    path("people/<str:public_id>/invite/", person_invite, name="person_invite"),
]
