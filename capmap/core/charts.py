"""Accessible SVG charts drawn on the server, each with a table carrying the same numbers.

Pure functions: plain data in, a `Chart` out. The SVG uses presentation attributes
(`fill="..."`), never `style=`, so the page's content security policy allows it, and
WeasyPrint draws the same picture in a PDF. Render with the `app_chart` macro
(core/jinja2/components/chart), which puts the table alternative beside the picture.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

# NHS identity palette, in the order series take them; each is readable on white.
PALETTE = ["#005eb8", "#330072", "#007f3b", "#ae2573", "#7c2855", "#425563", "#00a499"]
TEXT = "#212b32"
GRID = "#d8dde0"

# Shown for a running period with nothing recorded yet: it is not a real zero.
NOT_YET = "None recorded yet"
PARTIAL_NOTE = "so far (partial)"

WIDTH = 640
HEIGHT = 320
MARGIN_LEFT = 56
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 56
LINE_HEIGHT = 13  # between the lines of a wrapped label
CHAR_WIDTH = 5.8  # an 11 px Arial character, on average


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


@dataclass(frozen=True)
class ChartTable:
    caption: str
    head: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Chart:
    kind: str
    title: str
    description: str
    labels: list[str]
    series: list[Series]
    unit: str = ""
    chart_id: str = ""
    svg: Markup = field(default=Markup(""), repr=False)
    # True for a period still running (this month so far): its figure is not a final one.
    partial: tuple[bool, ...] = ()

    def is_partial(self, index: int) -> bool:
        return index < len(self.partial) and self.partial[index]

    @property
    def table(self) -> ChartTable:
        head = ["", *[s.name for s in self.series]]
        rows = [
            [label, *[self._cell(s.values[i], i) for s in self.series]]
            for i, label in enumerate(self.labels)
        ]
        caption = f"{self.title} (table)" + (f", {self.unit}" if self.unit else "")
        return ChartTable(caption=caption, head=head, rows=rows)

    def _cell(self, value: float, index: int) -> str:
        if self.is_partial(index) and not value:
            return NOT_YET
        return format_number(value)


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def nice_step(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (1 for 0)."""
    if value <= 0:
        return 1
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value * (1 - 1e-9):
            return candidate
    return 10 ** (exponent + 1)  # pragma: no cover - the loop always returns


def axis_ticks(maximum: float) -> list[float]:
    """Round tick values from 0 to at or above `maximum`: two to five steps of 1, 2 or 5."""
    step = nice_step(maximum / 4) if maximum > 0 else 1
    steps = max(2, math.ceil(maximum / step - 1e-9))
    return [step * i for i in range(steps + 1)]


def nice_ceiling(value: float) -> float:
    """The top of the axis for data reaching `value`."""
    return axis_ticks(value)[-1]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def _attrs(**attributes) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:.2f}".rstrip("0").rstrip(".")
        parts.append(f'{name.rstrip("_").replace("_", "-")}="{escape(str(value))}"')
    return " ".join(parts)


def _text(x: float, y: float, content: str, anchor: str = "middle", size: int = 12) -> str:
    attributes = _attrs(x=float(x), y=float(y), text_anchor=anchor, font_size=size, fill=TEXT)
    return f"<text {attributes}>{escape(content)}</text>"


