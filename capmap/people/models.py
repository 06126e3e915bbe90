"""Staff records, job roles, professional registration and supervision relationships."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from capmap.core.models import TimeStampedModel
from capmap.organisations.models import Organisation

from .validators import normalise_registration_number, validate_fte, validate_registration


class StaffGroup(models.TextChoices):
    CLINICAL = "clinical", "Clinical"
    NON_CLINICAL = "non_clinical", "Non-clinical"
    ADMINISTRATIVE = "administrative", "Administrative"


class RegistrationBody(models.TextChoices):
    NONE = "", "None"
    GPHC = "GPhC", "General Pharmaceutical Council (GPhC)"
    NMC = "NMC", "Nursing and Midwifery Council (NMC)"
    HCPC = "HCPC", "Health and Care Professions Council (HCPC)"
    GMC = "GMC", "General Medical Council (GMC)"


class AfcBand(models.TextChoices):
    NONE = "", "Not on Agenda for Change"
    B2 = "2", "Band 2"
    B3 = "3", "Band 3"
    B4 = "4", "Band 4"
    B5 = "5", "Band 5"
    B6 = "6", "Band 6"
    B7 = "7", "Band 7"
    B8A = "8a", "Band 8a"
    B8B = "8b", "Band 8b"
    B8C = "8c", "Band 8c"
    B8D = "8d", "Band 8d"
    B9 = "9", "Band 9"


class JobRole(TimeStampedModel):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    staff_group = models.CharField(max_length=20, choices=StaffGroup.choices)
    arrs = models.BooleanField(
        "ARRS role", default=False, help_text="Funded by the Additional Roles Reimbursement Scheme."
    )
    registration_body = models.CharField(
        max_length=10, choices=RegistrationBody.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(TimeStampedModel):
    """A member of staff. Never a patient: Capmap holds no patient data."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField("e-mail address", blank=True, default="")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    job_role = models.ForeignKey(JobRole, on_delete=models.PROTECT, related_name="people")
    stage = models.CharField(
        max_length=40, blank=True, default="", help_text="For example junior or senior."
    )
    registration_body = models.CharField(
        max_length=10, choices=RegistrationBody.choices, blank=True, default=""
    )
    registration_number = models.CharField(max_length=20, blank=True, default="")
    afc_band = models.CharField(
        "Agenda for Change band", max_length=3, choices=AfcBand.choices, blank=True, default=""
    )
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff")
    sites = models.ManyToManyField(Organisation, blank=True, related_name="site_staff")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    fte = models.DecimalField(
        "whole-time equivalent",
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        # In the database too: code written before this column (older migrations' models, a
        # second server mid-upgrade) still inserts staff records.
        db_default=Decimal("1.00"),
        validators=[validate_fte],
        help_text="1.00 is full time (37.5 hours a week); 0.50 is half time.",
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="person_ends_after_start",
            ),
        ]
        # Registration numbers are unique within an ICS, not across them (ADR 0007), which
        # no constraint can say without copying the ICS onto every row; the services and
        # the importer check it (capmap/people/registration.py).
        indexes = [
            models.Index(fields=["email"]),
            models.Index(fields=["registration_number"], name="person_registration_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_additional_data(self) -> dict:
        """Stored with each audit entry, so admins see only their own subtree's history."""
        return {"organisation_path": self.employer.path}

    def in_post_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    def clean(self) -> None:
        self.registration_number = normalise_registration_number(self.registration_number)
        self.email = (self.email or "").strip().lower()
        validate_registration(self.registration_body, self.registration_number)
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})


class SupervisionKind(models.TextChoices):
    SUPERVISOR = "supervisor", "Supervisor"
    MENTOR = "mentor", "Mentor"


class Supervision(TimeStampedModel):
    """A supervisor or mentor's access to one person, for the dates of the relationship.

    The supervisor may work for another organisation (a hospital pharmacist mentoring
    a PCN pharmacist): this gives access to that person's records and nothing else.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="supervisions")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervisees"
    )
    kind = models.CharField(
        max_length=20, choices=SupervisionKind.choices, default=SupervisionKind.SUPERVISOR
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="supervision_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} {self.get_kind_display().lower()} of {self.person}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.person.employer.path}
