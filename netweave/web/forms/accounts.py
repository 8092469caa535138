"""Forms for signing in, taking up an invite, and resetting a password."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from netweave.core.ledger import audit
from netweave.people import contacts
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


class ResetForm(PasswordResetForm):
    """Django's password reset form, finding accounts by the email their person gave.

    Most accounts have no `User.email`: people's addresses are contact channels, encrypted and
    found by keyed hash (people.contacts). An admin's `User.email` still counts. The message
    goes to the address typed, which is the one that matched.
    """

    template_name = "web/_form.html"

    def typed_address(self) -> str:
        return str(self.cleaned_data.get("email", "")).strip().lower()

    def get_users(self, email: str) -> Iterator[Any]:
        person_ids = contacts.people_with(kind=contacts.Kind.EMAIL, value=email)
        users = get_user_model().objects.filter(
            Q(email__iexact=email) | Q(person__id__in=person_ids), is_active=True,
        ).distinct()
        return (u for u in users if u.has_usable_password())

    def send_mail(self, subject_template_name: str, email_template_name: str,
                  context: dict[str, Any], from_email: str | None, to_email: str,
                  html_email_template_name: str | None = None) -> None:
        user = context["user"]
        super().send_mail(subject_template_name, email_template_name, context, from_email,
                          self.typed_address(), html_email_template_name)
        # Who asked to reset whose password, and when: for the account's owner and organizers.
        person = getattr(user, "person", None)
        audit(actor=None, action="account.password_reset_sent",
              chapter_id=person.chapter_id if person else None,
              target=person.public_id if person else f"user:{user.pk}")
