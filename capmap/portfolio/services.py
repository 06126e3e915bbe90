"""State changes for the evidence portfolio: add evidence, review it. Atomic, checked, audited."""

from __future__ import annotations

import uuid
from datetime import date
from typing import cast

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from capmap.core.actors import set_actor
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.core.workflow import transition
from capmap.frameworks.models import Competency
from capmap.people import policy
from capmap.people.models import Person

from .files import check_file
from .models import EvidenceItem, EvidenceKind, EvidenceReview, EvidenceStatus


def _store(person: Person, content: bytes, name: str) -> tuple[str, str, str]:
    checked = check_file(content, name)
    stored = default_storage.save(
        f"portfolio/{person.pk}/{uuid.uuid4().hex}{checked.extension}", ContentFile(content)
    )
    return stored, checked.content_type, (name or f"evidence{checked.extension}")[:255]


def add_evidence(
    *,
    actor,
    person: Person,
    kind: str,
    title: str,
    occurred_on: date,
    description: str = "",
    competencies: list[Competency],
    file_content: bytes | None = None,
    file_name: str = "",
) -> EvidenceItem:
    """A person adds evidence to their own portfolio (a supervisor may add it for them)."""
    if not policy.allows(actor, policy.WRITE_RECORD, person):
        raise NotPermitted("You cannot add evidence to this portfolio.")
    if kind not in EvidenceKind.values:
        raise DomainError("Choose the kind of evidence.")
    if not competencies:
        raise DomainError("Choose at least one competency this evidence shows.")
    if not title.strip():
        raise DomainError("Enter a title.")
    stored = ("", "", "")
    if file_content is not None:
        stored = _store(person, file_content, file_name)  # refuses before anything is saved
    try:
        with transaction.atomic(), set_actor(actor):
            item = EvidenceItem.objects.create(
                person=person,
                kind=kind,
                title=title.strip(),
                occurred_on=occurred_on,
                description=description.strip(),
                file=stored[0],
                content_type=stored[1],
                file_name=stored[2],
                size=len(file_content or b""),
                added_by=actor,
            )
            item.competencies.set(competencies)
            transition(actor=actor, subject=item, to=EvidenceReview.SUBMITTED)
    except Exception:
        if stored[0]:
            default_storage.delete(stored[0])
        raise
    return item


@transaction.atomic
def review_evidence(
    *, actor, evidence: EvidenceItem, accept: bool, comment: str = ""
) -> EvidenceStatus:
    """A supervisor or manager accepts or rejects evidence; rejecting needs a reason."""
    evidence = EvidenceItem.objects.select_related("person__employer").get(pk=evidence.pk)
    if not policy.allows(actor, policy.VERIFY_RECORD, evidence.person):
        raise NotPermitted("Only the person's supervisor, mentor or manager can review evidence.")
    if not accept and not comment.strip():
        raise DomainError("Enter a comment saying why the evidence is rejected.")
    row = transition(
        actor=actor,
        subject=evidence,
        to=EvidenceReview.ACCEPTED if accept else EvidenceReview.REJECTED,
        comment=comment,
    )
    return cast(EvidenceStatus, row)
