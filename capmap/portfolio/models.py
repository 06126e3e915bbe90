"""Evidence portfolio: items a person collects (reflections, certificates, CbDs,
mini-CEX, DOPS...), each linked to competencies, with an optional file and a review
trail kept as immutable status rows."""

from django.conf import settings
from django.db import models

from capmap.core.models import StatusRow, TimeStampedModel
from capmap.core.workflow import Workflow
from capmap.frameworks.models import Competency
from capmap.people.models import Person


class EvidenceKind(models.TextChoices):
    REFLECTION = "reflection", "Reflection"
    CERTIFICATE = "certificate", "Certificate"
    CBD = "cbd", "Case-based discussion"
    MINI_CEX = "mini_cex", "Mini clinical evaluation exercise (mini-CEX)"
    DOPS = "dops", "Direct observation of procedural skills (DOPS)"
    FEEDBACK = "feedback", "Feedback"
    CASE_STUDY = "case_study", "Case study"
    SESSION_LOG = "session_log", "Session log"
    OTHER = "other", "Other"


class EvidenceReview(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class EvidenceItem(TimeStampedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    occurred_on = models.DateField("date")
    description = models.TextField(blank=True, default="")
    competencies = models.ManyToManyField(Competency, related_name="evidence")
    # The file lives in default_storage under a generated name; never served directly.
    file = models.FileField(upload_to="portfolio/", max_length=300, blank=True, default="")
    file_name = models.CharField(max_length=255, blank=True, default="")
    content_type = models.CharField(max_length=120, blank=True, default="")
    size = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.person.employer.path}


EVIDENCE_WORKFLOW = Workflow(
    noun="evidence item",
    statuses=EvidenceReview,
    initial=EvidenceReview.SUBMITTED,
    transitions={
        EvidenceReview.SUBMITTED: (EvidenceReview.ACCEPTED, EvidenceReview.REJECTED),
        # A reviewer may change their mind: each decision is kept in the trail.
        EvidenceReview.ACCEPTED: (EvidenceReview.REJECTED,),
        EvidenceReview.REJECTED: (EvidenceReview.ACCEPTED,),
    },
)


class EvidenceStatus(StatusRow):
    """One step of the review of an evidence item; the latest row is its status."""

    workflow = EVIDENCE_WORKFLOW
    subject_field = "evidence"

    evidence = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="statuses")
    status = models.CharField(max_length=20, choices=EvidenceReview.choices)

    class Meta:
        ordering = ["evidence", "at", "pk"]
        verbose_name_plural = "evidence statuses"
