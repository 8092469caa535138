"""The form of a person's own message settings. It parses; `notify.services` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from netweave.notify.models import Reason
from netweave.web.views.base import StyledForm


class MessageSettingsForm(StyledForm):
    """Ticked: send me these. The service stores the opposite (what is turned off), so a kind
    of message added later reaches people until they turn it off."""

    wanted = forms.MultipleChoiceField(
        label=_("Send me"), choices=Reason.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def muted(self) -> set[str]:
        wanted: Any = self.cleaned_data.get("wanted") or []
        return set(Reason.values) - set(wanted)
