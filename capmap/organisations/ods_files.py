"""Reading NHS Digital's organisation files into one picture of the NHS tree (no Django).

The files, as published: the headerless ODS standard CSVs `epraccur.csv` (GP practices
and other prescribing settings, with their commissioner), `etr.csv` (NHS trusts) and
`ets.csv` (trust sites); the workbook `ePCN.xlsx` (PCNs, and their member practices);
and "Patients registered at a GP practice" `gp-reg-pat-prac-map.csv` (or its ZIP), which
maps each practice to its PCN, sub-ICB location and ICB.

`read_ods_files` reads any mix of them and merges what they say into one `OdsRecord` per
code: an ICB, PCN, practice, trust or site, with its parent's code. A row that cannot be
read is an `OdsProblem` naming the file and line; an organisation the files cannot place
in the tree (a practice with no PCN, a PCN with no ICB) is left out, with the reason.
Nothing here touches the database: the organisations services compare and write.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import PurePath

from capmap.core.filetypes import ZIP_ERRORS

ICB = "ics"  # an ICB is the integrated care system's board: Capmap's top-level kind
PCN = "pcn"
PRACTICE = "practice"
TRUST = "trust"
SITE = "site"

EPRACCUR = "epraccur"
ETR = "etr"
ETS = "ets"
EPCN = "epcn"
PRACTICE_MAP = "gp-reg-pat-prac-map"
FILE_LABELS = {
    EPRACCUR: "GP practices (epraccur.csv)",
    ETR: "NHS trusts (etr.csv)",
    ETS: "NHS trust sites (ets.csv)",
    EPCN: "primary care networks (ePCN.xlsx)",
    PRACTICE_MAP: "practice to PCN, sub-ICB and ICB map (gp-reg-pat-prac-map.csv)",
}

_CODE = re.compile(r"^[A-Z0-9]{3,8}$")
# Prescribing setting 4 in epraccur is a GP practice; the others (out-of-hours services,
# walk-in centres, prisons, hospices...) are not part of the practice tree.
GP_PRACTICE_SETTING = "4"
# Bounds for the workbook: openpyxl pads read-only rows to the declared dimension.
EPCN_MAX_COLUMNS = 12
MAX_ROWS = 200_000
MAP_COLUMNS = (
    "PRACTICE_CODE",
    "PRACTICE_NAME",
    "PRACTICE_POSTCODE",
    "PCN_CODE",
    "PCN_NAME",
    "SUB_ICB_LOCATION_CODE",
    "ICB_CODE",
    "ICB_NAME",
)


class OdsFileRefused(ValueError):
    """A whole file cannot be read; the message says which and what to do."""


@dataclass(frozen=True)
class Source:
    file: str
    line: int
    sheet: str = ""

    def __str__(self) -> str:
        where = f"{self.file}, sheet “{self.sheet}”" if self.sheet else self.file
        return f"{where}, line {self.line}"


@dataclass(frozen=True)
class OdsProblem:
    source: Source
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass(frozen=True)
class OdsRecord:
    """One organisation as the files describe it."""

    code: str
    kind: str
    name: str
    source: Source
    parent_code: str = ""
    postcode: str = ""
    opened_on: date | None = None
    closed_on: date | None = None
    commissioner_code: str = ""  # the sub-ICB location (formerly CCG) that commissions it


@dataclass(frozen=True)
class LeftOut:
    code: str
    name: str
    reason: str
    source: Source
    kind: str = ""


@dataclass
class OdsPicture:
    """Everything the files say: organisations to place, problems, and what was left out."""

    records: dict[str, OdsRecord] = field(default_factory=dict)
    problems: list[OdsProblem] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[OdsRecord]:
        return [record for record in self.records.values() if record.kind == kind]


# --- Cells ----------------------------------------------------------------------------------


class _CellProblem(ValueError):
    pass


def _code(text: object, what: str = "ODS code") -> str:
    code = str(text or "").strip().upper()
    if not _CODE.match(code):
        shown = str(text or "").strip()
        raise _CellProblem(
            f"the {what} “{shown}” is not an ODS code (3 to 8 letters or digits)."
            if shown
            else f"the {what} is missing."
        )
    return code


def _optional_code(text: object, what: str) -> str:
    return _code(text, what) if str(text or "").strip() else ""


def _name(text: object) -> str:
    name = " ".join(str(text or "").split())
    if not name:
        raise _CellProblem("the name is missing.")
    return name[:200]


def _postcode(text: object) -> str:
    return " ".join(str(text or "").upper().split())[:10]


def _date(text: object, what: str) -> date | None:
    """ODS dates are written YYYYMMDD (a number in the workbook)."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    value = str(text or "").strip()
    if value.endswith(".0"):
        value = value[:-2]
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise _CellProblem(f"the {what} “{value}” is not a date written YYYYMMDD.") from None


