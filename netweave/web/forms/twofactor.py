"""Forms for the two-factor steps: a code, and the password again to turn it off."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from netweave.web.views.base import StyledForm


class CodeForm(StyledForm):
    code = forms.CharField(
        label=_("Code"), max_length=32, strip=True,
        help_text=_("The 6 digits your authenticator app shows for netweave, or a recovery code."),
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True,
            "inputmode": "text", "spellcheck": "false",
        }),
    )


class EnrolForm(StyledForm):
    code = forms.CharField(
        label=_("Code from your app"), max_length=12, strip=True,
        help_text=_("After scanning, your app shows 6 digits for netweave. Type them here."),
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
        }),
    )


class PasswordAgainForm(StyledForm):
    password = forms.CharField(
        label=_("Your password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
