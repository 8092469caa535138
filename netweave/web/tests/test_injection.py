"""Injection and script injection through every form and every list page's query string.

The forms are found, not listed: every GET page of the route table (test_route_access.CASES,
so a page added there is covered here too) is opened as the organizer (alice), a member (bob)
and anonymous, and every `<form method="post">` on it is filled and sent back, once per
payload round: text inputs and text areas get the payload (typed inputs a valid value, except in
the "everywhere" round), selects, checkboxes, radios and hidden fields (the CSRF token) keep valid
values. After each submission:

- no server error;
- every table is still there;
- the resulting page, the form's page and the role's list pages show no payload unescaped
  (its escaped form is fine), and a template expression is never evaluated.

GET forms (search boxes, filters) and the usual query parameters (?q=, ?sort=, ?page=) get SQL
payloads on every page: no server error, no database error shown, nothing of another chapter.

The forms covered are counted and printed at the end of the module (`-s` or the terminal
summary shows "injection: N distinct forms covered": test_the_forms_tried_are_counted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.db import connection
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from netweave.web.tests.routes import OK, make_targets
from netweave.web.tests.test_route_access import CASES

ROLES = ("organizer", "member", "anonymous")
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE people_person; --"
TEMPLATE = "tpl{{ 7*7 }}end{% now 'Y' %}"
UNICODE = "Zoë 🌱 مرحبا 名前 \u202eevil\u202c ŉ ß"
# Two rounds carry the five payloads (a field with a short maxlength gets the first of each):
# sending each alone would double the suite's longest test and find nothing more, since each
# payload is looked for on its own.
PAYLOADS = {"markup": SCRIPT + IMG, "sql, template, unicode": f"{SQL} {TEMPLATE} {UNICODE}"}
# The payloads as they fit; then over every field's length; then in typed fields (email...) too.
ROUNDS: list[tuple[str, str, dict[str, bool]]] = [
    *((label, payload, {}) for label, payload in PAYLOADS.items()),
    ("too long", IMG, {"too_long": True}),
    ("everywhere", SCRIPT, {"everywhere": True}),
]
LONG = 5000  # a field without a maxlength gets this many characters in the "too long" round
# What must never be in a page: the markup, unescaped, or the template expression evaluated.
NEVER = ("<script>alert(1)", "<img src=x onerror", "tpl49end")
SQL_PROBES = ("' OR '1'='1", "1) OR (1=1", "x' UNION SELECT username, password FROM auth_user--",
              "-1", "99999999999999999999", "name; DROP TABLE people_person", "%' --", "\\")
DB_ERRORS = ("Traceback", "OperationalError", "ProgrammingError", "syntax error", "sqlite3",
             "psycopg", "DataError")
# The other chapter's names: a search that leaks them crossed the scope.
OUTSIDE = ("Hank", "Hilltop tables")
SKIP_ACTIONS = {"logout"}  # would end the session the rest of the test runs in
COVERED: dict[str, set[str]] = {role: set() for role in ROLES}
TEXT_TYPES = {"text", "search", "password", ""}
TYPED = {"email", "url", "tel"}


@dataclass
class Form:
    action: str
    method: str
    fields: list[dict[str, Any]] = field(default_factory=list)


class FormParser(HTMLParser):
    """Every form of a page with its fields (inputs, text areas, selects and their options)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            self.forms[-1].fields.append({"tag": "input", **a})
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            self.forms[-1].fields.append({"tag": "button", "type": "submit", **a})
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"tag": "textarea", "value": "", **a}
            self.forms[-1].fields.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = {"tag": "select", "options": [], **a}
            self.forms[-1].fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["value"] += data


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def typed_value(f: dict[str, Any], n: int) -> str:
    """A valid value for a field that does not take free text."""
    kind, value = f.get("type", "text").lower(), f.get("value", "")
    soon = timezone.localtime() + timedelta(days=3)
    defaults = {
        "email": f"inj{n}@example.org", "url": "https://example.org/", "tel": "+1 555 0100",
        "number": f.get("min") or "1", "date": soon.strftime("%Y-%m-%d"),
        "datetime-local": soon.strftime("%Y-%m-%dT%H:%M"), "time": "18:00",
    }
    return value or defaults.get(kind, value)


