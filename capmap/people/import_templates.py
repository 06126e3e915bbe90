"""The downloadable staff import templates (CSV and XLSX): the column headings and an example."""

import io

from capmap.core.spreadsheets import SafeCsvWriter

from .importing import COLUMNS, EXAMPLE_ROW

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def staff_import_template(extension: str) -> tuple[bytes, str]:
    if extension == "csv":
        text = io.StringIO()
        writer = SafeCsvWriter(text)
        writer.writerow(COLUMNS)
        writer.writerow(EXAMPLE_ROW)
        return ("\ufeff" + text.getvalue()).encode("utf-8"), CONTENT_TYPES["csv"]
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Staff"
    sheet.append(COLUMNS)
    sheet.append(EXAMPLE_ROW)
    for column in ("K", "L"):  # dates stay text, so no spreadsheet reformats them
        for cell in sheet[column]:
            cell.number_format = "@"
    for column in ("G",):  # registration numbers keep their leading zeros
        for cell in sheet[column]:
            cell.number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), CONTENT_TYPES["xlsx"]
