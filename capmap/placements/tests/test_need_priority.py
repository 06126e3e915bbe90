"""Population need in a placement scheme: the lead sees what each PCN needs most, and a
priority rule ranks applicants from the PCNs with the largest need gap first."""

import pytest
from django.urls import reverse

from capmap.capability.tests.factories import capability_framework, pathway
from capmap.placements import services
from capmap.placements.eligibility import (
    ApplicantFacts,
    describe_priority,
    largest_need_gap_first,
    priority_order,
)
from capmap.placements.models import SchemeStatus
from capmap.placements.tests.factories import scheme_story
from capmap.population.models import PathwayRegister, RegisterCount

pytestmark = pytest.mark.django_db


def _need(s, riverside: int, hillside: int):
    """Diabetes patients at each PCN's practice; no one is verified to deliver the pathway,
    so each PCN's need gap is its whole register."""
    c1 = capability_framework().competencies[0]
    diabetes = pathway("diabetes-care", [(c1, 3, 1)])
    PathwayRegister.objects.create(pathway=diabetes, register="DM")
    for practice, patients in ((s.t.practice_a, riverside), (s.t.practice_b, hillside)):
        RegisterCount.objects.create(
            practice=practice,
            year="2024-25",
            register="DM",
            patients=patients,
            list_type="17OV",
            list_size=5000,
        )
    return diabetes


def _contest(s):
    """Alice (Riverside) and Bola (Hillside) both want the one respiratory place."""
    s.scheme.hard_to_recruit_first = False
    s.scheme.need_gap_first = True
    s.scheme.save()
    applications = {}
    for person, manager in ((s.alice, s.manager_a), (s.bola, s.manager_b)):
        application = services.submit_application(
            actor=person.user, scheme=s.scheme, statement="Keen", placements=[s.respiratory]
        )
        applications[person.first_name] = services.confirm_release(
            actor=manager, application=application
        )
    services.change_status(actor=s.lead, scheme=s.scheme, status=SchemeStatus.ALLOCATING)
    run = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    placed = [
        name
        for name, application in applications.items()
        if run.result["assignments"][f"a{application.pk}"] == f"p{s.respiratory.pk}"
    ]
    return placed


@pytest.mark.parametrize(
    ("riverside", "hillside", "winner"), [(100, 900, "Bola"), (900, 100, "Alice")]
)
def test_the_applicant_from_the_pcn_with_the_larger_need_gap_wins_whatever_the_lottery(
    riverside, hillside, winner
):
    s = scheme_story()
    _need(s, riverside, hillside)
    assert _contest(s) == [winner]


def test_the_rule_orders_by_need_gap_then_by_the_draw():
    facts = [
        ApplicantFacts(1, False, False, need_gap=10.0),
        ApplicantFacts(2, False, False, need_gap=500.0),
        ApplicantFacts(3, False, False),  # not in a PCN with figures
    ]
    for seed in range(5):
        assert priority_order(facts, seed=seed, rules=[largest_need_gap_first]) == [2, 1, 3]


def test_pathways_owned_outside_the_schemes_tree_do_not_count():
    s = scheme_story()
    _need(s, 100, 900)
    c1 = capability_framework(slug="theirs").competencies[0]
    theirs = pathway("their-heart-care", [(c1, 3, 1)])
    theirs.owner = s.elsewhere
    theirs.save()
    PathwayRegister.objects.create(pathway=theirs, register="HF")
    RegisterCount.objects.create(
        practice=s.t.practice_a,
        year="2024-25",
        register="HF",
        patients=5000,
        list_type="TOTAL",
        list_size=5000,
    )
    assert _contest(s) == ["Bola"]


def test_the_scheme_page_shows_the_rule_and_the_need_by_pcn_to_its_lead(client):
    s = scheme_story()
    _need(s, 100, 900)
    s.scheme.need_gap_first = True
    s.scheme.save()
    assert largest_need_gap_first.__doc__.split()[0] == "Applicants"
    assert " ".join(largest_need_gap_first.__doc__.split()) in describe_priority(s.scheme)
    client.force_login(s.lead)
    page = client.get(reverse("placements:show_scheme", args=[s.scheme.pk])).content.decode()
    assert "What the population needs most, by PCN" in page
    assert page.index("Hillside PCN") < page.index("Riverside PCN")
    assert "Diabetes care (900 patients, no one capable)" in page
    assert "largest population need gap come" in page


def test_people_who_do_not_lead_the_scheme_see_no_need_table(client):
    s = scheme_story()
    _need(s, 100, 900)
    url = reverse("placements:show_scheme", args=[s.scheme.pk])
    client.force_login(s.manager_a)
    assert "What the population needs most" not in client.get(url).content.decode()
    client.force_login(s.other)
    assert client.get(url).status_code == 404


def test_the_lead_turns_the_rule_on_when_creating_a_scheme(client):
    s = scheme_story()
    client.force_login(s.lead)
    response = client.post(
        reverse("placements:create_scheme"),
        {
            "owner": s.t.ics.pk,
            "title": "Needs-led cohort",
            "starts_on": "2027-01-04",
            "ends_on": "2027-06-30",
            "sessions_required": "2",
            "need_gap_first": "on",
        },
    )
    assert response.status_code == 302
    scheme = s.t.ics.schemes.get(title="Needs-led cohort")
    assert (scheme.need_gap_first, scheme.hard_to_recruit_first) == (True, False)
