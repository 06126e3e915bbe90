"""Hypothesis strategies and independent reference solvers for the matching tests."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
from hypothesis import strategies as st
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

from capmap.matching import Instance


@st.composite
def raw_instances(draw, max_applicants: int = 7, max_placements: int = 4, max_capacity: int = 3):
    """A valid instance in the JSON shape: random preferences, priorities and capacities."""
    n_applicants = draw(st.integers(0, max_applicants))
    n_placements = draw(st.integers(0, max_placements))
    applicant_ids = [f"a{i}" for i in range(n_applicants)]
    placement_ids = [f"p{j}" for j in range(n_placements)]
    applicants = [
        {"id": aid, "preferences": draw(st.permutations(placement_ids).flatmap(_prefixes))}
        for aid in applicant_ids
    ]
    placements = [
        {
            "id": pid,
            "capacity": draw(st.integers(0, max_capacity)),
            "priority": draw(st.permutations(applicant_ids).flatmap(_subsets)),
        }
        for pid in placement_ids
    ]
    return {"applicants": applicants, "placements": placements}


def _prefixes(ordered: list[str]):
    return st.integers(0, len(ordered)).map(lambda n: ordered[:n])


def _subsets(ordered: list[str]):
    return st.lists(st.booleans(), min_size=len(ordered), max_size=len(ordered)).map(
        lambda keep: [x for x, k in zip(ordered, keep, strict=True) if k]
    )


def eligible_pairs(instance: Instance) -> list[list[int]]:
    """Each applicant's eligible placements (preference order), computed the slow, obvious way."""
    return [
        [p for p in prefs if a in instance.priorities[p]]
        for a, prefs in enumerate(instance.preferences)
    ]


def rank(instance: Instance, applicant: int, placement: int) -> int:
    return instance.preferences[applicant].index(placement) + 1


def reference_stable(instance: Instance) -> list[int | None]:
    """The `matching` package's resident-optimal HospitalResident on the eligible pairs."""
    from matching.games import HospitalResident

    aids, pids = instance.applicant_ids, instance.placement_ids
    resident_prefs = {
        aids[a]: [pids[p] for p in ps if instance.capacities[p] > 0]
        for a, ps in enumerate(eligible_pairs(instance))
    }
    resident_prefs = {a: ps for a, ps in resident_prefs.items() if ps}
    hospital_prefs = {
        pids[p]: [aids[a] for a in priority if pids[p] in resident_prefs.get(aids[a], ())]
        for p, priority in enumerate(instance.priorities)
    }
    hospital_prefs = {p: rs for p, rs in hospital_prefs.items() if rs}
    placement_of: list[int | None] = [None] * len(aids)
    if not resident_prefs:
        return placement_of
    capacities = {pid: instance.capacities[pids.index(pid)] for pid in hospital_prefs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
        result = game.solve(optimal="resident")
    for hospital, residents in result.items():
        for resident in residents:
            placement_of[aids.index(resident.name)] = pids.index(hospital.name)
    return placement_of


def _seat_graph(instance: Instance):
    """Rows = applicants, columns = one seat per unit of capacity; edge cost = rank."""
    seat_owner = [p for p, c in enumerate(instance.capacities) for _ in range(c)]
    rows, cols, costs = [], [], []
    for a, ps in enumerate(eligible_pairs(instance)):
        for seat, p in enumerate(seat_owner):
            if p in ps:
                rows.append(a)
                cols.append(seat)
                costs.append(rank(instance, a, p))
    return rows, cols, costs, len(seat_owner)


def maximum_placed(instance: Instance) -> int:
    """The most applicants any allocation can place (SciPy's Hopcroft-Karp on seats)."""
    rows, cols, _, n_seats = _seat_graph(instance)
    n = len(instance.applicant_ids)
    if not rows:
        return 0
    graph = csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n_seats))
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


def best_by_assignment_solver(instance: Instance) -> tuple[int, int]:
    """(most placed, least rank sum) through an independent formulation: a sparse assignment
    problem with a big "unplaced" cost per applicant (LAPJVsp)."""
    rows, cols, costs, n_seats = _seat_graph(instance)
    n = len(instance.applicant_ids)
    if not rows:
        return 0, 0
    big = n * max(costs) + 1
    rows += list(range(n))
    cols += [n_seats + a for a in range(n)]
    costs += [big] * n
    graph = csr_array((np.asarray(costs, dtype=float), (rows, cols)), shape=(n, n_seats + n))
    r, c = min_weight_full_bipartite_matching(graph)
    total = int(graph[r, c].sum())
    unplaced = total // big
    return n - unplaced, total - unplaced * big


def brute_force_best(instance: Instance) -> tuple[int, int]:
    """(most placed, least rank sum) by trying every allocation (tiny instances only)."""
    options = [[None, *ps] for ps in eligible_pairs(instance)]
    best = (0, 0)
    for choice in itertools.product(*options):
        load = [0] * len(instance.placement_ids)
        for p in choice:
            if p is not None:
                load[p] += 1
        if any(n > c for n, c in zip(load, instance.capacities, strict=True)):
            continue
        placed = sum(p is not None for p in choice)
        ranks = sum(rank(instance, a, p) for a, p in enumerate(choice) if p is not None)
        if placed > best[0] or (placed == best[0] and ranks < best[1]):
            best = (placed, ranks)
    return best
