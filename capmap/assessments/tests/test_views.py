"""Assessment and portfolio pages: the journeys, and that nobody else sees anything."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from capmap.assessments import services
from capmap.assessments.models import State
from capmap.core.workflow import current_status
from capmap.portfolio.services import add_evidence

from .factories import levels, submitted_assessment

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _evidence(w):
    return add_evidence(
        actor=w.pharmacist_user,
        person=w.pharmacist,
        kind="reflection",
        title="Secret reflection on a hard case",
        occurred_on=timezone.localdate(),
        competencies=[w.competencies[0]],
        file_content=PDF,
        file_name="reflection.pdf",
    )


def _pages(w, assessment, evidence, supervision):
    person = w.pharmacist.pk
    return [
        reverse("assessments:show_assessment", args=[assessment.pk]),
        reverse("assessments:review_assessment", args=[assessment.pk]),
        reverse("assessments:show_scope_of_practice", args=[person]),
        reverse("assessments:print_scope_of_practice", args=[person]),
        reverse("assessments:show_calibration", args=[person]),
        reverse("assessments:sign_off_competency", args=[person]),
        reverse("assessments:list_supervisions", args=[person]),
        reverse("portfolio:list_evidence", args=[person]),
        reverse("portfolio:add_evidence", args=[person]),
        reverse("portfolio:show_evidence", args=[evidence.pk]),
        reverse("portfolio:download_evidence", args=[evidence.pk]),
    ]


def _level_pages(w) -> set[str]:
    person = w.pharmacist.pk
    return {
        reverse("assessments:show_scope_of_practice", args=[person]),
        reverse("assessments:print_scope_of_practice", args=[person]),
    }


def test_a_viewer_reads_the_scope_of_practice_without_links_into_the_record(client, w):
    client.force_login(w.viewer)
    page = client.get(reverse("assessments:show_scope_of_practice", args=[w.pharmacist.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Scope of practice" in text
    assert reverse("portfolio:list_evidence", args=[w.pharmacist.pk]) not in text
    assert reverse("reports:request_person_report", args=[w.pharmacist.pk]) not in text
    assert reverse("assessments:sign_off_competency", args=[w.pharmacist.pk]) not in text


@pytest.mark.parametrize("who", ["other_admin", "viewer", "stranger", "ended_mentor"])
def test_people_without_a_right_get_404_on_every_page(client, w, who):
    from capmap.accounts.tests.factories import UserFactory

    assessment = submitted_assessment(w)
    evidence = _evidence(w)
    user = UserFactory() if who == "stranger" else getattr(w, who, None)
    if who == "ended_mentor":
        w.supervision.ends_on = timezone.localdate() - datetime.timedelta(days=1)
        w.supervision.save()
        user = w.mentor
    client.force_login(user)
    for url in _pages(w, assessment, evidence, w.supervision):
        if who == "viewer" and url in _level_pages(w):
            continue  # verified levels are the viewer's to read (ADR 0005), tested below
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("assessments:list_sign_off_queue"),
        reverse("assessments:list_my_assessments"),
        reverse("assessments:list_cycles"),
    ):
        page = client.get(url).content.decode()
        assert "Priya" not in page and "Secret reflection" not in page
    post = client.post(
        reverse("assessments:review_assessment", args=[assessment.pk]),
        {"action": "sign_off", **{f"level-{c.pk}": "4" for c in w.competencies}},
    )
    assert post.status_code == 404
    assert current_status(assessment).status == State.SUBMITTED


def test_cycle_page_of_another_pcn_is_not_found(client, w):
    today = timezone.localdate()
    cycle = services.open_cycle(
        actor=w.manager,
        organisation=w.orgs.pcn_a,
        title="Riverside 2027 Q1",
        opens_on=today,
        closes_on=today,
    )
    client.force_login(w.other_admin)
    assert client.get(reverse("assessments:show_cycle", args=[cycle.pk])).status_code == 404
    assert (
        "Riverside 2027 Q1" not in client.get(reverse("assessments:list_cycles")).content.decode()
    )
    client.force_login(w.manager)
    page = client.get(reverse("assessments:show_cycle", args=[cycle.pk])).content.decode()
    assert "2027 Q1" in page and "Team progress" in page


def test_hospital_mentor_sees_the_supervisee_and_nothing_else(client, w):
    from capmap.people.tests.factories import PersonFactory

    colleague = PersonFactory(employer=w.orgs.practice_a, first_name="Unrelated")
    assessment = submitted_assessment(w)
    evidence = _evidence(w)
    client.force_login(w.mentor)
    for url in _pages(w, assessment, evidence, w.supervision):
        if "supervisors" in url:
            continue
        assert client.get(url).status_code == 200, url
    queue = client.get(reverse("assessments:list_sign_off_queue")).content.decode()
    assert "Priya Shah" in queue
    assert client.get(reverse("portfolio:list_evidence", args=[colleague.pk])).status_code == 404
    assert (
        client.get(reverse("assessments:show_scope_of_practice", args=[colleague.pk])).status_code
        == 404
    )
    download = client.get(reverse("portfolio:download_evidence", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"


def test_practitioner_journey_rate_by_domain_add_evidence_and_submit(client, w):
    client.force_login(w.pharmacist_user)
    response = client.post(
        reverse("assessments:list_my_assessments"), {"role_profile": w.profile.pk}
    )
    assert response.status_code == 302
    url = response["Location"]
    page = client.get(url).content.decode()
    assert "Save" in page and w.competencies[0].title in page
    pk = int(url.rstrip("/").split("/")[-1])
    for competency, level in zip(w.competencies, (2, 2, 1), strict=True):
        domain = competency.domain_id or 0
        save = client.post(
            reverse("assessments:save_domain_ratings", args=[pk, domain]),
            {f"level-{competency.pk}": str(level), f"comment-{competency.pk}": "ok"},
        )
        assert save.status_code == 302
    add = client.post(
        reverse("portfolio:add_evidence", args=[w.pharmacist.pk]),
        {
            "kind": "dops",
            "title": "Observed review",
            "occurred_on": "2026-11-01",
            "competencies": [w.competencies[0].pk],
            "file": _upload("review.pdf", PDF),
        },
    )
    assert add.status_code == 302
    assert client.post(reverse("assessments:submit_assessment", args=[pk])).status_code == 302
    assert "Submitted" in client.get(url).content.decode()


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_supervisor_checks_differences_returns_then_signs_off(client, w):
    assessment = submitted_assessment(w, (3, 2, 1))
    client.force_login(w.mentor)
    url = reverse("assessments:review_assessment", args=[assessment.pk])
    ratings = {f"level-{c.pk}": str(v) for c, v in zip(w.competencies, (1, 2, 1), strict=True)}
    check = client.post(url, {"action": "check", **ratings}).content.decode()
    assert "Self-rating 2 levels higher" in check
    returned = client.post(
        url, {"action": "return", "comment": "Add evidence for MED.1", **ratings}
    )
    assert returned.status_code == 302
    client.force_login(w.pharmacist_user)
    page = client.get(reverse("assessments:show_assessment", args=[assessment.pk])).content.decode()
    assert "Add evidence for MED.1" in page
    services.submit_assessment(actor=w.pharmacist_user, assessment=assessment)
    client.force_login(w.mentor)
    signed = client.post(url, {"action": "sign_off", **ratings})
    assert signed.status_code == 302
    scope = client.get(reverse("assessments:show_scope_of_practice", args=[w.pharmacist.pk]))
    assert w.competencies[0].title in scope.content.decode()
    again = client.post(url, {"action": "sign_off", **ratings})
    assert again.status_code == 400 and "signed off by" in again.content.decode()


def test_renamed_executable_upload_is_refused_with_a_reason(client, w):
    client.force_login(w.pharmacist_user)
    response = client.post(
        reverse("portfolio:add_evidence", args=[w.pharmacist.pk]),
        {
            "kind": "certificate",
            "title": "Certificate",
            "occurred_on": "2026-11-01",
            "competencies": [w.competencies[0].pk],
            "file": _upload("certificate.pdf", b"MZ\x90\x00" + b"\x00" * 200),
        },
    )
    assert response.status_code == 400
    assert "must be a PDF, an image" in response.content.decode()


def test_manager_assigns_a_supervisor_on_the_page(client, w):
    from capmap.accounts.tests.factories import UserFactory

    hospital = UserFactory(email="specialist@trust.nhs.uk")
    client.force_login(w.manager)
    url = reverse("assessments:list_supervisions", args=[w.pharmacist.pk])
    response = client.post(
        url, {"email": "Specialist@trust.nhs.uk", "kind": "mentor", "starts_on": "2026-01-01"}
    )
    assert response.status_code == 302
    assert hospital.supervisees.filter(person=w.pharmacist).exists()


def test_mentor_reviews_evidence_and_notifications_are_listed(client, w):
    evidence = _evidence(w)
    client.force_login(w.mentor)
    url = reverse("portfolio:show_evidence", args=[evidence.pk])
    refused = client.post(url, {"decision": "reject", "comment": ""})
    assert refused.status_code == 400
    assert client.post(url, {"decision": "accept", "comment": "Good"}).status_code == 302
    assessment = submitted_assessment(w)
    services.sign_off_assessment(actor=w.mentor, assessment=assessment, ratings=levels(w, 2, 2, 2))
    client.force_login(w.pharmacist_user)
    page = client.get(reverse("assessments:list_notifications")).content.decode()
    assert "signed off" in page


def test_the_sign_off_queue_names_the_person_and_role_profile_for_their_supervisor_only(client, w):
    assessment = submitted_assessment(w)
    client.force_login(w.mentor)
    queue = client.get(reverse("assessments:list_sign_off_queue")).content.decode()
    review = reverse("assessments:review_assessment", args=[assessment.pk])
    assert f'<a href="{review}">Priya Shah</a>' in queue
    assert f"<td>{w.profile}</td>" in queue
    # An admin of another PCN sees nothing of Priya's.
    client.force_login(w.other_admin)
    theirs = client.get(reverse("assessments:list_sign_off_queue")).content.decode()
    assert "Priya" not in theirs and "Nothing is waiting for your review." in theirs
