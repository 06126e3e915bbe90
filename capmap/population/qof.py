"""Read QOF practice prevalence files (the `PREVALENCE_2425.csv` layout): plain Python.

One row per practice and register: PRACTICE_CODE, GROUP_CODE (the register, e.g. DM),
REGISTER (patients on it, written as a decimal such as `113.0`), PATIENT_LIST_TYPE (the
register's age-scoped denominator, e.g. `17OV`) and PRACTICE_LIST_SIZE (that
denominator's size). Every mistake is kept with its row number, so a file is refused
whole with a sentence for each row to correct.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

COLUMNS = ("PRACTICE_CODE", "GROUP_CODE", "REGISTER", "PATIENT_LIST_TYPE", "PRACTICE_LIST_SIZE")
# The whole of England is about 6,200 practices x 21 registers: room for growth, no more.
MAX_ROWS = 250_000
MAX_MISTAKES = 200  # past this many, a file is plainly not a QOF prevalence file

# The QOF registers and what they count (QOF 2024-25 business rules).
REGISTERS: dict[str, str] = {
    "AF": "Atrial fibrillation",
    "AST": "Asthma",
    "CAN": "Cancer",
    "CHD": "Coronary heart disease",
    "CKD": "Chronic kidney disease",
    "COPD": "Chronic obstructive pulmonary disease",
    "DEM": "Dementia",
    "DEP": "Depression",
    "DM": "Diabetes mellitus",
    "EP": "Epilepsy",
    "HF": "Heart failure",
    "HYP": "Hypertension",
    "LD": "Learning disability",
    "MH": "Mental health",
    "NDH": "Non-diabetic hyperglycaemia",
    "OB": "Obesity",
    "OST": "Osteoporosis",
    "PAD": "Peripheral arterial disease",
    "PC": "Palliative care",
    "RA": "Rheumatoid arthritis",
    "STIA": "Stroke and transient ischaemic attack",
}

_CODE = re.compile(r"^[A-Z0-9]{1,10}$")
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


class PrevalenceFileRefused(Exception):
    """The file as a whole cannot be read; the message says what to do."""


def check_year(text: str) -> str:
    """A QOF year is written YYYY-YY, the second year following the first (2024-25)."""
    year = (text or "").strip()
    match = _YEAR.match(year)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"Write the QOF year as YYYY-YY, for example 2024-25, not {text!r}.")
    return year


@dataclass(frozen=True)
class RegisterRow:
    row_number: int
    practice_code: str
    register: str
    patients: int
    list_type: str
    list_size: int


@dataclass(frozen=True)
class RowMistake:
    row_number: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row_number}: {self.message}"


@dataclass
class PrevalenceFile:
    rows: list[RegisterRow] = field(default_factory=list)
    mistakes: list[RowMistake] = field(default_factory=list)

    @property
    def practice_codes(self) -> set[str]:
        return {row.practice_code for row in self.rows}


class _Mistake(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def _code(value: str, column: str, what: str) -> str:
    code = value.strip().upper()
    if not code:
        raise _Mistake(column, f"Enter the {what} in {column}.")
    if not _CODE.match(code):
        raise _Mistake(column, f"{value!r} in {column} is not a {what}: use letters and digits.")
    return code


def _count(value: str, column: str) -> int:
    """A count of patients: a whole number, which QOF may write as a decimal (113.0)."""
    text = value.strip()
    whole = text[:-2] if text.endswith(".0") else text
    if whole.isdigit() and whole.isascii():
        return int(whole)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _Mistake(column, f"{column} must be a number of patients, not {text!r}.") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise _Mistake(column, f"{column} must be a whole number of patients, not {text!r}.")
    if number < 0:
        raise _Mistake(column, f"{column} cannot be negative ({text}).")
    return int(number)


def _row(number: int, cells: dict[str, str]) -> RegisterRow:
    practice = _code(cells["PRACTICE_CODE"], "PRACTICE_CODE", "practice ODS code")
    register = _code(cells["GROUP_CODE"], "GROUP_CODE", "QOF register code")
    patients = _count(cells["REGISTER"], "REGISTER")
    list_type = cells["PATIENT_LIST_TYPE"].strip().upper()
    if not list_type or len(list_type) > 10:
        raise _Mistake("PATIENT_LIST_TYPE", "Enter the list type, for example TOTAL or 17OV.")
    # A register may exceed its list size (QOF 2024-25 has a learning-disability practice
    # with 120 patients on LD and a list of 119), so the two are not compared.
    list_size = _count(cells["PRACTICE_LIST_SIZE"], "PRACTICE_LIST_SIZE")
    return RegisterRow(number, practice, register, patients, list_type, list_size)


def read_prevalence(content: bytes, *, max_rows: int = MAX_ROWS) -> PrevalenceFile:
    """Every row of a prevalence file checked; raises PrevalenceFileRefused when the file
    cannot be read as one at all (not UTF-8 CSV, missing columns, too many rows)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PrevalenceFileRefused("Save the file as CSV (UTF-8) and try again.") from None
    if "\x00" in text:
        raise PrevalenceFileRefused("The file must be a CSV file of QOF prevalence.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().upper() for cell in next(reader, [])]
        missing = [column for column in COLUMNS if column not in header]
        if missing:
            raise PrevalenceFileRefused(
                "The first row must name the QOF prevalence columns "
                f"{', '.join(COLUMNS)}. Missing: {', '.join(missing)}."
            )
        at = {column: header.index(column) for column in COLUMNS}
        result = PrevalenceFile()
        seen: dict[tuple[str, str], int] = {}
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if number - 1 > max_rows:
                raise PrevalenceFileRefused(
                    f"The file has more than {max_rows:,} rows: is it a QOF prevalence file?"
                )
            if len(record) < len(header):
                result.mistakes.append(
                    RowMistake(number, "", f"The row has {len(record)} cells, not {len(header)}.")
                )
            else:
                try:
                    row = _row(number, {column: record[i] for column, i in at.items()})
                except _Mistake as mistake:
                    result.mistakes.append(RowMistake(number, mistake.column, str(mistake)))
                else:
                    key = (row.practice_code, row.register)
                    if key in seen:
                        result.mistakes.append(
                            RowMistake(
                                number,
                                "GROUP_CODE",
                                f"{row.practice_code} {row.register} is repeated: "
                                f"row {seen[key]} has it already.",
                            )
                        )
                    else:
                        seen[key] = number
                        result.rows.append(row)
            if len(result.mistakes) >= MAX_MISTAKES:
                break
    except csv.Error as error:
        raise PrevalenceFileRefused(f"The CSV file could not be read: {error}.") from None
    if not result.rows and not result.mistakes:
        raise PrevalenceFileRefused("The file has a header row but no rows under it.")
    return result
