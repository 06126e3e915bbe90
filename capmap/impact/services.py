"""Recording what a role does: one period at a time, or a CSV file of many (all or none)."""

import re
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

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
from capmap.people.models import JobRole, Person
from capmap.people.validators import normalise_registration_number

from . import selectors
from .activity_types import HEADLINE_TOTAL_NAME
from .models import (
    ActivityRecord,
    ActivityType,
    Better,
    ImpactAssumption,
    PeriodKind,
    Unit,
    period_start_for,
)

IMPORT_COLUMNS = ["person", "activity", "period", "count", "minutes"]
MAX_COUNT = 100_000


def may_record_for(actor, person: Person) -> bool:
    """A person records their own activity; their managers may record it for them."""
    return policy.allows(actor, policy.RECORD_ACTIVITY, person)


def _check_activity(person: Person, activity_type: ActivityType) -> None:
    if activity_type.job_role_id != person.job_role_id:
        raise DomainError(
            f"{activity_type.name} is an activity of a {activity_type.job_role.name.lower()}; "
            f"{person.full_name} is a {person.job_role.name.lower()}."
        )
    if not activity_type.active:
        raise DomainError(f"{activity_type.name} is no longer recorded. Choose another activity.")


def _check_numbers(count: int, minutes: int) -> None:
    if count < 0 or minutes < 0:
        raise DomainError("Counts and minutes cannot be negative.")
    if count > MAX_COUNT or minutes > MAX_COUNT * 60:
        raise DomainError("That number is too large for one person in one period. Check it.")


@transaction.atomic
def record_activity(
    *,
    actor,
    person: Person,
    activity_type: ActivityType,
    period_kind: str,
    period_start: date,
    count: int,
    minutes: int = 0,
) -> ActivityRecord:
    """Save the count for one person, activity and period, replacing an earlier figure."""
    if not may_record_for(actor, person):
        raise NotPermitted("You can record activity only for yourself or the staff you manage.")
    _check_activity(person, activity_type)
    _check_numbers(count, minutes)
    if period_kind not in PeriodKind.values:
        raise DomainError("Choose whether the figures are for a week or a month.")
    start = period_start_for(period_kind, period_start)
    with set_actor(actor):
        record, _ = ActivityRecord.objects.update_or_create(
            person=person,
            activity_type=activity_type,
            period_kind=period_kind,
            period_start=start,
            defaults={
                "count": count,
                "minutes": minutes,
                "organisation": person.employer,
                "recorded_by": actor,
            },
        )
    return record


IMPORT_SPEC = figures_spec(IMPORT_COLUMNS, required=["person", "activity", "period", "count"])


def _parse_period(text: str) -> tuple[str, date]:
    """Enter the period as 2026-03 for a month, or 2026-03-02 for the week starting that Monday."""
    text = text.strip()
    month = re.fullmatch(r"(\d{4})-(\d{2})", text)
    try:
        if month:
            return PeriodKind.MONTH, date(int(month[1]), int(month[2]), 1)
        day = date.fromisoformat(text)
    except ValueError:
        raise DomainError(_parse_period.__doc__) from None
    if day.weekday() != 0:
        raise DomainError(f"{text} is not a Monday: a week starts on a Monday.")
    return PeriodKind.WEEK, day


def _parse_number(text: str, what: str, required: bool) -> int:
    text = (text or "").strip()
    if not text:
        if required:
            raise DomainError(f"Enter the {what}.")
        return 0
    if not re.fullmatch(r"\d+", text):
        raise DomainError(f"The {what} must be a whole number of 0 or more, not {text!r}.")
    return int(text)


class _ActivityRows:
    """Turns a row of the activity CSV into the record it sets, from lookups made once."""

    def __init__(self, actor):
        people = list(
            selectors.people_actor_may_record_for(actor).select_related("job_role", "employer")
        )
        self.by_email = {p.email.lower(): p for p in people if p.email}
        self.by_registration = {p.registration_number: p for p in people if p.registration_number}
        self.types = list(ActivityType.objects.filter(active=True).select_related("job_role"))
        self.actor = actor

    def check(self, row: Row) -> Figure:
        key = row.get("person")
        person = self.by_email.get(key.lower()) or self.by_registration.get(
            normalise_registration_number(key)
        )
        if person is None:
            raise DomainError(
                f"No one you may record for has the e-mail address or registration number {key!r}."
                if key
                else "Enter the person's e-mail or registration number."
            )
        wanted = row.get("activity").lower()
        activity = next(
            (
                t
                for t in self.types
                if t.job_role_id == person.job_role_id and wanted in {t.slug, t.name.lower()}
            ),
            None,
        )
        if activity is None:
            raise DomainError(
                f"{person.full_name} is a {person.job_role.name.lower()}: there is no "
                f"activity {row.get('activity')!r} for that role."
            )
        kind, start = _parse_period(row.get("period"))
        count = _parse_number(row.get("count"), "count", required=True)
        minutes = _parse_number(row.get("minutes"), "minutes", required=False)
        _check_numbers(count, minutes)
        return Figure(
            identity={
                "person": person,
                "activity_type": activity,
                "period_kind": kind,
                "period_start": start,
            },
            values={
                "count": count,
                "minutes": minutes,
                "organisation": person.employer,
                "recorded_by": self.actor,
            },
        )


def _existing_records(figures: list[Figure]) -> dict[tuple, ActivityRecord]:
    records = ActivityRecord.objects.filter(
        person__in={f.identity["person"].pk for f in figures},
        period_start__in={f.identity["period_start"] for f in figures},
    ).select_related("organisation", "recorded_by")
    return {(r.person_id, r.activity_type_id, r.period_kind, r.period_start): r for r in records}


