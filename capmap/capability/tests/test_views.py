"""Capability pages: each shows our team, exports it, and refuses other PCNs."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from capmap.capability.tests.factories import capability_framework, pathway, role_profile, verify
from capmap.organisations.tests.factories import tree
from capmap.people.tests.factories import PersonFactory, job_role, manager_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    t = tree()
    fw = capability_framework()
    c = fw.competencies
    pharmacist = job_role("clinical-pharmacist")
    role_profile(fw.version, pharmacist, stage="junior", level=2)
    ours = PersonFactory(
        employer=t.practice_a, job_role=pharmacist, stage="junior", first_name="Ourperson"
    )
    theirs = PersonFactory(
        employer=t.practice_b, job_role=pharmacist, stage="junior", first_name="Theirperson"
    )
    verify(ours, c[0], 3)
    verify(theirs, c[1], 1)
    p = pathway("diabetes-care", [(c[0], 2, 1), (c[1], 2, 2)])
    manager = manager_of(t.pcn_a)
    outsider = manager_of(t.pcn_b)
    return locals()


def _get(client, user, name, *args, query=""):
    client.force_login(user)
    return client.get(reverse(name, args=args) + query)


def test_manager_sees_their_team_heatmap_with_symbols(client, story):
    s = story
    response = _get(client, s["manager"], "capability:show_heatmap", s["t"].pcn_a.pk)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ourperson" in body and "Theirperson" not in body
    assert "3/2 ▲" in body and "0/2 ▼" in body


def test_heatmap_of_another_pcn_is_not_found(client, story):
    s = story
    for name in ("show_heatmap", "export_heatmap", "show_training_needs", "export_training_needs"):
        response = _get(client, s["outsider"], f"capability:{name}", s["t"].pcn_a.pk)
        assert response.status_code == 404


def test_heatmap_filter_moves_to_the_chosen_organisation(client, story):
    s = story
    query = f"?organisation={s['t'].practice_a.pk}&sort=gaps"
    response = _get(client, s["manager"], "capability:choose_heatmap", query=query)
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("capability:show_heatmap", args=[s["t"].practice_a.pk])
    )
    response = _get(
        client, s["manager"], "capability:choose_heatmap", query=f"?organisation={s['t'].pcn_b.pk}"
    )
    assert response.status_code == 404


def test_the_heatmaps_team_picker_offers_only_our_subtree_and_ignores_another_team(client, story):
    s = story
    path = reverse("capability:show_heatmap", args=[s["t"].pcn_a.pk])
    client.force_login(s["manager"])
    body = client.get(path).content.decode()
    picker = re.search(r'<select[^>]*name="organisation".*?</select>', body, re.S).group()
    for ours in (s["t"].pcn_a, s["t"].practice_a):
        assert f'value="{ours.pk}"' in picker and ours.name in picker
    assert f'value="{s["t"].pcn_b.pk}"' not in picker and s["t"].pcn_b.name not in picker
    # Another PCN's team in the query: the page is still our team's, its people only.
    other = client.get(f"{path}?organisation={s['t'].pcn_b.pk}&sort=gaps").content.decode()
    rows = re.compile(r'<tr data-person="(\d+)">')
    assert rows.findall(other) == rows.findall(body)


def test_heatmap_export_is_a_workbook_of_our_people_only(client, story):
    s = story
    response = _get(client, s["manager"], "capability:export_heatmap", s["t"].ics.pk)
    assert response.status_code == 404  # a PCN manager cannot see the ICS as a whole
    response = _get(client, s["manager"], "capability:export_heatmap", s["t"].pcn_a.pk)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert any("Ourperson" in str(v) for v in values)
    assert not any("Theirperson" in str(v) for v in values)


def test_training_needs_page_links_each_gap_to_training(client, story):
    s = story
    response = _get(client, s["manager"], "capability:show_training_needs", s["t"].pcn_a.pk)
    body = response.content.decode()
    assert f"{reverse('development:list_training')}?competency={s['c'][1].pk}" in body
    export = _get(client, s["manager"], "capability:export_training_needs", s["t"].pcn_a.pk)
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_circle_draws_svg_with_table_and_links_to_plan(client, story):
    s = story
    response = _get(client, s["manager"], "capability:show_circle", s["ours"].pk)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and 'role="img"' in body
    assert "Circle of competence: Ourperson" in body
    assert reverse("development:show_plan", args=[s["ours"].pk]) in body


def test_circle_of_someone_in_another_pcn_is_not_found(client, story):
    s = story
    response = _get(client, s["outsider"], "capability:show_circle", s["ours"].pk)
    assert response.status_code == 404


def test_practitioner_sees_their_own_circle(client, story):
    s = story
    from capmap.accounts.tests.factories import UserFactory

    user = UserFactory()
    s["ours"].user = user
    s["ours"].save()
    assert _get(client, user, "capability:show_circle", s["ours"].pk).status_code == 200
    assert _get(client, user, "capability:show_circle", s["theirs"].pk).status_code == 404


def test_pathway_coverage_recommends_recruit_or_train(client, story):
    s = story
    response = _get(
        client, s["manager"], "capability:show_pathway_coverage", s["t"].pcn_a.pk, "diabetes-care"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Single point of failure" in body and "Uncovered" in body
    assert "Recruit or train" in body and "Clinical pharmacist (junior)" in body
    assert 'name="kind" value="pathway-coverage"' in body
    assert 'name="pathway" value="diabetes-care"' in body
    assert "Theirperson" not in body
    # The method is explained in plain words; its algorithm's name stays in the code.
    assert "set cover" not in body.lower()


def test_pathway_coverage_of_another_pcn_is_not_found(client, story):
    s = story
    for name, args in (
        ("capability:show_pathway_coverage", (s["t"].pcn_a.pk, "diabetes-care")),
        ("capability:choose_pathway", (s["t"].pcn_a.pk,)),
    ):
        assert _get(client, s["outsider"], name, *args).status_code == 404


def test_list_of_teams_shows_only_our_subtree(client, story):
    s = story
    body = _get(client, s["manager"], "capability:list_teams").content.decode()
    assert s["t"].pcn_a.name in body and s["t"].pcn_b.name not in body


def test_a_viewer_sees_the_circle_but_no_link_to_the_plan_they_may_not_open(client, story):
    from capmap.organisations.models import Role
    from capmap.organisations.tests.factories import MembershipFactory

    s = story
    viewer = MembershipFactory(organisation=s["t"].pcn_a, role=Role.VIEWER).user
    response = _get(client, viewer, "capability:show_circle", s["ours"].pk)
    assert response.status_code == 200
    plan = reverse("development:show_plan", args=[s["ours"].pk])
    assert plan not in response.content.decode()
    assert client.get(plan).status_code == 404
