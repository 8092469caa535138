"""Forms for the network pages. They parse and offer choices; the services decide and write.

Every choice list comes from a selector scoped to the viewer, so a form never offers (nor
accepts) a person, place or network the viewer may not see.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from netweave.core.models import Place
from netweave.core.scope import scope_of
from netweave.core.selectors import places_for
from netweave.networks.models import Membership, Network, NetworkKind
from netweave.networks.selectors import kinds_for, networks_for
from netweave.people.models import Person
from netweave.people.selectors import people_for
from netweave.web.forms import choice_field, model_field
from netweave.web.views.base import StyledForm

# A select of thousands of names is too heavy for a phone on a slow link: the list shows this
# many, the field still accepts anyone in its queryset, and a search narrows the list.
CHOICES_SHOWN = 200


class PersonChoiceField(forms.ModelChoiceField):
    """A person picked by public id from a scoped queryset."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("to_field_name", "public_id")
        super().__init__(Person.objects.none(), **kwargs)


def offer_people(field: forms.ModelChoiceField, queryset: QuerySet[Any],
                 shown: QuerySet[Any] | None = None, keep: str = "") -> None:
    """Accept anyone in `queryset`, list at most CHOICES_SHOWN of `shown` (plus `keep`, the
    person already chosen, so a re-rendered form still shows the choice)."""
    field.queryset = queryset
    listed = list((shown if shown is not None else queryset)[:CHOICES_SHOWN])
    if keep and all(p.public_id != keep for p in listed):
        listed[:0] = list(queryset.filter(public_id=keep))
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = empty + [(p.public_id, p.display_name) for p in listed]


class NetworkFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *Network.Status.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    place = forms.ChoiceField(label=_("Place"), required=False)

    def __init__(self, actor: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chapter_id = scope_of(actor).home_chapter_id
        choice_field(self, "kind").choices = [("", _("Any kind"))] + [
            (k.slug, str(k)) for k in kinds_for(actor, chapter_id)
        ]
        choice_field(self, "place").choices = [("", _("Anywhere"))] + [
            (p.public_id, p.name) for p in places_for(actor)
        ]

    def filters(self) -> dict[str, Any]:
        """The valid filters; a filter the user mistyped is dropped and shown as an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": data.get("q", ""), "status": data.get("status", ""),
            "kind": data.get("kind", ""), "place_id": data.get("place", ""),
        }


class NetworkForm(StyledForm):
    """The fields every network has; subclasses add who convenes it or its status."""

    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=NetworkKind.objects.none())
    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.none(),
                                   required=False, to_field_name="public_id")
    social_grouping = forms.CharField(
        label=_("Social grouping"), max_length=120, required=False,
        help_text=_("For example: family and friends, classmates, co-workers."),
    )
    description = forms.CharField(label=_("What it does"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, actor: Any, chapter_id: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.chapter_id = chapter_id
        model_field(self, "kind").queryset = kinds_for(actor, chapter_id)
        model_field(self, "kind").empty_label = None
        model_field(self, "place").queryset = places_for(actor, chapter_id)

    def people(self) -> QuerySet[Any]:
        return people_for(self.actor, chapter_id=self.chapter_id)

    def chosen(self, name: str) -> str:
        """The public id already picked for a person field, from the input or the initial."""
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        return str(getattr(value, "public_id", value) or "")


class NetworkNewForm(NetworkForm):
    convener = PersonChoiceField(label=_("Convener"), required=False,
                                 help_text=_("Who brings the network together, if known."))

    def __init__(self, actor: Any, chapter_id: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(actor, chapter_id, *args, **kwargs)
        model_field(self, "convener").empty_label = _("Nobody yet")
        offer_people(model_field(self, "convener"), self.people(), keep=self.chosen("convener"))


class NetworkEditForm(NetworkForm):
    status = forms.ChoiceField(label=_("Status"), choices=Network.Status.choices)

    @classmethod
    def for_network(cls, actor: Any, network: Network, data: Any = None) -> NetworkEditForm:
        initial = {
            "name": network.name, "kind": network.kind_id, "place": network.place,
            "social_grouping": network.social_grouping, "description": network.description,
            "status": network.status,
        }
        return cls(actor, network.chapter_id, data=data, initial=initial)


class NetworkSeedForm(NetworkForm):
    seeded_by = PersonChoiceField(
        label=_("Seeded by"), required=False,
        help_text=_("Who brought the new network together. They convene it unless you name "
                    "someone else."),
    )
    convener = PersonChoiceField(label=_("Convener"), required=False)

    def __init__(self, actor: Any, chapter_id: int, *args: Any, **kwargs: Any) -> None:
        me = scope_of(actor).person
        kwargs.setdefault("initial", {}).setdefault("seeded_by", me.public_id if me else "")
        super().__init__(actor, chapter_id, *args, **kwargs)
        model_field(self, "convener").empty_label = _("The person who seeded it")
        people = self.people()
        for name in ("seeded_by", "convener"):
            offer_people(model_field(self, name), people, keep=self.chosen(name))


class MemberAddForm(StyledForm):
    person = PersonChoiceField(label=_("Person"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices,
                             initial=Membership.Role.MEMBER)

    def __init__(self, actor: Any, network: Network, *args: Any, search: str = "",
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = people_for(actor, chapter_id=network.chapter_id)
        shown = people_for(actor, chapter_id=network.chapter_id, search=search)
        keep = str(self.data.get("person", "")) if self.is_bound else ""
        offer_people(model_field(self, "person"), people, shown=shown, keep=keep)


class MemberSearchForm(StyledForm):
    q = forms.CharField(label=_("Find a person"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))


class MembershipRoleForm(StyledForm):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class NetworkLinkForm(StyledForm):
    other = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.none(),
                                   to_field_name="public_id")
    note = forms.CharField(label=_("How they work together"), max_length=200, required=False)

    def __init__(self, actor: Any, network: Network, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "other").queryset = networks_for(actor, chapter_id=network.chapter_id)
