"""Outcome measures: define them, enter a practice's monthly figure, import a CSV (all rows or
none). Figures are counts or rates for a practice, never about a patient."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from capmap.core.actors import set_actor
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.core.importing import (
    Figure,
    ImportPreview,
    ImportResult,
    apply_figures,
    figures_spec,
    preview_figures,
)
from capmap.core.tabular import Row
from capmap.organisations.models import Organisation
from capmap.people import policy

from ..models import Direction, Measure, MeasureValue, Phase, Scheme
from ..selectors.outcomes import outcome_practices

CSV_COLUMNS = ("practice", "month", "value", "phase")
PHASES = {"baseline": Phase.BASELINE, "follow-up": Phase.FOLLOW_UP, "follow_up": Phase.FOLLOW_UP}
MAX_VALUE = Decimal("9999999999.99")


def _require_lead(actor, scheme: Scheme) -> None:
    if not policy.allows(actor, policy.LEAD_SCHEME, scheme):
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


IMPORT_SPEC = figures_spec(CSV_COLUMNS, required=CSV_COLUMNS)


def _practice_rows(measure: Measure):
    """Turns a row of the outcome CSV into the value it sets, from one lookup of practices."""
    practices = {
        p.ods_code.upper(): p for p in outcome_practices(measure.scheme).exclude(ods_code="")
    }

    def check(row: Row) -> Figure:
        code = row.get("practice")
        practice = practices.get(code.upper())
        if practice is None:
            raise DomainError(
                f"No practice in the scheme's organisation has the ODS code {code!r}."
                if code
                else "Enter the practice's ODS code."
            )
        month = parse_month(row.get("month"))
        value = parse_value(row.get("value"))
        phase = parse_phase(row.get("phase"))
        return Figure(
            identity={"measure": measure, "practice": practice, "month": month},
            values={"phase": phase, "value": value},
        )

    return check


def preview_values_csv(*, actor, measure: Measure, content: bytes) -> ImportPreview[Figure]:
    """What importing the file would add and change, and every mistake with its row."""
    _require_lead(actor, measure.scheme)
    return preview_figures(
        content=content,
        spec=IMPORT_SPEC,
        check=_practice_rows(measure),
        repeated=lambda figure, first: (
            f"Row {first} already gives {figure.identity['practice'].ods_code} "
            f"for {figure.identity['month']:%Y-%m}."
        ),
        existing=lambda _figures: {
            (measure.pk, v.practice_id, v.month): v for v in measure.values.all()
        },
    )


def import_values_csv(*, actor, measure: Measure, content: bytes) -> ImportResult:
    """Import every row, or none: each mistake is reported with its row number (row 1 holds the
    headings: practice (ODS code), month (YYYY-MM), value, phase (baseline or follow-up))."""
    preview = preview_values_csv(actor=actor, measure=measure, content=content)
    return apply_figures(actor=actor, model=MeasureValue, preview=preview)