def fill(form: Form, payload: str, *, everywhere: bool = False, too_long: bool = False,
         n: int = 0) -> dict[str, list[str]]:
    """The form's data: the payload in every free-text field (cut to one more character than
    the field allows, so the length check is tried too), valid values elsewhere: what is
    selected or checked (a radio group's first choice when none is), the first named button."""
    data: dict[str, list[str]] = {}
    radios: dict[str, str] = {}
    for f in form.fields:
        if f.get("type", "").lower() == "radio" and ("checked" in f or f["name"] not in radios):
            radios[f["name"]] = f.get("value") or "on"
    pressed = False
    for f in form.fields:
        name, kind = f["name"], f.get("type", "text").lower()
        if f["tag"] == "select":
            value = _chosen(f)
        elif f["tag"] == "textarea" or kind in TEXT_TYPES or (everywhere and kind in TYPED):
            value = _sized(payload, f, too_long=too_long)
        elif kind == "submit":
            if pressed:
                continue
            value, pressed = f.get("value", ""), True
        elif kind == "checkbox":
            if "checked" not in f:
                continue
            value = f.get("value") or "on"
        elif kind in ("radio", "button", "file", "image", "reset"):
            continue
        else:
            value = typed_value(f, n)
        data.setdefault(name, []).append(value)
    for name, value in radios.items():
        data[name] = [value]
    return data


def _chosen(f: dict[str, Any]) -> str:
    options = f["options"]
    picked = [v for v, selected in options if selected]
    non_empty = [v for v, _ in options if v]
    return (picked or non_empty or [""])[0]


