"""The bridge between a scheme and the pure engine in capmap.matching.

Builds the instance (ids "a<application pk>" and "p<placement pk>") from released
applications, eligibility and priority rules, runs the engine, and turns results into the
stored JSON and statistics.
"""

from __future__ import annotations

from typing import Any

from capmap.matching import (
    Allocation,
    allocate,
    allocation_output,
    compare_algorithms,
    explain_allocation,
    parse_instance,
    rank_statistics,
)
from capmap.matching.explain import ApplicantExplanation, RankStatistics

from . import selectors
from .eligibility import eligible, priority_order, priority_rules_for
from .models import Scheme


def instance_for(scheme: Scheme) -> dict[str, Any]:
    """The allocation instance of the scheme's released applications (DESIGN.md format)."""
    applications = list(
        selectors.applications_of(scheme).filter(released_at__isnull=False).order_by("pk")
    )
    people = [a.applicant for a in applications]
    facts = selectors.applicant_facts(scheme, people)
    rules = selectors.rules_of(scheme)
    order = priority_order(
        [facts[p.pk] for p in people],
        seed=scheme.lottery_seed or 0,
        rules=priority_rules_for(scheme),
    )
    by_id = {a.pk: a for a in applications}
    placements = []
    for placement in scheme.placements.order_by("pk"):
        priority = [
            f"a{pk}" for pk in order if eligible(facts[by_id[pk].applicant_id], placement.pk, rules)
        ]
        placements.append(
            {"id": f"p{placement.pk}", "capacity": placement.capacity, "priority": priority}
        )
    return {
        "applicants": [
            {"id": f"a{a.pk}", "preferences": [f"p{p.placement_id}" for p in a.preferences.all()]}
            for a in applications
        ],
        "placements": placements,
    }


def statistics_json(stats: RankStatistics) -> dict[str, Any]:
    return {
        "applicants": stats.applicants,
        "assigned": stats.assigned,
        "by_choice": {str(k): v for k, v in stats.by_choice.items()},
        "unassigned": list(stats.unassigned),
        "rank_sum": stats.rank_sum,
        "seconds": round(stats.seconds, 6),
    }


def run_engine(instance: dict[str, Any], algorithm: str) -> tuple[dict, dict]:
    checked = parse_instance(instance)
    allocation = allocate(checked, algorithm)
    return allocation_output(checked, allocation), statistics_json(
        rank_statistics(checked, allocation)
    )


def _allocation(instance: dict[str, Any], algorithm: str, assignments: dict) -> tuple:
    checked = parse_instance(instance)
    index = {pid: i for i, pid in enumerate(checked.placement_ids)}
    placement_of = tuple(
        None if assignments.get(aid) is None else index[assignments[aid]]
        for aid in checked.applicant_ids
    )
    return checked, Allocation(algorithm=algorithm, placement_of=placement_of, seconds=0.0)


def recount(instance: dict[str, Any], algorithm: str, assignments: dict) -> tuple[dict, dict]:
    """Output and statistics after a hand change to the assignments."""
    checked, allocation = _allocation(instance, algorithm, assignments)
    return allocation_output(checked, allocation), statistics_json(
        rank_statistics(checked, allocation)
    )


def explanations(run) -> list[ApplicantExplanation]:
    checked, allocation = _allocation(run.instance, run.algorithm, run.result["assignments"])
    return explain_allocation(checked, allocation)


def comparison(run) -> dict[str, RankStatistics]:
    """Both algorithms on the same instance as the run, for a side-by-side table."""
    return compare_algorithms(parse_instance(run.instance))