def preview_activity_csv(*, actor, content: bytes) -> ImportPreview[Figure]:
    """What importing the file would add and change, and every mistake with its row."""
    return preview_figures(
        content=content,
        spec=IMPORT_SPEC,
        check=_ActivityRows(actor).check,
        repeated=lambda _figure, first: (
            f"Row {first} already gives this person, activity and period."
        ),
        existing=_existing_records,
    )


def import_activity_csv(*, actor, content: bytes) -> ImportResult:
    """Import every row, or none: each mistake is reported with its row number."""
    preview = preview_activity_csv(actor=actor, content=content)
    return apply_figures(actor=actor, model=ActivityRecord, preview=preview)


@transaction.atomic
def set_minutes_per_gp_appointment(
    *, actor, organisation: Organisation, minutes: int
) -> ImpactAssumption:
    """Admins set the assumption for their organisation and everything inside it."""
    if not policy.allows(actor, policy.MANAGE_ORGANISATIONS, organisation):
        raise NotPermitted("Only an admin of this organisation can change its assumptions.")
    if not 1 <= minutes <= 120:
        raise DomainError("Enter the length of a GP appointment in minutes, from 1 to 120.")
    with set_actor(actor):
        assumption, _ = ImpactAssumption.objects.update_or_create(
            organisation=organisation, defaults={"minutes_per_gp_appointment": minutes}
        )
    return assumption


ACTIVITY_TYPE_FIELDS = (
    "name",
    "job_role",
    "unit",
    "better",
    "gp_appointments_per_unit",
    "is_estimate",
    "description",
    "active",
)
MAX_GP_APPOINTMENTS_PER_UNIT = Decimal("9999.99")


def _check_may_configure(actor) -> None:
    if not selectors.may_configure_activity_types(actor):
        raise NotPermitted("Only an organisation admin can set up activity types.")


def _check_not_the_headline_total(name: str) -> None:
    """Name the activity by what staff do, for example "Consultations instead of a GP
    appointment": "GP appointments released" is the total the dashboard works out from
    every activity, so an activity with that name would be read twice."""
    if name.casefold() == HEADLINE_TOTAL_NAME.casefold():
        raise DomainError(" ".join((_check_not_the_headline_total.__doc__ or "").split()))


def _check_activity_type(activity_type: ActivityType) -> None:
    activity_type.name = " ".join((activity_type.name or "").split())
    if not activity_type.name:
        raise DomainError("Enter the name of the activity.")
    _check_not_the_headline_total(activity_type.name)
    if activity_type.unit not in Unit.values:
        raise DomainError("Choose whether the activity is counted or measured in minutes.")
    if activity_type.better not in Better.values:
        raise DomainError("Choose whether higher or lower figures are better.")
    appointments = activity_type.gp_appointments_per_unit
    if appointments is None or appointments < 0:
        raise DomainError("GP appointments released per unit must be 0 or more.")
    if appointments > MAX_GP_APPOINTMENTS_PER_UNIT:
        raise DomainError("GP appointments released per unit must be 9999.99 or less.")
    same_role = ActivityType.objects.filter(job_role=activity_type.job_role).exclude(
        pk=activity_type.pk
    )
    if same_role.filter(name__iexact=activity_type.name).exists() or (
        same_role.filter(slug=activity_type.slug).exists()
    ):
        raise DomainError(
            f"There is already an activity called {activity_type.name} for a "
            f"{activity_type.job_role.name.lower()}. Choose another name."
        )


@transaction.atomic
def create_activity_type(
    *,
    actor,
    name: str,
    job_role: JobRole,
    unit: str = Unit.COUNT,
    better: str = Better.HIGHER,
    gp_appointments_per_unit: Decimal = Decimal("0"),
    is_estimate: bool = False,
    description: str = "",
    active: bool = True,
) -> ActivityType:
    """An organisation admin adds an activity to count for a job role, for everyone."""
    _check_may_configure(actor)
    activity_type = ActivityType(
        name=name,
        job_role=job_role,
        unit=unit,
        better=better,
        gp_appointments_per_unit=gp_appointments_per_unit,
        is_estimate=is_estimate,
        description=description or "",
        active=active,
    )
    activity_type.slug = slugify(" ".join((name or "").split()))[:150]
    if name and name.strip() and not activity_type.slug:
        raise DomainError("Give the activity a name with some letters or numbers in it.")
    _check_activity_type(activity_type)
    with set_actor(actor):
        activity_type.save()
    return activity_type


@transaction.atomic
def update_activity_type(*, actor, activity_type: ActivityType, **changes) -> ActivityType:
    """Change an activity type. Retire it with active=False: records still refer to it.

    The slug (used by CSV imports) stays as it was, so files that worked keep working.
    """
    _check_may_configure(actor)
    unknown = set(changes) - set(ACTIVITY_TYPE_FIELDS)
    if unknown:
        raise DomainError("Unknown fields: " + ", ".join(sorted(unknown)) + ".")
    activity_type = ActivityType.objects.select_for_update().get(pk=activity_type.pk)
    role_changes = "job_role" in changes and changes["job_role"].pk != activity_type.job_role_id
    if role_changes and activity_type.records.exists():
        raise DomainError(
            f"{activity_type.name} already has activity recorded against it, so its job role "
            "cannot change. Retire it and add a new activity for the other role."
        )
    for name, value in changes.items():
        setattr(activity_type, name, value)
    activity_type.description = activity_type.description or ""
    _check_activity_type(activity_type)
    with set_actor(actor):
        activity_type.save()
    return activity_type
