"""One CSV row into the values of a person, or the reason it cannot be imported.

Pure functions over plain values (no queries): the engine resolves names of networks and places
to ids beforehand, so checking 100,000 rows costs no round trip to the database.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from netweave.people import contacts
from netweave.people.models import Constraint, Source, Visibility

NAME_MAX = 120
TEXT_MAX = 120
NOTES_MAX = 5000
LIST_ITEM_MAX = 40
# The kinds as plain strings: reading a member of a choices enum costs a descriptor call.
EMAIL = str(contacts.Kind.EMAIL.value)
PHONE = str(contacts.Kind.PHONE.value)
EMAIL_MAX = 200  # people.contacts.normalise's limit for a contact value
_SPLIT = re.compile(r"\s*[,;]\s*")
_YES = {"yes", "y", "true", "1", "x", "si", "sí"}
# Plain ASCII addresses (almost every address in a list) are accepted by this pattern alone:
# everything it matches, Django's validate_email (what people.contacts.normalise runs)
# accepts too (a dot-atom local part; labels of letters, digits and inner hyphens; a
# top-level domain of letters), at a tenth of the cost. Anything else goes through
# contacts.normalise as before, so no address is accepted that it would refuse.
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_NO = {"no", "n", "false", "0", ""}


class RowError(Exception):
    """A row that cannot be imported: a reason code and a message for the person fixing it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# Reason codes, with what the report calls them (translated when shown).
REASONS = {
    "bad_email": "Email address not valid",
    "bad_phone": "Phone number not valid",
    "no_name": "No name and no email or phone",
    "too_long": "A value is too long",
    "unknown_network": "Network not found in the chapter",
    "unknown_place": "Place not found in the chapter",
    "bad_hours": "Hours a week not a number from 0 to 80",
    "unknown_constraint": "Unknown constraint",
    "bad_value": "A yes/no or choice value not understood",
    "too_many_cells": "More cells than the header has columns",
}


@dataclass
class Rules:
    """What the engine knows about the chapter, resolved once per run."""

    columns: list[tuple[int, str, str]]  # (index, header, target)
    networks: dict[str, int]  # lower-cased name -> id
    places: dict[str, int]
    tag_rules: dict[str, list[tuple[str, str]]]  # lower-cased tag -> [(kind, value)]
    default_networks: list[int] = field(default_factory=list)
    default_place: int | None = None
    default_source: str = ""
    width: int = 0
    # people.contacts.hasher(): lookup_hashes with the hash keys read once per run.
    hashes: Callable[[str, str], list[str]] = contacts.lookup_hashes
    # people.contacts.sealer(): a contact value as it is stored (encrypted).
    seal: Callable[[str], str] = field(default_factory=contacts.sealer)


@dataclass
class Parsed:
    row_number: int
    cells: list[str]
    name: str
    named: bool  # False: no name in the file ("Unnamed" is used)
    emails: list[str]
    phones: list[str]
    values: dict[str, Any]  # Person fields to fill
    networks: list[int]
    source_detail: str
    # (kind, value as stored (encrypted), current-key hash, [all hashes under current and
    # previous key]) per channel. Encrypted here, in the thread that checks rows, rather than
    # when the batch is written, in the thread that writes.
    channels: list[tuple[str, str, str, list[str]]] = field(default_factory=list)
    key_hash: str = ""  # name(+place) key, for rows with no channel


def _cells_of(rules: Rules, cells: list[str]) -> dict[str, list[tuple[str, str]]]:
    """target -> [(header, non-empty stripped value)] in column order."""
    got: dict[str, list[tuple[str, str]]] = {}
    for index, header, target in rules.columns:
        if index < len(cells):
            value = cells[index].strip()
            if value:
                got.setdefault(target, []).append((header, value))
    return got


def _first(got: dict[str, list[tuple[str, str]]], key: str) -> tuple[str, str]:
    values = got.get(key)
    return values[0] if values else ("", "")


def _text(got: dict[str, list[tuple[str, str]]], key: str, limit: int = TEXT_MAX) -> str:
    header, value = _first(got, key)
    if len(value) > limit:
        raise RowError("too_long", _("“%(column)s” is longer than %(limit)d characters.")
                       % {"column": header, "limit": limit})
    return value


