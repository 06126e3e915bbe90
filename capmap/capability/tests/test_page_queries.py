"""The capability pages people open most cost the same queries however many sign-offs,
competencies or teams lie behind them, and say the same as before: a person's circle
(compared with an earlier date) and the list of teams."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from capmap.accounts.tests.factories import UserFactory
from capmap.capability.tests.factories import capability_framework, role_profile, verify
from capmap.organisations.models import OrganisationKind
from capmap.organisations.tests.factories import OrganisationFactory, tree
from capmap.people.tests.factories import PersonFactory, job_role, manager_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    t = tree()
    fw = capability_framework(domains=2, per_domain=4)
    pharmacist = job_role("clinical-pharmacist")
    role_profile(fw.version, pharmacist, stage="junior", level=2)
    ours = PersonFactory(
        employer=t.practice_a, job_role=pharmacist, stage="junior", user=UserFactory()
    )
    long_ago = timezone.now() - datetime.timedelta(days=400)
    verify(ours, fw.competencies[0], 1, when=long_ago)
    verify(ours, fw.competencies[0], 3)
    return {
        "t": t,
        "c": fw.competencies,
        "ours": ours,
        "manager": manager_of(t.pcn_a),
        "lead": manager_of(t.ics),
        "outsider": manager_of(t.pcn_b),
    }


def _queries(client, user, path: str) -> tuple[int, str]:
    client.force_login(user)
    client.get(path)  # Django's own caches (content types, the session) warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_circle_with_its_comparison_costs_the_same_queries_for_1_or_20_sign_offs(client, team):
    path = reverse("capability:show_circle", args=[team["ours"].pk])
    few, _ = _queries(client, team["manager"], path)
    for days, competency in enumerate(team["c"][1:], start=1):
        for level in (1, 2, 3):
            verify(team["ours"], competency, level, when=timezone.now() - datetime.timedelta(days))
    many, body = _queries(client, team["manager"], path)
    assert many == few
    # Twelve months back by default: the competency signed off at 1 then grew to 3.
    assert 'id="circle-then-svg"' in body
    assert "8 of 8 competencies have a higher verified level today" in body


def test_the_circle_compared_with_a_date_shows_the_levels_of_that_date(client, team):
    client.force_login(team["manager"])
    body = client.get(
        reverse("capability:show_circle", args=[team["ours"].pk]) + "?compare=first"
    ).content.decode()
    then = re.search(r'id="circle-then-svg".*?</svg>', body, re.S)
    now = re.search(r'id="circle-now-svg".*?</svg>', body, re.S)
    assert then and now
    code = f"{team['c'][0].code} {team['c'][0].title}"
    assert f"{code}: verified level 1 of 4, required 2" in then.group()
    assert f"{code}: verified level 3 of 4, required 2" in now.group()


def test_the_list_of_teams_costs_the_same_queries_for_6_or_26_organisations(client, team):
    path = reverse("capability:list_teams")
    few, _ = _queries(client, team["lead"], path)
    added = [
        OrganisationFactory(
            name=f"Practice {n}", kind=OrganisationKind.PRACTICE, parent=team["t"].pcn_b
        )
        for n in range(20)
    ]
    many, body = _queries(client, team["lead"], path)
    assert many == few
    for organisation in [team["t"].pcn_a, *added]:
        for name in (
            "capability:show_heatmap",
            "capability:show_training_needs",
            "capability:choose_pathway",
            "capability:show_team_circle",
        ):
            assert f'href="{reverse(name, args=[organisation.pk])}"' in body


def test_the_list_of_teams_shows_each_kind_and_indents_by_depth(client, team):
    client.force_login(team["lead"])
    body = client.get(reverse("capability:list_teams")).content.decode()
    for organisation, kind in (
        (team["t"].ics, "Integrated care system"),
        (team["t"].pcn_a, "Primary care network"),
        (team["t"].practice_a, "GP practice"),
    ):
        row = re.search(
            rf'app-tree-depth-(\d)"[^\n]*?>{re.escape(organisation.name)}</a>.*?'
            r'<div class="app-cell-value">([^<]*)</div>',
            body,
            re.S,
        )
        assert row and row.groups() == (str(min(organisation.depth, 4)), kind)


def test_the_list_of_teams_of_another_pcns_manager_has_none_of_ours(client, team):
    client.force_login(team["outsider"])
    body = client.get(reverse("capability:list_teams")).content.decode()
    assert team["t"].practice_b.name in body
    for ours in (team["t"].pcn_a, team["t"].practice_a):
        assert ours.name not in body
        assert reverse("capability:show_heatmap", args=[ours.pk]) not in body


def test_training_needs_cost_the_same_queries_for_1_or_11_people_each_need_tagged(client, team):
    path = reverse("capability:show_training_needs", args=[team["t"].pcn_a.pk])
    few, _ = _queries(client, team["manager"], path)
    role, stage = team["ours"].job_role, team["ours"].stage
    for _ in range(10):
        PersonFactory(employer=team["t"].practice_a, job_role=role, stage=stage)
    many, body = _queries(client, team["manager"], path)
    assert many == few
    # Eight required competencies, each short for someone: each row tagged and linked.
    tags = re.findall(r'<strong class="nhsuk-tag[^"]*"\s*>\s*(\w+)\s*</strong>', body)
    assert len(tags) == 8 and set(tags) <= {"Essential", "Desirable"}
    training = reverse("development:list_training")
    for competency in team["c"]:
        assert f'href="{training}?competency={competency.pk}"' in body