# --- Files ----------------------------------------------------------------------------------


def _text(content: bytes, name: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older ODS extracts are Windows-1252; every byte decodes, so nothing is lost.
        return content.decode("cp1252", errors="replace")


def _csv_rows(content: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(_text(content, name), newline=""))
    for number, row in enumerate(reader, start=1):
        if number > MAX_ROWS:
            raise OdsFileRefused(f"{name} has more than {MAX_ROWS:,} lines: it is not an ODS file.")
        if any(cell.strip() for cell in row):
            yield number, row


def _cell(row: list, index: int) -> str:
    return str(row[index]).strip() if index < len(row) and row[index] is not None else ""


def _read_standard(picture: OdsPicture, name: str, content: bytes, build) -> None:
    """Each line of a headerless ODS standard file through `build`; problems by line."""
    for number, row in _csv_rows(content, name):
        source = Source(name, number)
        try:
            build(source, row)
        except _CellProblem as problem:
            picture.problems.append(OdsProblem(source, _sentence(problem)))


def _sentence(problem: Exception) -> str:
    text = str(problem)
    return text[0].upper() + text[1:]


@dataclass
class _Reading:
    """What each file said, before the files are merged."""

    practices: dict[str, OdsRecord] = field(default_factory=dict)
    not_practices: dict[str, OdsRecord] = field(default_factory=dict)
    trusts: dict[str, OdsRecord] = field(default_factory=dict)
    sites: dict[str, OdsRecord] = field(default_factory=dict)
    pcns: dict[str, OdsRecord] = field(default_factory=dict)
    # practice code -> (start date, PCN code, source) of current ePCN memberships
    memberships: dict[str, tuple[date, str, Source]] = field(default_factory=dict)
    mapped_practices: dict[str, OdsRecord] = field(default_factory=dict)
    mapped_pcns: dict[str, OdsRecord] = field(default_factory=dict)
    mapped_icbs: dict[str, OdsRecord] = field(default_factory=dict)
    practice_icb: dict[str, str] = field(default_factory=dict)
    practice_sub_icb: dict[str, str] = field(default_factory=dict)
    sub_icb_icb: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))


def _read_epraccur(reading: _Reading, picture: OdsPicture, name: str, content: bytes) -> None:
    def build(source: Source, row: list[str]) -> None:
        record = OdsRecord(
            code=_code(_cell(row, 0)),
            kind=PRACTICE,
            name=_name(_cell(row, 1)),
            source=source,
            postcode=_postcode(_cell(row, 9)),
            opened_on=_date(_cell(row, 10), "open date"),
            closed_on=_date(_cell(row, 11), "close date"),
            commissioner_code=_optional_code(_cell(row, 14), "commissioner code"),
        )
        if _cell(row, 25) == GP_PRACTICE_SETTING:
            reading.practices[record.code] = record
        else:
            reading.not_practices[record.code] = record

    _read_standard(picture, name, content, build)


def _read_etr(reading: _Reading, picture: OdsPicture, name: str, content: bytes) -> None:
    def build(source: Source, row: list[str]) -> None:
        record = OdsRecord(
            code=_code(_cell(row, 0)),
            kind=TRUST,
            name=_name(_cell(row, 1)),
            source=source,
            postcode=_postcode(_cell(row, 9)),
            opened_on=_date(_cell(row, 10), "open date"),
            closed_on=_date(_cell(row, 11), "close date"),
        )
        reading.trusts[record.code] = record

    _read_standard(picture, name, content, build)


