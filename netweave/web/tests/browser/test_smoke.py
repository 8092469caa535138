import pytest

from netweave.web.tests.browser.conftest import assert_fits_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_browser_harness_opens_a_page_in_chromium(page):
    response = page.goto("/login/")
    assert response is not None and response.status in (200, 404)
    assert page.evaluate("navigator.userAgent").find("Chrome") >= 0
    assert_fits_phone(page)