def _sized(payload: str, f: dict[str, Any], *, too_long: bool) -> str:
    """The payload as it fits the field, or one character more than the field allows (the
    form must refuse that with a message, not fail with a 500)."""
    limit = int(f["maxlength"]) if f.get("maxlength", "").isdigit() else LONG
    if too_long:
        return (payload * (limit // max(len(payload), 1) + 2))[: limit + 1]
    return payload[:limit]


def sign_in(client: Any, world: Any, role: str) -> None:
    user = world.user(role)
    if user is not None:
        client.force_login(user)


def table_names() -> set[str]:
    # sqlite_stat*: SQLite's planner statistics, which ANALYZE (run after rebuilding the
    # dashboard's counts) creates; not a table anyone's input could make or drop.
    return {t for t in connection.introspection.table_names() if not t.startswith("sqlite_stat")}


def assert_escaped(response: Any, where: str) -> None:
    """In HTML pages (a JSON download holds what was typed, as JSON, and is not HTML)."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    html = response.content.decode()
    for marker in NEVER:
        assert marker not in html, f"{where}: {marker!r} rendered unescaped or evaluated"


def case_url(case: Any, world: Any, targets: Any) -> str:
    return reverse(case.name, kwargs=case.kwargs(world, targets)) + case.query(world, targets)


def pages_for(role: str) -> list[Any]:
    return [c for c in CASES if c.method == "get" and c.expect.get(role) == OK]


def list_pages_for(role: str) -> list[Any]:
    """Pages without ids in their address: the lists and dashboards that show stored values."""
    return [c for c in pages_for(role) if c.kwargs.__name__ == "none"]


def target_of(form: Form, page_url: str) -> str:
    """Where the browser would send the form: its action against the page's address, without
    a fragment (an empty action, or "#attendance", sends it to the page itself)."""
    parts = urlsplit(urljoin(page_url, form.action))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def action_name(form: Form, page_url: str) -> str | None:
    try:
        return resolve(urlsplit(target_of(form, page_url)).path).url_name
    except Resolver404:
        return None


def submit_every_form(client: Any, page_url: str, role: str) -> list[str]:
    """Send each payload through each post form of the page; return the pages that resulted."""
    page = client.get(page_url, follow=True)
    assert page.status_code < 500
    assert_escaped(page, page_url)
    shown: list[str] = []
    for form in (f for f in forms_of(page.content.decode()) if f.method == "post"):
        name = action_name(form, page_url)
        key = f"{name}:{','.join(sorted({f['name'] for f in form.fields}))}"
        # A form on many pages (the language switch in the footer) is tried once per role.
        if name in SKIP_ACTIONS or key in COVERED[role]:
            continue
        COVERED[role].add(key)
        for n, (label, payload, options) in enumerate(ROUNDS):
            response = client.post(target_of(form, page_url),
                                   fill(form, payload, n=n, **options), follow=True)
            where = f"{page_url} form {name} ({label})"
            assert response.status_code < 500, f"{where}: {response.status_code}"
            assert_escaped(response, where)
            shown.append(response.request["PATH_INFO"])
    return shown


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", [c for c in CASES if c.method == "get"], ids=lambda c: c.name)
def test_every_form_refuses_or_escapes_injected_input(case, role, world, client):  # noqa: ANN001
    if case.expect.get(role) != OK:
        pytest.skip(f"{case.name} is not open to {role}")
    targets = make_targets(world)
    sign_in(client, world, role)
    tables = table_names()
    url = case_url(case, world, targets)
    shown = submit_every_form(client, url, role)
    assert table_names() == tables, "a table is gone"
    if not shown:
        return  # no form of its own (or all tried already on another page)
    # The pages that show what was stored: where the forms led, the page itself, the lists.
    again = {url, *shown} | {case_url(c, world, targets) for c in list_pages_for(role)}
    for page_url in sorted(again):
        response = client.get(page_url, follow=True)
        assert response.status_code < 500, f"{page_url}: {response.status_code}"
        assert_escaped(response, page_url)


def probe_urls(html: str, page_url: str, seen: set[str]) -> list[str]:
    """Query strings to try on a page: its GET forms (each kind once) filled with each probe,
    and the usual list parameters."""
    urls = []
    for form in (f for f in forms_of(html) if f.method == "get"):
        action = urlsplit(target_of(form, page_url)).path
        key = f"{action_name(form, page_url)}:{sorted(f['name'] for f in form.fields)}"
        if key in seen:
            continue
        seen.add(key)
        urls += [f"{action}?{urlencode(fill(form, p, everywhere=True), doseq=True)}"
                 for p in SQL_PROBES]
    for probe in SQL_PROBES[:3]:
        params = {"q": probe, "search": probe, "sort": probe, "order": probe, "page": probe}
        urls.append(f"{urlsplit(page_url).path}?{urlencode(params)}")
    return urls


@pytest.mark.parametrize("role", ("organizer", "member"))
def test_list_pages_survive_sql_in_their_query_strings(role, world, client):  # noqa: ANN001
    targets = make_targets(world)
    sign_in(client, world, role)
    tables, tried, seen = table_names(), 0, set()
    for case in pages_for(role):
        url = case_url(case, world, targets)
        page = client.get(url, follow=True)
        for probe_url in probe_urls(page.content.decode(), url, seen):
            response = client.get(probe_url, follow=True)
            body = response.content.decode()
            assert response.status_code < 500, f"{probe_url}: {response.status_code}"
            leaked = [w for w in (*DB_ERRORS, *OUTSIDE) if re.search(re.escape(w), body)]
            assert not leaked, f"{probe_url} shows {leaked}"
            tried += 1
    assert table_names() == tables
    assert len(seen) >= 3 and tried > 50, f"only {tried} query strings tried"


def test_the_forms_tried_are_counted(capsys):  # noqa: ANN001
    """Runs after the form tests (file order): prints how many forms they covered."""
    covered = set().union(*COVERED.values())
    if not covered:
        pytest.skip("the form tests did not run in this session")
    with capsys.disabled():
        counts = ", ".join(f"{role} {len(forms)}" for role, forms in COVERED.items())
        print(f"\ninjection: {len(covered)} distinct forms covered ({counts})")
        for form in sorted(covered):
            print(f"  {form}")
