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


def starter_entries() -> list[dict[str, Any]]:
    """The starter playbooks as written in starter.json (an "es" block in each)."""
    entries: list[dict[str, Any]] = json.loads(STARTER_PLAYBOOKS.read_text(encoding="utf-8"))
    return entries


def sync(kind_model: Any, playbook_model: Any, *, using: str = "default") -> None:
    """Upsert the kinds and the starter playbooks by slug. Columns the (historical) model does
    not have yet are left out, so an early migration still runs on a fresh database and a later
    one fills them in. `using` is the database being migrated: without it a migration of a
    second database (a restore target) would write into the default one."""
    columns = {f.name for f in playbook_model._meta.get_fields()}
    kinds = {}
    for slug, name in KINDS.items():
        kinds[slug], _created = kind_model.objects.using(using).update_or_create(
            chapter=None, slug=slug, defaults={"name": name}
        )
    for entry in starter_entries():
        entry = dict(entry)
        es = entry.pop("es", {})
        toward = entry.pop("builds_toward", None)
        slug = entry.pop("slug")
        entry = {key: value for key, value in entry.items() if key in columns}
        playbook_model.objects.using(using).update_or_create(
            chapter=None, slug=slug,
            defaults={**entry, "translations": {"es": es}, "builds_toward": kinds.get(toward)},
        )
