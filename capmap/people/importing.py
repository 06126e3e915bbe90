"""Reading a staff import (CSV or XLSX) and checking every row before anything is stored.

`read_table` turns the file into rows of text; `plan_import` checks each row and says
what would happen to it (create, update, unchanged) or why it cannot be imported.
Nothing here writes: services.import_staff applies a plan with no errors.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q

from capmap.core.actors import is_system
from capmap.organisations import scoping
from capmap.organisations.models import Organisation

from .models import AfcBand, JobRole, Person, RegistrationBody
from .validators import normalise_registration_number, validate_registration
from .values import PersonDetails

COLUMNS = [
    "first_name",
    "last_name",
    "email",
    "job_role",
    "stage",
    "registration_body",
    "registration_number",
    "afc_band",
    "employer_ods",
    "sites",
    "start_date",
    "end_date",
]
REQUIRED_COLUMNS = ["first_name", "last_name", "job_role", "start_date"]
EXAMPLE_ROW = [
    "Asha",
    "Patel",
    "asha.patel@nhs.net",
    "Clinical pharmacist",
    "senior",
    "GPhC",
    "2087654",
    "8a",
    "F86001",
    "F86001;F86002",
    "2024-04-01",
    "",
]

# Labels of the fields an update may change, in the order the preview lists them.
FIELD_LABELS = {
    "first_name": "first name",
    "last_name": "last name",
    "email": "e-mail address",
    "job_role": "job role",
    "stage": "stage",
    "registration_body": "registration body",
    "registration_number": "registration number",
    "afc_band": "band",
    "employer": "employer",
    "sites": "sites",
    "start_date": "start date",
    "end_date": "end date",
}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass(frozen=True)
class RowError:
    row_number: int
    column: str
    message: str


@dataclass
class PlannedRow:
    row_number: int
    action: str  # "create", "update" or "unchanged"
    details: PersonDetails
    person: Person | None = None
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def with_action(self, action: str) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == action]

    @property
    def to_create(self) -> list[PlannedRow]:
        return self.with_action("create")

    @property
    def to_update(self) -> list[PlannedRow]:
        return self.with_action("update")

    @property
    def unchanged(self) -> list[PlannedRow]:
        return self.with_action("unchanged")


# --- Reading the file ------------------------------------------------------------------


def _is_xlsx(content: bytes) -> bool:
    if not content.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(
            "The Excel file could not be read. Save it again as .xlsx and upload it again."
        ) from error
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_A_TABLE = "The file must be a CSV (UTF-8) or an Excel (.xlsx) file."


def _csv_rows(content: bytes) -> list[list[str]]:
    if content.startswith(b"PK\x03\x04"):
        raise ImportFileError(_NOT_A_TABLE)  # a zip, but no workbook inside
    if b"\x00" in content:
        raise ImportFileError(_NOT_A_TABLE)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The CSV file must be saved as UTF-8. In Excel choose “CSV UTF-8” when you save it."
        ) from None
    if _CONTROL_CHARACTERS.search(text):
        raise ImportFileError(_NOT_A_TABLE)
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as error:
        raise ImportFileError(f"The CSV file could not be read: {error}.") from None


def read_table(content: bytes) -> list[dict]:
    """The file's data rows as {"row_number": n, column: text}; raises ImportFileError.

    The type comes from the content, never the file name: an XLSX file is a zip
    holding xl/workbook.xml, anything else must be UTF-8 CSV text.
    """
    if not content.strip():
        raise ImportFileError("The file is empty. Add a header row and one row for each person.")
    table = _xlsx_rows(content) if _is_xlsx(content) else _csv_rows(content)
    if not table:
        raise ImportFileError("The file is empty. Add a header row and one row for each person.")
    header = [re.sub(r"\s+", "_", cell.strip().lower()) for cell in table[0]]
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        raise ImportFileError(
            f"The file has columns the template does not have: {', '.join(unknown)}. "
            "Use the column names of the template."
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ImportFileError(f"The file has no {', '.join(missing)} column. Use the template.")
    rows = []
    for index, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = {"row_number": index}
        for name, cell in zip(header, cells, strict=False):
            if name:
                row[name] = cell.strip()
        rows.append(row)
    if not rows:
        raise ImportFileError("The file has a header row but no people. Add one row per person.")
    return rows


# --- Checking the rows ---------------------------------------------------------------------


def parse_date(text: str) -> date:
    """Enter the date as YYYY-MM-DD or DD/MM/YYYY, like 2024-04-01 or 01/04/2024."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(parse_date.__doc__)


def _band(text: str) -> str:
    band = re.sub(r"^band\s*", "", text.strip().lower())
    if band not in AfcBand.values:
        raise ValueError(
            f"“{text}” is not an Agenda for Change band. Use 2 to 9, 8a to 8d, or leave it empty."
        )
    return band


