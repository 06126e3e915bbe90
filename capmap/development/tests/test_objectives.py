"""Objectives change while open and are closed, with a note, by a supervisor or manager."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from capmap.core.exceptions import DomainError, NotPermitted
from capmap.core.workflow import history
from capmap.development import services
from capmap.development.models import ObjectiveState, PlanState

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(story):
    s = story
    plan = services.propose_plan_from_gaps(actor=s["user"], person=s["ours"], limit=1)
    return plan.objectives.get()


def _changes(story, **extra):
    return {
        "specific": "Run ten supervised asthma reviews",
        "measure": "Reviewed by the supervisor",
        "support": "Shadow the nurse lead",
        "competencies": [story["c"][2]],
        "due_on": datetime.date.today() + datetime.timedelta(days=60),
    } | extra


def test_the_person_changes_an_open_objective_and_an_agreed_plan_waits_again(
    story,
    objective,
):
    s = story
    services.agree_plan(actor=s["supervisor"], plan=objective.plan)
    services.update_objective(actor=s["user"], objective=objective, **_changes(s))
    objective.refresh_from_db()
    assert objective.specific == "Run ten supervised asthma reviews"
    assert list(objective.competencies.all()) == [s["c"][2]]
    assert [r.status for r in history(objective.plan)][-1] == PlanState.PROPOSED
    assert LogEntry.objects.get_for_object(objective).filter(actor=s["user"]).exists()


def test_a_supervisor_closes_an_objective_as_achieved_with_a_note(story, objective):
    s = story
    services.close_objective(
        actor=s["supervisor"], objective=objective, outcome="achieved", note="Observed twice."
    )
    objective.refresh_from_db()
    assert objective.status == ObjectiveState.ACHIEVED and objective.progress == 100
    assert objective.closing_note == "Observed twice."
    assert objective.closed_by == s["supervisor"] and objective.closed_at
    assert LogEntry.objects.get_for_object(objective).filter(actor=s["supervisor"]).exists()


def test_a_manager_closes_an_objective_as_not_achieved(story, objective):
    s = story
    services.close_objective(
        actor=s["manager"], objective=objective, outcome="not_achieved", note="Moved to Q3."
    )
    objective.refresh_from_db()
    assert objective.status == ObjectiveState.NOT_ACHIEVED


def test_the_person_cannot_close_their_own_objective(story, objective):
    with pytest.raises(NotPermitted):
        services.close_objective(
            actor=story["user"], objective=objective, outcome="achieved", note="Done."
        )


def test_closing_needs_a_note_and_a_closed_objective_no_longer_changes(
    story,
    objective,
):
    s = story
    with pytest.raises(DomainError, match="Enter a note"):
        services.close_objective(
            actor=s["supervisor"], objective=objective, outcome="achieved", note=" "
        )
    services.close_objective(
        actor=s["supervisor"], objective=objective, outcome="achieved", note="Done."
    )
    with pytest.raises(DomainError, match="closed"):
        services.update_objective(actor=s["user"], objective=objective, **_changes(s))
    with pytest.raises(DomainError, match="closed"):
        services.close_objective(
            actor=s["supervisor"], objective=objective, outcome="not_achieved", note="Again."
        )


def test_a_supervisor_closes_an_objective_through_the_pages(client, story, objective):
    s = story
    client.force_login(s["supervisor"])
    plan_page = client.get(reverse("development:show_plan", args=[s["ours"].pk])).content.decode()
    url = reverse("development:close_objective", args=[objective.pk])
    assert url in plan_page
    body = client.post(url, {"outcome": "", "note": ""}).content.decode()
    assert "Choose whether the objective was achieved" in body
    assert "Enter a note saying how the objective went" in body
    response = client.post(url, {"outcome": "achieved", "note": "Ran the clinic well."})
    assert response.status_code == 302
    plan_page = client.get(reverse("development:show_plan", args=[s["ours"].pk])).content.decode()
    assert "Ran the clinic well." in plan_page and url not in plan_page


def test_the_person_is_not_offered_closing_and_gets_not_found(client, story, objective):
    s = story
    client.force_login(s["user"])
    url = reverse("development:close_objective", args=[objective.pk])
    plan_page = client.get(reverse("development:show_plan", args=[s["ours"].pk])).content.decode()
    assert url not in plan_page
    assert reverse("development:edit_objective", args=[objective.pk]) in plan_page
    assert client.post(url, {"outcome": "achieved", "note": "Me"}).status_code == 404
    objective.refresh_from_db()
    assert objective.is_open


def test_another_pcns_manager_gets_not_found_and_changes_nothing(client, story, objective):
    s = story
    client.force_login(s["outsider"])
    for name in ("development:edit_objective", "development:close_objective"):
        url = reverse(name, args=[objective.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"outcome": "achieved", "note": "x"}).status_code == 404
    objective.refresh_from_db()
    assert objective.is_open and not objective.closing_note


def test_the_person_changes_an_objective_through_the_page(client, story, objective):
    s = story
    client.force_login(s["user"])
    url = reverse("development:edit_objective", args=[objective.pk])
    assert objective.specific in client.get(url).content.decode()
    data = _changes(s) | {"competencies": [s["c"][2].pk], "due_on": "2027-06-30"}
    assert client.post(url, data).status_code == 302
    objective.refresh_from_db()
    assert objective.due_on == datetime.date(2027, 6, 30)
