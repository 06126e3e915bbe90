"""Gap arithmetic: shortfalls against required levels, ranking, and recruit-or-train choices.

Plain Python with no Django import, so the rules are quick to test on their own.
A shortfall is how many levels a person is below what their role needs; a person with
no verified level counts as level 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

# The keys are the caller's (primary keys in Capmap, anything hashable in tests): generic,
# so a caller's dict[int, ...] keeps its key type through the arithmetic.
P = TypeVar("P", bound=Hashable)  # a person
C = TypeVar("C", bound=Hashable)  # a competency
K = TypeVar("K", bound=Hashable)  # an option to recruit

ESSENTIAL = "essential"
DESIRABLE = "desirable"


def shortfall(required: int, current: int | None) -> int:
    """Levels short of the requirement: never negative; no verified level counts as 0."""
    return max(0, required - (current or 0))


@dataclass(frozen=True)
class Need(Generic[P, C]):
    """One person's requirement in one competency and their current verified level."""

    person: P
    competency: C
    required: int
    current: int | None
    essential: bool = True

    @property
    def shortfall(self) -> int:
        return shortfall(self.required, self.current)


@dataclass
class CompetencyGap(Generic[C]):
    """A competency's shortfall across a group of people."""

    competency: C
    essential: bool
    people_short: int = 0
    levels_short: int = 0
    people_required: int = 0

    @property
    def total_shortfall(self) -> int:
        """People short times levels short, read as the sum of each person's shortfall."""
        return self.levels_short


def rank_gaps(needs: Iterable[Need[P, C]]) -> list[CompetencyGap[C]]:
    """Competencies with a shortfall, essential first, then by total shortfall.

    A competency essential for anyone counts as essential. Ties go to the one with
    more people short, then to the competency's own order (its key), so the ranking
    is stable.
    """
    gaps: dict[C, CompetencyGap[C]] = {}
    for need in needs:
        gap = gaps.get(need.competency)
        if gap is None:
            gap = gaps[need.competency] = CompetencyGap(need.competency, need.essential)
        gap.essential = gap.essential or need.essential
        gap.people_required += 1
        short = need.shortfall
        if short:
            gap.people_short += 1
            gap.levels_short += short
    return sort_gaps(g for g in gaps.values() if g.people_short)


def sort_gaps(gaps: Iterable[CompetencyGap[C]]) -> list[CompetencyGap[C]]:
    return sorted(
        gaps,
        key=lambda g: (not g.essential, -g.total_shortfall, -g.people_short, _order(g.competency)),
    )


def _order(key: Hashable):
    return (0, key, "") if isinstance(key, int | float) else (1, 0, str(key))


@dataclass(frozen=True)
class Candidate(Generic[P]):
    """An existing person who could be trained up to cover a capability."""

    person: P
    gap: int  # levels short of the capability's minimum


def closest_people(
    levels: Mapping[P, int | None], minimum: int, *, limit: int = 3
) -> list[Candidate[P]]:
    """The people short of `minimum` with the smallest gap first (ties by person key)."""
    candidates = [
        Candidate(person, shortfall(minimum, level))
        for person, level in levels.items()
        if shortfall(minimum, level) > 0
    ]
    candidates.sort(key=lambda c: (c.gap, _order(c.person)))
    return candidates[:limit]


F = TypeVar("F", bound=Hashable)  # a framework


def role_could_take_on(
    competency: C,
    framework: F,
    *,
    required: Collection[C],
    frameworks: Collection[F],
    held: Collection[C],
) -> bool:
    """We suggest training only people whose role could take this on: their role profile
    asks for it at some level, their role profile comes from the same framework, or they
    already hold a verified level in it."""
    return competency in required or framework in frameworks or competency in held


@dataclass
class RecruitChoice(Generic[K, C]):
    """A job role to recruit and the uncovered capabilities its profile would cover."""

    option: K
    covers: frozenset[C] = field(default_factory=frozenset)


