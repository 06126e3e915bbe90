"""The retention schedule is set kind of record by kind, per organisation: each kind is
removed when its own period after employment ends, the person is erased when the staff
record's does, and `capmap apply-retention` reports it kind by kind and is safe twice."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from capmap.assessments import services as assessments
from capmap.assessments.models import Assessment, CapabilityEvent, Notification, SignOff
from capmap.core.actors import SYSTEM
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.credentials import services as credentials
from capmap.people.models import Person
from capmap.portfolio.models import EvidenceItem
from capmap.privacy import services
from capmap.privacy.datamap import ASSURANCE, KINDS, Action
from capmap.privacy.models import (
    DEFAULT_RETENTION_YEARS,
    ErasureRecord,
    RecordKind,
    RetentionPeriod,
)
from capmap.privacy.retention import MODELS, SIGN_OFF_MODELS

SCHEDULE = {
    "notifications": 1,
    "sign_in": 1,
    "placements": 2,
    "evidence": 3,
    "assessments": 3,
    "sign_offs": 25,
}


def _left(p, years_ago: float) -> None:
    left = datetime.date.today() - datetime.timedelta(days=int(years_ago * 366))
    Person.objects.filter(pk=p.pharmacist.pk).update(
        start_date=datetime.date(1990, 1, 1), end_date=left
    )


def test_every_kind_removes_only_records_an_erasure_would_delete():
    deletable = {kind.model for kind in KINDS if kind.erasure is Action.DELETE and kind.subject}
    for kind in RecordKind:
        if kind not in (RecordKind.STAFF_RECORD, RecordKind.SIGN_OFFS):
            assert MODELS[kind] <= deletable, kind
    assert set(DEFAULT_RETENTION_YEARS) == set(RecordKind)
    staff = DEFAULT_RETENTION_YEARS[RecordKind.STAFF_RECORD]
    assert all(
        years <= staff
        for kind, years in DEFAULT_RETENTION_YEARS.items()
        if kind is not RecordKind.SIGN_OFFS
    )
    assert DEFAULT_RETENTION_YEARS[RecordKind.SIGN_OFFS] > staff


def test_sign_offs_are_every_assessment_record_an_erasure_keeps_for_assurance():
    # Derived from the map: a new clinical-assurance model in assessments must get a period.
    assurance = {
        kind.model
        for kind in KINDS
        if kind.subject and ASSURANCE in (kind.reason, kind.keep_reason)
    }
    assert set(SIGN_OFF_MODELS) == {m for m in assurance if m.startswith("assessments.")}
    # Credentials stay (their issuer must still be able to revoke them).
    assert {m for m in assurance if not m.startswith("assessments.")} == {"credentials.Revocation"}


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
    assert "Sign-offs and verified levels (years)" in page.content.decode()
    bad = client.post(url, {**SCHEDULE, "evidence": "lots", "staff_record": "6"})
    assert bad.status_code == 400
    assert "Enter a whole number of years for evidence and its files" in bad.content.decode()
    longer = client.post(url, {**SCHEDULE, "evidence": "9", "staff_record": "6"})
    assert longer.status_code == 400 and "cannot be kept longer" in longer.content.decode()
    shorter = client.post(url, {**SCHEDULE, "sign_offs": "2", "staff_record": "6"})
    assert shorter.status_code == 400
    assert "Sign-offs and verified levels cannot be kept for less time" in (
        shorter.content.decode()
    )
    assert not RetentionPeriod.objects.exists()
    saved = client.post(url, {**SCHEDULE, "staff_record": "7"}, follow=True)
    assert "The retention schedule has been saved." in saved.content.decode()
    assert (
        RetentionPeriod.objects.get(organisation=p.orgs.practice_a, kind="staff_record").years == 7
    )


def _her_assurance_rows(p) -> dict[str, int]:
    from capmap.privacy import erasure

    rows = erasure.assurance_rows(Person.objects.get(pk=p.pharmacist.pk), SIGN_OFF_MODELS)
    return {label: len(pks) for label, pks in rows.items() if pks}


def test_sign_offs_outlive_the_staff_record_pseudonymised_then_go_after_their_own_period(
    p, capsys, django_capture_on_commit_callbacks
):
    assessments.sign_off_competency(
        actor=p.mentor,
        person=p.pharmacist,
        competency=p.competencies[1],
        level=3,
        evidence=[p.evidence],
    )
    event = CapabilityEvent.objects.filter(person=p.pharmacist).first()
    credential = credentials.issue_credential(actor=SYSTEM, event=event)
    services.set_schedule(
        actor=p.ics_admin,
        organisation=p.orgs.practice_a,
        years={**SCHEDULE, "staff_record": 6, "sign_offs": 8},
    )
    before = _her_assurance_rows(p)
    assert set(before) == set(SIGN_OFF_MODELS)  # she has every kind of sign-off record

    _left(p, 7)  # past the staff record, within the sign-offs' period
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--yes")
    assert "Sign-offs and verified levels: 0 record(s)" in capsys.readouterr().out
    erased = Person.objects.get(pk=p.pharmacist.pk)
    assert erased.last_name == ErasureRecord.objects.get().pseudonym  # never left identifiable
    assert _her_assurance_rows(p) == before  # kept for clinical assurance
    audit = LogEntry.objects.get_for_object(p.her_sign_off)
    assert audit.exists() and "Shah" not in str(list(audit.values()))

    _left(p, 8.5)  # now past the sign-offs' own period
    call_command("apply_retention")
    out = capsys.readouterr().out
    assert f"Sign-offs and verified levels: {sum(before.values())} record(s) of 1" in out
    assert _her_assurance_rows(p) == before  # a dry run changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--yes")
    assert _her_assurance_rows(p) == {}
    assert not SignOff.objects.filter(pk=p.her_sign_off.pk).exists()
    assert not LogEntry.objects.get_for_object(p.her_sign_off).exists()
    # The sign-off she gave her colleague is the colleague's record: it stays.
    assert SignOff.objects.filter(pk=p.given_sign_off.pk).exists()
    # The credential stays, so it can still be revoked, but no longer points at the event.
    credential.refresh_from_db()
    assert credential.capability_event_id is None and credential.level == event.level
    said = LogEntry.objects.get_for_object(erased).filter(changes__has_key="retention")
    assert "1 credential(s) issued on them kept" in said.latest("pk").changes["retention"][1]
    assert ErasureRecord.objects.count() == 1  # not erased again

    call_command("apply_retention", "--yes")  # safe to run twice
    assert "Sign-offs and verified levels: 0 record(s) of 0 person(s)" in capsys.readouterr().out


def test_a_person_past_both_periods_is_erased_then_their_sign_offs_go_in_one_run(
    p, django_capture_on_commit_callbacks
):
    _left(p, 26)  # past the defaults: staff record 6 years, sign-offs 25
    due = services.retention_due()
    assert [person.pk for person, _ in due.erase] == [p.pharmacist.pk]
    assert [r.kind for r in due.removals] == [RecordKind.SIGN_OFFS]
    with django_capture_on_commit_callbacks(execute=True):
        services.apply_retention()
    assert ErasureRecord.objects.get().person_id_erased == p.pharmacist.pk
    assert _her_assurance_rows(p) == {}
    assert not Assessment.objects.filter(person=p.pharmacist).exists()
    assert services.retention_due().removals == [] and services.retention_due().erase == []


def test_sign_offs_never_go_before_the_staff_record(p):
    with pytest.raises(DomainError, match="cannot be kept for less time than the staff record"):
        services.set_schedule(
            actor=p.ics_admin,
            organisation=p.orgs.practice_a,
            years={**SCHEDULE, "staff_record": 10, "sign_offs": 8},
        )
    # A staff record period saved before sign-offs had their own (default 25) still wins.
    RetentionPeriod.objects.create(
        organisation=p.orgs.practice_a, kind=RecordKind.STAFF_RECORD, years=40
    )
    _left(p, 30)
    due = services.retention_due()
    assert due.erase == [] and RecordKind.SIGN_OFFS not in {r.kind for r in due.removals}
