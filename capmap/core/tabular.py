"""The one reader for uploaded tables: a CSV (UTF-8, with or without a byte order mark)
or the first sheet of an Excel .xlsx workbook, read within hard bounds.

The kind comes from the content (`capmap.core.filetypes.sniff`), never the file name.
The header row is checked first; then rows are streamed with their 1-based row numbers.
Caps on rows (`CAPMAP_IMPORT_MAX_ROWS`), columns (`CAPMAP_IMPORT_MAX_COLUMNS`), the file
(`CAPMAP_MAX_IMPORT_BYTES`) and the workbook unpacked are applied while the file is
walked, before a row is turned into values, so a small hostile file cannot cost much.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings

from .exceptions import DomainError
from .filetypes import XLSX, sniff
from .spreadsheets import FORMULA_TRIGGERS

# An .xlsx may unpack to this many times the largest upload allowed; a zip bomb does not.
UNPACKED_RATIO = 20

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW_TAG = f"{_SHEET_NS}row"
_CELL_TAG = f"{_SHEET_NS}c"


class TableRefused(DomainError):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass(frozen=True)
class TableSpec:
    """The columns an import expects, and the sentences it shows when a file is wrong.

    `missing` may use {missing} and {columns}; `unknown` may use {unknown}.
    """

    columns: Sequence[str]
    required: Sequence[str]
    ignore_unknown_columns: bool = False
    accepts_xlsx: bool = True
    empty: str = "The file is empty. Add a header row and one row for each record."
    no_rows: str = "The file has a header row but no rows under it."
    not_utf8: str = (
        "The CSV file must be saved as UTF-8. In Excel choose “CSV UTF-8” when you save it."
    )
    not_a_table: str = "The file must be a CSV (UTF-8) or an Excel (.xlsx) file."
    missing: str = "The file has no {missing} column. Use the template."
    unknown: str = (
        "The file has columns the template does not have: {unknown}. "
        "Use the column names of the template."
    )


@dataclass(frozen=True)
class Row:
    """One data row: its number in the file (the header is row 1) and its cells by column."""

    number: int
    cells: dict[str, str] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class Table:
    kind: str  # "csv" or "xlsx"
    header: list[str]
    rows: Iterator[Row]


def header_name(text: str) -> str:
    """A heading as a column name: "Start date " and "start_date" are the same column."""
    return _SPACES.sub("_", text.strip().lower())


def unescape_cell(text: str) -> str:
    """A cell we wrote as safe text ("'=SUM(1)", see spreadsheets.neutralise) reads back as
    it was: the leading apostrophe before a formula character is dropped."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def max_rows() -> int:
    return settings.CAPMAP_IMPORT_MAX_ROWS


def max_columns() -> int:
    return settings.CAPMAP_IMPORT_MAX_COLUMNS


def _too_many_rows(limit: int) -> TableRefused:
    return TableRefused(
        f"The file has more than {limit:,} rows under its header. "
        f"Split it into files of {limit:,} rows or fewer."
    )


def _too_many_columns(limit: int) -> TableRefused:
    return TableRefused(
        f"The file has more than {limit:,} columns. Remove the columns the import does not use."
    )


