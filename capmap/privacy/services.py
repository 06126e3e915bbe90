"""People's rights over their data: asking for a subject access export, making it in the
background, downloading it, and erasing a person. Permission-checked, audited, atomic."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from capmap.core import jobs
from capmap.core.actors import SYSTEM, is_system, require_actor, set_actor, user_or_none
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.people import policy
from capmap.people.models import Person

from . import erasure
from .export import write_export
from .models import (
    CorrectableField,
    CorrectionRequest,
    CorrectionStatus,
    ErasureRecord,
    ExportStatus,
    SubjectAccessExport,
)

logger = logging.getLogger(__name__)


def export_days() -> int:
    """Days an export file is kept before `capmap apply-retention` removes it."""
    return SubjectAccessExport.keep_days()


# --- Subject access --------------------------------------------------------------------


@transaction.atomic
def request_export(*, actor, person: Person) -> SubjectAccessExport:
    """Queue an export of everything held about the person; a worker makes the ZIP."""
    from .tasks import produce_subject_access_export

    require_actor(actor)
    if not policy.allows(actor, policy.EXPORT_PERSONAL_DATA, person):
        raise NotPermitted("You cannot export this person's data.")
    with set_actor(actor):
        export = SubjectAccessExport.objects.create(
            person=person, requested_by=user_or_none(actor), progress_message="Waiting for a worker"
        )
    jobs.enqueue(export, produce_subject_access_export)
    return export


def make_export(*, export_id: int) -> SubjectAccessExport | None:
    """Build and store the ZIP (see `capmap.core.jobs.run`: started over after a crash,
    left alone once done)."""
    return jobs.run(SubjectAccessExport, export_id, _build, related=("person", "requested_by"))


def _build(export: SubjectAccessExport, progress: jobs.Progress, folder: Path) -> jobs.Made:
    # Checked again: the requester's roles may have changed since they asked.
    if export.person is None or (
        export.requested_by is not None
        and not policy.allows(export.requested_by, policy.EXPORT_PERSONAL_DATA, export.person)
    ):
        raise NotPermitted("You can no longer export this person's data.")
    path = folder / "export.zip"
    write_export(export.person, path, progress)
    return jobs.Made(path, "zip", {"size_bytes": path.stat().st_size})


@transaction.atomic
def record_download(*, actor, export: SubjectAccessExport) -> SubjectAccessExport:
    """Permission is checked again at download time; each download is in the audit trail."""
    if export.status != ExportStatus.DONE or not export.file or export.person is None:
        raise DomainError("This export is not ready or has expired.")
    if export.expires_at and export.expires_at <= timezone.now():
        raise DomainError("This export has expired. Ask for a new one.")
    if not policy.allows(actor, policy.EXPORT_PERSONAL_DATA, export.person):
        raise NotPermitted("You can no longer export this person's data.")
    export = SubjectAccessExport.objects.select_for_update().get(pk=export.pk)
    export.downloads = F("downloads") + 1
    with set_actor(actor):
        export.save(update_fields=["downloads"])
    export.refresh_from_db()
    return export


def export_to_file(*, person: Person, out: Path) -> dict:
    """The command line's export (the system acts): the ZIP written straight to a file."""
    with set_actor(SYSTEM):
        return write_export(person, out)


def prune_expired_exports(*, now: datetime | None = None, apply: bool = True) -> int:
    """Remove export files past their expiry; safe to run twice."""
    return jobs.prune(SubjectAccessExport, now=now, apply=apply)


# --- Erasure ---------------------------------------------------------------------------


def preview_erasure(*, actor, person: Person) -> erasure.ErasurePlan:
    if not policy.allows(actor, policy.ERASE_PERSON, person):
        raise NotPermitted("You cannot erase this person.")
    return erasure.plan_erasure(person)


@transaction.atomic
def erase_person(*, actor, person: Person, reason: str = "") -> ErasureRecord:
    """Erase the person all or nothing; run again, it finishes what is left and changes
    nothing else. The erasure is recorded (and logged to a file) so a restore re-applies it."""
    require_actor(actor)
    if not policy.allows(actor, policy.ERASE_PERSON, person):
        raise NotPermitted("You cannot erase this person.")
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("user", "employer")
        .get(pk=person.pk)
    )
    plan = erasure.plan_erasure(person)
    user_id = person.user_id
    summary = erasure.carry_out(plan)
    record = ErasureRecord.objects.filter(person_id_erased=person.pk).first()
    with set_actor(actor):
        if record is None:
            record = ErasureRecord.objects.create(
                person_id_erased=person.pk,
                fingerprint=fingerprint(person),
                user_id_erased=user_id,
                pseudonym=plan.pseudonym,
                erased_by=user_or_none(actor),
                erased_by_label="system" if is_system(actor) else f"user {actor.pk}",
                reason=reason[:300],
                erased_at=timezone.now(),
                summary=summary,
                organisation_path=person.employer.path,
            )
            line = log_line(record)
            transaction.on_commit(lambda: append_to_log_file(line))
    return record


