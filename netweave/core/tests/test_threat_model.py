"""The threat model's table names the test that proves each protection: those names must stay
real, or the page would promise protection that nothing checks any more."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
PAGE = PACKAGE.parent / "docs" / "threat-model.md"
# `web/tests/test_x.py::test_name`, then `::other_name` for more tests in the same file.
CITATION = re.compile(r"`((?:[\w/]+/)?test_\w+\.py)?::(test_\w+)`")


def cited_tests() -> list[tuple[str, str]]:
    cited, current = [], ""
    for line in PAGE.read_text().splitlines():
        if not line.startswith("|"):
            continue
        for path, name in CITATION.findall(line):
            current = path or current
            cited.append((current, name))
    return cited


def test_every_test_the_threat_model_cites_exists():
    cited = cited_tests()
    assert len(cited) >= 40
    missing = []
    for path, name in cited:
        source = PACKAGE / path
        if not source.exists() or not re.search(rf"^def {name}\b", source.read_text(), re.M):
            missing.append(f"{path}::{name}")
    assert missing == []