def _read_ets(reading: _Reading, picture: OdsPicture, name: str, content: bytes) -> None:
    def build(source: Source, row: list[str]) -> None:
        code = _code(_cell(row, 0))
        # Column 15 names the parent trust; a site's code also begins with its trust's.
        parent = _optional_code(_cell(row, 14), "trust code") or code[:3]
        record = OdsRecord(
            code=code,
            kind=SITE,
            name=_name(_cell(row, 1)),
            source=source,
            parent_code=parent,
            postcode=_postcode(_cell(row, 9)),
            opened_on=_date(_cell(row, 10), "open date"),
            closed_on=_date(_cell(row, 11), "close date"),
        )
        reading.sites[record.code] = record

    _read_standard(picture, name, content, build)


def _sheet_rows(sheet, name: str) -> Iterator[tuple[int, tuple]]:
    blank_run = 0
    for number, row in enumerate(
        sheet.iter_rows(values_only=True, max_col=EPCN_MAX_COLUMNS), start=1
    ):
        if number > MAX_ROWS:
            raise OdsFileRefused(f"{name} has more than {MAX_ROWS:,} rows: it is not ePCN.xlsx.")
        if not any(cell not in (None, "") for cell in row):
            blank_run += 1
            if blank_run > 1000:  # a sheet declared far larger than it is
                return
            continue
        blank_run = 0
        yield number, row


def _read_epcn(reading: _Reading, picture: OdsPicture, name: str, content: bytes) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # only ePCN needs it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise OdsFileRefused(f"{name} cannot be opened as an Excel workbook.") from error
    try:
        sheets = {sheet.title.strip().lower(): sheet for sheet in workbook.worksheets}
        details = sheets.get("pcn details")
        partners = sheets.get("pcn core partner details")
        if details is None or partners is None:
            raise OdsFileRefused(
                f"{name} must have the sheets “PCN Details” and “PCN Core Partner Details”, "
                "as NHS Digital publishes ePCN.xlsx."
            )
        for number, row in _sheet_rows(details, name):
            if number == 1:
                continue  # the sheet's own header row
            source = Source(name, number, details.title)
            try:
                record = OdsRecord(
                    code=_code(row[0], "PCN code"),
                    kind=PCN,
                    name=_name(row[1]),
                    source=source,
                    commissioner_code=_optional_code(row[2], "commissioner code"),
                    opened_on=_date(row[4], "open date"),
                    closed_on=_date(row[5], "close date"),
                    postcode=_postcode(row[11]),
                )
            except _CellProblem as problem:
                picture.problems.append(OdsProblem(source, _sentence(problem)))
                continue
            reading.pcns[record.code] = record
        for number, row in _sheet_rows(partners, name):
            if number == 1:
                continue
            source = Source(name, number, partners.title)
            try:
                practice = _code(row[0], "practice code")
                pcn = _code(row[4], "PCN code")
                started = _date(row[8], "relationship start date") or date.min
                ended = _date(row[9], "relationship end date")
            except _CellProblem as problem:
                picture.problems.append(OdsProblem(source, _sentence(problem)))
                continue
            if ended is not None:
                continue  # a past membership: the practice has moved on
            current = reading.memberships.get(practice)
            if current is None or started >= current[0]:
                reading.memberships[practice] = (started, pcn, source)
    finally:
        workbook.close()


