"""The import pages in the access table: organizers of the chapter and admins only.

Charlie (the outsider) organizes Hilltop: without ?chapter= the imports page is his own
chapter's, and he may upload there; asking for Riverside's, or for one of Riverside's runs, is
refused (404: he learns nothing). Members and conveners are refused everywhere.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from netweave.core.testing import World
from netweave.web.tests.routes import ANY_ORGANIZER, ORGANIZERS, Case, Targets, none, private

SAMPLE_CSV = (
    b"Name,Email,Phone,Neighbourhood,Tags\n"
    b"Frida,frida@example.org,+1 555 0100,Eastside,film\n"
    b"Gus,gus@example.org,,Eastside,\n"
    b",,,,\n"
)


def sample_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", SAMPLE_CSV, content_type="text/csv")


def riverside(w: World, t: Targets) -> str:
    return f"?chapter={w.chapter.public_id}"


def _run(w: World, *, finished: bool) -> Any:
    """One of Riverside's runs, uploaded by alice (made once per test, then found again)."""
    from netweave.imports import services
    from netweave.imports.models import ImportRun

    run = ImportRun.objects.filter(chapter=w.chapter).first()
    if run is None:
        run = services.import_upload(actor=w.alice, chapter=w.chapter, filename="people.csv",
                                     data=SAMPLE_CSV)
    if finished and run.status != "done":
        services.import_start(actor=w.alice, run=run)
        run = services.import_execute(run_id=run.pk)
    return run


def ready_run(w: World, t: Targets) -> dict[str, str]:
    return {"public_id": _run(w, finished=False).public_id}


def done_run(w: World, t: Targets) -> dict[str, str]:
    return {"public_id": _run(w, finished=True).public_id}


def proposed_mapping(w: World, t: Targets, action: str = "preview") -> dict[str, Any]:
    """The POST of the map page as the browser sends it: the proposed choice for each column."""
    from netweave.web.forms.imports import column_field_name

    run = _run(w, finished=False)
    data = {column_field_name(i): run.mapping.get(h, "") for i, h in enumerate(run.headers)}
    return {**data, "action": action}


IMPORT_CASES: list[Case] = [
    Case("imports", none, private(ANY_ORGANIZER)),
    Case("imports", none, private(ORGANIZERS), query=riverside),
    Case("imports", none, private(ANY_ORGANIZER), "post",
         data=lambda w, t: {"file": sample_file()}),
    Case("imports", none, private(ORGANIZERS), "post", query=riverside,
         data=lambda w, t: {"file": sample_file()}),
    Case("import", ready_run, private(ORGANIZERS)),
    Case("import", ready_run, private(ORGANIZERS), "post", data=proposed_mapping),
    Case("import", ready_run, private(ORGANIZERS), "post",
         data=lambda w, t: proposed_mapping(w, t, "start")),
    Case("import_progress", ready_run, private(ORGANIZERS)),
    Case("import_cancel", ready_run, private(ORGANIZERS), "post"),
    Case("import_resume", ready_run, private(ORGANIZERS), "post"),
    Case("import_report", done_run, private(ORGANIZERS)),
    Case("import_rejected", done_run, private(ORGANIZERS)),
]
