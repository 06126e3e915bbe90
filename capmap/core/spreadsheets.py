"""Write XLSX workbooks and CSV files safely: every text cell that a spreadsheet would run as
a formula is neutralised (CSV/formula injection), numbers and dates stay numbers and dates.

Every CSV the product writes goes through SafeCsvWriter; the table reader
(capmap/core/tabular.py) drops the apostrophe again when our own files come back.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

# A cell starting with one of these is read as a formula (or DDE) by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet would run gets a leading apostrophe; anything else passes."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class SafeCsvWriter:
    """csv.writer whose text cells are neutralised; lines end in CRLF as RFC 4180 says."""

    def __init__(self, out, **options) -> None:
        options.setdefault("lineterminator", "\r\n")
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


@dataclass
class SheetTable:
    caption: str
    head: Sequence[str]
    rows: Iterable[Sequence]


@dataclass
class Sheet:
    title: str
    tables: list[SheetTable] = field(default_factory=list)
    heading: str = ""
    notes: list[str] = field(default_factory=list)


def _sheet_title(title: str, used: set[str]) -> str:
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in title).strip("'")[:31] or "Sheet"
    candidate, n = cleaned, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = cleaned[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def _cell(value):
    if type(value) is str:  # most cells: checked first, it is the cheapest test
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime):
        return float(value) if isinstance(value, Decimal) else value
    return neutralise(str(value))


# Column widths are judged from this many rows of each table: enough to fit the data,
# and the rows need not be read twice when a table streams them.
WIDTH_SAMPLE = 200


def _widths(spec: Sheet) -> dict[int, int]:
    widths: dict[int, int] = {}
    for table in spec.tables:
        rows = table.rows if isinstance(table.rows, Sequence) else []
        for row in [table.head, *rows[:WIDTH_SAMPLE]]:
            for i, value in enumerate(row, start=1):
                widths[i] = max(widths.get(i, 8), min(len(str(value or "")), 60))
    return widths


# Captions, column headings and the sheet's heading: named styles, registered once a
# workbook. Setting a Font on each cell instead hashed the font for every one: a staff
# list of 440 employers spent a third of its writing time there.
HEADING_STYLE, CAPTION_STYLE = "Capmap heading", "Capmap caption"


def _add_styles(workbook) -> None:
    from openpyxl.styles import Font, NamedStyle

    workbook.add_named_style(NamedStyle(HEADING_STYLE, font=Font(bold=True, size=14)))
    workbook.add_named_style(NamedStyle(CAPTION_STYLE, font=Font(bold=True)))


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    """Each sheet: an optional heading and notes, then each table under its bold caption.

    openpyxl's write-only mode streams rows to the file instead of keeping a cell object
    for each one: 5,000 staff write in a fraction of the time, and memory stays flat.
    """
    # openpyxl is imported when a workbook is written, not at every `capmap` start.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    _add_styles(workbook)
    used: set[str] = set()

    def styled(value, style: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=_cell(value))
        cell.style = style
        return cell

    for spec in sheets:
        sheet = workbook.create_sheet(_sheet_title(spec.title, used))
        # Widths must be set before the first row in write-only mode.
        for column, width in _widths(spec).items():
            sheet.column_dimensions[get_column_letter(column)].width = width + 2
        written = bool(spec.heading or spec.notes)
        if spec.heading:
            sheet.append([styled(spec.heading, HEADING_STYLE)])
        for note in spec.notes:
            sheet.append([_cell(note)])
        for table in spec.tables:
            if written:
                sheet.append([])
            sheet.append([styled(table.caption, CAPTION_STYLE)])
            written = True
            sheet.append([styled(h, CAPTION_STYLE) for h in table.head])
            for row in table.rows:
                sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
