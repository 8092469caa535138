"""The growth dashboard and the generation map on a phone, as an organizer."""

import pytest

from netweave.core.testing import PASSWORD, make_network
from netweave.web.tests.browser.conftest import ARTIFACTS, assert_fits_phone, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organizer_reads_the_growth_dashboard_and_the_map_on_a_phone(world, page):
    child = make_network(world.chapter, "Eastside youth", parent=world.network)
    make_network(world.chapter, "Eastside school table", parent=child)
    login(page, "alice", PASSWORD)

    page.click("summary")  # the menu
    page.get_by_role("link", name="Growth").click()
    page.wait_for_load_state()
    assert page.url.endswith("/growth/")
    main = page.inner_text("main")
    assert "Growth of Riverside" in main and "Are networks reproducing?" in main
    assert page.locator("svg.chart").count() >= 3  # curve, generations, funnel (+ health)
    assert page.locator("svg.chart").first.bounding_box()["width"] <= 360
    assert_fits_phone(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "growth-dashboard.png"), full_page=True)

    page.get_by_role("link", name="Generation map").click()
    page.wait_for_load_state()
    tree = page.inner_text(".growth-map")
    for name in ("Eastside distribution", "Eastside youth", "Eastside school table",
                 "Campus discussion"):
        assert name in tree
    assert_fits_phone(page)
    page.screenshot(path=str(ARTIFACTS / "growth-map.png"), full_page=True)
