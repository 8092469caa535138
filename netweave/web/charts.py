"""Tiny server-rendered SVG charts: horizontal bars, a line chart with a shaded band, and a
ring of lit and unlit segments.

Why not a JavaScript chart library: pages must work without script on slow phones (DESIGN.md:
every page still works for a user whose script failed to load). An inline SVG is a few hundred
bytes, arrives with the page, needs no second request, prints, and scales to any width: the
viewBox is fixed and the element is drawn at 100% of its container, so it reads at 360 px.

Pure functions: values in, an SVG string out. Every label is escaped here, so a name a user
typed can never become markup; the result is marked safe for templates for that reason.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 320
FONT = 13
COLORS = ("#2f5bd3", "#1f7a4d", "#a15c00", "#b3261e")
BAND_COLOR = "#2f5bd3"
MUTED = "#5b6474"
LINE = "#d9dde5"
XY = Callable[[int, float], str]


def _num(value: float) -> str:
    """A coordinate with at most one decimal: short SVG, stable output."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(height: float, title: str, body: list[str]) -> SafeString:
    # Derived from the content, so the same chart always renders the same (pure, cacheable).
    ident = f"chart-{zlib.crc32((title + ''.join(body)).encode()):08x}"
    # Every label went through escape() below, so the markup is ours alone.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" '
        f'viewBox="0 0 {WIDTH} {_num(height)}" width="100%" role="img" '
        f'aria-labelledby="{ident}" font-size="{FONT}" '
        f'font-family="system-ui, sans-serif" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{ident}">{escape(title)}</title>{"".join(body)}</svg>'
    )


# --- Horizontal bars ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str = ""  # shown after the bar; the value itself when empty


BAR_ROW = 36  # the label line, then the bar


def bar_chart(bars: Sequence[Bar], *, title: str, max_value: float | None = None,
              color: str = COLORS[0]) -> SafeString:
    """One row per bar: the label and its value on one line (value at the right), the bar
    below across the full width. Bars scale to max_value (default: the largest value);
    negative values draw as empty bars."""
    top = max_value if max_value is not None else max((b.value for b in bars), default=0.0)
    body: list[str] = []
    for i, bar in enumerate(bars):
        y = i * BAR_ROW
        width = WIDTH * min(max(bar.value, 0.0) / top, 1.0) if top > 0 else 0.0
        text = bar.text or _short(bar.value)
        body.append(
            f'<text x="0" y="{y + FONT}" fill="#1d2433">{escape(bar.label)}</text>'
            f'<text x="{WIDTH}" y="{y + FONT}" text-anchor="end" fill="{MUTED}">'
            f"{escape(text)}</text>"
            f'<rect x="0" y="{y + FONT + 5}" width="{WIDTH}" height="12" rx="2" fill="{LINE}" '
            f'fill-opacity="0.5"/>'
            f'<rect x="0" y="{y + FONT + 5}" width="{_num(width)}" height="12" rx="2" '
            f'fill="{color}"/>'
        )
    return _svg(max(len(bars), 1) * BAR_ROW - 2, title, body)


def _short(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:.2e}"


# --- Lines over time, with a band -------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    label: str
    values: Sequence[float | None]  # one per x label; None leaves a gap
    dashed: bool = False


@dataclass(frozen=True)
class Band:
    label: str
    low: Sequence[float | None]
    high: Sequence[float | None]


PLOT_TOP, PLOT_HEIGHT, PLOT_LEFT, PLOT_RIGHT = 8, 160, 36, WIDTH - 6
LEGEND_ROW = 18


def line_chart(x_labels: Sequence[str], lines: Sequence[Line], *, title: str,
               band: Band | None = None, y_max: float | None = None) -> SafeString:
    """Lines over the same x positions, an optional shaded band (e.g. a forecast's 10th-90th
    percentiles), axes with the first, middle and last x labels and the y maximum, and a
    legend below. Values above y_max are clipped to it."""
    n = len(x_labels)
    top = y_max or _largest(lines, band) or 1.0

    def xy(i: int, v: float) -> str:
        x = PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * (i / (n - 1) if n > 1 else 0.5)
        y = PLOT_TOP + PLOT_HEIGHT * (1 - min(max(v, 0.0), top) / top)
        return f"{_num(x)},{_num(y)}"

    body = _axes(x_labels, top)
    if band is not None:
        body += _band(band, xy)
    for k, line in enumerate(lines):
        body += _polylines(line, xy, COLORS[k % len(COLORS)])
    legend: list[tuple[str, str, bool | None]] = [
        (line.label, COLORS[k % len(COLORS)], line.dashed) for k, line in enumerate(lines)
    ]
    if band is not None:
        legend.append((band.label, BAND_COLOR, None))
    body += _legend(legend)
    return _svg(PLOT_TOP + PLOT_HEIGHT + FONT + 12 + LEGEND_ROW * len(legend), title, body)


def _largest(lines: Sequence[Line], band: Band | None) -> float:
    values = [v for line in lines for v in line.values if v is not None]
    if band is not None:
        values += [v for v in band.high if v is not None]
    return max(values, default=0.0)


