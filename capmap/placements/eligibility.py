"""Eligibility and priority rules: small named units whose docstring is the message people see.

An eligibility rule says whether an applicant may be placed in a placement; a priority rule
orders applicants. Every placement ranks its eligible applicants by the priority rules in
turn, then by a lottery drawn from the scheme's recorded seed, so a run can be repeated.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .models import EligibilityKind, EligibilityRule


@dataclass(frozen=True)
class ApplicantFacts:
    """What the rules need to know about an applicant, read once for the whole scheme."""

    application_id: int
    independent_prescriber: bool
    hard_to_recruit: bool
    # competency id -> current verified level (assessments' CurrentCapability).
    competency_levels: Mapping[int, int] = field(default_factory=dict)
    # The need gap of the applicant's PCN (population.selectors.pcn_need_gaps); 0 outside one.
    need_gap: float = 0.0


class IndependentPrescriber:
    """Open only to qualified independent prescribers."""

    def __init__(self, rule: EligibilityRule) -> None:
        self.rule = rule

    def met_by(self, facts: ApplicantFacts) -> bool:
        return facts.independent_prescriber

    @property
    def message(self) -> str:
        return self.__doc__ or ""


class CompetencyAtMinimumLevel:
    """Open to applicants verified at a minimum level in a competency."""

    def __init__(self, rule: EligibilityRule) -> None:
        self.rule = rule

    def met_by(self, facts: ApplicantFacts) -> bool:
        level = facts.competency_levels.get(self.rule.competency_id)
        return level is not None and level >= (self.rule.minimum_level or 0)

    @property
    def message(self) -> str:
        competency = self.rule.competency
        name = competency.title if competency else "a competency"
        return f"Open to applicants verified at level {self.rule.minimum_level} or above in {name}."


RULES: dict[str, type[IndependentPrescriber] | type[CompetencyAtMinimumLevel]] = {
    EligibilityKind.INDEPENDENT_PRESCRIBER: IndependentPrescriber,
    EligibilityKind.COMPETENCY_LEVEL: CompetencyAtMinimumLevel,
}


def rule_unit(rule: EligibilityRule) -> IndependentPrescriber | CompetencyAtMinimumLevel:
    return RULES[rule.kind](rule)


def _applying(placement_id: int, rules: Iterable[EligibilityRule]) -> list[EligibilityRule]:
    return [r for r in rules if r.placement_id is None or r.placement_id == placement_id]


def eligible(facts: ApplicantFacts, placement_id: int, rules: Iterable[EligibilityRule]) -> bool:
    """Whether the applicant meets every scheme-wide rule and every rule of this placement."""
    return all(rule_unit(rule).met_by(facts) for rule in _applying(placement_id, rules))


def unmet(facts: ApplicantFacts, placement_id: int, rules: Iterable[EligibilityRule]) -> list[str]:
    """The messages of the rules for this placement that the applicant does not meet."""
    units = [rule_unit(rule) for rule in _applying(placement_id, rules)]
    return [unit.message for unit in units if not unit.met_by(facts)]


def hard_to_recruit_first(facts: ApplicantFacts) -> int:
    """Applicants from practices flagged hard to recruit come first."""
    return 0 if facts.hard_to_recruit else 1


def largest_need_gap_first(facts: ApplicantFacts) -> float:
    """Applicants from the primary care networks with the largest population need gap come
    first: the most patients per person verified to deliver one of their care pathways."""
    return -facts.need_gap


PriorityRule = Callable[[ApplicantFacts], float]


def priority_order(
    facts: Iterable[ApplicantFacts],
    *,
    seed: int,
    rules: Iterable[PriorityRule] = (hard_to_recruit_first,),
) -> list[int]:
    """Application ids in priority order: the rules in turn, then a lottery from `seed`.

    The lottery shuffles the applications in id order with Python's seeded generator, so
    the same seed and the same applications always give the same order.
    """
    facts = sorted(facts, key=lambda f: f.application_id)
    draw = list(range(len(facts)))
    random.Random(seed).shuffle(draw)
    lottery = {f.application_id: draw[i] for i, f in enumerate(facts)}
    keys = list(rules)
    ordered = sorted(facts, key=lambda f: (*[rule(f) for rule in keys], lottery[f.application_id]))
    return [f.application_id for f in ordered]


def priority_rules_for(scheme) -> list[PriorityRule]:
    """The scheme's priority rules in the order they apply."""
    rules: list[PriorityRule] = []
    if scheme.hard_to_recruit_first:
        rules.append(hard_to_recruit_first)
    if scheme.need_gap_first:
        rules.append(largest_need_gap_first)
    return rules


def describe_priority(scheme) -> list[str]:
    lines = [" ".join((rule.__doc__ or "").split()) for rule in priority_rules_for(scheme)]
    # The draw number is shown on the allocation page, under "Repeating this allocation".
    lines.append("Then by a random draw, which can be repeated exactly.")
    return lines
