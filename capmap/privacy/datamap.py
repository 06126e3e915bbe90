"""The personal-data map: every kind of record that holds data about a person, the file
it goes to in a subject access export, and what an erasure does to it, and why.

`tests/test_datamap.py` walks Django's app registry and fails when a model that relates
to a person (people.Person or the user model), or to a record about one, is missing here
or has a relation to them that this map does not name: a new model holding personal data
cannot ship without a decision about its export and its erasure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.apps import apps
from django.db import models
from django.db.models import Q


class Action(StrEnum):
    DELETE = "delete"
    PSEUDONYMISE = "pseudonymise"
    KEEP = "keep"


@dataclass(frozen=True)
class DataKind:
    """One model's place in the map.

    `subject` is the lookup from the model to the person it is about: it ends at
    people.Person or at the user model ("" when rows are never about a person, only done
    by one). `actors` are the fields naming a user who did something to the row: such rows
    are exported to that user and kept on erasure, since they belong to someone else's
    record, while the user behind them is pseudonymised. `keep_when` marks subject rows
    kept although the kind is deleted (clinical assurance). `secret` fields never leave.
    """

    model: str
    title: str
    erasure: Action
    reason: str
    subject: str = ""
    actors: tuple[str, ...] = ()
    keep_when: Q | None = None
    keep_reason: str = ""
    secret: tuple[str, ...] = ()
    export: bool = True

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def section(self) -> str:
        """The export's file for this kind, e.g. `assessments.signoff.json`."""
        return self.model.lower()


NO_RETENTION_NEED = "No retention need once the person is erased."
ASSURANCE = (
    "Clinical assurance: the organisation must be able to show who signed off what, and "
    "when, while the person practised. Kept under the person's pseudonym until the "
    "retention schedule's period for sign-offs ends."
)
OTHERS_RECORD = "Part of someone else's record; the person who acted is named by pseudonym."
SIGNED_OFF = Q(assessment__sign_off__isnull=False)

