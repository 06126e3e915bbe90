"""Applicant-proposing deferred acceptance with capacities (Gale and Shapley; Roth 1984).

The result is the applicant-optimal stable allocation: no applicant and placement would
both rather have each other than what they got, and every applicant does at least as well
as in any other stable allocation. It is unique, so the order in which applicants propose
does not change it and no tie-break is needed.

Speed: everything is indexed by integers; each applicant walks their *eligible*
preferences only (precomputed with the placement's priority position beside each); each
placement keeps a heap of the priority positions it holds, so its worst held applicant is
the heap's top, and a position maps back to the applicant through the priority list.
Each applicant proposes at most once to each eligible placement, so the work is
O(E log c) for E eligible pairs and largest capacity c.
"""

from __future__ import annotations

import time
from heapq import heappush, heapreplace

from .allocation import Allocation
from .instance import Instance

ALGORITHM = "stable"


def stable_allocation(instance: Instance) -> Allocation:
    """The applicant-optimal stable allocation of the instance."""
    started = time.perf_counter()
    eligible = instance.eligible
    # Flat Python lists index fastest in the loop; applicant a's eligible choices are
    # pair_placement[start[a]:end[a]], and next_pair[a] is the next one to propose to.
    pair_placement = eligible.placement.tolist()
    pair_priority = eligible.priority.tolist()
    next_pair = eligible.start[:-1].tolist()
    end = eligible.start[1:].tolist()
    capacities = instance.capacities
    priorities = instance.priorities
    # held[p] is a min-heap of negated priority positions: -held[p][0] is the worst held.
    held: list[list[int]] = [[] for _ in capacities]

    # Free applicants wait on a stack; the order does not change the (unique) result.
    free = [a for a in range(len(end) - 1, -1, -1) if next_pair[a] < end[a]]
    pop = free.pop
    push, replace = heappush, heapreplace  # local names are faster in the loop
    while free:
        applicant = pop()
        i = next_pair[applicant]
        last = end[applicant]
        while i < last:
            placement = pair_placement[i]
            position = pair_priority[i]
            i += 1
            heap = held[placement]
            if len(heap) < capacities[placement]:
                push(heap, -position)
                break
            if heap and -heap[0] > position:
                # The placement prefers this applicant to its worst held one: swap them,
                # and carry on proposing for the one turned away.
                worst = -replace(heap, -position)
                next_pair[applicant] = i
                applicant = priorities[placement][worst]
                i = next_pair[applicant]
                last = end[applicant]
        next_pair[applicant] = i

    placement_of: list[int | None] = [None] * len(end)
    for placement, heap in enumerate(held):
        priority = priorities[placement]
        for negated in heap:
            placement_of[priority[-negated]] = placement
    return Allocation(ALGORITHM, tuple(placement_of), time.perf_counter() - started)
