"""Checking every row of a staff import (CSV or XLSX) before anything is stored.

The file is read by the one table reader (`capmap.core.tabular`); `plan_import` checks
each row and says what would happen to it (create, update, unchanged) or why it cannot
be imported. Nothing here writes: services.import_staff applies a plan with no errors.
"""

import re
from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from capmap.core.importing import (
    CREATE,
    UNCHANGED,
    UPDATE,
    ImportPreview,
    PlannedRow,
    RowError,
    fetch_in_chunks,
)
from capmap.core.tabular import Row, TableSpec, read_rows
from capmap.organisations.models import Organisation

from . import policy
from .models import AfcBand, JobRole, Person, RegistrationBody
from .registration import TopLevel, holders
from .validators import normalise_registration_number, parse_fte, validate_registration
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
    "fte",
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
    "0.8",
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
    "fte": "whole-time equivalent",
}


STAFF_TABLE = TableSpec(
    columns=COLUMNS,
    required=REQUIRED_COLUMNS,
    empty="The file is empty. Add a header row and one row for each person.",
    no_rows="The file has a header row but no people. Add one row per person.",
)
ImportPlan = ImportPreview[PersonDetails]


def read_staff_rows(content: bytes) -> list[Row]:
    """The staff rows of a CSV or XLSX file, within the import caps; raises TableRefused."""
    return read_rows(content, STAFF_TABLE)


# --- Checking the rows ---------------------------------------------------------------------


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UK_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")


def parse_date(text: str) -> date:
    """Enter the date as YYYY-MM-DD or DD/MM/YYYY, like 2024-04-01 or 01/04/2024."""
    # The usual shapes are read directly (strptime costs ~20 µs a cell); anything else,
    # such as 2024-4-1, goes to strptime as before.
    for shape, order in ((_ISO_DATE, (0, 1, 2)), (_UK_DATE, (2, 1, 0))):
        found = shape.fullmatch(text)
        if found:
            parts = found.groups()
            try:
                return date(int(parts[order[0]]), int(parts[order[1]]), int(parts[order[2]]))
            except ValueError:
                raise ValueError(parse_date.__doc__) from None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(parse_date.__doc__)


_BANDS = frozenset(AfcBand.values)
_BODIES = {value.lower(): value for value in RegistrationBody.values}
_BAND_PREFIX = re.compile(r"^band\s*")


def _band(text: str) -> str:
    band = _BAND_PREFIX.sub("", text.strip().lower())
    if band not in _BANDS:
        raise ValueError(
            f"“{text}” is not an Agenda for Change band. Use 2 to 9, 8a to 8d, or leave it empty."
        )
    return band


def _body(text: str) -> str:
    if text.strip().lower() not in _BODIES:
        raise ValueError(f"“{text}” is not a registration body. Use GPhC, NMC, HCPC or GMC.")
    return _BODIES[text.strip().lower()]


# The common shape of an address (dot-separated words, a dotted domain): every address it
# matches Django's validate_email accepts too (tests/test_importing checks), and it costs
# a tenth of it. Anything else is left to validate_email.
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}",
    re.IGNORECASE,
)
EMAIL_MAX_LENGTH = Person._meta.get_field("email").max_length or 254


def check_email(text: str) -> str:
    """The address in lower case; raises ValueError with the sentence a person sees."""
    if len(text) > EMAIL_MAX_LENGTH:
        raise ValueError(f"The e-mail address must be {EMAIL_MAX_LENGTH} characters or fewer.")
    if not _PLAIN_EMAIL.fullmatch(text):
        try:
            validate_email(text)
        except ValidationError:
            raise ValueError(f"“{text}” is not an e-mail address, like name@nhs.net.") from None
    return text.lower()


class _Lookups:
    """Everything the rows refer to, fetched once for the whole file."""

    def __init__(self, actor, rows: list[Row], default_organisation: Organisation | None):
        self.actor = actor
        self.default_organisation = default_organisation
        self.roles: dict[str, JobRole] = {}
        for role in JobRole.objects.all():
            self.roles[role.name.lower()] = role
            self.roles[role.slug.lower()] = role
        codes = {row.get("employer_ods").upper() for row in rows}
        for row in rows:
            codes |= {code.strip().upper() for code in row.get("sites").split(";")}
        codes.discard("")
        self.organisations = {
            org.ods_code: org
            for org in fetch_in_chunks(Organisation.objects.all(), "ods_code", codes)
        }
        self.top_level = TopLevel()
        # Answers are remembered: a file names the same few organisations on every row.
        self._may_manage: dict[int, bool] = {}
        self._by_code: dict[str, Organisation | str] = {}

    def may_manage_at(self, organisation: Organisation) -> bool:
        if organisation.pk not in self._may_manage:
            self._may_manage[organisation.pk] = self._may_manage_at(organisation)
        return self._may_manage[organisation.pk]

    def _may_manage_at(self, organisation: Organisation) -> bool:
        if self.default_organisation and not organisation.is_within(self.default_organisation):
            return False
        # The system (the server's operator at the command line) may import anywhere.
        return policy.allows(self.actor, policy.MANAGE_PEOPLE, organisation)

    def organisation(self, code: str, column: str) -> Organisation:
        if code not in self._by_code:
            try:
                self._by_code[code] = self._organisation(code)
            except ValueError as problem:
                self._by_code[code] = str(problem)
        found = self._by_code[code]
        if isinstance(found, str):
            raise ValueError(found)
        return found

    def _organisation(self, code: str) -> Organisation:
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


