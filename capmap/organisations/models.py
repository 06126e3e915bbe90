"""The organisation tree (ICS > trust / PCN / federation > practice or site) and memberships."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from capmap.core.models import TimeStampedModel

from .validators import validate_ods_code


class OrganisationKind(models.TextChoices):
    ICS = "ics", "Integrated care system"
    TRUST = "trust", "NHS trust"
    PCN = "pcn", "Primary care network"
    FEDERATION = "federation", "GP federation"
    PRACTICE = "practice", "GP practice"
    SITE = "site", "Site"


# Which kinds may sit directly under which: keeps the tree shaped like the NHS.
ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    OrganisationKind.ICS: {None},
    OrganisationKind.TRUST: {OrganisationKind.ICS},
    OrganisationKind.PCN: {OrganisationKind.ICS, OrganisationKind.FEDERATION},
    OrganisationKind.FEDERATION: {OrganisationKind.ICS},
    OrganisationKind.PRACTICE: {OrganisationKind.PCN, OrganisationKind.FEDERATION},
    OrganisationKind.SITE: {
        OrganisationKind.TRUST,
        OrganisationKind.PRACTICE,
        OrganisationKind.PCN,
    },
}


class Organisation(TimeStampedModel):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    ods_code = models.CharField(
        "ODS code",
        max_length=10,
        blank=True,
        default="",
        validators=[validate_ods_code],
        help_text="The Organisation Data Service code, for example RF4 or F86001.",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of ids ("/1/4/9/"), so a subtree is one indexed prefix match.
    path = models.CharField(max_length=500, db_index=True, editable=False, default="")
    hard_to_recruit = models.BooleanField(
        default=False, help_text="Flag practices in areas that find it hard to recruit."
    )
    # From the NHS ODS files (`capmap import-organisations`); empty for one typed in. The
    # database default too, so code written before these columns (older migrations' models,
    # a second server mid-upgrade) still inserts rows.
    postcode = models.CharField(max_length=10, blank=True, default="", db_default="")
    opened_on = models.DateField("open date", null=True, blank=True)
    closed_on = models.DateField(
        "close date",
        null=True,
        blank=True,
        help_text="Closed organisations are kept, with the date they closed.",
    )
    commissioner_code = models.CharField(
        "commissioner",
        max_length=10,
        blank=True,
        default="",
        db_default="",
        help_text="The ODS code of the sub-ICB location (formerly the CCG) that commissions it.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"], condition=~Q(ods_code=""), name="unique_ods_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def depth(self) -> int:
        return self.depth_of(self.path)

    @staticmethod
    def depth_of(path: str) -> int:
        """The depth of the organisation at `path`, 0 for an ICS (for rows read as values)."""
        return path.count("/") - 2

    def is_within(self, other: "Organisation") -> bool:
        return self.path.startswith(other.path)

    def ancestor_ids(self) -> list[int]:
        """Ids of the organisations above this one and itself, the root (ICS) first.

        The one reading of the materialised path: nothing else splits `path`.
        """
        return [int(part) for part in self.path.split("/") if part]

    def ancestor_paths(self) -> list[str]:
        """Paths of the organisations above this one and itself, the root first."""
        ids = [str(pk) for pk in self.ancestor_ids()]
        return ["/" + "/".join(ids[: n + 1]) + "/" for n in range(len(ids))]

    def expected_path(self) -> str:
        """The materialised path this organisation has under its current parent."""
        return f"{self.parent.path if self.parent_id else '/'}{self.pk}/"

    def get_additional_data(self) -> dict:
        """Stored with each audit entry, so admins see only their own subtree's history.

        On the first save the pk is only just known and `path` is still empty, so the
        "created" entry takes the path the organisation is about to get.
        """
        return {"organisation_path": self.path or self.expected_path()}


class Role(models.TextChoices):
    ADMIN = "admin", "Organisation admin"
    MANAGER = "manager", "Manager"
    SUPERVISOR = "supervisor", "Supervisor or mentor"
    PRACTITIONER = "practitioner", "Practitioner"
    VIEWER = "viewer", "Viewer"


class Membership(TimeStampedModel):
    """A user's role in an organisation; it applies to the organisation and its descendants."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_role_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.organisation.path}


def audit_data_for_member(user) -> dict:
    """Audit data for an entry about a user's own account (an API token, say): it belongs to
    every organisation where they are a member, so each of those organisations' admins sees
    it. Each path follows a space, so the audit scope can match " <admin's path>" inside."""
    paths = Membership.objects.filter(user=user).values_list("organisation__path", flat=True)
    return {"organisation_paths": "".join(f" {path}" for path in sorted(set(paths)))}
