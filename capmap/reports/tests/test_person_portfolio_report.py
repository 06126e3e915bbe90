"""The person portfolio and scope of practice report: read back and checked against the
scope of practice page; only for those who may see the person's record."""

import datetime
import html
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from capmap.assessments import services as assessments
from capmap.assessments.tests.factories import levels, submitted_assessment, world
from capmap.core.exceptions import NotPermitted
from capmap.development import services as development
from capmap.portfolio import services as portfolio
from capmap.reports import services
from capmap.reports.models import ReportRequest, ReportStatus

pytestmark = pytest.mark.django_db

EVIDENCE_TITLE = "Discharge reconciliation audit"
OBJECTIVE = "Teach the practice team about inhaler switching"


@pytest.fixture
def w():
    w = world()
    assessment = submitted_assessment(w, (2, 2, 1))
    assessments.sign_off_assessment(
        actor=w.mentor, assessment=assessment, ratings=levels(w, 2, 1, 1)
    )
    portfolio.add_evidence(
        actor=w.pharmacist_user,
        person=w.pharmacist,
        kind="reflection",
        title=EVIDENCE_TITLE,
        occurred_on=datetime.date(2026, 10, 12),
        competencies=[w.competencies[1], w.competencies[2]],
    )
    development.add_objective(
        actor=w.mentor,
        person=w.pharmacist,
        specific=OBJECTIVE,
        measure="Session delivered",
        support="",
        competencies=[w.competencies[2]],
        due_on=datetime.date(2027, 3, 31),
    )
    return w


def squash(text: str) -> str:
    return " ".join(text.split())


def pdf_text(report) -> str:
    with report.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return squash("\n".join(page.extract_text() for page in pages))


def xlsx_rows(report) -> list[list]:
    with report.file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    return [
        [cell for cell in row if cell is not None]
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
    ]


def scope_page_rows(client, person) -> list[list[str]]:
    """The rows of the tables on the scope of practice page, as the reader sees them."""
    page = client.get(reverse("assessments:show_scope_of_practice", args=[person.pk]))
    assert page.status_code == 200
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", page.content.decode(), re.S)
    return [
        [squash(html.unescape(re.sub(r"<[^>]+>", "", cell))) for cell in re.split(r"</t[hd]>", row)]
        for row in rows
    ]