def _check_row(row: Row, lookups: _Lookups) -> tuple[PersonDetails | None, list[RowError]]:
    number = row.number
    errors: list[RowError] = []
    values: dict = {}

    def check(column: str, convert):
        try:
            values[column] = convert(row.get(column))
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
    check("email", lambda text: check_email(text) if text else "")
    check("job_role", job_role)
    check("stage", stage)
    check("registration_body", lambda text: _body(text) if text else "")
    check("afc_band", lambda text: _band(text) if text else "")
    check("employer_ods", employer)
    check("sites", sites)
    check("start_date", start_date)
    check("end_date", lambda text: parse_date(text) if text else None)
    check("fte", lambda text: parse_fte(text) if text else None)

    registration = normalise_registration_number(row.get("registration_number"))
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
        fte=values["fte"],
    )
    return details, []


def changed_fields(person: Person, details: PersonDetails, site_ids: set[int]) -> list[str]:
    """Labels of the fields the details would change on this person (now at `site_ids`)."""
    changes = []
    for name, label in FIELD_LABELS.items():
        if name == "sites":
            if site_ids != {site.pk for site in details.sites}:
                changes.append(label)
        elif name in {"job_role", "employer"}:
            if getattr(person, f"{name}_id") != getattr(details, name).pk:
                changes.append(label)
        elif name == "fte" and details.fte is None:
            continue
        elif getattr(person, name) != getattr(details, name):
            changes.append(label)
    return changes


def site_links(people_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """For each person, their sites' ids and the id of the row linking each: chunked reads."""
    links: dict[int, dict[int, int]] = {}
    rows = fetch_in_chunks(
        Person.sites.through.objects.values_list("pk", "person_id", "organisation_id"),
        "person_id",
        people_ids,
    )
    for pk, person_id, organisation_id in rows:  # type: ignore[misc]
        links.setdefault(person_id, {})[organisation_id] = pk
    return links


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


def _existing_people(actor, checked: list[tuple[int, PersonDetails]], lookups: _Lookups):
    """People the rows may refer to: by registration (in the same ICS), by e-mail (in
    scope). Set-based: a few chunked `__in` queries, whatever the number of rows, and
    each person loaded once."""
    by_registration = holders(
        ((d.registration_body, d.registration_number) for _, d in checked), lookups.top_level
    )
    loaded = {person.pk: person for person in by_registration.values()}
    emails = {d.email for _, d in checked if d.email}
    manageable = Person.objects.filter(policy.allowed_q(actor, policy.CHANGE_PERSON))
    with_email = fetch_in_chunks(manageable.values_list("pk", "email"), "email", emails)
    missing = {pk for pk, _ in with_email if pk not in loaded}  # type: ignore[misc]
    for person in fetch_in_chunks(Person.objects.select_related("employer"), "pk", missing):
        loaded[person.pk] = person
    by_email: dict[str, list[Person]] = {}
    for pk, email in sorted(with_email):  # type: ignore[misc]
        by_email.setdefault(email, []).append(loaded[pk])
    return by_registration, by_email


def plan_import(
    *, actor, rows: list[Row], default_organisation: Organisation | None = None
) -> ImportPlan:
    """Check every row and say what importing it would do; the plan lists every error."""
    plan: ImportPlan = ImportPreview()
    lookups = _Lookups(actor, rows, default_organisation)
    checked: list[tuple[int, PersonDetails]] = []
    for row in rows:
        details, errors = _check_row(row, lookups)
        plan.errors.extend(errors)
        if details is not None:
            checked.append((row.number, details))
    plan.errors.extend(_duplicates_in_file(checked))
    by_registration, by_email = _existing_people(actor, checked, lookups)
    matched: set[int] = set()
    for number, details in checked:
        person = None
        if details.registration_number:
            root = lookups.top_level.of(details.employer)
            person = by_registration.get(
                (root.pk if root else None, details.registration_body, details.registration_number)
            )
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
            plan.rows.append(PlannedRow(number, CREATE, details))
        elif person.pk in matched:
            plan.errors.append(
                RowError(
                    number,
                    "email" if not details.registration_number else "registration_number",
                    "Another row of the file is the same person. Each person can appear only once.",
                )
            )
        else:
            matched.add(person.pk)
            plan.rows.append(PlannedRow(number, UPDATE, details, person))
    _set_changes(plan)
    plan.errors.sort(key=lambda error: (error.row_number, COLUMNS.index(error.column)))
    return plan


def _set_changes(plan: ImportPlan) -> None:
    updated = [planned.existing.pk for planned in plan.rows if planned.existing is not None]
    links = site_links(updated)
    for planned in plan.rows:
        if planned.existing is not None:
            site_ids = set(links.get(planned.existing.pk, ()))
            planned.changes = changed_fields(planned.existing, planned.details, site_ids)
            if not planned.changes:
                planned.action = UNCHANGED
