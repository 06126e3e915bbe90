"""Competency frameworks: versions, proficiency scales, domains, competencies, role
profiles and MDT care pathways.

A published framework version never changes again: the models refuse it on save
(and the services check first, to give a friendly message).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from capmap.core.exceptions import DomainError
from capmap.core.models import TimeStampedModel
from capmap.organisations.models import Organisation
from capmap.people.models import JobRole


class PublishedVersionIsFrozen(DomainError):
    """This version is published and can no longer change: start a new draft from it."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.__doc__)


class Framework(TimeStampedModel):
    """A competency framework; without an owner it belongs to the shared library."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True, default="")
    owner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="frameworks",
        help_text="Leave empty for the shared library every organisation can use.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_library(self) -> bool:
        return self.owner_id is None

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.owner.path if self.owner_id else ""}


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class VersionSource(models.TextChoices):
    AUTHORED = "authored", "Written in Capmap"
    CASE = "case", "Imported CASE package"
    CSV = "csv", "Imported CSV file"
    LIBRARY = "library", "Capmap starter library"


# Fields of a version that freeze when it is published.
VERSION_CONTENT_FIELDS = (
    "framework_id",
    "number",
    "source",
    "case_identifier",
    "case_document",
    "case_definitions",
    "case_associations",
    "case_rubrics",
    "case_package_extra",
)


class FrameworkVersion(TimeStampedModel):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    source = models.CharField(
        max_length=20, choices=VersionSource.choices, default=VersionSource.AUTHORED
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    # CASE 1.0 round-trip: the CFDocument as received (identifier, uri, creator, title,
    # version, lastChangeDateTime, language...), the CFDefinitions, the associations that
    # are not the isChildOf tree (each with its position in the package), CFRubrics and
    # any other top-level keys of the package.
    case_identifier = models.CharField(max_length=200, blank=True, default="")
    case_document = models.JSONField(default=dict, blank=True)
    case_definitions = models.JSONField(null=True, blank=True)
    case_associations = models.JSONField(default=list, blank=True)
    case_rubrics = models.JSONField(null=True, blank=True)
    case_package_extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["framework", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="one_version_number"),
            models.UniqueConstraint(
                fields=["framework"],
                condition=Q(status="draft"),
                name="one_draft_per_framework",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework} v{self.number} ({self.get_status_display().lower()})"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values("status", *VERSION_CONTENT_FIELDS)
                .first()
            )
            if stored and stored["status"] != VersionStatus.DRAFT:
                changed = [f for f in VERSION_CONTENT_FIELDS if stored[f] != getattr(self, f)]
                back_to_draft = self.status == VersionStatus.DRAFT
                if changed or back_to_draft:
                    raise PublishedVersionIsFrozen()
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def get_additional_data(self) -> dict:
        return self.framework.get_additional_data()


class FrozenWithVersion(models.Model):
    """Content of a version: refuses to change once its version is published."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._version_for_freeze_check().is_draft:
            raise PublishedVersionIsFrozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self._version_for_freeze_check().is_draft:
            raise PublishedVersionIsFrozen()
        return super().delete(*args, **kwargs)

    def _version_for_freeze_check(self) -> FrameworkVersion:
        return self.version


class ProficiencyScale(FrozenWithVersion, TimeStampedModel):
    """The ordered levels a version's competencies are rated on (one scale a version)."""

    version = models.OneToOneField(FrameworkVersion, on_delete=models.CASCADE, related_name="scale")
    title = models.CharField(max_length=200, default="Proficiency")

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return self.version.get_additional_data()


class ProficiencyLevel(FrozenWithVersion, models.Model):
    scale = models.ForeignKey(ProficiencyScale, on_delete=models.CASCADE, related_name="levels")
    value = models.IntegerField()
    label = models.CharField(max_length=100)
    descriptor = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["scale", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="one_level_value_per_scale")
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"

    def get_additional_data(self) -> dict:
        return self.scale.get_additional_data()

    def _version_for_freeze_check(self) -> FrameworkVersion:
        return self.scale.version


