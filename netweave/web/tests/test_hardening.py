"""Hardening: the content security policy and other headers, no inline script or style in any
template (the policy allows none), `check --deploy` clean in production settings, and oversize
input refused with a clear message and nothing changed."""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from netweave.outreach.services import code_for_person
from netweave.people.models import Person

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
PROJECT = Path(__file__).resolve().parents[3]


def test_every_page_sends_a_content_security_policy_without_unsafe_inline(client, world):
    client.force_login(world.alice)
    for url in (reverse("login"), reverse("dashboard"), reverse("people")):
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "object-src 'none'" in policy and "unsafe" not in policy


def test_pages_refuse_unused_browser_features_and_cross_origin_openers(client, world):
    response = client.get(reverse("login"))
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: address"),
    (re.compile(r"\shx-on", re.I), "an hx-on handler (needs eval)"),
]


def test_no_template_has_inline_script_or_style():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        found += [f"{path.relative_to(TEMPLATES)}: {what}" for rx, what in INLINE
                  if rx.search(text)]
    assert found == [], "the content security policy would block these"


def test_htmx_is_told_not_to_insert_its_own_styles(client, world):
    client.force_login(world.bob)
    page = client.get(reverse("dashboard")).content.decode()
    assert '"includeIndicatorStyles": false' in page


def production_environment(tmp_path: Path) -> dict[str, str]:
    key = base64.b64encode(os.urandom(32)).decode()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NETWEAVE_", "DATABASE_URL", "DJANGO_"))}
    env.update({
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(60), "NETWEAVE_HTTPS": "1",
        "ALLOWED_HOSTS": "netweave.example.org", "NETWEAVE_ENCRYPTION_KEYS": f"k1:{key}",
        "NETWEAVE_HASH_KEY": secrets.token_urlsafe(40), "NETWEAVE_DATA_DIR": str(tmp_path),
        "NETWEAVE_CACHE_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_SETTINGS_MODULE": "netweave.settings",
    })
    return env


def test_check_deploy_finds_nothing_in_production_settings(tmp_path):
    result = subprocess.run(  # noqa: S603  (a fixed command: this interpreter, Django's check)
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT, env=production_environment(tmp_path), capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_a_production_without_https(tmp_path):
    env = production_environment(tmp_path) | {"NETWEAVE_HTTPS": "0"}
    result = subprocess.run(  # noqa: S603  (as above)
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stdout + result.stderr


# --- oversize input ---------------------------------------------------------------------------


def signup(client, code, **fields):  # noqa: ANN001, ANN003, ANN201
    data = {"display_name": "Nadia", "email": "", "phone": "", "phone_kind": "phone",
            "language": "en", "hours_per_week": "3", **fields}
    return client.post(reverse("join", kwargs={"code": code.code}), data)


def test_a_field_over_its_length_gets_a_clear_message_and_changes_nothing(client, world):
    code = code_for_person(actor=world.carol, person=world.carol_person)
    before = Person.objects.count()
    response = signup(client, code, display_name="N" * 121)
    assert response.status_code == 200
    assert "at most 120 characters" in response.content.decode()
    assert Person.objects.count() == before


def test_a_body_over_the_upload_limit_gets_a_clear_page_and_changes_nothing(client, world):
    code = code_for_person(actor=world.carol, person=world.carol_person)
    before = Person.objects.count()
    response = signup(client, code, note="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    assert response.status_code == 400
    assert "too big" in response.content.decode() and "Nothing was saved" in \
        response.content.decode()
    assert Person.objects.count() == before


def test_too_many_fields_get_the_same_clear_page(client, world):
    code = code_for_person(actor=world.carol, person=world.carol_person)
    before = Person.objects.count()
    extra = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = signup(client, code, **extra)
    assert response.status_code == 400 and "Nothing was saved" in response.content.decode()
    assert Person.objects.count() == before
