"""The supervisor's review is one form: levels, comments and evidence decisions are sent
together, a failed submit shows every value again, and nothing is saved by halves."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from capmap.assessments import services
from capmap.assessments.models import State
from capmap.core.exceptions import DomainError
from capmap.core.workflow import current_status, history
from capmap.portfolio.models import EvidenceItem
from capmap.portfolio.services import add_evidence

from .factories import levels, submitted_assessment

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _evidence(w, title: str) -> EvidenceItem:
    return add_evidence(
        actor=w.pharmacist_user,
        person=w.pharmacist,
        kind="reflection",
        title=title,
        occurred_on=timezone.localdate(),
        competencies=[w.competencies[0]],
    )


def _review_url(assessment) -> str:
    return reverse("assessments:review_assessment", args=[assessment.pk])


def _everything_entered(w, first, second) -> dict[str, str]:
    """Levels and comments for the 3 competencies, both evidence decisions and the
    comments for the person: 11 values."""
    data = {}
    for competency, level in zip(w.competencies, (1, 2, 1), strict=True):
        data[f"level-{competency.pk}"] = str(level)
        data[f"comment-{competency.pk}"] = f"Seen on the ward for {competency.code}"
    data[f"decision-{first.pk}"] = "accept"
    data[f"evidence-comment-{first.pk}"] = "Clear reflection"
    data[f"decision-{second.pk}"] = "reject"
    data[f"evidence-comment-{second.pk}"] = ""
    data["comment"] = "Well done overall"
    return data


def _values_shown(html: str) -> int:
    """Checked radios plus text areas with something in them."""
    checked = re.findall(r'<input[^>]*type="radio"[^>]*\bchecked\b', html)
    filled = [t for t in re.findall(r"<textarea[^>]*>([^<]*)</textarea>", html) if t.strip()]
    return len(checked) + len(filled)


@pytest.fixture
def reviewed(w):
    assessment = submitted_assessment(w)
    first, second = _evidence(w, "Inhaler review"), _evidence(w, "Audit of repeats")
    return assessment, first, second


def test_rejecting_without_a_reason_keeps_every_value_and_saves_nothing(client, w, reviewed):
    assessment, first, second = reviewed
    client.force_login(w.mentor)
    data = _everything_entered(w, first, second)
    response = client.post(_review_url(assessment), {**data, "action": "sign_off"})
    assert response.status_code == 400
    html = response.content.decode()
    # 3 levels + 3 comments + 1 decision with its comment + 1 decision + the comment = 10
    # (the rejected item's empty reason is what is missing)
    assert _values_shown(html) == len([v for v in data.values() if v]) == 10
    assert f'href="#evidence-comment-{second.pk}"' in html
    assert "Enter why you are rejecting Audit of repeats" in html
    assert current_status(assessment).status == State.SUBMITTED
    assert [r.status for r in history(first)] == ["submitted"]


def test_with_a_reason_the_evidence_and_the_sign_off_are_saved_together(client, w, reviewed):
    assessment, first, second = reviewed
    client.force_login(w.mentor)
    data = _everything_entered(w, first, second)
    data[f"evidence-comment-{second.pk}"] = "This is not your own work"
    response = client.post(_review_url(assessment), {**data, "action": "sign_off"})
    assert response.status_code == 302
    assert current_status(assessment).status == State.SIGNED_OFF
    assert current_status(first).status == "accepted"
    rejected = current_status(second)
    assert (rejected.status, rejected.comment) == ("rejected", "This is not your own work")


def test_signing_off_with_a_level_missing_links_to_that_competency(client, w, reviewed):
    assessment, first, second = reviewed
    client.force_login(w.mentor)
    data = _everything_entered(w, first, second)
    data[f"evidence-comment-{second.pk}"] = "Not yours"
    missing = w.competencies[2]
    del data[f"level-{missing.pk}"]
    html = client.post(_review_url(assessment), {**data, "action": "sign_off"}).content.decode()
    assert f'href="#level-{missing.pk}"' in html
    assert f"Choose your level for {missing.code}" in html
    assert [r.status for r in history(second)] == ["submitted"]


def test_saving_the_evidence_reviews_keeps_the_levels_and_comments_on_the_page(client, w, reviewed):
    assessment, first, second = reviewed
    client.force_login(w.mentor)
    data = _everything_entered(w, first, second)
    data[f"evidence-comment-{second.pk}"] = "Not yours"
    response = client.post(_review_url(assessment), {**data, "action": "save"})
    assert response.status_code == 200
    assert _values_shown(response.content.decode()) == 11
    assert current_status(first).status == "accepted"
    assert current_status(second).status == "rejected"
    assert current_status(assessment).status == State.SUBMITTED
    # Sent again (say, with the sign-off), the same decisions change nothing.
    again = client.post(_review_url(assessment), {**data, "action": "sign_off"})
    assert again.status_code == 302
    assert [r.status for r in history(first)] == ["submitted", "accepted"]


def test_returning_without_comments_says_what_to_enter(client, w, reviewed):
    assessment, _first, _second = reviewed
    client.force_login(w.mentor)
    html = client.post(_review_url(assessment), {"action": "return"}).content.decode()
    assert 'href="#comment"' in html
    assert "Enter comments saying what" in html


def test_a_failed_sign_off_undoes_the_evidence_decisions_made_with_it(w, reviewed):
    assessment, first, _second = reviewed
    decision = services.EvidenceDecision(first, accept=True)
    one_level = {w.competencies[0].pk: levels(w, 1, 1, 1)[w.competencies[0].pk]}
    with pytest.raises(DomainError, match="every competency"):
        services.review_assessment(
            actor=w.mentor,
            assessment=assessment,
            action="sign_off",
            ratings=one_level,
            evidence_decisions=[decision],
        )
    assert [r.status for r in history(first)] == ["submitted"]


def test_a_supervisor_from_another_organisation_gets_not_found(client, w, reviewed):
    assessment, first, _second = reviewed
    client.force_login(w.other_admin)
    assert client.get(_review_url(assessment)).status_code == 404
    posted = client.post(_review_url(assessment), {f"decision-{first.pk}": "accept"})
    assert posted.status_code == 404
    assert [r.status for r in history(first)] == ["submitted"]


def test_the_returned_comment_reads_as_text_even_with_markup_in_it(client, w):
    assessment = submitted_assessment(w)
    services.return_assessment(
        actor=w.mentor, assessment=assessment, comment="<script>alert(1)</script> Add MED.1"
    )
    client.force_login(w.pharmacist_user)
    html = client.get(reverse("assessments:show_assessment", args=[assessment.pk])).content
    html = html.decode()
    assert '<h2 class="nhsuk-heading-s">Returned by your supervisor</h2>' in html
    assert "&lt;h2" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Add MED.1" in html
    assert "<script>alert(1)" not in html


def test_evidence_opened_from_the_review_leads_back_to_it(client, w, reviewed):
    assessment, first, _second = reviewed
    client.force_login(w.mentor)
    review = _review_url(assessment)
    assert f"?back={review}" in client.get(review).content.decode()
    page = client.get(reverse("portfolio:show_evidence", args=[first.pk]), {"back": review})
    html = page.content.decode()
    assert "Back to the review" in html and f'href="{review}"' in html
    for elsewhere in ("https://example.com/", "//example.com/x", "/accounts/logout/"):
        page = client.get(reverse("portfolio:show_evidence", args=[first.pk]), {"back": elsewhere})
        assert "Back to the" not in page.content.decode()


def test_the_chosen_file_is_kept_across_a_failed_submit(client, w):
    client.force_login(w.pharmacist_user)
    url = reverse("portfolio:add_evidence", args=[w.pharmacist.pk])
    fields = {
        "kind": "certificate",
        "occurred_on": "2026-11-01",
        "competencies": [w.competencies[0].pk],
    }
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    failed = client.post(url, {**fields, "title": "", "file": upload})
    assert failed.status_code == 400
    html = failed.content.decode()
    assert "You chose report.pdf. Choose a different file to replace it." in html
    token = re.search(r'name="kept_file" value="([^"]+)"', html).group(1)
    added = client.post(url, {**fields, "title": "Certificate", "kept_file": token})
    assert added.status_code == 302
    item = EvidenceItem.objects.get(title="Certificate")
    assert (item.file_name, item.size, item.content_type) == (
        "report.pdf",
        len(PDF),
        "application/pdf",
    )


def test_a_refused_file_is_named_with_the_other_errors_and_not_kept(client, w):
    client.force_login(w.pharmacist_user)
    url = reverse("portfolio:add_evidence", args=[w.pharmacist.pk])
    upload = SimpleUploadedFile("cert.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    failed = client.post(url, {"kind": "certificate", "title": "", "file": upload})
    html = failed.content.decode()
    assert "must be a PDF, an image" in html
    assert "kept_file" not in html
