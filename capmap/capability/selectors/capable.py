"""Capable people per pathway (population need reads it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from capmap.assessments.models import CurrentCapability
from capmap.frameworks.models import CarePathway, PathwayCapability
from capmap.organisations.models import Organisation

from .. import gaps
from .scope import team_people


@dataclass(frozen=True)
class CapablePerson:
    """Someone in post who holds at least one capability a pathway needs at its minimum."""

    pk: int
    employer_path: str
    fte: float


def capable_people(
    user, organisation: Organisation, pathways: Iterable[CarePathway]
) -> dict[int, list[CapablePerson]]:
    """Per pathway id, the people of the team who hold at least one of its capabilities at
    the pathway's minimum level: the holders of `gaps.coverage` (the rule
    `pathway_coverage` uses). Three queries, whatever the size of the team."""
    pathway_ids = [p.pk for p in pathways]
    capabilities: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for pathway_id, competency_id, minimum, needed in (
        PathwayCapability.objects.filter(pathway_id__in=pathway_ids)
        .order_by("pathway_id", "order")
        .values_list("pathway_id", "competency_id", "minimum_level", "people_needed")
    ):
        capabilities[pathway_id].append((competency_id, minimum, needed))
    people = team_people(user, organisation)
    ids = {c for caps in capabilities.values() for c, _, _ in caps}
    held = CurrentCapability.objects.filter(person__in=people.values("pk"), competency_id__in=ids)
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    for person_id, competency_id, level in held.values_list("person_id", "competency_id", "level"):
        levels[competency_id][person_id] = level
    details = {
        pk: CapablePerson(pk, path, float(fte))
        for pk, path, fte in people.filter(pk__in=held.values("person_id")).values_list(
            "pk", "employer__path", "fte"
        )
    }
    result: dict[int, list[CapablePerson]] = {}
    for pathway_id in pathway_ids:
        lines = gaps.coverage(capabilities.get(pathway_id, []), levels)
        holders = sorted({p for line in lines for p in line.holders})
        result[pathway_id] = [details[p] for p in holders if p in details]
    return result
