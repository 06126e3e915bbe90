"""Erasure and pseudonymisation of one person, following the personal-data map.

Rows with no retention need are deleted (their files removed from storage once the
transaction commits); clinical-assurance records are kept and point at the staff record,
whose name, e-mail address and registration number become a stable pseudonym; the audit
trail about kept records is rewritten with the pseudonym, and about deleted ones removed.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.storage import default_storage
from django.db import models, transaction

from capmap.people.models import Person

from . import collect
from .datamap import BY_MODEL, KINDS, Action, DataKind
from .models import ErasureRecord

ERASED_FIRST_NAME = "Erased person"
ERASED_EMAIL_DOMAIN = "erased.invalid"
# Models whose rows carry a file in default storage: (model, file field).
FILE_FIELDS = {
    "portfolio.EvidenceItem": "file",
    "reports.ReportRequest": "file",
    "privacy.SubjectAccessExport": "file",
}
AUDIT = collect.AUDIT


@dataclass
class PlanLine:
    kind: DataKind
    action: Action
    count: int
    reason: str


@dataclass
class ErasurePlan:
    person: Person
    pseudonym: str
    already_erased: bool
    lines: list[PlanLine] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    rows: collect.PersonRows | None = None

    def of(self, action: Action) -> list[PlanLine]:
        return [line for line in self.lines if line.action is action and line.count]

    def as_text(self) -> str:
        out = [f"Erasure of staff record {self.person.pk}, to be known as {self.pseudonym}."]
        if self.already_erased:
            out.append(
                "This person has been erased before; running again changes only what is left."
            )
        for action, heading in (
            (Action.DELETE, "Deleted"),
            (Action.PSEUDONYMISE, "Pseudonymised"),
            (Action.KEEP, "Kept"),
        ):
            lines = self.of(action)
            out.append(f"{heading}:" if lines else f"{heading}: nothing")
            for line in lines:
                out.append(f"  {line.count:6d}  {line.kind.title} - {line.reason}")
        out.append(f"Files removed from storage: {len(self.files)}")
        return "\n".join(out)

    def summary(self) -> dict:
        result: dict = {"deleted": {}, "pseudonymised": {}, "kept": {}, "files": len(self.files)}
        names = {
            Action.DELETE: "deleted",
            Action.PSEUDONYMISE: "pseudonymised",
            Action.KEEP: "kept",
        }
        for line in self.lines:
            if line.count:
                bucket = result[names[line.action]]
                bucket[line.kind.model] = bucket.get(line.kind.model, 0) + line.count
        return result


def new_pseudonym() -> str:
    return "P" + secrets.token_hex(4).upper()


def pseudonym_for(person: Person) -> tuple[str, bool]:
    record = ErasureRecord.objects.filter(person_id_erased=person.pk).first()
    return (record.pseudonym, True) if record else (new_pseudonym(), False)


def _split(kind: DataKind, pks: list) -> tuple[list, list]:
    """(deleted, kept) primary keys of the subject rows of one kind."""
    if kind.erasure is not Action.DELETE:
        return [], pks
    if kind.keep_when is None or not pks:
        return pks, []
    manager = kind.model_class._base_manager
    kept = set(manager.filter(pk__in=pks).filter(kind.keep_when).values_list("pk", flat=True))
    return [pk for pk in pks if pk not in kept], [pk for pk in pks if pk in kept]


def _deleted_rows(rows: collect.PersonRows) -> dict[str, list]:
    return {
        kind.model: _split(kind, rows.about[kind.model])[0] for kind in KINDS if kind.model != AUDIT
    }


def _files(kind: DataKind, pks: list) -> list[str]:
    """Names in storage of the files these rows carry."""
    field_name = FILE_FIELDS.get(kind.model)
    if not field_name or not pks:
        return []
    names = kind.model_class._base_manager.filter(pk__in=pks).values_list(field_name, flat=True)
    return [name for name in names if name]


def plan_erasure(person: Person, pseudonym: str | None = None) -> ErasurePlan:
    """What erasing this person would do, kind by kind, and why (nothing is changed)."""
    code, before = pseudonym_for(person)
    plan = ErasurePlan(person=person, pseudonym=pseudonym or code, already_erased=before)
    rows = collect.rows_of(person)
    plan.rows = rows
    deleted = _deleted_rows(rows)
    for kind in KINDS:
        if kind.model == AUDIT:
            continue
        gone, kept = _split(kind, rows.about[kind.model])
        if kind.erasure is Action.DELETE:
            plan.lines.append(PlanLine(kind, Action.DELETE, len(gone), kind.reason))
            if kept:
                plan.lines.append(PlanLine(kind, Action.KEEP, len(kept), kind.keep_reason))
        else:
            plan.lines.append(PlanLine(kind, kind.erasure, len(kept), kind.reason))
        if rows.by[kind.model]:
            plan.lines.append(
                PlanLine(
                    kind,
                    Action.KEEP,
                    len(rows.by[kind.model]),
                    "Someone else's record or shared work, where this person is named as who "
                    "acted: kept, naming them by the pseudonym.",
                )
            )
        plan.files.extend(_files(kind, gone))
    audit_gone = collect.audit_about(deleted).values_list("pk", flat=True)
    audit_gone_set = set(audit_gone)
    audit_kind = next(k for k in KINDS if k.model == AUDIT)
    kept_audit = [pk for pk in rows.about[AUDIT] + rows.by[AUDIT] if pk not in audit_gone_set]
    plan.lines.append(
        PlanLine(audit_kind, Action.DELETE, len(audit_gone_set), "Entries about deleted records.")
    )
    plan.lines.append(
        PlanLine(
            audit_kind,
            Action.PSEUDONYMISE,
            len(kept_audit),
            "Entries about kept records and the person's own actions: name, e-mail address "
            "and registration number replaced by the pseudonym.",
        )
    )
    return plan


# --- Carrying it out -----------------------------------------------------------------


def _identifiers(person: Person, pseudonym: str) -> list[tuple[str, str]]:
    """(text, replacement) pairs: the person's identifying values, longest first, including
    values they held before (from the audit trail of their staff record and account)."""
    label = f"{ERASED_FIRST_NAME} {pseudonym}"
    email = f"{pseudonym.lower()}@{ERASED_EMAIL_DOMAIN}"
    pairs: dict[str, str] = {}

    def add(value, replacement):
        value = (value or "").strip()
        if len(value) >= 2 and pseudonym not in value and value != ERASED_FIRST_NAME:
            pairs.setdefault(value, replacement)

    user = person.user
    add(person.full_name, label)
    if user is not None:
        add(user.get_full_name(), label)
        add(user.email, email)
    add(person.email, email)
    add(person.registration_number, pseudonym)
    add(person.last_name, label)
    add(person.first_name, label)
    if user is not None:
        add(user.last_name, label)
        add(user.first_name, label)
    history = LogEntry.objects.filter(
        content_type__app_label="people", content_type__model="person", object_pk=str(person.pk)
    )
    for changes in history.values_list("changes", flat=True):
        for name, values in (changes or {}).items():
            replacement = {
                "email": email,
                "registration_number": pseudonym,
            }.get(name, label if name in ("first_name", "last_name") else None)
            if replacement is None or not isinstance(values, list):
                continue
            for value in values:
                if isinstance(value, str):
                    add(value, replacement)
    return sorted(pairs.items(), key=lambda pair: -len(pair[0]))


def _scrubber(pairs: list[tuple[str, str]]):
    if not pairs:
        return lambda text: text
    pattern = re.compile(
        "|".join(rf"(?<!\w){re.escape(value)}(?!\w)" for value, _ in pairs), re.IGNORECASE
    )
    lookup = {value.lower(): replacement for value, replacement in pairs}
    return lambda text: pattern.sub(lambda m: lookup[m.group(0).lower()], text) if text else text


def _scrub_audit(pks: list, scrub) -> None:
    for start in range(0, len(pks), 500):
        for entry in LogEntry.objects.filter(pk__in=pks[start : start + 500]):
            changes = entry.changes
            if changes is not None:
                changes = json.loads(scrub(json.dumps(changes)))
            additional = entry.additional_data
            if additional is not None:
                additional = json.loads(scrub(json.dumps(additional)))
            LogEntry.objects.filter(pk=entry.pk).update(
                object_repr=scrub(entry.object_repr),
                changes_text=scrub(entry.changes_text),
                changes=changes,
                additional_data=additional,
                serialized_data=None,
                actor_email=scrub(entry.actor_email or "") or None,
                remote_addr=None,
                remote_port=None,
            )


def _delete(model: type[models.Model], pks: list) -> None:
    """Delete rows, history rows included: erasure is the one path allowed to remove
    them, so it goes round the append-only managers with Django's own queryset delete."""
    for start in range(0, len(pks), 500):
        rows = models.QuerySet(model=model).filter(pk__in=pks[start : start + 500])
        models.QuerySet.delete(rows)


