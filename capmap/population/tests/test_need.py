"""Need against capability: QOF patients per pathway against people verified to deliver it."""

import io

import pytest
from openpyxl import load_workbook

from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory
from capmap.population import selectors
from capmap.population.models import PathwayRegister

from .factories import PREVALENCE_2425, source_patients

pytestmark = pytest.mark.django_db


def _row(report, organisation, pathway):
    return next(r for r in report.rows if r.organisation == organisation and r.pathway == pathway)


def test_need_for_named_practices_matches_the_source_rows(world):
    tree, diabetes, heart, viewer, _ = world
    report = selectors.need_against_capability(viewer, tree.icb)
    assert (report.year, report.previous_year) == ("2024-25", "2022-23")
    halbutt = _row(report, tree.practices["F82001"], diabetes)
    assert halbutt.patients == source_patients(PREVALENCE_2425, ["F82001"], ["DM", "NDH"]) == 1002
    assert halbutt.previous_patients == 366 + 406
    assert halbutt.change == 1002 - 772
    assert (halbutt.headcount, halbutt.fte, halbutt.per_person) == (1, 0.5, 1002)
    barking = _row(report, tree.practices["F82018"], diabetes)
    assert (barking.patients, barking.headcount, barking.fte) == (1142 + 1565, 2, 1.8)
    assert barking.per_person == pytest.approx(2707 / 2)
    heart_failure = _row(report, tree.practices["F82018"], heart)
    assert (heart_failure.patients, heart_failure.headcount) == (45, 1)


def test_pcn_and_icb_add_up_their_practices(world):
    tree, diabetes, _, viewer, _ = world
    report = selectors.need_against_capability(viewer, tree.icb)
    west = tree.pcns["U11211"]
    row = _row(report, west, diabetes)
    assert row.patients == source_patients(PREVALENCE_2425, tree.members["U11211"], ["DM", "NDH"])
    assert row.headcount == 3
    icb = _row(report, tree.icb, diabetes)
    assert icb.patients == source_patients(PREVALENCE_2425, list(tree.practices), ["DM", "NDH"])
    # Practices outside the tree (A81001, A81002) are in the file but never counted.
    assert icb.patients < source_patients(
        PREVALENCE_2425, [*tree.practices, "A81001", "A81002"], ["DM", "NDH"]
    )


def test_rows_are_ranked_largest_gap_first(world):
    tree, _, _, viewer, _ = world
    report = selectors.need_against_capability(viewer, tree.icb)
    nobody = [r for r in report.rows if r.headcount == 0]
    somebody = [r for r in report.rows if r.headcount]
    assert report.rows[: len(nobody)] == nobody  # no one capable: the largest gaps
    assert [r.patients for r in nobody] == sorted((r.patients for r in nobody), reverse=True)
    ratios = [r.per_person for r in somebody]
    assert ratios == sorted(ratios, reverse=True)


def test_an_earlier_year_can_be_chosen_and_has_no_change(world):
    tree, diabetes, _, viewer, _ = world
    report = selectors.need_against_capability(viewer, tree.icb, year="2022-23")
    row = _row(report, tree.practices["F82001"], diabetes)
    assert (row.patients, row.change) == (772, None)


def test_a_practice_manager_sees_only_their_practice(world):
    tree, _, _, _, _ = world
    manager = MembershipFactory(organisation=tree.practices["F82001"], role=Role.MANAGER).user
    report = selectors.need_against_capability(manager, tree.practices["F82001"])
    assert {r.organisation for r in report.rows} == {tree.practices["F82001"]}
    assert not selectors.need_organisations(manager).filter(pk=tree.icb.pk).exists()


def test_another_icss_user_sees_nothing(world, client):
    tree, _, _, _, _ = world
    outsider = MembershipFactory(organisation=OrganisationFactory(), role=Role.ADMIN).user
    assert not selectors.need_organisations(outsider).filter(path__startswith=tree.icb.path)
    client.force_login(outsider)
    assert client.get(f"/population/organisations/{tree.icb.pk}/").status_code == 404
    assert client.get(f"/population/organisations/{tree.icb.pk}/need.xlsx").status_code == 404
    assert tree.icb.name not in client.get("/population/").content.decode()


def test_the_page_shows_the_table_chart_and_figures(world, client):
    tree, _, _, viewer, _ = world
    client.force_login(viewer)
    page = client.get(f"/population/organisations/{tree.icb.pk}/").content.decode()
    assert "Need against capability: NHS North East London" in page
    assert "<svg" in page and 'id="need-chart"' in page
    assert 'aria-label="Pagination"' in page or "nhsuk-pagination" in page  # 54 rows
    halbutt = tree.practices["F82001"]
    page = client.get(f"/population/organisations/{halbutt.pk}/").content.decode()
    assert "Halbutt Street Surgery" in page
    assert "+230" in page  # Halbutt Street's diabetes registers since 2022-23


def test_the_spreadsheet_reads_back_with_the_same_figures(world, client):
    tree, diabetes, _, viewer, _ = world
    client.force_login(viewer)
    response = client.get(f"/population/organisations/{tree.icb.pk}/need.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    head = rows.index(next(r for r in rows if r and r[0] == "Organisation"))
    table = rows[head + 1 :]
    assert len(table) == len(selectors.need_against_capability(viewer, tree.icb).rows)
    halbutt = next(r for r in table if r[0] == "Halbutt Street Surgery" and r[2] == diabetes.title)
    assert halbutt[3:9] == ["DM, NDH", 1002, 230, 1, 0.5, 1002]


def test_a_page_with_no_figures_says_so(client):
    practice = OrganisationFactory(kind="practice", parent=OrganisationFactory())
    manager = MembershipFactory(organisation=practice, role=Role.MANAGER).user
    client.force_login(manager)
    page = client.get(f"/population/organisations/{practice.pk}/").content.decode()
    assert "No QOF figures have been imported yet" in page


def test_starter_pathways_come_linked_to_their_registers():
    from capmap.frameworks.library import load_starter_library

    load_starter_library()
    links = {
        (link.pathway.slug, link.register)
        for link in PathwayRegister.objects.select_related("pathway")
    }
    assert {
        ("type-2-diabetes-mdt", "DM"),
        ("type-2-diabetes-mdt", "NDH"),
        ("heart-failure-mdt", "HF"),
        ("respiratory-mdt", "AST"),
        ("respiratory-mdt", "COPD"),
    } <= links