def _frame(
    chart_id: str, title: str, description: str, body: list[str], height: float = HEIGHT
) -> Markup:
    opening = _attrs(
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {WIDTH} {height:g}",
        width="100%",
        role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        class_="app-chart__svg",
        font_family="Frutiger W01, Arial, sans-serif",
    )
    # Every piece above was built from escaped text and fixed markup.
    return Markup(  # noqa: S704
        f"<svg {opening}>"
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _axes(maximum: float, labels: list[str], unit: str) -> tuple[list[str], float, float]:
    """Grid lines with y-axis numbers and the x-axis labels; returns (parts, band, extra height).

    Labels wrap onto more lines rather than being cut; the picture grows downwards by
    `extra height` to make room for them.
    """
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    parts = ['<g class="app-chart__axes" aria-hidden="true">']
    for value in axis_ticks(maximum):
        y = MARGIN_TOP + plot_h - plot_h * value / maximum
        parts.append(
            f"<line {_attrs(x1=MARGIN_LEFT, x2=WIDTH - MARGIN_RIGHT, y1=y, y2=y, stroke=GRID)}/>"
        )
        parts.append(_text(MARGIN_LEFT - 6, y + 4, format_number(value), anchor="end"))
    if unit:
        parts.append(_text(4, MARGIN_TOP - 4, unit, anchor="start", size=11))
    band = plot_w / max(len(labels), 1)
    # Thin the labels so they never overlap: at most about twelve along the axis.
    every = max(1, math.ceil(len(labels) / 12))
    most_lines = 1
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = MARGIN_LEFT + band * (i + 0.5)
        lines = wrap_label(label, band * every)
        most_lines = max(most_lines, len(lines))
        parts.append(_lines(x, HEIGHT - MARGIN_BOTTOM + 18, lines, anchor="middle", label=label))
    parts.append("</g>")
    return parts, band, LINE_HEIGHT * (most_lines - 1)


def wrap_label(label: str, space: float, size: int = 11) -> list[str]:
    """The label broken at spaces into lines that fit `space` pixels; never cut short.

    A single word longer than the room keeps its own line whole.
    """
    room = max(int(space / (CHAR_WIDTH * size / 11)), 4)
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= room:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _lines(x: float, y: float, lines: list[str], *, anchor: str, label: str, size: int = 11) -> str:
    """A text element of one tspan a line; `data-label` keeps the whole label."""
    attributes = _attrs(
        x=float(x), y=float(y), text_anchor=anchor, font_size=size, fill=TEXT, data_label=label
    )
    spans = "".join(
        f"<tspan {_attrs(x=float(x), dy=0.0 if n == 0 else float(LINE_HEIGHT))}>"
        f"{escape(line)}</tspan>"
        for n, line in enumerate(lines)
    )
    return f"<text {attributes}>{spans}</text>"


def _y(value: float, maximum: float) -> float:
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    return MARGIN_TOP + plot_h - plot_h * (value / maximum)


def _legend(series: Sequence[Series], extra: float = 0) -> list[str]:
    if len(series) < 2:
        return []
    parts = ['<g class="app-chart__legend" aria-hidden="true">']
    x = MARGIN_LEFT
    y = HEIGHT - 16 + extra
    for index, s in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f"<rect {_attrs(x=x, y=y - 10, width=12, height=12, fill=colour)}/>")
        parts.append(_text(x + 16, y, s.name, anchor="start", size=11))
        x += 28 + 7 * len(s.name)
    parts.append("</g>")
    return parts


def _values(values: Sequence[float | None]) -> list[float]:
    return [float(v or 0) for v in values]


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    unit: str = "",
    description: str = "",
    series_name: str = "Value",
    chart_id: str = "",
) -> Chart:
    """One bar a label; each bar carries its label and value for assistive technology."""
    labels, numbers, chart_id, maximum = _one_series(title, labels, values, chart_id)
    parts, band, extra = _axes(maximum, labels, unit)
    parts.append('<g class="app-chart__bars">')
    width = band * 0.7
    for i, (label, value) in enumerate(zip(labels, numbers, strict=True)):
        top = _y(value, maximum)
        x = MARGIN_LEFT + band * i + (band - width) / 2
        parts.append(_bar(x, top, width, _y(0, maximum) - top, label, value))
    parts.append("</g>")
    series = Series(series_name, numbers)
    return _one_series_chart(
        "bar", title, description, series, labels, unit, chart_id, parts, HEIGHT + extra
    )


def _one_series(
    title: str, labels: Sequence[str], values: Sequence[float], chart_id: str
) -> tuple[list[str], list[float], str, float]:
    """What every one-series chart starts from: labels as text, values as numbers, its id
    and the top of its axis."""
    numbers = _values(values)
    return (
        [str(label) for label in labels],
        numbers,
        chart_id or _slug(title),
        nice_ceiling(max(numbers, default=0)),
    )