KINDS: tuple[DataKind, ...] = (
    # Accounts and sign-in.
    DataKind(
        "accounts.User",
        "Account and log-in history",
        Action.PSEUDONYMISE,
        "Other records name the account as who acted: its name and e-mail address become the "
        "pseudonym, its password is removed and it can no longer sign in.",
        subject="pk",
        secret=("password",),
    ),
    DataKind(
        "account.EmailAddress",
        "E-mail addresses for sign-in",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="user",
    ),
    DataKind(
        "account.EmailConfirmation",
        "E-mail confirmations",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="email_address__user",
        secret=("key",),
    ),
    DataKind(
        "mfa.Authenticator",
        "Authenticator apps and recovery codes",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="user",
        secret=("data",),
    ),
    DataKind(
        "socialaccount.SocialAccount",
        "NHS sign-in accounts",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="user",
    ),
    DataKind(
        "socialaccount.SocialToken",
        "NHS sign-in tokens",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="account__user",
        secret=("token", "token_secret"),
    ),
    DataKind(
        "admin.LogEntry",
        "Changes made in the Django admin",
        Action.DELETE,
        "The system administrators' own change list; Capmap's audit trail keeps the record.",
        subject="user",
    ),
    DataKind(
        "api.ApiToken",
        "API tokens",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="user",
        secret=("secret_hash",),
    ),
    DataKind(
        "core.PendingUpload",
        "Uploads waiting for confirmation",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="owner",
    ),
    # Profile, employment and relationships.
    DataKind(
        "people.Person",
        "Staff record",
        Action.PSEUDONYMISE,
        "Sign-offs and verified levels point at the staff record: name, e-mail address and "
        "registration number become the pseudonym; role, employer and dates stay, as they "
        "show when and where the person practised.",
        subject="pk",
    ),
    DataKind(
        "organisations.Membership",
        "Memberships and roles",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="user",
    ),
    DataKind(
        "people.Supervision",
        "Supervisors and mentors",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="person",
        actors=("supervisor",),
    ),
    # Frameworks and cycles they made (never about them).
    DataKind(
        "frameworks.Framework",
        "Frameworks created",
        Action.KEEP,
        OTHERS_RECORD,
        actors=("created_by",),
    ),
    DataKind(
        "frameworks.FrameworkVersion",
        "Framework versions published",
        Action.KEEP,
        OTHERS_RECORD,
        actors=("published_by",),
    ),
    DataKind(
        "assessments.AssessmentCycle",
        "Assessment cycles opened",
        Action.KEEP,
        OTHERS_RECORD,
        actors=("opened_by",),
    ),
    # Assessments and sign-offs. Children come before their parents: erasure deletes in order.
    DataKind(
        "assessments.SelfRating",
        "Self-ratings",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="assessment__person",
        actors=("rated_by",),
        keep_when=SIGNED_OFF,
        keep_reason=ASSURANCE,
    ),
    DataKind(
        "assessments.AssessorRating",
        "Supervisors' ratings and comments",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="assessment__person",
        actors=("rated_by",),
        keep_when=SIGNED_OFF,
        keep_reason=ASSURANCE,
    ),
    DataKind(
        "assessments.AssessmentStatus",
        "Assessment history",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="assessment__person",
        actors=("actor",),
        keep_when=SIGNED_OFF,
        keep_reason=ASSURANCE,
    ),
    DataKind(
        "assessments.Assessment",
        "Assessments",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="person",
        actors=("started_by",),
        keep_when=Q(sign_off__isnull=False),
        keep_reason=ASSURANCE,
    ),
    DataKind(
        "assessments.SignOff",
        "Sign-offs",
        Action.KEEP,
        ASSURANCE,
        subject="assessment__person",
        actors=("signed_by",),
    ),
    DataKind(
        "assessments.CompetencySignOff",
        "Competency sign-offs",
        Action.KEEP,
        ASSURANCE,
        subject="person",
        actors=("signed_by",),
    ),
    DataKind(
        "assessments.CapabilityEvent",
        "Verified level history",
        Action.KEEP,
        ASSURANCE,
        subject="person",
        actors=("signed_by",),
    ),
    DataKind(
        "assessments.CurrentCapability",
        "Current verified levels",
        Action.KEEP,
        ASSURANCE,
        subject="person",
        actors=("signed_by",),
    ),
    DataKind(
        "assessments.Notification",
        "Notifications",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="recipient",
    ),
    # Evidence portfolio.
    DataKind(
        "portfolio.EvidenceStatus",
        "Evidence review history",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="evidence__person",
        actors=("actor",),
    ),
    DataKind(
        "portfolio.EvidenceItem",
        "Evidence (the files are in evidence/)",
        Action.DELETE,
        "No retention need once the person is erased; the files are removed from storage.",
        subject="person",
        actors=("added_by",),
    ),
    # Development.
    DataKind(
        "development.Objective",
        "Development objectives",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="plan__person",
        actors=("closed_by",),
    ),
    DataKind(
        "development.PlanStatus",
        "Development plan history",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="plan__person",
        actors=("actor",),
    ),
    DataKind(
        "development.DevelopmentPlan",
        "Development plans",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="person",
        actors=("created_by",),
    ),
    # Placements. Single-use survey answers are not linked to anyone, so they are not here;
    # an invitation's e-mail address is the respondent's, never exported.
    DataKind(
        "placements.Scheme",
        "Placement schemes created",
        Action.KEEP,
        OTHERS_RECORD,
        actors=("created_by",),
    ),
    DataKind(
        "placements.SchemeStatusChange",
        "Placement scheme changes",
        Action.KEEP,
        OTHERS_RECORD,
        actors=("actor",),
    ),
    DataKind(
        "placements.Placement",
        "Placements mentored",
        Action.KEEP,
        OTHERS_RECORD,
        actors=("mentor",),
    ),
    DataKind(
        "placements.AllocationRun",
        "Allocation runs",
        Action.KEEP,
        OTHERS_RECORD,
        actors=("run_by",),
    ),
    DataKind(
        "placements.AllocationRunStatus",
        "Allocation run history",
        Action.KEEP,
        OTHERS_RECORD,
        actors=("actor",),
    ),
    DataKind(
        "placements.Survey",
        "Feedback surveys created",
        Action.KEEP,
        OTHERS_RECORD,
        actors=("created_by",),
    ),
    DataKind(
        "placements.PrescribingStatus",
        "Prescribing status",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="person",
        actors=("recorded_by",),
    ),
    DataKind(
        "placements.Invitation",
        "Feedback invitations about their placement",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="participation__application__applicant",
        actors=("sent_by",),
        secret=("email", "token_hash"),
    ),
    DataKind(
        "placements.SessionLog",
        "Placement sessions",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="participation__application__applicant",
        actors=("logged_by", "confirmed_by"),
    ),
    DataKind(
        "placements.Participation",
        "Placements taken part in",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="application__applicant",
    ),
    DataKind(
        "placements.AllocationAdjustment",
        "Changes to their allocation",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="application__applicant",
        actors=("made_by",),
    ),
    DataKind(
        "placements.Preference",
        "Placement preferences",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="application__applicant",
    ),
    DataKind(
        "placements.Application",
        "Placement applications",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="applicant",
        actors=("released_by",),
    ),
    # Impact, reports and reminders.
    DataKind(
        "impact.ActivityRecord",
        "Activity records",
        Action.KEEP,
        "Counts of the service's activity (never patient data) that the organisation's impact "
        "figures are made of; kept under the pseudonym.",
        subject="person",
        actors=("recorded_by",),
    ),
    DataKind(
        "reports.ReportRequest",
        "Reports asked for",
        Action.DELETE,
        "No retention need; the report files are removed from storage.",
        subject="requested_by",
    ),
    DataKind(
        "reports.ReminderLog",
        "Reminders sent",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="recipient",
    ),
    # This app.
    DataKind(
        "privacy.SubjectAccessExport",
        "Subject access exports",
        Action.DELETE,
        "No retention need; the export files are removed from storage.",
        subject="person",
        actors=("requested_by",),
    ),
    # Credentials: those issued to the person, and those from other issuers they hold.
    DataKind(
        "credentials.Revocation",
        "Credentials revoked",
        Action.KEEP,
        ASSURANCE,
        subject="credential__person",
        actors=("revoked_by",),
    ),
    DataKind(
        "credentials.IssuedCredential",
        "Credentials issued",
        Action.KEEP,
        "A signed record of a sign-off, which the organisation must still be able to revoke; "
        "it names the holder only by a salted hash of their e-mail address.",
        subject="person",
        actors=("issued_by",),
    ),
    DataKind(
        "credentials.AcceptedCredential",
        "Credentials from other issuers",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="person",
        actors=("accepted_by",),
    ),
    DataKind(
        "credentials.AcceptedCredentialCheck",
        "Credentials from other issuers checked again or removed",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="accepted__person",
        actors=("checked_by",),
    ),
    DataKind(
        "credentials.CountedLevel",
        "Verified levels given by credentials from other issuers",
        Action.DELETE,
        NO_RETENTION_NEED,
        subject="accepted__person",
    ),
    DataKind(
        "credentials.RecognisedIssuer",
        "Recognised issuers added",
        Action.KEEP,
        OTHERS_RECORD,
        actors=("added_by",),
    ),
    # Population figures they imported (never about them).
    DataKind(
        "population.PopulationImport",
        "Population figures imported",
        Action.KEEP,
        OTHERS_RECORD,
        actors=("imported_by",),
    ),
    DataKind(
        "privacy.CorrectionRequest",
        "Corrections proposed",
        Action.DELETE,
        "No retention need; the changes they made stay in the audit trail, pseudonymised.",
        subject="person",
        actors=("proposed_by", "decided_by"),
    ),
    DataKind(
        "privacy.ErasureRecord",
        "Erasures carried out",
        Action.KEEP,
        "The erasure log, kept so a restore can erase again; it holds no personal data.",
        actors=("erased_by",),
    ),
    # The audit trail: entries about any row above, and entries the person made.
    DataKind(
        "auditlog.LogEntry",
        "Audit trail",
        Action.PSEUDONYMISE,
        "Entries about deleted records are deleted; entries about kept records and the "
        "person's own actions are kept with their name, e-mail address and registration "
        "number replaced by the pseudonym.",
        actors=("actor",),
        secret=("remote_addr", "remote_port"),
    ),
)

BY_MODEL: dict[str, DataKind] = {kind.model: kind for kind in KINDS}
PERSON_MODELS = ("people.Person",)


def kind_for(model: type[models.Model]) -> DataKind | None:
    return BY_MODEL.get(model._meta.label)


def subject_target(kind: DataKind) -> type[models.Model]:
    """The model the subject lookup ends at (people.Person or the user model)."""
    model = kind.model_class
    if kind.subject == "pk":
        return model
    for part in kind.subject.split("__"):
        model = model._meta.get_field(part).related_model
    return model