class FrameworkNode(FrozenWithVersion, TimeStampedModel):
    """What domains and competencies share: place in the tree, code, text, CASE fields.

    Domains and competencies under one parent share one `order` sequence, so a CASE
    tree that mixes sub-domains and competencies keeps its order.
    """

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE)
    order = models.PositiveIntegerField(default=0)
    code = models.CharField(max_length=200, blank=True, default="")
    title = models.TextField()
    description = models.TextField(blank=True, default="")
    # CASE: the CFItem identifier, the CFItem fields we do not model, the item's position
    # in the package, and its isChildOf association as received (with its position).
    case_identifier = models.CharField(max_length=200, blank=True, default="")
    case_extra = models.JSONField(default=dict, blank=True)
    case_item_index = models.PositiveIntegerField(null=True, blank=True)
    case_association = models.JSONField(null=True, blank=True)
    case_association_index = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def get_additional_data(self) -> dict:
        return self.version.get_additional_data()


class Domain(FrameworkNode):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="domains")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="subdomains"
    )

    class Meta:
        ordering = ["version", "parent_id", "order"]
        indexes = [models.Index(fields=["version", "case_identifier"])]


class Competency(FrameworkNode):
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="competencies"
    )
    # Null only for a competency at the top of an imported CASE tree.
    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.CASCADE, related_name="competencies"
    )
    indicators = models.JSONField(
        default=list, blank=True, help_text="Behavioural indicators, one sentence each."
    )

    class Meta:
        ordering = ["version", "domain_id", "order"]
        verbose_name_plural = "competencies"
        indexes = [models.Index(fields=["version", "case_identifier"])]


class CompetencyMapping(TimeStampedModel):
    """A competency of a newer version replaces one of an older version: levels carry over."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="replaces")
    replaces = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="replaced_by")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["competency", "replaces"], name="one_mapping_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.competency} replaces {self.replaces}"

    def get_additional_data(self) -> dict:
        return self.competency.get_additional_data()


class RoleProfile(TimeStampedModel):
    """The level a job role at one stage needs in each competency of a framework version."""

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="role_profiles"
    )
    job_role = models.ForeignKey(JobRole, on_delete=models.PROTECT, related_name="role_profiles")
    stage = models.CharField(
        max_length=40, blank=True, default="", help_text="For example junior or senior."
    )
    title = models.CharField(max_length=200, blank=True, default="")
    # An organisation may set its own profile on a library framework; None: the library's.
    owner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_profiles",
    )

    class Meta:
        ordering = ["job_role__name", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "job_role", "stage", "owner"],
                name="one_profile_per_role_stage",
            )
        ]

    def __str__(self) -> str:
        if self.title:
            return self.title
        return f"{self.job_role} ({self.stage})" if self.stage else str(self.job_role)

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.owner.path if self.owner_id else ""}


class Requirement(models.TextChoices):
    ESSENTIAL = "essential", "Essential"
    DESIRABLE = "desirable", "Desirable"


class RoleRequirement(models.Model):
    profile = models.ForeignKey(RoleProfile, on_delete=models.CASCADE, related_name="requirements")
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="role_requirements"
    )
    level = models.IntegerField(help_text="The level value on the version's scale.")
    requirement = models.CharField(
        max_length=20, choices=Requirement.choices, default=Requirement.ESSENTIAL
    )

    class Meta:
        ordering = ["profile", "competency__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "competency"], name="one_requirement_per_competency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competency}: level {self.level} ({self.requirement})"

    def get_additional_data(self) -> dict:
        return self.profile.get_additional_data()


class CarePathway(TimeStampedModel):
    """An MDT care pathway (type 2 diabetes, heart failure) and the capabilities it needs."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    owner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_pathways",
        help_text="Leave empty for the shared library.",
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.owner.path if self.owner_id else ""}


class PathwayCapability(models.Model):
    pathway = models.ForeignKey(CarePathway, on_delete=models.CASCADE, related_name="capabilities")
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="pathway_capabilities"
    )
    minimum_level = models.IntegerField()
    people_needed = models.PositiveIntegerField(default=1)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pathway", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "competency"], name="one_capability_per_competency"
            ),
            models.CheckConstraint(condition=Q(people_needed__gte=1), name="needs_someone"),
        ]

    def __str__(self) -> str:
        return f"{self.competency} at level {self.minimum_level} for {self.people_needed} people"

    def get_additional_data(self) -> dict:
        return self.pathway.get_additional_data()
