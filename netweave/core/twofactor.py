"""Two-factor authentication: who must use it, and every write to a person's devices.

django-otp does the one-time-password work: a TOTP device (an authenticator app) and a static
device whose tokens are the recovery codes. This module decides the policy (organizers and admins
must, NETWEAVE_REQUIRE_2FA; members may) and writes enrolment, new recovery codes, turning off and
an admin's reset as services, each with an audit row.
"""

from __future__ import annotations

import time
from binascii import unhexlify
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from netweave.core.access import require
from netweave.core.ledger import audit
from netweave.core.scope import scope_of

TOTP_DIGITS = 6
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery"


# --- policy ------------------------------------------------------------------------------------


def required_for(user: Any) -> bool:
    """Organizers and admins see the most, so they must use a second factor (unless the
    installation turned the rule off)."""
    if not settings.NETWEAVE_REQUIRE_2FA or not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    return bool(scope.is_admin or scope.organizer_chapters)


def has_device(user: Any) -> bool:
    """Enrolled: a confirmed authenticator app (recovery codes alone do not count)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def new_key() -> str:
    """A fresh TOTP secret (hex, 20 bytes as RFC 4226 recommends), kept in the session until
    the person proves their app has it."""
    return str(random_hex(20))


def config_url(user: Any, key: str) -> str:
    """The otpauth:// address the QR code carries (django-otp builds it)."""
    return str(TOTPDevice(user=user, key=key).config_url)


def _normalise(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _is_totp(code: str) -> bool:
    return code.isdigit() and len(code) == TOTP_DIGITS


def _key_accepts(key: str, code: str) -> int | None:
    """The time step at which `code` is right for `key` (one step either side, for clocks a
    little off), or None."""
    if not _is_totp(code):
        return None
    totp = TOTP(unhexlify(key.encode()), digits=TOTP_DIGITS)
    totp.time = time.time()
    if totp.verify(int(code), tolerance=1):
        return int(totp.t())
    return None


def _whose(user: Any) -> dict[str, Any]:
    """Chapter and target of the audit rows about someone's account: their person, if any."""
    from netweave.people.models import Person

    person = Person.objects.filter(user=user).only("chapter_id", "public_id").first()
    if person is None:
        return {"chapter_id": None, "target": f"user:{user.pk}"}
    return {"chapter_id": person.chapter_id, "target": person.public_id}


# --- services ----------------------------------------------------------------------------------


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.NETWEAVE_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def twofactor_enrol(*, actor: Any, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """The person's app shows the right code for `key`: it becomes their device (replacing any
    earlier one), with fresh recovery codes. Returns the device and the codes, shown once."""
    require(getattr(actor, "is_authenticated", False))
    step = _key_accepts(key, _normalise(code))
    if step is None:
        raise ValidationError({"code": _(
            "That code is not right. Type the 6 digits your app shows now for netweave; "
            "if it keeps failing, check that your phone's clock is set automatically."
        )})
    TOTPDevice.objects.filter(user=actor).delete()
    # last_t: the code just used cannot be used again to sign in.
    device = TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, key=key, confirmed=True,
                                       digits=TOTP_DIGITS, last_t=step)
    codes = _new_recovery_codes(actor)
    audit(actor=actor, action="twofactor.enrol", **_whose(actor))
    return device, codes


@transaction.atomic
def recovery_codes_renew(*, actor: Any) -> list[str]:
    """New recovery codes; the old ones stop working."""
    require(has_device(actor))
    codes = _new_recovery_codes(actor)
    audit(actor=actor, action="twofactor.recovery_codes_renew", **_whose(actor))
    return codes


def _check_code(user: Any, code: str) -> tuple[Any, bool]:
    """(the device that accepts the code, or None; whether django-otp is holding off after
    wrong codes). Six digits go to the app's device, anything else to the recovery codes, so a
    recovery code never counts as a wrong app code."""
    model = TOTPDevice if _is_totp(code) else StaticDevice
    for device in model.objects.filter(user=user, confirmed=True).select_for_update():
        allowed, _detail = device.verify_is_allowed()
        if not allowed:
            return None, True
        if device.verify_token(code):
            return device, False
    return None, False


def twofactor_verify(*, actor: Any, code: str) -> Any:
    """The device that accepts the code (the caller then marks the session verified).

    Not one transaction with the refusal: django-otp's count of wrong codes (which slows down
    guessing) must be saved even when the code is refused."""
    with transaction.atomic():
        device, throttled = _check_code(actor, _normalise(code))
    if throttled:
        raise ValidationError({"code": _(
            "Too many wrong codes in a row. Wait a minute, then type the code your app shows."
        )})
    if device is None:
        raise ValidationError({"code": _(
            "That code is not right. Type the 6 digits your app shows now, or one of your "
            "recovery codes."
        )})
    if isinstance(device, StaticDevice):
        audit(actor=actor, action="twofactor.recovery_code_used",
              left=recovery_codes_left(actor), **_whose(actor))
    return device


@transaction.atomic
def twofactor_disable(*, actor: Any, password: str) -> None:
    """The person turns two-factor off (for organizers and admins this is a reset: they are
    asked to set it up again at once). Their password is asked again: a borrowed unlocked
    phone must not be enough."""
    require(getattr(actor, "is_authenticated", False))
    if not actor.check_password(password):
        raise ValidationError({"password": _("That is not your password.")})
    _remove_devices(actor)
    audit(actor=actor, action="twofactor.disable", **_whose(actor))


@transaction.atomic
def twofactor_reset(*, actor: Any, user: Any) -> None:
    """An admin removes someone's devices (a lost phone and lost recovery codes). They set
    up two-factor again at their next page."""
    require(scope_of(actor).is_admin)
    _remove_devices(user)
    audit(actor=actor, action="twofactor.reset", **_whose(user))


def _remove_devices(user: Any) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
