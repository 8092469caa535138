"""The data and renderings behind `netweave report`: text, JSON and CSV of the headline metrics.

Computed from the metric functions (metrics.headline), not from snapshots, so a report works on
a fresh database and always reflects the definitions as they are now.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from netweave.core.models import Chapter
from netweave.metrics.funnel import STEPS
from netweave.metrics.headline import GROWTH_MONTHS, KEYS, headline_growth, headline_values
from netweave.networks.models import Network

MISSING = "-"


@dataclass(frozen=True)
class ChapterReport:
    slug: str
    name: str
    values: dict[str, Any]
    growth: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"slug": self.slug, "name": self.name, "values": self.values,
                "growth": self.growth}


def build_report(
    chapters: Sequence[Chapter], as_of: date, months: int = GROWTH_MONTHS
) -> list[ChapterReport]:
    return [
        ChapterReport(c.slug, c.name, headline_values([c.pk], as_of),
                      headline_growth([c.pk], as_of, months))
        for c in chapters
    ]


# --- numbers for people ------------------------------------------------------------------------


def fmt_int(value: int | None) -> str:
    return MISSING if value is None else f"{value:,}"


def fmt_share(value: float | None) -> str:
    return MISSING if value is None else f"{value:.1%}"


def fmt_rate(value: float | None) -> str:
    return MISSING if value is None else f"{value:.2f}"


def fmt_days(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.0f} days"


Row = tuple[str, Callable[[ChapterReport], str]]


def _value(key: str, fmt: Callable[[Any], str], sub: str | None = None) -> Callable[
    [ChapterReport], str
]:
    def get(report: ChapterReport) -> str:
        value = report.values[key]
        return fmt(value[sub] if sub is not None else value)

    return get


def _rows() -> list[Row]:
    """(label, cell) per line of the text table, in reading order."""
    rows: list[Row] = [
        ("Active networks", _value("active_networks", fmt_int)),
        ("Networks started", _value("networks_total", fmt_int)),
    ]
    rows += [(f"  {status}", _value("networks_by_status", fmt_int, status))
             for status in Network.Status.values]
    rows += [
        ("Seeded last quarter", _value("quarter_seeded", fmt_int)),
        ("Active at quarter start", _value("quarter_active_at_start", fmt_int)),
        ("Reproduction rate", _value("reproduction_rate", fmt_rate)),
        ("Seeding share", _value("seeding_share", fmt_share)),
        ("Active people", _value("active_people", fmt_int)),
        ("  organized", _value("organized_people", fmt_int)),
        ("Organized share", _value("organized_share", fmt_share)),
        ("Isolated people", _value("isolated_people", fmt_int)),
        ("Deepest generation", _value("deepest_generation", fmt_int)),
    ]
    rows += [(f"Funnel: {step.replace('_', ' ')}", _value("funnel", fmt_int, step))
             for step in STEPS]
    rows += [
        ("Growth", lambda r: str(r.growth["verdict"])),
        ("Doubling time", lambda r: fmt_days(r.growth["doubling_time_days"])),
    ]
    return rows


# --- renderings --------------------------------------------------------------------------------


def render_text(reports: Sequence[ChapterReport], as_of: date, months: int) -> str:
    """Metrics down, chapters across (there are more metrics than chapters on a screen)."""
    lines = [f"Headline metrics as of {as_of.isoformat()}"]
    if reports:
        v = reports[0].values
        lines.append(f"Last complete quarter: {v['quarter_start']} to {v['quarter_end']}; "
                     f"growth over the last {months} months of networks started")
    lines.append("")
    table = [("", *(r.slug for r in reports))]
    table += [(label, *(cell(r) for r in reports)) for label, cell in _rows()]
    label_width = max(len(row[0]) for row in table)
    widths = [max(len(row[i]) for row in table) for i in range(1, len(reports) + 1)]
    for row in table:
        cells = "  ".join(c.rjust(w) for c, w in zip(row[1:], widths, strict=True))
        lines.append(f"{row[0].ljust(label_width)}  {cells}".rstrip())
    return "\n".join(lines) + "\n"


def render_json(reports: Sequence[ChapterReport], as_of: date, months: int) -> str:
    data = {"as_of": as_of.isoformat(), "growth_months": months,
            "chapters": [r.as_dict() for r in reports]}
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


# The nested counts of headline_values, with their keys: always all of them.
_NESTED = {"networks_by_status": tuple(Network.Status.values), "funnel": STEPS}
GROWTH_COLUMNS = ("growth_verdict", "doubling_time_days", "growth_months")


def csv_header() -> list[str]:
    """Fixed columns, whatever the data: a spreadsheet built on them keeps working."""
    columns = ["chapter", "name", "as_of"]
    for key in KEYS:
        columns += [f"{key}.{sub}" for sub in _NESTED[key]] if key in _NESTED else [key]
    return columns + list(GROWTH_COLUMNS)


def _flat(values: dict[str, Any]) -> dict[str, Any]:
    """Nested counts become columns named parent.child (networks_by_status.active)."""
    out: dict[str, Any] = {}
    for key in KEYS:
        value = values[key]
        if isinstance(value, dict):
            out.update({f"{key}.{sub}": n for sub, n in value.items()})
        else:
            out[key] = value
    return out


def render_csv(reports: Sequence[ChapterReport], as_of: date, months: int) -> str:
    """One row per chapter, raw numbers (empty when undefined), a fixed header."""
    rows = [
        {"chapter": r.slug, "name": r.name, "as_of": as_of.isoformat(), **_flat(r.values),
         "growth_verdict": r.growth["verdict"],
         "doubling_time_days": r.growth["doubling_time_days"], "growth_months": months}
        for r in reports
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=csv_header(), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
