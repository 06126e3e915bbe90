"""Outcome measures: define them, enter a practice's monthly figure, import a CSV (all rows or
none). Figures are counts or rates for a practice, never about a patient."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from capmap.core.actors import set_actor
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.organisations.models import Organisation

from .. import access
from ..models import Direction, Measure, MeasureValue, Phase, Scheme
from ..selectors.outcomes import outcome_practices

CSV_COLUMNS = ("practice", "month", "value", "phase")
PHASES = {"baseline": Phase.BASELINE, "follow-up": Phase.FOLLOW_UP, "follow_up": Phase.FOLLOW_UP}
MAX_VALUE = Decimal("9999999999.99")


def _require_lead(actor, scheme: Scheme) -> None:
    if not access.is_programme_lead(actor, scheme):
        raise NotPermitted("Only a programme lead of this scheme's organisation can do this.")


@transaction.atomic
def define_measure(*, actor, scheme: Scheme, name: str, better: str, unit: str = "") -> Measure:
    """A measure the scheme hopes to move, and which direction counts as better."""
    _require_lead(actor, scheme)
    name = name.strip()
    if not name:
        raise DomainError("Enter the name of the measure.")
    if better not in Direction.values:
        raise DomainError("Choose whether lower or higher is better.")
    if scheme.measures.filter(name__iexact=name).exists():
        raise DomainError(f"The scheme already has a measure called {name!r}.")
    with set_actor(actor):
        return Measure.objects.create(scheme=scheme, name=name, unit=unit.strip(), better=better)


def parse_month(text: str) -> date:
    """Enter the month as YYYY-MM, for example 2026-03."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    try:
        if not match:
            raise ValueError
        return date(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise DomainError(parse_month.__doc__) from None


def parse_value(text) -> Decimal:
    """Enter the value as a number of 0 or more, with at most two decimal places."""
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise DomainError(parse_value.__doc__) from None
    if (
        not value.is_finite()
        or value < 0
        or value > MAX_VALUE
        or value != value.quantize(Decimal("0.01"))
    ):
        raise DomainError(parse_value.__doc__)
    return value


def parse_phase(text: str) -> str:
    """Enter the phase as baseline or follow-up."""
    phase = PHASES.get((text or "").strip().lower())
    if phase is None:
        raise DomainError(parse_phase.__doc__)
    return phase


def _check_practice(measure: Measure, practice: Organisation) -> None:
    if not outcome_practices(measure.scheme).filter(pk=practice.pk).exists():
        raise DomainError("Choose a practice inside the scheme's organisation.")


@transaction.atomic
def record_value(
    *,
    actor,
    measure: Measure,
    practice: Organisation,
    month: date,
    phase: str,
    value: Decimal,
) -> MeasureValue:
    """Enter (or correct) a practice's figure for a month."""
    _require_lead(actor, measure.scheme)
    _check_practice(measure, practice)
    phase = parse_phase(phase.replace("_", "-"))
    value = parse_value(value)
    with set_actor(actor):
        row, _ = MeasureValue.objects.update_or_create(
            measure=measure,
            practice=practice,
            month=month.replace(day=1),
            defaults={"phase": phase, "value": value},
        )
    return row


@dataclass
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}"


class ImportRejected(DomainError):
    """The file had mistakes; nothing was saved."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        noun = "row needs" if len(errors) == 1 else "rows need"
        super().__init__(f"Nothing was imported: {len(errors)} {noun} correcting.")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


def _read_rows(content: bytes) -> list[dict]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("Save the file as CSV (UTF-8) and try again.") from None
    reader = csv.DictReader(io.StringIO(text))
    headers = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in headers]
    if missing:
        raise DomainError(
            "The first row must name the columns: " + ", ".join(CSV_COLUMNS) + ". "
            "Missing: " + ", ".join(missing) + "."
        )
    return [{(k or "").strip().lower(): (v or "") for k, v in row.items()} for row in reader]


def import_values_csv(*, actor, measure: Measure, content: bytes) -> ImportResult:
    """Import every row, or none: each mistake is reported with its row number (row 1 holds the
    headings: practice (ODS code), month (YYYY-MM), value, phase (baseline or follow-up))."""
    _require_lead(actor, measure.scheme)
    rows = _read_rows(content)
    if not rows:
        raise DomainError("The file has no rows under its headings.")
    practices = {
        p.ods_code.upper(): p for p in outcome_practices(measure.scheme).exclude(ods_code="")
    }
    errors: list[RowError] = []
    parsed: list[tuple[Organisation, date, str, Decimal]] = []
    seen: dict[tuple[int, date], int] = {}
    for number, row in enumerate(rows, start=2):
        try:
            code = row.get("practice", "").strip()
            practice = practices.get(code.upper())
            if practice is None:
                raise DomainError(
                    f"No practice in the scheme's organisation has the ODS code {code!r}."
                    if code
                    else "Enter the practice's ODS code."
                )
            month = parse_month(row.get("month", ""))
            value = parse_value(row.get("value", ""))
            phase = parse_phase(row.get("phase", ""))
            if (practice.pk, month) in seen:
                raise DomainError(
                    f"Row {seen[practice.pk, month]} already gives {code} for {month:%Y-%m}."
                )
            seen[practice.pk, month] = number
            parsed.append((practice, month, phase, value))
        except DomainError as error:
            errors.append(RowError(number, str(error)))
    if errors:
        raise ImportRejected(errors)
    return _save_rows(actor=actor, measure=measure, rows=parsed)


@transaction.atomic
def _save_rows(*, actor, measure: Measure, rows: list) -> ImportResult:
    result = ImportResult()
    with set_actor(actor):
        for practice, month, phase, value in rows:
            _, created = MeasureValue.objects.update_or_create(
                measure=measure,
                practice=practice,
                month=month,
                defaults={"phase": phase, "value": value},
            )
            if created:
                result.created += 1
            else:
                result.updated += 1
    return result
