"""What a column can be imported as, and the export formats recognised by their headers.

The header names are those of each tool's people (or attendee) export: Action Network's
activist download, NationBuilder's people export, Mobilize's event attendee export, CiviCRM's
contact export (labels as shown on its export screen) and a Google Forms response sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# key -> label. Several columns may map to the same key: emails and phones each become a
# channel, tags, networks and notes are combined, the rest take the first non-empty value.
TARGETS: dict[str, object] = {
    "": _("Don't import"),
    "display_name": _("Name (display name)"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "email": _("Email"),
    "phone": _("Phone"),
    "source": _("How they came in"),
    "place": _("Place (by name)"),
    "social_grouping": _("Social grouping"),
    "hours_per_week": _("Hours a week"),
    "availability": _("When they are available"),
    "constraints": _("Constraints"),
    "languages": _("Languages"),
    "interests": _("Interests"),
    "discreet": _("Discreet (yes/no)"),
    "visibility": _("Public-facing (private / friends / public)"),
    "network": _("Network (by name)"),
    "tags": _("Tags (mapped by rules)"),
    "notes": _("Notes"),
}
MULTI = {"email", "phone", "tags", "network", "notes", "constraints", "languages", "interests"}


def norm_header(header: str) -> str:
    """Lower case, letters and digits only: 'First Name', 'first_name' and 'First name' agree."""
    return re.sub(r"[^a-z0-9]+", "", header.lower())


@dataclass(frozen=True)
class Format:
    key: str
    label: object
    # Headers (normalised) that must all be present for the file to be recognised.
    signature: tuple[str, ...]
    # Normalised header -> target key.
    columns: dict[str, str]


FORMATS: tuple[Format, ...] = (
    Format(
        "action_network", _("Action Network"),
        ("firstname", "lastname", "email", "zipcode", "can2phone"),
        {
            "firstname": "first_name", "lastname": "last_name", "email": "email",
            "can2phone": "phone", "can2usercity": "place", "can2usertags": "tags",
        },
    ),
    Format(
        "nationbuilder", _("NationBuilder"),
        ("nationbuilderid", "firstname", "lastname", "email"),
        {
            "firstname": "first_name", "lastname": "last_name", "email": "email",
            "email1": "email", "phonenumber": "phone", "mobilenumber": "phone",
            "primarycity": "place", "taglist": "tags", "note": "notes", "language": "languages",
        },
    ),
    Format(
        "mobilize", _("Mobilize (event attendees)"),
        ("eventname", "timeslotstart", "email"),
        {
            "firstname": "first_name", "lastname": "last_name", "email": "email",
            "phone": "phone", "phonenumber": "phone", "eventname": "source",
        },
    ),
    Format(
        "civicrm", _("CiviCRM"),
        ("contactid", "contacttype", "displayname"),
        {
            "displayname": "display_name", "firstname": "first_name", "lastname": "last_name",
            "email": "email", "phone": "phone", "city": "place", "tags": "tags",
            "groups": "network", "notes": "notes", "note": "notes",
            "preferredlanguage": "languages",
        },
    ),
    Format(
        "google_forms", _("Google Forms"),
        ("timestamp",),
        {
            "emailaddress": "email", "email": "email", "name": "display_name",
            "yourname": "display_name", "fullname": "display_name",
            "firstname": "first_name", "lastname": "last_name",
            "phone": "phone", "phonenumber": "phone", "mobile": "phone",
            "neighbourhood": "place", "neighborhood": "place",
            "howmanyhoursaweekcanyougive": "hours_per_week",
            "whenareyouavailable": "availability", "languages": "languages",
            "anythingelse": "notes", "notes": "notes",
        },
    ),
)
BY_KEY = {f.key: f for f in FORMATS}
FORMAT_CHOICES: tuple[tuple[str, object], ...] = (
    *((f.key, f.label) for f in FORMATS), ("custom", _("Other (map the columns)")),
)

# Header names any file may use, for the "custom" format's proposed mapping.
GENERIC = {
    "name": "display_name", "displayname": "display_name", "fullname": "display_name",
    "nickname": "display_name", "pseudonym": "display_name",
    "firstname": "first_name", "givenname": "first_name", "first": "first_name",
    "lastname": "last_name", "surname": "last_name", "familyname": "last_name", "last": "last_name",
    "email": "email", "emailaddress": "email", "mail": "email", "email1": "email",
    "phone": "phone", "phonenumber": "phone", "mobile": "phone", "mobilenumber": "phone",
    "cell": "phone", "telephone": "phone",
    "source": "source", "howtheycamein": "source",
    "place": "place", "city": "place", "neighbourhood": "place", "neighborhood": "place",
    "socialgrouping": "social_grouping",
    "hoursperweek": "hours_per_week", "hours": "hours_per_week", "hoursaweek": "hours_per_week",
    "availability": "availability", "constraints": "constraints", "languages": "languages",
    "language": "languages", "interests": "interests", "discreet": "discreet",
    "visibility": "visibility", "network": "network", "networks": "network", "group": "network",
    "tags": "tags", "tag": "tags", "taglist": "tags", "notes": "notes", "note": "notes",
    "comments": "notes",
}


def detect(headers: list[str]) -> str:
    """The export format these headers come from, or "custom"."""
    present = {norm_header(h) for h in headers}
    for fmt in FORMATS:
        if all(name in present for name in fmt.signature):
            return fmt.key
    return "custom"


def propose_mapping(headers: list[str], source_format: str) -> dict[str, str]:
    """Column -> target for every column ("" where nothing fits)."""
    columns = BY_KEY[source_format].columns if source_format in BY_KEY else GENERIC
    mapping = {}
    for header in headers:
        key = norm_header(header)
        mapping[header] = columns.get(key, GENERIC.get(key, "") if source_format == "custom"
                                      else "")
    return mapping
