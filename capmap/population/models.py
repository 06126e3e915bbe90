"""Population need: QOF register counts per practice and year, and the registers each
care pathway serves."""

from django.conf import settings
from django.db import models

from capmap.core.models import TimeStampedModel
from capmap.frameworks.models import CarePathway
from capmap.organisations.models import Organisation


class RegisterCount(models.Model):
    """Patients on one QOF register at one practice in one QOF year (no patient data:
    a count), with the register's own age-scoped list size."""

    practice = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="register_counts"
    )
    year = models.CharField(max_length=7, help_text="The QOF year, for example 2024-25.")
    register = models.CharField(max_length=10)
    patients = models.PositiveIntegerField()
    list_type = models.CharField(max_length=10)
    list_size = models.PositiveIntegerField()

    class Meta:
        ordering = ["year", "practice", "register"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "year", "register"], name="one_count_per_register_and_year"
            )
        ]
        indexes = [models.Index(fields=["year", "register"], name="register_count_year_idx")]

    def __str__(self) -> str:
        return f"{self.practice} {self.register} {self.year}: {self.patients}"


class PopulationImport(TimeStampedModel):
    """One import of a QOF prevalence file: the audited record of the bulk write."""

    year = models.CharField(max_length=7)
    scope = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the import covered every organisation (the command line).",
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows = models.PositiveIntegerField(default=0)
    practices = models.PositiveIntegerField(default=0)
    replaced = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0)
    skipped_practices = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"QOF {self.year}: {self.rows} rows for {self.practices} practices"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.scope.path if self.scope_id else ""}


class PathwayRegister(models.Model):
    """A QOF register whose patients a care pathway serves (diabetes: DM and NDH)."""

    pathway = models.ForeignKey(CarePathway, on_delete=models.CASCADE, related_name="registers")
    register = models.CharField(max_length=10)

    class Meta:
        ordering = ["pathway", "register"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "register"], name="one_link_per_register")
        ]

    def __str__(self) -> str:
        return f"{self.pathway} serves {self.register}"

    def get_additional_data(self) -> dict:
        return self.pathway.get_additional_data()
