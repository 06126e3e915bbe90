"""The scheme report page carries feedback and outcomes; its PDF and spreadsheet, made by the
reports app, carry the same figures; nobody else can have them made."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from capmap.placements.models import Audience, Direction, QuestionKind
from capmap.placements.services import feedback as feedback_services
from capmap.placements.services import outcomes as outcome_services
from capmap.placements.tests.factories import running_story
from capmap.reports.models import ReportRequest, ReportStatus

pytestmark = pytest.mark.django_db

CSV = (
    "practice,month,value,phase\n"
    "F86001,2026-01,12,baseline\n"
    "F86002,2026-01,10,baseline\n"
    "F86001,2026-07,8,follow-up\n"
    "F86002,2026-07,6,follow-up\n"
)


@pytest.fixture
def s():
    s = running_story()
    survey = feedback_services.create_survey(
        actor=s.lead, scheme=s.scheme, audience=Audience.PARTICIPANT
    )
    sent = feedback_services.send_invitations(
        actor=s.lead,
        survey=survey,
        emails=["one@example.nhs.uk", "two@example.nhs.uk", "three@example.nhs.uk"],
        link_for=lambda token: reverse("placements:answer_survey", args=[token]),
    )
    for invitation, likert in zip(sent[:2], ["5", "2"], strict=True):
        Client().post(
            invitation.link,
            {
                f"q{q.pk}": likert if q.kind == QuestionKind.LIKERT else "Mentor was superb"
                for q in survey.questions.all()
            },
        )
    measure = outcome_services.define_measure(
        actor=s.lead, scheme=s.scheme, name="Respiratory referrals", better=Direction.LOWER
    )
    outcome_services.import_values_csv(actor=s.lead, measure=measure, content=CSV.encode())
    return s


def ask(client, s, format: str) -> ReportRequest:
    response = client.post(
        "/reports/new/",
        {
            "kind": "placement-scheme",
            "organisation": s.scheme.owner_id,
            "scheme": s.scheme.pk,
            "format": format,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ReportRequest.objects.get(public_id=response["Location"].rstrip("/").split("/")[-1])


def pdf_text(report) -> str:
    with report.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in pages))


def xlsx_rows(report) -> list[list]:
    with report.file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    return [
        [c for c in row if c is not None]
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
    ]


def test_report_page_shows_feedback_and_outcomes(client, s):
    client.force_login(s.lead)
    text = client.get(reverse("placements:show_report", args=[s.scheme.pk])).content.decode()
    assert "1 of 1 applicants placed" in text
    # Participants: 3 invited, 2 answered.
    assert re.search(
        r"Participants</th>\s*<td[^>]*>3</td>\s*<td[^>]*>2</td>\s*<td[^>]*>"
        r"67% \(from 3 people invited — too few to rely on\)",
        text,
    )
    assert "Mentor was superb" in text
    assert 'id="feedback-' in text and 'id="measure-' in text
    # Baseline mean 11, follow-up mean 7: down 4, and lower is better.
    assert re.search(r"11\.00</td>\s*<td[^>]*>7\.00</td>\s*<td[^>]*>-4\.00</td>", text)
    assert "Better than baseline." in text


def test_pdf_and_spreadsheet_carry_the_figures_of_the_page(client, s):
    client.force_login(s.lead)
    page = client.get(reverse("placements:show_report", args=[s.scheme.pk])).content.decode()
    figures = dict(
        re.findall(
            r'summary-list__key">([^<]+)</dt>\s*<dd class="nhsuk-summary-list__value">([^<]+)<',
            page,
        )
    )
    assert figures["Applicants"] == "1" and figures["Placed"] == "1"
    pdf = ask(client, s, "pdf")
    xlsx = ask(client, s, "xlsx")
    assert pdf.status == xlsx.status == ReportStatus.DONE
    text = pdf_text(pdf)
    assert f"Scheme report: {s.scheme.title}" in text
    for label, value in figures.items():
        assert f"{label} {value}" in text
    assert "Participants 3 2 67% (from 3 people invited" in text
    assert "11.00 7.00 -4.00 Better than baseline." in text
    assert "Mentor was superb" in text
    rows = xlsx_rows(xlsx)
    for label, value in figures.items():
        expected = int(value) if value.isdigit() else value
        assert [label, expected] in rows
    assert ["Participants", 3, 2, "67% (from 3 people invited — too few to rely on)"] in rows
    assert ["Respiratory referrals", "Lower is better", 11, 7, -4, "Better than baseline."] in rows


def test_user_of_another_organisation_cannot_have_the_scheme_report_made(client, s):
    client.force_login(s.other)
    assert client.get(reverse("placements:show_report", args=[s.scheme.pk])).status_code == 404
    # Asking through their own organisation names our scheme: the report fails, empty.
    response = client.post(
        "/reports/new/",
        {
            "kind": "placement-scheme",
            "organisation": s.elsewhere.pk,
            "scheme": s.scheme.pk,
            "format": "pdf",
        },
    )
    report = ReportRequest.objects.get(requested_by=s.other)
    assert response.status_code == 302
    assert report.status == ReportStatus.FAILED
    assert not report.file
    assert "You do not lead this scheme." in report.error_message
    # And through ours, the reports app refuses them the organisation itself.
    response = client.post(
        "/reports/new/",
        {
            "kind": "placement-scheme",
            "organisation": s.scheme.owner_id,
            "scheme": s.scheme.pk,
            "format": "pdf",
        },
    )
    assert response.status_code == 400
    assert ReportRequest.objects.filter(requested_by=s.other).count() == 1


def test_a_manager_inside_the_ics_who_does_not_lead_it_gets_no_scheme_report(client, s):
    client.force_login(s.manager_a)
    response = client.post(
        "/reports/new/",
        {
            "kind": "placement-scheme",
            "organisation": s.t.practice_a.pk,
            "scheme": s.scheme.pk,
            "format": "xlsx",
        },
    )
    assert response.status_code == 302
    report = ReportRequest.objects.get(requested_by=s.manager_a)
    assert report.status == ReportStatus.FAILED and not report.file
