"""Public pages, no login: sign-up through a referral code, its QR code, an event's page.

They show nothing about anyone but the visitor's own entry, and their thank-you pages say the
same thing whether the visitor was already known or not. CSRF protection stays on.
"""

from __future__ import annotations

import io

import segno
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control

from netweave.events.access import access_public_event
from netweave.events.services import rsvp_public
from netweave.outreach.access import access_public_code
from netweave.outreach.models import ReferralCode
from netweave.outreach.selectors import invitation_for
from netweave.people.services import person_signup
from netweave.web.forms.public import JoinForm, PublicRsvpForm
from netweave.web.views.base import apply_service_errors
from netweave.web.views.limits import limited_post, refuse_form, with_retry_after


def join_url(request: HttpRequest, code: ReferralCode) -> str:
    """The absolute sign-up address a QR code carries (the proxy sets the scheme in
    production: settings.SECURE_PROXY_SSL_HEADER)."""
    return request.build_absolute_uri(reverse("join", kwargs={"code": code.code}))


def qr_svg(url: str, *, inline: bool) -> str:
    """An SVG QR code, drawn by segno. Error level M survives a smudged or creased print; a
    white background keeps it scannable on a dark screen."""
    qr = segno.make(url, error="m")
    options = {"scale": 8, "border": 4, "light": "#fff", "title": url}
    if inline:
        return qr.svg_inline(omitsize=True, **options)
    out = io.BytesIO()
    qr.save(out, kind="svg", xmldecl=True, **options)
    return out.getvalue().decode()


def join(request: HttpRequest, code: str) -> HttpResponse:
    row = access_public_code(code)
    form = JoinForm(request.POST or None, chapter=row.chapter, language=get_language() or "")
    refusal = limited_post(request, "signup")
    if refusal is not None:
        refuse_form(form, refusal)  # drawn again with what they typed
    elif request.method == "POST" and form.is_valid():
        try:
            person_signup(code=row, **form.signup_values())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("join_thanks", code=row.code)
    page = render(request, "web/public/join.html", {
        "form": form, "code": row, "invitation": invitation_for(row),
    })
    return with_retry_after(page, refusal) if refusal else page


def join_thanks(request: HttpRequest, code: str) -> HttpResponse:
    row = access_public_code(code)
    return render(request, "web/public/join_thanks.html", {"code": row})


@cache_control(public=True, max_age=3600)
def code_qr(request: HttpRequest, code: str) -> HttpResponse:
    row = access_public_code(code)
    return HttpResponse(qr_svg(join_url(request, row), inline=False),
                        content_type="image/svg+xml")


def public_event(request: HttpRequest, public_id: str) -> HttpResponse:
    event = access_public_event(public_id)
    form = PublicRsvpForm(request.POST or None)
    refusal = limited_post(request, "rsvp")
    if refusal is not None:
        refuse_form(form, refusal)
    elif request.method == "POST" and form.is_valid():
        try:
            rsvp_public(event=event, rsvp=form.cleaned_data["rsvp"], **form.signup_values())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("public_event_thanks", public_id=event.public_id)
    page = render(request, "web/public/event.html", {"event": event, "form": form})
    return with_retry_after(page, refusal) if refusal else page


def public_event_thanks(request: HttpRequest, public_id: str) -> HttpResponse:
    event = access_public_event(public_id)
    return render(request, "web/public/event_thanks.html", {"event": event})


urlpatterns = [
    path("join/<str:code>/", join, name="join"),
    path("join/<str:code>/thanks/", join_thanks, name="join_thanks"),
    path("join/<str:code>/qr.svg", code_qr, name="code_qr"),
    path("e/<str:public_id>/", public_event, name="public_event"),
    path("e/<str:public_id>/thanks/", public_event_thanks, name="public_event_thanks"),
]
