"""The example script in docs/api.md, run against a real server (pytest-django's live server)
as it would be against the demo."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from netweave.api.services import token_create
from netweave.outreach.models import OutreachSession

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "api_example.py"


def load_script():  # noqa: ANN201
    spec = importlib.util.spec_from_file_location("api_example", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_the_example_script_runs_against_a_server(world, live_server, capsys):
    _token, raw = token_create(actor=world.alice, name="example", scope="write")
    script = load_script()
    assert script.main(["--url", live_server.url, "--token", raw,
                        "--log-outreach", "Station square"]) == 0
    out = capsys.readouterr().out
    assert "Chapters: Riverside" in out and "People you may see: 5" in out
    assert "Riverside: " in out and "Logged outreach session" in out
    assert OutreachSession.objects.filter(location="Station square").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_example_script_says_what_was_refused(world, live_server):
    _token, raw = token_create(actor=world.bob, name="example", scope="read")
    script = load_script()
    with pytest.raises(SystemExit) as refused:
        script.main(["--url", live_server.url, "--token", raw, "--log-outreach", "Station"])
    assert "403 read_only_token" in str(refused.value)
