"""The one bounded reader for uploaded tables: CSV or XLSX in, checked header, numbered rows."""

import datetime
import io
import re
import tracemalloc
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from capmap.core import tabular
from capmap.core.tabular import Row, TableRefused, TableSpec, read_rows, read_table

SPEC = TableSpec(columns=["name", "start_date", "notes"], required=["name"])


def xlsx(rows: list[list], *, dimension: str | None = None, title: str = "Sheet") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for number, values in rows:
        for column, value in enumerate(values, start=1):
            sheet.cell(number, column, value)
    raw = io.BytesIO()
    workbook.save(raw)
    if dimension is None:
        return raw.getvalue()
    # Rewrite the sheet's declared size, as a hostile file would.
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(
                    rb'<dimension ref="[^"]*"\s*/>',
                    f'<dimension ref="{dimension}"/>'.encode(),
                    data,
                )
            target.writestr(item, data)
    return out.getvalue()


def test_csv_with_or_without_a_byte_order_mark_gives_numbered_rows():
    content = "Name,Start date\nAsha,2024-04-01\n,\nBen,\n"
    for raw in (content.encode(), ("\ufeff" + content).encode()):
        rows = read_rows(raw, SPEC)
        assert rows == [
            Row(2, {"name": "Asha", "start_date": "2024-04-01"}),
            Row(4, {"name": "Ben", "start_date": ""}),
        ]


def test_xlsx_gives_the_same_rows_with_dates_as_text_and_whole_numbers_without_a_point():
    content = xlsx(
        [(1, ["name", "start_date", "notes"]), (2, ["Asha", datetime.date(2024, 4, 1), 7.0])]
    )
    table = read_table(content, SPEC)
    assert table.kind == "xlsx"
    assert list(table.rows) == [Row(2, {"name": "Asha", "start_date": "2024-04-01", "notes": "7"})]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"\xff\xfename", "UTF-8"),
        (b"name,colour\nA,red\n", "colour"),
        (b"notes\nA\n", "no name column"),
        (b"name\n\n,\n", "no rows under it"),
        (b"PK\x03\x04 not really a workbook", "CSV (UTF-8) or an Excel"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "CSV (UTF-8) or an Excel"),
        (b"name\x01,notes", "CSV (UTF-8) or an Excel"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_sentence(content, message):
    with pytest.raises(TableRefused, match=re.escape(message)):
        read_rows(content, SPEC)


def test_the_header_is_checked_before_any_row_is_read():
    with pytest.raises(TableRefused, match="no name column"):
        read_table(b"notes\n" + b"x\n" * 10, SPEC)


def test_a_csv_only_import_refuses_a_workbook():
    spec = TableSpec(columns=["name"], required=["name"], accepts_xlsx=False)
    with pytest.raises(TableRefused, match="CSV"):
        read_rows(xlsx([(1, ["name"]), (2, ["A"])]), spec)


def test_a_cell_written_safe_reads_back_as_it_was():
    content = b"name,notes\n'=HYPERLINK(\"x\"),'+cmd|' /C calc'!A0\n'@SUM(1),it's fine\n"
    rows = read_rows(content, SPEC)
    assert rows[0].cells == {"name": '=HYPERLINK("x")', "notes": "+cmd|' /C calc'!A0"}
    assert rows[1].cells == {"name": "@SUM(1)", "notes": "it's fine"}


def test_a_file_over_the_row_cap_is_refused_with_the_limit(settings):
    settings.CAPMAP_IMPORT_MAX_ROWS = 3
    read_rows(b"name\na\nb\nc\n", SPEC)
    with pytest.raises(TableRefused, match="more than 3 rows"):
        read_rows(b"name\na\nb\nc\nd\n", SPEC)
    with pytest.raises(TableRefused, match="more than 3 rows"):
        read_rows(xlsx([(1, ["name"]), (2, ["a"]), (6, ["e"])]), SPEC)


def test_a_file_over_the_column_cap_is_refused_with_the_limit(settings):
    settings.CAPMAP_IMPORT_MAX_COLUMNS = 3
    with pytest.raises(TableRefused, match="more than 3 columns"):
        read_rows(b"name,notes,start_date,x\n", SPEC)
    with pytest.raises(TableRefused, match="more than 3 columns"):
        read_rows(b"name\na,,,,,,x\n", SPEC)
    with pytest.raises(TableRefused, match="more than 3 columns"):
        read_rows(xlsx([(1, ["name"]), (2, ["a", "", "", "", "x"])]), SPEC)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.CAPMAP_MAX_IMPORT_BYTES = 10
    with pytest.raises(TableRefused, match="smaller than"):
        read_rows(b"name\nAsha Patel\n", SPEC)


def test_a_workbook_that_unpacks_too_far_is_refused(settings, monkeypatch):
    content = xlsx([(1, ["name"])] + [(n, [f"same text {n} " * 20]) for n in range(2, 400)])
    settings.CAPMAP_MAX_IMPORT_BYTES = len(content)
    assert len(read_rows(content, SPEC)) == 398
    monkeypatch.setattr(tabular, "UNPACKED_RATIO", 1)  # it unpacks to more than it weighs
    with pytest.raises(TableRefused, match="unpacks to more than"):
        read_rows(content, SPEC)


def _peak_bytes(action) -> int:
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_sheet_declaring_a_huge_size_is_read_in_little_memory():
    """Security finding 1: a 1.5 KB workbook declaring A1:XFD15000 took gigabytes."""
    content = xlsx([(1, ["name"]), (2, ["Asha"]), (15000, ["Ben"])], dimension="A1:XFD15000")
    assert len(content) < 6000
    result: list = []
    peak = _peak_bytes(lambda: result.extend(read_rows(content, SPEC)))
    assert result == [Row(2, {"name": "Asha"}), Row(15000, {"name": "Ben"})]
    assert peak < 50 * 1024 * 1024


def test_a_sheet_declaring_every_row_excel_allows_is_refused_in_little_memory():
    content = xlsx([(1, ["name"]), (2, ["Asha"]), (1048576, ["Ben"])], dimension="A1:XFD1048576")

    def refused():
        with pytest.raises(TableRefused, match="more than 100,000 rows"):
            read_rows(content, SPEC)

    assert _peak_bytes(refused) < 50 * 1024 * 1024


GOOD_XLSX = xlsx([(1, ["name", "notes"]), (2, ["Asha", "x"])])


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_any_bytes_are_read_or_refused_with_a_sentence(content):
    try:
        read_rows(content, SPEC)
    except TableRefused as refused:
        assert str(refused).endswith(".")


def test_a_workbook_whose_zip_claims_a_later_format_is_refused_with_a_sentence():
    # zipfile answers a format version it does not know with NotImplementedError, not
    # BadZipFile (found by the property test below): the upload must still get a sentence.
    directory = GOOD_XLSX.index(b"PK\x01\x02")
    later = GOOD_XLSX[: directory + 6] + b"\x63\x00" + GOOD_XLSX[directory + 8 :]
    with pytest.raises(TableRefused) as refused:
        read_rows(later, SPEC)
    assert str(refused.value).endswith(".")


@settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(GOOD_XLSX) - 1), st.binary(min_size=1, max_size=8))
def test_a_damaged_workbook_is_read_or_refused_with_a_sentence(position, noise):
    content = GOOD_XLSX[:position] + noise + GOOD_XLSX[position + len(noise) :]
    try:
        read_rows(content, SPEC)
    except TableRefused as refused:
        assert str(refused).endswith(".")
