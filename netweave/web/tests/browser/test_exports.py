"""Exports on a phone: an organizer downloads the lineage from the exports page, and a member
makes a calendar address and opens it the way a calendar app would."""

import csv
import io

import pytest

from netweave.core.models import AuditEntry
from netweave.core.testing import PASSWORD, make_network
from netweave.web.tests.browser.conftest import assert_fits_phone, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organizer_downloads_the_lineage_from_the_exports_page(world, page):
    make_network(world.chapter, "Eastside youth", parent=world.network,
                 seeded_by=world.carol_person)
    login(page, "alice", PASSWORD)
    page.click("summary")  # the menu
    page.get_by_role("link", name="Exports").click()
    page.wait_for_load_state()
    assert page.url.endswith("/exports/")
    assert_fits_phone(page)

    row = page.locator("tr", has_text="Lineage (generation table)")
    with page.expect_download() as info:
        row.get_by_role("link", name="CSV", exact=True).click()
    download = info.value
    assert download.suggested_filename.startswith("riverside-lineage-")
    with open(download.path(), encoding="utf-8") as f:
        rows = list(csv.DictReader(io.StringIO(f.read())))
    assert [(r["network"], r["generation"], r["seeded_by"]) for r in rows] == [
        ("Eastside distribution", "1", ""), ("Eastside youth", "2", "Carol"),
        ("Campus discussion", "1", ""),
    ]
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.actor == world.alice and entry.detail["table"] == "lineage"
    assert entry.detail["rows"] == 3 and entry.via == "web"


def test_a_member_makes_a_calendar_address_and_a_calendar_app_reads_it(world, page):
    from icalendar import Calendar

    login(page, "bob", PASSWORD)
    page.goto("/exports/")
    page.get_by_role("button", name="Make my calendar address").click()
    page.wait_for_load_state()
    url = page.inner_text("#feed-url")
    assert "/calendar/feed/" in url
    assert_fits_phone(page)
    # A calendar app: no session, only the address.
    app = page.context.browser.new_context()
    try:
        answer = app.request.get(url)
        assert answer.status == 200
        assert Calendar.from_ical(answer.body()).name == "VCALENDAR"
    finally:
        app.close()
    page.get_by_role("button", name="Make a new address").wait_for()
