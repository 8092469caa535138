"""Forms for the event pages. They parse input; the services in `events.services` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from netweave.campaigns.models import Campaign
from netweave.campaigns.selectors import campaign_choices_for
from netweave.core.models import Chapter, Place
from netweave.core.scope import scope_of
from netweave.core.selectors import places_for
from netweave.events.models import Attendance, Event
from netweave.events.selectors import checkin_candidates, host_networks_for
from netweave.networks.models import Network
from netweave.people.models import Person
from netweave.web.forms import model_field, offer_campaigns
from netweave.web.views.base import StyledForm

# What <input type="datetime-local"> sends and expects back (minutes, no seconds).
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


def datetime_local_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.Field:
    return forms.DateTimeField(
        label=label, required=required, widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"], **kwargs,
    )


class ChapterChoiceMixin:
    """A chapter field only for those who act in more than one chapter; otherwise the one
    chapter is implied and the form stays short."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def setup_chapter(self, chapters: list[Chapter]) -> None:
        self._chapters = chapters
        if len(chapters) > 1:
            self.fields = {
                "chapter": forms.ModelChoiceField(
                    label=_("Chapter"), to_field_name="public_id",
                    queryset=Chapter.objects.filter(id__in=[c.id for c in chapters]),
                ),
                **self.fields,
            }

    @property
    def chapter(self) -> Chapter:
        return self.cleaned_data.get("chapter") or self._chapters[0]


class EventForm(ChapterChoiceMixin, StyledForm):
    """Create or edit an event. Conveners who do not organize the chapter must name one of
    their own networks as host (`event_create` and `event_update` enforce it too)."""

    title = forms.CharField(label=_("Title"), max_length=160,
                            error_messages={"required": _("Give the event a title.")})
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    starts_at = datetime_local_field(_("Starts"),
                                     error_messages={"required": _("When does it start?")})
    ends_at = datetime_local_field(_("Ends"), required=False)
    place = forms.ModelChoiceField(label=_("Place"), required=False, to_field_name="public_id",
                                   queryset=Place.objects.none(), empty_label=_("None"))
    location = forms.CharField(label=_("Where exactly"), max_length=200, required=False,
                               help_text=_("An address or a room. Shown on the public page."))
    host_network: forms.ModelChoiceField[Network] = forms.ModelChoiceField(
        label=_("Host network"), required=False, to_field_name="public_id", queryset=None)
    is_public = forms.BooleanField(
        label=_("Public page: anyone with the link can see it and RSVP"), required=False,
        initial=True,
    )
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    campaign = forms.ModelChoiceField(label=_("Campaign"), required=False,
                                      to_field_name="public_id", queryset=Campaign.objects.none(),
                                      empty_label=_("No campaign"))

    def __init__(self, *args: Any, actor: Any, chapters: list[Chapter],
                 event: Event | None = None, **kwargs: Any) -> None:
        if event is not None:
            kwargs.setdefault("initial", {f: getattr(event, f) for f in self.service_fields()})
        super().__init__(*args, **kwargs)
        chapter_ids = [c.id for c in chapters]
        model_field(self, "place").queryset = places_for(actor, chapter_ids=chapter_ids)
        hosts = model_field(self, "host_network")
        hosts.queryset = host_networks_for(
            actor, chapter_ids, keep_id=event.host_network_id if event else None)
        if not any(scope_of(actor).organizes(cid) for cid in chapter_ids):
            hosts.required = True
            hosts.empty_label = None
            hosts.help_text = _("Events you create are hosted by a network you convene.")
        offer_campaigns(self, campaign_choices_for(
            actor, chapter_ids=chapter_ids, keep_id=event.campaign_id if event else None))
        self.setup_chapter(chapters)

    @staticmethod
    def service_fields() -> tuple[str, ...]:
        return ("title", "kind", "description", "starts_at", "ends_at", "place", "location",
                "host_network", "is_public", "campaign")

    def values(self) -> dict[str, Any]:
        """The service's values; without a campaign field (none to choose), the event keeps
        its campaign."""
        return {f: self.cleaned_data[f] for f in self.service_fields() if f in self.fields}


class EventFilterForm(forms.Form):
    when = forms.ChoiceField(
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))], required=False,
    )

    def upcoming(self) -> bool:
        return not (self.is_valid() and self.cleaned_data["when"] == "past")


class RsvpForm(forms.Form):
    rsvp = forms.ChoiceField(choices=[
        (Attendance.Rsvp.YES, Attendance.Rsvp.YES.label),
        (Attendance.Rsvp.MAYBE, Attendance.Rsvp.MAYBE.label),
        (Attendance.Rsvp.NO, Attendance.Rsvp.NO.label),
    ])


class CheckInSearchForm(StyledForm):
    find = forms.CharField(label=_("Check in someone by name"), required=False, max_length=80)

    def term(self) -> str:
        return self.cleaned_data["find"] if self.is_valid() else ""


class CheckInForm(forms.Form):
    """One person's check-in (or its undoing), from a button on the event page."""

    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        queryset=None, to_field_name="public_id",
        error_messages={"invalid_choice": _("That person cannot be checked in here.")})
    attended = forms.TypedChoiceField(choices=[("1", _("Came")), ("0", _("Did not come"))],
                                      coerce=lambda v: v == "1", initial="1")

    def __init__(self, *args: Any, actor: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "person").queryset = checkin_candidates(actor, event)