def _delete_files_after_commit(names: list[str]) -> None:
    def remove() -> None:
        for name in names:
            with contextlib.suppress(FileNotFoundError):
                default_storage.delete(name)

    transaction.on_commit(remove)


def carry_out(plan: ErasurePlan) -> dict:
    """Apply a plan inside the caller's transaction, with the audit log off (its entries
    would hold the very values being erased); the caller records the erasure."""
    person = plan.person
    rows = plan.rows or collect.rows_of(person)
    pseudonym = plan.pseudonym
    scrub = _scrubber(_identifiers(person, pseudonym))
    deleted = _deleted_rows(rows)
    with disable_auditlog():
        audit_gone = set(collect.audit_about(deleted).values_list("pk", flat=True))
        for kind in KINDS:
            if kind.model == AUDIT or not deleted.get(kind.model):
                continue
            _delete(kind.model_class, deleted[kind.model])
        LogEntry.objects.filter(pk__in=list(audit_gone)).delete()
        _scrub_audit(
            [pk for pk in rows.about[AUDIT] + rows.by[AUDIT] if pk not in audit_gone], scrub
        )
        Person._base_manager.filter(pk=person.pk).update(
            first_name=ERASED_FIRST_NAME,
            last_name=pseudonym,
            email="",
            registration_number=pseudonym if person.registration_number else "",
        )
        if person.user_id is not None:
            get_user_model()._base_manager.filter(pk=person.user_id).update(
                email=f"{pseudonym.lower()}@{ERASED_EMAIL_DOMAIN}",
                first_name=ERASED_FIRST_NAME,
                last_name=pseudonym,
                password=make_password(None),
                is_active=False,
                is_staff=False,
                is_superuser=False,
                last_login=None,
            )
    _delete_files_after_commit(plan.files)
    return plan.summary()