def _bar(x: float, y: float, width: float, height: float, label: str, value: float) -> str:
    """One bar, carrying its label and value for assistive technology."""
    attributes = _attrs(
        x=float(x),
        y=float(y),
        width=float(width),
        height=float(height),
        fill=PALETTE[0],
        data_label=label,
        data_value=format_number(value),
    )
    return f"<rect {attributes}><title>{escape(label)}: {format_number(value)}</title></rect>"


def _one_series_chart(
    kind: str,
    title: str,
    description: str,
    series: Series,
    labels: list[str],
    unit: str,
    chart_id: str,
    parts: list[str],
    height: float,
) -> Chart:
    description = description or _describe(labels, [series], unit)
    svg = _frame(chart_id, title, description, parts, height)
    return Chart(kind, title, description, labels, [series], unit, chart_id, svg)


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    description: str = "",
    show_median: bool = True,
    chart_id: str = "",
    partial: Sequence[bool] = (),
) -> Chart:
    """A run chart: one line a series over time, with the first series' median dashed.

    `partial` marks periods still running (this month so far). Their points are hollow and
    joined by a dashed line, they stay out of the median, and a running period with nothing
    recorded yet is left off the line instead of being drawn as a fall to zero.
    """
    labels = [str(label) for label in labels]
    series = [Series(s.name, _values(s.values)) for s in series]
    flags = tuple(bool(f) for f in partial) + (False,) * (len(labels) - len(partial))
    chart_id = chart_id or _slug(title)
    maximum = nice_ceiling(max((v for s in series for v in s.values), default=0))
    parts, band, extra = _axes(maximum, labels, unit)
    if show_median and series and series[0].values:
        complete = [v for v, running in zip(series[0].values, flags, strict=False) if not running]
        centre = median(complete or list(series[0].values))
        y = _y(centre, maximum)
        line = _attrs(
            x1=MARGIN_LEFT,
            x2=WIDTH - MARGIN_RIGHT,
            y1=y,
            y2=y,
            stroke="#425563",
            stroke_dasharray="6 4",
            class_="app-chart__median",
            data_value=format_number(centre),
        )
        parts.append(f"<line {line}><title>Median {format_number(centre)}</title></line>")
    for index, s in enumerate(series):
        parts += _run_line(s, labels, flags, band, maximum, PALETTE[index % len(PALETTE)])
    parts += _legend(series, extra)
    description = description or _describe(labels, series, unit, flags)
    svg = _frame(chart_id, title, description, parts, HEIGHT + extra)
    return Chart("line", title, description, labels, list(series), unit, chart_id, svg, flags)


def _run_line(
    s: Series, labels: list[str], flags: tuple[bool, ...], band: float, maximum: float, colour: str
) -> list[str]:
    """One series: solid through complete periods, dashed into a running one."""
    points = [
        (MARGIN_LEFT + band * (i + 0.5), _y(value, maximum), flags[i], value)
        for i, value in enumerate(s.values)
        if not (flags[i] and not value)  # nothing recorded yet is not a real zero
    ]
    parts = [f'<g class="app-chart__series" {_attrs(data_series=s.name)}>']
    solid = [(x, y) for x, y, running, _ in points if not running]
    if len(solid) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in solid)
        parts.append(
            f"<polyline {_attrs(points=path, fill='none', stroke=colour, stroke_width=2)}/>"
        )
    for before, after in itertools.pairwise(points):
        if after[2]:
            line = _attrs(
                x1=before[0],
                y1=before[1],
                x2=after[0],
                y2=after[1],
                stroke=colour,
                stroke_width=2,
                stroke_dasharray="4 4",
                class_="app-chart__partial-line",
            )
            parts.append(f"<line {line}/>")
    for i, value in enumerate(s.values):
        if flags[i] and not value:
            continue
        x, y = MARGIN_LEFT + band * (i + 0.5), _y(value, maximum)
        label = labels[i]
        attributes = _attrs(
            cx=x,
            cy=y,
            r=4,
            fill="#ffffff" if flags[i] else colour,
            stroke=colour,
            stroke_width=2,
            class_="app-chart__point--partial" if flags[i] else None,
            data_label=label,
            data_value=format_number(value),
            data_partial="true" if flags[i] else None,
        )
        parts.append(
            f"<circle {attributes}><title>{escape(s.name)}, {escape(label)}: "
            f"{format_number(value)}</title></circle>"
        )
    parts.append("</g>")
    return parts


