"""The impact report: the dashboard's figures, charts and tables, for a board."""

from django.utils import timezone

from capmap.core.exceptions import DomainError
from capmap.impact.presenters import ImpactPresenter
from capmap.impact.selectors import impact_summary
from capmap.people.models import JobRole

from ..registry import BuildContext, ReportDocument, ReportKind, Section, Table, register

MONTH_CHOICES = {3, 6, 12, 24}


def clean_parameters(data: dict) -> dict:
    months = str(data.get("months") or "12")
    if not months.isdigit() or int(months) not in MONTH_CHOICES:
        raise DomainError("Choose 3, 6, 12 or 24 months.")
    role = str(data.get("job_role") or "")
    if role and not JobRole.objects.filter(pk=role if role.isdigit() else 0).exists():
        raise DomainError("Choose a role from the list.")
    return {"months": int(months), "job_role": int(role) if role else None}


def build(context: BuildContext) -> ReportDocument:
    params = context.parameters
    job_role = (
        JobRole.objects.filter(pk=params.get("job_role")).first()
        if params.get("job_role")
        else None
    )
    context.progress(20, "Adding up activity")
    summary = impact_summary(
        context.user, context.organisation, job_role=job_role, months=params.get("months", 12)
    )
    impact = ImpactPresenter(summary)
    context.progress(60, "Drawing charts")
    headline = Section(
        "Headline figures",
        paragraphs=[impact.assumption],
        figures=[(f.label, f.value) for f in impact.headline],
    )
    totals = Section("Totals", tables=[_table(impact.totals_table)], charts=[impact.totals_chart])
    trends = Section("Trends", charts=[impact.trend_chart, impact.gp_time_chart])
    sections = [headline, totals, trends]
    if impact.before_after_table:
        sections.append(
            Section("Before and after the role started", tables=[_table(impact.before_after_table)])
        )
    return ReportDocument(
        title=impact.heading,
        subtitle=impact.period,
        organisation=context.organisation,
        generated_at=timezone.now(),
        sections=sections,
    )


def _table(table) -> Table:
    return Table(table.caption, list(table.head), [list(row) for row in table.rows])


register(
    ReportKind(
        slug="impact",
        label="Impact report",
        description="Activity totals, monthly trends and GP time released, with before and after.",
        build=build,
        clean_parameters=clean_parameters,
    )
)
