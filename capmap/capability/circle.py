"""The circle of competence: an SVG drawn on the server, with its table alternative.

Domains are sectors and competencies segments within them. The coloured part of each
segment reaches the ring of the verified level (or, for a team, the median); a line
marks the level the role requires, a white dot the person's own rating, and for a team
a dark band the middle half of the team's levels. Each domain carries its number in a
band round the outside, so it is told apart without colour, and its full name outside
that, wrapped onto lines and pushed clear of the others.

Every segment is keyboard-focusable with an accessible name; on focus or hover the hub
in the middle shows its code and levels (CSS only; hidden by a presentation attribute,
so the downloaded file and WeasyPrint show the plain circle). Pure: plain data in,
markup out, presentation attributes only, so the content security policy accepts it.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from html import escape

from markupsafe import Markup

from capmap.core.charts import GRID, TEXT, ChartTable, _attrs, format_number

# Twelve colours, each at least 4.5:1 against white (so white numbers read on them),
# ordered so that neighbouring domains differ in hue; a white gap separates every domain.
DOMAIN_COLOURS = [
    "#005eb8",  # blue
    "#b04a00",  # orange
    "#007f3b",  # green
    "#330072",  # purple
    "#ae2573",  # pink
    "#425563",  # grey
    "#00788a",  # teal
    "#6b4e00",  # brown
    "#7c2855",  # plum
    "#4d6b00",  # olive
    "#003087",  # navy
    "#8a1538",  # crimson
]
TRACK = "#f0f4f5"  # the unreached part of a segment
SHORT_MARK = "#d5281b"  # NHS red: the required-level line where a gap remains
WHITE = "#ffffff"

INNER = 72  # the hub: room for the focused segment's code and levels
OUTER = 250
BAND = 28  # the numbered domain band round the rings
LABEL_GAP = 22  # between the band and a domain label
FONT = 18
LINE = 22
WRAP = 18  # characters a label line, at most (a longer single word keeps its line)
CHAR_WIDTH = 0.6  # of the font size: wide enough for Arial and Frutiger capitals
PAD = 8


@dataclass(frozen=True)
class Segment:
    label: str
    current: float | None
    required: int | None
    self_rated: int | None = None
    spread: tuple[float, float] | None = None  # a team's lower and upper quartile
    code: str = ""
    people: int | None = None  # a team's number of people behind the figures

    @property
    def gap(self) -> int:
        return max(0, math.ceil((self.required or 0) - (self.current or 0)))


@dataclass(frozen=True)
class Sector:
    title: str
    segments: list[Segment]


@dataclass(frozen=True)
class LegendItem:
    colour: str
    text: str
    number: int = 0


@dataclass(frozen=True)
class Box:
    """A label's extent in SVG units: left, top, width and height."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def overlaps(self, other: Box, gap: float = 0) -> bool:
        return not (
            self.right + gap <= other.x
            or other.right + gap <= self.x
            or self.bottom + gap <= other.y
            or other.bottom + gap <= self.y
        )

    def within(self, left: float, top: float, width: float, height: float) -> bool:
        return (
            self.x >= left
            and self.y >= top
            and self.right <= left + width
            and self.bottom <= top + height
        )

    def distance_to(self, x: float, y: float) -> float:
        dx = max(self.x - x, 0, x - self.right)
        dy = max(self.y - y, 0, y - self.bottom)
        return math.hypot(dx, dy)

    def moved(self, dx: float = 0, dy: float = 0) -> Box:
        return Box(self.x + dx, self.y + dy, self.width, self.height)


@dataclass(frozen=True)
class Label:
    lines: list[str]
    box: Box
    anchor_angle: float  # the middle of its sector, for the leader line


@dataclass(frozen=True)
class Circle:
    title: str
    description: str
    chart_id: str
    svg: Markup
    sectors: list[Sector]
    team: bool = False
    legend: list[LegendItem] = field(default_factory=list)
    view_box: tuple[float, float, float, float] = (0, 0, 0, 0)
    labels: list[Label] = field(default_factory=list)

    @cached_property
    def table(self) -> ChartTable:
        """The circle's levels as a table, made when asked for: a person's page draws
        four circles and shows the table of one."""
        return _table(self.sectors, self.title, self.team)


# --- Geometry ---------------------------------------------------------------------------


