"""Development plans: proposed from gaps, agreed by a supervisor, progress, overdue flags."""

import datetime

import pytest
from django.urls import reverse

from capmap.capability.tests.factories import capability_framework
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.core.workflow import history
from capmap.development import selectors, services
from capmap.development.models import Objective, ObjectiveState, PlanState
from capmap.development.presenters import PlanPresenter
from capmap.development.tests.factories import TrainingItemFactory

pytestmark = pytest.mark.django_db


def test_plan_is_proposed_from_the_biggest_essential_gaps_with_training(story):
    s = story
    plan = services.propose_plan_from_gaps(actor=s["user"], person=s["ours"], limit=3)
    objectives = list(plan.objectives.all())
    assert len(objectives) == 3
    assert all("Reach level 2" in o.specific for o in objectives)
    competencies = [o.competencies.get() for o in objectives]
    assert s["c"][0] not in competencies and s["c"][5] not in competencies
    with_course = [o for o in objectives if s["course"] in o.training.all()]
    assert [o.competencies.get() for o in with_course] == [s["c"][1]] or not with_course
    assert plan.statuses.get().status == PlanState.PROPOSED


def test_proposing_again_adds_only_gaps_not_yet_planned(story):
    s = story
    services.propose_plan_from_gaps(actor=s["user"], person=s["ours"], limit=2)
    plan = services.propose_plan_from_gaps(actor=s["user"], person=s["ours"], limit=2)
    competencies = [o.competencies.get() for o in plan.objectives.all()]
    assert len(competencies) == len(set(competencies)) == 4


def test_supervisor_agrees_but_the_person_cannot_agree_their_own_plan(story):
    s = story
    plan = services.propose_plan_from_gaps(actor=s["user"], person=s["ours"])
    with pytest.raises(NotPermitted):
        services.agree_plan(actor=s["user"], plan=plan)
    status = services.agree_plan(actor=s["supervisor"], plan=plan)
    assert status.status == PlanState.AGREED and status.actor == s["supervisor"]
    with pytest.raises(DomainError):
        services.agree_plan(actor=s["supervisor"], plan=plan)


def test_manager_of_another_pcn_cannot_change_the_plan(story):
    s = story
    with pytest.raises(NotPermitted):
        services.propose_plan_from_gaps(actor=s["outsider"], person=s["ours"])


def test_achieving_an_objective_sets_progress_to_full(story):
    s = story
    plan = services.propose_plan_from_gaps(actor=s["user"], person=s["ours"], limit=1)
    objective = plan.objectives.get()
    services.record_progress(
        actor=s["user"], objective=objective, progress=40, status=ObjectiveState.ACHIEVED
    )
    objective.refresh_from_db()
    assert objective.progress == 100


def test_overdue_objectives_are_flagged_on_the_plan_page(client, story):
    s = story
    plan = services.propose_plan_from_gaps(actor=s["user"], person=s["ours"], limit=2)
    Objective.objects.filter(pk=plan.objectives.first().pk).update(
        due_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    client.force_login(s["manager"])
    body = client.get(reverse("development:show_plan", args=[s["ours"].pk])).content.decode()
    assert "Overdue" in body and "(1 overdue)" in body
    assert "Agree this plan" in body


def test_plan_pages_of_another_pcn_are_not_found(client, story):
    s = story
    plan = services.propose_plan_from_gaps(actor=s["user"], person=s["ours"], limit=1)
    client.force_login(s["outsider"])
    pk = s["ours"].pk
    assert client.get(reverse("development:show_plan", args=[pk])).status_code == 404
    assert client.get(reverse("development:add_objective", args=[pk])).status_code == 404
    assert client.post(reverse("development:propose_plan", args=[pk])).status_code == 404
    assert client.post(reverse("development:agree_plan", args=[pk])).status_code == 404
    objective = plan.objectives.get()
    response = client.post(
        reverse("development:update_objective", args=[objective.pk]),
        {"progress": 50, "status": "in_progress"},
    )
    assert response.status_code == 404
    objective.refresh_from_db()
    assert objective.progress == 0


def test_person_proposes_and_adds_an_objective_through_the_pages(client, story):
    s = story
    client.force_login(s["user"])
    pk = s["ours"].pk
    response = client.post(reverse("development:propose_plan", args=[pk]))
    assert response.status_code == 302
    response = client.post(
        reverse("development:add_objective", args=[pk]),
        {
            "specific": "Run a diabetes review clinic",
            "measure": "Ten reviews audited",
            "support": "Shadow the lead",
            "competencies": [s["c"][2].pk],
            "due_on": "2027-06-30",
        },
    )
    assert response.status_code == 302
    assert Objective.objects.filter(specific="Run a diabetes review clinic").exists()
    body = client.get(reverse("development:show_plan", args=[pk])).content.decode()
    assert "Run a diabetes review clinic" in body


def test_objective_cannot_name_a_competency_outside_the_role(client, story):
    s = story
    other = capability_framework(slug="other").competencies[0]
    client.force_login(s["user"])
    response = client.post(
        reverse("development:add_objective", args=[s["ours"].pk]),
        {"specific": "x", "measure": "y", "competencies": [other.pk], "due_on": "2027-06-30"},
    )
    assert response.status_code == 200
    assert not Objective.objects.exists()


def test_training_catalogue_filters_by_competency(client, story):
    s = story
    TrainingItemFactory(title="Leadership basics", competencies=[s["c"][4]])
    client.force_login(s["outsider"])
    url = reverse("development:list_training") + f"?competency={s['c'][1].pk}"
    body = client.get(url).content.decode()
    assert "Minor illness course" in body and "Leadership basics" not in body


def test_an_agreed_plan_that_gains_objectives_waits_to_be_agreed_again(story):
    s = story
    plan = services.propose_plan_from_gaps(actor=s["user"], person=s["ours"], limit=1)
    services.agree_plan(actor=s["supervisor"], plan=plan, comment="Good plan.")
    services.propose_plan_from_gaps(actor=s["user"], person=s["ours"], limit=1)
    rows = list(history(plan))
    assert [(r.status, r.actor, r.comment) for r in rows] == [
        (PlanState.PROPOSED, s["user"], ""),
        (PlanState.AGREED, s["supervisor"], "Good plan."),
        (PlanState.PROPOSED, s["user"], "New objectives added."),
    ]
    assert PlanPresenter(selectors.current_plan(s["ours"]), datetime.date.today()).status == (
        "Proposed"
    )


def test_agreeing_a_plan_that_is_already_agreed_says_so(story):
    s = story
    plan = services.propose_plan_from_gaps(actor=s["user"], person=s["ours"], limit=1)
    services.agree_plan(actor=s["supervisor"], plan=plan)
    with pytest.raises(DomainError, match="This plan is not waiting to be agreed"):
        services.agree_plan(actor=s["manager"], plan=plan)
    assert [r.status for r in history(plan)] == [PlanState.PROPOSED, PlanState.AGREED]
