"""The Capmap CSV template for frameworks: one row per competency. No Django here.

Columns: domain, code, title, description, indicators. `domain` may name sub-domains
as "Domain > Sub-domain"; `indicators` are separated by ";". Rows keep their order,
and domains appear in the order they are first met.
"""

from __future__ import annotations

import csv
import io
import uuid

from .case import CaseError, CaseNode, CasePackage, decode

COLUMNS = ["domain", "code", "title", "description", "indicators"]
DOMAIN_SEPARATOR = " > "
INDICATOR_SEPARATOR = ";"


def _new_id() -> str:
    return str(uuid.uuid4())


def load_csv(raw: bytes, *, title: str) -> CasePackage:
    """Read the template into the same tree a CASE package gives; raises CaseError."""
    text = decode(raw)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("domain", "title") if c not in headers]
    if missing:
        raise CaseError(
            "The CSV file needs a header row with the columns "
            + ", ".join(COLUMNS)
            + f" (missing: {', '.join(missing)})."
        )
    reader.fieldnames = headers
    problems: list[str] = []
    roots: list[CaseNode] = []
    domains: dict[tuple[str, ...], CaseNode] = {}
    codes: dict[str, int] = {}
    rows = 0
    try:
        for line, row in enumerate(reader, start=2):
            values = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
            if not any(values.values()):
                continue
            rows += 1
            if not values.get("title"):
                problems.append(f"Row {line} has no title.")
                continue
            code = values.get("code", "")
            if code and code in codes:
                problems.append(f"Row {line} repeats the code {code} of row {codes[code]}.")
                continue
            if code:
                codes[code] = line
            path = tuple(p.strip() for p in values.get("domain", "").split(">") if p.strip())
            siblings = roots
            for depth in range(len(path)):
                key = path[: depth + 1]
                if key not in domains:
                    domains[key] = CaseNode(_new_id(), key[-1])
                    siblings.append(domains[key])
                siblings = domains[key].children
            indicators = [
                part.strip()
                for part in values.get("indicators", "").split(INDICATOR_SEPARATOR)
                if part.strip()
            ]
            siblings.append(
                CaseNode(
                    _new_id(),
                    values["title"],
                    code=code,
                    notes=values.get("description", ""),
                    indicators=indicators,
                )
            )
    except csv.Error as error:
        raise CaseError(f"The CSV file cannot be read: {error}.") from None
    if problems:
        raise CaseError(problems)
    if not rows:
        raise CaseError("The CSV file has a header row but no competencies.")
    return CasePackage(document={"identifier": _new_id(), "title": title}, roots=roots)


def dump_csv(package: CasePackage) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
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
