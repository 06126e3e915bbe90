"""The capability map a manager reads in five seconds: one role at a time, totals, a
cell's history, the workbook, and recruit-or-train proposing only plausible trainees."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from capmap.accounts.tests.factories import UserFactory
from capmap.assessments.models import Assessment, SelfRating
from capmap.capability import gaps, history, presenters, selectors
from capmap.capability.tests.factories import capability_framework, pathway, role_profile, verify
from capmap.frameworks import selectors as framework_selectors
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import tree
from capmap.people.models import Supervision
from capmap.people.tests.factories import PersonFactory, job_role, manager_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    t = tree()
    fw = capability_framework()
    other_fw = capability_framework("admin", domains=1, per_domain=2)
    c = fw.competencies
    pharmacist = job_role("clinical-pharmacist")
    technician = job_role("pharmacy-technician")
    practice_manager = job_role("practice-manager")
    role_profile(fw.version, pharmacist, level=2)
    role_profile(fw.version, technician, levels={c[0]: 1, c[1]: 1})
    role_profile(other_fw.version, practice_manager, level=1)
    amy = PersonFactory(
        employer=t.practice_a, job_role=pharmacist, stage="junior", first_name="Amy"
    )
    ben = PersonFactory(employer=t.pcn_a, job_role=pharmacist, stage="senior", first_name="Ben")
    tia = PersonFactory(employer=t.practice_a, job_role=technician, first_name="Tia")
    pam = PersonFactory(employer=t.practice_a, job_role=practice_manager, first_name="Pam")
    theirs = PersonFactory(employer=t.practice_b, job_role=pharmacist, first_name="Theirperson")
    verify(amy, c[0], 2)
    verify(amy, c[1], 3)
    verify(ben, c[0], 1)
    verify(tia, c[0], 1)
    manager = manager_of(t.pcn_a)
    outsider = manager_of(t.pcn_b)
    return locals()


# --- Selectors: one role at a time, and totals ------------------------------------------


def test_roles_offered_are_those_with_a_profile_most_people_first(team):
    t = team
    roles = selectors.heatmap_roles(t["manager"], t["t"].pcn_a)
    assert [(r.job_role, r.people) for r in roles] == [
        (t["pharmacist"], 2),
        (t["technician"], 1),  # Pharmacy technician, then Practice manager: by name
        (t["practice_manager"], 1),
    ]


def test_one_roles_columns_are_only_what_that_role_requires(team):
    t = team
    heatmap = selectors.team_heatmap(t["manager"], t["t"].pcn_a, job_role=t["technician"])
    assert [c.pk for c in heatmap.competencies] == [c.pk for c in t["c"][:2]]
    assert [row.person for row in heatmap.rows] == [t["tia"]]


def test_row_and_column_totals_count_requirements_met(team):
    t = team
    heatmap = selectors.team_heatmap(t["manager"], t["t"].pcn_a, job_role=t["pharmacist"])
    rows = {row.person: row for row in heatmap.rows}
    assert (rows[t["amy"]].met, rows[t["amy"]].required) == (2, 6)  # 2/2 and 3/2
    assert (rows[t["ben"]].met, rows[t["ben"]].required) == (0, 6)
    totals = heatmap.column_totals
    assert (totals[0].met, totals[0].required) == (1, 2)  # Amy 2/2 meets, Ben 1/2 does not
    assert (totals[2].met, totals[2].required) == (0, 2)


def test_a_pathways_rows_are_the_people_it_applies_to(team):
    t = team
    c = t["c"]
    p = pathway("diabetes", [(c[0], 2, 1), (c[1], 2, 1)])
    heatmap = selectors.team_heatmap(t["manager"], t["t"].pcn_a, pathway=p)
    # The practice manager's role requires none of it and holds none of it.
    assert {row.person for row in heatmap.rows} == {t["amy"], t["ben"], t["tia"]}
    assert [col.pk for col in heatmap.competencies] == [x.pk for x in c[:2]]


def test_stages_offered_are_those_of_the_team(team):
    t = team
    assert selectors.team_stages(t["manager"], t["t"].pcn_a) == ["junior", "senior"]


# --- Recruit or train: only people whose role could take it on ---------------------------


def test_role_could_take_on_needs_the_role_the_framework_or_a_level():
    take_on = gaps.role_could_take_on
    assert take_on("c1", "fw", required={"c1"}, frameworks=set(), held=set())
    assert take_on("c1", "fw", required=set(), frameworks={"fw"}, held=set())
    assert take_on("c1", "fw", required=set(), frameworks=set(), held={"c1"})
    assert not take_on("c1", "fw", required={"c2"}, frameworks={"other"}, held={"c2"})


def test_practice_manager_is_never_proposed_to_train_for_a_clinical_capability(team):
    t = team
    p = pathway("deterioration", [(t["c"][3], 2, 3)])
    coverage = selectors.pathway_coverage(t["manager"], t["t"].pcn_a, p, candidates=5)
    proposed = {candidate.person for candidate in coverage.train[t["c"][3].pk]}
    assert proposed == {t["amy"], t["ben"], t["tia"]}  # the technician shares the framework
    assert t["pam"] not in proposed


# --- Pages --------------------------------------------------------------------------------


def _get(client, user, name, *args, query=""):
    client.force_login(user)
    return client.get(reverse(name, args=args) + query)


def test_heatmap_shows_the_largest_role_by_default(client, team):
    t = team
    body = _get(client, t["manager"], "capability:show_heatmap", t["t"].pcn_a.pk).content.decode()
    assert "Amy" in body and "Ben" in body
    assert "Tia" not in body and "Pam" not in body and "Theirperson" not in body
    assert '<option value="role:clinical-pharmacist" selected' in body or (
        body.index('value="role:clinical-pharmacist"') < body.index('value="all"')
    )
    assert "2 of 6" in body  # Amy's row total
    assert "1 of 2" in body  # first column: one of the two pharmacists meets it


def test_the_map_of_one_role_leads_to_that_roles_team_circle(client, team):
    t = team
    body = _get(client, t["manager"], "capability:show_heatmap", t["t"].pcn_a.pk).content.decode()
    circle = reverse("capability:show_team_circle", args=[t["t"].pcn_a.pk])
    assert f'href="{circle}?job_role={t["pharmacist"].pk}"' in body


def test_all_roles_stays_available(client, team):
    t = team
    response = _get(
        client, t["manager"], "capability:show_heatmap", t["t"].pcn_a.pk, query="?show=all"
    )
    body = response.content.decode()
    assert all(name in body for name in ("Amy", "Ben", "Tia", "Pam"))


def _column_codes(body: str) -> list[str]:
    return re.findall(r'class="app-heat-col__code" tabindex="0">([^<]+)<', body)


@pytest.fixture
def pages_of_12_cells(monkeypatch):
    """Pages of at most 12 cells: 4 people by 3 competencies."""
    monkeypatch.setattr(presenters, "CELLS_A_PAGE", 12)
    monkeypatch.setattr(presenters, "MIN_COLUMNS_A_PAGE", 1)


def test_all_roles_shows_every_roles_columns_a_page_at_a_time(client, team, pages_of_12_cells):
    t = team
    every = selectors.team_heatmap(t["manager"], t["t"].pcn_a).competencies
    assert len(every) == 8  # six clinical competencies and two admin ones
    seen = []
    for page in (1, 2, 3):
        body = _get(
            client,
            t["manager"],
            "capability:show_heatmap",
            t["t"].pcn_a.pk,
            query=f"?show=all&page={page}",
        ).content.decode()
        codes = _column_codes(body)
        assert len(codes) == (3 if page < 3 else 2)
        seen += codes
        first = 3 * (page - 1) + 1
        assert f"Competencies {first} to {first + len(codes) - 1} of 8" in body
        # Every page keeps every person, their totals over all columns, and the key.
        assert all(name in body for name in ("Amy", "Ben", "Tia", "Pam"))
        assert "2 of 6" in body and "below the required level" in body
        assert 'aria-label="Pages of competencies"' in body
        assert f'href="?show=all&amp;page={page % 3 + 1}"' in body
    assert seen == [c.code for c in every]
    # Someone from another network gets nothing on any page.
    client.force_login(t["outsider"])
    url = reverse("capability:show_heatmap", args=[t["t"].pcn_a.pk])
    assert client.get(url + "?show=all&page=2").status_code == 404


def test_a_page_past_the_last_shows_the_last_and_one_role_fits_one_page(
    client, team, pages_of_12_cells
):
    t = team
    body = _get(
        client, t["manager"], "capability:show_heatmap", t["t"].pcn_a.pk, query="?show=all&page=9"
    ).content.decode()
    assert "Competencies 7 to 8 of 8" in body
    # Two pharmacists by six competencies fit one page: no pages to turn.
    body = _get(client, t["manager"], "capability:show_heatmap", t["t"].pcn_a.pk).content.decode()
    assert len(_column_codes(body)) == 6 and "Pages of competencies" not in body


def test_the_workbook_of_all_roles_keeps_every_column(client, team, pages_of_12_cells):
    t = team
    response = _get(
        client, t["manager"], "capability:export_heatmap", t["t"].pcn_a.pk, query="?show=all"
    )
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(max_row=40, max_col=20, values_only=True)]
    head = next(r for r in rows if r and r[0] == "Person")
    assert len([cell for cell in head[5:] if cell]) == 8


def test_stage_is_a_choice_of_the_stages_that_exist(client, team):
    t = team
    body = _get(
        client, t["manager"], "capability:show_heatmap", t["t"].pcn_a.pk, query="?stage=senior"
    ).content.decode()
    assert '<select class="nhsuk-select' in body and 'name="stage"' in body
    assert ">Senior</option>" in body and ">Junior</option>" in body
    assert "Ben" in body and "Amy" not in body


def test_column_headers_carry_the_competencys_full_name_once(client, team):
    t = team
    body = _get(client, t["manager"], "capability:show_heatmap", t["t"].pcn_a.pk).content.decode()
    assert body.count("Competency 1.1") == 1
    assert 'class="app-heat-col__code" tabindex="0">CORE.1.1<' in body


def test_each_cell_carries_what_the_browser_needs_to_link_its_history(client, team):
    t = team
    body = _get(client, t["manager"], "capability:show_heatmap", t["t"].pcn_a.pk).content.decode()
    href = reverse("capability:show_competency_history", args=[t["amy"].pk, t["c"][0].pk])
    # The row names the person, the table each column's competency and the address:
    # capability/heatmap.js turns them into a link in each cell.
    pattern = re.search(r'data-history="([^"]+)"', body).group(1)
    columns = re.search(r'data-competencies="([^"]+)"', body).group(1).split(",")
    assert f'<tr data-person="{t["amy"].pk}">' in body
    assert pattern.format(person=t["amy"].pk, competency=columns[0]) == href
    assert "<td class=app-hm>2/2 ✓<td" in body and "capability/heatmap.js" in body


def test_without_script_the_map_offers_every_cells_link_drawn_by_the_server(client, team):
    t = team
    page = _get(client, t["manager"], "capability:show_heatmap", t["t"].pcn_a.pk).content.decode()
    assert "<noscript>" in page and "links=cells" in page
    body = _get(
        client, t["manager"], "capability:show_heatmap", t["t"].pcn_a.pk, query="?links=cells"
    ).content.decode()
    href = reverse("capability:show_competency_history", args=[t["amy"].pk, t["c"][0].pk])
    assert f'<a href="{href}">2/2 ✓</a>' in body
    assert "capability/heatmap.js" not in body
    # Someone from another network gets nothing, links or not.
    other = manager_of(t["t"].pcn_b)
    url = reverse("capability:show_heatmap", args=[t["t"].pcn_a.pk])
    client.force_login(other)
    assert client.get(url + "?links=cells").status_code == 404


def test_heatmap_workbook_has_the_same_filter_and_the_totals(client, team):
    t = team
    response = _get(
        client,
        t["manager"],
        "capability:export_heatmap",
        t["t"].pcn_a.pk,
        query="?show=role:clinical-pharmacist",
    )
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(max_row=40, max_col=20, values_only=True)]
    head = next(r for r in rows if r and r[0] == "Person")
    assert head[3] == "Requirements met"
    assert head[5:11] == [f"CORE.{d}.{c} Competency {d}.{c}" for d in (1, 2) for c in (1, 2, 3)]
    people = {r[0]: r for r in rows if r and r[0] and r[0].startswith(("Amy", "Ben", "Tia"))}
    assert len(people) == 2 and not any(name.startswith("Tia") for name in people)
    amy = next(r for name, r in people.items() if name.startswith("Amy"))
    assert amy[3] == "2 of 6"
    totals = next(r for r in rows if r and r[0] == "People who meet it")
    assert totals[3] == "2 of 12" and totals[5] == "1 of 2"


def test_history_shows_sign_offs_with_verifier_role_and_self_ratings(client, team):
    t = team
    amy, c0 = t["amy"], t["c"][0]
    supervisor = manager_of(t["t"].practice_b, Role.VIEWER)  # any user; a supervision below
    Supervision.objects.create(person=amy, supervisor=supervisor, starts_on="2025-01-01")
    verify(amy, c0, 3, by=supervisor)
    assessment = Assessment.objects.create(
        person=amy, version=t["fw"].version, role_profile=amy_profile(t)
    )
    SelfRating.objects.create(assessment=assessment, competency=c0, round=1, level=4)
    response = _get(client, t["manager"], "capability:show_competency_history", amy.pk, c0.pk)
    body = response.content.decode()
    assert response.status_code == 200
    assert "CORE.1.1 Competency 1.1" in body
    assert "Level 3 (Independent)" in body and "Level 2 (Supervised)" in body
    assert ", supervisor" in body
    assert "Level 4 (Expert)" in body  # her self-rating: the manager may read her record
    assert "requires level 2. They hold level 3: met" in body


def amy_profile(t):
    return framework_selectors.applicable_role_profiles(t["amy"]).get()


def test_a_viewer_sees_sign_offs_but_not_self_ratings(client, team):
    t = team
    viewer = manager_of(t["t"].pcn_a, Role.VIEWER)
    found = history.competency_history(viewer, t["amy"], t["c"][0])
    assert [line.level for line in found.sign_offs] == [2]
    assert found.self_ratings is None
    assert found.sign_offs[0].assessment_id is None


def test_history_of_another_pcns_person_is_not_found(client, team):
    t = team
    theirs = t["theirs"]
    response = _get(
        client, t["manager"], "capability:show_competency_history", theirs.pk, t["c"][0].pk
    )
    assert response.status_code == 404
    response = _get(
        client, t["outsider"], "capability:show_competency_history", t["amy"].pk, t["c"][0].pk
    )
    assert response.status_code == 404


def test_history_of_a_competency_the_user_may_not_see_is_not_found(client, team):
    t = team
    from capmap.frameworks.models import Framework

    hidden = capability_framework("hidden", domains=1, per_domain=1)
    Framework.objects.filter(pk=hidden.framework.pk).update(owner=t["t"].pcn_b)
    response = _get(
        client,
        t["manager"],
        "capability:show_competency_history",
        t["amy"].pk,
        hidden.competencies[0].pk,
    )
    assert response.status_code == 404


def test_practitioner_is_sent_to_their_own_circle(client, team):
    t = team
    user = UserFactory()
    amy = t["amy"]
    amy.user = user
    amy.save(update_fields=["user"])
    body = _get(client, user, "capability:list_teams").content.decode()
    assert "cannot see any team" not in body
    assert body.count("<h1") == 1 and "Your circle of competence" in body
    assert reverse("capability:show_circle", args=[t["amy"].pk]) in body
