"""Outreach pages (log a session, see sessions) and sign-up codes (list, get one, print one).

Thin views: parse with a form, call one access function and one service or selector, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netweave.outreach.access import access_code, access_outreach, access_outreach_chapters
from netweave.outreach.selectors import codes_for, outreach_for, outreach_page_for
from netweave.outreach.services import code_mine, outreach_log
from netweave.web.forms.outreach import CodeNewForm, OutreachForm
from netweave.web.views.base import apply_service_errors, form_error_messages, paginate
from netweave.web.views.public import join_url, qr_svg


@login_required
def outreach_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, outreach_for(request.user))
    return render(request, "web/outreach/list.html", {"page": page})


@login_required
def outreach_new(request: HttpRequest) -> HttpResponse:
    chapters = access_outreach_chapters(request.user)
    form = OutreachForm(request.POST or None, actor=request.user, chapters=chapters)
    if request.method == "POST" and form.is_valid():
        try:
            session = outreach_log(actor=request.user, chapter=form.chapter, **form.values())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Outreach logged. Thank you!"))
            return redirect("outreach_session", public_id=session.public_id)
    return render(request, "web/outreach/form.html", {"form": form})


@login_required
def outreach_session(request: HttpRequest, public_id: str) -> HttpResponse:
    session = access_outreach(request.user, public_id)
    return render(request, "web/outreach/detail.html", {
        "session": session, "page": outreach_page_for(request.user, session),
    })


@login_required
def code_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, codes_for(request.user))
    return render(request, "web/outreach/codes.html", {
        "page": page, "new_form": CodeNewForm(actor=request.user),
    })


@login_required
@require_POST
def code_new(request: HttpRequest) -> HttpResponse:
    """Get one's personal code, or a convened network's: made once, then the same one."""
    form = CodeNewForm(request.POST, actor=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(form_error_messages(form)))
        return redirect("codes")
    try:
        code = code_mine(actor=request.user, network=form.cleaned_data["network"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("codes")
    return redirect("code_poster", code=code.code)


@login_required
def code_poster(request: HttpRequest, code: str) -> HttpResponse:
    row = access_code(request.user, code)
    url = join_url(request, row)
    return render(request, "web/outreach/poster.html", {
        "code": row, "url": url, "qr": qr_svg(url, inline=True),
    })


urlpatterns = [
    path("outreach/", outreach_list, name="outreach"),
    path("outreach/new/", outreach_new, name="outreach_new"),
    path("outreach/<str:public_id>/", outreach_session, name="outreach_session"),
    path("codes/", code_list, name="codes"),
    path("codes/new/", code_new, name="code_new"),
    path("codes/<str:code>/", code_poster, name="code_poster"),
]
