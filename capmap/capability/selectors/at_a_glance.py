"""At a glance: one line per role and per pathway (the home page)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from capmap.assessments.models import CurrentCapability
from capmap.frameworks.models import CarePathway, Competency, PathwayCapability
from capmap.organisations.models import Organisation
from capmap.people.models import JobRole, Person

from .. import gaps
from .levels import CompetencyHeader, competency_headers
from .pathways import pathways_for
from .scope import team_people
from .training import _competency_gaps, _Groups, held_level_counts, whole_tree


@dataclass
class RoleCoverage:
    """How many people of a job role meet every essential requirement of their profile,
    and the competency most of them fall short of."""

    job_role: JobRole
    people: int
    meeting: int
    biggest_gap: CompetencyHeader | None = None
    biggest_gap_short: int = 0


def role_coverage(user, organisation: Organisation) -> list[RoleCoverage]:
    """One line per job role in the organisation's subtree whose people have requirements,
    largest role first. Counted over groups of people sharing their requirements
    (`_Groups`), never per person and requirement: a fixed number of queries whatever the
    size of the team."""
    people = team_people(user, organisation)
    groups = _Groups(people)
    with_requirements = [key for key in groups.sizes if groups.requirements(key)]
    meeting = _meeting_every_essential(people, groups, with_requirements)
    by_role = _competency_gaps(people, groups, lambda key: key[0], whole_tree(user, organisation))
    ranked = {
        role: gaps.sort_gaps(g for g in by_role[role].values() if g.people_short)
        for role in by_role
    }
    names = {c.pk: c for c in competency_headers({r[0].competency for r in ranked.values() if r})}
    roles = JobRole.objects.in_bulk({key[0] for key in with_requirements})
    lines: dict[int, RoleCoverage] = {}
    for key in with_requirements:
        line = lines.get(key[0])
        if line is None:
            line = lines[key[0]] = RoleCoverage(roles[key[0]], 0, 0)
            if ranked[key[0]]:
                line.biggest_gap = names[ranked[key[0]][0].competency]
                line.biggest_gap_short = ranked[key[0]][0].people_short
        line.people += groups.sizes[key]
        line.meeting += meeting[key]
    return sorted(lines.values(), key=lambda line: (-line.people, line.job_role.name))


def _meeting_every_essential(
    people: QuerySet[Person], groups: _Groups, keys: Iterable[tuple]
) -> dict[tuple, int]:
    """For each group, how many of its people have no shortfall in any essential
    requirement.

    One query counts, per person, the verified levels that meet an essential requirement
    of their group (`level >= gaps.lowest_level_meeting(required)`); someone meets them
    all when that count is the number of their essential requirements that a missing
    level would not already meet. Groups with the same such requirements share one
    condition, so its size follows the role profiles, not the people.
    """
    needed: dict[tuple, int] = {}
    sharing: dict[frozenset[tuple[int, int]], list[tuple]] = defaultdict(list)
    for key in keys:
        thresholds = frozenset(
            (competency_id, lowest)
            for competency_id, level, essential in groups.requirements(key)
            if essential and (lowest := gaps.lowest_level_meeting(level)) is not None
        )
        needed[key] = len(thresholds)
        if thresholds:
            sharing[thresholds].append(key)
    meeting = {key: groups.sizes[key] if not n else 0 for key, n in needed.items()}
    if not sharing:
        return meeting
    team = sum(groups.sizes[key] for members in sharing.values() for key in members)
    counting = _met_counts_read if team <= MEETING_READ_UP_TO else _met_counts_counted
    for key, met_count in counting(people, groups.person_fields(), sharing):
        if met_count == needed[key]:
            meeting[key] += 1
    return meeting


# Up to this many people, reading their verified levels (a few thousand small rows) costs
# less than building the condition that counts them in the database, which has a
# parameter per essential requirement of each kind of person.
MEETING_READ_UP_TO = 500


def _met_counts_counted(people: QuerySet[Person], fields: list[str], sharing) -> Iterable:
    """(group, how many of their essential requirements the person meets), per person with
    at least one, counted in the database."""
    condition = Q()
    for thresholds, members in sharing.items():
        by_level: dict[int, list[int]] = defaultdict(list)
        for competency_id, lowest in thresholds:
            by_level[lowest].append(competency_id)
        met = Q()
        for lowest, competency_ids in sorted(by_level.items()):
            met |= Q(competency_id__in=sorted(competency_ids), level__gte=lowest)
        condition |= _in_groups(fields, members) & met
    for *key, met_count in (
        CurrentCapability.objects.filter(person__in=people.values("pk"))
        .filter(condition)
        .values_list("person_id", *fields)
        .annotate(n=Count("pk"))
        .values_list(*fields, "n")
        .order_by()
    ):
        yield tuple(key), met_count


def _met_counts_read(people: QuerySet[Person], fields: list[str], sharing) -> Iterable:
    """The same counts as _met_counts_counted, from each verified level of the team."""
    lowest_of = {
        key: dict(thresholds) for thresholds, members in sharing.items() for key in members
    }
    met: Counter[tuple[int, tuple]] = Counter()
    for person_id, *key, competency_id, level in CurrentCapability.objects.filter(
        person__in=people.values("pk")
    ).values_list("person_id", *fields, "competency_id", "level"):
        lowest = lowest_of.get(tuple(key), {}).get(competency_id)
        if lowest is not None and level >= lowest:
            met[(person_id, tuple(key))] += 1
    for (_, key), met_count in met.items():
        yield key, met_count


def _in_groups(fields: list[str], keys: list[tuple]) -> Q:
    """People in any of these groups: one term per job role and stage, with the employers
    of the group as one list when the employer is part of the key."""
    employers: dict[tuple, list[str]] = defaultdict(list)
    for key in keys:
        employers[key[:2]].extend(key[2:])
    condition = Q()
    for (role, stage), paths in employers.items():
        term = Q(**{fields[0]: role, fields[1]: stage})
        if paths:
            term &= Q(**{f"{fields[2]}__in": sorted(paths)})
        condition |= term
    return condition


@dataclass
class PathwaySummary:
    """How a team covers a care pathway: capabilities held by enough people, and the
    capability furthest from it."""

    pathway: CarePathway
    capabilities: int
    covered: int
    uncovered: int
    single_points_of_failure: int
    biggest_gap: Competency | None = None
    biggest_gap_short: int = 0


def pathway_summaries(user, organisation: Organisation) -> list[PathwaySummary]:
    """One line per care pathway the user may see and the team takes part in (someone
    holds one of its capabilities at the minimum), with `gaps.coverage_from_levels` (the
    rule `pathway_coverage` uses, counted) over every pathway at once: two queries in all,
    the second a count of the team's holders of each level, not a row per person."""
    capabilities = defaultdict(list)
    pathways: dict[int, CarePathway] = {}
    rows = (
        PathwayCapability.objects.filter(pathway__in=pathways_for(user))
        .select_related("pathway", "competency")
        .order_by("pathway__title", "pathway_id", "order")
    )
    for capability in rows:
        pathways[capability.pathway_id] = capability.pathway
        capabilities[capability.pathway_id].append(capability)
    ids = {c.competency_id for caps in capabilities.values() for c in caps}
    counted = held_level_counts(
        team_people(user, organisation),
        [],
        whole_tree(user, organisation),
        competency_ids=ids,
    )
    level_counts = {competency_id: held for (competency_id,), held in counted.items()}
    summaries = []
    for pathway_id, caps in capabilities.items():
        lines = gaps.coverage_from_levels(
            [(c.competency_id, c.minimum_level, c.people_needed) for c in caps], level_counts
        )
        summary = PathwaySummary(
            pathways[pathway_id],
            len(lines),
            sum(1 for line in lines if not line.short_by),
            sum(1 for line in lines if line.uncovered),
            sum(1 for line in lines if line.single_point_of_failure),
        )
        if not any(line.held for line in lines):
            continue  # a pathway the team has no part in would only be noise
        worst = max(zip(caps, lines, strict=True), key=lambda pair: pair[1].short_by)
        if worst[1].short_by:
            summary.biggest_gap = worst[0].competency
            summary.biggest_gap_short = worst[1].short_by
        summaries.append(summary)
    return summaries
