"""The SVG chart helper: escaped labels, a fixed viewBox at full width, honest scales."""

import re
from xml.etree import ElementTree

from netweave.web.charts import WIDTH, Band, Bar, Line, bar_chart, line_chart


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own output, parsed to check it


def widths(svg: str) -> list[float]:
    """Widths of the value bars (the second rect of each row; the first is the track)."""
    rects = re.findall(r'<rect x="0" y="[\d.]+" width="([\d.]+)" height="12" rx="2" fill="#',
                       svg)
    return [float(w) for w in rects[1::2]]


def test_a_bar_chart_escapes_labels_and_scales_to_the_largest_bar():
    svg = bar_chart([Bar("<script>alert(1)</script>", 4), Bar("B & C", 2, "2 of 4")],
                    title='Say "hi"')
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "B &amp; C" in svg
    root = parse(svg)  # well-formed XML
    assert root.get("viewBox", "").startswith(f"0 0 {WIDTH} ") and root.get("width") == "100%"
    assert root.get("role") == "img"
    assert widths(svg) == [WIDTH, WIDTH / 2]
    assert "2 of 4" in svg


def test_a_bar_chart_with_a_fixed_maximum_clips_and_survives_zeros():
    svg = bar_chart([Bar("over", 150), Bar("none", 0), Bar("less", -3)], title="t",
                    max_value=100)
    assert widths(svg) == [WIDTH, 0, 0]
    assert widths(bar_chart([Bar("zero", 0)], title="t")) == [0]
    parse(bar_chart([], title="empty"))


def test_a_line_chart_draws_lines_gaps_a_band_and_a_legend():
    svg = line_chart(
        ["Jan", "Feb", "Mar", "Apr"],
        [Line("total", [1, 2, None, 4]), Line("fit <model>", [1, 2, 3, 4], dashed=True)],
        band=Band("band", [None, None, 3, 3], [None, None, 5, 6]), title="Growth",
    )
    root = parse(svg)
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Growth"
    assert svg.count("<polyline") == 2  # the gap splits "total": a line and a lone point
    assert svg.count("<circle") == 1
    assert svg.count("<polygon") == 1 and 'stroke-dasharray="5 3"' in svg
    assert "fit &lt;model&gt;" in svg and "<title" in svg
    for label in ("Jan", "Mar", "Apr", "total", "band"):
        assert f">{label}<" in svg


def test_a_line_chart_clips_to_its_maximum_and_is_the_same_every_time():
    make = lambda: line_chart(["a", "b"], [Line("x", [0, 1000])], title="t", y_max=10)  # noqa: E731
    svg = make()
    ys = [float(y) for y in re.findall(r",([\d.]+)", re.search(r'points="([^"]+)"', svg)[1])]
    assert min(ys) >= 8  # the top of the plot, not above it
    assert make() == svg
