"""A PDF of a long report drawn directly: text, ruled tables and bars, no HTML engine.

WeasyPrint lays out every table cell through the full CSS cascade and Pango line breaking:
a 5,000-person team-capability report took 30-50 s, and most of a minute under load.
Here each cell's width is the sum of its glyphs' advances from the font's own metrics,
rows are cut into A4 pages by arithmetic, and each page becomes one compressed content
stream as it is finished, so memory grows with the file, not with a layout tree.

The page is the same as WeasyPrint's: A4, the title, each section's heading, paragraphs,
headline figures and tables (header row repeated on every page), charts as bars beside
the table that carries their figures, and "Page n of m" at the foot. Text is set in
Liberation Sans (Arial's metrics) or DejaVu Sans, embedded as a subset with a ToUnicode
map, so it can be searched, copied and read back.

Pure: a ReportDocument in, bytes out. `available()` says whether a font is installed;
the caller falls back to WeasyPrint when none is.
"""

from __future__ import annotations

import io
import logging
import zlib
from pathlib import Path

from capmap.core.charts import PALETTE, Chart

from .registry import ReportDocument, Section, Table

# (regular, bold): Liberation Sans has Arial's metrics, as the HTML reports ask for;
# DejaVu Sans (in the container image) where it is missing.
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
TEXT_RGB = "{:.3f} {:.3f} {:.3f}".format(*TEXT)
RULE_RGB = "{:.3f} {:.3f} {:.3f}".format(*RULE)

BODY, SMALL = 10.0, 8.0
PAD = 2.0  # inside a cell, each side


def _faces() -> tuple[Path, Path] | None:
    for regular, bold in FACES:
        if Path(regular).exists() and Path(bold).exists():
            return Path(regular), Path(bold)
    return None


def available() -> bool:
    return _faces() is not None


class Font:
    """One TrueType face: advance widths by character, glyph ids, and the subset to embed."""

    def __init__(self, path: Path, resource: str) -> None:
        from fontTools.ttLib import TTFont  # imported where used: only PDF workers need it

        self.path = path
        self.resource = resource
        font = TTFont(str(path), lazy=True)
        self.units = font["head"].unitsPerEm
        cmap = font.getBestCmap()
        order = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
        metrics = font["hmtx"].metrics
        self.gid = {char: order[name] for char, name in cmap.items()}
        self.advance = {char: metrics[name][0] / self.units for char, name in cmap.items()}
        self.missing = metrics[font.getGlyphOrder()[0]][0] / self.units
        hhea = font["hhea"]
        self.ascent = hhea.ascent / self.units
        self.descent = hhea.descent / self.units
        self.bbox = [
            int(v * 1000 / self.units)
            for v in (font["head"].xMin, font["head"].yMin, font["head"].xMax, font["head"].yMax)
        ]
        self.postscript = font["name"].getDebugName(6) or path.stem
        self.used: dict[int, str] = {}
        # Reports repeat their words (roles, stages, figures): measure and encode each once.
        self._widths: dict[str, float] = {}
        self._encoded: dict[str, str] = {}
        font.close()

    def width(self, text: str, size: float) -> float:
        em = self._widths.get(text)
        if em is None:
            advance, missing = self.advance, self.missing
            em = self._widths[text] = sum(advance.get(ord(ch), missing) for ch in text)
        return em * size

    def encode(self, text: str) -> str:
        """The text as hex glyph ids (Identity-H), noting each glyph for the subset."""
        hexed = self._encoded.get(text)
        if hexed is None:
            gid, used = self.gid, self.used
            out = []
            for ch in text:
                g = gid.get(ord(ch), 0)
                if g not in used:
                    used[g] = ch
                out.append(f"{g:04x}")
            hexed = self._encoded[text] = "".join(out)
        return hexed


