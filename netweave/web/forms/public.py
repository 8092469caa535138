"""Public forms: signing up through a code and answering an event, with no account.

Short on purpose: a newcomer on a phone at a table must be done in under a minute.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from netweave.core.models import Chapter, Place
from netweave.events.models import Attendance
from netweave.outreach.selectors import signup_places
from netweave.people.models import ContactChannel
from netweave.web.forms import model_field
from netweave.web.views.base import StyledForm

PHONE_KINDS = [
    (ContactChannel.Kind.PHONE, _("Calls and texts")),
    (ContactChannel.Kind.SIGNAL, _("Signal")),
    (ContactChannel.Kind.WHATSAPP, _("WhatsApp")),
]

HOURS = [
    ("", _("Not sure yet")),
    ("1", _("About an hour")),
    ("3", _("2 to 4 hours")),
    ("6", _("5 to 8 hours")),
    ("10", _("More than 8 hours")),
]


class ContactForm(StyledForm):
    """A name and the one way (or none) they want to be reached."""

    display_name = forms.CharField(
        label=_("What should we call you?"), max_length=120,
        help_text=_("A first name or a nickname is fine."),
        error_messages={"required": _("Tell us what to call you.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    email = forms.EmailField(label=_("Email"), required=False, max_length=200,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(
        label=_("Phone number"), required=False, max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel",
                                      "inputmode": "tel"}),
    )
    phone_kind = forms.ChoiceField(label=_("Reach me on this number by"), choices=PHONE_KINDS,
                                   initial=ContactChannel.Kind.PHONE)
    no_contact = forms.BooleanField(
        label=_("Don't contact me"), required=False,
        help_text=_("We will keep no way to reach you."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        gave = bool(data.get("email") or (data.get("phone") or "").strip())
        if data.get("no_contact") and gave:
            # Never keep a contact detail someone asked us not to use, nor drop it silently.
            self.add_error("no_contact", _(
                "You ticked “Don't contact me”: clear the email and phone, or untick it."))
        return data

    def signup_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "display_name": data["display_name"], "email": data.get("email") or "",
            "phone": data.get("phone") or "", "phone_kind": data["phone_kind"],
            "contact_ok": not data.get("no_contact"),
        }


class JoinForm(ContactForm):
    discreet = forms.BooleanField(
        label=_("I need to stay discreet"), required=False,
        help_text=_("We will never contact you openly or list you where others can see."),
    )
    place: forms.ModelChoiceField[Place] = forms.ModelChoiceField(
        label=_("Where are you based?"), required=False, to_field_name="public_id",
        queryset=None, empty_label=_("Rather not say"))
    language = forms.ChoiceField(label=_("Language you prefer"), required=False,
                                 choices=[("", "—"), *settings.LANGUAGES])
    hours_per_week = forms.TypedChoiceField(
        label=_("How much time might you have in a week?"), required=False, choices=HOURS,
        coerce=float, empty_value=None,
    )

    # Shown folded under "More about you (optional)" so the form stays short.
    optional_fields = ("place", "language", "hours_per_week")

    def __init__(self, *args: Any, chapter: Chapter, language: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"language": language})
        super().__init__(*args, **kwargs)
        places = signup_places(chapter)
        model_field(self, "place").queryset = places
        if not places.exists():
            del self.fields["place"]

    def signup_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().signup_values(), "discreet": data["discreet"],
            "place": data.get("place"), "language": data["language"],
            "hours_per_week": data["hours_per_week"],
        }

    def main_fields(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if f.name not in self.optional_fields]

    def more_fields(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if f.name in self.optional_fields]


class PublicRsvpForm(ContactForm):
    rsvp = forms.ChoiceField(
        label=_("Your answer"), widget=forms.RadioSelect, initial=Attendance.Rsvp.YES,
        choices=[
            (Attendance.Rsvp.YES, Attendance.Rsvp.YES.label),
            (Attendance.Rsvp.MAYBE, Attendance.Rsvp.MAYBE.label),
            (Attendance.Rsvp.NO, Attendance.Rsvp.NO.label),
        ],
    )
    field_order = ["rsvp", "display_name", "email", "phone", "phone_kind", "no_contact"]
