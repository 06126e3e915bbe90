import datetime

import factory

from capmap.impact.models import ActivityRecord, ActivityType, PeriodKind
from capmap.people.tests.factories import PersonFactory


def activity(slug: str, role: str = "clinical-pharmacist") -> ActivityType:
    """One of the seeded starter activity types."""
    return ActivityType.objects.get(slug=slug, job_role__slug=role)


class ActivityRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityRecord

    person = factory.SubFactory(PersonFactory)
    activity_type = factory.LazyFunction(lambda: activity("structured-medication-reviews"))
    organisation = factory.LazyAttribute(lambda record: record.person.employer)
    period_kind = PeriodKind.MONTH
    period_start = datetime.date(2026, 1, 1)
    count = 10
    minutes = 0
