"""Forms for the learning pages. They parse input and offer scoped choices;
`learning.services` decides and writes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import global_settings, settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from netweave.core.models import Chapter
from netweave.learning.models import Engagement, Guide, Resource
from netweave.learning.selectors import resource_languages_for
from netweave.learning.services import MAX_MINUTES, MAX_PEOPLE
from netweave.networks.models import Network
from netweave.web.forms import choice_field, model_field
from netweave.web.forms.events import ChapterChoiceMixin
from netweave.web.views.base import StyledForm

NUMBER = {"inputmode": "numeric", "pattern": "[0-9]*", "min": "1"}


def language_choices(codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """The interface's languages first (most resources are in them), then every other
    language Django knows (not its regional variants), by name in the viewer's language
    (Django translates these). `codes`: only those."""
    names = dict(global_settings.LANGUAGES)
    first = [code for code, _name in settings.LANGUAGES]
    rest = sorted((c for c in names if c not in first and "-" not in c),
                  key=lambda c: gettext(names[c]))
    wanted = set(codes) if codes is not None else None
    return [(code, gettext(names[code])) for code in first + rest
            if wanted is None or code in wanted]


def _date_field(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required,
                           widget=forms.DateInput(attrs={"type": "date"}))


class ResourceFilterForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("Any kind")), *Resource.Kind.choices])
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, actor: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the languages the actor's resources are in: a filter that finds nothing helps
        # nobody.
        choice_field(self, "language").choices = [
            ("", _("Any language")), *language_choices(resource_languages_for(actor))]

    def filters(self) -> dict[str, str]:
        """The valid filters; a filter the user mistyped is dropped and shown as an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"kind": data.get("kind", ""), "language": data.get("language", "")}


class ResourceForm(ChapterChoiceMixin, StyledForm):
    """What a resource is and where to find it. The link is checked by the service (web
    links only), so its message is the same from every front door."""

    title = forms.CharField(label=_("Title"), max_length=200,
                            error_messages={"required": _("Give the resource a title.")})
    kind = forms.ChoiceField(label=_("Kind"), choices=Resource.Kind.choices)
    url = forms.CharField(label=_("Link"), max_length=500,
                          widget=forms.URLInput(attrs={"placeholder": "https://"}),
                          error_messages={"required": _("Give the link where people find it.")})
    minutes = forms.IntegerField(label=_("Length in minutes"), required=False, min_value=1,
                                 max_value=MAX_MINUTES, widget=forms.NumberInput(attrs=NUMBER))
    language = forms.ChoiceField(label=_("Language"))
    summary = forms.CharField(label=_("What it is about"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, chapters: list[Chapter], resource: Resource | None = None,
                 **kwargs: Any) -> None:
        if resource is not None:
            kwargs.setdefault("initial", {f: getattr(resource, f) for f in (
                "title", "kind", "url", "minutes", "language", "summary")})
        super().__init__(*args, **kwargs)
        choices = language_choices()
        if resource is not None and resource.language not in dict(choices):
            choices += language_choices([resource.language]) or [(resource.language,) * 2]
        choice_field(self, "language").choices = choices
        self.setup_chapter(chapters)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {f: data.get(f) for f in ("kind", "title", "url", "minutes", "language",
                                        "summary")}


class EngagementForm(StyledForm):
    """What the person did with a resource. The network is offered only when they are in one."""

    how = forms.ChoiceField(label=_("What did you do?"), choices=Engagement.How.choices,
                            widget=forms.RadioSelect)
    people = forms.IntegerField(
        label=_("With how many people?"), required=False, min_value=1, max_value=MAX_PEOPLE,
        help_text=_("For sharing it or showing it to others."),
        widget=forms.NumberInput(attrs=NUMBER))
    network = forms.ModelChoiceField(label=_("As part of a network"), required=False,
                                     queryset=Network.objects.none(), to_field_name="public_id",
                                     empty_label=_("No, on my own"))
    occurred_on = _date_field(_("When"), required=False)

    def __init__(self, *args: Any, networks: QuerySet[Network], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"how": Engagement.How.WATCHED,
                                      "occurred_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        if networks.exists():
            model_field(self, "network").queryset = networks
        else:
            del self.fields["network"]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"how": data["how"], "people": data.get("people"),
                "network": data.get("network"), "occurred_on": data.get("occurred_on")}


class GuideForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200,
                            error_messages={"required": _("Give the guide a title.")})
    minutes = forms.IntegerField(label=_("Time needed, in minutes"), min_value=1,
                                 max_value=MAX_MINUTES, initial=60,
                                 widget=forms.NumberInput(attrs=NUMBER))
    steps = forms.CharField(label=_("Steps to run the session"), required=False,
                            help_text=_("One step a line."),
                            widget=forms.Textarea(attrs={"rows": 6}))
    questions = forms.CharField(label=_("Questions to discuss"), required=False,
                                help_text=_("One question a line."),
                                widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, guide: Guide | None = None, **kwargs: Any) -> None:
        if guide is not None:
            kwargs.setdefault("initial", {
                "title": guide.title, "minutes": guide.minutes,
                "steps": "\n".join(guide.steps), "questions": "\n".join(guide.questions)})
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {f: data.get(f) for f in ("title", "minutes", "steps", "questions")}


class SessionForm(StyledForm):
    """A discussion session a network held: which network, when, how many came."""

    network = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.none(),
                                     to_field_name="public_id")
    guide = forms.ModelChoiceField(label=_("Guide used"), required=False,
                                   queryset=Guide.objects.none(), to_field_name="public_id",
                                   empty_label=_("None"))
    held_on = _date_field(_("Held on"))
    attendance = forms.IntegerField(label=_("How many came"), min_value=1,
                                    max_value=MAX_PEOPLE, widget=forms.NumberInput(attrs=NUMBER))
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, networks: QuerySet[Network], guides: QuerySet[Guide],
                 **kwargs: Any) -> None:
        kwargs["initial"] = {"held_on": timezone.localdate(), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        model_field(self, "network").queryset = networks
        if guides.exists():
            model_field(self, "guide").queryset = guides
        else:
            del self.fields["guide"]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {f: data.get(f) for f in ("network", "guide", "held_on", "attendance", "notes")}
