"""A PDF of a long report drawn with ReportLab's canvas: text, ruled tables and bars,
no HTML engine.

WeasyPrint lays out every table cell through the full CSS cascade and Pango line breaking:
a 5,000-person team-capability report took 30-50 s, and most of a minute under load.
Here each cell's width comes from the font's metrics (ReportLab's `stringWidth`), rows
are cut into A4 pages by arithmetic, and ReportLab's canvas draws them and writes the
file (fonts embedded as subsets with ToUnicode maps, compressed page streams, xref).
What is ours is only the report's layout: which row goes on which page, the repeated
header, the bars.

The page is the same as WeasyPrint's: A4, the title, each section's heading, paragraphs,
headline figures and tables (header row repeated on every page), charts as bars beside
the table that carries their figures, and "Page n of m" at the foot. Text is set in
Liberation Sans (Arial's metrics) or DejaVu Sans when installed, else ReportLab's
built-in Helvetica, so it can always be searched, copied and read back.

Pure: a ReportDocument in, bytes out.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from capmap.core.charts import PALETTE, Chart

from .registry import ReportDocument, Section, Table

# (regular, bold): Liberation Sans has Arial's metrics, as the HTML reports ask for;
# DejaVu Sans (in the container image) where it is missing; Helvetica (built into every
# PDF reader, no file needed) where neither is installed.
FACES = (
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
)
BUILT_IN = ("Helvetica", "Helvetica-Bold")

PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
MM = 72 / 25.4
LEFT = RIGHT = 15 * MM
TOP = BOTTOM = 18 * MM
WIDTH = PAGE_W - LEFT - RIGHT

TEXT = (0x21 / 255, 0x2B / 255, 0x32 / 255)
BLUE = (0, 0x5E / 255, 0xB8 / 255)
MUTED = (0x4C / 255, 0x62 / 255, 0x72 / 255)
RULE = (0xAE / 255, 0xB7 / 255, 0xBD / 255)
SHADE = (0xF0 / 255, 0xF4 / 255, 0xF5 / 255)

BODY, SMALL = 10.0, 8.0
PAD = 2.0  # inside a cell, each side


@cache
def _font_names() -> tuple[str, str]:
    """Register the first installed face pair with ReportLab, once a process."""
    for regular, bold in FACES:
        if Path(regular).exists() and Path(bold).exists():
            pdfmetrics.registerFont(TTFont("CapmapSans", regular))
            pdfmetrics.registerFont(TTFont("CapmapSans-Bold", bold))
            return "CapmapSans", "CapmapSans-Bold"
    return BUILT_IN


def available() -> bool:
    """Always: without a TrueType face the text is set in Helvetica."""
    return True


class Font:
    """One registered face: its name for the canvas and string widths, cached by text
    (reports repeat their words: roles, stages, figures)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._widths: dict[str, float] = {}

    def width(self, text: str, size: float) -> float:
        em = self._widths.get(text)
        if em is None:
            em = self._widths[text] = pdfmetrics.stringWidth(text, self.name, 1000) / 1000
        return em * size


class Writer:
    """A ReportLab canvas and where we are on its page. Each page's foot refers to a
    small form that is drawn once the page count is known ("Page n of m")."""

    def __init__(self, title: str) -> None:
        regular, bold = _font_names()
        self.regular = Font(regular)
        self.bold = Font(bold)
        self.out = io.BytesIO()
        self.canvas = Canvas(self.out, pagesize=(PAGE_W, PAGE_H), pageCompression=1, lang="en-GB")
        self.canvas.setTitle(title)
        self.canvas.setProducer("Capmap")
        self.canvas.setCreator("Capmap")
        self.pages = 0
        self.drawn = False
        self.y = PAGE_H - TOP

    # -- pages ------------------------------------------------------------------------
    def new_page(self) -> None:
        self.finish_page()
        self.y = PAGE_H - TOP

    def finish_page(self) -> None:
        if self.drawn:
            self.pages += 1
            self.canvas.doForm(f"foot{self.pages}")
            self.canvas.showPage()
        self.drawn = False

    def room(self, height: float) -> bool:
        return self.y - height >= BOTTOM

    def need(self, height: float) -> None:
        if not self.room(height) and self.y < PAGE_H - TOP:
            self.new_page()

    # -- drawing ----------------------------------------------------------------------
    def text(self, x: float, y: float, text: str, size: float, font: Font, colour=TEXT) -> None:
        if not text:
            return
        c = self.canvas
        c.setFillColorRGB(*colour)
        c.setFont(font.name, size)
        c.drawString(x, y, text)
        self.drawn = True

    def texts(self, items, size: float) -> None:
        """Strings (x, y, text, font) in one text object, in the body colour."""
        t = self.canvas.beginText()
        t.setFillColorRGB(*TEXT)
        current = None
        for x, y, text, font in items:
            if font is not current:
                t.setFont(font.name, size)
                current = font
            t.setTextOrigin(x, y)
            t.textOut(text)
        self.canvas.drawText(t)
        self.drawn = True

    def rect(self, x: float, y: float, w: float, h: float, fill=None, stroke=None) -> None:
        c = self.canvas
        if fill:
            c.setFillColorRGB(*fill)
        if stroke:
            c.setStrokeColorRGB(*stroke)
            c.setLineWidth(0.5)
        c.rect(x, y, w, h, stroke=1 if stroke else 0, fill=1 if fill else 0)
        self.drawn = True

    def lines(self, segments) -> None:
        """Rules (x1, y1, x2, y2) in the table's grey."""
        c = self.canvas
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.5)
        c.lines(segments)
        self.drawn = True

    def paragraph(self, text: str, size: float, font: Font, colour=TEXT, gap: float = 4) -> None:
        leading = size * 1.25
        for line in wrap(text, font, size, WIDTH):
            self.need(leading)
            self.y -= leading
            self.text(LEFT, self.y + size * 0.25, line, size, font, colour)
        self.y -= gap

    # -- output -----------------------------------------------------------------------
    def write(self) -> bytes:
        self.finish_page()
        c = self.canvas
        if not self.pages:  # an empty document still has its one page
            self.pages = 1
            c.doForm("foot1")
            c.showPage()
        total = self.pages
        for number in range(1, total + 1):
            c.beginForm(f"foot{number}")
            c.setFillColorRGB(*TEXT)
            c.setFont(self.regular.name, 9)
            c.drawRightString(PAGE_W - RIGHT, BOTTOM / 2, f"Page {number} of {total}")
            c.endForm()
        c.save()
        return self.out.getvalue()


