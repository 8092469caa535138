"""The starter catalog of network kinds and playbooks that every installation ships with.

`sync` is called from a data migration (with historical models) and may be re-run safely: it
adds what is missing and refreshes the shared rows, never touching a chapter's own entries.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

STARTER_PLAYBOOKS = Path(__file__).with_name("starter.json")

KINDS = {
    "distribution": "Distribution",
    "postering": "Postering",
    "promotion": "Promotion",
    "discussion": "Discussion / study",
    "school_table": "School table",
    "showing_hosts": "Showing hosts",
    "fundraising": "Fundraising",
    "protest": "Protest organizing",
    "online": "Online / clips",
}


def sync(kind_model: Any, playbook_model: Any) -> None:
    kinds = {}
    for slug, name in KINDS.items():
        kinds[slug], _created = kind_model.objects.update_or_create(
            chapter=None, slug=slug, defaults={"name": name}
        )
    for entry in json.loads(STARTER_PLAYBOOKS.read_text(encoding="utf-8")):
        entry = dict(entry)
        es = entry.pop("es", {})
        toward = entry.pop("builds_toward", None)
        slug = entry.pop("slug")
        playbook_model.objects.update_or_create(
            chapter=None, slug=slug,
            defaults={**entry, "translations": {"es": es}, "builds_toward": kinds.get(toward)},
        )