def _axes(x_labels: Sequence[str], top: float) -> list[str]:
    bottom = PLOT_TOP + PLOT_HEIGHT
    out = [
        f'<line x1="{PLOT_LEFT}" y1="{bottom}" x2="{PLOT_RIGHT}" y2="{bottom}" stroke="{LINE}"/>',
        f'<line x1="{PLOT_LEFT}" y1="{PLOT_TOP}" x2="{PLOT_LEFT}" y2="{bottom}" stroke="{LINE}"/>',
        # The top value sits inside the plot, so a long number is never cut off at the left.
        f'<text x="{PLOT_LEFT + 4}" y="{PLOT_TOP + FONT}" fill="{MUTED}">'
        f"{escape(_short(round(top)))}</text>",
        f'<text x="{PLOT_LEFT - 3}" y="{bottom}" text-anchor="end" fill="{MUTED}">0</text>',
    ]
    n = len(x_labels)
    shown = sorted({0, n // 2, n - 1}) if n else []
    for i in shown:
        x = PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * (i / (n - 1) if n > 1 else 0.5)
        anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
        out.append(f'<text x="{_num(x)}" y="{bottom + FONT + 3}" text-anchor="{anchor}" '
                   f'fill="{MUTED}">{escape(x_labels[i])}</text>')
    return out


def _segments(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Runs of consecutive points that have a value."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            runs.append([])
        else:
            runs[-1].append((i, v))
    return [r for r in runs if r]


def _polylines(line: Line, xy: XY, color: str) -> list[str]:
    dash = ' stroke-dasharray="5 3"' if line.dashed else ""
    out = []
    for run in _segments(line.values):
        pts = " ".join(xy(i, v) for i, v in run)
        if len(run) == 1:
            x, y = pts.split(",")
            out.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{color}"/>')
        else:
            out.append(f'<polyline points="{pts}" fill="none" stroke="{color}" '
                       f'stroke-width="2"{dash}/>')
    return out


def _band(band: Band, xy: XY) -> list[str]:
    points = [None if lo is None or hi is None else (lo, hi)
              for lo, hi in zip(band.low, band.high, strict=True)]
    out = []
    for run in _segments([None if p is None else 0.0 for p in points]):
        edges = [(i, p) for i, _ in run if (p := points[i]) is not None]
        upper = [xy(i, hi) for i, (_lo, hi) in edges]
        lower = [xy(i, lo) for i, (lo, _hi) in reversed(edges)]
        out.append(f'<polygon points="{" ".join(upper + lower)}" fill="{BAND_COLOR}" '
                   f'fill-opacity="0.15" stroke="none"/>')
    return out


def _legend(items: list[tuple[str, str, bool | None]]) -> list[str]:
    out = []
    y0 = PLOT_TOP + PLOT_HEIGHT + FONT + 12
    for k, (label, color, dashed) in enumerate(items):
        y = y0 + k * LEGEND_ROW
        if dashed is None:  # a band: a shaded square
            mark = (f'<rect x="0" y="{y + 3}" width="18" height="10" fill="{color}" '
                    f'fill-opacity="0.15"/>')
        else:
            dash = ' stroke-dasharray="5 3"' if dashed else ""
            mark = (f'<line x1="0" y1="{y + 8}" x2="18" y2="{y + 8}" stroke="{color}" '
                    f'stroke-width="2"{dash}/>')
        out.append(f'{mark}<text x="24" y="{y + 12}" fill="#1d2433">{escape(label)}</text>')
    return out


# --- A ring of lit and unlit segments ---------------------------------------------------------

RING_SIZE = 120
RING_RADIUS = 48
RING_STROKE = 14
RING_GAP_DEGREES = 6.0


def _ring_point(degrees: float) -> str:
    """A point on the ring, 0 degrees at the top, clockwise."""
    angle = math.radians(degrees - 90)
    centre = RING_SIZE / 2
    return (f"{_num(centre + RING_RADIUS * math.cos(angle))} "
            f"{_num(centre + RING_RADIUS * math.sin(angle))}")


def ring_chart(segments: Sequence[tuple[str, bool]], *, title: str, centre: str,
               color: str = COLORS[1]) -> SafeString:
    """A circle cut into one arc per (label, lit) segment, clockwise from the top: lit arcs
    in `color`, unlit ones muted; `centre` (e.g. a score) in the middle. Each arc carries its
    label as a tooltip; the page should also say in text what the ring shows."""
    body: list[str] = []
    n = len(segments)
    step = 360.0 / n if n else 360.0
    for i, (label, lit) in enumerate(segments):
        start, end = i * step + RING_GAP_DEGREES / 2, (i + 1) * step - RING_GAP_DEGREES / 2
        large = 1 if end - start > 180 else 0
        fill = color if lit else LINE
        body.append(
            f'<path d="M {_ring_point(start)} A {RING_RADIUS} {RING_RADIUS} 0 {large} 1 '
            f'{_ring_point(end)}" fill="none" stroke="{fill}" stroke-width="{RING_STROKE}">'
            f"<title>{escape(label)}</title></path>"
        )
    body.append(
        f'<text x="{RING_SIZE / 2:g}" y="{RING_SIZE / 2 + 7:g}" text-anchor="middle" '
        f'font-size="20" font-weight="700" fill="#1d2433">{escape(centre)}</text>'
    )
    ident = f"ring-{zlib.crc32((title + ''.join(body)).encode()):08x}"
    # Every label went through escape() above, so the markup is ours alone.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ring" '
        f'viewBox="0 0 {RING_SIZE} {RING_SIZE}" width="{RING_SIZE}" height="{RING_SIZE}" '
        f'role="img" aria-labelledby="{ident}" font-family="system-ui, sans-serif">'
        f'<title id="{ident}">{escape(title)}</title>{"".join(body)}</svg>'
    )
