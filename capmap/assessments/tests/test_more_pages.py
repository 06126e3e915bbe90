"""Cycles, single-competency sign-off, supervisors, notifications, print view and menu."""

import datetime

from django.urls import reverse
from django.utils import timezone

from capmap.assessments import services
from capmap.assessments.models import AssessmentCycle, CompetencySignOff, Notification
from capmap.config.navigation import navigation_links
from capmap.portfolio.services import add_evidence

from .factories import levels, submitted_assessment


def test_manager_opens_a_cycle_and_sees_team_progress(client, w):
    client.force_login(w.manager)
    response = client.post(
        reverse("assessments:list_cycles"),
        {
            "title": "2027 Q1",
            "organisation": w.orgs.pcn_a.pk,
            "opens_on": timezone.localdate().isoformat(),
            "closes_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302
    cycle = AssessmentCycle.objects.get(title="2027 Q1")
    opened = client.get(response["Location"]).content.decode()
    assert "The assessment cycle 2027 Q1 is open." in opened  # the success banner
    submitted_assessment(w)
    page = client.get(reverse("assessments:show_cycle", args=[cycle.pk])).content.decode()
    assert "Priya Shah" in page and "Submitted" in page


def test_manager_cannot_open_a_cycle_for_another_pcn(client, w):
    client.force_login(w.manager)
    response = client.post(
        reverse("assessments:list_cycles"),
        {
            "title": "X",
            "organisation": w.orgs.pcn_b.pk,
            "opens_on": "2027-01-01",
            "closes_on": "2027-03-31",
        },
    )
    assert response.status_code == 200
    assert not AssessmentCycle.objects.exists()


def test_practitioner_has_no_cycles_page(client, w):
    client.force_login(w.pharmacist_user)
    assert client.get(reverse("assessments:list_cycles")).status_code == 404


def test_mentor_signs_off_one_competency_on_evidence(client, w):
    first = w.competencies[0]
    evidence = add_evidence(
        actor=w.pharmacist_user,
        person=w.pharmacist,
        kind="mini_cex",
        title="Mini-CEX on reconciliation",
        occurred_on=timezone.localdate(),
        competencies=[first],
    )
    client.force_login(w.mentor)
    url = reverse("assessments:sign_off_competency", args=[w.pharmacist.pk])
    response = client.post(
        url, {"competency": first.pk, "level": 3, "evidence": [evidence.pk], "comment": "Safe"}
    )
    assert response.status_code == 302
    sign_off = CompetencySignOff.objects.get()
    assert (sign_off.level, sign_off.signed_by, list(sign_off.evidence.all())) == (
        3,
        w.mentor,
        [evidence],
    )
    scope = client.get(reverse("assessments:print_scope_of_practice", args=[w.pharmacist.pk]))
    assert first.title in scope.content.decode()


def test_practitioner_cannot_sign_off_their_own_competency(client, w):
    client.force_login(w.pharmacist_user)
    url = reverse("assessments:sign_off_competency", args=[w.pharmacist.pk])
    assert client.get(url).status_code == 404


def test_manager_ends_a_supervision_and_the_mentor_loses_access(client, w):
    assessment = submitted_assessment(w)
    client.force_login(w.manager)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    url = reverse("assessments:end_supervision", args=[w.pharmacist.pk, w.supervision.pk])
    assert client.post(url, {"ends_on": yesterday.isoformat()}).status_code == 302
    client.force_login(w.mentor)
    review = reverse("assessments:review_assessment", args=[assessment.pk])
    assert client.get(review).status_code == 404
    assert "Priya" not in client.get(reverse("assessments:list_sign_off_queue")).content.decode()


def test_mentor_cannot_assign_supervisors(client, w):
    client.force_login(w.mentor)
    url = reverse("assessments:list_supervisions", args=[w.pharmacist.pk])
    response = client.post(
        url, {"email": w.viewer.email, "kind": "mentor", "starts_on": "2026-01-01"}
    )
    assert response.status_code == 403  # sees the supervisors; only managers change them
    assert not w.viewer.supervisees.exists()


def test_notifications_are_marked_read(client, w):
    assessment = submitted_assessment(w)
    services.sign_off_assessment(actor=w.mentor, assessment=assessment, ratings=levels(w, 2, 2, 2))
    client.force_login(w.pharmacist_user)
    assert client.post(reverse("assessments:list_notifications")).status_code == 302
    assert not Notification.objects.filter(
        recipient=w.pharmacist_user, read_at__isnull=True
    ).exists()


def test_menu_offers_my_assessments_and_the_sign_off_queue(w):
    assert "My assessments" in [link.text for link in navigation_links(w.pharmacist_user)]
    assert "Sign-off queue" in [link.text for link in navigation_links(w.mentor)]
    assert "Sign-off queue" not in [link.text for link in navigation_links(w.other_admin)]
    assert "Assessment cycles" in [link.text for link in navigation_links(w.manager)]
