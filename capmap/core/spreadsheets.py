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
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime):
        return float(value) if isinstance(value, Decimal) else value
    return neutralise(str(value))


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    """Each sheet: an optional heading and notes, then each table under its bold caption."""
    # openpyxl is imported when a workbook is written, not at every `capmap` start.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for spec in sheets:
        sheet = workbook.create_sheet(_sheet_title(spec.title, used))
        widths: dict[int, int] = {}
        written = bool(spec.heading or spec.notes)
        if spec.heading:
            sheet.append([_cell(spec.heading)])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=14)
        for note in spec.notes:
            sheet.append([_cell(note)])
        for table in spec.tables:
            if written:
                sheet.append([])
            sheet.append([_cell(table.caption)])
            written = True
            sheet.cell(sheet.max_row, 1).font = bold
            sheet.append([_cell(h) for h in table.head])
            for column in range(1, len(table.head) + 1):
                sheet.cell(sheet.max_row, column).font = bold
            for row in table.rows:
                values = [_cell(v) for v in row]
                sheet.append(values)
                for i, value in enumerate(values, start=1):
                    widths[i] = max(widths.get(i, 8), min(len(str(value or "")), 60))
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = width + 2
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