def fingerprint(person: Person) -> str:
    """Tells the same staff record in a backup from another with the same key (a backup of
    another installation): its key and creation time, which identify no one."""
    return hashlib.sha256(f"{person.pk}|{person.created_at.isoformat()}".encode()).hexdigest()


def all_erasures():
    return ErasureRecord.objects.all()


def log_line(record: ErasureRecord) -> dict:
    return {
        "person_id": record.person_id_erased,
        "fingerprint": record.fingerprint,
        "user_id": record.user_id_erased,
        "pseudonym": record.pseudonym,
        "erased_at": record.erased_at.isoformat(),
        "erased_by": record.erased_by_label,
        "reason": record.reason,
        "summary": record.summary,
        "organisation_path": record.organisation_path,
    }


def log_file() -> Path:
    """The erasure log beside the database: it outlives a restore of an older backup."""
    default = Path(getattr(settings, "DATA_DIR", ".")) / "erasure-log.jsonl"
    return Path(getattr(settings, "CAPMAP_ERASURE_LOG", default))


def append_to_log_file(line: dict) -> None:
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
    except OSError:
        logger.exception("Could not write the erasure log file %s", path)


def read_log_file() -> list[dict]:
    path = log_file()
    if not path.is_file():
        return []
    lines = []
    for text in path.read_text(encoding="utf-8").splitlines():
        try:
            lines.append(json.loads(text))
        except json.JSONDecodeError:
            continue
    return lines


def reapply_erasure(line: dict) -> bool:
    """Apply one logged erasure again after a restore. True when the restored data still
    held the person identifiable (so they were erased again); the log row is put back."""
    person = Person.objects.filter(pk=int(line["person_id"])).select_related("user").first()
    if person is not None and fingerprint(person) != line.get("fingerprint"):
        return False  # a different staff record under the same key
    with transaction.atomic():
        if not ErasureRecord.objects.filter(person_id_erased=line["person_id"]).exists():
            ErasureRecord.objects.create(
                person_id_erased=line["person_id"],
                fingerprint=line.get("fingerprint", ""),
                user_id_erased=line.get("user_id"),
                pseudonym=line["pseudonym"],
                erased_by_label=line.get("erased_by", ""),
                reason=line.get("reason", ""),
                erased_at=datetime.fromisoformat(line["erased_at"]),
                summary=line.get("summary", {}),
                organisation_path=line.get("organisation_path", ""),
            )
        if person is None:
            return False
        if person.first_name == erasure.ERASED_FIRST_NAME and person.last_name == line["pseudonym"]:
            return False
        erase_person(actor=SYSTEM, person=person, reason=line.get("reason", ""))
    return True


# --- Correction --------------------------------------------------------------------------


@transaction.atomic
def propose_correction(
    *, actor, person: Person, field: str, value: str, note: str = ""
) -> CorrectionRequest:
    """The person proposes a correction to their own staff record; an admin decides."""
    require_actor(actor)
    if not policy.allows(actor, policy.PROPOSE_CORRECTION, person):
        raise NotPermitted("You can propose corrections only to your own record.")
    if field not in CorrectableField.values:
        raise DomainError("Choose what to correct.")
    value = value.strip()
    current = str(getattr(person, field) or "")
    if value == current:
        raise DomainError("The new value is the same as the one held. Enter the correct value.")
    with set_actor(actor):
        return CorrectionRequest.objects.create(
            person=person,
            field=field,
            current_value=current[:200],
            proposed_value=value[:200],
            note=note.strip()[:300],
            proposed_by=actor,
        )


@transaction.atomic
def decide_correction(*, actor, correction: CorrectionRequest, approve: bool) -> CorrectionRequest:
    """An admin over the person approves (the record changes, old and new values in the
    audit trail) or rejects a pending correction."""
    require_actor(actor)
    correction = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
    person = Person.objects.select_for_update().get(pk=correction.person_id)
    if not policy.allows(actor, policy.APPROVE_CORRECTION, person):
        raise NotPermitted("You cannot decide corrections to this record.")
    if correction.status != CorrectionStatus.PENDING:
        raise DomainError("This correction has already been decided.")
    with set_actor(actor):
        if approve:
            setattr(person, correction.field, correction.proposed_value)
            try:
                person.full_clean()
            except ValidationError as error:
                messages = [m for ms in error.message_dict.values() for m in ms]
                raise DomainError(" ".join(messages)) from None
            person.save()
        correction.status = CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED
        correction.decided_by = user_or_none(actor)
        correction.decided_at = timezone.now()
        correction.save()
    return correction


# --- Retention: capmap/privacy/retention.py ----------------------------------------------

from .retention import (  # noqa: E402, F401
    apply_retention,
    retention_due,
    schedule_of,
    set_schedule,
)