class Writer:
    """Pages of drawing operators; each finished page is compressed at once."""

    def __init__(self) -> None:
        faces = _faces()
        if faces is None:
            raise RuntimeError("Neither Liberation Sans nor DejaVu Sans is installed.")
        self.regular = Font(faces[0], "F1")
        self.bold = Font(faces[1], "F2")
        self.pages: list[bytes] = []
        self.ops: list[str] = []
        self.y = PAGE_H - TOP

    # -- pages ------------------------------------------------------------------------
    def new_page(self) -> None:
        self.finish_page()
        self.y = PAGE_H - TOP

    def finish_page(self) -> None:
        if self.ops:
            self.pages.append(zlib.compress("\n".join(self.ops).encode("latin-1"), 6))
        self.ops = []

    def room(self, height: float) -> bool:
        return self.y - height >= BOTTOM

    def need(self, height: float) -> None:
        if not self.room(height) and self.y < PAGE_H - TOP:
            self.new_page()

    # -- drawing ----------------------------------------------------------------------
    def text(self, x: float, y: float, text: str, size: float, font: Font, colour=TEXT) -> None:
        if not text:
            return
        r, g, b = colour
        self.ops.append(
            f"BT {r:.3f} {g:.3f} {b:.3f} rg /{font.resource} {size:g} Tf "
            f"{x:.2f} {y:.2f} Td <{font.encode(text)}> Tj ET"
        )

    def rect(self, x: float, y: float, w: float, h: float, fill=None, stroke=None) -> None:
        parts = []
        if fill:
            parts.append("{:.3f} {:.3f} {:.3f} rg".format(*fill))
        if stroke:
            parts.append("{:.3f} {:.3f} {:.3f} RG 0.5 w".format(*stroke))
        op = "B" if fill and stroke else "f" if fill else "S"
        parts.append(f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re {op}")
        self.ops.append(" ".join(parts))

    def paragraph(self, text: str, size: float, font: Font, colour=TEXT, gap: float = 4) -> None:
        leading = size * 1.25
        for line in wrap(text, font, size, WIDTH):
            self.need(leading)
            self.y -= leading
            self.text(LEFT, self.y + size * 0.25, line, size, font, colour)
        self.y -= gap

    # -- output -----------------------------------------------------------------------
    def write(self, title: str) -> bytes:
        self.finish_page()
        total = len(self.pages)
        footers = []
        for number in range(1, total + 1):
            label = f"Page {number} of {total}"
            x = PAGE_W - RIGHT - self.regular.width(label, 9)
            footers.append(
                f"BT 0.129 0.169 0.196 rg /F1 9 Tf {x:.2f} {BOTTOM / 2:.2f} Td "
                f"<{self.regular.encode(label)}> Tj ET"
            )
        return _assemble(self.pages, footers, [self.regular, self.bold], title)


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
        writer.ops.append(
            _texts(
                [
                    (x + PAD, writer.y - PAD - (n + 1) * leading + size * 0.25, line, bold)
                    for x, lines in zip(lefts, head_lines, strict=False)
                    for n, line in enumerate(lines)
                ],
                size,
            )
        )
        writer.y = y

    def grid(top: float) -> None:
        """The table's vertical rules and outline on this page, from `top` to here."""
        ops = [f"{RULE_RGB} RG 0.5 w"]
        for x in [*lefts, LEFT + WIDTH]:
            ops.append(f"{x:.2f} {top:.2f} m {x:.2f} {writer.y:.2f} l")
        ops.append(f"{LEFT:.2f} {top:.2f} m {LEFT + WIDTH:.2f} {top:.2f} l S")
        writer.ops.append(" ".join(ops))

    lefts = [LEFT + sum(widths[:i]) for i in range(len(widths))]
    rows = table.rows or [["Nothing to show."] + [""] * (len(table.head) - 1)]
    first_row = _row_lines(rows[0], widths, regular, bold, size, first_is_header)
    # The caption, the header and the first row stay together.
    first_h = max(len(cell) for cell in first_row) * leading + 2 * PAD
    writer.need(BODY * 1.25 + 2 + head_h + first_h)
    caption(False)
    top = writer.y
    header()
    right = LEFT + WIDTH
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
        # One text object a row, then the rule under it.
        text = _texts(
            [
                (x + PAD, writer.y - PAD - (n + 1) * leading + size * 0.25, line, face)
                for x, cell, face in zip(lefts, lines, faces, strict=False)
                for n, line in enumerate(cell)
                if line
            ],
            size,
        )
        writer.ops.append(
            f"{text}\n{RULE_RGB} RG 0.5 w {LEFT:.2f} {y:.2f} m {right:.2f} {y:.2f} l S"
        )
        writer.y = y
    grid(top)
    writer.y -= 8


def _texts(items, size: float) -> str:
    """Strings (x, y, text, font) in one text object, in the body colour."""
    parts = [f"BT {TEXT_RGB} rg"]
    current = None
    for x, y, text, font in items:
        if font is not current:
            parts.append(f"/{font.resource} {size:g} Tf")
            current = font
        parts.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm <{font.encode(text)}> Tj")
    parts.append("ET")
    return " ".join(parts)


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
    writer = Writer()
    writer.paragraph(document.title, 20, writer.bold, BLUE, gap=2)
    made = f"Made {document.generated_at:%-d %B %Y %H:%M}."
    writer.paragraph(
        f"{document.subtitle}. {made}" if document.subtitle else made, BODY, writer.regular, MUTED
    )
    for section in document.sections:
        _draw_section(writer, section)
    return writer.write(document.title)


# -- the file ---------------------------------------------------------------------------


def _pdf_string(text: str) -> str:
    """A PDF text string in UTF-16BE, so any title survives."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _font_objects(font: Font, first: int) -> tuple[list[bytes], int]:
    """Type0 font objects numbered from `first`; returns them and the Type0's number."""
    from fontTools import subset

    # It names each table it drops (e.g. FontForge's timestamp); none is needed in a PDF.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    options = subset.Options()
    options.retain_gids = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.layout_features = []
    options.hinting = False
    face = subset.load_font(str(font.path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=sorted(set(font.used) | {0}))
    subsetter.subset(face)
    data = io.BytesIO()
    face.save(data)
    face.close()
    raw = data.getvalue()
    program = zlib.compress(raw, 6)
    widths = " ".join(
        f"{gid} [{round(font.advance.get(ord(ch), font.missing) * 1000)}]"
        for gid, ch in sorted(font.used.items())
    )
    cmap_lines = "\n".join(
        f"<{gid:04x}> <{ch.encode('utf-16-be').hex()}>" for gid, ch in sorted(font.used.items())
    )
    # bfchar blocks hold at most 100 entries each
    entries = cmap_lines.split("\n") if cmap_lines else []
    blocks = "\n".join(
        f"{len(entries[i : i + 100])} beginbfchar\n"
        + "\n".join(entries[i : i + 100])
        + "\nendbfchar"
        for i in range(0, len(entries), 100)
    )
    tounicode = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{blocks}\nendcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode("latin-1")
    tounicode_z = zlib.compress(tounicode, 6)
    n_type0, n_cid, n_desc, n_file, n_map = range(first, first + 5)
    name = "CAPMAP+" + font.postscript.replace(" ", "")
    objects = [
        f"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H "
        f"/DescendantFonts [{n_cid} 0 R] /ToUnicode {n_map} 0 R >>".encode(),
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} "
        f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {n_desc} 0 R /CIDToGIDMap /Identity /DW 1000 /W [{widths}] >>".encode(),
        f"<< /Type /FontDescriptor /FontName /{name} /Flags 32 /FontBBox {font.bbox} "
        f"/ItalicAngle 0 /Ascent {round(font.ascent * 1000)} /Descent {round(font.descent * 1000)} "
        f"/CapHeight {round(font.ascent * 1000)} /StemV 80 /FontFile2 {n_file} 0 R >>".replace(
            ",", ""
        ).encode(),
        f"<< /Length {len(program)} /Length1 {len(raw)} /Filter /FlateDecode >>\n".encode()
        + b"stream\n"
        + program
        + b"\nendstream",
        f"<< /Length {len(tounicode_z)} /Filter /FlateDecode >>\nstream\n".encode()
        + tounicode_z
        + b"\nendstream",
    ]
    return objects, n_type0


def _assemble(pages: list[bytes], footers: list[str], fonts: list[Font], title: str) -> bytes:
    """Catalog 1, page tree 2, info 3, fonts, then a content stream and a page each."""
    objects: list[bytes] = [b"", b"", b""]
    font_refs = []
    for font in fonts:
        made, number = _font_objects(font, len(objects) + 1)
        objects += made
        font_refs.append(f"/{font.resource} {number} 0 R")
    resources = "<< /Font << " + " ".join(font_refs) + " >> >>"
    kids = []
    for content, footer in zip(pages, footers, strict=True):
        objects.append(
            f"<< /Length {len(content)} /Filter /FlateDecode >>\nstream\n".encode()
            + content
            + b"\nendstream"
        )
        objects.append(f"<< /Length {len(footer)} >>\nstream\n{footer}\nendstream".encode())
        body, foot = len(objects) - 1, len(objects)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
            f"/Resources {resources} /Contents [{body} 0 R {foot} 0 R] >>".encode()
        )
        kids.append(f"{len(objects)} 0 R")
    objects[0] = f"<< /Type /Catalog /Pages 2 0 R /Lang {_pdf_string('en-GB')} >>".encode()
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    objects[2] = f"<< /Title {_pdf_string(title)} /Producer (Capmap) >>".encode()
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 3 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()
