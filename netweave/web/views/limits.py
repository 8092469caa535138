"""Rate-limit refusals as pages: 429 with Retry-After, a clear message, the person's input kept.

The counting is netweave.core.ratelimit; login lockout is django-axes (accounts.locked_out).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from netweave.core.ratelimit import Refusal, hit_ip

TOO_MANY = 429


def wait_message(refusal: Refusal) -> str:
    return ngettext(
        "Too many tries from your connection. Nothing was changed: please wait %(minutes)d "
        "minute and try again.",
        "Too many tries from your connection. Nothing was changed: please wait %(minutes)d "
        "minutes and try again.",
        refusal.minutes,
    ) % {"minutes": refusal.minutes}


def with_retry_after(response: HttpResponse, refusal: Refusal) -> HttpResponse:
    response.status_code = TOO_MANY
    response["Retry-After"] = str(refusal.retry_after)
    return response


def refuse_form(form: forms.BaseForm, refusal: Refusal, message: str = "") -> None:
    """Put the refusal on a bound form without validating it: validating may do the very work
    being limited (a login form checks the password). The form still shows what was typed."""
    form._errors = ErrorDict()  # type: ignore[attr-defined]  # no full_clean: see above
    form.cleaned_data = {}
    form.add_error(None, ValidationError(message or wait_message(refusal)))


def limited_post(request: HttpRequest, rule: str) -> Refusal | None:
    """Count a form sent to a public door; GETs are not counted."""
    if request.method != "POST":
        return None
    return hit_ip(rule, request)


def too_many(request: HttpRequest, refusal: Refusal, *,
             template: str = "web/accounts/too_many.html",
             context: dict[str, Any] | None = None) -> HttpResponse:
    """The page for a refused request with no form to keep."""
    page = render(request, template,
                  {"message": wait_message(refusal), "minutes": refusal.minutes,
                   **(context or {})})
    return with_retry_after(page, refusal)
