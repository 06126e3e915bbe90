"""Placement schemes: host placements, applications with ranked preferences, allocation runs,
sessions, feedback surveys, outcome measures."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from capmap.core.models import StatusRow, TimeStampedModel
from capmap.core.workflow import StatusSubject, Workflow
from capmap.frameworks.models import Competency
from capmap.organisations.models import Organisation
from capmap.people.models import Person, Supervision


class SchemeStatus(models.TextChoices):
    SET_UP = "set_up", "Setting up"
    APPLICATIONS_OPEN = "applications_open", "Applications open"
    ALLOCATING = "allocating", "Allocating"
    RUNNING = "running", "Running"
    CLOSED = "closed", "Closed"


SCHEME_WORKFLOW = Workflow(
    noun="scheme",
    statuses=SchemeStatus,
    initial=SchemeStatus.SET_UP,
    # A scheme moves forward, or back one step to correct a mistake.
    transitions={
        SchemeStatus.SET_UP: (SchemeStatus.APPLICATIONS_OPEN,),
        SchemeStatus.APPLICATIONS_OPEN: (SchemeStatus.ALLOCATING, SchemeStatus.SET_UP),
        SchemeStatus.ALLOCATING: (SchemeStatus.RUNNING, SchemeStatus.APPLICATIONS_OPEN),
        SchemeStatus.RUNNING: (SchemeStatus.CLOSED,),
        SchemeStatus.CLOSED: (),
    },
)


class Scheme(StatusSubject, TimeStampedModel):
    """A mentored cross-sector placement scheme run by an ICS or training hub."""

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="schemes")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    starts_on = models.DateField()
    ends_on = models.DateField()
    sessions_required = models.PositiveSmallIntegerField(default=2)
    lottery_seed = models.BigIntegerField(
        null=True, blank=True, help_text="Recorded on the first allocation run."
    )
    hard_to_recruit_first = models.BooleanField(
        default=True, help_text="Applicants from practices flagged hard to recruit come first."
    )
    need_gap_first = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Applicants from the PCNs with the largest population need gap come first.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="scheme_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.owner.path}


class SchemeStatusChange(StatusRow):
    """An immutable status row: the scheme's current status is its latest row."""

    workflow = SCHEME_WORKFLOW
    subject_field = "scheme"

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="statuses")
    status = models.CharField(max_length=20, choices=SchemeStatus.choices)

    class Meta:
        ordering = ["scheme", "at", "pk"]

    def get_additional_data(self) -> dict:
        return self.scheme.get_additional_data()


class Specialty(models.TextChoices):
    RESPIRATORY = "respiratory", "Respiratory"
    ACUTE_MEDICINE = "acute_medicine", "Acute medicine"
    PAEDIATRICS = "paediatrics", "Paediatrics"
    CARDIOVASCULAR = "cardiovascular", "Cardiovascular"
    MENTAL_HEALTH = "mental_health", "Mental health"
    OTHER = "other", "Other"


class Placement(TimeStampedModel):
    """Places with one hospital mentor at a host organisation (a trust)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="placements")
    host = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="hosted_placements"
    )
    title = models.CharField(max_length=200)
    specialty = models.CharField(max_length=20, choices=Specialty.choices)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentored_placements"
    )
    capacity = models.PositiveSmallIntegerField(default=1)
    sessions_offered = models.PositiveSmallIntegerField(default=2)
    location = models.CharField(max_length=200, blank=True, default="")
    need = models.TextField("Clinical priority or population-health need", blank=True, default="")

    class Meta:
        ordering = ["host__name", "title", "pk"]

    def __str__(self) -> str:
        return f"{self.title}, {self.host.name}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.scheme.owner.path}


class EligibilityKind(models.TextChoices):
    INDEPENDENT_PRESCRIBER = "independent_prescriber", "Independent prescriber"
    COMPETENCY_LEVEL = "competency_level", "Competency at a minimum level"


class EligibilityRule(TimeStampedModel):
    """A rule every applicant must meet; with a placement, only for that placement."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="eligibility_rules")
    placement = models.ForeignKey(
        Placement, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField(max_length=30, choices=EligibilityKind.choices)
    competency = models.ForeignKey(Competency, null=True, blank=True, on_delete=models.PROTECT)
    minimum_level = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="competency_level")
                | (Q(competency__isnull=False) & Q(minimum_level__isnull=False)),
                name="competency_rule_names_competency_and_level",
            )
        ]

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.scheme.owner.path}


