"""Turn a ReportDocument into a file: PDF through WeasyPrint (or, for long documents,
tablepdf), XLSX through core.spreadsheets."""

import re
from collections.abc import Iterator, Sequence
from typing import overload

from django.template.loader import render_to_string

from capmap.core.spreadsheets import Sheet, SheetTable, write_workbook

from .registry import ReportDocument

NUMBER = re.compile(r"-?\d{1,3}(,\d{3})*(\.\d+)?|-?\d+(\.\d+)?")


def render_html(document: ReportDocument) -> str:
    return render_to_string("reports/document.jinja", {"document": document})


# A document with more table rows than this is drawn by tablepdf (ReportLab's canvas), not
# WeasyPrint: laying out 5,000 rows through CSS took WeasyPrint 30-50 s; tablepdf draws
# them in about two.
LONG_DOCUMENT_ROWS = 300


def table_rows(document: ReportDocument) -> int:
    return sum(len(table.rows) for section in document.sections for table in section.tables)


def render_pdf(document: ReportDocument) -> bytes:
    from . import tablepdf

    if table_rows(document) > LONG_DOCUMENT_ROWS:
        return tablepdf.render(document)
    return render_pdf_weasyprint(document)


def render_pdf_weasyprint(document: ReportDocument) -> bytes:
    from weasyprint import HTML  # imported here: it is slow to load and only workers need it

    return HTML(string=render_html(document)).write_pdf(presentational_hints=True)


def _value(cell):
    """Figures shown on the page as text ("1,234") go into the spreadsheet as numbers."""
    if isinstance(cell, str) and NUMBER.fullmatch(cell):
        number = float(cell.replace(",", ""))
        return int(number) if number.is_integer() else number
    return cell


def _spreadsheet_row(row) -> list:
    return [_value(cell) for cell in row]


class SpreadsheetRows(Sequence):
    """A table's rows as the spreadsheet takes them, converted as each is written, not
    copied first: a 50,000-person list is not held twice."""

    def __init__(self, rows: Sequence) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> list: ...
    @overload
    def __getitem__(self, index: slice) -> list[list]: ...
    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_spreadsheet_row(row) for row in self._rows[index]]
        return _spreadsheet_row(self._rows[index])

    def __iter__(self) -> Iterator[list]:
        return map(_spreadsheet_row, self._rows)


def render_xlsx(document: ReportDocument) -> bytes:
    return write_workbook(xlsx_sheets(document))


def xlsx_sheets(document: ReportDocument) -> list[Sheet]:
    """One sheet a section: its figures, tables and the tables behind its charts."""
    notes = [document.subtitle, f"Made {document.generated_at:%-d %B %Y %H:%M}"]
    sheets = []
    for index, section in enumerate(document.sections):
        tables = []
        if section.figures:
            tables.append(
                SheetTable(
                    section.heading,
                    ["Figure", "Value"],
                    [[k, _value(v)] for k, v in section.figures],
                )
            )
        for table in section.tables:
            tables.append(SheetTable(table.caption, table.head, SpreadsheetRows(table.rows)))
        for chart in section.charts:
            t = chart.table
            tables.append(SheetTable(t.caption, t.head, SpreadsheetRows(t.rows)))
        sheets.append(
            Sheet(
                section.heading,
                tables,
                heading=document.title if index == 0 else section.heading,
                notes=(notes + section.paragraphs) if index == 0 else section.paragraphs,
            )
        )
    return sheets


RENDERERS = {"pdf": render_pdf, "xlsx": render_xlsx}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