def _point(radius: float, angle: float) -> tuple[float, float]:
    """Centre at the origin, angle in radians clockwise from 12 o'clock."""
    return radius * math.sin(angle), -radius * math.cos(angle)


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# A page draws the same segments several times (the circle, its compact copy, the
# comparison pair): the same radii and angles, so each path is worked out once.
@lru_cache(maxsize=8192)
def annular_sector(inner: float, outer: float, start: float, end: float) -> str:
    """The path of a ring segment between two radii and two angles (radians, clockwise from 12)."""
    if end - start >= 2 * math.pi - 1e-9:  # a whole ring: two half arcs each way
        end = start + 2 * math.pi - 1e-4
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


@lru_cache(maxsize=4096)
def arc(radius: float, start: float, end: float) -> str:
    large = 1 if end - start > math.pi else 0
    x1, y1 = _point(radius, start)
    x2, y2 = _point(radius, end)
    r = _fmt(radius)
    return f"M{_fmt(x1)} {_fmt(y1)} A{r} {r} 0 {large} 1 {_fmt(x2)} {_fmt(y2)}"


def wrap_label(text: str, width: int = WRAP) -> list[str]:
    """Whole words on lines of about `width` characters; never cut inside a word."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def _text_width(line: str, size: float = FONT) -> float:
    return len(line) * size * CHAR_WIDTH


def _first_box(lines: list[str], angle: float, radius: float) -> Box:
    """Where a label sits before it is pushed clear: just outside its sector's middle."""
    width = max(_text_width(line) for line in lines)
    height = len(lines) * LINE
    x, y = _point(radius, angle)
    side = math.sin(angle)
    if side > 0.3:
        left = x
    elif side < -0.3:
        left = x - width
    else:
        left = x - width / 2
    if math.cos(angle) > 0.3:  # upper part: the label grows upwards from its point
        top = y - height
    elif math.cos(angle) < -0.3:
        top = y
    else:
        top = y - height / 2
    return Box(left, top, width, height)


def _clear_of_ring(box: Box, angle: float, radius: float) -> Box:
    """Move a box straight out from the circle (sideways, or up or down) until clear."""
    side, up = math.sin(angle), math.cos(angle)
    for _ in range(400):
        if box.distance_to(0, 0) >= radius:
            break
        if abs(side) > 0.3:
            box = box.moved(dx=4 if side > 0 else -4)
        else:
            box = box.moved(dy=-4 if up > 0 else 4)
    return box


def place_labels(titles: Sequence[str], angles: Sequence[float]) -> list[Label]:
    """Domain labels outside the ring, none overlapping another or the ring.

    Labels in the upper half are settled from the equator upwards and pushed up when
    they meet one already placed; those in the lower half from the equator down and
    pushed down. Each box is final only once it is clear of every box before it, so no
    two overlap whatever the number and order of the domains.
    """
    ring = OUTER + BAND + LABEL_GAP / 2
    start = OUTER + BAND + LABEL_GAP
    wanted = [
        (index, wrap_label(title), angle)
        for index, (title, angle) in enumerate(zip(titles, angles, strict=True))
    ]
    upper = sorted(
        (w for w in wanted if math.cos(w[2]) >= 0), key=lambda w: -_first_box(w[1], w[2], start).y
    )
    lower = sorted(
        (w for w in wanted if math.cos(w[2]) < 0), key=lambda w: _first_box(w[1], w[2], start).y
    )
    placed: dict[int, Label] = {}
    for group, step in ((upper, -1), (lower, 1)):
        for index, lines, angle in group:
            box = _clear_of_ring(_first_box(lines, angle, start), angle, ring)
            for _ in range(len(wanted) * 4 + 1):
                blocking = [p.box for p in placed.values() if p.box.overlaps(box, gap=6)]
                if not blocking:
                    break
                if step < 0:
                    box = box.moved(dy=min(b.y for b in blocking) - 6 - box.bottom)
                else:
                    box = box.moved(dy=max(b.bottom for b in blocking) + 6 - box.y)
                box = _clear_of_ring(box, angle, ring)
            placed[index] = Label(lines, box, angle)
    return [placed[i] for i in range(len(wanted))]


def view_box(labels: Sequence[Label]) -> tuple[float, float, float, float]:
    """The smallest box holding the ring, its band and every label, with a margin."""
    reach = OUTER + BAND + PAD
    left, top, right, bottom = -reach, -reach, reach, reach
    for label in labels:
        left = min(left, label.box.x - PAD)
        top = min(top, label.box.y - PAD)
        right = max(right, label.box.right + PAD)
        bottom = max(bottom, label.box.bottom + PAD)
    return left, top, right - left, bottom - top


