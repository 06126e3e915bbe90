"""The allocation (matching) engine: pure Python, no Django, used by `capmap match` and the pages.

Typical use::

    instance = parse_instance(json.loads(text))      # raises InvalidInstance
    allocation = allocate(instance, "stable")         # or "max-preference"
    allocation_output(instance, allocation)           # the JSON `capmap match` prints
    explain_allocation(instance, allocation)          # a reason per applicant
    rank_statistics(instance, allocation)             # 1st/2nd/... choice counts, unplaced
"""

from collections.abc import Callable

from .allocation import Allocation, allocation_output
from .explain import (
    ApplicantExplanation,
    RankStatistics,
    Reason,
    compare_algorithms,
    explain_allocation,
    rank_statistics,
)
from .instance import Instance, InvalidInstance, parse_instance
from .max_preference import max_preference_allocation
from .stable import stable_allocation

ALGORITHMS: dict[str, Callable[[Instance], Allocation]] = {
    "stable": stable_allocation,
    "max-preference": max_preference_allocation,
}


def allocate(instance: Instance, algorithm: str = "stable") -> Allocation:
    """Run one of ALGORITHMS on a checked instance."""
    try:
        solver = ALGORITHMS[algorithm]
    except KeyError:
        choices = ", ".join(ALGORITHMS)
        raise ValueError(f"unknown algorithm {algorithm!r}: choose one of {choices}") from None
    return solver(instance)


__all__ = [
    "ALGORITHMS",
    "Allocation",
    "ApplicantExplanation",
    "Instance",
    "InvalidInstance",
    "RankStatistics",
    "Reason",
    "allocate",
    "allocation_output",
    "compare_algorithms",
    "explain_allocation",
    "max_preference_allocation",
    "parse_instance",
    "rank_statistics",
    "stable_allocation",
]
