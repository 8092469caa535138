"""Importing people from a CSV file, in headless Chromium at a phone's size.

Alice, an organizer, opens "Import people" from the menu, uploads an export, changes what one
column holds and what a tag becomes, previews again (her choices stay), starts, waits on the
progress bar and reads the report, then downloads the rejected rows. Then the progress page on
its own: with scripts, htmx polls the bar until the report; with scripts off, the page refreshes
itself until the report.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from netweave.core.testing import PASSWORD
from netweave.people.models import Person
from netweave.web.tests.browser.conftest import ARTIFACTS, PHONE, assert_fits_phone, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 60  # enough rows for the progress page to show before the report
SAMPLE = (
    "Name,Email,Phone,Neighbourhood,Tags\n"
    + "".join(f"Person {i},person{i}@example.org,+1 555 01{i:02d},Eastside,film\n"
              for i in range(1, ROWS + 1))
    + ",,,,\n"  # an empty line: skipped
    + "Broken email,not-an-email,,,\n"  # rejected
    + "Extra cell,extra@example.org,,,,surplus\n"  # rejected: more cells than columns
).encode()


def csp_violations(page: Any) -> list[str]:
    """Console messages about the content security policy, collected as the page runs."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text
            else None)
    return seen


def counts(page: Any) -> list[int]:
    """The report's outcomes: created, merged, unchanged, rejected."""
    return [int(n) for n in page.locator("table.counts td").all_inner_texts()]


def upload(page: Any) -> None:
    page.set_input_files("input[type=file]", files=[
        {"name": "people.csv", "mimeType": "text/csv", "buffer": SAMPLE}])
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state()


def hold_progress_requests(page: Any) -> None:
    """Requests for the progress page wait until the test next calls into the browser.

    The test database on SQLite is in memory with a shared cache, where a reader meets "table
    is locked" while another connection writes (a WAL file, as in production, lets readers
    read). Playwright hands a routed request to this thread, which is busy running the import,
    so polls reach the server only once the import has committed, on either database."""
    page.route("**/progress", lambda route: route.continue_())


def test_an_organizer_imports_a_csv_from_a_phone(world, page, settings):
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # The same in-memory database cannot take the background thread's writes beside the
        # pages' reads (see hold_progress_requests): run the import in the Start request.
        settings.NETWEAVE_IMPORTS_INLINE = True
    violations = csp_violations(page)
    login(page, "alice", PASSWORD)
    page.click("summary")  # the menu
    page.get_by_role("link", name="Import people").click()
    page.wait_for_load_state()
    assert page.url.endswith("/imports/")
    assert_fits_phone(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "imports-list.png"), full_page=True)

    upload(page)
    assert "Map the columns" in page.title()
    assert_fits_phone(page)
    notes = page.get_by_label("Neighbourhood")
    assert notes.input_value() == "place"
    notes.select_option("notes")
    page.get_by_text("Rules: networks, place").click()  # opens the rules
    page.get_by_label("Tag “film”").select_option("network:Eastside distribution")
    page.get_by_role("button", name="Preview again").click()
    page.wait_for_load_state()
    assert page.get_by_label("Neighbourhood").input_value() == "notes"  # her choices stay
    assert page.get_by_label("Tag “film”").input_value() == "network:Eastside distribution"
    preview = page.inner_text("#preview")
    assert "person1@example.org" in preview and "New person" in preview
    assert page.locator("#preview tbody tr").count() == 20
    assert_fits_phone(page)
    page.screenshot(path=str(ARTIFACTS / "import-map.png"), full_page=True)

    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.get_by_role("button", name="Start the import").click()
    # Start leads to the progress page, which polls (or, when the import is already over,
    # sends the browser straight on) to the report.
    page.wait_for_url("**/report", timeout=30_000)
    assert any(url.endswith("/progress") for url in requested)
    assert_fits_phone(page)
    page.screenshot(path=str(ARTIFACTS / "import-report.png"), full_page=True)
    assert counts(page) == [ROWS, 0, 0, 2]  # created, merged, unchanged, rejected
    person = Person.objects.get(chapter=world.chapter, display_name="Person 7")
    assert person.memberships.filter(network=world.network).exists()  # tagged "film"
    assert person.notes == "Eastside"

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the rejected rows (CSV)").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) == 3 and rows[0][-1].lower() == "reason"
    assert [r[0] for r in rows[1:]] == ["Broken email", "Extra cell"]
    assert violations == []


def queued_run(world: Any) -> Any:
    """A run started but not yet picked up: the test runs it while the page watches."""
    from netweave.imports import services

    run = services.import_upload(actor=world.alice, chapter=world.chapter,
                                 filename="people.csv", data=SAMPLE)
    return services.import_start(actor=world.alice, run=run, background=False)


def test_the_progress_bar_polls_until_the_report(world, page):
    from netweave.imports import services

    violations = csp_violations(page)
    run = queued_run(world)
    login(page, "alice", PASSWORD)
    page.goto(f"/imports/{run.public_id}/progress")
    bar = page.locator("progress#import-bar")
    assert bar.get_attribute("value") == "0" and bar.get_attribute("max") == "100"
    assert "Waiting to start" in page.inner_text("#import-progress")
    assert_fits_phone(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import-progress.png"), full_page=True)
    hold_progress_requests(page)
    services.import_execute(run_id=run.pk)  # the worker's part, done here
    # htmx asks for the fragment again; the server answers HX-Redirect to the report.
    page.wait_for_url("**/report", timeout=15_000)
    assert counts(page) == [ROWS, 0, 0, 2]
    assert violations == []


def test_the_progress_page_reaches_the_report_without_scripts(world, browser, live_server):
    from netweave.imports import services

    context = browser.new_context(viewport=PHONE, is_mobile=True, base_url=live_server.url,
                                  java_script_enabled=False, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        run = queued_run(world)
        login(page, "alice", PASSWORD)
        page.goto(f"/imports/{run.public_id}/progress")
        assert page.get_by_role("link", name="Refresh").is_visible()
        hold_progress_requests(page)
        services.import_execute(run_id=run.pk)
        # The <noscript> meta refresh reloads the page; the server sends it on to the report.
        page.wait_for_url("**/report", timeout=15_000)
        assert counts(page) == [ROWS, 0, 0, 2]
    finally:
        context.close()
