"""`netweave import`: the report, the rejected rows file, --dry-run, --map and refusals."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from netweave.imports.models import ImportRun
from netweave.imports.tests.helpers import SAMPLES
from netweave.people.models import Person

pytestmark = pytest.mark.django_db


def _import(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def test_it_imports_a_file_and_writes_the_rejected_rows(world, tmp_path):  # noqa: ANN001
    rejected = tmp_path / "fix-me.csv"
    out = _import(str(SAMPLES / "nationbuilder.csv"), "--chapter", "riverside", "--as", "alice",
                  "--rejected", str(rejected))
    assert "NationBuilder, 4 rows" in out
    assert "done: 2 created, 0 merged, 0 unchanged, 2 rejected" in out
    lines = rejected.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith(",reason") and len(lines) == 3
    assert oct(rejected.stat().st_mode & 0o777) == "0o600"
    assert Person.objects.filter(display_name="Amara Okafor").exists()


def test_a_dry_run_reports_and_writes_nothing(world, tmp_path):  # noqa: ANN001
    people = Person.objects.count()
    out = _import(str(SAMPLES / "google_forms.csv"), "--chapter", "riverside", "--as", "alice",
                  "--dry-run", "--rejected", str(tmp_path / "r.csv"))
    assert "done: 2 created, 0 merged, 0 unchanged, 1 rejected" in out
    assert "Dry run: nothing was written." in out
    assert Person.objects.count() == people
    assert not ImportRun.objects.exists()


def test_columns_are_mapped_on_the_command_line(world, tmp_path):  # noqa: ANN001
    path = Path(tmp_path / "list.csv")
    path.write_text("Wer,Wie erreichbar\nKai,kai@example.org\n")
    with pytest.raises(CommandError):
        _import(str(path), "--chapter", "riverside", "--as", "alice")
    out = _import(str(path), "--chapter", "riverside", "--as", "alice", "--map", "Wer=display_name",
                  "--map", "Wie erreichbar=email", "--network", "Campus discussion")
    assert "1 created" in out
    kai = Person.objects.get(display_name="Kai")
    assert kai.memberships.get().network == world.other_network


def test_it_refuses_someone_who_does_not_organize_the_chapter(world):  # noqa: ANN001
    with pytest.raises(CommandError, match="does not organize"):
        _import(str(SAMPLES / "mobilize.csv"), "--chapter", "riverside", "--as", "charlie")
    with pytest.raises(CommandError, match="No chapter"):
        _import(str(SAMPLES / "mobilize.csv"), "--chapter", "nowhere", "--as", "alice")