# --- One kind of record at a time (the retention schedule) ----------------------------


def rows_to_remove(person: Person, labels: set[str]) -> dict[str, list]:
    """Primary keys of the person's rows of these models that an erasure would delete
    (clinical-assurance rows stay), model by model."""
    return {
        kind.model: _split(kind, list(collect.about(kind, person).values_list("pk", flat=True)))[0]
        for kind in KINDS
        if kind.model in labels and kind.model != AUDIT and kind.erasure is Action.DELETE
    }


def assurance_rows(person: Person, labels: Sequence[str]) -> dict[str, list]:
    """Primary keys of the person's rows of these models that an erasure keeps for clinical
    assurance (sign-offs, and the signed-off assessments they rest on), in the order given."""
    found = {}
    for label in labels:
        kind = BY_MODEL[label]
        pks = list(collect.about(kind, person).values_list("pk", flat=True))
        found[label] = _split(kind, pks)[1]
    return found


def remove_rows(rows: dict[str, list]) -> int:
    """Delete rows found by `rows_to_remove` or `assurance_rows`, model by model in the
    dict's order (children first), with the audit entries about them and their files (once
    the transaction commits). Returns the rows deleted."""
    with disable_auditlog():
        audit_gone = list(collect.audit_about(rows).values_list("pk", flat=True))
        files: list[str] = []
        for label, pks in rows.items():
            if pks:
                kind = BY_MODEL[label]
                files.extend(_files(kind, pks))
                _delete(kind.model_class, pks)
        LogEntry.objects.filter(pk__in=audit_gone).delete()
    _delete_files_after_commit(files)
    return sum(len(pks) for pks in rows.values())
