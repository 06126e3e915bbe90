"""The retention schedule: per organisation, how long each kind of record is kept after a
person's employment ends, and `capmap apply-retention`, which removes what is past it.

A kind's period comes from the person's employer, else the nearest organisation above it
with a period for that kind, else the default (`DEFAULT_RETENTION_YEARS`, reasoned in the
README). When the staff record's period ends the person is erased (services.erase_person:
sign-offs and their audit trail are kept under a pseudonym, everything else deleted);
before that, each shorter period deletes its own kind's rows and the audit entries about
them. Sign-offs are the one kind kept longer than the staff record: when their period ends
the pseudonymised sign-offs, verified levels and signed-off assessments go too. Running it
twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from auditlog.models import LogEntry
from django.db import transaction
from django.utils import timezone

from capmap.core import jobs
from capmap.core.actors import SYSTEM, require_actor, set_actor
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.credentials.models import IssuedCredential
from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import Person

from . import erasure
from .models import (
    DEFAULT_RETENTION_YEARS,
    MAX_RETENTION_YEARS,
    ErasureRecord,
    RecordKind,
    RetentionPeriod,
)

# The models of the personal-data map each kind removes (its DELETE kinds about the person;
# clinical-assurance rows among them, such as a signed-off assessment's ratings, stay).
MODELS: dict[str, frozenset[str]] = {
    RecordKind.NOTIFICATIONS: frozenset({"assessments.Notification", "reports.ReminderLog"}),
    RecordKind.SIGN_IN: frozenset(
        {
            "account.EmailAddress",
            "account.EmailConfirmation",
            "mfa.Authenticator",
            "socialaccount.SocialAccount",
            "socialaccount.SocialToken",
            "api.ApiToken",
            "core.PendingUpload",
        }
    ),
    RecordKind.PLACEMENTS: frozenset(
        {
            "placements.Invitation",
            "placements.SessionLog",
            "placements.Participation",
            "placements.AllocationAdjustment",
            "placements.Preference",
            "placements.Application",
        }
    ),
    RecordKind.EVIDENCE: frozenset({"portfolio.EvidenceStatus", "portfolio.EvidenceItem"}),
    RecordKind.ASSESSMENTS: frozenset(
        {
            "assessments.SelfRating",
            "assessments.AssessorRating",
            "assessments.AssessmentStatus",
            "assessments.Assessment",
            "development.Objective",
            "development.PlanStatus",
            "development.DevelopmentPlan",
        }
    ),
}

# What an erasure keeps for clinical assurance, in the order it can be deleted (each model
# is pointed at by the ones before it, with PROTECT).
SIGN_OFF_MODELS = (
    "assessments.CurrentCapability",
    "assessments.CapabilityEvent",
    "assessments.CompetencySignOff",
    "assessments.SignOff",
    "assessments.SelfRating",
    "assessments.AssessorRating",
    "assessments.AssessmentStatus",
    "assessments.Assessment",
)
MODELS[RecordKind.SIGN_OFFS] = frozenset(SIGN_OFF_MODELS)


# --- The schedule ---------------------------------------------------------------------


@dataclass
class Period:
    kind: RecordKind
    years: int
    source: str  # "this organisation", the organisation above it that set it, or "default"


def _periods(
    kinds_at: dict[tuple[int, str], int],
    organisation: Organisation,
    names: dict[int, str] | None = None,
) -> list[Period]:
    names = names or {}
    found = []
    for kind in RecordKind:
        period = Period(kind, DEFAULT_RETENTION_YEARS[kind], "default")
        for pk in reversed(organisation.ancestor_ids()):
            if (pk, kind.value) in kinds_at:
                source = "this organisation" if pk == organisation.pk else names.get(pk, "")
                period = Period(kind, kinds_at[(pk, kind.value)], source)
                break
        found.append(period)
    return found


def _all_periods() -> dict[tuple[int, str], int]:
    rows = RetentionPeriod.objects.values_list("organisation_id", "kind", "years")
    return {(org, kind): years for org, kind, years in rows}


def schedule_of(organisation: Organisation) -> list[Period]:
    """The period that applies at this organisation for each kind, and where it comes from."""
    mine = RetentionPeriod.objects.filter(organisation_id__in=organisation.ancestor_ids())
    kinds_at = {(r.organisation_id, r.kind): r.years for r in mine}
    names = dict(
        Organisation.objects.filter(pk__in=organisation.ancestor_ids()).values_list("pk", "name")
    )
    return _periods(kinds_at, organisation, names)


def check_schedule(years: dict[str, int]) -> list[str]:
    """Problems with a schedule, in words for the admin (empty when it is sound)."""
    problems = []
    for kind in RecordKind:
        value = years.get(kind.value)
        if value is None:
            problems.append(f"Enter how many years {kind.label.lower()} are kept.")
        elif not 0 <= value <= MAX_RETENTION_YEARS:
            problems.append(
                f"{kind.label} must be kept between 0 and {MAX_RETENTION_YEARS} whole years."
            )
    if problems:
        return problems
    staff = years[RecordKind.STAFF_RECORD]
    for kind in RecordKind:
        if kind is not RecordKind.SIGN_OFFS and years[kind.value] > staff:
            problems.append(
                f"{kind.label} cannot be kept longer than the staff record ({staff} years): "
                "erasing the person removes them then. Shorten it or keep the staff record "
                "longer."
            )
    if years[RecordKind.SIGN_OFFS] < staff:
        problems.append(
            f"{RecordKind.SIGN_OFFS.label} cannot be kept for less time than the staff record "
            f"({staff} years): they show the person was competent when they practised, and "
            "are kept under a pseudonym after the person is erased. Keep them "
            f"{staff} years or longer."
        )
    return problems


@transaction.atomic
def set_schedule(*, actor, organisation: Organisation, years: dict[str, int]) -> list[Period]:
    """An admin over the organisation sets its period for every kind, all or nothing;
    each change is in the audit trail with the old and new number of years."""
    require_actor(actor)
    if not policy.allows(actor, policy.MANAGE_ORGANISATIONS, organisation):
        raise NotPermitted("You cannot change this organisation's retention schedule.")
    problems = check_schedule(years)
    if problems:
        raise DomainError(" ".join(problems))
    with set_actor(actor):
        for kind in RecordKind:
            row = RetentionPeriod.objects.filter(organisation=organisation, kind=kind).first()
            if row is None:
                RetentionPeriod.objects.create(
                    organisation=organisation, kind=kind, years=years[kind.value]
                )
            elif row.years != years[kind.value]:
                row.years = years[kind.value]
                row.save()
    return schedule_of(organisation)


# --- What is due, and applying it --------------------------------------------------------


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class Removal:
    person: Person
    kind: RecordKind
    years: int
    rows: dict[str, list]

    @property
    def count(self) -> int:
        return sum(len(pks) for pks in self.rows.values())


@dataclass
class RetentionReport:
    erase: list[tuple[Person, int]] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    expired_files: dict[str, int] = field(default_factory=dict)

    # Kept for the command line's callers: people to erase, as before.
    @property
    def due(self) -> list[tuple[Person, int]]:
        return self.erase

    def as_text(self) -> str:
        lines = []
        for kind in RecordKind:
            if kind is RecordKind.STAFF_RECORD:
                continue
            mine = [r for r in self.removals if r.kind is kind]
            lines.append(
                f"{kind.label}: {sum(r.count for r in mine)} record(s) of {len(mine)} person(s)"
            )
            for r in mine:
                lines.append(
                    f"  staff record {r.person.pk} at {r.person.employer.name}: left "
                    f"{r.person.end_date:%d %B %Y}, kept {r.years} year(s): {r.count} record(s)"
                )
        lines.append(f"People past their retention schedule (to erase): {len(self.erase)}")
        for person, years in self.erase:
            lines.append(
                f"  staff record {person.pk} at {person.employer.name}: left "
                f"{person.end_date:%d %B %Y}, kept {years} year(s)"
            )
        for label, count in self.expired_files.items():
            lines.append(f"Expired {label} to remove: {count}")
        return "\n".join(lines)


def retention_due(*, today: date | None = None) -> RetentionReport:
    """What `capmap apply-retention` would do today, kind by kind (nothing is changed)."""
    today = today or timezone.localdate()
    kinds_at = _all_periods()
    erased = set(ErasureRecord.objects.values_list("person_id_erased", flat=True))
    # Erased people stay in the query: their sign-offs have a period of their own.
    left = (
        Person.objects.filter(end_date__isnull=False, end_date__lt=today)
        .select_related("employer", "user")
        .order_by("end_date", "pk")
    )
    report = RetentionReport()
    for person in left.iterator():
        end = person.end_date
        if end is None:  # excluded by the query; said again for the type checker
            continue
        periods = {p.kind: p.years for p in _periods(kinds_at, person.employer)}
        # Sign-offs never go while the person is identifiable, even where a schedule saved
        # before sign-offs had a period of their own keeps the staff record longer.
        periods[RecordKind.SIGN_OFFS] = max(
            periods[RecordKind.SIGN_OFFS], periods[RecordKind.STAFF_RECORD]
        )
        due = [kind for kind, years in periods.items() if _add_years(end, years) < today]
        if person.pk in erased or RecordKind.STAFF_RECORD in due:
            # The erasure deletes every other kind; only sign-offs are left to go.
            if person.pk not in erased:
                report.erase.append((person, periods[RecordKind.STAFF_RECORD]))
            due = [kind for kind in due if kind is RecordKind.SIGN_OFFS]
        for kind in due:
            if kind is RecordKind.SIGN_OFFS:
                rows = erasure.assurance_rows(person, SIGN_OFF_MODELS)
            else:
                rows = erasure.rows_to_remove(person, set(MODELS[kind]))
            removal = Removal(person, kind, periods[kind], rows)
            if removal.count:
                report.removals.append(removal)
    now = timezone.now()
    for model in jobs.job_models():
        report.expired_files[str(model._meta.verbose_name_plural)] = jobs.prune(
            model, now=now, apply=False
        )
    return report


def apply_retention(*, today: date | None = None) -> RetentionReport:
    """Remove each kind past its period, erase everyone past the staff record's, and remove
    expired files; every step is audited. Safe to run twice."""
    from . import services

    report = retention_due(today=today)
    last = [r for r in report.removals if r.kind is RecordKind.SIGN_OFFS]
    for removal in report.removals:
        if removal.kind is not RecordKind.SIGN_OFFS:
            _remove(removal)
    for person, years in report.erase:
        services.erase_person(
            actor=SYSTEM,
            person=person,
            reason=f"Retention schedule: {years} year(s) after employment ended",
        )
    # After the erasures: a person due for both is pseudonymised first, so the audit trail
    # of their sign-offs is never left naming them while it is removed.
    for removal in last:
        _remove(removal)
    for model in jobs.job_models():
        jobs.prune(model)
    return report


def _remove(removal: Removal) -> None:
    """Delete one kind of one person's records, and say so in their staff record's audit
    trail (which names no one once they are erased)."""
    with transaction.atomic(), set_actor(SYSTEM):
        kept = ""
        if removal.kind is RecordKind.SIGN_OFFS:
            # A credential issued on a verified level is in its holder's hands and its issuer
            # must still be able to revoke it; it carries its own achievement and level, so
            # it stays, no longer pointing at the event it was issued on.
            events = removal.rows.get("assessments.CapabilityEvent", [])
            credentials = IssuedCredential.objects.filter(capability_event_id__in=events)
            detached = credentials.update(capability_event=None)
            if detached:
                kept = f"; {detached} credential(s) issued on them kept"
        count = erasure.remove_rows(removal.rows)
        LogEntry.objects.log_create(
            removal.person,
            force_log=True,
            action=LogEntry.Action.UPDATE,
            changes={
                "retention": [
                    "",
                    f"{count} record(s) of {removal.kind.label.lower()} removed: kept "
                    f"{removal.years} year(s) after employment ended{kept}",
                ]
            },
        )