# --- Drawing ----------------------------------------------------------------------------


def _number(value: float | None) -> str:
    return format_number(value or 0)


def segment_name(segment: Segment, *, top_level: int, team: bool = False) -> str:
    """What a screen reader says for a segment, and what the tooltip shows."""
    if team:
        text = f"{segment.label}: median verified level {_number(segment.current)} of {top_level}"
        if segment.spread is not None:
            low, high = segment.spread
            text += f", middle half of the team {_number(low)} to {_number(high)}"
        if segment.people is not None:
            text += f", {segment.people} {'person' if segment.people == 1 else 'people'}"
    else:
        text = f"{segment.label}: verified level {_number(segment.current)} of {top_level}"
        if segment.self_rated is not None:
            text += f", self-rated {segment.self_rated}"
    if segment.required is not None:
        text += f", required {segment.required}"
    return text


TIP_SIZE = 14  # the tip's lines under the code


def _tip(segment: Segment, *, top_level: int, team: bool) -> str:
    """The hub's text for one segment, hidden until the segment has focus or the pointer."""
    lines = [(segment.code or segment.label[:12], 20, "bold")]
    measure = "median" if team else "verified"
    lines.append((f"{measure} {_number(segment.current)} of {top_level}", TIP_SIZE, "normal"))
    if segment.self_rated is not None:
        lines.append((f"self-rated {segment.self_rated}", TIP_SIZE, "normal"))
    if segment.spread is not None:
        lines.append(
            (
                f"middle {_number(segment.spread[0])} to {_number(segment.spread[1])}",
                TIP_SIZE,
                "normal",
            )
        )
    if segment.required is not None:
        lines.append((f"required {segment.required}", TIP_SIZE, "normal"))
    y = -(len(lines) - 1) * 9
    # The lines share what they can through the group (SVG text inherits it): a page has a
    # tip for every segment of two circles, and these attributes were half of each.
    parts = [
        '<g class="app-circle__tip" visibility="hidden" aria-hidden="true" '
        f"{_attrs(text_anchor='middle', font_size=TIP_SIZE, fill=TEXT)}>"
    ]
    for text, size, weight in lines:
        own = _attrs(
            y=float(y + 5),
            font_size=None if size == TIP_SIZE else size,
            font_weight=None if weight == "normal" else weight,
        )
        parts.append(f"<text {own}>{escape(text)}</text>")
        y += 18
    parts.append("</g>")
    return "".join(parts)


# The circle and its compact copy draw the same segments, and a page is drawn again for
# each request: one segment's markup depends on nothing but these arguments.
@lru_cache(maxsize=4096)
def _segment(
    segment: Segment,
    *,
    start: float,
    end: float,
    colour: str,
    ring: float,
    top_level: int,
    team: bool,
    focusable: bool,
) -> str:
    name = escape(segment_name(segment, top_level=top_level, team=team))
    # A segment one can tab to is named by aria-label, and circle.js shows that name
    # beside the circle on focus or hover; a <title> as well would be read out a second
    # time, as its description. A still picture's segments are named by their <title>.
    parts = (
        [f'<g class="app-circle__segment" tabindex="0" role="img" aria-label="{name}">']
        if focusable
        else ['<g class="app-circle__segment">', f"<title>{name}</title>"]
    )
    parts.append(
        f'<path class="app-circle__track" d="{annular_sector(INNER, OUTER, start, end)}" '
        f'fill="{TRACK}" stroke="{WHITE}" stroke-width="1"/>'
    )
    level = min(segment.current or 0, top_level)
    if level:
        parts.append(
            f'<path d="{annular_sector(INNER, INNER + ring * level, start, end)}" '
            f'fill="{colour}" stroke="{WHITE}" stroke-width="1"/>'
        )
    width = end - start
    if segment.spread is not None:
        low, high = (min(v, top_level) for v in segment.spread)
        inset = width * 0.3
        band = annular_sector(INNER + ring * low, INNER + ring * high, start + inset, end - inset)
        parts.append(
            f'<path class="app-circle__spread" d="{band}" '
            f'fill="{TEXT}" fill-opacity="0.55" stroke="{WHITE}" stroke-width="1.5"/>'
        )
    if segment.required:
        radius = INNER + ring * min(segment.required, top_level)
        mark = SHORT_MARK if segment.gap else TEXT
        path = arc(radius, start + width * 0.08, end - width * 0.08)
        # A white edge keeps the line visible on every fill colour.
        parts.append(f'<path d="{path}" fill="none" stroke="{WHITE}" stroke-width="8"/>')
        parts.append(f'<path d="{path}" fill="none" stroke="{mark}" stroke-width="4"/>')
    if segment.self_rated is not None:
        radius = INNER + ring * max(min(segment.self_rated, top_level), 0)
        x, y = _point(radius, (start + end) / 2)
        dot = _attrs(cx=x, cy=y, r=6.0, fill=WHITE, stroke=TEXT, stroke_width=2.5)
        parts.append(f'<circle class="app-circle__self" {dot}/>')
    outline = annular_sector(INNER, OUTER, start, end)
    parts.append(f'<path class="app-circle__focus" d="{outline}" fill="none"/>')
    if focusable:
        parts.append(_tip(segment, top_level=top_level, team=team))
    parts.append("</g>")
    return "".join(parts)


