"""Real staff import files for tests: CSV text and XLSX workbooks written by openpyxl."""

import csv
import datetime
import io

from openpyxl import Workbook

from capmap.people.importing import COLUMNS


def row(**values) -> dict:
    base = {
        "first_name": "Asha",
        "last_name": "Patel",
        "email": "asha.patel@nhs.net",
        "job_role": "Clinical pharmacist",
        "stage": "senior",
        "registration_body": "GPhC",
        "registration_number": "2087654",
        "afc_band": "8a",
        "employer_ods": "F86001",
        "sites": "F86001",
        "start_date": "2024-04-01",
        "end_date": "",
    }
    base.update(values)
    return base


def csv_file(rows: list[dict], *, bom: bool = False) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + text.getvalue()).encode("utf-8")


def xlsx_file(rows: list[dict], *, real_dates: bool = False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for values in rows:
        cells = [values.get(column, "") for column in COLUMNS]
        if real_dates and values.get("start_date"):
            start = COLUMNS.index("start_date")
            cells[start] = datetime.date.fromisoformat(values["start_date"])
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