def _read_map(reading: _Reading, picture: OdsPicture, name: str, content: bytes) -> None:
    rows = _csv_rows(content, name)
    header_line = next(rows, None)
    if header_line is None:
        raise OdsFileRefused(f"{name} is empty.")
    header = [cell.strip().upper() for cell in header_line[1]]
    missing = [column for column in MAP_COLUMNS if column not in header]
    if missing:
        raise OdsFileRefused(
            f"{name} has no {', '.join(missing)} column: use the practice mapping file "
            "of “Patients registered at a GP practice” as published."
        )
    at = {column: header.index(column) for column in MAP_COLUMNS}
    for number, row in rows:
        source = Source(name, number)
        try:
            practice = _code(_cell(row, at["PRACTICE_CODE"]), "practice code")
            pcn_cell = _cell(row, at["PCN_CODE"])
            # "U" (named "Unallocated") marks a practice in no PCN.
            pcn = "" if pcn_cell.upper() == "U" else _optional_code(pcn_cell, "PCN code")
            sub_icb = _optional_code(_cell(row, at["SUB_ICB_LOCATION_CODE"]), "sub-ICB code")
            icb = _code(_cell(row, at["ICB_CODE"]), "ICB code")
            practice_name = _name(_cell(row, at["PRACTICE_NAME"]))
            icb_name = _name(_cell(row, at["ICB_NAME"]))
            pcn_name = _name(_cell(row, at["PCN_NAME"])) if pcn else ""
        except _CellProblem as problem:
            picture.problems.append(OdsProblem(source, _sentence(problem)))
            continue
        reading.mapped_practices[practice] = OdsRecord(
            code=practice,
            kind=PRACTICE,
            name=practice_name,
            source=source,
            parent_code=pcn,
            postcode=_postcode(_cell(row, at["PRACTICE_POSTCODE"])),
            commissioner_code=sub_icb,
        )
        reading.practice_icb[practice] = icb
        if sub_icb:
            reading.practice_sub_icb[practice] = sub_icb
            reading.sub_icb_icb[sub_icb][icb] += 1
        if pcn and pcn not in reading.mapped_pcns:
            reading.mapped_pcns[pcn] = OdsRecord(
                code=pcn, kind=PCN, name=pcn_name, source=source, commissioner_code=sub_icb
            )
        if icb not in reading.mapped_icbs:
            reading.mapped_icbs[icb] = OdsRecord(code=icb, kind=ICB, name=icb_name, source=source)


