"""Server-drawn SVG charts: well-formed, accessible, and faithful to their data."""

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capmap.core import charts
from capmap.core.charts import Series

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart):
    return ET.fromstring(str(chart.svg))


def test_bar_chart_draws_one_bar_per_label_with_its_value():
    chart = charts.bar_chart(title="Reviews by practice", labels=["A", "B", "C"], values=[3, 0, 12])
    root = parse(chart)
    bars = root.findall(f".//{SVG}g[@class='app-chart__bars']/{SVG}rect")
    assert [(b.get("data-label"), b.get("data-value")) for b in bars] == [
        ("A", "3"),
        ("B", "0"),
        ("C", "12"),
    ]
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == 0
    assert heights[2] == pytest.approx(heights[0] * 4)


def test_chart_is_an_image_named_by_its_title_and_description():
    chart = charts.bar_chart(title="Reviews & more", labels=["A"], values=[1])
    root = parse(chart)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.text == "Reviews & more"
    assert desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_chart_uses_no_inline_styles_that_the_content_policy_blocks():
    chart = charts.line_chart(
        title="Trend", labels=["Jan", "Feb"], series=[Series("Reviews", [1, 2])]
    )
    assert "style=" not in str(chart.svg)
    assert "<script" not in str(chart.svg)


def test_line_chart_plots_a_point_per_month_and_the_median():
    chart = charts.line_chart(
        title="Monthly reviews",
        labels=["Jan", "Feb", "Mar", "Apr"],
        series=[Series("Reviews", [4, 8, 2, 10])],
    )
    root = parse(chart)
    points = root.findall(f".//{SVG}circle")
    assert [p.get("data-value") for p in points] == ["4", "8", "2", "10"]
    ys = [float(p.get("cy")) for p in points]
    assert ys[3] < ys[1] < ys[0] < ys[2]  # higher values sit higher on the page
    assert root.find(f".//{SVG}line[@class='app-chart__median']").get("data-value") == "6"


def test_stacked_bar_segments_add_up_to_each_total():
    chart = charts.stacked_bar_chart(
        title="Interventions",
        labels=["Jan", "Feb"],
        series=[Series("Stop", [2, 1]), Series("Start", [3, 0])],
    )
    root = parse(chart)
    groups = root.findall(f".//{SVG}g[@class='app-chart__series']")
    assert [g.get("data-series") for g in groups] == ["Stop", "Start"]
    stop_jan, start_jan = groups[0].findall(f"{SVG}rect")[0], groups[1].findall(f"{SVG}rect")[0]
    # Start sits directly on top of Stop.
    assert float(start_jan.get("y")) + float(start_jan.get("height")) == pytest.approx(
        float(stop_jan.get("y"))
    )
    assert chart.table.rows == [["Jan", "2", "3"], ["Feb", "1", "0"]]


def test_labels_are_escaped_not_injected():
    chart = charts.bar_chart(title="<b>x</b>", labels=['"><script>'], values=[1])
    root = parse(chart)
    assert root.find(f"{SVG}title").text == "<b>x</b>"
    assert root.findall(f".//{SVG}rect")[-1].get("data-label") == '"><script>'


def test_empty_chart_still_renders_and_says_so():
    chart = charts.bar_chart(title="Nothing", labels=[], values=[])
    root = parse(chart)
    assert "No figures" in root.find(f"{SVG}desc").text
    assert chart.table.rows == []


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30))
def test_every_bar_fits_inside_the_drawing(values):
    chart = charts.bar_chart(title="t", labels=[str(i) for i in range(len(values))], values=values)
    for bar in parse(chart).findall(f".//{SVG}g[@class='app-chart__bars']/{SVG}rect"):
        assert float(bar.get("y")) >= charts.MARGIN_TOP - 0.01
        assert float(bar.get("height")) >= 0


