"""Erasing a person: deleted what has no retention need, pseudonymised what clinical
assurance must keep, all or nothing, audited, safe to run twice."""

import json
from collections import Counter

import pytest
from auditlog.models import LogEntry
from django.core.files.storage import default_storage

from capmap.accounts.models import User
from capmap.assessments.models import Assessment, CapabilityEvent, Notification, SignOff
from capmap.core.exceptions import NotPermitted
from capmap.organisations.models import Membership
from capmap.people.models import Person
from capmap.portfolio.models import EvidenceItem
from capmap.privacy import erasure, services
from capmap.privacy.datamap import Action
from capmap.privacy.models import ErasureRecord

from .conftest import REGISTRATION


def _everything_in_the_audit_trail() -> str:
    return "\n".join(
        f"{e.object_repr} {e.changes_text} {json.dumps(e.changes)} {json.dumps(e.additional_data)} "
        f"{e.actor_email}"
        for e in LogEntry.objects.all()
    ).lower()


def _erase(p, django_capture_on_commit_callbacks, actor=None):
    with django_capture_on_commit_callbacks(execute=True):
        return services.erase_person(actor=actor or p.ics_admin, person=p.pharmacist)


def test_the_plan_says_what_is_deleted_and_what_is_kept_and_why(p):
    plan = services.preview_erasure(actor=p.ics_admin, person=p.pharmacist)
    deleted, kept = Counter(), Counter()
    for line in plan.of(Action.DELETE):
        deleted[line.kind.model] += line.count
    for line in plan.of(Action.KEEP):
        kept[line.kind.model] += line.count
    assert deleted["portfolio.EvidenceItem"] == 1
    assert deleted["assessments.Assessment"] == 1  # the draft
    assert kept["assessments.Assessment"] == 1  # the signed-off one
    assert kept["assessments.SignOff"] == 2  # hers, and the one she gave
    assert plan.files == [p.evidence_file]
    text = plan.as_text()
    assert "Clinical assurance" in text and "No retention need" in text
    # Nothing changed by a preview.
    assert EvidenceItem.objects.filter(pk=p.evidence.pk).exists()


def test_erasing_someone_who_signed_off_others_and_was_signed_off(
    p, django_capture_on_commit_callbacks
):
    record = _erase(p, django_capture_on_commit_callbacks)

    person = Person.objects.get(pk=p.pharmacist.pk)
    assert person.full_name == f"Erased person {record.pseudonym}"
    assert person.email == ""
    assert person.registration_number == record.pseudonym
    user = User.objects.get(pk=p.pharmacist_user.pk)
    assert user.email == f"{record.pseudonym.lower()}@erased.invalid"
    assert not user.is_active and not user.has_usable_password()
    # Clinical assurance kept: her sign-off, the one she gave, and the level history.
    assert SignOff.objects.filter(pk=p.her_sign_off.pk).exists()
    given = SignOff.objects.get(pk=p.given_sign_off.pk)
    assert given.signed_by_id == user.pk
    assert CapabilityEvent.objects.filter(person=person).exists()
    # No retention need: gone, the file from storage too.
    assert not Assessment.objects.filter(pk=p.draft.pk).exists()
    assert not EvidenceItem.objects.filter(person=person).exists()
    assert not default_storage.exists(p.evidence_file)
    assert not Notification.objects.filter(recipient=user).exists()
    assert not Membership.objects.filter(user=user).exists()
    # The colleague's record is untouched.
    assert Person.objects.get(pk=p.colleague.pk).full_name == "Tom Baker"
    # The audit trail no longer identifies her.
    trail = _everything_in_the_audit_trail()
    for value in ("priya", "shah", REGISTRATION, "priya.shah@"):
        assert value not in trail, value
    assert record.pseudonym.lower() in trail
    # The erasure itself is audited, with who did it.
    entry = LogEntry.objects.get_for_object(record).get()
    assert entry.actor_id == p.ics_admin.pk


def test_erasing_twice_changes_nothing_more(p, django_capture_on_commit_callbacks):
    first = _erase(p, django_capture_on_commit_callbacks)
    snapshot = (
        Person.objects.get(pk=p.pharmacist.pk).full_name,
        SignOff.objects.count(),
        LogEntry.objects.exclude(content_type__model="erasurerecord").count(),
    )
    second = _erase(p, django_capture_on_commit_callbacks)
    assert second.pk == first.pk and second.pseudonym == first.pseudonym
    assert ErasureRecord.objects.count() == 1
    assert snapshot == (
        Person.objects.get(pk=p.pharmacist.pk).full_name,
        SignOff.objects.count(),
        LogEntry.objects.exclude(content_type__model="erasurerecord").count(),
    )


def test_erasure_is_all_or_nothing(p, monkeypatch, django_capture_on_commit_callbacks):
    def fail(*args, **kwargs):
        raise RuntimeError("storage down")

    monkeypatch.setattr(erasure, "_scrub_audit", fail)
    with pytest.raises(RuntimeError):
        _erase(p, django_capture_on_commit_callbacks)
    assert EvidenceItem.objects.filter(pk=p.evidence.pk).exists()
    assert default_storage.exists(p.evidence_file)
    assert Person.objects.get(pk=p.pharmacist.pk).last_name == "Shah"
    assert not ErasureRecord.objects.exists()


@pytest.mark.parametrize("who", ["other_admin", "manager", "mentor", "pharmacist_user"])
def test_no_one_erases_a_person_outside_their_organisations(p, who):
    with pytest.raises(NotPermitted):
        services.erase_person(actor=getattr(p, who), person=p.pharmacist)
    with pytest.raises(NotPermitted):
        services.preview_erasure(actor=getattr(p, who), person=p.pharmacist)
    assert Person.objects.get(pk=p.pharmacist.pk).last_name == "Shah"


@pytest.fixture
def in_object_storage(settings, tmp_path):
    """Files kept through Django's storage API away from local disk, as in object storage
    (S3Storage answers the same calls): in memory here, so no bucket is needed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "never-used"
    return settings.MEDIA_ROOT


def test_erasure_removes_evidence_files_from_storage_that_is_not_local_disk(
    in_object_storage, p, django_capture_on_commit_callbacks
):
    assert type(default_storage._wrapped).__name__ == "InMemoryStorage"
    assert default_storage.exists(p.evidence_file)
    _erase(p, django_capture_on_commit_callbacks)
    assert not default_storage.exists(p.evidence_file)
    assert not in_object_storage.exists()  # nothing ever went to local disk
