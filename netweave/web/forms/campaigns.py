"""Forms for the campaign pages. They parse input; `campaigns.services` decides and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from netweave.campaigns.models import GOALS, Campaign
from netweave.campaigns.services import MAX_TARGET
from netweave.core.models import Chapter
from netweave.web.forms.events import ChapterChoiceMixin
from netweave.web.views.base import StyledForm


def _date_field(label: Any, required_message: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"required": required_message})


def _goal_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=MAX_TARGET,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*",
                                        "min": "0"}),
    )


class CampaignForm(ChapterChoiceMixin, StyledForm):
    """Name, dates, and one number per goal (left empty: not a goal of this campaign). The
    goal fields are named by goal key, which is how the service keys its errors."""

    name = forms.CharField(label=_("Name"), max_length=160,
                           error_messages={"required": _("Give the campaign a name.")})
    starts_on = _date_field(_("Starts"), _("When does the campaign start?"))
    ends_on = _date_field(_("Ends"), _("When does the campaign end?"))
    description = forms.CharField(label=_("What it is for"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, chapters: list[Chapter], campaign: Campaign | None = None,
                 **kwargs: Any) -> None:
        if campaign is not None:
            kwargs.setdefault("initial", {
                "name": campaign.name, "starts_on": campaign.starts_on,
                "ends_on": campaign.ends_on, "description": campaign.description,
                **campaign.goals,
            })
        super().__init__(*args, **kwargs)
        for key, label in GOALS.items():
            self.fields[key] = _goal_field(label)
        self.fields[next(iter(GOALS))].help_text = _(
            "Leave a goal empty if this campaign does not aim for it.")
        self.setup_chapter(chapters)

    def detail_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in GOALS]

    def goal_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in GOALS]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"], "description": data["description"],
            "starts_on": data["starts_on"], "ends_on": data["ends_on"],
            "goals": {key: data.get(key) for key in GOALS},
        }
