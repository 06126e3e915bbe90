"""The home page's capability lines, counted over groups of people, give the answer of
the rules in gaps.py applied person by person.

`role_coverage` counts in the database which verified levels meet an essential
requirement (`gaps.lowest_level_meeting`), and `pathway_summaries` counts holders from
levels (`gaps.coverage_from_levels`): these properties compare them, on varied teams,
requirements and levels, with one `gaps.Need` per person and requirement and one
`gaps.coverage` holder list, as the previous implementation built them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import fields

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capmap.assessments.models import CurrentCapability
from capmap.capability import gaps, selectors
from capmap.capability.tests.factories import (
    capability_framework,
    pathway,
    role_profile,
    verify,
)
from capmap.organisations.tests.factories import tree
from capmap.people.tests.factories import PersonFactory, job_role, manager_of

pytestmark = pytest.mark.django_db

COMPETENCIES = 5
ROLES = ("clinical-pharmacist", "pharmacy-technician")
STAGES = ("", "junior", "senior")
PLACES = ("practice_a", "pcn_a", "practice_b")

# Required levels from 0 (met with nothing verified) to 4; held levels from 0 to 5.
requirement = st.tuples(st.integers(0, 4), st.booleans())  # (level, essential)
profile = st.fixed_dictionaries(
    {
        "role": st.sampled_from(ROLES),
        "stage": st.sampled_from(STAGES),
        "owned": st.booleans(),
        "requirements": st.dictionaries(st.integers(0, COMPETENCIES - 1), requirement, min_size=1),
    }
)
person = st.fixed_dictionaries(
    {
        "role": st.sampled_from(ROLES),
        "stage": st.sampled_from(STAGES),
        "place": st.sampled_from(PLACES),
        "levels": st.dictionaries(st.integers(0, COMPETENCIES - 1), st.integers(0, 5)),
    }
)
cover = st.lists(
    st.tuples(st.integers(0, COMPETENCIES - 1), st.integers(0, 5), st.integers(1, 3)),
    min_size=1,
    max_size=4,
    unique_by=lambda c: c[0],
)


@pytest.fixture
def world():
    t = tree()
    fw = capability_framework(domains=1, per_domain=COMPETENCIES)
    return {
        "t": t,
        "c": fw.competencies,
        "version": fw.version,
        "roles": {slug: job_role(slug) for slug in ROLES},
        "lead": manager_of(t.ics),
        "outsider": manager_of(t.pcn_b),
    }


def _build(world, profiles, people, covers) -> None:
    c, t = world["c"], world["t"]
    for spec in profiles:
        role_profile(
            world["version"],
            world["roles"][spec["role"]],
            stage=spec["stage"],
            owner=t.pcn_a if spec["owned"] else None,
            levels={c[i]: level for i, (level, _) in spec["requirements"].items()},
            desirable=[c[i] for i, (_, essential) in spec["requirements"].items() if not essential],
        )
    for spec in people:
        someone = PersonFactory(
            employer=getattr(t, spec["place"]),
            job_role=world["roles"][spec["role"]],
            stage=spec["stage"],
        )
        for i, level in spec["levels"].items():
            verify(someone, c[i], level)
    for n, capabilities in enumerate(covers):
        pathway(f"pathway-{n}", [(c[i], minimum, needed) for i, minimum, needed in capabilities])


def _role_lines_person_by_person(user, organisation) -> list[tuple]:
    """The previous role_coverage: one gaps.Need per person and requirement."""
    people = selectors.team_people(user, organisation)
    role_of = dict(people.values_list("pk", "job_role_id"))
    by_role: dict[int, list[gaps.Need]] = defaultdict(list)
    for need in selectors.needs_of(people):
        by_role[role_of[need.person]].append(need)
    lines = []
    for role, needs in by_role.items():
        everyone = {need.person for need in needs}
        short = {need.person for need in needs if need.essential and need.shortfall}
        ranked = gaps.rank_gaps(needs)
        biggest = (ranked[0].competency, ranked[0].people_short) if ranked else (None, 0)
        lines.append((role, len(everyone), len(everyone - short), *biggest))
    return sorted(lines)


def _flat(line) -> tuple:
    """A selector's line as a tuple of its fields, records by their key."""
    return tuple(getattr(getattr(line, f.name), "pk", getattr(line, f.name)) for f in fields(line))


def _role_lines(user, organisation) -> list[tuple]:
    return sorted(_flat(line) for line in selectors.role_coverage(user, organisation))


def _pathway_lines_person_by_person(user, organisation) -> list[tuple]:
    """The previous pathway_summaries: gaps.coverage over every holder's level."""
    people = selectors.team_people(user, organisation)
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    for p, competency, level in CurrentCapability.objects.filter(person__in=people).values_list(
        "person_id", "competency_id", "level"
    ):
        levels[competency][p] = level
    lines = []
    for found in selectors.pathways_for(user):
        caps = list(found.capabilities.order_by("order"))
        coverage = gaps.coverage(
            [(c.competency_id, c.minimum_level, c.people_needed) for c in caps], levels
        )
        if not any(line.held for line in coverage):
            continue
        worst = max(zip(caps, coverage, strict=True), key=lambda pair: pair[1].short_by)
        biggest = (worst[0].competency_id, worst[1].short_by) if worst[1].short_by else (None, 0)
        lines.append(
            (
                found.pk,
                len(coverage),
                sum(1 for line in coverage if not line.short_by),
                sum(1 for line in coverage if line.uncovered),
                sum(1 for line in coverage if line.single_point_of_failure),
                *biggest,
            )
        )
    return sorted(lines)


def _pathway_lines(user, organisation) -> list[tuple]:
    return sorted(_flat(line) for line in selectors.pathway_summaries(user, organisation))


@pytest.fixture(params=[0, 10_000], ids=["counted in the database", "read"])
def read_up_to(request, monkeypatch):
    """Both ways of counting who meets every essential requirement: in the database (a
    large team) and from the team's verified levels (a small one)."""
    monkeypatch.setattr(selectors.at_a_glance, "MEETING_READ_UP_TO", request.param)
    return request.param


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    profiles=st.lists(profile, max_size=4, unique_by=lambda p: (p["role"], p["stage"], p["owned"])),
    people=st.lists(person, max_size=8),
    covers=st.lists(cover, max_size=2),
)
def test_home_lines_counted_in_groups_are_the_person_by_person_answer(
    world, read_up_to, profiles, people, covers
):
    with transaction.atomic():
        _build(world, profiles, people, covers)
        lead, t = world["lead"], world["t"]
        for organisation in (t.ics, t.pcn_a):
            assert _role_lines(lead, organisation) == _role_lines_person_by_person(
                lead, organisation
            )
            assert _pathway_lines(lead, organisation) == _pathway_lines_person_by_person(
                lead, organisation
            )
        transaction.set_rollback(True)


def test_a_manager_of_another_organisation_gets_no_home_lines_for_it(world):
    _build(
        world,
        [{"role": ROLES[0], "stage": "", "owned": False, "requirements": {0: (2, True)}}],
        [{"role": ROLES[0], "stage": "", "place": "practice_a", "levels": {0: 3}}],
        [[(0, 1, 1)]],
    )
    assert _role_lines(world["lead"], world["t"].pcn_a) == [
        (world["roles"][ROLES[0]].pk, 1, 1, None, 0)
    ]
    assert selectors.role_coverage(world["outsider"], world["t"].pcn_a) == []
    assert selectors.pathway_summaries(world["outsider"], world["t"].pcn_a) == []
