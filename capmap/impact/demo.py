"""Activity figures for the demo: twelve months of counts for each role with activity types.

Deterministic (no randomness), so every demo shows the same dashboard. Idempotent: it
does nothing once the demo staff have records.
"""

from datetime import date

from django.db import transaction

from capmap.organisations.models import Organisation, OrganisationKind
from capmap.people.models import Person

from .models import ActivityRecord, ActivityType, PeriodKind, Unit

MONTHS = 12


def _months_back(today: date, count: int) -> list[date]:
    first = today.replace(day=1)
    months = []
    for back in range(count, 0, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(date(year, month + 1, 1))
    return months


def _count_for(person_pk: int, type_pk: int, month_index: int) -> int:
    """A plausible, steadily growing monthly count that differs by person and activity."""
    base = 4 + (person_pk * 7 + type_pk * 3) % 11
    return base + month_index // 2 + (person_pk + month_index) % 3


@transaction.atomic
def load_demo_activity(*, ics_name: str, today: date | None = None) -> bool:
    ics = Organisation.objects.filter(name=ics_name, kind=OrganisationKind.ICS).first()
    if ics is None:
        return False
    people = list(Person.objects.filter(employer__path__startswith=ics.path, end_date__isnull=True))
    if ActivityRecord.objects.filter(person__in=people).exists():
        return False
    types_by_role: dict[int, list[ActivityType]] = {}
    for activity_type in ActivityType.objects.filter(active=True):
        types_by_role.setdefault(activity_type.job_role_id, []).append(activity_type)
    months = _months_back(today or date.today(), MONTHS)
    records = [
        ActivityRecord(
            person=person,
            activity_type=activity_type,
            organisation_id=person.employer_id,
            period_kind=PeriodKind.MONTH,
            period_start=month,
            count=_count_for(person.pk, activity_type.pk, index),
            minutes=(
                _count_for(person.pk, activity_type.pk, index) * 20
                if activity_type.unit == Unit.MINUTES
                else 0
            ),
        )
        for person in people
        for activity_type in types_by_role.get(person.job_role_id, [])
        for index, month in enumerate(months)
        if month >= person.start_date.replace(day=1)
    ]
    ActivityRecord.objects.bulk_create(records, batch_size=500)
    return bool(records)
