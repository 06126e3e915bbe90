"""Why each applicant got what they got, and rank statistics for comparing algorithms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .allocation import Allocation
from .instance import Instance
from .max_preference import max_preference_allocation
from .stable import stable_allocation

PLACED = "placed"
NOT_ELIGIBLE = "not_eligible"
NO_PLACES = "no_places"
WENT_TO_HIGHER_PRIORITY = "went_to_higher_priority"
WENT_TO_OTHERS = "went_to_others"
NO_PREFERENCES = "no_preferences"


@dataclass(frozen=True)
class Reason:
    """One line of an explanation; ``code`` is one of this module's constants."""

    code: str
    message: str
    placement: str | None = None


@dataclass(frozen=True)
class ApplicantExplanation:
    """Where an applicant was placed (if anywhere) and why not at each better choice."""

    applicant: str
    placement: str | None
    choice: int | None  # 1 = first choice
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class RankStatistics:
    """How many applicants got their 1st, 2nd, ... choice, and who is unplaced."""

    algorithm: str
    applicants: int
    assigned: int
    by_choice: dict[int, int]  # choice (1-based) -> applicants placed there; every rank listed
    unassigned: tuple[str, ...]
    rank_sum: int
    seconds: float

    @property
    def mean_choice(self) -> float | None:
        return self.rank_sum / self.assigned if self.assigned else None


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, ... 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def explain_allocation(instance: Instance, allocation: Allocation) -> list[ApplicantExplanation]:
    """One explanation per applicant, in instance order.

    For each placement an applicant preferred to the one they got (all of them, if
    unplaced) it says why: not eligible there, no places there, or its places went to
    applicants it ranks higher (always the case in a stable allocation). For an allocation
    that is not stable (max-preference) a placement may instead have gone to others so that
    more people are placed or more get a higher choice.
    """
    pids = instance.placement_ids
    members = allocation.members(instance)
    priority_position = [
        {a: pos for pos, a in enumerate(priority)} for priority in instance.priorities
    ]
    explanations = []
    for applicant, aid in enumerate(instance.applicant_ids):
        preferences = instance.preferences[applicant]
        placement = allocation.placement_of[applicant]
        better = preferences if placement is None else preferences[: preferences.index(placement)]
        reasons = [
            _why_not(pids[q], applicant, priority_position[q], members[q], instance.capacities[q])
            for q in better
        ]
        choice = None
        if placement is not None:
            choice = len(better) + 1
            reasons.append(
                Reason(PLACED, f"placed at their {ordinal(choice)} choice", pids[placement])
            )
        elif not preferences:
            reasons.append(Reason(NO_PREFERENCES, "listed no placements"))
        explanations.append(
            ApplicantExplanation(
                applicant=aid,
                placement=None if placement is None else pids[placement],
                choice=choice,
                reasons=tuple(reasons),
            )
        )
    return explanations


def _why_not(
    pid: str, applicant: int, position: dict[int, int], held: list[int], capacity: int
) -> Reason:
    mine = position.get(applicant)
    if mine is None:
        return Reason(NOT_ELIGIBLE, f"not eligible for {pid}", pid)
    if capacity == 0:
        return Reason(NO_PLACES, f"not placed in {pid}: it has no places", pid)
    if len(held) >= capacity and all(position[other] < mine for other in held):
        return Reason(
            WENT_TO_HIGHER_PRIORITY,
            f"not placed in {pid}: its places went to applicants it ranks higher",
            pid,
        )
    return Reason(
        WENT_TO_OTHERS,
        f"not placed in {pid}: its places went to others so that more applicants are placed"
        " or more get a higher choice",
        pid,
    )


def rank_statistics(instance: Instance, allocation: Allocation) -> RankStatistics:
    """Counts of placed applicants by the rank they gave their placement, and the unplaced."""
    longest = max((len(p) for p in instance.preferences), default=0)
    by_choice = dict.fromkeys(range(1, longest + 1), 0)
    unassigned = []
    rank_sum = 0
    for applicant, placement in enumerate(allocation.placement_of):
        if placement is None:
            unassigned.append(instance.applicant_ids[applicant])
            continue
        choice = instance.preferences[applicant].index(placement) + 1
        by_choice[choice] += 1
        rank_sum += choice
    return RankStatistics(
        algorithm=allocation.algorithm,
        applicants=len(instance.applicant_ids),
        assigned=len(instance.applicant_ids) - len(unassigned),
        by_choice=by_choice,
        unassigned=tuple(unassigned),
        rank_sum=rank_sum,
        seconds=allocation.seconds,
    )


def compare_algorithms(
    instance: Instance, algorithms: Iterable[str] = ("stable", "max-preference")
) -> dict[str, RankStatistics]:
    """Run each algorithm on the instance and return its rank statistics, by name."""
    solvers = {"stable": stable_allocation, "max-preference": max_preference_allocation}
    return {name: rank_statistics(instance, solvers[name](instance)) for name in algorithms}
