"""The exports pages and calendar feeds in the access table (docs/exporting.md).

- the page, the feed address buttons and most downloads: everyone signed in, each exporting
  only what they may see;
- the people export: organizers (charlie: his own chapter, Hilltop) and admins;
- asking for another chapter's export: 404;
- the public calendar: anyone; the personal calendar: anyone holding the secret address (a
  calendar app does not sign in), and nobody with a wrong one.
"""

from __future__ import annotations

from netweave.core.testing import World
from netweave.web.tests.routes import (
    ANY_ORGANIZER,
    CHAPTER_PEOPLE,
    DENIED,
    EVERYONE_SIGNED_IN,
    PUBLIC,
    ROLES,
    Case,
    Targets,
    none,
    private,
)


def table(name: str, fmt: str = "csv"):  # noqa: ANN201
    return lambda w, t: {"table": name, "fmt": fmt}


def riverside(w: World, t: Targets) -> str:
    return f"?chapter={w.chapter.public_id}"


def bobs_feed(w: World, t: Targets) -> dict[str, str]:
    from netweave.exports.services import feed_token_create

    _token, raw = feed_token_create(actor=w.bob)
    return {"token": raw}


EXPORT_CASES: list[Case] = [
    Case("exports", none, private(EVERYONE_SIGNED_IN)),
    Case("exports", none, private(CHAPTER_PEOPLE), query=riverside),
    Case("export_table", table("people"), private(ANY_ORGANIZER)),
    Case("export_table", table("people", "json"), private(ANY_ORGANIZER - {"outsider"}),
         query=riverside),
    Case("export_table", table("tasks"), private(EVERYONE_SIGNED_IN)),
    Case("export_table", table("lineage", "json"), private(EVERYONE_SIGNED_IN)),
    Case("export_table", table("ledger", "xlsx"), private(set())),
    Case("export_feed_new", none, private(EVERYONE_SIGNED_IN), "post"),
    Case("export_feed_revoke", none, private(EVERYONE_SIGNED_IN), "post"),
    Case("calendar_public", lambda w, t: {"chapter": w.chapter.slug}, PUBLIC),
    Case("calendar_personal", bobs_feed, PUBLIC),
    Case("calendar_personal", lambda w, t: {"token": "guessed-secret"},
         dict.fromkeys(ROLES, DENIED)),
]