def _body(text: str) -> str:
    by_lower = {value.lower(): value for value in RegistrationBody.values}
    if text.strip().lower() not in by_lower:
        raise ValueError(f"“{text}” is not a registration body. Use GPhC, NMC, HCPC or GMC.")
    return by_lower[text.strip().lower()]


class _Lookups:
    """Everything the rows refer to, fetched once for the whole file."""

    def __init__(self, actor, rows: list[dict], default_organisation: Organisation | None):
        self.actor = actor
        self.default_organisation = default_organisation
        self.roles: dict[str, JobRole] = {}
        for role in JobRole.objects.all():
            self.roles[role.name.lower()] = role
            self.roles[role.slug.lower()] = role
        codes = {row.get("employer_ods", "").upper() for row in rows}
        for row in rows:
            codes |= {code.strip().upper() for code in row.get("sites", "").split(";")}
        codes.discard("")
        self.organisations = {
            org.ods_code: org for org in Organisation.objects.filter(ods_code__in=codes)
        }

    def may_manage_at(self, organisation: Organisation) -> bool:
        if self.default_organisation and not organisation.is_within(self.default_organisation):
            return False
        # The system: the server's operator at the command line, who may import anywhere.
        return is_system(self.actor) or scoping.can(self.actor, scoping.MANAGE_PEOPLE, organisation)

    def organisation(self, code: str, column: str) -> Organisation:
        organisation = self.organisations.get(code.strip().upper())
        if organisation is None:
            raise ValueError(f"No organisation has the ODS code “{code}”. Check the code.")
        if not self.may_manage_at(organisation):
            where = (
                f"inside {self.default_organisation}"
                if self.default_organisation
                else "where you manage staff"
            )
            raise ValueError(f"The ODS code “{code}” is not an organisation {where}.")
        return organisation


def _check_row(row: dict, lookups: _Lookups) -> tuple[PersonDetails | None, list[RowError]]:
    number = row["row_number"]
    errors: list[RowError] = []
    values: dict = {}

    def check(column: str, convert):
        try:
            values[column] = convert(row.get(column, "").strip())
        except ValueError as error:
            errors.append(RowError(number, column, str(error)))

    def required(label: str, limit: int):
        def convert(text: str) -> str:
            if not text:
                raise ValueError(f"Enter the {label}.")
            if len(text) > limit:
                raise ValueError(f"The {label} must be {limit} characters or fewer.")
            return text

        return convert

    def email(text: str) -> str:
        try:
            validate_email(text)
        except ValidationError:
            raise ValueError(f"“{text}” is not an e-mail address, like name@nhs.net.") from None
        return text.lower()

    def job_role(text: str) -> JobRole:
        if not text:
            raise ValueError("Enter the job role.")
        if text.lower() not in lookups.roles:
            raise ValueError(
                f"“{text}” is not a job role in Capmap. Use a name from the job roles list, "
                "or ask an admin to add the role first."
            )
        return lookups.roles[text.lower()]

    def stage(text: str) -> str:
        if len(text) > 40:
            raise ValueError("The stage must be 40 characters or fewer.")
        return text

    def employer(text: str) -> Organisation:
        if not text:
            if lookups.default_organisation is not None:
                return lookups.default_organisation
            raise ValueError("Enter the ODS code of the employer.")
        return lookups.organisation(text, "employer_ods")

    def sites(text: str) -> list[Organisation]:
        codes = [code.strip() for code in text.split(";") if code.strip()]
        return [lookups.organisation(code, "sites") for code in codes]

    def start_date(text: str) -> date:
        if not text:
            raise ValueError("Enter the start date, like 2024-04-01.")
        return parse_date(text)

    check("first_name", required("first name", 100))
    check("last_name", required("last name", 100))
    check("email", lambda text: email(text) if text else "")
    check("job_role", job_role)
    check("stage", stage)
    check("registration_body", lambda text: _body(text) if text else "")
    check("afc_band", lambda text: _band(text) if text else "")
    check("employer_ods", employer)
    check("sites", sites)
    check("start_date", start_date)
    check("end_date", lambda text: parse_date(text) if text else None)

    registration = normalise_registration_number(row.get("registration_number", ""))
    if "registration_body" in values:
        try:
            validate_registration(values["registration_body"], registration)
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                errors.extend(RowError(number, column, message) for message in messages)
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors.append(
            RowError(number, "end_date", "The end date must be on or after the start date.")
        )
    if errors:
        return None, errors
    details = PersonDetails(
        first_name=values["first_name"],
        last_name=values["last_name"],
        email=values["email"],
        job_role=values["job_role"],
        stage=values["stage"],
        registration_body=values["registration_body"],
        registration_number=registration,
        afc_band=values["afc_band"],
        employer=values["employer_ods"],
        sites=values["sites"],
        start_date=values["start_date"],
        end_date=values["end_date"],
    )
    return details, []


