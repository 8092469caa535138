"""The production setup (scripts/production) and a short load test against it (loadtest/run).

The smoke run is the full load test made small: a fresh PostgreSQL database with a demo
movement, the production processes started by scripts/production with production settings on
loopback, 20 simulated organizers and members for 15 seconds, then every acknowledged write
looked up in the database. Latency is not asserted here (the suite shares the machine with
itself); the 5-minute, 200-person run and its p95 bar are in the README.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

PROJECT = Path(__file__).resolve().parents[3]
PRODUCTION = PROJECT / "scripts" / "production"
REQUIRED = ("DATABASE_URL", "SECRET_KEY", "NETWEAVE_ENCRYPTION_KEYS", "NETWEAVE_HASH_KEY",
            "ALLOWED_HOSTS", "NETWEAVE_CACHE_URL")


def bare_environment() -> dict[str, str]:
    """This process's environment without any netweave or Django setting."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("NETWEAVE_", "DJANGO_", "DATABASE_URL", "SECRET_KEY",
                                 "ALLOWED_HOSTS", "DEBUG"))}


def start_production(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (a fixed command: this project's script)
        [str(PRODUCTION)], env=env, cwd=PROJECT, capture_output=True, text=True, timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_its_settings_and_names_them():
    result = start_production(bare_environment())
    assert result.returncode == 2
    for name in REQUIRED:
        assert name in result.stderr


def test_production_refuses_sqlite():
    env = bare_environment() | {name: "set" for name in REQUIRED} | {
        "DATABASE_URL": "sqlite:///netweave.sqlite3",
        "NETWEAVE_CACHE_URL": "redis://127.0.0.1:6379/0"}
    result = start_production(env)
    assert result.returncode == 2
    assert "PostgreSQL" in result.stderr


def test_production_refuses_a_process_the_procfile_does_not_have():
    env = bare_environment() | {name: "set" for name in REQUIRED} | {
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/never_used",
        "NETWEAVE_CACHE_URL": "redis://127.0.0.1:6379/0", "NETWEAVE_PROCESSES": "web beat"}
    result = start_production(env)
    assert result.returncode == 2
    assert "'beat'" in result.stderr


def test_through_pgbouncer_no_server_side_cursor_or_prepared_statement_is_used():
    env = bare_environment() | {"DATABASE_URL": "postgres://nobody@127.0.0.1:6432/netweave",
                                "NETWEAVE_PGBOUNCER": "1",
                                "DJANGO_SETTINGS_MODULE": "netweave.settings"}
    code = ("from django.conf import settings; d = settings.DATABASES['default']; "
            "print(d['DISABLE_SERVER_SIDE_CURSORS'], d['OPTIONS']['prepare_threshold'])")
    result = subprocess.run(  # noqa: S603  (this interpreter, a fixed snippet)
        [sys.executable, "-c", code], env=env, cwd=PROJECT, capture_output=True, text=True,
        timeout=60, check=True)
    assert result.stdout.split() == ["True", "None"]


def test_production_refuses_to_start_when_the_deploy_check_finds_problems(tmp_path):
    # Everything set, but without HTTPS: no HSTS, no secure cookies. Nothing is started.
    env = bare_environment() | {
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/never_used",
        "SECRET_KEY": "k" * 20 + "a-long-enough-and-varied-secret-key-0123456789",
        "NETWEAVE_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
        "NETWEAVE_HASH_KEY": "another-secret", "ALLOWED_HOSTS": "netweave.example.org",
        "NETWEAVE_CACHE_URL": "redis://127.0.0.1:6379/0", "NETWEAVE_DATA_DIR": str(tmp_path),
    }
    result = start_production(env)
    assert result.returncode == 2
    assert "SECURE_HSTS_SECONDS" in result.stdout + result.stderr
    assert "check --deploy" in result.stderr


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="production runs on PostgreSQL: the suite's PostgreSQL run covers it",
)
def test_a_short_load_test_on_the_production_setup_has_no_errors_and_keeps_every_write(
        tmp_path):
    # A database of its own beside the suite's (the load test drops and recreates it).
    url = urlsplit(os.environ["DATABASE_URL"])
    own = urlunsplit(url._replace(path=f"{url.path.rstrip('/')}_loadtest_smoke"))
    result = subprocess.run(  # noqa: S603  (a fixed command: this project's script)
        [sys.executable, str(PROJECT / "loadtest" / "runner.py"), "--users", "20",
         "--seconds", "15", "--people", "60", "--workers", "2", "--p95-ms", "0",
         "--database-url", own, "--out", str(tmp_path)],
        cwd=PROJECT, env=bare_environment(), capture_output=True, text=True, timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    figures = json.loads((tmp_path / "result.json").read_text())
    assert figures["failures"] == 0
    assert figures["writes"] > 0
    assert figures["writes_verified"] is True
    # Stopped by one SIGTERM to the supervisor: every process it started stopped too.
    log = (tmp_path / "production.log").read_text()
    for process in ("web", "worker", "rqworker"):
        assert f"{process}.1 stopped" in log
