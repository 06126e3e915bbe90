"""The circle of competence: an SVG drawn on the server, with its table alternative.

Domains are sectors and competencies segments within them; the coloured part of each
segment reaches the ring of the person's verified level, and a dark arc marks the
level their role requires. Pure: plain data in, markup out (presentation attributes
only, so the content security policy and WeasyPrint both accept it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

from capmap.core.charts import GRID, PALETTE, TEXT, ChartTable, _attrs

SIZE = 640
CENTRE = SIZE / 2
INNER = 48
OUTER = 236
LABEL_RADIUS = 262
SHORT_MARK = "#d5281b"  # NHS red: the required-level arc where a gap remains


@dataclass(frozen=True)
class Segment:
    label: str
    current: int | None
    required: int | None

    @property
    def gap(self) -> int:
        return max(0, (self.required or 0) - (self.current or 0))


@dataclass(frozen=True)
class Sector:
    title: str
    segments: list[Segment]


@dataclass(frozen=True)
class LegendItem:
    colour: str
    text: str


@dataclass(frozen=True)
class Circle:
    title: str
    description: str
    chart_id: str
    svg: Markup
    table: ChartTable
    legend: list[LegendItem] = field(default_factory=list)


def _point(radius: float, angle: float) -> tuple[float, float]:
    return CENTRE + radius * math.sin(angle), CENTRE - radius * math.cos(angle)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def annular_sector(inner: float, outer: float, start: float, end: float) -> str:
    """The path of a ring segment between two radii and two angles (radians, clockwise from 12)."""
    large = 1 if end - start > math.pi else 0
    x1, y1 = _point(outer, start)
    x2, y2 = _point(outer, end)
    x3, y3 = _point(inner, end)
    x4, y4 = _point(inner, start)
    r_o, r_i = _fmt(outer), _fmt(inner)
    return (
        f"M{_fmt(x1)} {_fmt(y1)} A{r_o} {r_o} 0 {large} 1 {_fmt(x2)} {_fmt(y2)} "
        f"L{_fmt(x3)} {_fmt(y3)} A{r_i} {r_i} 0 {large} 0 {_fmt(x4)} {_fmt(y4)} Z"
    )


def arc(radius: float, start: float, end: float) -> str:
    large = 1 if end - start > math.pi else 0
    x1, y1 = _point(radius, start)
    x2, y2 = _point(radius, end)
    r = _fmt(radius)
    return f"M{_fmt(x1)} {_fmt(y1)} A{r} {r} 0 {large} 1 {_fmt(x2)} {_fmt(y2)}"


def _level_label(x: float, y: float, level: int) -> str:
    attributes = _attrs(x=x, y=y + 4, text_anchor="middle", font_size=10, fill=TEXT)
    return f"<text {attributes}>{level}</text>"


def circle_of_competence(
    sectors: list[Sector], *, top_level: int, title: str, chart_id: str = "circle"
) -> Circle:
    """Draw the circle; `top_level` is the highest level on the scale (the outer ring)."""
    top_level = max(1, top_level)
    ring = (OUTER - INNER) / top_level
    total = sum(len(s.segments) for s in sectors)
    gaps = sum(1 for s in sectors for seg in s.segments if seg.gap)
    description = (
        f"{total} competencies in {len(sectors)} domains; {gaps} below the level the role requires."
    )
    parts: list[str] = []
    angle = 0.0
    step = 2 * math.pi / total if total else 0
    for index, sector in enumerate(sectors):
        colour = PALETTE[index % len(PALETTE)]
        sector_start = angle
        for segment in sector.segments:
            start, end = angle, angle + step
            level = min(segment.current or 0, top_level)
            text = (
                f"{sector.title}: {segment.label}. Verified level {segment.current or 0}, "
                f"required {segment.required if segment.required is not None else 'none'}."
            )
            parts.append(f"<g><title>{escape(text)}</title>")
            parts.append(
                f'<path d="{annular_sector(INNER, OUTER, start, end)}" fill="#f0f4f5" '
                f'stroke="#ffffff" stroke-width="1"/>'
            )
            if level:
                parts.append(
                    f'<path d="{annular_sector(INNER, INNER + ring * level, start, end)}" '
                    f'fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
                )
            if segment.required:
                radius = INNER + ring * min(segment.required, top_level)
                mark = SHORT_MARK if segment.gap else TEXT
                parts.append(
                    f'<path d="{arc(radius, start + step * 0.08, end - step * 0.08)}" '
                    f'fill="none" stroke="{mark}" stroke-width="4"/>'
                )
            parts.append("</g>")
            angle = end
        middle = (sector_start + angle) / 2
        x, y = _point(LABEL_RADIUS, middle)
        anchor = (
            "start" if math.sin(middle) > 0.2 else "end" if math.sin(middle) < -0.2 else "middle"
        )
        label = sector.title if len(sector.title) <= 30 else sector.title[:29] + "…"
        parts.append(
            f"<text {_attrs(x=x, y=y + 4, text_anchor=anchor, font_size=13, fill=TEXT)}>"
            f"{escape(label)}</text>"
        )
        if len(sectors) > 1:
            x1, y1 = _point(INNER, sector_start)
            x2, y2 = _point(OUTER + 6, sector_start)
            parts.append(
                f"<line {_attrs(x1=x1, y1=y1, x2=x2, y2=y2, stroke=TEXT, stroke_width=1.5)}/>"
            )
    # Ring boundaries on top of the segments, so each level reads through the colour.
    parts.append('<g aria-hidden="true">')
    for level in range(1, top_level + 1):
        radius = INNER + ring * level
        parts.append(
            f"<circle {_attrs(cx=CENTRE, cy=CENTRE, r=radius, fill='none', stroke=GRID)}/>"
        )
        x, y = _point(radius - ring / 2, 0)
        parts.append(_level_label(x, y, level))
    parts.append("</g>")
    opening = _attrs(
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"-110 0 {SIZE + 220} {SIZE}",
        width="100%",
        role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        class_="app-chart__svg app-circle",
        font_family="Frutiger W01, Arial, sans-serif",
    )
    svg = Markup(  # noqa: S704 - every piece is escaped text or fixed markup
        f'<svg {opening}><title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(parts) + "</svg>"
    )
    rows = [
        [
            sector.title,
            segment.label,
            str(segment.current or 0),
            "" if segment.required is None else str(segment.required),
            str(segment.gap),
        ]
        for sector in sectors
        for segment in sector.segments
    ]
    table = ChartTable(
        caption=f"{title} (table)",
        head=["Domain", "Competency", "Verified level", "Required level", "Levels short"],
        rows=rows,
    )
    legend = [LegendItem(PALETTE[i % len(PALETTE)], s.title) for i, s in enumerate(sectors)]
    return Circle(title, description, chart_id, svg, table, legend)
