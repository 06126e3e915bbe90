"""The retention schedule is set kind of record by kind, per organisation: each kind is
removed when its own period after employment ends, the person is erased when the staff
record's does, and `capmap apply-retention` reports it kind by kind and is safe twice."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from capmap.assessments.models import Assessment, Notification, SignOff
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.people.models import Person
from capmap.portfolio.models import EvidenceItem
from capmap.privacy import services
from capmap.privacy.datamap import KINDS, Action
from capmap.privacy.models import (
    DEFAULT_RETENTION_YEARS,
    ErasureRecord,
    RecordKind,
    RetentionPeriod,
)
from capmap.privacy.retention import MODELS

SCHEDULE = {"notifications": 1, "sign_in": 1, "placements": 2, "evidence": 3, "assessments": 3}


def _left(p, years_ago: float) -> None:
    left = datetime.date.today() - datetime.timedelta(days=int(years_ago * 366))
    Person.objects.filter(pk=p.pharmacist.pk).update(
        start_date=datetime.date(2015, 1, 1), end_date=left
    )


def test_every_kind_removes_only_records_an_erasure_would_delete():
    deletable = {kind.model for kind in KINDS if kind.erasure is Action.DELETE and kind.subject}
    for kind in RecordKind:
        if kind is not RecordKind.STAFF_RECORD:
            assert MODELS[kind] <= deletable, kind
    assert set(DEFAULT_RETENTION_YEARS) == set(RecordKind)
    staff = DEFAULT_RETENTION_YEARS[RecordKind.STAFF_RECORD]
    assert all(years <= staff for years in DEFAULT_RETENTION_YEARS.values())


def test_each_kind_goes_after_its_own_period_and_sign_offs_stay(
    p, capsys, django_capture_on_commit_callbacks
):
    assert Notification.objects.filter(recipient=p.pharmacist_user).exists()
    _left(p, 1.5)  # past notifications and sign-in (1 year), within the rest
    call_command("apply_retention")
    out = capsys.readouterr().out
    assert "Notifications and reminders: " in out and "Dry run" in out
    assert Notification.objects.filter(recipient=p.pharmacist_user).exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--yes")
    assert not Notification.objects.filter(recipient=p.pharmacist_user).exists()
    assert EvidenceItem.objects.filter(person=p.pharmacist).exists()
    assert not ErasureRecord.objects.exists()
    entry = LogEntry.objects.get_for_object(p.pharmacist).filter(changes__has_key="retention")
    assert entry.count() == 1
    call_command("apply_retention", "--yes")  # the second run finds nothing
    assert "Notifications and reminders: 0 record(s) of 0 person(s)" in capsys.readouterr().out

    _left(p, 3.5)  # now past evidence and assessments (3 years) too
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--yes")
    assert not EvidenceItem.objects.filter(person=p.pharmacist).exists()
    assert not default_storage.exists(p.evidence_file)
    assert not Assessment.objects.filter(pk=p.draft.pk).exists()  # never signed off
    assert SignOff.objects.filter(pk=p.her_sign_off.pk).exists()  # clinical assurance
    assert Person.objects.get(pk=p.pharmacist.pk).last_name == "Shah"  # not erased yet
    assert not ErasureRecord.objects.exists()


def test_an_organisation_below_follows_the_one_above_kind_by_kind(p):
    services.set_schedule(
        actor=p.ics_admin,
        organisation=p.orgs.ics,
        years={**SCHEDULE, "evidence": 2, "assessments": 2, "staff_record": 2},
    )
    periods = {period.kind: period for period in services.schedule_of(p.orgs.practice_a)}
    assert periods[RecordKind.STAFF_RECORD].years == 2
    assert periods[RecordKind.STAFF_RECORD].source == p.orgs.ics.name
    _left(p, 2.5)
    assert [person.pk for person, _ in services.retention_due().erase] == [p.pharmacist.pk]


def test_an_admin_sets_the_schedule_all_or_nothing_and_it_is_audited(p):
    services.set_schedule(
        actor=p.ics_admin, organisation=p.orgs.practice_a, years={**SCHEDULE, "staff_record": 8}
    )
    row = RetentionPeriod.objects.get(organisation=p.orgs.practice_a, kind="staff_record")
    services.set_schedule(
        actor=p.ics_admin, organisation=p.orgs.practice_a, years={**SCHEDULE, "staff_record": 10}
    )
    change = LogEntry.objects.get_for_object(row).filter(actor=p.ics_admin).latest("pk")
    assert change.changes["years"] == ["8", "10"]
    with pytest.raises(DomainError, match="cannot be kept longer than the staff record"):
        services.set_schedule(
            actor=p.ics_admin,
            organisation=p.orgs.practice_a,
            years={**SCHEDULE, "evidence": 12, "staff_record": 4},
        )
    saved = dict(
        RetentionPeriod.objects.filter(organisation=p.orgs.practice_a).values_list("kind", "years")
    )
    assert saved["staff_record"] == 10 and saved["evidence"] == 3  # nothing changed


def test_an_admin_of_another_organisation_cannot_set_the_schedule(p, client):
    with pytest.raises(NotPermitted):
        services.set_schedule(
            actor=p.other_admin,
            organisation=p.orgs.practice_a,
            years={**SCHEDULE, "staff_record": 6},
        )
    client.force_login(p.other_admin)
    url = reverse("privacy:edit_retention", args=[p.orgs.practice_a.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {**SCHEDULE, "staff_record": 1}).status_code == 404
    assert not RetentionPeriod.objects.exists()


def test_the_schedule_page(p, client):
    client.force_login(p.ics_admin)
    url = reverse("privacy:edit_retention", args=[p.orgs.practice_a.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Evidence and its files (years)" in page.content.decode()
    bad = client.post(url, {**SCHEDULE, "evidence": "lots", "staff_record": "6"})
    assert bad.status_code == 400
    assert "Enter a whole number of years for evidence and its files" in bad.content.decode()
    longer = client.post(url, {**SCHEDULE, "evidence": "9", "staff_record": "6"})
    assert longer.status_code == 400 and "cannot be kept longer" in longer.content.decode()
    assert not RetentionPeriod.objects.exists()
    saved = client.post(url, {**SCHEDULE, "staff_record": "7"}, follow=True)
    assert "The retention schedule has been saved." in saved.content.decode()
    assert (
        RetentionPeriod.objects.get(organisation=p.orgs.practice_a, kind="staff_record").years == 7
    )
