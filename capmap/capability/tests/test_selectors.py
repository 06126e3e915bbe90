"""Capability reads: the right numbers, in the caller's scope, with a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capmap.capability import gaps, selectors
from capmap.capability.tests.factories import (
    capability_framework,
    pathway,
    role_profile,
    verify,
)
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import tree
from capmap.people.tests.factories import PersonFactory, job_role, manager_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    t = tree()
    fw = capability_framework()
    c = fw.competencies
    pharmacist = job_role("clinical-pharmacist")
    technician = job_role("pharmacy-technician")
    role_profile(fw.version, pharmacist, stage="junior", level=2, desirable=(c[5],))
    role_profile(fw.version, pharmacist, stage="senior", level=3)
    role_profile(fw.version, technician, level=1, levels={c[0]: 1, c[1]: 1})
    ours = PersonFactory(employer=t.practice_a, job_role=pharmacist, stage="junior")
    senior = PersonFactory(employer=t.pcn_a, job_role=pharmacist, stage="senior")
    tech = PersonFactory(employer=t.practice_a, job_role=technician)
    theirs = PersonFactory(employer=t.practice_b, job_role=pharmacist, stage="junior")
    verify(ours, c[0], 2)
    verify(ours, c[1], 1)
    verify(senior, c[0], 3)
    verify(senior, c[1], 3)
    verify(tech, c[0], 1)
    verify(theirs, c[1], 4)
    manager = manager_of(t.pcn_a)
    return locals()


def test_requirements_come_from_role_and_stage(story):
    s = story
    needs = selectors.needs_of(selectors.team_people(s["manager"], s["t"].pcn_a))
    by_person = {}
    for need in needs:
        by_person.setdefault(need.person, {})[need.competency] = need.required
    assert set(by_person[s["ours"].pk].values()) == {2}
    assert set(by_person[s["senior"].pk].values()) == {3}
    assert by_person[s["tech"].pk] == {s["c"][0].pk: 1, s["c"][1].pk: 1}
    assert s["theirs"].pk not in by_person


def test_training_needs_rank_essential_first_by_total_shortfall(story):
    s = story
    c = s["c"]
    needs = selectors.training_needs(s["manager"], s["t"].pcn_a)
    ranked = [(n.competency.pk, n.essential, n.people_short, n.levels_short) for n in needs]
    # c0: ours 2/2, senior 3/3, tech 1/1: no gap. c1: ours 1/2 (1), senior ok, tech 0/1 (1).
    # c2..c4: ours 0/2 and senior 0/3: 5 levels each. c5: desirable for ours (2), senior 3.
    assert ranked[0][0] in [x.pk for x in c[2:5]] and ranked[0][3] == 5
    assert [r[0] for r in ranked].index(c[1].pk) == 4
    c1 = next(r for r in ranked if r[0] == c[1].pk)
    assert c1[2:] == (2, 2)
    assert c[0].pk not in [r[0] for r in ranked]


def test_essential_competency_outranks_a_bigger_desirable_gap(story):
    s = story
    needs = selectors.training_needs(s["manager"], s["t"].practice_a)
    order = [n.competency.pk for n in needs]
    # In the practice only `ours` and `tech`: c5 is desirable for ours, so it comes last.
    assert order[-1] == s["c"][5].pk
    assert not needs[-1].essential


def test_training_needs_of_a_manager_never_count_another_pcn(story):
    s = story
    needs = selectors.training_needs(s["manager"], s["t"].pcn_a)
    c1 = next(n for n in needs if n.competency.pk == s["c"][1].pk)
    assert c1.people_required == 3


def test_manager_cannot_open_another_pcn(story):
    s = story
    with pytest.raises(type(s["t"].pcn_b).DoesNotExist):
        selectors.get_team_organisation(s["manager"], s["t"].pcn_b.pk)
    with pytest.raises(type(s["theirs"]).DoesNotExist):
        selectors.get_person(s["manager"], s["theirs"].pk)


def test_heatmap_cells_show_current_against_required(story):
    s = story
    heatmap = selectors.team_heatmap(s["manager"], s["t"].pcn_a, sort="gaps")
    assert heatmap.rows[0].person == s["senior"]
    ours = next(row for row in heatmap.rows if row.person == s["ours"])
    first = ours.cells[[c.pk for c in heatmap.competencies].index(s["c"][0].pk)]
    assert (first.current, first.required) == (2, 2)
    assert heatmap.domains == [("Domain 1", 3), ("Domain 2", 3)]


def test_heatmap_filters_by_role(story):
    s = story
    heatmap = selectors.team_heatmap(s["manager"], s["t"].pcn_a, job_role=s["technician"])
    assert [row.person for row in heatmap.rows] == [s["tech"]]
    assert [c.pk for c in heatmap.competencies] == [c.pk for c in s["c"][:2]]


def test_circle_lists_gaps_essential_first(story):
    s = story
    capability = selectors.person_capability(s["manager"], s["ours"])
    assert capability.top_level == 4
    assert len(capability.lines) == 6
    assert [g.competency.pk for g in capability.gaps][-1] == s["c"][5].pk
    assert s["c"][0].pk not in [g.competency.pk for g in capability.gaps]


def test_pathway_coverage_finds_single_points_of_failure_and_uncovered(story):
    s = story
    c = s["c"]
    p = pathway("diabetes", [(c[0], 2, 2), (c[1], 3, 1), (c[2], 1, 1)])
    coverage = selectors.pathway_coverage(s["manager"], s["t"].pcn_a, p)
    statuses = {row.competency: row.status for row in coverage.rows}
    assert statuses == {c[0]: "covered", c[1]: "single point of failure", c[2]: "uncovered"}
    assert [row.holders for row in coverage.rows][1] == [s["senior"]]
    # Nobody holds c2: everyone is one level short; the people closest are listed.
    assert [t.gap for t in coverage.train[c[2].pk]] == [1, 1, 1]
    # Both pharmacist profiles require c2 at 1 or more; the technician's does not.
    assert [(r.job_role, r.stage) for r in coverage.recruit] == [(s["pharmacist"], "junior")]
    assert coverage.recruit[0].covers == [c[2]]


def test_pathway_coverage_ignores_holders_in_another_pcn(story):
    s = story
    c = s["c"]
    p = pathway("heart", [(c[1], 4, 1)])
    coverage = selectors.pathway_coverage(s["manager"], s["t"].pcn_a, p)
    assert coverage.rows[0].holders == []


def _team(organisation, size, fw, role):
    for _ in range(size):
        person = PersonFactory(employer=organisation, job_role=role, stage="junior")
        for competency in fw.competencies[:3]:
            verify(person, competency, 1)


@pytest.mark.parametrize(
    "read",
    [
        lambda s, user, org: selectors.team_heatmap(user, org),
        lambda s, user, org: selectors.training_needs(user, org),
        lambda s, user, org: selectors.pathway_coverage(user, org, s["pathway"]),
    ],
    ids=["heatmap", "training-needs", "pathway-coverage"],
)
def test_queries_do_not_grow_with_team_size(story, read):
    s = story
    s["pathway"] = pathway("p", [(s["c"][0], 2, 2), (s["c"][3], 3, 1)])
    counts = []
    for size in (5, 30):
        org = type(s["t"].pcn_a).objects.get(pk=s["t"].pcn_a.pk)
        _team(s["t"].practice_a, size, s["fw"], s["pharmacist"])
        user = manager_of(s["t"].pcn_a, Role.MANAGER)
        with CaptureQueriesContext(connection) as queries:
            read(s, user, org)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_organisations_own_profile_replaces_the_librarys_for_its_staff(story):
    s = story
    # Riverside PCN sets its own junior pharmacist profile on the same version: level 4.
    role_profile(s["fw"].version, s["pharmacist"], stage="junior", level=4, owner=s["t"].pcn_a)
    lead = manager_of(s["t"].ics)
    needs = selectors.needs_of(selectors.team_people(lead, s["t"].ics))
    assert {n.required for n in needs if n.person == s["ours"].pk} == {4}
    assert {n.required for n in needs if n.person == s["theirs"].pk} == {2}
    tna = {n.competency.pk: n for n in selectors.training_needs(lead, s["t"].ics)}
    # c2 is held by no one: ours needs 4, theirs 2, senior 3 => 9 levels short.
    assert (tna[s["c"][2].pk].people_short, tna[s["c"][2].pk].levels_short) == (3, 9)


def test_training_needs_equal_the_person_by_person_arithmetic(story):
    s = story
    lead = manager_of(s["t"].ics)
    people = selectors.team_people(lead, s["t"].ics)
    expected = {
        (g.competency, g.people_short, g.levels_short)
        for g in gaps.rank_gaps(selectors.needs_of(people))
    }
    found = {
        (n.competency.pk, n.people_short, n.levels_short)
        for n in selectors.training_needs(lead, s["t"].ics)
    }
    assert found == expected


def test_competency_headers_name_competencies_as_the_models_do(story):
    c = story["c"]
    headers = selectors.competency_headers(x.pk for x in c)
    assert [h.pk for h in headers] == [x.pk for x in c]
    for header, model in zip(headers, c, strict=True):
        assert (header.code, header.title, header.version_id, header.domain_id) == (
            model.code,
            model.title,
            model.version_id,
            model.domain_id,
        )
        assert header.domain.title == model.domain.title
        assert header.version.framework.title == model.version.framework.title
        assert header.version.framework.slug == model.version.framework.slug


def test_a_heatmap_drawn_from_the_whole_teams_profiles_is_the_same_map(story):
    s = story
    p = pathway("shared", [(s["c"][0], 2, 2), (s["c"][3], 3, 1)])
    roles, profiles = selectors.heatmap_roles_and_profiles(s["manager"], s["t"].pcn_a)
    assert roles == selectors.heatmap_roles(s["manager"], s["t"].pcn_a)

    def cells(heatmap):
        columns = [c.pk for c in heatmap.competencies]
        return columns, [(row.person.pk, row.cells) for row in heatmap.rows]

    for kwargs in ({}, {"job_role": s["technician"]}, {"pathway": p}, {"sort": "gaps"}):
        alone = selectors.team_heatmap(s["manager"], s["t"].pcn_a, **kwargs)
        shared = selectors.team_heatmap(s["manager"], s["t"].pcn_a, profiles=profiles, **kwargs)
        assert cells(shared) == cells(alone) and alone.rows
    # Another PCN's manager given our team's profiles still sees only their own people.
    theirs = selectors.team_heatmap(manager_of(s["t"].pcn_b), s["t"].pcn_b, profiles=profiles)
    assert [row.person.pk for row in theirs.rows] == [s["theirs"].pk]