def ask(client, person, fmt) -> ReportRequest:
    response = client.post(
        reverse("reports:request_person_report", args=[person.pk]), {"format": fmt}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ReportRequest.objects.get(public_id=response["Location"].rstrip("/").split("/")[-1])


def test_mentor_from_another_organisation_gets_a_pdf_matching_the_scope_page(client, w):
    client.force_login(w.mentor)
    rows = [[c for c in row if c] for row in scope_page_rows(client, w.pharmacist)]
    # Signed off: MED.1 at level 2, MED.2 and LEAD.1 at 1; all three short of the profile's 2.
    assert len(rows) == 3 + 2
    report = ask(client, w.pharmacist, "pdf")
    assert report.status == ReportStatus.DONE and report.organisation == w.orgs.practice_a
    text = pdf_text(report)
    assert "Portfolio and scope of practice: Priya Shah" in text
    for row in rows:
        for cell in row:
            assert cell in text, cell
    assert "Competencies signed off 3" in text
    assert "Required levels not yet met 2" in text
    assert f"{EVIDENCE_TITLE} Reflection 12 Oct 2026 Submitted LEAD.1, MED.2" in text
    assert f"{OBJECTIVE} MED.2 31 Mar 2027 0% Not started" in text
    download = client.get(reverse("reports:download_report", args=[report.public_id]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_xlsx_carries_the_same_rows_as_the_scope_page(client, w):
    client.force_login(w.manager)
    page_rows = [[c for c in row if c] for row in scope_page_rows(client, w.pharmacist)]
    report = ask(client, w.pharmacist, "xlsx")
    assert report.status == ReportStatus.DONE
    rows = xlsx_rows(report)
    flat = [str(value) for row in rows for value in row]
    as_text = [[str(value) for value in row] for row in rows]
    for row in page_rows:
        # The level "2 Competent" stays text; a bare required level becomes a number.
        assert row in as_text, row
    assert ["Competencies signed off", 3] in rows
    assert [EVIDENCE_TITLE, "Reflection", "12 Oct 2026", "Submitted", "LEAD.1, MED.2"] in rows
    assert OBJECTIVE in flat and "Not started" in flat


def test_the_person_may_have_their_own_report(client, w):
    client.force_login(w.pharmacist_user)
    page = client.get(reverse("assessments:show_scope_of_practice", args=[w.pharmacist.pk]))
    assert reverse("reports:request_person_report", args=[w.pharmacist.pk]) in page.content.decode()
    report = ask(client, w.pharmacist, "pdf")
    assert report.status == ReportStatus.DONE
    assert EVIDENCE_TITLE in pdf_text(report)


def test_a_user_of_another_pcn_gets_a_failed_request_and_no_file(client, w):
    # Asked for directly (as a stale or forged request would be), it fails when made.
    report = ReportRequest.objects.create(
        kind="person_portfolio",
        format="pdf",
        requested_by=w.other_admin,
        organisation=w.orgs.practice_a,
        parameters={"person": w.pharmacist.pk},
    )
    assert services.make_report(report_id=report.pk) is None
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and not report.file
    assert "no longer have access" in report.error_message
    with pytest.raises(NotPermitted):
        services.request_report(
            actor=w.other_admin,
            kind="person_portfolio",
            format="pdf",
            organisation=w.orgs.practice_a,
            data={"person": w.pharmacist.pk},
        )
    client.force_login(w.other_admin)
    url = reverse("reports:request_person_report", args=[w.pharmacist.pk])
    assert client.post(url, {"format": "pdf"}).status_code == 404
    assert not ReportRequest.objects.filter(requested_by=w.other_admin, file__gt="").exists()


def test_mentor_loses_the_report_when_the_supervision_ends(client, w):
    w.supervision.ends_on = datetime.date.today() - datetime.timedelta(days=1)
    w.supervision.save()
    client.force_login(w.mentor)
    url = reverse("reports:request_person_report", args=[w.pharmacist.pk])
    assert client.post(url, {"format": "pdf"}).status_code == 404


def test_a_viewer_without_record_access_cannot_ask_through_the_report_form(client, w):
    client.force_login(w.viewer)
    response = client.post(
        "/reports/new/",
        {
            "kind": "person_portfolio",
            "organisation": w.orgs.practice_a.pk,
            "format": "pdf",
            "person": w.pharmacist.pk,
        },
    )
    assert response.status_code == 400
    assert not ReportRequest.objects.filter(requested_by=w.viewer).exists()


def test_asking_without_a_person_says_where_to_ask(client, w):
    client.force_login(w.manager)
    response = client.post(
        "/reports/new/",
        {"kind": "person_portfolio", "organisation": w.orgs.practice_a.pk, "format": "pdf"},
    )
    assert response.status_code == 400
    assert "scope of practice page" in response.content.decode()


def _download(client, report):
    return client.get(reverse("reports:download_report", args=[report.public_id]))


def test_a_mentor_cannot_download_the_pdf_once_the_supervision_has_ended(client, w):
    # Finding 2: the permission is checked when the file is downloaded, not only when asked.
    client.force_login(w.mentor)
    report = ask(client, w.pharmacist, "pdf")
    assert report.status == ReportStatus.DONE
    assert _download(client, report).status_code == 200
    w.supervision.ends_on = datetime.date.today() - datetime.timedelta(days=1)
    w.supervision.save()
    assert _download(client, report).status_code == 404


def test_a_manager_cannot_download_the_pdf_once_their_membership_is_removed(client, w):
    from capmap.organisations.models import Membership

    client.force_login(w.manager)
    report = ask(client, w.pharmacist, "pdf")
    assert _download(client, report).status_code == 200
    Membership.objects.filter(user=w.manager).delete()
    assert _download(client, report).status_code == 404


def test_no_one_but_the_requester_downloads_a_report(client, w):
    client.force_login(w.manager)
    report = ask(client, w.pharmacist, "pdf")
    for other in (w.mentor, w.pharmacist_user, w.other_admin):
        client.force_login(other)
        assert _download(client, report).status_code == 404
