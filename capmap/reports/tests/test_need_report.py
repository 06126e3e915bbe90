"""The need-against-capability report: the need page's figures in a PDF and a workbook."""

import pytest

from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory
from capmap.population import selectors
from capmap.population.tests.conftest import need_world
from capmap.reports.models import ReportRequest, ReportStatus
from capmap.reports.tests.test_reports import ask, pdf_text, xlsx_cells

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return need_world()


def test_the_pdf_has_the_chart_and_the_table_with_the_pages_figures(client, world):
    tree, _, _, viewer, _ = world
    client.force_login(viewer)
    page = client.get(f"/population/organisations/{tree.icb.pk}/").content.decode()
    assert 'value="need-against-capability"' in page
    pdf = ask(client, kind="need-against-capability", organisation=tree.icb.pk, format="pdf")
    assert pdf.status == ReportStatus.DONE
    text = " ".join(pdf_text(pdf).split())
    assert "Need against capability: NHS North East London" in text
    assert "Patients per capable person, largest gaps" in text  # the chart's title
    assert "Halbutt Street Surgery" in text
    assert "Open Government Licence" in text
    rows = selectors.need_against_capability(viewer, tree.icb).rows
    assert f"Organisations and pathways compared {len(rows)}" in text


def test_the_workbook_carries_the_need_figures_for_a_named_practice(client, world):
    tree, _, _, viewer, _ = world
    client.force_login(viewer)
    halbutt = tree.practices["F82001"]
    xlsx = ask(
        client,
        kind="need-against-capability",
        organisation=halbutt.pk,
        format="xlsx",
        year="2024-25",
    )
    assert xlsx.status == ReportStatus.DONE
    cells = xlsx_cells(xlsx)
    assert "Halbutt Street Surgery" in cells and 1002 in cells and 230 in cells
    assert "Barking Medical Group" not in cells


def test_an_unknown_year_is_refused_with_a_clear_message(client, world):
    tree, _, _, viewer, _ = world
    client.force_login(viewer)
    response = client.post(
        "/reports/new/",
        {
            "kind": "need-against-capability",
            "organisation": tree.icb.pk,
            "format": "pdf",
            "year": "1999-00",
        },
    )
    assert "Choose a QOF year with figures" in response.content.decode()
    assert not ReportRequest.objects.exists()


def test_another_organisations_user_cannot_have_the_report(client, world):
    tree, _, _, _, _ = world
    outsider = MembershipFactory(organisation=OrganisationFactory(), role=Role.ADMIN).user
    client.force_login(outsider)
    response = client.post(
        "/reports/new/",
        {"kind": "need-against-capability", "organisation": tree.icb.pk, "format": "pdf"},
    )
    assert response.status_code != 302
    assert not ReportRequest.objects.exists()
