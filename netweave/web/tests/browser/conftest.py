"""Browser tests: Debian's Chromium, headless, driven by Playwright, at a phone's size.

Playwright's own browser download is never used: `executable_path` points at the system
Chromium (NETWEAVE_CHROMIUM overrides where it is).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to set
# up data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 360, "height": 740}
ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"


def chromium_path() -> str:
    path = os.environ.get("NETWEAVE_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("Debian's chromium is not installed: scripts/services installs it.")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):  # noqa: ANN001
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def assert_fits_phone(page) -> None:  # noqa: ANN001
    """No horizontal scrolling at 360 px: the page is no wider than the viewport.

    A click that follows a link returns before the next page has loaded; measuring then reads
    a document that is being replaced. So wait for a loaded document, and measure again if a
    navigation tore the first one down mid-measure."""
    from playwright.sync_api import Error as PlaywrightError

    width = None
    for _ in range(5):
        page.wait_for_load_state()
        try:
            width = page.evaluate(
                "document.readyState === 'complete' && document.documentElement"
                " ? document.documentElement.scrollWidth : null")
        except PlaywrightError:  # the execution context was destroyed by a navigation
            width = None
        if width is not None:
            break
        page.wait_for_timeout(100)
    assert width is not None, "the page never finished loading"
    assert width <= PHONE["width"], f"page is {width}px wide at a {PHONE['width']}px viewport"


def login(page, username: str, password: str) -> None:  # noqa: ANN001
    """Sign in as a person would: the password, then, for organizers and admins (or anyone with
    an authenticator), the code their app would show, computed from the device's key."""
    from django.contrib.auth import get_user_model

    from netweave.core import twofactor
    from netweave.core.testing import fresh_code, second_factor_for

    user = get_user_model().objects.get(username=username)
    device = None
    if twofactor.required_for(user) or twofactor.has_device(user):
        device = second_factor_for(user)
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if device is not None:
        page.fill("input[name=code]", fresh_code(device))
        page.click("main button[type=submit]")
        page.wait_for_load_state()
