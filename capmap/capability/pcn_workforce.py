"""NHS England's "Primary Care Network Workforce" individual-level file, read and mapped onto
Capmap's starter job roles.

The file (``1.Primary Care Networks - <month> Individual Level.csv``, published in a ZIP) has
one row per staff record: PCN_CODE, PCN_NAME, ICB_CODE, ICB_NAME, STAFF_GROUP, STAFF_ROLE,
DETAILED_STAFF_ROLE, FTE, ... `ROLE_MAP` is the written mapping of its roles onto Capmap's
job roles (slug and stage); a role it does not name is reported, never guessed. Plain
Python: no Django import.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from capmap.core.filetypes import ZIP_ERRORS

ALL_ICBS = {"ENGLAND", "ALL"}
COLUMNS = ("PCN_CODE", "PCN_NAME", "ICB_CODE", "ICB_NAME", "STAFF_ROLE", "FTE")
MAX_FTE = Decimal("2.00")  # Person.fte's bounds
MIN_FTE = Decimal("0.01")

# STAFF_ROLE -> (Capmap job role slug, stage). Roles that fit no starter job role are left
# out on purpose (and reported): directors who are not GPs or nurses, apprentices, trainee
# nurses, social workers, peer support workers, dispensers, estates, "other" direct care.
ROLE_MAP: dict[str, tuple[str, str]] = {
    # GPs
    "Medical Clinical Director (GP)": ("general-practitioner", ""),
    "Salaried GPs": ("general-practitioner", ""),
    "GP Locums": ("general-practitioner", ""),
    # Nurses
    "Clinical Director (Nurse)": ("advanced-nurse-practitioner", ""),
    "Advanced Nurse Practitioners": ("advanced-nurse-practitioner", ""),
    "Enhanced Practice Nurses": ("practice-nurse", ""),
    "Nurse Specialists": ("practice-nurse", ""),
    "Nurse Dispensers": ("practice-nurse", ""),
    "Other Nurses": ("practice-nurse", ""),
    "Community Mental Health Nurses": ("mental-health-practitioner", ""),
    "Community Mental Health Nurses (Mental Health Practitioners)": (
        "mental-health-practitioner",
        "",
    ),
    # Direct patient care (the ARRS roles)
    "Pharmacists": ("clinical-pharmacist", "junior"),
    "Advanced Pharmacist Practitioners": ("clinical-pharmacist", "senior"),
    "Pharmacy Technicians": ("pharmacy-technician", ""),
    "Trainee Pharmacy Technicians": ("pharmacy-technician", ""),
    "Physiotherapists": ("first-contact-physiotherapist", ""),
    "Advanced Physiotherapist Practitioners": ("first-contact-physiotherapist", ""),
    "Paramedics": ("paramedic", ""),
    "Advanced Paramedic Practitioners": ("advanced-clinical-practitioner", ""),
    "Clinical Director (DPC)": ("advanced-clinical-practitioner", ""),
    "Physician Associates": ("physician-associate", ""),
    "Social Prescribing Link Workers": ("social-prescribing-link-worker", ""),
    "Social Prescribing Link Workers (Mental Health Practitioners)": (
        "social-prescribing-link-worker",
        "",
    ),
    "Care Coordinators": ("care-co-ordinator", ""),
    "Health and Wellbeing Coaches": ("health-and-wellbeing-coach", ""),
    "Nursing Associates": ("nursing-associate", ""),
    "Trainee Nursing Associates": ("trainee-nursing-associate", ""),
    "Dieticians": ("dietitian", ""),
    "Advanced Dietician Practitioners": ("dietitian", ""),
    "Podiatrists": ("podiatrist", ""),
    "Advanced Podiatrist Practitioners": ("podiatrist", ""),
    "Advanced Occupational Therapist Practitioners": ("occupational-therapist", ""),
    "General Practice Assistants": ("gp-assistant", ""),
    "Healthcare Assistants": ("healthcare-assistant", ""),
    "Healthcare Support Workers": ("healthcare-assistant", ""),
    "Phlebotomists": ("healthcare-assistant", ""),
    "Mental Health and Wellbeing Practitioners": ("mental-health-practitioner", ""),
    "Mental Health and Wellbeing Practitioners (Mental Health Practitioners)": (
        "mental-health-practitioner",
        "",
    ),
    "Trainee Mental Health and Wellbeing Practitioners": ("mental-health-practitioner", ""),
    "Trainee Mental Health and Wellbeing Practitioners (Mental Health Practitioners)": (
        "mental-health-practitioner",
        "",
    ),
    "Applied Psychologists \u2013 Clinical": ("mental-health-practitioner", ""),
    "Applied Psychologists \u2013 Clinical (Mental Health Practitioners)": (
        "mental-health-practitioner",
        "",
    ),
    "Clinical Associates in Psychology": ("mental-health-practitioner", ""),
    "Clinical Associates in Psychology (Mental Health Practitioners)": (
        "mental-health-practitioner",
        "",
    ),
    "NHS Talking Therapies Therapists": ("mental-health-practitioner", ""),
    "Trainee NHS Talking Therapies Therapists": ("mental-health-practitioner", ""),
    "Therapists (Mental Health Practitioners)": ("mental-health-practitioner", ""),
    # Admin and non-clinical
    "Digital and Transformation Leads": ("digital-and-transformation-lead", ""),
    "Managers": ("practice-manager", ""),
    "Medical Secretaries": ("medical-secretary", ""),
    "Receptionists": ("receptionist", ""),
    "Telephonists": ("receptionist", ""),
    "Other Admin/Non-clinical": ("practice-administrator", ""),
}
# "Therapists" holds occupational therapists, counsellors and others: map by detailed role.
DETAILED_ROLE_MAP: dict[str, tuple[str, str]] = {
    "Therapist- Occupational Therapist": ("occupational-therapist", ""),
}


class WorkforceFileRefused(ValueError):
    """The file is not the PCN workforce individual-level CSV (or its ZIP)."""


@dataclass(frozen=True)
class StaffRecord:
    pcn_code: str
    pcn_name: str
    icb_code: str
    role: str  # STAFF_ROLE as published
    detailed_role: str
    fte: Decimal  # as published, unclamped


@dataclass
class MappedWorkforce:
    """The staff records of the chosen ICBs, each with its Capmap job role and stage."""

    mapped: list[tuple[StaffRecord, str, str]] = field(default_factory=list)
    unmapped: Counter = field(default_factory=Counter)  # STAFF_ROLE -> records left out
    icb_codes: set[str] = field(default_factory=set)

    def counts(self) -> Counter:
        """(PCN code, job role slug) -> staff records."""
        return Counter((record.pcn_code, slug) for record, slug, _ in self.mapped)

    def fte(self) -> dict[tuple[str, str], Decimal]:
        """(PCN code, job role slug) -> FTE as published."""
        totals: dict[tuple[str, str], Decimal] = {}
        for record, slug, _ in self.mapped:
            key = (record.pcn_code, slug)
            totals[key] = totals.get(key, Decimal(0)) + record.fte
        return totals


def role_for(record: StaffRecord) -> tuple[str, str] | None:
    return DETAILED_ROLE_MAP.get(record.detailed_role) or ROLE_MAP.get(record.role)


def person_fte(fte: Decimal) -> Decimal:
    """A record's FTE as a Capmap person holds it: two decimals, within 0.01 and 2.00."""
    return min(MAX_FTE, max(MIN_FTE, fte.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)))


