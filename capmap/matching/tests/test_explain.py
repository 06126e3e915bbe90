from hypothesis import given

from capmap.matching import (
    compare_algorithms,
    explain_allocation,
    max_preference_allocation,
    parse_instance,
    rank_statistics,
    stable_allocation,
)
from capmap.matching.explain import ordinal

from .strategies import raw_instances

INSTANCE = {
    "applicants": [
        {"id": "a1", "preferences": ["p1", "p2"]},
        {"id": "a2", "preferences": ["p1", "p2"]},
        {"id": "a3", "preferences": ["p3", "p1"]},
        {"id": "a4", "preferences": []},
    ],
    "placements": [
        {"id": "p1", "capacity": 1, "priority": ["a1", "a2", "a3"]},
        {"id": "p2", "capacity": 1, "priority": ["a2"]},
        {"id": "p3", "capacity": 0, "priority": ["a3"]},
    ],
}


def explanations():
    instance = parse_instance(INSTANCE)
    return {e.applicant: e for e in explain_allocation(instance, stable_allocation(instance))}


def test_explanation_says_which_choice_an_applicant_got():
    placed = explanations()["a1"]
    assert (placed.placement, placed.choice) == ("p1", 1)
    assert [r.message for r in placed.reasons] == ["placed at their 1st choice"]


def test_explanation_says_places_went_to_applicants_the_placement_ranks_higher():
    second = explanations()["a2"]
    assert (second.placement, second.choice) == ("p2", 2)
    assert [r.message for r in second.reasons] == [
        "not placed in p1: its places went to applicants it ranks higher",
        "placed at their 2nd choice",
    ]


def test_explanation_of_an_unplaced_applicant_covers_every_choice():
    unplaced = explanations()["a3"]
    assert unplaced.placement is None
    assert [(r.code, r.message) for r in unplaced.reasons] == [
        ("no_places", "not placed in p3: it has no places"),
        (
            "went_to_higher_priority",
            "not placed in p1: its places went to applicants it ranks higher",
        ),
    ]


def test_explanation_says_when_an_applicant_is_not_eligible():
    instance = parse_instance(
        {
            "applicants": [{"id": "a1", "preferences": ["p1"]}],
            "placements": [{"id": "p1", "capacity": 1, "priority": []}],
        }
    )
    (explanation,) = explain_allocation(instance, stable_allocation(instance))
    assert [r.message for r in explanation.reasons] == ["not eligible for p1"]


def test_explanation_of_an_applicant_with_no_preferences():
    assert [r.code for r in explanations()["a4"].reasons] == ["no_preferences"]


def test_rank_statistics_count_each_choice_and_list_the_unplaced():
    instance = parse_instance(INSTANCE)
    stats = rank_statistics(instance, stable_allocation(instance))
    assert stats.by_choice == {1: 1, 2: 1}
    assert stats.unassigned == ("a3", "a4")
    assert (stats.applicants, stats.assigned, stats.rank_sum, stats.mean_choice) == (4, 2, 3, 1.5)


def test_comparing_algorithms_shows_max_preference_placing_at_least_as_many():
    compared = compare_algorithms(parse_instance(INSTANCE))
    assert set(compared) == {"stable", "max-preference"}
    assert compared["max-preference"].assigned >= compared["stable"].assigned


def test_ordinals_read_naturally():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
        "111th",
    ]


def test_explanation_of_max_preference_says_a_place_went_to_others_to_place_more():
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
    first, _ = explain_allocation(instance, max_preference_allocation(instance))
    assert [r.code for r in first.reasons] == ["went_to_others", "placed"]
    assert first.reasons[0].message.startswith("not placed in p1: its places went to others")


@given(raw_instances())
def test_every_stable_explanation_is_priority_eligibility_or_no_places(raw):
    instance = parse_instance(raw)
    allocation = stable_allocation(instance)
    for explanation, placement in zip(
        explain_allocation(instance, allocation), allocation.placement_of, strict=True
    ):
        codes = [r.code for r in explanation.reasons]
        assert "went_to_others" not in codes
        assert (codes[-1] == "placed") == (placement is not None)
