"""Reports: asked for on a page, made in the background, read back and checked against the page."""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from capmap.impact.tests.factories import ActivityRecordFactory, activity
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree
from capmap.people.tests.factories import PersonFactory
from capmap.reports import services
from capmap.reports.models import ReportRequest, ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    t = tree()
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    ours = PersonFactory(employer=t.practice_a, first_name="Asha", last_name="Ourside")
    evil = PersonFactory(
        employer=t.practice_a, first_name="=cmd|' /C calc'!A0", last_name="Formula"
    )
    theirs = PersonFactory(employer=t.practice_b, first_name="Zed", last_name="Theirside")
    today = timezone.localdate().replace(day=1)
    reviews = activity("structured-medication-reviews")
    ActivityRecordFactory(person=ours, activity_type=reviews, period_start=today, count=37)
    ActivityRecordFactory(person=theirs, activity_type=reviews, period_start=today, count=911)
    return t, manager, ours, evil, theirs


def pdf_text(report) -> str:
    with report.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def xlsx_cells(report) -> list:
    with report.file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    return [
        cell.value
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def ask(client, **data):
    response = client.post("/reports/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ReportRequest.objects.get(public_id=response["Location"].rstrip("/").split("/")[-1])


def test_impact_report_pdf_and_xlsx_carry_the_dashboard_figures(client, story):
    t, manager, *_ = story
    client.force_login(manager)
    page = client.get(f"/impact/organisations/{t.pcn_a.pk}/").content.decode()
    headline = re.findall(r'nhsuk-summary-list__value"\s*>\s*([\d,.]+)', page)
    assert headline == ["37", "6.2", "1"]  # 37 appointments x 10 minutes = 6.2 hours
    pdf = ask(client, kind="impact", organisation=t.pcn_a.pk, format="pdf", months="12")
    xlsx = ask(client, kind="impact", organisation=t.pcn_a.pk, format="xlsx", months="12")
    assert pdf.status == xlsx.status == ReportStatus.DONE
    text = pdf_text(pdf)
    assert "Impact in Riverside PCN" in text
    assert "GP appointments released (all activities) 37" in text and "6.2" in text
    assert "911" not in text
    cells = xlsx_cells(xlsx)
    assert 37 in cells and 6.2 in cells
    assert 911 not in cells


def test_staff_list_contains_our_people_only_and_neutralises_formulas(client, story):
    t, manager, ours, evil, theirs = story
    client.force_login(manager)
    xlsx = ask(client, kind="staff_list", organisation=t.pcn_a.pk, format="xlsx")
    pdf = ask(client, kind="staff_list", organisation=t.pcn_a.pk, format="pdf")
    cells = xlsx_cells(xlsx)
    assert ours.full_name in cells
    assert "'" + evil.full_name in cells
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)
    assert theirs.full_name not in cells
    text = pdf_text(pdf)
    assert "Asha Ourside" in text and "Theirside" not in text
    assert "Staff listed 2" in text


def test_progress_page_polls_until_ready_then_offers_the_download(client, story):
    t, manager, *_ = story
    client.force_login(manager)
    queued = ReportRequest.objects.create(
        kind="staff_list",
        format="pdf",
        requested_by=manager,
        organisation=t.pcn_a,
        title="Staff list",
    )
    page = client.get(f"/reports/{queued.public_id}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert '<noscript><meta http-equiv="refresh"' in page
    assert "<progress" in page
    done = ask(client, kind="staff_list", organisation=t.pcn_a.pk, format="pdf")
    partial = client.get(f"/reports/{done.public_id}/progress/").content.decode()
    assert "hx-trigger" not in partial
    assert f"/reports/{done.public_id}/download/" in partial
    download = client.get(f"/reports/{done.public_id}/download/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_user_of_another_pcn_gets_not_found_for_our_report_and_cannot_ask_for_one(client, story):
    t, manager, *_ = story
    client.force_login(manager)
    report = ask(client, kind="staff_list", organisation=t.pcn_a.pk, format="xlsx")
    outsider = MembershipFactory(organisation=t.pcn_b, role=Role.MANAGER).user
    client.force_login(outsider)
    for suffix in ("", "progress/", "download/"):
        assert client.get(f"/reports/{report.public_id}/{suffix}").status_code == 404
    assert "Staff list" not in client.get("/reports/").content.decode().split("Your reports")[1]
    response = client.post(
        "/reports/new/", {"kind": "staff_list", "organisation": t.pcn_a.pk, "format": "pdf"}
    )
    assert response.status_code == 400
    assert ReportRequest.objects.filter(requested_by=outsider).count() == 0


def test_outsider_report_over_their_own_pcn_contains_none_of_our_people(client, story):
    t, _, ours, _, theirs = story
    outsider = MembershipFactory(organisation=t.pcn_b, role=Role.MANAGER).user
    client.force_login(outsider)
    cells = xlsx_cells(ask(client, kind="staff_list", organisation=t.pcn_b.pk, format="xlsx"))
    assert theirs.full_name in cells and ours.full_name not in cells


def test_report_fails_cleanly_when_the_requester_lost_access(story):
    t, manager, *_ = story
    report = ReportRequest.objects.create(
        kind="staff_list", format="pdf", requested_by=manager, organisation=t.pcn_b
    )
    services.make_report(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "no longer have access" in report.error_message
    assert not report.file


def test_pruning_removes_expired_files_and_is_safe_to_run_twice(client, story):
    t, manager, *_ = story
    client.force_login(manager)
    old = ask(client, kind="staff_list", organisation=t.pcn_a.pk, format="xlsx")
    fresh = ask(client, kind="staff_list", organisation=t.pcn_a.pk, format="xlsx")
    name = old.file.name
    assert old.expires_at - old.finished_at == timedelta(days=7)
    ReportRequest.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    from django.core.management import call_command

    call_command("prune_reports")
    call_command("prune_reports")
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == ReportStatus.EXPIRED and not old.file
    assert not default_storage.exists(name)
    assert fresh.status == ReportStatus.DONE and default_storage.exists(fresh.file.name)
    assert client.get(f"/reports/{old.public_id}/download/").status_code == 404


def test_unknown_report_kind_is_refused_with_a_message(client, story):
    t, manager, *_ = story
    client.force_login(manager)
    response = client.post(
        "/reports/new/", {"kind": "nope", "organisation": t.pcn_a.pk, "format": "pdf"}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_staff_list_rows_carry_every_column_read_in_a_fixed_number_of_queries(
    story, django_assert_max_num_queries
):
    from datetime import date

    from capmap.reports.registry import BuildContext, get_kind

    t, manager, ours, *_ = story
    ours.afc_band, ours.registration_body, ours.registration_number = "6", "GPhC", "2012345"
    ours.end_date = date(2025, 3, 31)
    ours.save()
    for n in range(5):
        PersonFactory(employer=t.practice_a, last_name=f"Colleague{n}")
    context = BuildContext(manager, t.pcn_a, {}, lambda percent, message: None)

    with django_assert_max_num_queries(8):  # not one a person
        document = get_kind("staff_list").build(context)

    rows = [row for table in document.sections[1].tables for row in table.rows]
    assert len(rows) == 7
    assert [
        "Asha Ourside",
        ours.job_role.name,
        "Band 6",
        "GPhC 2012345",
        "2024-04-01",
        "2025-03-31",
        "No",
    ] in rows
