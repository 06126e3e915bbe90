"""A person proposes corrections to their own record and an admin decides (old and new
values in the audit trail); `capmap apply-retention` erases people past their schedule,
dry run by default, safe to run twice."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse

from capmap.core.exceptions import DomainError, NotPermitted
from capmap.people.models import Person
from capmap.privacy import services
from capmap.privacy.models import CorrectionStatus, ErasureRecord, RecordKind, RetentionPeriod


def test_a_correction_is_proposed_approved_and_audited(p):
    correction = services.propose_correction(
        actor=p.pharmacist_user, person=p.pharmacist, field="last_name", value="Shah-Patel"
    )
    services.decide_correction(actor=p.ics_admin, correction=correction, approve=True)
    assert Person.objects.get(pk=p.pharmacist.pk).last_name == "Shah-Patel"
    change = LogEntry.objects.get_for_object(p.pharmacist).filter(actor=p.ics_admin).get()
    assert change.changes["last_name"] == ["Shah", "Shah-Patel"]
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.APPROVED and correction.decided_by == p.ics_admin
    with pytest.raises(DomainError):
        services.decide_correction(actor=p.ics_admin, correction=correction, approve=True)


def test_only_the_person_proposes_and_only_an_admin_over_them_decides(p):
    with pytest.raises(NotPermitted):
        services.propose_correction(
            actor=p.ics_admin, person=p.pharmacist, field="last_name", value="X"
        )
    correction = services.propose_correction(
        actor=p.pharmacist_user, person=p.pharmacist, field="email", value="p.shah@nhs.net"
    )
    for who in (p.pharmacist_user, p.other_admin, p.manager):
        with pytest.raises(NotPermitted):
            services.decide_correction(actor=who, correction=correction, approve=True)
    services.decide_correction(actor=p.ics_admin, correction=correction, approve=False)
    assert Person.objects.get(pk=p.pharmacist.pk).email == "priya.shah@example.nhs.uk"


def test_a_correction_that_breaks_a_rule_is_refused_in_plain_words(p):
    correction = services.propose_correction(
        actor=p.pharmacist_user, person=p.pharmacist, field="registration_number", value="12"
    )
    with pytest.raises(DomainError):
        services.decide_correction(actor=p.ics_admin, correction=correction, approve=True)
    assert Person.objects.get(pk=p.pharmacist.pk).registration_number == "2034567"


def test_the_correction_pages(p, client):
    client.force_login(p.pharmacist_user)
    url = reverse("privacy:propose_correction", args=[p.pharmacist.pk])
    assert client.post(url, {"field": "first_name", "value": ""}).status_code == 400
    client.post(url, {"field": "first_name", "value": "Priyanka"})
    correction = p.pharmacist.corrections.get()
    client.force_login(p.other_admin)
    decide = reverse("privacy:decide_correction", args=[correction.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    client.force_login(p.ics_admin)
    page = client.get(reverse("privacy:show_person_data", args=[p.pharmacist.pk]))
    assert "Priyanka" in page.content.decode()
    client.post(decide, {"decision": "approve"})
    assert Person.objects.get(pk=p.pharmacist.pk).first_name == "Priyanka"


def test_apply_retention_is_a_dry_run_unless_told(p, capsys, django_capture_on_commit_callbacks):
    left = datetime.date.today() - datetime.timedelta(days=3 * 366)
    Person.objects.filter(pk=p.pharmacist.pk).update(
        start_date=datetime.date(2015, 1, 1), end_date=left
    )
    # The ICS keeps records 6 years (the default); the practice only 2.
    RetentionPeriod.objects.create(
        organisation=p.orgs.practice_a, kind=RecordKind.STAFF_RECORD, years=2
    )
    call_command("apply_retention")
    out = capsys.readouterr().out
    assert f"staff record {p.pharmacist.pk}" in out and "Dry run" in out
    assert not ErasureRecord.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--yes")
    assert ErasureRecord.objects.get().person_id_erased == p.pharmacist.pk
    call_command("apply_retention", "--yes")
    assert "People past their retention schedule (to erase): 0" in capsys.readouterr().out
    assert ErasureRecord.objects.count() == 1


def test_people_within_their_schedule_are_kept(p):
    left = datetime.date.today() - datetime.timedelta(days=3 * 366)
    Person.objects.filter(pk=p.pharmacist.pk).update(
        start_date=datetime.date(2015, 1, 1), end_date=left
    )
    assert services.retention_due().erase == []  # the default is 6 years


def test_apply_retention_removes_expired_exports_and_report_files_in_the_same_run(p, capsys):
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from capmap.reports import services as reports
    from capmap.reports.models import ReportRequest

    export = services.request_export(actor=p.ics_admin, person=p.pharmacist)
    report = reports.request_report(
        actor=p.ics_admin, kind="staff_list", format="xlsx", organisation=p.orgs.practice_a
    )
    fresh = services.request_export(actor=p.pharmacist_user, person=p.pharmacist)
    files = [type(j).objects.get(pk=j.pk).file.name for j in (export, report, fresh)]
    assert all(files) and all(default_storage.exists(name) for name in files)
    past = timezone.now() - datetime.timedelta(minutes=1)
    type(export).objects.filter(pk=export.pk).update(expires_at=past)
    ReportRequest.objects.filter(pk=report.pk).update(expires_at=past)

    call_command("apply_retention")
    out = capsys.readouterr().out
    assert "Expired subject access exports to remove: 1" in out
    assert "Expired report requests to remove: 1" in out
    assert all(default_storage.exists(name) for name in files)  # a dry run
    call_command("apply_retention", "--yes")
    assert not default_storage.exists(files[0]) and not default_storage.exists(files[1])
    assert default_storage.exists(files[2])  # not expired yet
    call_command("apply_retention", "--yes")
    assert "Expired subject access exports to remove: 0" in capsys.readouterr().out


def test_erase_person_prints_the_plan_and_erases_only_with_yes(
    p, capsys, django_capture_on_commit_callbacks
):
    call_command("erase_person", "priya.shah@example.nhs.uk")
    out = capsys.readouterr().out
    assert "Deleted:" in out and "Kept:" in out and "Clinical assurance" in out
    assert "Nothing was changed" in out
    assert Person.objects.get(pk=p.pharmacist.pk).last_name == "Shah"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_person", "priya.shah@example.nhs.uk", "--yes", "--reason", "Asked")
    record = ErasureRecord.objects.get()
    assert f"now known as {record.pseudonym}" in capsys.readouterr().out
    assert record.reason == "Asked" and record.erased_by_label == "system"
    assert Person.objects.get(pk=p.pharmacist.pk).last_name == record.pseudonym
