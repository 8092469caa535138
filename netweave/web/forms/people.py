"""Forms for the people pages. Each form's cleaned_data is exactly its service's keywords."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from netweave.people.models import Constraint, FollowUp, Person, Stage
from netweave.web.forms import choice_field
from netweave.web.views.base import StyledForm


class Checkboxes(forms.CheckboxSelectMultiple):
    template_name = "web/people/_choices.html"


class PlaceChoiceField(forms.ModelChoiceField):
    """Places by name; with the chapter's name too when the viewer organizes several."""

    def __init__(self, queryset: QuerySet[Any], *, show_chapter: bool = False) -> None:
        super().__init__(queryset, required=False, to_field_name="public_id",
                         label=_("Place"), empty_label="—")
        self.show_chapter = show_chapter

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.chapter} · {obj.name}" if self.show_chapter else obj.name


class PeopleFilterForm(forms.Form):
    """The search box and filters of the people list (GET)."""

    template_name = "web/_form.html"

    search = forms.CharField(label=_("Search"), required=False, max_length=100,
                             widget=forms.TextInput(attrs={"type": "search"}))
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    followup = forms.ChoiceField(label=_("Follow-up"), required=False)
    place_id = forms.ChoiceField(label=_("Place"), required=False)

    def __init__(self, data: Any, *, places: QuerySet[Any]) -> None:
        super().__init__(data)
        anything = [("", _("Any"))]
        choice_field(self, "stage").choices = anything + list(Stage.choices)
        choice_field(self, "followup").choices = anything + list(FollowUp.choices)
        choice_field(self, "place_id").choices = anything + [
            (p.public_id, p.name) for p in places
        ]

    def filters(self) -> dict[str, Any]:
        """The filters to apply: none of them if any is unusable (the errors say which)."""
        return self.cleaned_data if self.is_valid() else {}


class PersonForm(StyledForm):
    """A person's name and situation, as an organizer or the person themselves edits them."""

    display_name = forms.CharField(
        label=_("Name"), max_length=120, help_text=_("A first name or a pseudonym is fine.")
    )
    social_grouping = forms.CharField(
        label=_("Social grouping"), max_length=120, required=False,
        help_text=_("For example: family and friends, classmates, co-workers."),
    )
    hours_per_week = forms.DecimalField(
        label=_("Hours a week"), min_value=0, max_value=80, max_digits=4, decimal_places=1,
        initial=1, help_text=_("About how much time they have for the work."),
    )
    availability = forms.CharField(
        label=_("When"), max_length=120, required=False,
        help_text=_("For example: weekday evenings, Saturdays."),
    )
    constraints = forms.MultipleChoiceField(
        label=_("Things to keep in mind"), choices=Constraint.choices, required=False,
        widget=Checkboxes,
    )
    languages = forms.CharField(
        label=_("Languages"), max_length=200, required=False,
        help_text=_("Separated by commas, for example: English, Spanish."),
    )
    discreet = forms.BooleanField(
        label=_("Discreet"), required=False,
        help_text=_("Must not be visible or contacted openly. Only organizers see them."),
    )
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))

    field_order = ["display_name", "place", "social_grouping", "hours_per_week", "availability",
                   "constraints", "languages", "discreet", "notes"]

    def __init__(self, *args: Any, places: QuerySet[Any], show_chapter: bool = False,
                 with_notes: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"] = PlaceChoiceField(places, show_chapter=show_chapter)
        if not with_notes:
            # Notes are the organizers' working notes; the person_update service ignores them
            # from anyone else, so the field is not offered rather than silently dropped.
            del self.fields["notes"]
        self.order_fields(self.field_order)

    def clean_languages(self) -> list[str]:
        parts = (part.strip() for part in self.cleaned_data["languages"].split(","))
        return list(dict.fromkeys(part for part in parts if part))

    @staticmethod
    def initial_from(person: Person) -> dict[str, Any]:
        return {
            "display_name": person.display_name, "place": person.place,
            "social_grouping": person.social_grouping, "hours_per_week": person.hours_per_week,
            "availability": person.availability, "constraints": person.constraints,
            "languages": ", ".join(person.languages), "discreet": person.discreet,
            "notes": person.notes,
        }


class PersonCreateForm(PersonForm):
    """Recording someone: their situation, the channels they agreed to, and the chapter."""

    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    field_order = ["chapter", "display_name", "email", "phone", *PersonForm.field_order[1:]]

    def __init__(self, *args: Any, chapters: QuerySet[Any], **kwargs: Any) -> None:
        self.chapters = list(chapters)
        super().__init__(*args, show_chapter=len(self.chapters) > 1, **kwargs)
        if len(self.chapters) > 1:
            self.fields["chapter"] = forms.ModelChoiceField(
                chapters, label=_("Chapter"), to_field_name="public_id"
            )
            self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "chapter" not in self.fields and self.chapters:
            data["chapter"] = self.chapters[0]
        return data


class FollowupForm(StyledForm):
    """One follow-up step; only organizers may hand the follow-up to someone else."""

    status = forms.ChoiceField(label=_("Follow-up"), choices=FollowUp.choices)
    due = forms.DateField(
        label=_("Next follow-up by"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("What happened"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, owners: QuerySet[Any] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"] = forms.ModelChoiceField(
                owners, label=_("Who follows up"), required=False, empty_label="—"
            )
            self.order_fields(["status", "owner", "due", "note"])

    @staticmethod
    def initial_from(person: Person) -> dict[str, Any]:
        return {"status": person.followup_status, "owner": person.followup_owner_id,
                "due": person.followup_due}