def greedy_cover(
    uncovered: Iterable[C], options: Mapping[K, Iterable[C]]
) -> tuple[list[RecruitChoice[K, C]], frozenset[C]]:
    """Greedy set cover: repeatedly take the option covering most still-uncovered items.

    Returns the choices in the order taken, each with what it newly covers, and the
    items no option covers. Ties go to the smallest option key, so it is deterministic.
    The greedy choice is within a factor ln(n) of the fewest options possible.
    """
    remaining = set(uncovered)
    sets = {option: frozenset(items) & remaining for option, items in options.items()}
    chosen: list[RecruitChoice[K, C]] = []
    while remaining:
        best: K | None = None
        best_gain: frozenset[C] = frozenset()
        for option in sorted(sets, key=_order):
            gain = sets[option] & remaining
            if len(gain) > len(best_gain):
                best, best_gain = option, frozenset(gain)
        if best is None:
            break
        chosen.append(RecruitChoice(best, best_gain))
        remaining -= best_gain
        del sets[best]
    return chosen, frozenset(remaining)


@dataclass(frozen=True)
class CoverageCount(Generic[C]):
    """How one required capability of a pathway is covered by a team: how many hold it."""

    competency: C
    minimum: int
    needed: int
    held: int

    @property
    def uncovered(self) -> bool:
        return self.held == 0

    @property
    def single_point_of_failure(self) -> bool:
        return self.held == 1

    @property
    def short_by(self) -> int:
        return max(0, self.needed - self.held)


@dataclass(frozen=True)
class CoverageLine(CoverageCount[C], Generic[C, P]):
    """`CoverageCount` with who the holders are."""

    holders: tuple[P, ...] = ()


def coverage(
    requirements: Iterable[tuple[C, int, int]],
    levels: Mapping[C, Mapping[P, int]],
) -> list[CoverageLine[C, P]]:
    """Per (competency, minimum level, people needed): who holds it at or above the minimum.

    `levels` maps competency to {person: current level}.
    """
    lines = []
    for competency, minimum, needed in requirements:
        held: Mapping[P, int] = levels.get(competency, {})
        holders = tuple(
            sorted((p for p, level in held.items() if holds(level, minimum)), key=_order)
        )
        lines.append(CoverageLine(competency, minimum, needed, len(holders), holders))
    return lines


def totals_by(needs: Iterable[Need], key) -> dict:
    """Sum of shortfalls grouped by `key(need)`."""
    totals: dict = defaultdict(int)
    for need in needs:
        totals[key(need)] += need.shortfall
    return dict(totals)


def shortfall_from_levels(
    required: int, people: int, level_counts: Mapping[int, int]
) -> tuple[int, int]:
    """(people short, total levels short) for `people` who all need `required`, from how
    many of them hold each verified level; those not counted hold no level (0).

    This lets a whole organisation's shortfall come from one grouped count of levels
    instead of one row per person.
    """
    unrated = max(0, people - sum(level_counts.values()))
    counts: list[tuple[int | None, int]] = [(None, unrated), *level_counts.items()]
    short = levels = 0
    for level, count in counts:
        if levels_short := shortfall(required, level):
            short += count
            levels += count * levels_short
    return short, levels


def lowest_level_meeting(required: int) -> int | None:
    """The lowest verified level with no shortfall against `required`, or None when having
    no verified level at all already meets it.

    For a query that must count, in the database, the levels that meet a requirement
    (`level >= lowest_level_meeting(required)`): it follows from `shortfall` for the
    levels a scale has (0 and up), and test_gaps checks that the two agree.
    """
    if shortfall(required, None) == 0:
        return None
    return required


def holds(level: int | None, minimum: int) -> bool:
    """Whether a verified level covers a pathway capability's minimum level."""
    return level is not None and level >= minimum


def coverage_from_levels(
    requirements: Iterable[tuple[C, int, int]],
    level_counts: Mapping[C, Mapping[int, int]],
) -> list[CoverageCount[C]]:
    """`coverage` counted, not listed: per (competency, minimum level, people needed), how
    many people hold it, from how many of the team hold each level of each competency."""
    return [
        CoverageCount(
            competency,
            minimum,
            needed,
            sum(
                n for level, n in level_counts.get(competency, {}).items() if holds(level, minimum)
            ),
        )
        for competency, minimum, needed in requirements
    ]
