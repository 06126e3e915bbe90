"""Development plans with SMART objectives tied to gaps, and the training catalogue."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from capmap.core.models import StatusRow, TimeStampedModel
from capmap.core.workflow import Workflow
from capmap.frameworks.models import Competency
from capmap.organisations.models import Organisation
from capmap.people.models import Person


class TrainingFormat(models.TextChoices):
    E_LEARNING = "e_learning", "E-learning"
    COURSE = "course", "Taught course"
    WORKSHOP = "workshop", "Workshop"
    WEBINAR = "webinar", "Webinar"
    SHADOWING = "shadowing", "Shadowing or placement"
    READING = "reading", "Reading"


class TrainingItem(TimeStampedModel):
    """A piece of training, mapped to the competencies it builds; without an owner it is in
    the shared library every organisation reads."""

    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    format = models.CharField(max_length=20, choices=TrainingFormat.choices)
    hours = models.DecimalField(max_digits=6, decimal_places=1, default=0)
    cost = models.DecimalField("cost (£)", max_digits=8, decimal_places=2, default=0)
    link = models.URLField(blank=True, default="")
    competencies = models.ManyToManyField(Competency, related_name="training_items")
    active = models.BooleanField(default=True)
    owner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_items",
        help_text="Leave empty for the shared library every organisation can use.",
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.owner.path if self.owner_id else ""}


class DevelopmentPlan(TimeStampedModel):
    """A person's development plan; its state is the latest of its status rows."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="development_plans")
    title = models.CharField(max_length=200, default="Development plan")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} for {self.person}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.person.employer.path}


class PlanState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    CLOSED = "closed", "Closed"


PLAN_WORKFLOW = Workflow(
    noun="plan",
    statuses=PlanState,
    initial=PlanState.PROPOSED,
    transitions={
        # New objectives put an agreed plan back to proposed, to be agreed again.
        PlanState.PROPOSED: (PlanState.AGREED, PlanState.CLOSED),
        PlanState.AGREED: (PlanState.PROPOSED, PlanState.CLOSED),
        PlanState.CLOSED: (),
    },
    refusal=lambda current, to: (
        "This plan is not waiting to be agreed." if to == PlanState.AGREED else None
    ),
)


class PlanStatus(StatusRow):
    workflow = PLAN_WORKFLOW
    subject_field = "plan"

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.PROTECT, related_name="statuses")
    status = models.CharField(max_length=20, choices=PlanState.choices)

    class Meta:
        ordering = ["plan", "at", "pk"]
        verbose_name_plural = "plan statuses"


class ObjectiveState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"
    DROPPED = "dropped", "Dropped"


OPEN_OBJECTIVE_STATES = (ObjectiveState.NOT_STARTED, ObjectiveState.IN_PROGRESS)
# How a supervisor or manager closes an objective.
CLOSING_STATES = (ObjectiveState.ACHIEVED, ObjectiveState.NOT_ACHIEVED)


class Objective(TimeStampedModel):
    """A SMART objective: specific, measurable, with support, tied to competencies, timed."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="objectives")
    specific = models.TextField(help_text="What exactly the person will be able to do.")
    measure = models.TextField(help_text="How everyone will know it is achieved.")
    support = models.TextField(blank=True, default="", help_text="Training, time or supervision.")
    competencies = models.ManyToManyField(Competency, related_name="+")
    training = models.ManyToManyField(TrainingItem, blank=True, related_name="+")
    target_level = models.IntegerField(null=True, blank=True)
    due_on = models.DateField()
    progress = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=ObjectiveState.choices, default=ObjectiveState.NOT_STARTED
    )
    # Set when a supervisor or manager closes the objective.
    closing_note = models.TextField(blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="progress_is_a_percentage")
        ]

    def __str__(self) -> str:
        return self.specific[:80]

    def get_additional_data(self) -> dict:
        return self.plan.get_additional_data()

    def is_overdue(self, today) -> bool:
        return self.status in OPEN_OBJECTIVE_STATES and self.due_on < today

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_OBJECTIVE_STATES
