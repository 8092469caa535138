"""Forms for outreach sessions and sign-up codes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netweave.core.models import Chapter, Place
from netweave.core.scope import scope_of
from netweave.core.selectors import places_for
from netweave.networks.models import Network
from netweave.outreach.selectors import (
    code_networks_for,
    outreach_networks_for,
    outreach_participants_for,
)
from netweave.outreach.services import COUNT_FIELDS
from netweave.people.models import Person
from netweave.web.forms import model_field
from netweave.web.forms.events import ChapterChoiceMixin, datetime_local_field
from netweave.web.views.base import StyledForm

# Past this many names a list of checkboxes is too long on a phone; a native multiple select
# (a picker on phones) stays usable.
CHECKBOX_LIMIT = 25


def count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=1_000_000, initial=0,
                              required=False, widget=forms.NumberInput(attrs={"inputmode":
                                                                              "numeric"}))


class OutreachForm(ChapterChoiceMixin, StyledForm):
    started_at = datetime_local_field(_("When"))
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60, initial=60)
    place = forms.ModelChoiceField(label=_("Place"), required=False, to_field_name="public_id",
                                   queryset=Place.objects.none(), empty_label=_("None"))
    location = forms.CharField(label=_("Where exactly"), max_length=200, required=False,
                               help_text=_("A corner, a gate, a campus: a place or this."))
    network: forms.ModelChoiceField[Network] = forms.ModelChoiceField(
        label=_("Network"), required=False, to_field_name="public_id", queryset=None,
        empty_label=_("None (on my own)"))
    participants: forms.ModelMultipleChoiceField[Person] = forms.ModelMultipleChoiceField(
        label=_("Who took part"), required=False, to_field_name="public_id", queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People with an account or in a network. Leave empty for just you."),
    )
    flyers = count_field(_("Flyers out"))
    posters = count_field(_("Posters up"))
    other_materials = count_field(_("Other materials out"))
    conversations = count_field(_("Conversations"))
    contacts_made = count_field(_("Contacts made"))
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, actor: Any, chapters: list[Chapter], **kwargs: Any) -> None:
        me = scope_of(actor).person
        kwargs.setdefault("initial", {
            "started_at": timezone.localtime().replace(second=0, microsecond=0),
            "participants": [me.public_id] if me is not None else [],
        })
        super().__init__(*args, **kwargs)
        chapter_ids = [c.id for c in chapters]
        model_field(self, "place").queryset = places_for(actor, chapter_ids=chapter_ids)
        model_field(self, "network").queryset = outreach_networks_for(actor, chapter_ids)
        people = model_field(self, "participants")
        participants = outreach_participants_for(actor, chapter_ids)
        people.queryset = participants
        if participants.count() > CHECKBOX_LIMIT:
            people.widget = forms.SelectMultiple(attrs={"size": 8})
            people.widget.choices = people.choices
        self.setup_chapter(chapters)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {f: data[f] for f in ("started_at", "minutes", "place", "location",
                                       "network", "notes")}
        values["participants"] = list(data["participants"])
        values.update({f: data[f] or 0 for f in COUNT_FIELDS})
        return values


class CodeNewForm(forms.Form):
    """Ask for one's personal code (no network) or a convened network's code."""

    network: forms.ModelChoiceField[Network] = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="public_id",
        error_messages={"invalid_choice": _(
            "You can only get the code of a network you convene.")})

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "network").queryset = code_networks_for(actor)

    def networks(self) -> list[Any]:
        networks = model_field(self, "network").queryset
        return list(networks) if networks is not None else []