def _unzip_map(name: str, content: bytes) -> tuple[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
            if len(members) != 1:
                raise OdsFileRefused(f"{name} must hold one CSV file, the practice mapping file.")
            member = members[0]
            if member.file_size > 50 * len(content) + 10_000_000:
                raise OdsFileRefused(f"{name} unpacks to far more than a mapping file would.")
            return f"{name}/{member.filename}", archive.read(member)
    except ZIP_ERRORS as error:
        raise OdsFileRefused(f"{name} cannot be opened as a ZIP file.") from error


def file_kind(name: str, content: bytes) -> str:
    """Which ODS file this is, from its name as published, else from its first line."""
    stem = PurePath(name).name.lower()
    for kind in (PRACTICE_MAP, EPRACCUR, EPCN, ETR, ETS):
        if stem.startswith(kind):
            return kind
    if content.startswith(b"PK\x03\x04"):
        return EPCN if b"xl/workbook.xml" in content[:200_000] else PRACTICE_MAP
    first = _text(content[:4096], name).splitlines()[:1]
    if first and first[0].upper().startswith("PUBLICATION,"):
        return PRACTICE_MAP
    cells = next(csv.reader(first), []) if first else []
    # A headerless ODS standard file: an ODS code first, and some twenty columns or more.
    if len(cells) >= 20 and _CODE.match(cells[0].strip()):
        by_length = {6: EPRACCUR, 3: ETR, 5: ETS}
        if len(cells[0].strip()) in by_length:
            return by_length[len(cells[0].strip())]
    raise OdsFileRefused(
        f"{name} is none of the ODS files Capmap reads: epraccur.csv, etr.csv, ets.csv, "
        "ePCN.xlsx or gp-reg-pat-prac-map.csv (or its ZIP)."
    )


READERS = {
    EPRACCUR: _read_epraccur,
    ETR: _read_etr,
    ETS: _read_ets,
    EPCN: _read_epcn,
    PRACTICE_MAP: _read_map,
}


# --- Merging --------------------------------------------------------------------------------


def _most_common(counter: Counter) -> str:
    """The commonest value; ties go to the first in code order, so runs agree."""
    if not counter:
        return ""
    top = max(counter.values())
    return min(code for code, count in counter.items() if count == top)


def _outward(postcode: str) -> str:
    return postcode.split(" ")[0] if " " in postcode else postcode[:-3]


def _area(postcode: str) -> str:
    return re.match(r"[A-Z]*", postcode).group(0)  # type: ignore[union-attr]


def _merge(reading: _Reading, picture: OdsPicture) -> None:
    records = picture.records

    def leave_out(record: OdsRecord, reason: str) -> None:
        picture.left_out.append(LeftOut(record.code, record.name, reason, record.source))

    for board in reading.mapped_icbs.values():
        records[board.code] = board

    # PCNs: the registration map lists today's PCNs and their ICB; ePCN adds dates,
    # postcodes and the PCNs the map does not list (closed ones, or a newer ePCN).
    pcn_icbs: dict[str, Counter] = defaultdict(Counter)
    for practice, record in reading.mapped_practices.items():
        if record.parent_code:
            pcn_icbs[record.parent_code][reading.practice_icb[practice]] += 1
    member_icbs: dict[str, Counter] = defaultdict(Counter)
    for practice, (_, pcn, _) in reading.memberships.items():
        if practice in reading.practice_icb:
            member_icbs[pcn][reading.practice_icb[practice]] += 1
    for code in sorted(set(reading.pcns) | set(reading.mapped_pcns)):
        listed, mapped = reading.pcns.get(code), reading.mapped_pcns.get(code)
        base = listed or mapped
        assert base is not None
        icb = (
            _most_common(pcn_icbs[code])
            or _most_common(reading.sub_icb_icb.get(base.commissioner_code, Counter()))
            or _most_common(member_icbs[code])
        )
        record = replace(
            base,
            name=mapped.name if mapped else base.name,
            commissioner_code=(mapped.commissioner_code if mapped else "")
            or base.commissioner_code,
            parent_code=icb,
            closed_on=None if mapped else base.closed_on,
        )
        records[code] = record

    # Practices: the map names each open practice's PCN; ePCN's current memberships
    # place the rest; epraccur gives open and close dates and the practices of the past.
    for code in sorted(set(reading.practices) | set(reading.mapped_practices)):
        listed, mapped = reading.practices.get(code), reading.mapped_practices.get(code)
        base = listed or mapped
        assert base is not None
        membership = reading.memberships.get(code)
        pcn = (mapped.parent_code if mapped else "") or (membership[1] if membership else "")
        record = replace(
            base,
            name=mapped.name if mapped else base.name,
            postcode=(mapped.postcode if mapped else "") or base.postcode,
            commissioner_code=(mapped.commissioner_code if mapped else "")
            or base.commissioner_code,
            parent_code=pcn,
            closed_on=None if mapped else base.closed_on,
        )
        records[code] = record

    for record in reading.not_practices.values():
        if record.code not in records:
            leave_out(record, "a prescribing setting that is not a GP practice")

    # Trusts: no file names a trust's ICB; it sits in the ICB where most practices share
    # its postcode district (else its postcode area), as NHS England assigns trusts by place.
    by_district: dict[str, Counter] = defaultdict(Counter)
    by_area: dict[str, Counter] = defaultdict(Counter)
    for practice, record in reading.mapped_practices.items():
        if record.postcode:
            by_district[_outward(record.postcode)][reading.practice_icb[practice]] += 1
            by_area[_area(record.postcode)][reading.practice_icb[practice]] += 1
    for record in reading.trusts.values():
        icb = ""
        if record.postcode:
            icb = _most_common(by_district.get(_outward(record.postcode), Counter()))
            icb = icb or _most_common(by_area.get(_area(record.postcode), Counter()))
        records[record.code] = replace(record, parent_code=icb)
    for record in reading.sites.values():
        records[record.code] = record


def read_ods_files(files: Iterable[tuple[str, bytes]]) -> OdsPicture:
    """Read the named files and merge them; raises OdsFileRefused for a file unreadable
    as a whole (the caller shows its message), else problems are listed per line."""
    picture = OdsPicture()
    reading = _Reading()
    seen: dict[str, str] = {}
    for name, content in files:
        name = PurePath(name).name
        kind = file_kind(name, content)
        if kind in seen:
            raise OdsFileRefused(
                f"{name} and {seen[kind]} are both {FILE_LABELS[kind]}: choose one of them."
            )
        seen[kind] = name
        if kind == PRACTICE_MAP and content.startswith(b"PK\x03\x04"):
            name, content = _unzip_map(name, content)
        picture.files.append(name)
        READERS[kind](reading, picture, name, content)
    _merge(reading, picture)
    return picture
