"""The `netweave` command line: createadmin, serve, and Django's commands through it."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[3]


def test_createadmin_makes_a_superuser_with_the_password_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("NETWEAVE_ADMIN_PASSWORD", "a long enough passphrase")
    call_command("createadmin", "root-admin")
    user = get_user_model().objects.get(username="root-admin")
    assert user.is_superuser and user.check_password("a long enough passphrase")


def test_createadmin_refuses_a_weak_password_and_creates_nobody(db, monkeypatch):
    monkeypatch.setenv("NETWEAVE_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError):
        call_command("createadmin", "weak")
    assert not get_user_model().objects.filter(username="weak").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def netweave(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "netweave.cli", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def test_serve_migrates_and_answers_with_several_workers(tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
           "NETWEAVE_DATA_DIR": str(tmp_path)}
    server = netweave("serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", env=env)
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as r:  # noqa: S310
                    status = r.status
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                time.sleep(0.3)
        assert status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert (tmp_path / "serve.sqlite3").exists()  # migrate ran first


def test_django_commands_run_through_netweave(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "netweave.cli", "check"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0 and "no issues" in done.stdout
