"""The heatmap and training-needs selectors give the hand-written SQL's answer.

bench/bench_capability.py times the selectors beside one SQL query each; these tests
check, on a small generated ICS, that the two compute the same numbers, so the bench
compares like with like (and a faster selector cannot drift from the answer).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from capmap.capability import selectors
from capmap.capability.synthetic import find_generated, generate_workforce
from capmap.capability.tests.factories import verify
from capmap.frameworks.models import Competency
from capmap.organisations.models import Membership, Organisation, Role
from capmap.people.models import Person

pytestmark = pytest.mark.django_db

SEED = 21
BENCH = Path(__file__).resolve().parents[3] / "bench" / "bench_capability.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_capability", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sql(query: str, organisation: Organisation) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, [organisation.path + "%", timezone.localdate()])
        return [tuple(row) for row in cursor.fetchall()]


@pytest.fixture
def generated():
    generate_workforce(staff=60, seed=SEED)
    ics = find_generated(SEED)
    pcn = (
        Organisation.objects.filter(parent=ics, kind="pcn", staff__isnull=False)
        .order_by("pk")
        .first()
    )
    return ics, pcn


def test_team_heatmap_cells_are_the_sql_rows(generated):
    _, pcn = generated
    manager = Membership.objects.get(organisation=pcn, role=Role.MANAGER).user
    heatmap = selectors.team_heatmap(manager, pcn)
    ids = [c.pk for c in heatmap.competencies]
    cells = sorted(
        (row.person.pk, ids[i], cell.required, cell.current)
        for row in heatmap.rows
        for i, cell in enumerate(row.cells)
        if cell.required
    )
    assert cells, "the PCN has people with requirements"
    assert cells == sorted(_sql(_bench().HEATMAP_SQL, pcn))


def test_training_needs_are_the_aggregate_first_sql_answer(generated):
    ics, _ = generated
    lead = Membership.objects.get(organisation=ics, role=Role.MANAGER).user
    needs = selectors.training_needs(lead, ics)
    rows = _sql(_bench().TNA_SQL, ics)
    assert needs, "the generated ICS has training needs"
    assert sorted(
        (n.competency.pk, n.people_required, n.people_short, n.levels_short, n.essential)
        for n in needs
    ) == sorted(
        (c, required, short, levels, bool(essential))
        for c, required, short, levels, essential in rows
    )
    # The same ranking: essential first, then most levels short.
    ranked = [(n.essential, n.levels_short) for n in needs]
    assert ranked == sorted(ranked, key=lambda r: (not r[0], -r[1]))


def test_home_role_lines_are_the_aggregate_first_sql_answer(generated):
    ics, pcn = generated
    # Someone of the PCN meets every essential requirement, so `meeting` is not only 0.
    someone = Person.objects.filter(employer__path__startswith=pcn.path).order_by("pk").first()
    for need in selectors.needs_of(Person.objects.filter(pk=someone.pk)):
        if need.essential and need.shortfall:
            verify(someone, Competency.objects.get(pk=need.competency), need.required)
    for organisation in (ics, pcn):
        manager = Membership.objects.get(organisation=organisation, role=Role.MANAGER).user
        lines = selectors.role_coverage(manager, organisation)
        assert lines, "the generated organisation has people with requirements"
        assert any(line.meeting for line in lines)
        assert sorted(
            (
                line.job_role.pk,
                line.people,
                line.meeting,
                line.biggest_gap.pk if line.biggest_gap else None,
                line.biggest_gap_short,
            )
            for line in lines
        ) == sorted(_sql(_bench().ROLE_LINES_SQL, organisation))


def test_the_aggregate_first_sql_gives_the_join_first_answer(generated):
    ics, _ = generated
    bench = _bench()
    assert sorted(_sql(bench.TNA_SQL, ics)) == sorted(_sql(bench.TNA_JOIN_FIRST_SQL, ics))


def test_a_manager_of_another_organisation_gets_no_training_needs(generated):
    ics, pcn = generated
    outsider = (
        Membership.objects.filter(role=Role.MANAGER, organisation__parent=ics)
        .exclude(organisation=pcn)
        .order_by("pk")
        .first()
        .user
    )
    assert Person.objects.filter(employer__path__startswith=pcn.path).exists()
    assert selectors.training_needs(outsider, pcn) == []