def _size(size: int) -> str:
    for unit, name in ((1024 * 1024, "MB"), (1024, "KB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit:,} {name}"
    return f"{size:,} bytes"


# --- CSV ---------------------------------------------------------------------------------


def _csv_records(content: bytes, spec: TableSpec, columns: int) -> Iterator[tuple[int, list]]:
    if b"\x00" in content:
        raise TableRefused(spec.not_a_table)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableRefused(spec.not_utf8) from None
    if _CONTROL_CHARACTERS.search(text):
        raise TableRefused(spec.not_a_table)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, record in enumerate(reader, start=1):
            if len(record) > columns and any(cell.strip() for cell in record[columns:]):
                raise _too_many_columns(columns)
            yield number, record[:columns]
    except csv.Error as error:
        raise TableRefused(f"The CSV file could not be read: {error}.") from None


# --- XLSX --------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_UNREADABLE_XLSX = "The Excel file could not be read. Save it again as .xlsx and upload it again."


def _xlsx_records(content: bytes, columns: int, rows: int) -> Iterator[tuple[int, list]]:
    try:
        yield from _walk_first_sheet(content, columns, rows)
    except TableRefused:
        raise
    except Exception as error:  # openpyxl and the XML parser raise many kinds for a bad file
        raise TableRefused(_UNREADABLE_XLSX) from error


def _walk_first_sheet(content: bytes, columns: int, rows: int) -> Iterator[tuple[int, list]]:
    """Rows of the first sheet, walking its XML ourselves.

    openpyxl's own row reader pads every row to the sheet's declared <dimension> (a 1.5 KB
    file declaring A1:XFD15000 costs gigabytes), and holds a whole row's cells at once; so
    openpyxl only opens the workbook (sheets, shared strings, date styles) and this loop
    reads cells one by one, drops each as soon as it is read, and stops at the caps.
    """
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.functions import iterparse

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    limit = settings.CAPMAP_MAX_IMPORT_BYTES * UNPACKED_RATIO
    if unpacked > limit:
        raise TableRefused(
            f"The Excel file unpacks to more than {_size(limit)}. "
            "Remove what the import does not need, or save it as CSV (UTF-8)."
        )
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        cells = WorkSheetParser(
            None,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        with sheet._get_source() as source:
            parents: list = []
            row_cells: dict[int, str] = {}
            for event, element in iterparse(source, events=("start", "end")):
                if event == "start":
                    parents.append(element)
                    if element.tag == _ROW_TAG:
                        number = element.get("r")
                        cells.row_counter = int(float(number)) if number else cells.row_counter + 1
                        cells.col_counter = 0
                        row_cells = {}
                    continue
                parents.pop()
                parent = parents[-1] if parents else None
                if element.tag == _CELL_TAG and parent is not None and parent.tag == _ROW_TAG:
                    cell = cells.parse_cell(element)
                    text = _cell_text(cell["value"])
                    if text.strip():
                        if cell["column"] > columns:
                            raise _too_many_columns(columns)
                        row_cells[cell["column"]] = text
                    parent.remove(element)
                elif element.tag == _ROW_TAG:
                    number = cells.row_counter
                    if row_cells:
                        if number > rows + 1:
                            raise _too_many_rows(rows)
                        width = max(row_cells)
                        yield number, [row_cells.get(i, "") for i in range(1, width + 1)]
                    if parent is not None:
                        parent.remove(element)
                elif len(parents) == 2 and parent is not None:
                    # Anything else below the sheet's top level is read and let go, so
                    # long lists (merged cells, formatting) do not pile up either.
                    parent.remove(element)
    finally:
        workbook.close()


# --- The table ---------------------------------------------------------------------------


def read_table(content: bytes, spec: TableSpec) -> Table:
    """Check the file and its header row; raises TableRefused. Rows stream from `rows`.

    Iterating `rows` may raise TableRefused too (a cap passed, or no rows at all).
    """
    limit = settings.CAPMAP_MAX_IMPORT_BYTES
    if len(content) > limit:
        raise TableRefused(f"The file must be smaller than {_size(limit)}.")
    if not content.strip():
        raise TableRefused(spec.empty)
    columns, rows = max_columns(), max_rows()
    found = sniff(content)
    if found == XLSX and spec.accepts_xlsx:
        kind, records = "xlsx", _xlsx_records(content, columns, rows)
    elif found is None:
        kind, records = "csv", _csv_records(content, spec, columns)
    else:
        raise TableRefused(spec.not_a_table)
    first = next(records, None)
    if first is None:
        raise TableRefused(spec.empty)
    header = [header_name(unescape_cell(cell)) for cell in first[1]]
    _check_header(header, spec)
    return Table(kind, header, _data_rows(records, header, spec, rows))


def read_rows(content: bytes, spec: TableSpec) -> list[Row]:
    """Every data row of the file (within the caps); raises TableRefused."""
    return list(read_table(content, spec).rows)


def _check_header(header: list[str], spec: TableSpec) -> None:
    if not spec.ignore_unknown_columns:
        unknown = [name for name in header if name and name not in spec.columns]
        if unknown:
            raise TableRefused(spec.unknown.format(unknown=", ".join(unknown)))
    missing = [name for name in spec.required if name not in header]
    if missing:
        raise TableRefused(
            spec.missing.format(missing=", ".join(missing), columns=", ".join(spec.columns))
        )


def _data_rows(
    records: Iterator[tuple[int, list]], header: list[str], spec: TableSpec, limit: int
) -> Iterator[Row]:
    any_rows = False
    for number, record in records:
        cells = [unescape_cell(cell.strip()).strip() for cell in record]
        if not any(cells):
            continue
        if number > limit + 1:
            raise _too_many_rows(limit)
        any_rows = True
        yield Row(number, {name: cell for name, cell in zip(header, cells, strict=False) if name})
    if not any_rows:
        raise TableRefused(spec.no_rows)