def wrap(text: str, font: Font, size: float, width: float) -> list[str]:
    """Lines of at most `width` points, broken at spaces (or anywhere in a long word).
    Line breaks and tabs in the text count as spaces, as they do in HTML."""
    if "\n" in text or "\t" in text or "\r" in text:
        text = " ".join(text.split())
    if font.width(text, size) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if font.width(candidate, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while font.width(word, size) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and font.width(word[:cut], size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines or [""]


def _column_widths(table: Table, font: Font, bold: Font, size: float) -> list[float]:
    """Each column's natural width (its widest cell, up to a third of the page), then
    shared out so the table fills the page width, as `width: 100%` does."""
    count = len(table.head)
    natural = [bold.width(str(h), size) + 2 * PAD for h in table.head]
    cap = WIDTH / 3
    for row in table.rows:
        for i, cell in enumerate(row[:count]):
            w = (bold if i == 0 else font).width(_text(cell), size) + 2 * PAD
            if w > natural[i]:
                natural[i] = min(w, cap) if w > cap else w
    total = sum(natural)
    if total <= WIDTH:
        extra = (WIDTH - total) / count
        return [w + extra for w in natural]
    # Too wide: every column keeps a fair minimum, the rest shrinks in proportion.
    floor = min(WIDTH / count, 40.0)
    widths = [max(floor, w * WIDTH / total) for w in natural]
    scale = WIDTH / sum(widths)
    return [w * scale for w in widths]


def _text(cell) -> str:
    return "" if cell is None else str(cell)


def _draw_table(
    writer: Writer, table: Table, size: float = SMALL, *, first_is_header: bool = True
) -> None:
    regular, bold = writer.regular, writer.bold
    widths = _column_widths(table, regular, bold, size)
    leading = size * 1.2
    head_lines = [
        wrap(str(h), bold, size, w - 2 * PAD) for h, w in zip(table.head, widths, strict=False)
    ]
    head_h = max((len(lines) for lines in head_lines), default=1) * leading + 2 * PAD

    def caption(continued: bool) -> None:
        text = table.caption + (" (continued)" if continued else "")
        writer.paragraph(text, BODY, bold, gap=2)

    def header() -> None:
        y = writer.y - head_h
        writer.rect(LEFT, y, WIDTH, head_h, fill=SHADE)
        writer.texts(
            [
                (x + PAD, writer.y - PAD - (n + 1) * leading + size * 0.25, line, bold)
                for x, lines in zip(lefts, head_lines, strict=False)
                for n, line in enumerate(lines)
            ],
            size,
        )
        writer.y = y

    def grid(top: float) -> None:
        """The table's rules on this page, from `top` to here: outline, columns and the
        rule under each row, in one path."""
        bottom = writer.y
        writer.lines(
            [(x, top, x, bottom) for x in [*lefts, right]]
            + [(LEFT, top, right, top)]
            + [(LEFT, y, right, y) for y in rules]
        )
        rules.clear()

    lefts = [LEFT + sum(widths[:i]) for i in range(len(widths))]
    right = LEFT + WIDTH
    rules: list[float] = []
    rows = table.rows or [["Nothing to show."] + [""] * (len(table.head) - 1)]
    first_row = _row_lines(rows[0], widths, regular, bold, size, first_is_header)
    # The caption, the header and the first row stay together.
    first_h = max(len(cell) for cell in first_row) * leading + 2 * PAD
    writer.need(BODY * 1.25 + 2 + head_h + first_h)
    caption(False)
    top = writer.y
    header()
    faces = [bold if first_is_header and i == 0 else regular for i in range(len(widths))]
    for index, row in enumerate(rows):
        lines = (
            first_row
            if index == 0
            else _row_lines(row, widths, regular, bold, size, first_is_header)
        )
        height = max(len(cell) for cell in lines) * leading + 2 * PAD
        if not writer.room(height):
            grid(top)
            writer.new_page()
            caption(True)
            top = writer.y
            header()
        y = writer.y - height
        # One text object a row; its rule is drawn with the page's grid.
        writer.texts(
            [
                (x + PAD, writer.y - PAD - (n + 1) * leading + size * 0.25, line, face)
                for x, cell, face in zip(lefts, lines, faces, strict=False)
                for n, line in enumerate(cell)
                if line
            ],
            size,
        )
        rules.append(y)
        writer.y = y
    grid(top)
    writer.y -= 8


def _row_lines(row, widths, regular: Font, bold: Font, size: float, first_is_header: bool):
    out = []
    for column, w in enumerate(widths):
        text = _text(row[column]) if column < len(row) else ""
        face = bold if first_is_header and column == 0 else regular
        lines = wrap(text, face, size, w - 2 * PAD) if text else [""]
        out.append(lines)
    return out


def _draw_chart(writer: Writer, chart: Chart) -> None:
    """Horizontal bars, one a label and series, each with its figure written beside it;
    the chart's table (the same figures) follows, as on the page."""
    regular = writer.regular
    values = [v for s in chart.series for v in s.values if v is not None]
    top = max(values, default=0) or 1
    label_w = min(
        max((regular.width(lbl, SMALL) for lbl in chart.labels), default=0) + 6, WIDTH / 3
    )
    bar_room = WIDTH - label_w - 40
    bar_h = 7.0
    writer.need(BODY * 3)
    writer.paragraph(chart.title, 11, writer.bold, gap=2)
    if len(chart.series) > 1:
        x = LEFT
        writer.need(12)
        writer.y -= 10
        for n, series in enumerate(chart.series):
            colour = _rgb(PALETTE[n % len(PALETTE)])
            writer.rect(x, writer.y, 8, 7, fill=colour)
            writer.text(x + 11, writer.y + 1, series.name, SMALL, regular)
            x += 20 + regular.width(series.name, SMALL)
        writer.y -= 4
    for i, label in enumerate(chart.labels):
        height = len(chart.series) * (bar_h + 1) + 3
        writer.need(height)
        top_y = writer.y
        writer.text(
            LEFT, top_y - bar_h + 1, wrap(label, regular, SMALL, label_w - 6)[0], SMALL, regular
        )
        for n, series in enumerate(chart.series):
            value = series.values[i] if i < len(series.values) else None
            y = top_y - (n + 1) * (bar_h + 1)
            length = bar_room * (value or 0) / top
            if length > 0:
                writer.rect(LEFT + label_w, y, length, bar_h, fill=_rgb(PALETTE[n % len(PALETTE)]))
            shown = (
                ""
                if value is None
                else f"{value:,.0f}"
                if float(value).is_integer()
                else f"{value:,.1f}"
            )
            writer.text(LEFT + label_w + length + 3, y + 1, shown, SMALL, regular)
        writer.y = top_y - height
    writer.y -= 6
    t = chart.table
    _draw_table(writer, Table(t.caption, list(t.head), [list(r) for r in t.rows]))


def _rgb(colour: str) -> tuple[float, float, float]:
    value = colour.lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _draw_section(writer: Writer, section: Section) -> None:
    writer.need(14 * 1.25 + 40)
    writer.y -= 10
    writer.paragraph(section.heading, 14, writer.bold, gap=4)
    for paragraph in section.paragraphs:
        writer.paragraph(paragraph, BODY, writer.regular)
    if section.figures:
        figures = Table(section.heading, ["Figure", "Value"], [[k, v] for k, v in section.figures])
        _draw_table(writer, figures, BODY)
    for table in section.tables:
        _draw_table(writer, table)
    for chart in section.charts:
        _draw_chart(writer, chart)


def render(document: ReportDocument) -> bytes:
    writer = Writer(document.title)
    writer.paragraph(document.title, 20, writer.bold, BLUE, gap=2)
    made = f"Made {document.generated_at:%-d %B %Y %H:%M}."
    writer.paragraph(
        f"{document.subtitle}. {made}" if document.subtitle else made, BODY, writer.regular, MUTED
    )
    for section in document.sections:
        _draw_section(writer, section)
    return writer.write()
