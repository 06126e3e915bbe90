"""Reading QOF prevalence files: the real layout, and every mistake with its row."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capmap.population import qof

from .factories import PREVALENCE_2425, source_rows

HEADER = "PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PRACTICE_LIST_SIZE\n"


def test_reads_every_row_of_the_real_extract_with_decimal_registers():
    parsed = qof.read_prevalence(PREVALENCE_2425.read_bytes())
    assert parsed.mistakes == []
    assert len(parsed.rows) == len(source_rows()) == 525
    dm = next(r for r in parsed.rows if (r.practice_code, r.register) == ("F82001", "DM"))
    assert (dm.patients, dm.list_type, dm.list_size) == (437, "17OV", 4382)
    assert len(parsed.practice_codes) == 25


def test_a_register_larger_than_its_list_is_real_data_and_accepted():
    parsed = qof.read_prevalence((HEADER + "Y05750,LD,120.0,TOTAL,119\n").encode())
    assert parsed.mistakes == [] and parsed.rows[0].patients == 120


def test_each_malformed_row_is_named_with_its_column():
    content = (
        HEADER
        + "F82001,DM,437.0,17OV,4382\n"
        + "F82001,HF,twenty,TOTAL,5716\n"
        + "F82001,AST,2.5,06OV,5353\n"
        + ",COPD,74.0,TOTAL,5716\n"
        + "F82001,DM,1.0,17OV,4382\n"
        + "F82001,NDH,-3,18OV,4274\n"
        + "F82001,OB\n"
    ).encode()
    parsed = qof.read_prevalence(content)
    found = [(m.row_number, m.column) for m in parsed.mistakes]
    assert found == [
        (3, "REGISTER"),
        (4, "REGISTER"),
        (5, "PRACTICE_CODE"),
        (6, "GROUP_CODE"),
        (7, "REGISTER"),
        (8, ""),
    ]
    assert "row 2 has it already" in parsed.mistakes[3].message
    assert [r.register for r in parsed.rows] == ["DM"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe\x00", "UTF-8"),
        (b"PRACTICE_CODE,GROUP_CODE\nF82001,DM\n", "Missing: REGISTER"),
        (HEADER.encode(), "no rows"),
    ],
)
def test_a_file_that_is_no_prevalence_file_is_refused_whole(content, message):
    with pytest.raises(qof.PrevalenceFileRefused, match=message):
        qof.read_prevalence(content)


def test_too_many_rows_is_refused():
    content = (HEADER + "F82001,DM,1.0,17OV,10\nF82001,HF,1.0,TOTAL,10\n").encode()
    with pytest.raises(qof.PrevalenceFileRefused, match="more than 1 rows"):
        qof.read_prevalence(content, max_rows=1)


@pytest.mark.parametrize("year", ["2024-25", "1999-00", " 2022-23 "])
def test_qof_years_are_written_yyyy_yy(year):
    assert qof.check_year(year) == year.strip()


@pytest.mark.parametrize("year", ["2024", "2024-26", "24-25", "2024/25", ""])
def test_other_years_are_refused(year):
    with pytest.raises(ValueError, match="YYYY-YY"):
        qof.check_year(year)


@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_never_crash(content):
    try:
        parsed = qof.read_prevalence(HEADER.encode() + content)
    except qof.PrevalenceFileRefused:
        return
    assert all(row.patients >= 0 for row in parsed.rows)