class PrescribingStatus(TimeStampedModel):
    """Whether a person is a qualified independent prescriber (kept here: no staff-record field)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="prescribing")
    independent_prescriber = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.person.employer.path}


class Application(TimeStampedModel):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="applications")
    statement = models.TextField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["applicant__last_name", "applicant__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "applicant"], name="one_application_each")
        ]

    def __str__(self) -> str:
        return f"{self.applicant} for {self.scheme}"

    @property
    def released(self) -> bool:
        return self.released_at is not None

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.applicant.employer.path}


class Preference(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="preferences"
    )
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="preferences")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="one_placement_a_rank"),
            models.UniqueConstraint(
                fields=["application", "placement"], name="one_rank_a_placement"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}: {self.placement}"


class Algorithm(models.TextChoices):
    """The two allocation methods in words a programme lead uses; the README and
    docs/adr name the algorithms behind them."""

    STABLE = "stable", "Fairest for applicants' choices"
    MAX_PREFERENCE = "max-preference", "Most people placed"


# What each method means for people, shown under its name when a lead chooses one.
ALGORITHM_HINTS = {
    Algorithm.STABLE: "No applicant misses a place they wanted because it went to someone who "
    "comes after them in priority. Some places may stay empty.",
    Algorithm.MAX_PREFERENCE: "Places as many applicants as it can, then gives as many as it "
    "can a higher choice. Someone may miss a place that went to a person after them in "
    "priority.",
}


class RunStatus(models.TextChoices):
    PREVIEWED = "previewed", "Preview"
    CONFIRMED = "confirmed", "Confirmed"
    DISCARDED = "discarded", "Replaced by a later run"


def _run_refusal(current: StatusRow, to: str) -> str | None:
    if current.status == RunStatus.CONFIRMED:
        return "This allocation is already confirmed. Nothing was changed."
    if current.status == RunStatus.DISCARDED:
        return "This preview was replaced by a later run: use the latest preview."
    return None


RUN_WORKFLOW = Workflow(
    noun="allocation",
    statuses=RunStatus,
    initial=RunStatus.PREVIEWED,
    transitions={
        RunStatus.PREVIEWED: (RunStatus.CONFIRMED, RunStatus.DISCARDED),
        RunStatus.CONFIRMED: (),
        RunStatus.DISCARDED: (),
    },
    refusal=_run_refusal,
)


class AllocationRun(StatusSubject, TimeStampedModel):
    """One run of the engine: a preview until a programme lead confirms it (or a later
    run replaces it); its status is the latest AllocationRunStatus."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="allocation_runs")
    algorithm = models.CharField(max_length=20, choices=Algorithm.choices)
    seed = models.BigIntegerField()
    # The instance and `capmap match` output, with ids "a<application pk>" and "p<placement pk>".
    instance = models.JSONField()
    result = models.JSONField()
    stats = models.JSONField(default=dict)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.scheme.owner.path}

    @property
    def confirmed(self) -> bool:
        return self.status == RunStatus.CONFIRMED


class AllocationRunStatus(StatusRow):
    """A run previewed, confirmed or replaced: who did it and when."""

    workflow = RUN_WORKFLOW
    subject_field = "run"

    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="statuses")
    status = models.CharField(max_length=20, choices=RunStatus.choices)

    class Meta:
        ordering = ["run", "at", "pk"]
        verbose_name_plural = "allocation run statuses"


