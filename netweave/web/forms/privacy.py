"""Forms of the privacy pages: the audit log's filters, declining a deletion request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from netweave.core.audit_log import AuditFilter
from netweave.web.forms import choice_field
from netweave.web.views.base import StyledForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    """The audit log's filters (GET). Unusable values are reported and ignored."""

    template_name = "web/_form.html"

    action = forms.ChoiceField(label=_("What"), required=False)
    actor = forms.CharField(label=_("Who (username, or “system”)"), required=False,
                            max_length=150)
    since = forms.DateField(label=_("From"), required=False, widget=DATE)
    until = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, data: Any, *, actions: list[str]) -> None:
        super().__init__(data)
        choice_field(self, "action").choices = [("", _("Any"))] + [(a, a) for a in actions]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end comes before the start."))
        return data

    def filters(self, chapter: Any) -> AuditFilter:
        if not self.is_valid():
            return AuditFilter(chapter=chapter)
        d = self.cleaned_data
        return AuditFilter(action=d["action"], actor=d["actor"].strip(), since=d["since"],
                           until=d["until"], chapter=chapter)


class DeclineRequestForm(StyledForm):
    reason = forms.CharField(
        label=_("Why not"), max_length=300,
        help_text=_("They read this on their own data page."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why, so that they know.")},
    )
