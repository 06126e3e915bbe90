"""The result of an allocation, and its JSON form as `capmap match` prints it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .instance import Instance


@dataclass(frozen=True)
class Allocation:
    """Who goes where: ``placement_of[a]`` is a placement index, or None when unplaced.

    ``seconds`` is the solver's time, from the checked instance to this result (reading
    and checking the JSON are not counted).
    """

    algorithm: str
    placement_of: tuple[int | None, ...]
    seconds: float

    def members(self, instance: Instance) -> list[list[int]]:
        """Applicants placed in each placement, in that placement's priority order."""
        members: list[list[int]] = [[] for _ in instance.placement_ids]
        for applicant, placement in enumerate(self.placement_of):
            if placement is not None:
                members[placement].append(applicant)
        for placement, held in enumerate(members):
            if len(held) > 1:
                position = {a: i for i, a in enumerate(instance.priorities[placement])}
                held.sort(key=position.__getitem__)
        return members

    def choice_of(self, instance: Instance, applicant: int) -> int | None:
        """The 1-based rank the applicant gave their placement (1 = first choice), or None."""
        placement = self.placement_of[applicant]
        if placement is None:
            return None
        return instance.preferences[applicant].index(placement) + 1


def allocation_output(instance: Instance, allocation: Allocation) -> dict[str, Any]:
    """The JSON object `capmap match` prints, keys and lists in the instance's order.

    Each placement lists its applicants in the placement's priority order.
    """
    aids = instance.applicant_ids
    pids = instance.placement_ids
    assignments = {
        aids[a]: (None if p is None else pids[p]) for a, p in enumerate(allocation.placement_of)
    }
    members = allocation.members(instance)
    unassigned = [aids[a] for a, p in enumerate(allocation.placement_of) if p is None]
    first_choice = sum(
        1
        for a, p in enumerate(allocation.placement_of)
        if p is not None and instance.preferences[a][0] == p
    )
    return {
        "algorithm": allocation.algorithm,
        "assignments": assignments,
        "placements": {pids[p]: [aids[a] for a in held] for p, held in enumerate(members)},
        "unassigned": unassigned,
        "stats": {
            "applicants": len(aids),
            "assigned": len(aids) - len(unassigned),
            "first_choice": first_choice,
            "seconds": round(allocation.seconds, 6),
        },
    }
