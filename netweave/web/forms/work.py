"""Forms for playbooks and tasks. They parse and offer scoped choices; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from netweave.campaigns.models import Campaign
from netweave.campaigns.selectors import campaign_choices_for
from netweave.core.scope import scope_of
from netweave.networks.models import Network, NetworkKind
from netweave.people.models import Constraint, Person, Stage, Visibility
from netweave.web.forms import choice_field, model_field, offer_campaigns
from netweave.web.forms.networks import PersonChoiceField, offer_people
from netweave.web.forms.people import Checkboxes, PlaceChoiceField
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


class Radios(forms.RadioSelect):
    """Radio buttons one per line, readable on a phone (as the people forms' checkboxes)."""

    template_name = "web/people/_choices.html"


# --- A chapter's own playbooks -----------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PlaybookForm(StyledForm):
    """Every field of a playbook, in the order someone writing one thinks of them. Lists
    (steps, what to count) are one per line; the Spanish version is optional."""

    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(label=_("What it is, in a sentence or two"), required=False,
                              max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    steps = forms.CharField(label=_("Steps, from beginning to end"),
                            help_text=_("One step per line."), max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 5}))
    minutes = forms.IntegerField(label=_("Minutes needed"), min_value=1, max_value=2400,
                                 initial=30,
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    setting = forms.ChoiceField(label=_("Where it happens"), choices=Setting.choices,
                                widget=Radios)
    visibility = forms.TypedChoiceField(label=_("How public-facing"), coerce=int, initial=1,
                                        choices=Visibility.choices, widget=Radios)
    discreet_safe = forms.BooleanField(
        label=_("Safe for discreet people"), required=False,
        help_text=_("Leaves no trace that points to the person: no name, no photo, no post."),
    )
    suitable_for = forms.MultipleChoiceField(
        label=_("Also suits people with"), choices=Constraint.choices, required=False,
        widget=Checkboxes,
        help_text=_("Tick what this work was cut to fit; matching offers it to them then."),
    )
    min_stage = forms.ChoiceField(label=_("Suits people from this stage on"),
                                  choices=Stage.choices, initial=Stage.CONTACT)
    builds_toward = forms.ModelChoiceField(label=_("Builds toward a network of kind"),
                                           queryset=NetworkKind.objects.none(), required=False,
                                           empty_label="—")
    report_labels = forms.CharField(
        label=_("What to report back"), required=False, max_length=2000,
        help_text=_("One number per line, for example: Flyers given out."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    prepare = forms.CharField(label=_("Read or watch first"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    es_title = forms.CharField(label=_("Title in Spanish"), required=False, max_length=120)
    es_summary = forms.CharField(label=_("Summary in Spanish"), required=False, max_length=1000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    es_steps = forms.CharField(label=_("Steps in Spanish"), required=False, max_length=4000,
                               help_text=_("As many lines as the steps above, or none."),
                               widget=forms.Textarea(attrs={"rows": 5}))
    es_report_labels = forms.CharField(
        label=_("What to report back, in Spanish"), required=False, max_length=2000,
        help_text=_("In the same order as above."), widget=forms.Textarea(attrs={"rows": 3}),
    )
    es_prepare = forms.CharField(label=_("Read or watch first, in Spanish"), required=False,
                                 max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(label=_("Offered (untick to retire it)"), required=False,
                                initial=True)

    def __init__(self, *args: Any, kinds: Any, chapters: Any = None, editing: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "builds_toward").queryset = kinds
        if not editing:
            del self.fields["active"]
        if chapters is not None and len(chapters) > 1:
            self.fields["chapter"] = forms.ModelChoiceField(
                chapters, label=_("Chapter"), to_field_name="public_id")
            self.order_fields(["chapter"])

    def service_values(self, old: Playbook | None = None) -> dict[str, Any]:
        """The cleaned input as `playbook_create` / `playbook_update` keywords."""
        from netweave.work.services import report_fields_from

        data = self.cleaned_data
        report_fields = report_fields_from(_lines(data["report_labels"]),
                                           old.report_fields if old else None)
        es_labels = _lines(data["es_report_labels"])
        es = {
            "title": data["es_title"].strip(), "summary": data["es_summary"].strip(),
            "steps": _lines(data["es_steps"]), "prepare": data["es_prepare"].strip(),
            "report_labels": {f["key"]: label for f, label in zip(report_fields, es_labels,
                                                                  strict=False)},
        }
        es = {key: value for key, value in es.items() if value}
        values = {
            "title": data["title"], "summary": data["summary"], "steps": _lines(data["steps"]),
            "minutes": data["minutes"], "setting": data["setting"],
            "visibility": data["visibility"], "discreet_safe": data["discreet_safe"],
            "suitable_for": data["suitable_for"], "min_stage": data["min_stage"],
            "builds_toward": data["builds_toward"], "report_fields": report_fields,
            "prepare": data["prepare"], "translations": {"es": es} if es else {},
        }
        if "active" in self.fields:
            values["active"] = data["active"]
        return values

    @staticmethod
    def initial_from(playbook: Playbook) -> dict[str, Any]:
        es = playbook.translations.get("es", {})
        es_labels = es.get("report_labels", {})
        return {
            "title": playbook.title, "summary": playbook.summary,
            "steps": "\n".join(playbook.steps), "minutes": playbook.minutes,
            "setting": playbook.setting, "visibility": playbook.visibility,
            "discreet_safe": playbook.discreet_safe, "suitable_for": playbook.suitable_for,
            "min_stage": playbook.min_stage, "builds_toward": playbook.builds_toward,
            "report_labels": "\n".join(f["label"] for f in playbook.report_fields),
            "prepare": playbook.prepare, "es_title": es.get("title", ""),
            "es_summary": es.get("summary", ""), "es_steps": "\n".join(es.get("steps", [])),
            "es_report_labels": "\n".join(es_labels.get(f["key"], "")
                                          for f in playbook.report_fields),
            "es_prepare": es.get("prepare", ""), "active": playbook.active,
        }


# --- A person's situation in a few taps --------------------------------------------------------

# Stored as hours a week (Person.hours_per_week); 0.2 hours is twelve minutes.
HOURS_CHOICES = [
    ("0.2", _("About 10 minutes")), ("0.5", _("Half an hour")), ("1.0", _("An hour")),
    ("2.0", _("Two hours")), ("4.0", _("Half a day (4 hours)")),
    ("8.0", _("A day or more (8 hours)")),
]
# Stored in Person.availability as these words, joined with commas.
WHEN_CHOICES = [
    ("weekday mornings", _("Weekday mornings")), ("weekday afternoons", _("Weekday afternoons")),
    ("weekday evenings", _("Weekday evenings")), ("weekends", _("Weekends")),
    ("any time", _("Any time")),
]


class SituationForm(StyledForm):
    """Hours, when, constraints, languages, how public, interests and place: all taps, no
    typing. Values the person had that the choices do not name are offered too (ticked), so
    saving never drops them."""

    hours_per_week = forms.TypedChoiceField(
        label=_("Time you have in a week"), choices=HOURS_CHOICES, coerce=Decimal,
        widget=Radios)
    availability = forms.MultipleChoiceField(label=_("When"), choices=WHEN_CHOICES,
                                             required=False, widget=Checkboxes)
    constraints = forms.MultipleChoiceField(label=_("Things to keep in mind"),
                                            choices=Constraint.choices, required=False,
                                            widget=Checkboxes)
    languages = forms.MultipleChoiceField(label=_("Languages"), required=False,
                                          widget=Checkboxes)
    visibility = forms.TypedChoiceField(label=_("How public-facing"), coerce=int,
                                        choices=Visibility.choices, widget=Radios)
    discreet = forms.BooleanField(
        label=_("Must stay discreet"), required=False,
        help_text=_("Never contacted openly, never listed where others can see, never "
                    "offered work that leaves a trace."))
    interests = forms.MultipleChoiceField(
        label=_("Interests"), required=False, widget=Checkboxes,
        help_text=_("Kinds of work; what builds toward them comes first."))

    def __init__(self, *args: Any, person: Person, places: Any, kinds: Any,
                 **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_from(person))
        super().__init__(*args, **kwargs)
        self.fields["place"] = PlaceChoiceField(places)
        self.order_fields(["hours_per_week", "availability", "constraints", "languages",
                           "visibility", "discreet", "place", "interests"])
        hours = f"{Decimal(person.hours_per_week):.1f}"
        choice_field(self, "hours_per_week").choices = _with_extra(
            HOURS_CHOICES, [(hours, _("%s hours") % hours)])
        choice_field(self, "availability").choices = _with_extra(
            WHEN_CHOICES, [(v, v) for v in _parts(person.availability)])
        choice_field(self, "languages").choices = _with_extra(
            [(code, name) for code, name in settings.LANGUAGES],
            [(v, v) for v in person.languages])
        choice_field(self, "interests").choices = _with_extra(
            [(k.slug, str(k)) for k in kinds], [(v, v) for v in person.interests])

    @staticmethod
    def initial_from(person: Person) -> dict[str, Any]:
        from netweave.work.matching import language_code

        codes = {code for code, _name in settings.LANGUAGES}
        return {
            "hours_per_week": f"{Decimal(person.hours_per_week):.1f}",
            "availability": _parts(person.availability), "constraints": person.constraints,
            "languages": [language_code(v) if language_code(v) in codes else v
                          for v in person.languages],
            "visibility": person.visibility, "discreet": person.discreet,
            "place": person.place.public_id if person.place_id else "",  # type: ignore[union-attr]
            "interests": person.interests,
        }

    def clean_availability(self) -> str:
        text = ", ".join(self.cleaned_data["availability"])
        if len(text) > 120:
            raise forms.ValidationError(_("Choose fewer times."))
        return text


def _parts(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _with_extra(choices: list[tuple[str, Any]], extra: list[tuple[str, Any]],
                ) -> list[tuple[str, Any]]:
    known = {value for value, _label in choices}
    return [*choices, *((v, label) for v, label in extra if v not in known)]


class SuggestionForm(forms.Form):
    """The one-click "offer this" / "take it on": which playbook, for whom, and where to go
    back to."""

    playbook = forms.CharField(max_length=16)
    person = forms.CharField(max_length=16, required=False)
    next = forms.CharField(max_length=300, required=False)
