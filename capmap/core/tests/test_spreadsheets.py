"""XLSX writing: formula-looking text is neutralised, numbers and dates stay as they are."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from capmap.core.spreadsheets import SafeCsvWriter, Sheet, SheetTable, neutralise, write_workbook


def read(content: bytes):
    return load_workbook(io.BytesIO(content))


@pytest.mark.parametrize("text", ["=1+2", "+44 20", "-2+3", "@SUM(A1)", '=HYPERLINK("x")'])
def test_text_that_would_run_as_a_formula_is_stored_as_plain_text(text):
    content = write_workbook([Sheet("Staff", [SheetTable("People", ["Name"], [[text]])])])
    cell = read(content)["Staff"]["A3"]
    assert cell.value == "'" + text
    assert cell.data_type == "s"


def test_numbers_dates_and_ordinary_text_are_kept():
    content = write_workbook(
        [
            Sheet(
                "Figures",
                [SheetTable("Totals", ["Name", "Count", "Start"], [["Ann", 12, date(2025, 4, 1)]])],
            )
        ]
    )
    sheet = read(content)["Figures"]
    assert [c.value for c in sheet[3]][:2] == ["Ann", 12]
    assert sheet["C3"].value.date() == date(2025, 4, 1)


def test_neutralise_leaves_numbers_alone():
    assert neutralise(-5) == -5
    assert neutralise("Ann") == "Ann"


def test_sheet_names_are_made_valid_and_unique():
    content = write_workbook([Sheet("A/B: c?" * 5), Sheet("A/B: c?" * 5)])
    names = read(content).sheetnames
    assert len(set(names)) == 2 and all(len(n) <= 31 for n in names)


def test_the_safe_csv_writer_neutralises_text_that_a_spreadsheet_would_run():
    out = io.StringIO()
    SafeCsvWriter(out).writerows([["=1+1", "+cmd", "@SUM(1)", "-x", "plain", -5, None]])
    assert out.getvalue() == "'=1+1,'+cmd,'@SUM(1),'-x,plain,-5,\r\n"


def test_the_heading_captions_and_column_headings_are_bold_and_the_rows_plain():
    content = write_workbook(
        [Sheet("Staff", [SheetTable("People", ["Name", "Band"], [["Ann", 5]])], heading="Staff")]
    )
    sheet = read(content)["Staff"]
    heading, caption, head, row = sheet["A1"], sheet["A3"], sheet["B4"], sheet["A5"]
    assert (heading.value, heading.font.bold, heading.font.size) == ("Staff", True, 14)
    assert (caption.value, caption.font.bold) == ("People", True)
    assert (head.value, head.font.bold) == ("Band", True)
    assert (row.value, row.font.bold) == ("Ann", False)