def _items(got: dict[str, list[tuple[str, str]]], key: str) -> list[tuple[str, str]]:
    return [(header, item) for header, value in got.get(key, [])
            for item in _SPLIT.split(value) if item]


@functools.cache
def _choices() -> tuple[dict[str, str], dict[str, int], dict[str, str]]:
    """What a cell may say for a constraint, a visibility and a source: the stored keys and the
    labels in every language the site speaks (a Spanish form's answers import too). Built on
    first use: labels can only be translated once the apps are loaded."""
    constraints = {c.value: c.value for c in Constraint}
    constraints.update({c.value.replace("_", " "): c.value for c in Constraint})
    visibility = {"private": 0, "0": 0, "friends": 1, "1": 1, "public": 2, "2": 2}
    sources = {s.value: s.value for s in Source}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            constraints.update({str(c.label).casefold(): c.value for c in Constraint})
            visibility.update({str(v.label).casefold(): int(v.value) for v in Visibility})
            sources.update({str(s.label).casefold(): s.value for s in Source})
    return constraints, visibility, sources


def name_key(chapter_id: int, name: str, place_id: int | None) -> str:
    """Keyed hash of a name (and place): recognises, on a second run, someone an import created
    with no email or phone, without storing anything that reveals the name."""
    message = f"import-name:{chapter_id}:{name.casefold()}:{place_id or ''}".encode()
    return hmac.digest(settings.NETWEAVE_HASH_KEY.encode(), message, hashlib.sha256).hex()


def parse(rules: Rules, chapter_id: int, row_number: int, cells: list[str]) -> Parsed:
    """The row's values, checked; raises RowError with the first problem found."""
    if len(cells) > rules.width and any(c.strip() for c in cells[rules.width:]):
        raise RowError("too_many_cells", _("This row has more cells than the header has "
                                           "columns: a comma may be missing its quotes."))
    got = _cells_of(rules, cells)
    name = _name(got)
    emails = _channels(got, "email", EMAIL) if "email" in got else []
    phones = _channels(got, "phone", PHONE) if "phone" in got else []
    if not name and not emails and not phones:
        raise RowError("no_name", _("No name and no email or phone: nothing to recognise "
                                    "this person by."))
    values: dict[str, Any] = {}
    _situation(rules, got, values)
    networks = list(rules.default_networks)
    for header, item in _items(got, "network"):
        network_id = rules.networks.get(item.casefold())
        if network_id is None:
            raise RowError("unknown_network", _("No network called “%(name)s” in the chapter "
                                                "(column “%(column)s”).")
                           % {"name": item[:60], "column": header})
        if network_id not in networks:
            networks.append(network_id)
    _apply_tags(rules, got, values, networks)
    source_header, source = _first(got, "source")
    source_detail = ""
    if source:
        if source.casefold() in _choices()[2]:
            values["source"] = _choices()[2][source.casefold()]
        else:
            source_detail = source[:200]
    elif rules.default_source:
        values["source"] = rules.default_source
    notes = "\n".join(v for _h, v in got["notes"]) if "notes" in got else ""
    if len(notes) > NOTES_MAX:
        raise RowError("too_long", _("The notes are longer than %(limit)d characters.")
                       % {"limit": NOTES_MAX})
    if notes:
        values["notes"] = notes
    parsed = Parsed(row_number=row_number, cells=cells, name=name if name else str(_("Unnamed")),
                    named=bool(name), emails=emails, phones=phones, values=values,
                    networks=networks, source_detail=source_detail)
    for kind, items in ((EMAIL, emails), (PHONE, phones)):
        for value in items:
            hashes = rules.hashes(kind, value)
            parsed.channels.append((kind, rules.seal(value), hashes[0], hashes))
    if not parsed.channels:
        parsed.key_hash = name_key(chapter_id, name, values.get("place_id"))
    return parsed


def _name(got: dict[str, list[tuple[str, str]]]) -> str:
    header, name = _first(got, "display_name")
    if not name:
        name = " ".join(v for v in (_first(got, "first_name")[1], _first(got, "last_name")[1])
                        if v)
        header = _first(got, "first_name")[0] or _first(got, "last_name")[0]
    name = " ".join(name.split())
    if len(name) > NAME_MAX:
        raise RowError("too_long", _("The name (“%(column)s”) is longer than %(limit)d "
                                     "characters.") % {"column": header, "limit": NAME_MAX})
    return name