def changed_fields(person: Person, details: PersonDetails) -> list[str]:
    """Labels of the fields the details would change on this person."""
    changes = []
    for name in FIELD_LABELS:
        if name == "sites":
            now = {site.pk for site in person.sites.all()}
            if now != {site.pk for site in details.sites}:
                changes.append(FIELD_LABELS[name])
        elif name in {"job_role", "employer"}:
            if getattr(person, f"{name}_id") != getattr(details, name).pk:
                changes.append(FIELD_LABELS[name])
        elif getattr(person, name) != getattr(details, name):
            changes.append(FIELD_LABELS[name])
    return changes


def _duplicates_in_file(checked: list[tuple[int, PersonDetails]]) -> list[RowError]:
    errors = []
    seen_registration: dict[tuple[str, str], int] = {}
    seen_email: dict[str, int] = {}
    for number, details in checked:
        if details.registration_number:
            key = (details.registration_body, details.registration_number)
            if key in seen_registration:
                errors.append(
                    RowError(
                        number,
                        "registration_number",
                        f"Row {seen_registration[key]} already has this registration number. "
                        "Each person can appear only once.",
                    )
                )
            seen_registration.setdefault(key, number)
        if details.email:
            if details.email in seen_email:
                errors.append(
                    RowError(
                        number,
                        "email",
                        f"Row {seen_email[details.email]} already has this e-mail address. "
                        "Each person can appear only once.",
                    )
                )
            seen_email.setdefault(details.email, number)
    return errors


def _existing_people(actor, checked: list[tuple[int, PersonDetails]]):
    """People the rows may refer to: by registration (everywhere), by e-mail (in scope)."""
    registrations = {
        (d.registration_body, d.registration_number) for _, d in checked if d.registration_number
    }
    by_registration: dict[tuple[str, str], Person] = {}
    if registrations:
        q = Q(pk__in=[])
        for body, reg in registrations:
            q |= Q(registration_body=body, registration_number=reg)
        for person in Person.objects.filter(q).select_related("employer"):
            by_registration[(person.registration_body, person.registration_number)] = person
    emails = {d.email for _, d in checked if d.email}
    manageable = Person.objects.all()
    if not is_system(actor):
        manageable = manageable.filter(
            scoping.path_q(actor, scoping.MANAGE_PEOPLE, "employer__path")
        )
    by_email: dict[str, list[Person]] = {}
    for person in manageable.filter(email__in=emails).select_related("employer"):
        by_email.setdefault(person.email, []).append(person)
    return by_registration, by_email


def plan_import(
    *, actor, rows: list[dict], default_organisation: Organisation | None = None
) -> ImportPlan:
    """Check every row and say what importing it would do; the plan lists every error."""
    plan = ImportPlan()
    lookups = _Lookups(actor, rows, default_organisation)
    checked: list[tuple[int, PersonDetails]] = []
    for row in rows:
        details, errors = _check_row(row, lookups)
        plan.errors.extend(errors)
        if details is not None:
            checked.append((row["row_number"], details))
    plan.errors.extend(_duplicates_in_file(checked))
    by_registration, by_email = _existing_people(actor, checked)
    matched: list[Person] = []
    for number, details in checked:
        person = None
        if details.registration_number:
            person = by_registration.get((details.registration_body, details.registration_number))
            if person is not None and not lookups.may_manage_at(person.employer):
                plan.errors.append(
                    RowError(
                        number,
                        "registration_number",
                        "A staff record outside the organisations where you manage staff already "
                        "has this registration number. Check the number.",
                    )
                )
                continue
        if person is None and details.email:
            candidates = by_email.get(details.email, [])
            if len(candidates) > 1:
                plan.errors.append(
                    RowError(
                        number,
                        "email",
                        "More than one staff record has this e-mail address. "
                        "Add the registration number so the right person is updated.",
                    )
                )
                continue
            if candidates and not (
                candidates[0].registration_number and details.registration_number
            ):
                person = candidates[0]
        if person is None:
            plan.rows.append(PlannedRow(number, "create", details))
        elif person in matched:
            plan.errors.append(
                RowError(
                    number,
                    "email" if not details.registration_number else "registration_number",
                    "Another row of the file is the same person. Each person can appear only once.",
                )
            )
        else:
            matched.append(person)
            plan.rows.append(PlannedRow(number, "update", details, person))
    _set_changes(plan, matched)
    plan.errors.sort(key=lambda error: (error.row_number, COLUMNS.index(error.column)))
    return plan


def _set_changes(plan: ImportPlan, matched: list[Person]) -> None:
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(matched, "sites")
    for planned in plan.rows:
        if planned.person is not None:
            planned.changes = changed_fields(planned.person, planned.details)
            if not planned.changes:
                planned.action = "unchanged"