def _band(number: int, colour: str, start: float, end: float, size: int = 17) -> str:
    parts = [
        f'<path d="{annular_sector(OUTER + 3, OUTER + BAND, start, end)}" fill="{colour}" '
        f'stroke="{WHITE}" stroke-width="3"/>'
    ]
    x, y = _point(OUTER + 3 + (BAND - 3) / 2, (start + end) / 2)
    attributes = _attrs(
        x=x, y=y + size * 0.35, text_anchor="middle", font_size=size, font_weight="bold", fill=WHITE
    )
    parts.append(f"<text {attributes}>{number}</text>")
    return "".join(parts)


def _label(label: Label) -> str:
    box = label.box
    anchor_x, anchor_y = _point(OUTER + BAND, label.anchor_angle)
    # The leader runs from the band to the nearest point of the label's box.
    near_x = min(max(anchor_x, box.x), box.right)
    near_y = min(max(anchor_y, box.y), box.bottom)
    parts = []
    if math.hypot(near_x - anchor_x, near_y - anchor_y) > LABEL_GAP + 4:
        line = _attrs(x1=anchor_x, y1=anchor_y, x2=near_x, y2=near_y, stroke=TEXT, stroke_width=1.0)
        parts.append(f"<line {line}/>")
    centre = box.x + box.width / 2
    side = math.sin(label.anchor_angle)
    x, anchor = (
        (box.x, "start")
        if side > 0.3
        else (box.right, "end")
        if side < -0.3
        else (centre, "middle")
    )
    attributes = _attrs(x=x, y=box.y, text_anchor=anchor, font_size=FONT, fill=TEXT)
    parts.append(f'<text class="app-circle__label" {attributes}>')
    for index, line in enumerate(label.lines):
        dy = float(LINE if index else LINE - 5)
        parts.append(f"<tspan {_attrs(x=x, dy=dy)}>{escape(line)}</tspan>")
    parts.append("</text>")
    return "".join(parts)


def _rings(top_level: int, ring: float) -> str:
    parts = ['<g class="app-circle__rings" aria-hidden="true">']
    for level in range(1, top_level + 1):
        radius = INNER + ring * level
        parts.append(f"<circle {_attrs(cx=0, cy=0, r=radius, fill='none', stroke=GRID)}/>")
    for level in range(1, top_level + 1):
        radius = INNER + ring * (level - 0.5)
        attributes = _attrs(
            x=0,
            y=-radius + 5.5,
            text_anchor="middle",
            font_size=15,
            fill=TEXT,
            stroke=WHITE,
            stroke_width=3,
            paint_order="stroke",
        )
        parts.append(f"<text {attributes}>{level}</text>")
    parts.append("</g>")
    return "".join(parts)