def _csv_text(name: str, content: bytes) -> str:
    if name.lower().endswith(".zip") or content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                inside = [
                    n for n in archive.namelist() if n.lower().endswith("individual level.csv")
                ]
                if not inside:
                    raise WorkforceFileRefused(
                        f"{name} holds no '... Individual Level.csv' file: "
                        "is it the PCN workforce ZIP?"
                    )
                content = archive.read(inside[0])
        except ZIP_ERRORS:
            raise WorkforceFileRefused(f"{name} is not a readable ZIP file.") from None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252")


def read_pcn_workforce(name: str, content: bytes, icb: str) -> MappedWorkforce:
    """The staff records of one ICB (by code), or of all of England (`ENGLAND` or `ALL`)."""
    wanted = icb.strip().upper()
    reader = csv.DictReader(io.StringIO(_csv_text(name, content)))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise WorkforceFileRefused(
            f"{name} has no column {', '.join(missing)}: is it the PCN workforce "
            "individual-level CSV?"
        )
    result = MappedWorkforce()
    for line, row in enumerate(reader, start=2):
        code = row["ICB_CODE"].strip().upper()
        if wanted not in ALL_ICBS and code != wanted:
            continue
        try:
            fte = Decimal(row["FTE"].strip())
        except InvalidOperation:
            raise WorkforceFileRefused(
                f"{name}, line {line}: FTE {row['FTE']!r} is not a number."
            ) from None
        record = StaffRecord(
            pcn_code=row["PCN_CODE"].strip().upper(),
            pcn_name=row["PCN_NAME"].strip(),
            icb_code=code,
            role=row["STAFF_ROLE"].strip(),
            detailed_role=(row.get("DETAILED_STAFF_ROLE") or "").strip(),
            fte=fte,
        )
        result.icb_codes.add(code)
        role = role_for(record)
        if role is None:
            result.unmapped[record.role] += 1
        else:
            result.mapped.append((record, *role))
    return result