class AllocationAdjustment(models.Model):
    """A hand change to a preview run, with the reason (audited)."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="adjustments")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    from_placement = models.ForeignKey(
        Placement, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to_placement = models.ForeignKey(
        Placement, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application} moved: {self.reason}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.run.scheme.owner.path}


class Participation(TimeStampedModel):
    """A confirmed place: the applicant, the placement and the mentor supervision it created."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="participation"
    )
    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="participations"
    )
    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="+")
    supervision = models.OneToOneField(
        Supervision, null=True, on_delete=models.SET_NULL, related_name="participation"
    )
    # The offer e-mail goes out when the allocation is confirmed (created_at); a lead may send
    # it again while the participant has logged no session. When it was last sent again, and
    # how many times it has been sent in all.
    offer_last_sent_at = models.DateTimeField(null=True, blank=True)
    offers_sent = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["application__applicant__last_name", "pk"]

    @property
    def person(self) -> Person:
        return self.application.applicant

    @property
    def offer_sent_at(self):
        return self.offer_last_sent_at or self.created_at

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.application.applicant.employer.path}


class SessionLog(TimeStampedModel):
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField()
    half_days = models.PositiveSmallIntegerField("Number of half-day sessions", default=1)
    activities = models.TextField()
    competencies = models.ManyToManyField(Competency, blank=True, related_name="+")
    reflection = models.TextField(blank=True, default="")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(half_days__gte=1) & Q(half_days__lte=10), name="session_half_days"
            )
        ]

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.participation.application.applicant.employer.path}


class Audience(models.TextChoices):
    PARTICIPANT = "participant", "Participants"
    MENTOR = "mentor", "Mentors"
    HOME_MANAGER = "home_manager", "GPs and managers at the home practice"


class Survey(TimeStampedModel):
    """One feedback survey a scheme and audience, answered through single-use links."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="surveys")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["audience", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "audience"], name="one_survey_an_audience")
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.scheme.owner.path}


class QuestionKind(models.TextChoices):
    LIKERT = "likert", "Agree or disagree (1 to 5)"
    TEXT = "text", "Free text"


LIKERT_LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.survey.scheme.owner.path}


class Invitation(TimeStampedModel):
    """A single-use link: only the SHA-256 hash of its token is stored. The response it gives is
    not linked back to it, so answers stay anonymous; `used_at` counts it as answered."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    participation = models.ForeignKey(
        Participation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the link was last e-mailed (resending replaces the token on this same row, so a
    # person never holds two ways to answer), and how many times it has been sent.
    last_sent_at = models.DateTimeField(null=True, blank=True)
    times_sent = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Invitation to {self.survey}"

    @property
    def sent_at(self):
        return self.last_sent_at or self.created_at

    def get_additional_data(self) -> dict:
        return self.survey.get_additional_data()


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Response to {self.survey}"

    def get_additional_data(self) -> dict:
        return self.survey.get_additional_data()


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    likert = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(likert__isnull=True) | (Q(likert__gte=1) & Q(likert__lte=5)),
                name="likert_one_to_five",
            ),
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_a_question"),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question}"


class Direction(models.TextChoices):
    LOWER = "lower", "Lower is better"
    HIGHER = "higher", "Higher is better"


class Measure(TimeStampedModel):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=80, blank=True, default="")
    better = models.CharField(max_length=10, choices=Direction.choices)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="one_measure_a_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.scheme.owner.path}


class Phase(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    FOLLOW_UP = "follow_up", "Follow-up"


class MeasureValue(TimeStampedModel):
    """One practice's figure for one month (a count or rate, never about a patient)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    practice = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="The first day of the month.")
    phase = models.CharField(max_length=10, choices=Phase.choices)
    value = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["month", "practice__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "practice", "month"], name="one_value_a_practice_month"
            )
        ]

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.measure.scheme.owner.path}