def circle_of_competence(
    sectors: list[Sector],
    *,
    top_level: int,
    title: str,
    chart_id: str = "circle",
    labelled: bool = True,
    focusable: bool = True,
    team: bool = False,
    standalone: bool = False,
) -> Circle:
    """Draw the circle; `top_level` is the highest level on the scale (the outer ring).

    `labelled` puts each domain's name outside the ring (a phone shows the numbered
    band alone, with the key below); `standalone` gives the file a size of its own.
    """
    top_level = max(1, top_level)
    ring = (OUTER - INNER) / top_level
    total = sum(len(s.segments) for s in sectors)
    gaps = sum(1 for s in sectors for seg in s.segments if seg.gap)
    what = "median levels" if team else "competencies"
    description = (
        f"{total} {what} in {len(sectors)} domains; {gaps} below the level the role requires."
    )
    step = 2 * math.pi / total if total else 0
    bounds: list[tuple[float, float]] = []
    angle = 0.0
    for sector in sectors:
        bounds.append((angle, angle + step * len(sector.segments)))
        angle += step * len(sector.segments)
    labels = (
        place_labels(
            [f"{n} {s.title}" for n, s in enumerate(sectors, start=1)],
            [(a + b) / 2 for a, b in bounds],
        )
        if labelled
        else []
    )
    parts: list[str] = [
        f'<circle class="app-circle__hub" {_attrs(cx=0, cy=0, r=INNER - 2, fill=WHITE)}/>'
    ]
    # The numbered bands first, so a self-rating dot on the outer ring sits on top.
    for index, (start, end) in enumerate(bounds):
        colour = DOMAIN_COLOURS[index % len(DOMAIN_COLOURS)]
        # Without names beside it (a phone), the number is the label: make it larger.
        parts.append(_band(index + 1, colour, start, end, size=17 if labelled else 23))
    for index, (sector, (start, _end)) in enumerate(zip(sectors, bounds, strict=True)):
        colour = DOMAIN_COLOURS[index % len(DOMAIN_COLOURS)]
        for position, segment in enumerate(sector.segments):
            parts.append(
                _segment(
                    segment,
                    start=start + step * position,
                    end=start + step * (position + 1),
                    colour=colour,
                    ring=ring,
                    top_level=top_level,
                    team=team,
                    focusable=focusable,
                )
            )
    if len(sectors) > 1:
        for start, _end in bounds:
            x1, y1 = _point(INNER, start)
            x2, y2 = _point(OUTER + BAND, start)
            line = _attrs(x1=x1, y1=y1, x2=x2, y2=y2, stroke=WHITE, stroke_width=3.0)
            parts.append(f'<line {line} aria-hidden="true"/>')
    # Ring boundaries and their numbers on top, so each level reads through the colour.
    parts.append(_rings(top_level, ring))
    parts += [_label(label) for label in labels]
    box = view_box(labels)
    size = {"width": _fmt(box[2]), "height": _fmt(box[3])} if standalone else {"width": "100%"}
    opening = _attrs(
        xmlns="http://www.w3.org/2000/svg",
        viewBox=" ".join(_fmt(v) for v in box),
        **size,
        role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        class_="app-chart__svg app-circle" + ("" if labelled else " app-circle--compact"),
        font_family="Frutiger W01, Arial, sans-serif",
        id=f"{chart_id}-svg",
    )
    svg = Markup(  # noqa: S704 - every piece is escaped text or fixed markup
        f'<svg {opening}><title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        + (
            f"<rect {_attrs(x=box[0], y=box[1], width=box[2], height=box[3], fill=WHITE)}/>"
            if standalone
            else ""
        )
        + "".join(parts)
        + "</svg>"
    )
    legend = [
        LegendItem(DOMAIN_COLOURS[i % len(DOMAIN_COLOURS)], s.title, i + 1)
        for i, s in enumerate(sectors)
    ]
    return Circle(title, description, chart_id, svg, sectors, team, legend, box, labels)


def _table(sectors: list[Sector], title: str, team: bool) -> ChartTable:
    if team:
        head = ["Domain", "Competency", "Median level", "Middle half", "People", "Required level"]
        rows = [
            [
                f"{number} {sector.title}",
                segment.label,
                _number(segment.current),
                ""
                if segment.spread is None
                else f"{_number(segment.spread[0])} to {_number(segment.spread[1])}",
                "" if segment.people is None else str(segment.people),
                "" if segment.required is None else str(segment.required),
            ]
            for number, sector in enumerate(sectors, start=1)
            for segment in sector.segments
        ]
    else:
        with_self = any(seg.self_rated is not None for s in sectors for seg in s.segments)
        head = ["Domain", "Competency", "Verified level"]
        head += ["Self-rated level"] if with_self else []
        head += ["Required level", "Levels short"]
        rows = []
        for number, sector in enumerate(sectors, start=1):
            for segment in sector.segments:
                row = [f"{number} {sector.title}", segment.label, _number(segment.current)]
                if with_self:
                    row.append("" if segment.self_rated is None else str(segment.self_rated))
                row += ["" if segment.required is None else str(segment.required), str(segment.gap)]
                rows.append(row)
    return ChartTable(caption=f"{title} (table)", head=head, rows=rows)
