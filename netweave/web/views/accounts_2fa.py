"""Two-factor pages: set up an authenticator app, the code step after the password, recovery
codes, turning it off, and an admin's reset of someone's devices. core.twofactor decides and
writes; these views parse and render."""

from __future__ import annotations

from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from netweave.core import twofactor
from netweave.core.access import require
from netweave.core.ratelimit import hit
from netweave.core.scope import scope_of
from netweave.people.access import access_person
from netweave.web.forms.twofactor import CodeForm, EnrolForm, PasswordAgainForm
from netweave.web.middleware import remember_device
from netweave.web.views.base import apply_service_errors, safe_next
from netweave.web.views.limits import refuse_form, with_retry_after

NEW_KEY = "netweave_2fa_new_key"  # the secret being set up, until the app proves it has it


def _next(request: HttpRequest) -> str:
    return safe_next(request, reverse("dashboard"))


def _verified(request: HttpRequest, device: Any) -> None:
    """Mark this session verified; organizers' and admins' sessions then end sooner."""
    django_otp.login(request, device)
    remember_device(request, True)
    if twofactor.required_for(request.user):
        request.session.set_expiry(settings.NETWEAVE_ORGANIZER_SESSION_HOURS * 3600)


def _qr(url: str) -> str:
    # Inline SVG (no image request, nothing the CSP must allow); error level M as for posters.
    return str(segno.make(url, error="m").svg_inline(scale=5, border=4, light="#fff",
                                                     omitsize=True))


def _grouped(key_hex: str) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode
    from binascii import unhexlify

    text = b32encode(unhexlify(key_hex)).decode()
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


@login_required
@never_cache
def twofactor_enrol(request: HttpRequest) -> HttpResponse:
    """Scan the QR code, type the code the app shows: the app becomes this account's second
    factor, and the recovery codes are shown once."""
    user: Any = request.user
    if twofactor.has_device(user):
        return redirect("account_security" if user.is_verified() else "twofactor_verify")
    key = request.session.get(NEW_KEY) or twofactor.new_key()
    request.session[NEW_KEY] = key
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = twofactor.twofactor_enrol(actor=user, key=key,
                                                      code=form.cleaned_data["code"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            request.session.pop(NEW_KEY, None)
            _verified(request, device)
            return render(request, "web/accounts/twofactor_codes.html",
                          {"codes": codes, "next": _next(request), "first": True})
    return render(request, "web/accounts/twofactor_enrol.html", {
        "form": form, "qr": _qr(twofactor.config_url(user, key)), "secret": _grouped(key),
        "required": twofactor.required_for(user), "next": _next(request),
    }, status=400 if form.errors else 200)


@login_required
@never_cache
def twofactor_verify(request: HttpRequest) -> HttpResponse:
    """The code step after the password."""
    user: Any = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not twofactor.has_device(user):  # reset meanwhile by an admin, or turned off elsewhere
        remember_device(request, False)
        return redirect("twofactor_enrol" if twofactor.required_for(user) else _next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        refusal = hit("twofactor", f"user:{user.pk}")
        if refusal is not None:
            refuse_form(form, refusal)
            return with_retry_after(_verify_page(request, form), refusal)
        if form.is_valid():
            try:
                device = twofactor.twofactor_verify(actor=user, code=form.cleaned_data["code"])
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                _verified(request, device)
                _warn_recovery_used(request, device)
                return redirect(_next(request))
    return _verify_page(request, form, status=400 if form.errors else 200)


def _verify_page(request: HttpRequest, form: CodeForm, status: int = 200) -> HttpResponse:
    return render(request, "web/accounts/twofactor_verify.html",
                  {"form": form, "next": _next(request)}, status=status)


def _warn_recovery_used(request: HttpRequest, device: Any) -> None:
    if not isinstance(device, StaticDevice):
        return
    left = twofactor.recovery_codes_left(request.user)
    messages.warning(request, ngettext(
        "You signed in with a recovery code; it will not work again. %(left)d code is left: "
        "make new ones on your account page if your phone is lost.",
        "You signed in with a recovery code; it will not work again. %(left)d codes are left: "
        "make new ones on your account page if your phone is lost.", left,
    ) % {"left": left})


@login_required
@never_cache
def account_security(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(request, "web/accounts/security.html", {
        "has_device": twofactor.has_device(user), "required": twofactor.required_for(user),
        "codes_left": twofactor.recovery_codes_left(user),
    })


@login_required
@never_cache
@require_POST
def twofactor_recovery(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; the old ones stop working."""
    if not twofactor.has_device(request.user):
        return redirect("account_security")
    codes = twofactor.recovery_codes_renew(actor=request.user)
    return render(request, "web/accounts/twofactor_codes.html",
                  {"codes": codes, "next": reverse("account_security"), "first": False})


@login_required
@never_cache
def twofactor_disable(request: HttpRequest) -> HttpResponse:
    """Turn two-factor off (for organizers and admins: start again with a new phone)."""
    user: Any = request.user
    if not twofactor.has_device(user):
        return redirect("account_security")
    form = PasswordAgainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            twofactor.twofactor_disable(actor=user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            remember_device(request, False)
            messages.success(request, _("Two-factor sign-in is off for your account."))
            return redirect("account_security")
    return render(request, "web/accounts/twofactor_disable.html",
                  {"form": form, "required": twofactor.required_for(user)},
                  status=400 if form.errors else 200)


@login_required
@never_cache
def twofactor_reset(request: HttpRequest, public_id: str) -> HttpResponse:
    """An admin removes a person's two-factor devices (lost phone and recovery codes)."""
    person = access_person(request.user, public_id)
    require(scope_of(request.user).is_admin)
    if person.user is None:
        raise Http404
    if request.method == "POST":
        twofactor.twofactor_reset(actor=request.user, user=person.user)
        messages.success(request, _(
            "%(name)s's two-factor sign-in was reset. They will set it up again at their next "
            "sign-in."
        ) % {"name": person.display_name})
        return redirect("person", public_id=person.public_id)
    return render(request, "web/accounts/twofactor_reset.html", {
        "person": person, "has_device": twofactor.has_device(person.user),
    })


urlpatterns = [
    path("account/", account_security, name="account_security"),
    path("account/2fa/setup/", twofactor_enrol, name="twofactor_enrol"),
    path("account/2fa/verify/", twofactor_verify, name="twofactor_verify"),
    path("account/2fa/recovery-codes/", twofactor_recovery, name="twofactor_recovery"),
    path("account/2fa/turn-off/", twofactor_disable, name="twofactor_disable"),
    path("people/<str:public_id>/2fa-reset/", twofactor_reset, name="twofactor_reset"),
]
