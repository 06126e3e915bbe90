"""The Capmap CSV template for frameworks: one row per competency.

Columns: domain, code, title, description, indicators. `domain` may name sub-domains
as "Domain > Sub-domain"; `indicators` are separated by ";". Rows keep their order,
and domains appear in the order they are first met.
"""

from __future__ import annotations

import io
import uuid

from capmap.core.importing import RowProblem, check_rows
from capmap.core.spreadsheets import SafeCsvWriter
from capmap.core.tabular import Row, TableRefused, TableSpec, read_rows

from .case import CaseError, CaseNode, CasePackage

COLUMNS = ["domain", "code", "title", "description", "indicators"]
DOMAIN_SEPARATOR = " > "
INDICATOR_SEPARATOR = ";"


def _new_id() -> str:
    return str(uuid.uuid4())


CSV_TABLE = TableSpec(
    columns=COLUMNS,
    required=["domain", "title"],
    ignore_unknown_columns=True,
    accepts_xlsx=False,
    empty="The CSV file has a header row but no competencies.",
    no_rows="The CSV file has a header row but no competencies.",
    not_utf8="The file is not UTF-8 text. Save it with UTF-8 encoding and try again.",
    not_a_table="The file is not UTF-8 text. Save it with UTF-8 encoding and try again.",
    missing="The CSV file needs a header row with the columns {columns} (missing: {missing}).",
)


def _competency(row: Row) -> tuple[tuple[str, ...], CaseNode]:
    if not row.get("title"):
        raise RowProblem("has no title.", "title")
    path = tuple(p.strip() for p in row.get("domain").split(">") if p.strip())
    indicators = [
        part.strip() for part in row.get("indicators").split(INDICATOR_SEPARATOR) if part.strip()
    ]
    node = CaseNode(
        _new_id(),
        row.get("title"),
        code=row.get("code"),
        notes=row.get("description"),
        indicators=indicators,
    )
    return path, node


def load_csv(raw: bytes, *, title: str) -> CasePackage:
    """Read the template into the same tree a CASE package gives; raises CaseError.

    The file is read by the one table reader, so a cell our export wrote safe
    ("'=...") reads back as it was.
    """
    try:
        rows = read_rows(raw, CSV_TABLE)
    except TableRefused as refused:
        raise CaseError(str(refused)) from None
    checked, errors = check_rows(
        rows,
        _competency,
        key=lambda value: value[1].code or value[1].identifier,
        repeated=lambda value, first: f"repeats the code {value[1].code} of row {first}.",
    )
    if errors:
        raise CaseError([f"Row {error.row_number} {error.message}" for error in errors])
    roots: list[CaseNode] = []
    domains: dict[tuple[str, ...], CaseNode] = {}
    for _number, (path, node) in checked:
        siblings = roots
        for depth in range(len(path)):
            key = path[: depth + 1]
            if key not in domains:
                domains[key] = CaseNode(_new_id(), key[-1])
                siblings.append(domains[key])
            siblings = domains[key].children
        siblings.append(node)
    return CasePackage(document={"identifier": _new_id(), "title": title}, roots=roots)


def dump_csv(package: CasePackage) -> str:
    """The template's CSV; text a spreadsheet would run as a formula is written safe."""
    out = io.StringIO(newline="")
    writer = SafeCsvWriter(out)
    writer.writerow(COLUMNS)
    path: list[str] = []
    for node, _parent, depth in package.walk():
        del path[depth:]
        if node.children:
            path.append(node.full_statement)
            continue
        writer.writerow(
            [
                DOMAIN_SEPARATOR.join(path),
                node.code,
                node.full_statement,
                node.notes,
                f"{INDICATOR_SEPARATOR} ".join(node.indicators),
            ]
        )
    return out.getvalue()
