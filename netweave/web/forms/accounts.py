"""Forms for signing in and for taking up an invite."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from netweave.web.views.base import StyledForm


class LoginForm(AuthenticationForm):
    """Django's login form, drawn with the shared form template."""

    template_name = "web/_form.html"


class InviteAcceptForm(StyledForm):
    """Username and password; the rules on both are the service's (and Django's validators)."""

    username = forms.CharField(
        label=_("Username"), max_length=150,
        help_text=_("What you will type to sign in. It need not be your real name."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False,
        help_text=_("At least 10 characters. A few unrelated words are easy to remember."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password"), data.get("password_again")
        if first and second and first != second:
            self.add_error("password_again", _("The two passwords are different."))
        return data
