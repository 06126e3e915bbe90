"""Open Badges 3.0 credentials Capmap issues: each organisation's signing keys, its
revocation status lists, the credentials themselves and their revocations, and the
issuers an organisation recognises when it accepts credentials from elsewhere."""

import uuid

from django.conf import settings
from django.db import models

from capmap.assessments.models import CapabilityEvent
from capmap.core.models import ImmutableRow
from capmap.frameworks.models import Competency
from capmap.organisations.models import Organisation
from capmap.people.models import Person


class IssuerKey(models.Model):
    """An Ed25519 key pair of an issuing organisation. The private seed is stored
    encrypted (see keys.py). A rotated key is retired, never deleted, so credentials it
    signed still verify."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="credential_keys"
    )
    public_key = models.CharField(max_length=64, unique=True, help_text="Multikey, z6Mk...")
    encrypted_seed = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(retired_at__isnull=True),
                name="one_current_issuer_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_key[:16]}… of {self.organisation}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.organisation.path}


class StatusList(models.Model):
    """One W3C Bitstring Status List of an issuer (131,072 entries; a full list is
    followed by the next number)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="credential_status_lists"
    )
    number = models.PositiveIntegerField(default=1)
    next_index = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="one_status_list_number"
            )
        ]

    def __str__(self) -> str:
        return f"Status list {self.number} of {self.organisation}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.organisation.path}


class SourceKind(models.TextChoices):
    COMPETENCY_SIGN_OFF = "competency_sign_off", "Competency sign-off"
    ASSESSMENT_SIGN_OFF = "assessment_sign_off", "Assessment sign-off"
    ROLE_PROFILE = "role_profile", "Completed role profile"
    PATHWAY = "pathway", "Care pathway capability"
    PLACEMENT = "placement", "Completed placement"


class IssuedCredential(ImmutableRow):
    """A signed credential as issued: written once; a revocation is a row of its own.

    A competency's verified level has its capability event (and competency and level); a
    completed role profile, care pathway or placement has none of those but a subject
    (`subject_key`, e.g. "role_profile:7") and the facts it rests on (`basis`), by which
    a later correction revokes it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="issued_credentials"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=30, choices=SourceKind.choices)
    capability_event = models.OneToOneField(
        CapabilityEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    competency = models.ForeignKey(
        Competency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.IntegerField(null=True, blank=True)
    subject_key = models.CharField(max_length=60, blank=True, default="", db_index=True)
    basis = models.JSONField(
        default=dict,
        blank=True,
        help_text="What a completion rests on: {competency id: level needed}, or the placement.",
    )
    rests_on = models.ManyToManyField(
        "CountedLevel",
        blank=True,
        related_name="completions",
        help_text="Levels verified elsewhere a completion rests on: it is revoked when one "
        "of them stops counting (docs/adr/0016).",
    )
    achievement_name = models.TextField()
    level_name = models.CharField(max_length=200)
    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="+")
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    status_index = models.PositiveIntegerField()
    document = models.JSONField(help_text="The signed credential (Data Integrity proof).")
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="one_credential_per_status_bit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.achievement_name} ({self.level_name}) for {self.person}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.organisation.path}


class Revocation(ImmutableRow):
    """A credential withdrawn: why, when and by whom (None: the system, on a correction)."""

    credential = models.OneToOneField(
        IssuedCredential, on_delete=models.PROTECT, related_name="revocation"
    )
    reason = models.TextField()
    revoked_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Revocation of {self.credential}"

    def get_additional_data(self) -> dict:
        return self.credential.get_additional_data()


class RecognisedIssuer(models.Model):
    """An issuer whose credentials count towards an organisation's requirements."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="recognised_issuers"
    )
    issuer_id = models.CharField(max_length=500, help_text="The issuer's id (a URL or DID).")
    name = models.CharField(max_length=200)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "issuer_id"], name="one_recognition_per_issuer"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.organisation.path}


class AcceptedCredential(ImmutableRow):
    """A credential from elsewhere, imported as evidence for a person, with what the
    verifier said when it was imported."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    document = models.JSONField()
    issuer_id = models.CharField(max_length=500)
    issuer_name = models.CharField(max_length=300)
    achievement = models.TextField()
    level = models.CharField(max_length=300, blank=True, default="")
    verified = models.BooleanField()
    revoked = models.BooleanField()
    problems = models.JSONField(default=list)
    status_note = models.TextField(
        blank=True, default="", help_text="Why its status list could not be checked, if so."
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-accepted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.achievement} from {self.issuer_name}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.person.employer.path}


class AcceptedCredentialCheck(ImmutableRow):
    """A later look at an accepted credential: verified again, or removed from the
    person's record. The latest check is what holds now."""

    accepted = models.ForeignKey(
        AcceptedCredential, on_delete=models.CASCADE, related_name="checks"
    )
    removed = models.BooleanField(default=False)
    verified = models.BooleanField()
    revoked = models.BooleanField()
    problems = models.JSONField(default=list)
    status_note = models.TextField(
        blank=True, default="", help_text="Why its status list could not be checked, if so."
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["accepted", "-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"Check of {self.accepted}"

    def get_additional_data(self) -> dict:
        return self.accepted.get_additional_data()


class CountedLevel(models.Model):
    """A verified level an accepted credential gave, and when it was withdrawn (the
    withdrawal itself is a later capability event, as a correction is)."""

    accepted = models.ForeignKey(
        AcceptedCredential, on_delete=models.CASCADE, related_name="counted_levels"
    )
    event = models.OneToOneField(CapabilityEvent, on_delete=models.CASCADE, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_because = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["accepted", "pk"]

    def __str__(self) -> str:
        return f"Level counted from {self.accepted}"

    def get_additional_data(self) -> dict:
        return self.accepted.get_additional_data()


class FetchedStatusList(models.Model):
    """Another issuer's status list credential as last fetched from its site, so one
    fetch serves every credential that names it (docs/adr/0015). Public by design: the
    issuer publishes it for anyone to read. Its proof is checked at each use, not here."""

    url = models.CharField(max_length=1000, unique=True)
    document = models.JSONField(null=True, blank=True, help_text="As last fetched.")
    etag = models.CharField(max_length=300, blank=True, default="")
    last_modified = models.CharField(max_length=100, blank=True, default="")
    fetched_at = models.DateTimeField(null=True, blank=True, help_text="Last successful fetch.")
    tried_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text="First failed fetch since the last successful one."
    )
    last_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return f"Status list {self.url}"