def horizontal_bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    unit: str = "",
    description: str = "",
    series_name: str = "Value",
    chart_id: str = "",
) -> Chart:
    """One bar a row, each named in full on its left: for long names, which never get cut."""
    labels, numbers, chart_id, maximum = _one_series(title, labels, values, chart_id)
    label_w, value_w = 220, 48
    left, right = label_w + 8, WIDTH - MARGIN_RIGHT - value_w
    wrapped = [wrap_label(label, label_w) for label in labels]
    heights = [max(28, LINE_HEIGHT * len(lines) + 12) for lines in wrapped]
    plot_h = sum(heights)
    parts = ['<g class="app-chart__axes" aria-hidden="true">']
    for tick in axis_ticks(maximum):
        x = left + (right - left) * tick / maximum
        bottom = MARGIN_TOP + plot_h
        parts.append(f"<line {_attrs(x1=x, x2=x, y1=MARGIN_TOP, y2=bottom, stroke=GRID)}/>")
        parts.append(_text(x, bottom + 16, format_number(tick), size=11))
    if unit:
        parts.append(_text(right, MARGIN_TOP + plot_h + 32, unit, anchor="end", size=11))
    parts.append("</g>")
    parts.append('<g class="app-chart__bars">')
    top = MARGIN_TOP
    for label, lines, row_h, value in zip(labels, wrapped, heights, numbers, strict=True):
        first_line = top + row_h / 2 - LINE_HEIGHT * (len(lines) - 1) / 2 + 4
        parts.append(_lines(label_w, first_line, lines, anchor="end", label=label))
        width = (right - left) * value / maximum
        parts.append(_bar(left, top + 5, width, row_h - 10, label, value))
        parts.append(_text(left + width + 4, top + row_h / 2 + 4, format_number(value), "start"))
        top += row_h
    parts.append("</g>")
    height = MARGIN_TOP + plot_h + (40 if unit else 28)
    series = Series(series_name, numbers)
    return _one_series_chart(
        "horizontal-bar", title, description, series, labels, unit, chart_id, parts, height
    )


def stacked_bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    description: str = "",
    chart_id: str = "",
) -> Chart:
    """One bar a label, split into one segment a series, stacked from the axis up."""
    labels = [str(label) for label in labels]
    series = [Series(s.name, _values(s.values)) for s in series]
    chart_id = chart_id or _slug(title)
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    maximum = nice_ceiling(max(totals, default=0))
    parts, band, extra = _axes(maximum, labels, unit)
    width = band * 0.7
    for index, s in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<g class="app-chart__series" {_attrs(data_series=s.name)}>')
        for i, (label, value) in enumerate(zip(labels, s.values, strict=True)):
            below = sum(other.values[i] for other in series[:index])
            top = _y(below + value, maximum)
            attributes = _attrs(
                x=MARGIN_LEFT + band * i + (band - width) / 2,
                y=top,
                width=width,
                height=_y(below, maximum) - top,
                fill=colour,
                data_label=label,
                data_value=format_number(value),
            )
            parts.append(
                f"<rect {attributes}><title>{escape(s.name)}, {escape(label)}: "
                f"{format_number(value)}</title></rect>"
            )
        parts.append("</g>")
    parts += _legend(series, extra)
    description = description or _describe(labels, series, unit)
    svg = _frame(chart_id, title, description, parts, HEIGHT + extra)
    return Chart("stacked-bar", title, description, labels, list(series), unit, chart_id, svg)


def _describe(
    labels: list[str], series: Sequence[Series], unit: str, partial: Sequence[bool] = ()
) -> str:
    if not labels:
        return "No figures to show yet."
    span = labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
    totals = ", ".join(
        f"{s.name}: total {format_number(sum(s.values))}" + (f" {unit}" if unit else "")
        for s in series
    )
    running = [label for label, flag in zip(labels, partial, strict=False) if flag]
    note = (
        f" {', '.join(running)}: the period is not over, so its figure is not final."
        if running
        else ""
    )
    return f"{len(labels)} points from {span}. {totals}.{note} The table below gives every figure."
