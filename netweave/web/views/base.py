"""Small helpers every view uses: thin views parse, call one access function and one service
or selector, and render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, next to the field it is about.

    The form keeps everything the user typed, and the service changed nothing (it raised inside
    its transaction), so the page re-renders with their input and a clear message.
    """
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def form_error_messages(form: forms.BaseForm) -> list[str]:
    """Every error of a form, as text, for a page that shows them apart from the fields."""
    return [str(e) for field_errors in form.errors.values() for e in field_errors]


def paginate(request: HttpRequest, queryset: Any, per_page: int = 50) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class StyledForm(forms.Form):
    """Base form: `NON_FIELD_ERRORS` rendered at the top by the shared form template."""

    template_name = "web/_form.html"
    NON_FIELD = NON_FIELD_ERRORS


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where a one-tap form returns to: the `next` it was given (POST, else GET) when that is a
    page of this site, else `fallback` (never an address elsewhere: no open redirect)."""
    target = request.POST.get("next", "") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback
