"""Reads for capability maps: circles, team heatmaps, gaps, training needs, pathway coverage.

Every function reads the maintained current-capability table with a fixed number of
set-based queries, whatever the size of the team: no query runs inside a loop over
people. A person's requirements come from the role profiles that apply to them
(frameworks.selectors.ApplicableRoleProfiles owns that rule).

One module per question; import them through this package. Tuning constants stay in
their modules (patch them there).
"""

from .at_a_glance import (
    PathwaySummary,
    RoleCoverage,
    pathway_summaries,
    role_coverage,
)
from .capable import CapablePerson, capable_people
from .heatmap import (
    ColumnTotal,
    Heatmap,
    HeatmapCell,
    HeatmapRow,
    RoleChoice,
    domain_groups,
    heatmap_roles,
    heatmap_roles_and_profiles,
    team_heatmap,
    team_stages,
)
from .levels import (
    CompetencyColumn,
    CompetencyHeader,
    Profiles,
    competency_headers,
    current_levels,
    current_levels_by_person,
    heatmap_columns,
    needs_of,
    required_competency_ids,
    top_level,
)
from .pathways import (
    CoverageRow,
    PathwayCoverage,
    RecruitRole,
    TrainCandidate,
    get_pathway,
    pathway_coverage,
    pathway_list,
    pathways_for,
)
from .person import (
    CompetencyLine,
    PersonCapability,
    capability_on,
    first_verified_on,
    latest_self_ratings,
    person_capability,
)
from .scope import (
    get_person,
    get_team_organisation,
    own_person,
    team_list,
    team_names,
    team_organisations,
    team_people,
)
from .team_circle import TeamCapability, TeamLine, team_capability, team_job_roles
from .team_report import DomainGaps, PersonGaps, TeamGaps, TeamMember, team_gaps
from .training import TrainingNeed, WholeTree, training_needs, whole_tree

__all__ = [
    "CapablePerson",
    "ColumnTotal",
    "CompetencyColumn",
    "CompetencyHeader",
    "CompetencyLine",
    "CoverageRow",
    "DomainGaps",
    "Heatmap",
    "HeatmapCell",
    "HeatmapRow",
    "PathwayCoverage",
    "PathwaySummary",
    "PersonCapability",
    "PersonGaps",
    "Profiles",
    "RecruitRole",
    "RoleChoice",
    "RoleCoverage",
    "TeamCapability",
    "TeamGaps",
    "TeamLine",
    "TeamMember",
    "TrainCandidate",
    "TrainingNeed",
    "WholeTree",
    "capability_on",
    "capable_people",
    "competency_headers",
    "current_levels",
    "current_levels_by_person",
    "domain_groups",
    "first_verified_on",
    "get_pathway",
    "get_person",
    "get_team_organisation",
    "heatmap_columns",
    "heatmap_roles",
    "heatmap_roles_and_profiles",
    "latest_self_ratings",
    "needs_of",
    "own_person",
    "pathway_coverage",
    "pathway_list",
    "pathway_summaries",
    "pathways_for",
    "person_capability",
    "required_competency_ids",
    "role_coverage",
    "team_capability",
    "team_gaps",
    "team_heatmap",
    "team_job_roles",
    "team_list",
    "team_names",
    "team_organisations",
    "team_people",
    "team_stages",
    "top_level",
    "training_needs",
    "whole_tree",
]
