"""Growth pages: a chapter's growth dashboard, chapters side by side, the generation map, and
the dashboard's tables as CSV or JSON.

Organizers see their chapters, admins every chapter; everyone else is refused (403) and a
chapter outside the viewer's is not found (404): metrics.dashboard decides, as core.scope does
everywhere. Each view calls one access function and one selector (or service), then renders;
the helpers below only turn numbers into charts and files.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from netweave.exports.files import csv_cell
from netweave.metrics.dashboard import (
    GrowthDashboard,
    Table,
    access_growth_chapter,
    growth_comparison_for,
    growth_dashboard_for,
    growth_map_for,
)
from netweave.metrics.exports import growth_export
from netweave.people.models import Source
from netweave.people.selectors import recruiters_for
from netweave.web.charts import Band, Bar, Line, bar_chart, line_chart
from netweave.web.health import ELEMENT_LABELS

STEP_LABELS = {
    "signed_up": gettext_lazy("Signed up"),
    "contacted": gettext_lazy("Contacted"),
    "first_task": gettext_lazy("First task"),
    "in_network": gettext_lazy("In a network"),
    "convening": gettext_lazy("Convening"),
}
TABLE_LABELS = {
    "networks_over_time": gettext_lazy("Networks over time"),
    "reproduction": gettext_lazy("Reproduction per quarter"),
    "generations": gettext_lazy("Networks per generation"),
    "funnel": gettext_lazy("Follow-up funnel"),
    "health": gettext_lazy("Network health"),
    "coverage": gettext_lazy("Coverage of target places"),
    "isolated": gettext_lazy("Isolated individuals"),
    "recruiters": gettext_lazy("Who brings people in"),
}
# Months of forecast drawn after the curve (the reach question looks further ahead).
CHART_FORECAST_MONTHS = 6
# Months of history drawn before the first network at the least (the rest are empty).
CHART_LEAD_MONTHS = 2
MAX_TARGET = 1_000_000


def _today() -> date:
    return timezone.localdate()


def _target(request: HttpRequest) -> int | None:
    """?target=N when it is a sensible whole number; anything else means the default."""
    raw = request.GET.get("target", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_TARGET else None


@login_required
def growth(request: HttpRequest) -> HttpResponse:
    choice = access_growth_chapter(request.user, request.GET.get("chapter", ""))
    dash = growth_dashboard_for(request.user, [choice.chapter.pk], _today(),
                                target=_target(request))
    context = {"choice": choice, "d": dash, "charts": dashboard_charts(dash),
               "tables": TABLE_LABELS, "step_labels": STEP_LABELS,
               "funnel_groups": funnel_groups(dash),
               "recruiters": recruiters_for(request.user, choice.chapter.pk)}
    return render(request, "web/growth/dashboard.html", context)


@login_required
def growth_compare(request: HttpRequest) -> HttpResponse:
    rows = growth_comparison_for(request.user, _today())
    return render(request, "web/growth/compare.html", {"rows": rows})


@login_required
def growth_map(request: HttpRequest) -> HttpResponse:
    choice = access_growth_chapter(request.user, request.GET.get("chapter", ""))
    growth_tree = growth_map_for(request.user, choice.chapter.pk)
    return render(request, "web/growth/map.html", {"choice": choice, "m": growth_tree})


@login_required
def growth_export_table(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    choice = access_growth_chapter(request.user, request.GET.get("chapter", ""))
    as_of = _today()
    # ?person=<public id>: the one person asked for by name (discreet people only so).
    rows = growth_export(actor=request.user, chapter=choice.chapter, table=table, fmt=fmt,
                         as_of=as_of, person=request.GET.get("person", "")[:16])
    filename = f"{choice.chapter.slug}-{table}-{as_of.isoformat()}.{fmt}"
    response = csv_response(rows) if fmt == "csv" else json_response(rows, choice, as_of)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def funnel_groups(d: GrowthDashboard) -> list[tuple[str, Any]]:
    """The funnel's groups (how people came in), named in the viewer's language."""
    labels = dict(Source.choices)
    return [(str(labels.get(g, g)) if g else "–", steps) for g, steps in d.funnel.groups.items()]


# --- Files -------------------------------------------------------------------------------------

def csv_response(table: Table) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    writer.writerows([csv_cell(v) for v in row] for row in table.rows)
    return HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")


def json_response(table: Table, choice: Any, as_of: date) -> JsonResponse:
    return JsonResponse({
        "table": table.name, "chapter": choice.chapter.public_id, "as_of": as_of.isoformat(),
        "columns": table.headers,
        "rows": [dict(zip(table.headers, row, strict=True)) for row in table.rows],
    })


# --- Charts ------------------------------------------------------------------------------------


def dashboard_charts(d: GrowthDashboard) -> dict[str, SafeString]:
    return {
        "curve": curve_chart(d),
        "funnel": bar_chart(
            [Bar(str(STEP_LABELS[s.step]), s.people, _people_text(s.people, s.conversion))
             for s in d.funnel.total],
            title=_("Follow-up funnel: people who reached each step"),
        ),
        "generations": bar_chart(
            [Bar(_("Generation %d") % g.generation, g.networks,
                 _("%(n)d (%(a)d active)") % {"n": g.networks, "a": g.active})
             for g in d.generations],
            title=_("Networks per generation"), color="#1f7a4d",
        ),
        "health": bar_chart(
            [Bar(str(ELEMENT_LABELS.get(e, e)), 100 * (share or 0), _percent(share))
             for e, share in d.health.share.items()],
            title=_("Share of active networks with each health element"), max_value=100,
            color="#a15c00",
        ),
    }


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def _people_text(people: int, conversion: float | None) -> str:
    return str(people) if conversion is None else f"{people} · {_percent(conversion)}"


def curve_chart(d: GrowthDashboard) -> SafeString:
    """Networks started (cumulative) and active per month, the verdict's fitted model over the
    months it was fitted to, and the forecast of active networks (median and 10th-90th band)
    for the months after."""
    first = len(d.series) - len(d.points)  # the first month with a network
    history = d.series[max(0, first - CHART_LEAD_MONTHS):] if d.points else d.series
    ahead = d.forecast.months[1:CHART_FORECAST_MONTHS + 1] if d.forecast else []
    months = [p.month for p in history] + ahead
    pad: list[float | None] = [None] * len(ahead)
    offset = len(history) - len(d.fitted)
    lines = [
        Line(_("Networks started, in total"), [*(float(p.started_total) for p in history), *pad]),
        Line(_("Active networks"), [*(float(p.active) for p in history), *pad]),
        Line(_("Fitted model"), [*([None] * offset), *d.fitted, *pad], dashed=True),
    ]
    band = None
    if d.forecast:
        f, keep = d.forecast.result, CHART_FORECAST_MONTHS + 1
        before: list[float | None] = [None] * (len(history) - 1)
        lines.append(Line(_("Forecast (median)"), [*before, *f.median[:keep]], dashed=True))
        band = Band(_("Forecast, 8 in 10 futures"), [*before, *f.low[:keep]],
                    [*before, *f.high[:keep]])
    y_max = 1.1 * max([v for line in lines for v in line.values if v is not None], default=1.0)
    return line_chart([formats.date_format(m, "M Y") for m in months], lines, band=band,
                      y_max=y_max, title=_("Networks per month, with the forecast"))


urlpatterns = [
    path("growth/", growth, name="growth"),
    path("growth/chapters/", growth_compare, name="growth_compare"),
    path("growth/map/", growth_map, name="growth_map"),
    path("growth/export/<slug:table>.<slug:fmt>", growth_export_table, name="growth_export"),
]
