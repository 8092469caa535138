"""Forms for playbooks and tasks. They parse and offer scoped choices; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from netweave.campaigns.models import Campaign
from netweave.campaigns.selectors import campaign_choices_for
from netweave.core.scope import scope_of
from netweave.networks.models import Network
from netweave.web.forms import model_field, offer_campaigns
from netweave.web.forms.networks import PersonChoiceField, offer_people
from netweave.web.views.base import StyledForm
from netweave.work.models import Playbook, Setting, Task
from netweave.work.selectors import (
    assignable_networks_for,
    assignable_people_for,
    playbooks_for,
)
from netweave.work.services import MAX_REPORT_NUMBER

# The "how long" filter: short pieces of work are the way in for most people.
MINUTES_CHOICES = [
    ("", _("Any length")), ("15", _("15 minutes or less")), ("30", _("30 minutes or less")),
    ("60", _("An hour or less")), ("120", _("Two hours or less")),
]


class PlaybookFilterForm(StyledForm):
    setting = forms.ChoiceField(label=_("Where"), required=False,
                                choices=[("", _("Anywhere")), *Setting.choices])
    max_minutes = forms.TypedChoiceField(label=_("Time"), required=False, coerce=int,
                                         empty_value=None, choices=MINUTES_CHOICES)
    discreet_only = forms.BooleanField(label=_("Safe for discreet people"), required=False)

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"setting": data.get("setting", ""), "max_minutes": data.get("max_minutes"),
                "discreet_only": bool(data.get("discreet_only"))}


class TaskFilterForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *Task.Status.choices])
    open = forms.BooleanField(label=_("Open only"), required=False)

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"status": data.get("status", ""), "open_only": bool(data.get("open"))}


class TaskAssignForm(StyledForm):
    """Give a playbook to one person or one network. The choices are who the viewer may give
    work to, so organizers see their chapter, conveners their networks, members themselves."""

    playbook = forms.ModelChoiceField(label=_("Playbook"), queryset=Playbook.objects.none(),
                                      to_field_name="public_id")
    person = PersonChoiceField(label=_("To a person"), required=False)
    network = forms.ModelChoiceField(label=_("Or to a network"), required=False,
                                     queryset=Network.objects.none(), to_field_name="public_id")
    due_on = forms.DateField(label=_("Due"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))
    campaign = forms.ModelChoiceField(label=_("Campaign"), required=False,
                                      to_field_name="public_id", queryset=Campaign.objects.none(),
                                      empty_label=_("No campaign"))

    def __init__(self, actor: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "playbook").queryset = playbooks_for(actor)
        networks = assignable_networks_for(actor)
        model_field(self, "network").queryset = networks
        model_field(self, "person").empty_label = _("Nobody (give it to a network)")
        model_field(self, "network").empty_label = _("No network")
        offer_campaigns(self, campaign_choices_for(actor))
        chosen = self.data.get("person") if self.is_bound else self.initial.get("person")
        offer_people(model_field(self, "person"), assignable_people_for(actor),
                     keep=str(getattr(chosen, "public_id", chosen) or ""))
        if self.data.get("playbook") or self.initial.get("playbook"):
            # The page already says which playbook; the choice travels along unseen.
            self.fields["playbook"].widget = forms.HiddenInput()
        me = scope_of(actor).person
        self.self_id = me.public_id if me is not None else ""
        if not networks.exists():
            del self.fields["network"]  # nothing to choose: members only assign themselves

    @property
    def chooses_others(self) -> bool:
        """Whether the viewer may give work to anyone but themselves (else one button)."""
        people = [value for value, _label in self.fields["person"].widget.choices if value]
        return "network" in self.fields or people not in ([], [self.self_id])


class StepForm(StyledForm):
    step = forms.IntegerField(min_value=0)
    # Hidden, not a checkbox widget: a checkbox reads any non-empty value ("0") as ticked.
    done = forms.BooleanField(required=False, widget=forms.HiddenInput)


class DropForm(StyledForm):
    reason = forms.CharField(
        label=_("Why? (optional)"), required=False, max_length=500,
        help_text=_("It helps whoever offers the next task find a better fit."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReportForm(StyledForm):
    """One number per thing the playbook counts, and a note. Built for a phone: numeric
    keyboards, nothing required, so reporting back takes under a minute."""

    def __init__(self, labels: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in labels:
            self.fields[key] = forms.IntegerField(
                label=label, required=False, min_value=0, max_value=MAX_REPORT_NUMBER,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*",
                                                "min": "0"}),
            )
        self.fields["report_note"] = forms.CharField(
            label=_("Anything to tell (optional)"), required=False, max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self.keys = [key for key, _label in labels]

    def numbers(self) -> dict[str, Any]:
        return {key: self.cleaned_data.get(key) for key in self.keys}
