"""Placement pages: a programme lead runs a scheme end to end; outsiders get 404 and see nothing."""

import pytest
from django.urls import reverse

from capmap.placements import services
from capmap.placements.models import Application, SchemeStatus
from capmap.placements.tests.factories import scheme_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scheme_story()


def signed_in(client, user):
    client.force_login(user)
    return client


def running(s):
    """Alice applied, was released and placed; the scheme is running."""
    application = services.submit_application(
        actor=s.alice.user, scheme=s.scheme, statement="Keen", placements=[s.respiratory]
    )
    services.confirm_release(actor=s.manager_a, application=application)
    services.change_status(actor=s.lead, scheme=s.scheme, status=SchemeStatus.ALLOCATING)
    run = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    [participation] = services.confirm_allocation(actor=s.lead, run=run)
    return run, participation


def test_programme_lead_creates_a_scheme_in_the_browser(client, s):
    response = signed_in(client, s.lead).post(
        reverse("placements:create_scheme"),
        {
            "owner": s.t.ics.pk,
            "title": "Winter cohort",
            "starts_on": "2027-01-04",
            "ends_on": "2027-06-30",
            "sessions_required": "2",
            "hard_to_recruit_first": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Winter cohort" in page.content.decode()
    assert "The scheme Winter cohort has been created." in page.content.decode()


def test_lead_adds_a_placement_with_a_trust_mentor(client, s):
    response = signed_in(client, s.lead).post(
        reverse("placements:add_placement", args=[s.scheme.pk]),
        {
            "title": "Heart failure clinic",
            "host": s.t.trust.pk,
            "specialty": "cardiovascular",
            "mentor": s.mentor.pk,
            "capacity": "2",
            "sessions_offered": "3",
            "location": "Outpatients",
            "need": "High heart failure prevalence",
        },
    )
    assert response.status_code == 302
    assert s.scheme.placements.filter(title="Heart failure clinic", capacity=2).exists()


def test_applicant_ranks_placements_with_select_boxes(client, s):
    signed_in(client, s.alice.user)
    page = client.get(reverse("placements:apply", args=[s.scheme.pk])).content.decode()
    assert "1st choice" in page and "2nd choice" in page
    response = client.post(
        reverse("placements:apply", args=[s.scheme.pk]),
        {
            "choice_1": s.paediatrics.pk,
            "choice_2": s.respiratory.pk,
            "statement": "I want to grow.",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get(applicant=s.alice)
    assert [p.placement_id for p in application.preferences.all()] == [
        s.paediatrics.pk,
        s.respiratory.pk,
    ]


def test_choosing_the_same_placement_twice_shows_an_error_summary(client, s):
    response = signed_in(client, s.alice.user).post(
        reverse("placements:apply", args=[s.scheme.pk]),
        {"choice_1": s.respiratory.pk, "choice_2": s.respiratory.pk, "statement": "x"},
    )
    assert response.status_code == 200
    assert "Choose each placement only once." in response.content.decode()


def test_practice_manager_confirms_release_from_their_list(client, s):
    application = services.submit_application(
        actor=s.alice.user, scheme=s.scheme, statement="Keen", placements=[s.respiratory]
    )
    signed_in(client, s.manager_a)
    assert s.alice.full_name in client.get(reverse("placements:list_releases")).content.decode()
    client.post(reverse("placements:confirm_release", args=[application.pk]))
    application.refresh_from_db()
    assert application.released_by == s.manager_a


def test_manager_of_another_practice_cannot_release_or_see_the_application(client, s):
    application = services.submit_application(
        actor=s.alice.user, scheme=s.scheme, statement="Keen", placements=[s.respiratory]
    )
    signed_in(client, s.manager_b)
    assert s.alice.full_name not in client.get(reverse("placements:list_releases")).content.decode()
    response = client.post(reverse("placements:confirm_release", args=[application.pk]))
    assert response.status_code == 404


def test_lead_previews_compares_explains_and_confirms(client, s):
    for person, manager in ((s.alice, s.manager_a), (s.bola, s.manager_b)):
        application = services.submit_application(
            actor=person.user, scheme=s.scheme, statement="Keen", placements=[s.respiratory]
        )
        services.confirm_release(actor=manager, application=application)
    signed_in(client, s.lead)
    client.post(reverse("placements:change_status", args=[s.scheme.pk]), {"status": "allocating"})
    client.post(reverse("placements:run_allocation", args=[s.scheme.pk]), {"algorithm": "stable"})
    page = client.get(reverse("placements:show_allocation", args=[s.scheme.pk])).content.decode()
    assert "1 of 2 placed" in page
    assert "max-preference" in page and "Unplaced" in page
    assert "its places went to applicants it ranks higher" in page
    assert "Respiratory clinic" in page
    run = s.scheme.allocation_runs.get()
    response = client.post(reverse("placements:confirm_allocation", args=[s.scheme.pk, run.pk]))
    assert response.status_code == 302
    s.scheme.refresh_from_db()
    assert s.scheme.status == SchemeStatus.RUNNING


def test_lead_adjusts_by_hand_with_a_reason(client, s):
    application = services.submit_application(
        actor=s.alice.user,
        scheme=s.scheme,
        statement="Keen",
        placements=[s.respiratory, s.paediatrics],
    )
    services.confirm_release(actor=s.manager_a, application=application)
    services.change_status(actor=s.lead, scheme=s.scheme, status=SchemeStatus.ALLOCATING)
    run = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    url = reverse("placements:adjust_allocation", args=[s.scheme.pk, run.pk])
    signed_in(client, s.lead)
    missing = client.post(url, {"application": application.pk, "placement": s.paediatrics.pk})
    assert "Enter" in missing.content.decode() or "required" in missing.content.decode()
    client.post(
        url,
        {"application": application.pk, "placement": s.paediatrics.pk, "reason": "Nearer home"},
    )
    run.refresh_from_db()
    assert run.result["assignments"][f"a{application.pk}"] == f"p{s.paediatrics.pk}"


def test_participant_logs_a_session_and_the_mentor_confirms_it(client, s):
    _, participation = running(s)
    signed_in(client, s.alice.user)
    response = client.post(
        reverse("placements:log_session", args=[participation.pk]),
        {
            "date": s.scheme.starts_on.isoformat(),
            "half_days": "2",
            "activities": "COPD clinic",
            "reflection": "Learned a lot",
        },
    )
    assert response.status_code == 302
    session = participation.sessions.get()
    signed_in(client, s.mentor)
    page = client.get(reverse("placements:show_participation", args=[participation.pk]))
    assert "0 of 2 sessions confirmed" in page.content.decode()
    client.post(reverse("placements:confirm_session", args=[session.pk]))
    page = client.get(reverse("placements:show_participation", args=[participation.pk]))
    assert "2 of 2 sessions confirmed" in page.content.decode()


def test_user_of_another_organisation_gets_404_everywhere_and_sees_no_scheme(client, s):
    run, participation = running(s)
    session = services.log_session(
        actor=s.alice.user,
        participation=participation,
        date=s.scheme.starts_on,
        half_days=1,
        activities="Clinic",
    )
    signed_in(client, s.other)
    listing = client.get(reverse("placements:list_schemes")).content.decode()
    assert s.scheme.title not in listing
    pk = s.scheme.pk
    for name, args in [
        ("show_scheme", [pk]),
        ("edit_scheme", [pk]),
        ("add_placement", [pk]),
        ("edit_placement", [pk, s.respiratory.pk]),
        ("add_rule", [pk]),
        ("apply", [pk]),
        ("show_allocation", [pk]),
        ("adjust_allocation", [pk, run.pk]),
        ("show_participation", [participation.pk]),
        ("log_session", [participation.pk]),
    ]:
        assert client.get(reverse(f"placements:{name}", args=args)).status_code == 404, name
    for name, args in [
        ("change_status", [pk]),
        ("run_allocation", [pk]),
        ("confirm_allocation", [pk, run.pk]),
        ("record_prescribing", [pk]),
        ("confirm_release", [participation.application.pk]),
        ("confirm_session", [session.pk]),
    ]:
        assert client.post(reverse(f"placements:{name}", args=args)).status_code == 404, name


def test_applicant_sees_the_scheme_but_not_the_lead_pages(client, s):
    signed_in(client, s.bola.user)
    assert client.get(reverse("placements:show_scheme", args=[s.scheme.pk])).status_code == 200
    assert client.get(reverse("placements:show_allocation", args=[s.scheme.pk])).status_code == 404
    assert client.get(reverse("placements:edit_scheme", args=[s.scheme.pk])).status_code == 404


def test_scheme_set_up_is_hidden_from_staff_until_applications_open(client):
    story = scheme_story(status=SchemeStatus.SET_UP)
    signed_in(client, story.alice.user)
    url = reverse("placements:show_scheme", args=[story.scheme.pk])
    assert client.get(url).status_code == 404


def test_scheme_report_shows_placed_first_choice_and_retention(client, s):
    running(s)
    page = signed_in(client, s.lead).get(reverse("placements:show_report", args=[s.scheme.pk]))
    text = page.content.decode()
    assert "1 of 1 applicants placed" in text
    assert (
        "1 got their 1st choice (100% of those placed; from 1 person placed — too few to rely on)"
        in text
    )
    assert s.alice.full_name in text
    signed_in(client, s.other)
    assert client.get(reverse("placements:show_report", args=[s.scheme.pk])).status_code == 404


@pytest.mark.parametrize(
    ("start", "end", "status"),
    [(1, 30, 404), (0, 0, 200), (-30, -1, 404)],
    ids=["before the dates", "during", "after the dates"],
)
def test_a_mentor_opens_a_participant_only_while_the_mentor_supervision_lasts(
    client, s, start, end, status
):
    # Finding 3: the mentor's view of a participant ends with the supervision.
    import datetime

    _, participation = running(s)
    today = datetime.date.today()
    supervision = participation.supervision
    supervision.starts_on = today + datetime.timedelta(days=start)
    supervision.ends_on = today + datetime.timedelta(days=end)
    supervision.save()
    page = signed_in(client, s.mentor).get(
        reverse("placements:show_participation", args=[participation.pk])
    )
    assert page.status_code == status
    assert (
        signed_in(client, s.alice.user)
        .get(reverse("placements:show_participation", args=[participation.pk]))
        .status_code
        == 200
    )
    assert (
        signed_in(client, s.other)
        .get(reverse("placements:show_participation", args=[participation.pk]))
        .status_code
        == 404
    )