def _channels(got: dict[str, list[tuple[str, str]]], key: str, kind: str) -> list[str]:
    found: list[str] = []
    for header, raw in got.get(key, []):
        if key == "email" and len(raw) <= EMAIL_MAX:  # the cells are stripped already
            value = raw.lower()
            if _PLAIN_EMAIL.fullmatch(value):
                if value not in found:
                    found.append(value)
                continue
        try:
            value = contacts.normalise(kind, raw)
        except ValidationError:
            if key == "email":
                raise RowError("bad_email", _("The email in “%(column)s” is not a valid "
                                              "address.") % {"column": header}) from None
            raise RowError("bad_phone", _("The phone number in “%(column)s” is not valid "
                                          "(at least 6 digits).") % {"column": header}) from None
        if value not in found:
            found.append(value)
    return found


def _situation(rules: Rules, got: dict[str, list[tuple[str, str]]],
               values: dict[str, Any]) -> None:
    header, place = _first(got, "place")
    if place:
        place_id = rules.places.get(place.casefold())
        if place_id is None:
            raise RowError("unknown_place", _("No place called “%(name)s” in the chapter "
                                              "(column “%(column)s”).")
                           % {"name": place[:60], "column": header})
        values["place_id"] = place_id
    elif rules.default_place:
        values["place_id"] = rules.default_place
    for key in ("social_grouping", "availability"):
        text = _text(got, key)
        if text:
            values[key] = text
    header, hours = _first(got, "hours_per_week")
    if hours:
        try:
            number = Decimal(hours.replace(",", "."))
        except InvalidOperation:
            number = Decimal(-1)
        if not (0 <= number <= 80):
            raise RowError("bad_hours", _("“%(column)s” must be a number of hours from 0 to "
                                          "80.") % {"column": header})
        values["hours_per_week"] = number.quantize(Decimal("0.1"))
    constraints = []
    for header, item in _items(got, "constraints"):
        value = _choices()[0].get(item.casefold())
        if value is None:
            raise RowError("unknown_constraint", _("“%(value)s” in “%(column)s” is not a "
                                                   "known constraint.")
                           % {"value": item[:60], "column": header})
        if value not in constraints:
            constraints.append(value)
    if constraints:
        values["constraints"] = constraints
    for key in ("languages", "interests"):
        items = []
        for header, item in _items(got, key):
            if len(item) > LIST_ITEM_MAX:
                raise RowError("too_long", _("“%(column)s” has an item longer than %(limit)d "
                                             "characters.")
                               % {"column": header, "limit": LIST_ITEM_MAX})
            if item not in items:
                items.append(item)
        if items:
            values[key] = items
    header, discreet = _first(got, "discreet")
    if discreet:
        if discreet.casefold() in _YES:
            values["discreet"] = True
        elif discreet.casefold() not in _NO:
            raise RowError("bad_value", _("“%(column)s” must be yes or no.")
                           % {"column": header})
    header, visibility = _first(got, "visibility")
    if visibility:
        if visibility.casefold() not in _choices()[1]:
            raise RowError("bad_value", _("“%(column)s” must be private, friends or public.")
                           % {"column": header})
        values["visibility"] = _choices()[1][visibility.casefold()]


def _apply_tags(rules: Rules, got: dict[str, list[tuple[str, str]]], values: dict[str, Any],
                networks: list[int]) -> None:
    """Tags become networks, a place, constraints, languages or interests by the run's rules;
    tags without a rule are left out (the report lists them)."""
    for _header, tag in _items(got, "tags"):
        for kind, value in rules.tag_rules.get(tag.casefold(), []):
            if kind == "network" and int(value) not in networks:
                networks.append(int(value))
            elif kind == "place" and "place_id" not in values:
                values["place_id"] = int(value)
            elif kind == "discreet":
                values["discreet"] = True
            elif kind in ("constraint", "language", "interest"):
                key = {"constraint": "constraints", "language": "languages",
                       "interest": "interests"}[kind]
                if value not in values.setdefault(key, []):
                    values[key].append(value)


def row_values(rules: Rules, cells: list[str]) -> dict[str, str]:
    """target -> the cells mapped to it, joined: what the preview shows."""
    return {target: ", ".join(v for _h, v in items)
            for target, items in _cells_of(rules, cells).items()}
