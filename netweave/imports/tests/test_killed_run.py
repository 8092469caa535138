"""A run killed halfway (SIGKILL, no chance to clean up) and started again finishes with
nothing lost and nothing doubled. Done for real: `netweave import` in a child process, on a
database of its own (a SQLite file, or a PostgreSQL database beside the test one)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROWS = 12_000
BATCH = 500
TWICE_ROWS = 60_000

SETUP = """
import django
django.setup()
from django.contrib.auth import get_user_model
from netweave.core.models import Chapter, ChapterRole
chapter = Chapter.objects.create(name="Kill", slug="kill")
user = get_user_model().objects.create_user("killer", password=None)
ChapterRole.objects.create(user=user, chapter=chapter)
"""

COUNTS = """
import django, json
django.setup()
from netweave.core.models import Contribution
from netweave.imports.models import ImportRejection, ImportRun
from netweave.people.models import ContactChannel, Person
runs = list(ImportRun.objects.values("status", "processed_rows", "created_count",
                                     "unchanged_count", "rejected_count", "merged_count"))
print(json.dumps({
    "people": Person.objects.filter(chapter__slug="kill").count(),
    "channels": ContactChannel.objects.count(),
    "distinct_hashes": ContactChannel.objects.values("lookup_hash").distinct().count(),
    "signed_up": Contribution.objects.filter(kind="signed_up").count(),
    "rejections": ImportRejection.objects.count(),
    "runs": runs,
}))
"""


def write_file(path: Path, rows: int = ROWS) -> tuple[int, int, int]:
    """Row i has its own email, but every 10th repeats row i-5's and every 50th is bad.
    Returns (created, unchanged, rejected) as they must come out."""
    bad = dups = 0
    with path.open("w") as out:
        out.write("Name,Email\n")
        for i in range(1, rows + 1):
            if i % 50 == 0:
                bad += 1
                out.write(f"P{i},p{i}@nowhere\n")
            elif i % 10 == 0:
                dups += 1
                out.write(f"P{i},p{i - 5}@example.org\n")
            else:
                out.write(f"P{i},p{i}@example.org\n")
    return rows - bad - dups, dups, bad


def _database_url(tmp_path: Path) -> tuple[str, Any]:
    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / 'kill.sqlite3'}", None
    import psycopg

    settings = connection.settings_dict
    name = f"test_kill_{uuid.uuid4().hex[:8]}"
    dsn = dict(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
               user=settings["USER"], password=settings["PASSWORD"] or None)
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (f"postgres://{settings['USER']}{password}@{dsn['host']}:{dsn['port']}/{name}",
            drop)


def _python(env: dict[str, str], code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,  # noqa: S603
                          text=True, check=True, timeout=300)
    return done.stdout


def _counts(env: dict[str, str]) -> dict[str, Any]:
    import json

    return dict(json.loads(_python(env, COUNTS).strip().splitlines()[-1]))


@pytest.fixture
def chapter_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A migrated database of its own with the "kill" chapter and its organizer: the
    environment for child processes that use it."""
    url, drop = _database_url(tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "NETWEAVE_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "netweave.settings"}
    try:
        subprocess.run([sys.executable, "-m", "netweave.cli", "migrate", "-v0"], env=env,  # noqa: S603
                       check=True, timeout=600)
        _python(env, SETUP)
        yield env
    finally:
        if drop is not None:
            drop()


def _rows_done(line: str) -> int:
    """The rows done of a progress line ("5,500/60,000 rows"), 0 for any other line (the
    first batch is a tenth of the others, so the counts are not multiples of BATCH)."""
    done, slash, _total = line.strip().partition("/")
    done = done.replace(",", "")
    return int(done) if slash and done.isdigit() else 0


def _import_command(path: Path) -> list[str]:
    return [sys.executable, "-m", "netweave.cli", "import", str(path), "--chapter", "kill",
            "--as", "killer", "--batch", str(BATCH), "--no-progress"]


def test_a_killed_import_resumes_with_nothing_lost_or_doubled(chapter_database, tmp_path):  # noqa: ANN001
    env = chapter_database
    path = tmp_path / "people.csv"
    created, unchanged, rejected = write_file(path)
    command = _import_command(path)
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,  # noqa: S603
                             stderr=subprocess.STDOUT, text=True)
    assert child.stdout is not None
    for line in child.stdout:  # progress is printed after each committed batch
        if _rows_done(line) >= BATCH * 6:
            break
    time.sleep(0.3)  # let it get into the middle of the next batch
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    killed = _counts(env)
    [run] = killed["runs"]
    assert run["status"] == "running"  # killed: nothing got to say otherwise
    assert BATCH * 6 <= run["processed_rows"] < ROWS
    assert killed["people"] == run["created_count"]  # batch and checkpoint together

    resumed = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                             check=True, timeout=600)
    assert "resuming after row" in resumed.stdout
    after = _counts(env)
    [run] = after["runs"]
    assert run["status"] == "done" and run["processed_rows"] == ROWS
    assert (run["created_count"], run["unchanged_count"], run["rejected_count"],
            run["merged_count"]) == (created, unchanged, rejected, 0)
    assert after["people"] == created
    assert after["channels"] == after["distinct_hashes"] == created
    assert after["signed_up"] == created
    assert after["rejections"] == rejected
    assert (path.parent / "people.rejected.csv").read_text().count("\n") == rejected + 1


pytestmark = pytest.mark.django_db


def test_the_same_file_imported_twice_at_once_is_imported_once(chapter_database, tmp_path):  # noqa: ANN001
    """Two `netweave import` commands on one file at once resume the same run: one imports
    it, the other stops at its next batch (it finds the checkpoint moved) with a clear
    message, and nobody is created twice."""
    env = chapter_database
    path = tmp_path / "people.csv"
    # Long enough that the first is still going when the second has started up.
    created, unchanged, rejected = write_file(path, TWICE_ROWS)
    command = _import_command(path)
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,  # noqa: S603
                             stderr=subprocess.STDOUT, text=True)
    assert first.stdout is not None
    for line in first.stdout:  # the run exists and has committed a batch
        if _rows_done(line) >= BATCH:
            break
    second = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                            check=False, timeout=600)
    rest, _ = first.communicate(timeout=600)
    # Whichever commits a batch first goes on; the other one stops with the message.
    outputs = {first.returncode: rest, second.returncode: second.stdout + second.stderr}
    assert sorted(outputs)[0] == 0 and len(outputs) == 2, outputs
    stopped = [text for code, text in outputs.items() if code != 0][0]
    assert "Another process is importing this file" in stopped
    after = _counts(env)
    [run] = after["runs"]
    assert run["status"] == "done" and run["processed_rows"] == TWICE_ROWS
    assert (run["created_count"], run["unchanged_count"], run["rejected_count"],
            run["merged_count"]) == (created, unchanged, rejected, 0)
    assert after["people"] == after["signed_up"] == created
    assert after["channels"] == after["distinct_hashes"] == created
