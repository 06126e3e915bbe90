"""Capability reports: the team capability map, training needs and pathway coverage."""

from django.utils import timezone

from capmap.capability import selectors
from capmap.core.exceptions import DomainError
from capmap.frameworks.models import CarePathway

from ..registry import BuildContext, ReportDocument, ReportKind, Section, Table, register


def _document(context: BuildContext, title: str, sections: list[Section]) -> ReportDocument:
    return ReportDocument(
        title=f"{title}: {context.organisation.name}",
        organisation=context.organisation,
        generated_at=timezone.now(),
        sections=sections,
    )


def _name(competency) -> str:
    return f"{competency.code} {competency.title}".strip()


def build_team_capability(context: BuildContext) -> ReportDocument:
    context.progress(20, "Reading verified levels")
    team = selectors.team_gaps(context.user, context.organisation)
    context.progress(60, "Adding up gaps")
    people = Table(
        "People by levels short",
        ["Person", "Job role", "Stage", "Competencies required", "Gaps", "Levels short"],
        [
            [
                row.person.full_name,
                row.person.job_role,
                row.person.stage,
                row.required,
                row.gaps,
                row.levels_short,
            ]
            for row in team.people
        ],
    )
    domains = Table(
        "Gaps by domain",
        ["Domain", "Requirements", "Below required level", "Levels short"],
        [[d.domain, d.required, d.gaps, d.levels_short] for d in team.domains],
    )
    summary = Section(
        "Summary",
        figures=[
            ("People in post", str(len(team.people))),
            ("Competencies required", str(team.competencies)),
            ("Levels short in all", str(team.levels_short)),
        ],
    )
    sections = [summary, Section("People", tables=[people]), Section("Domains", tables=[domains])]
    return _document(context, "Team capability", sections)


def build_training_needs(context: BuildContext) -> ReportDocument:
    context.progress(20, "Counting gaps")
    needs = selectors.training_needs(context.user, context.organisation)
    table = Table(
        "Competencies by total shortfall",
        ["Rank", "Competency", "Framework", "Need", "People short", "Of", "Levels short"],
        [
            [
                rank,
                _name(n.competency),
                n.competency.version.framework.title,
                "Essential" if n.essential else "Desirable",
                n.people_short,
                n.people_required,
                n.levels_short,
            ]
            for rank, n in enumerate(needs, start=1)
        ],
    )
    section = Section(
        "Training needs",
        paragraphs=["Essential competencies first, then by total levels short."],
        tables=[table],
    )
    return _document(context, "Training needs analysis", [section])


def clean_pathway(data: dict) -> dict:
    slug = str(data.get("pathway") or "")
    if not slug:
        raise DomainError("Choose a care pathway.")
    return {"pathway": slug}


def build_pathway_coverage(context: BuildContext) -> ReportDocument:
    try:
        pathway = selectors.get_pathway(context.user, context.parameters.get("pathway", ""))
    except CarePathway.DoesNotExist:
        raise DomainError("Choose a care pathway from the list.") from None
    coverage = selectors.pathway_coverage(context.user, context.organisation, pathway)
    context.progress(60, "Choosing whom to train or recruit")
    holders = Table(
        "Who holds each capability",
        ["Capability", "Minimum level", "Holders", "Needed", "Status", "Held by"],
        [
            [
                _name(row.competency),
                row.minimum,
                row.held,
                row.needed,
                row.status.capitalize(),
                ", ".join(p.full_name for p in row.holders),
            ]
            for row in coverage.rows
        ],
    )
    train = Table(
        "Train: the closest people",
        ["Capability", "Person", "Level now", "Levels to go"],
        [
            [_name(row.competency), c.person.full_name, c.level, c.gap]
            for row in coverage.rows
            for c in coverage.train.get(row.competency.pk, [])
        ],
    )
    recruit = Table(
        "Recruit: roles covering what no one holds, each the role that covers most of what is left",
        ["Job role", "Stage", "Covers"],
        [
            [r.job_role.name, r.stage, "; ".join(_name(c) for c in r.covers)]
            for r in coverage.recruit
        ],
    )
    sections = [
        Section("Coverage", tables=[holders]),
        Section("Recruit or train", tables=[train, recruit]),
    ]
    return _document(context, pathway.title, sections)


register(
    ReportKind(
        slug="team-capability",
        label="Team capability",
        description="Each person's gaps against their role profile, and gaps by domain.",
        build=build_team_capability,
    )
)
register(
    ReportKind(
        slug="training-needs",
        label="Training needs analysis",
        description="Competencies ranked by total shortfall, essential first.",
        build=build_training_needs,
    )
)
register(
    ReportKind(
        slug="pathway-coverage",
        label="Care pathway coverage",
        description="Who holds each capability a pathway needs, and whom to train or recruit.",
        build=build_pathway_coverage,
        clean_parameters=clean_pathway,
    )
)
