"""Capability reports: team capability, training needs and pathway coverage, scoped."""

import pytest

from capmap.capability.tests.factories import capability_framework, pathway, role_profile, verify
from capmap.organisations.tests.factories import tree
from capmap.people.tests.factories import PersonFactory, job_role, manager_of
from capmap.reports.models import ReportStatus
from capmap.reports.tests.test_reports import ask, pdf_text, xlsx_cells

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    t = tree()
    fw = capability_framework()
    c = fw.competencies
    pharmacist = job_role("clinical-pharmacist")
    role_profile(fw.version, pharmacist, stage="junior", level=2)
    ours = PersonFactory(
        employer=t.practice_a, job_role=pharmacist, stage="junior", last_name="Ourside"
    )
    theirs = PersonFactory(
        employer=t.practice_b, job_role=pharmacist, stage="junior", last_name="Theirside"
    )
    verify(ours, c[0], 3)
    verify(theirs, c[1], 4)
    pathway("diabetes-care", [(c[0], 2, 2), (c[1], 2, 1)])
    return t, manager_of(t.pcn_a), ours, c


def test_team_capability_report_lists_our_people_and_their_gaps(client, story):
    t, manager, ours, _ = story
    client.force_login(manager)
    xlsx = ask(client, kind="team-capability", organisation=t.pcn_a.pk, format="xlsx")
    pdf = ask(client, kind="team-capability", organisation=t.pcn_a.pk, format="pdf")
    assert xlsx.status == pdf.status == ReportStatus.DONE
    cells = xlsx_cells(xlsx)
    assert ours.full_name in cells and 10 in cells  # 5 competencies at 0 of 2
    assert not any("Theirside" in str(c) for c in cells)
    assert "Theirside" not in pdf_text(pdf)


def test_training_needs_report_ranks_the_gaps(client, story):
    t, manager, _, c = story
    client.force_login(manager)
    xlsx = ask(client, kind="training-needs", organisation=t.pcn_a.pk, format="xlsx")
    cells = xlsx_cells(xlsx)
    assert f"{c[1].code} {c[1].title}" in cells
    assert f"{c[0].code} {c[0].title}" not in cells  # met by our only person


def test_pathway_coverage_report_names_holders_in_scope_only(client, story):
    t, manager, ours, _ = story
    client.force_login(manager)
    xlsx = ask(
        client,
        kind="pathway-coverage",
        organisation=t.pcn_a.pk,
        format="xlsx",
        pathway="diabetes-care",
    )
    cells = xlsx_cells(xlsx)
    assert ours.full_name in cells and "Single point of failure" in cells
    assert not any("Theirside" in str(c) for c in cells)


@pytest.mark.parametrize("chunk", [1, 2000], ids=["a person a chunk", "one chunk"])
def test_team_capability_totals_are_the_heatmaps_totals(story, monkeypatch, chunk):
    # The report adds up requirements without building the heatmap, reading levels a
    # chunk of people at a time: same figures, however the people are cut.
    from capmap.capability import selectors
    from capmap.capability.selectors import team_report

    monkeypatch.setattr(team_report, "TEAM_CHUNK", chunk)

    t, manager, ours, c = story
    second = PersonFactory(
        employer=t.practice_a, job_role=ours.job_role, stage="junior", last_name="Second"
    )
    verify(second, c[2], 1)
    heatmap = selectors.team_heatmap(manager, t.pcn_a, sort="gaps")
    team = selectors.team_gaps(manager, t.pcn_a)

    assert [(r.person.pk, r.required, r.gaps, r.levels_short) for r in team.people] == [
        (r.person.pk, r.required, r.gaps, r.total_shortfall) for r in heatmap.rows
    ]
    assert team.competencies == len(heatmap.competencies)
    assert team.levels_short == sum(r.total_shortfall for r in heatmap.rows) == 21


def test_team_capability_workbook_reads_back_with_every_person_and_domain(client, story):
    t, manager, ours, _ = story
    client.force_login(manager)
    report = ask(client, kind="team-capability", organisation=t.pcn_a.pk, format="xlsx")
    cells = xlsx_cells(report)
    for expected in ("People by levels short", "Gaps by domain", "Levels short in all"):
        assert expected in cells
    assert ours.full_name in cells


def test_pathway_coverage_of_an_unknown_pathway_asks_for_one_from_the_list(client, story):
    t, manager, *_ = story
    client.force_login(manager)
    data = {"kind": "pathway-coverage", "organisation": t.pcn_a.pk, "format": "xlsx"}
    report = ask(client, **data, pathway="no-such-pathway")
    assert report.status == ReportStatus.FAILED
    assert report.error_message == "Choose a care pathway from the list."