@pytest.mark.parametrize(
    ("value", "ticks"),
    [
        (0, [0, 1, 2]),
        (7, [0, 2, 4, 6, 8]),
        (30, [0, 10, 20, 30]),
        (116.6, [0, 50, 100, 150]),
        (2264, [0, 1000, 2000, 3000]),
    ],
)
def test_axis_ticks_are_round_numbers_covering_the_data(value, ticks):
    assert charts.axis_ticks(value) == pytest.approx(ticks)


def test_chart_macro_renders_picture_and_table():
    from django.template import engines

    chart = charts.bar_chart(title="Reviews", labels=["A"], values=[5])
    template = engines["jinja2"].from_string(
        '{% from "components/chart/macro.jinja" import app_chart %}{{ app_chart(chart) }}'
    )
    html = template.render({"chart": chart})
    assert "<svg" in html and "&lt;svg" not in html
    assert "<caption" in html and "Reviews (table)" in html
    assert '<th scope="row" class="nhsuk-table__header">A</th>' in html


def test_a_partial_period_is_a_hollow_point_on_a_dashed_line_out_of_the_median():
    chart = charts.line_chart(
        title="Monthly reviews",
        labels=["Jan", "Feb", "Mar", "Apr so far (partial)"],
        series=[Series("Reviews", [4, 8, 6, 1])],
        partial=[False, False, False, True],
    )
    root = parse(chart)
    last = root.findall(f".//{SVG}circle")[-1]
    assert last.get("data-partial") == "true"
    assert last.get("fill") == "#ffffff"
    assert root.find(f".//{SVG}line[@class='app-chart__partial-line']") is not None
    # The median of the complete months (4, 8, 6), not dragged down by the partial 1.
    assert root.find(f".//{SVG}line[@class='app-chart__median']").get("data-value") == "6"
    assert "not final" in chart.description


def test_a_partial_period_with_nothing_yet_is_left_off_not_drawn_as_zero():
    chart = charts.line_chart(
        title="Monthly reviews",
        labels=["Jan", "Feb", "Mar so far (partial)"],
        series=[Series("Reviews", [4, 8, 0])],
        partial=[False, False, True],
    )
    root = parse(chart)
    assert [p.get("data-value") for p in root.findall(f".//{SVG}circle")] == ["4", "8"]
    assert chart.table.rows[-1] == ["Mar so far (partial)", charts.NOT_YET]


def _label_text(root) -> list[str]:
    return [
        " ".join(span.text or "" for span in text.findall(f"{SVG}tspan"))
        for text in root.iter(f"{SVG}text")
        if text.get("data-label")
    ]


@pytest.mark.parametrize("kind", ["bar_chart", "horizontal_bar_chart"])
def test_a_long_label_is_wrapped_never_cut(kind):
    labels = [
        "Structured medication reviews",
        "Medicines reconciliation after discharge",
        "Hospital admissions avoided (estimate)",
    ]
    chart = getattr(charts, kind)(title="Totals", labels=labels, values=[3, 5, 1])
    root = parse(chart)
    assert _label_text(root) == labels
    assert "…" not in str(chart.svg)


def test_a_line_chart_month_label_is_wrapped_whole():
    labels = [f"M{i} 2026" for i in range(11)] + ["Dec 2026 so far (partial)"]
    chart = charts.line_chart(
        title="Trend",
        labels=labels,
        series=[Series("All", list(range(12)))],
        partial=[False] * 11 + [True],
    )
    assert _label_text(parse(chart))[-1] == "Dec 2026 so far (partial)"


def test_horizontal_bars_are_as_long_as_their_values():
    chart = charts.horizontal_bar_chart(title="Totals", labels=["A", "B"], values=[2, 4])
    bars = parse(chart).findall(f".//{SVG}g[@class='app-chart__bars']/{SVG}rect")
    widths = [float(b.get("width")) for b in bars]
    assert widths[1] == pytest.approx(widths[0] * 2)
