"""Forms for the web pages. They parse input and offer scoped choices; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms


def model_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's field `name`, typed as the ModelChoiceField (or ModelMultipleChoiceField) it
    is, so its queryset and empty label can be set after the form is built."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def offer_campaigns(form: forms.BaseForm, campaigns: Any) -> None:
    """Offer `campaigns` in the form's optional "campaign" field, or drop the field when there
    is none to choose (the form stays short)."""
    if campaigns.exists():
        model_field(form, "campaign").queryset = campaigns
    else:
        del form.fields["campaign"]


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, typed as the ChoiceField it is, so its choices can be set."""
    return cast(forms.ChoiceField, form.fields[name])
