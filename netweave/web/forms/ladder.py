"""Forms for the ladder and follow-up pages and the no-login links. They parse input and offer
scoped choices; people.services and people.links decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from netweave.people.models import ChapterSettings, Person
from netweave.web.forms import choice_field, model_field
from netweave.web.views.base import StyledForm

NUMERIC = {"inputmode": "numeric", "pattern": "[0-9]*"}


class ChapterSettingsForm(StyledForm):
    """One number per setting, with the model's labels, help and limits."""

    def __init__(self, *args: Any, rules: ChapterSettings, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {f: getattr(rules, f) for f in ChapterSettings.LIMITS})
        super().__init__(*args, **kwargs)
        for name, (low, high) in ChapterSettings.LIMITS.items():
            field: Any = ChapterSettings._meta.get_field(name)
            self.fields[name] = forms.IntegerField(
                label=str(field.verbose_name).capitalize(), help_text=field.help_text,
                min_value=low, max_value=high,
                widget=forms.NumberInput(attrs={**NUMERIC, "min": low, "max": high}),
            )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_username())


class FollowupAssignForm(StyledForm):
    """Many people (checkboxes in the list, by public id) to one owner, by a date."""

    people = forms.MultipleChoiceField(
        label=_("People"), error_messages={"required": _("Choose at least one person.")})
    owner = OwnerChoiceField(queryset=None, label=_("Who follows them up"),
                             error_messages={"required": _("Choose who follows them up.")})
    due = forms.DateField(label=_("Follow up by"), required=False,
                          help_text=_("Leave empty to keep each person's date."),
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, owners: QuerySet[Any], candidates: list[str],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "owner").queryset = owners
        # Any public id is accepted here; the view looks each one up in the actor's scope
        # (an id outside it is refused there, not silently dropped).
        choice_field(self, "people").choices = [(c, c) for c in candidates]
        self.fields["people"].widget = forms.MultipleHiddenInput()

    def clean_people(self) -> list[str]:
        return list(dict.fromkeys(self.cleaned_data["people"]))


class DeskFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("unowned", _("Nobody follows them up")), ("pending", _("Not accepted yet")),
        ("overdue", _("Overdue")), ("open", _("Every open follow-up")),
    ])

    def value(self) -> str:
        return (self.cleaned_data.get("show") if self.is_valid() else "") or "unowned"


class DeclineForm(StyledForm):
    reason = forms.CharField(label=_("Why? (optional)"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class PersonIdForm(forms.Form):
    """One person chosen by public id, among those offered."""

    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        queryset=None, to_field_name="public_id", error_messages={"required": _("Choose someone."),
                                                    "invalid_choice": _("Choose someone.")})

    def __init__(self, *args: Any, people: QuerySet[Person], label: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_field(self, "person")
        field.queryset = people
        if label:
            field.label = label


class LinkPersonForm(StyledForm):
    """Who a no-login link is for: a member of the network (left out when the task names its
    person)."""

    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        queryset=None, to_field_name="public_id", label=_("For"), empty_label=None)

    def __init__(self, *args: Any, members: QuerySet[Person] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if members is None:
            del self.fields["person"]
        else:
            model_field(self, "person").queryset = members

    def chosen(self) -> Person | None:
        return self.cleaned_data.get("person")


class LinkSeedForm(StyledForm):
    """The no-login form to record a seeded network: short, for a phone."""

    name = forms.CharField(label=_("Name of the new network"), max_length=120,
                           error_messages={"required": _("Give the network a name.")})
    kind: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("What it does"), queryset=None, empty_label=None)
    place: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Where"), queryset=None, required=False, to_field_name="public_id",
        empty_label="—")
    social_grouping = forms.CharField(
        label=_("Who is in it"), max_length=120, required=False,
        help_text=_("For example: family and friends, classmates, co-workers."))
    description = forms.CharField(label=_("Anything to tell (optional)"), required=False,
                                  max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, kinds: QuerySet[Any], places: QuerySet[Any],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "kind").queryset = kinds
        model_field(self, "place").queryset = places
