"""The gap arithmetic on its own: shortfalls, ranking and greedy recruit-or-train."""

from hypothesis import given
from hypothesis import strategies as st

from capmap.capability import gaps

levels = st.integers(min_value=0, max_value=5)
needs = st.lists(
    st.builds(
        gaps.Need,
        person=st.integers(0, 6),
        competency=st.integers(0, 8),
        required=st.integers(1, 5),
        current=st.none() | levels,
        essential=st.booleans(),
    ),
    max_size=60,
)


@given(st.integers(0, 5), st.none() | levels)
def test_shortfall_is_never_negative_and_zero_when_met(required, current):
    short = gaps.shortfall(required, current)
    assert short >= 0
    assert (short == 0) == ((current or 0) >= required)


@given(needs)
def test_ranking_puts_essential_first_then_larger_shortfall(needs):
    ranked = gaps.rank_gaps(needs)
    keys = [(not g.essential, -g.total_shortfall) for g in ranked]
    assert keys == sorted(keys)


@given(needs)
def test_ranked_totals_add_up_to_every_persons_shortfall(needs):
    ranked = gaps.rank_gaps(needs)
    assert sum(g.total_shortfall for g in ranked) == sum(n.shortfall for n in needs)
    assert all(g.people_short >= 1 and g.levels_short >= g.people_short for g in ranked)


def test_a_gap_counts_people_short_and_levels_short():
    ranked = gaps.rank_gaps(
        [
            gaps.Need("ann", "triage", 3, 1),
            gaps.Need("bob", "triage", 3, None),
            gaps.Need("cat", "triage", 3, 4),
            gaps.Need("ann", "review", 2, 1, essential=False),
        ]
    )
    assert [(g.competency, g.people_short, g.levels_short) for g in ranked] == [
        ("triage", 2, 5),
        ("review", 1, 1),
    ]


@given(
    st.sets(st.integers(0, 12), max_size=10),
    st.dictionaries(st.text(min_size=1, max_size=3), st.sets(st.integers(0, 12)), max_size=8),
)
def test_greedy_cover_covers_everything_coverable_without_overlap(uncovered, options):
    chosen, missing = gaps.greedy_cover(uncovered, options)
    covered = set()
    for choice in chosen:
        assert choice.covers and not (choice.covers & covered)
        assert choice.covers <= options[choice.option]
        covered |= choice.covers
    coverable = uncovered & set().union(*options.values()) if options else set()
    assert covered == coverable
    assert missing == frozenset(uncovered - coverable)
    gains = [len(choice.covers) for choice in chosen]
    assert gains == sorted(gains, reverse=True)


def test_greedy_cover_takes_the_role_covering_most_first():
    chosen, missing = gaps.greedy_cover(
        {"a", "b", "c", "d"},
        {"pharmacist": {"a", "b", "c"}, "nurse": {"c", "d"}, "gp": {"d"}},
    )
    assert [(c.option, set(c.covers)) for c in chosen] == [
        ("pharmacist", {"a", "b", "c"}),
        ("gp", {"d"}),
    ]
    assert missing == frozenset()


@given(st.dictionaries(st.integers(0, 20), st.none() | levels), st.integers(1, 5))
def test_closest_people_are_short_and_ordered_by_gap(levels_by_person, minimum):
    closest = gaps.closest_people(levels_by_person, minimum, limit=3)
    assert len(closest) <= 3
    assert all(c.gap == minimum - (levels_by_person[c.person] or 0) > 0 for c in closest)
    assert [c.gap for c in closest] == sorted(c.gap for c in closest)


def test_coverage_marks_single_points_of_failure():
    lines = gaps.coverage([("x", 2, 2), ("y", 3, 1)], {"x": {"ann": 2}, "y": {"ann": 2}})
    assert lines[0].single_point_of_failure and lines[0].short_by == 1
    assert lines[1].uncovered


@given(
    st.integers(1, 5),
    st.lists(st.none() | st.integers(0, 5), max_size=40),
)
def test_shortfall_from_level_counts_matches_person_by_person(required, levels_held):
    counts: dict[int, int] = {}
    for level in levels_held:
        if level is not None:
            counts[level] = counts.get(level, 0) + 1
    expected_short = sum(1 for level in levels_held if (level or 0) < required)
    expected_levels = sum(gaps.shortfall(required, level) for level in levels_held)
    assert gaps.shortfall_from_levels(required, len(levels_held), counts) == (
        expected_short,
        expected_levels,
    )


@given(st.integers(-2, 6), st.none() | st.integers(0, 7))
def test_the_lowest_level_meeting_a_requirement_is_where_the_shortfall_ends(required, current):
    lowest = gaps.lowest_level_meeting(required)
    met = gaps.shortfall(required, current) == 0
    if lowest is None:
        assert met and gaps.shortfall(required, None) == 0
    else:
        assert met == (current is not None and current >= lowest)


@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 5), st.integers(1, 3)), max_size=6),
    st.dictionaries(st.integers(0, 4), st.dictionaries(st.integers(0, 9), st.integers(0, 5))),
)
def test_coverage_counted_from_levels_is_coverage_of_each_person(requirements, levels):
    counts: dict[int, dict[int, int]] = {}
    for competency, held in levels.items():
        for level in held.values():
            counts.setdefault(competency, {}).setdefault(level, 0)
            counts[competency][level] += 1
    listed = gaps.coverage(requirements, levels)
    counted = gaps.coverage_from_levels(requirements, counts)
    assert [(c.competency, c.held, c.short_by) for c in counted] == [
        (line.competency, line.held, line.short_by) for line in listed
    ]
