"""Assessments against a role profile, their sign-off workflow, and each person's
verified capability.

Workflow states are immutable status rows (the latest is current). Self and assessor
ratings are kept per round: a return opens a new round, so nothing submitted or
signed is ever overwritten. Sign-offs and capability events are append-only.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from capmap.core.models import ImmutableRow, StatusRow, TimeStampedModel
from capmap.core.workflow import TransitionRefused, Workflow
from capmap.frameworks.models import Competency, FrameworkVersion, RoleProfile
from capmap.organisations.models import Organisation
from capmap.people.models import Person
from capmap.portfolio.models import EvidenceItem


class AssessmentCycle(TimeStampedModel):
    """A round of assessments (e.g. "2027 Q1") a manager opens for a team."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessment_cycles"
    )
    title = models.CharField(max_length=100)
    opens_on = models.DateField()
    closes_on = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="cycle_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.organisation.path}


class Assessment(TimeStampedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")
    role_profile = models.ForeignKey(RoleProfile, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(
        AssessmentCycle,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    # The round the practitioner is rating now; a return opens the next one.
    round = models.PositiveIntegerField(default=1)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} against {self.role_profile}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.person.employer.path}


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    SIGNED_OFF = "signed_off", "Signed off"


class AlreadyDecided(TransitionRefused):
    """Someone else has already decided this assessment."""


def _refusal(current: "AssessmentStatus", to: str) -> str | None:
    """Say who decided, and when, rather than only that the move is not allowed."""
    if current.status == State.SIGNED_OFF:
        who = current.actor.get_full_name() or current.actor.email if current.actor else "someone"
        return (
            f"This assessment was signed off by {who} on "
            f"{timezone.localtime(current.at):%d %B %Y at %H:%M}. Nothing was changed; "
            "to correct it, start a new assessment."
        )
    if to == State.SUBMITTED:
        return "This assessment has already been submitted. Nothing was changed."
    if to in (State.RETURNED, State.SIGNED_OFF):
        return (
            "This assessment is not waiting for review "
            f"(it is {current.label.lower()}). Nothing was changed."
        )
    return None


ASSESSMENT_WORKFLOW = Workflow(
    noun="assessment",
    statuses=State,
    initial=State.DRAFT,
    transitions={
        State.DRAFT: (State.SUBMITTED,),
        State.SUBMITTED: (State.RETURNED, State.SIGNED_OFF),
        State.RETURNED: (State.SUBMITTED,),
        State.SIGNED_OFF: (),
    },
    error=AlreadyDecided,
    refusal=_refusal,
)


class AssessmentStatus(StatusRow):
    workflow = ASSESSMENT_WORKFLOW
    subject_field = "assessment"

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="statuses")
    status = models.CharField(max_length=20, choices=State.choices)

    class Meta:
        ordering = ["assessment", "at", "pk"]
        verbose_name_plural = "assessment statuses"


class Rating(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveIntegerField()
    level = models.IntegerField()
    comment = models.TextField(blank=True, default="")
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["assessment", "round", "competency_id"]

    def get_additional_data(self) -> dict:
        return self.assessment.get_additional_data()


class SelfRating(Rating):
    """The practitioner's own level; editable only while its round is open."""

    class Meta(Rating.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "competency", "round"], name="one_self_rating_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"Self-rating {self.level} (round {self.round})"


class AssessorRating(Rating):
    """The supervisor's level, written once when they return or sign off a round."""

    class Meta(Rating.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "competency", "round"], name="one_assessor_rating_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"Supervisor rating {self.level} (round {self.round})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            from capmap.core.exceptions import DomainError

            raise DomainError("A supervisor's rating is kept as it was given.")
        super().save(*args, **kwargs)


class SignOff(ImmutableRow):
    """Who signed an assessment off, when, and the levels; never edited."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="sign_off")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)
    levels = models.JSONField(help_text="Competency id (as text) to the level signed off.")
    comment = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"Sign-off of {self.assessment}"

    def get_additional_data(self) -> dict:
        return self.assessment.get_additional_data()


class CompetencySignOff(ImmutableRow):
    """One competency signed off between cycles, on evidence, so scope grows step by step."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    level = models.IntegerField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True, default="")
    evidence = models.ManyToManyField(EvidenceItem, related_name="+")

    def __str__(self) -> str:
        return f"{self.competency} at {self.level} for {self.person}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.person.employer.path}


class CapabilityEvent(ImmutableRow):
    """A verified level from `valid_from` on: the history behind CurrentCapability.

    A region holds tens of millions of these, so each index is paid for at every sign-off
    and in every bulk load: the person's levels are found through the (person, competency,
    valid_from) index, and the links that only some levels have (a sign-off, a
    withdrawal) are indexed only where they are set."""

    # Found through the (person, competency, valid_from) index, which starts with it.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    level = models.IntegerField()
    valid_from = models.DateTimeField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sign_off = models.ForeignKey(
        SignOff, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    competency_sign_off = models.ForeignKey(
        CompetencySignOff, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    verified_elsewhere_by = models.CharField(
        max_length=300,
        blank=True,
        default="",
        # Also the database's default: bulk writers (capmap generate) name only the columns
        # every level has.
        db_default="",
        help_text="The issuer of an accepted credential this level rests on, if any.",
    )
    withdraws = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        # RESTRICT, not PROTECT: erasure and retention delete a person's whole history
        # in one go, withdrawal and withdrawn level together.
        on_delete=models.RESTRICT,
        related_name="withdrawals",
        help_text="The level this event takes back (a correction back to the level before).",
        db_index=False,
    )

    class Meta:
        ordering = ["person", "competency", "valid_from", "pk"]
        indexes = [
            models.Index(fields=["person", "competency", "valid_from"]),
            *[
                models.Index(
                    fields=[link], name=name, condition=models.Q(**{f"{link}__isnull": False})
                )
                for link, name in [
                    ("sign_off", "capability_event_sign_off"),
                    ("competency_sign_off", "capability_event_comp_sign_off"),
                    ("withdraws", "capability_event_withdraws"),
                ]
            ],
        ]

    def __str__(self) -> str:
        return f"Level {self.level} from {self.valid_from:%Y-%m-%d}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.person.employer.path}


class CurrentCapability(models.Model):
    """Each person's current verified level per competency (kept by every sign-off)."""

    # Found through the unique (person, competency) index, which starts with it.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    # Found through the (competency, level, person) index below, which starts with it.
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    level = models.IntegerField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()
    event = models.ForeignKey(CapabilityEvent, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = "current capabilities"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "competency"], name="one_current_level_per_competency"
            )
        ]
        # The ICS-wide training needs analysis scans by competency and level.
        indexes = [
            models.Index(
                fields=["competency", "level", "person"], name="current_cap_competency_level"
            )
        ]

    def __str__(self) -> str:
        return f"Level {self.level}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.person.employer.path}


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capmap_notifications"
    )
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True, default="")
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text
