"""What a role does, counted: activity types per job role, counts per person and period.

Never patient details: a record is a number of things done (and minutes spent) by one
member of staff in one week or month.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from capmap.core.models import TimeStampedModel
from capmap.organisations.models import Organisation
from capmap.people.models import JobRole, Person

DEFAULT_MINUTES_PER_GP_APPOINTMENT = 10


class Unit(models.TextChoices):
    COUNT = "count", "Count"
    MINUTES = "minutes", "Minutes"


class Better(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class PeriodKind(models.TextChoices):
    WEEK = "week", "Week"
    MONTH = "month", "Month"


class ActivityType(TimeStampedModel):
    """Something a role does that is worth counting, set up by admins for each job role."""

    job_role = models.ForeignKey(JobRole, on_delete=models.PROTECT, related_name="activity_types")
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.COUNT)
    description = models.TextField(blank=True, default="")
    better = models.CharField(
        "which direction is better", max_length=10, choices=Better.choices, default=Better.HIGHER
    )
    gp_appointments_per_unit = models.DecimalField(
        "GP appointments released per unit",
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="How many GP appointments one of these saves, for example 1 for a referral "
        "the GP no longer needs to see. 0 when it releases none.",
    )
    is_estimate = models.BooleanField(
        default=False, help_text="The figure is an estimate, not a count of what happened."
    )
    active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["job_role__name", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["job_role", "slug"], name="unique_activity_per_role")
        ]

    def __str__(self) -> str:
        return self.name


def period_start_for(kind: str, day: date) -> date:
    """The Monday of the week, or the first day of the month, that contains `day`."""
    if kind == PeriodKind.WEEK:
        return date.fromordinal(day.toordinal() - day.weekday())
    return day.replace(day=1)


class ActivityRecord(TimeStampedModel):
    """How many of one activity one person did in one week or month."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="activity_records")
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="records"
    )
    # The employer when recorded: the figures stay with the practice where the work was done.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="activity_records"
    )
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField()
    count = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_start", "person__last_name", "activity_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "activity_type", "period_kind", "period_start"],
                name="one_record_per_person_activity_period",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "period_start"])]

    def __str__(self) -> str:
        return f"{self.person}: {self.count} {self.activity_type} from {self.period_start}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.organisation.path}

    def clean(self) -> None:
        if (
            self.period_kind
            and self.period_start
            and period_start_for(self.period_kind, self.period_start) != self.period_start
        ):
            which = "a Monday" if self.period_kind == PeriodKind.WEEK else "the 1st of a month"
            raise ValidationError({"period_start": f"A {self.period_kind} starts on {which}."})


class ImpactAssumption(TimeStampedModel):
    """Figures an admin sets for an organisation and everything inside it."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="impact_assumption"
    )
    minutes_per_gp_appointment = models.PositiveIntegerField(
        default=DEFAULT_MINUTES_PER_GP_APPOINTMENT,
        validators=[MinValueValidator(1)],
        help_text="The length of a GP appointment, in minutes.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_per_gp_appointment__gte=1), name="gp_appointment_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.minutes_per_gp_appointment} minutes a GP appointment"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.organisation.path}
