from hypothesis import given, settings

from capmap.matching import max_preference_allocation, parse_instance, rank_statistics

from .strategies import (
    best_by_assignment_solver,
    brute_force_best,
    eligible_pairs,
    maximum_placed,
    raw_instances,
)


def test_max_preference_places_more_applicants_than_stable_when_it_can():
    # a1 takes p1 in the stable allocation (p1 ranks a1 first), leaving a2 with nothing;
    # sending a1 to their second choice places both.
    instance = parse_instance(
        {
            "applicants": [
                {"id": "a1", "preferences": ["p1", "p2"]},
                {"id": "a2", "preferences": ["p1"]},
            ],
            "placements": [
                {"id": "p1", "capacity": 1, "priority": ["a1", "a2"]},
                {"id": "p2", "capacity": 1, "priority": ["a1"]},
            ],
        }
    )
    assert max_preference_allocation(instance).placement_of == (1, 0)


@given(raw_instances())
def test_max_preference_respects_capacities_and_eligibility(raw):
    instance = parse_instance(raw)
    allocation = max_preference_allocation(instance)
    eligible = eligible_pairs(instance)
    for a, p in enumerate(allocation.placement_of):
        assert p is None or p in eligible[a]
    for p, held in enumerate(allocation.members(instance)):
        assert len(held) <= instance.capacities[p]


@settings(max_examples=150)
@given(raw_instances(max_applicants=6, max_placements=3))
def test_max_preference_is_the_best_of_every_possible_allocation(raw):
    instance = parse_instance(raw)
    stats = rank_statistics(instance, max_preference_allocation(instance))
    assert (stats.assigned, stats.rank_sum) == brute_force_best(instance)


@settings(max_examples=150)
@given(raw_instances(max_applicants=30, max_placements=8, max_capacity=4))
def test_max_preference_places_the_maximum_number_with_the_least_rank_sum(raw):
    instance = parse_instance(raw)
    stats = rank_statistics(instance, max_preference_allocation(instance))
    assert stats.assigned == maximum_placed(instance)
    assert (stats.assigned, stats.rank_sum) == best_by_assignment_solver(instance)


@given(raw_instances(max_applicants=12, max_placements=5))
def test_max_preference_gives_the_same_answer_every_time(raw):
    first = max_preference_allocation(parse_instance(raw)).placement_of
    assert max_preference_allocation(parse_instance(raw)).placement_of == first


def test_a_huge_capacity_is_handled_like_an_unlimited_one():
    instance = parse_instance(
        {
            "applicants": [{"id": "a1", "preferences": ["p1"]}, {"id": "a2", "preferences": []}],
            "placements": [{"id": "p1", "capacity": 10**30, "priority": ["a1"]}],
        }
    )
    assert max_preference_allocation(instance).placement_of == (0, None)
