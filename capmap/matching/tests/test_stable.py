import random

from hypothesis import given, settings

from capmap.matching import parse_instance, stable_allocation

from .strategies import eligible_pairs, raw_instances, reference_stable


def test_applicants_are_placed_by_priority_when_a_placement_is_oversubscribed():
    instance = parse_instance(
        {
            "applicants": [
                {"id": "a1", "preferences": ["p1", "p2"]},
                {"id": "a2", "preferences": ["p1"]},
                {"id": "a3", "preferences": ["p1", "p2"]},
            ],
            "placements": [
                {"id": "p1", "capacity": 1, "priority": ["a3", "a1", "a2"]},
                {"id": "p2", "capacity": 1, "priority": ["a1", "a3"]},
            ],
        }
    )
    assert stable_allocation(instance).placement_of == (1, None, 0)


def test_an_applicant_is_never_placed_where_they_are_not_in_the_priority():
    instance = parse_instance(
        {
            "applicants": [{"id": "a1", "preferences": ["p1"]}],
            "placements": [{"id": "p1", "capacity": 5, "priority": []}],
        }
    )
    assert stable_allocation(instance).placement_of == (None,)


@given(raw_instances())
def test_stable_allocation_respects_capacities_and_eligibility(raw):
    instance = parse_instance(raw)
    allocation = stable_allocation(instance)
    eligible = eligible_pairs(instance)
    for a, p in enumerate(allocation.placement_of):
        assert p is None or p in eligible[a]
    for p, held in enumerate(allocation.members(instance)):
        assert len(held) <= instance.capacities[p]


@given(raw_instances())
def test_stable_allocation_has_no_blocking_pair(raw):
    instance = parse_instance(raw)
    allocation = stable_allocation(instance)
    members = allocation.members(instance)
    for a, ps in enumerate(eligible_pairs(instance)):
        current = allocation.placement_of[a]
        better = ps if current is None else ps[: ps.index(current)]
        for p in better:
            priority = instance.priorities[p]
            full = len(members[p]) >= instance.capacities[p]
            all_preferred = all(priority.index(b) < priority.index(a) for b in members[p])
            assert full and all_preferred, (instance.applicant_ids[a], instance.placement_ids[p])


@settings(max_examples=200)
@given(raw_instances(max_applicants=9, max_placements=5))
def test_stable_allocation_is_the_applicant_optimal_one_the_matching_package_finds(raw):
    instance = parse_instance(raw)
    assert list(stable_allocation(instance).placement_of) == reference_stable(instance)


@given(raw_instances())
def test_stable_allocation_does_not_depend_on_the_order_of_the_file(raw):
    instance = parse_instance(raw)
    expected = _by_id(instance, stable_allocation(instance).placement_of)
    shuffled = {
        "applicants": random.Random(1).sample(raw["applicants"], len(raw["applicants"])),
        "placements": random.Random(2).sample(raw["placements"], len(raw["placements"])),
    }
    other = parse_instance(shuffled)
    assert _by_id(other, stable_allocation(other).placement_of) == expected


def _by_id(instance, placement_of):
    return {
        instance.applicant_ids[a]: None if p is None else instance.placement_ids[p]
        for a, p in enumerate(placement_of)
    }
