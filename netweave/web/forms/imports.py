"""Forms of the import pages: the file to upload, and which field each CSV column fills.

They parse input only; netweave.imports.services decides whether a file or a mapping is usable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from netweave.web.forms import choice_field
from netweave.web.forms.people import Checkboxes
from netweave.web.views.base import StyledForm


class UploadForm(StyledForm):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("An export from Action Network, NationBuilder, Mobilize, CiviCRM or Google "
                    "Forms, or any spreadsheet saved as CSV with a header row."),
        error_messages={"required": _("Choose a CSV file to upload."),
                        "empty": _("This file is empty."),
                        "invalid": _("This is not a file. Choose a CSV file to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def column_field_name(index: int) -> str:
    """Columns are named by position: a CSV header may be any text, even a duplicate."""
    return f"col_{index}"


class MappingForm(StyledForm):
    """One select per CSV column, pre-filled with the engine's proposal (or the user's last
    choice), offering every target field and "do not import"."""

    def __init__(self, data: Any = None, *, headers: Sequence[str],
                 targets: Sequence[tuple[str, Any]], mapping: dict[str, str]) -> None:
        super().__init__(data)
        self.headers = list(headers)
        choices = [("", _("— do not import —")), *((key, label) for key, label in targets)]
        for index, header in enumerate(self.headers):
            self.fields[column_field_name(index)] = forms.ChoiceField(
                label=header or _("(column %(n)d, no name)") % {"n": index + 1},
                choices=choices, required=False, initial=mapping.get(header, ""),
            )

    def mapping(self) -> dict[str, str]:
        """{CSV column -> target key or ""} from the valid form, in the file's column order."""
        return {header: self.cleaned_data.get(column_field_name(i)) or ""
                for i, header in enumerate(self.headers)}

    def chosen(self) -> dict[str, str]:
        """What the user picked, valid or not, to keep their choices when the page returns."""
        if self.is_bound:
            return {h: str(self.data.get(column_field_name(i), ""))
                    for i, h in enumerate(self.headers)}
        return {h: str(self.fields[column_field_name(i)].initial or "")
                for i, h in enumerate(self.headers)}


MAX_TAGS = 50


def tag_field_name(tag: str) -> str:
    """A tag's field, named by a digest of the tag: any text makes a valid, stable name."""
    return "tag_" + hashlib.sha256(tag.casefold().encode()).hexdigest()[:12]


def posted_tags(data: Any) -> list[str]:
    """The tags the page offered rules for (hidden inputs), so the POST builds the same fields."""
    return [t[:100] for t in data.getlist("rules-tags")[:MAX_TAGS] if t.strip()]


class RulesForm(StyledForm):
    """The run's rules (its `defaults`): networks everyone joins, a place and a way in for rows
    without one, and what each tag in the file becomes. Prefixed "rules", as it shares one
    <form> with the column selects."""

    networks = forms.MultipleChoiceField(
        label=_("Everyone joins these networks"), required=False,
        widget=Checkboxes)
    place = forms.ChoiceField(label=_("Place, for rows without one"), required=False)
    source = forms.ChoiceField(label=_("How they came in, for rows that do not say"),
                               required=False)

    def __init__(self, data: Any = None, *, defaults: dict[str, Any], networks: Sequence[str],
                 places: Sequence[str], sources: Sequence[tuple[str, Any]],
                 tags: Sequence[str], tag_targets: Sequence[tuple[str, Any]]) -> None:
        super().__init__(data, prefix="rules")
        self.tags = list(tags)
        fields = self.fields
        choice_field(self, "networks").choices = [(n, n) for n in networks]
        choice_field(self, "place").choices = [("", _("None")), *((p, p) for p in places)]
        choice_field(self, "source").choices = [("", _("Not said")), *sources]
        fields["networks"].initial = list(defaults.get("networks") or [])
        fields["place"].initial = defaults.get("place", "")
        fields["source"].initial = defaults.get("source", "")
        if not networks:
            del fields["networks"]
        if not places:
            del fields["place"]
        rules = {k.casefold(): v for k, v in (defaults.get("tags") or {}).items()}
        for tag in self.tags:
            choices = [("", _("Leave out")), *tag_targets,
                       (f"interest:{tag}", _("An interest: “%(tag)s”") % {"tag": tag})]
            fields[tag_field_name(tag)] = forms.ChoiceField(
                label=_("Tag “%(tag)s”") % {"tag": tag}, choices=choices, required=False,
                initial=rules.get(tag.casefold(), ""))

    def defaults(self) -> dict[str, Any]:
        """The `defaults` for import_set_mapping, from the valid form."""
        d = self.cleaned_data
        tags = {tag: d[tag_field_name(tag)] for tag in self.tags if d.get(tag_field_name(tag))}
        out: dict[str, Any] = {"networks": d.get("networks") or [], "place": d.get("place", ""),
                               "source": d.get("source", ""), "tags": tags}
        return {k: v for k, v in out.items() if v}

