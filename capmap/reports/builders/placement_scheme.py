"""The placement scheme report: the scheme report page's sections, as a PDF or spreadsheet."""

from django.utils import timezone

from capmap.core.exceptions import DomainError
from capmap.placements.models import Scheme
from capmap.placements.report import scheme_report
from capmap.placements.selectors import get_led_scheme

from ..registry import BuildContext, ReportDocument, ReportKind, Section, Table, register


def clean_parameters(data: dict) -> dict:
    scheme = str(data.get("scheme") or "")
    if not scheme.isdigit():
        raise DomainError("Ask for this report from the scheme's report page.")
    return {"scheme": int(scheme)}


def build(context: BuildContext) -> ReportDocument:
    try:
        scheme = get_led_scheme(context.user, context.parameters.get("scheme"))
    except Scheme.DoesNotExist:
        raise DomainError("You do not lead this scheme.") from None
    if scheme.owner_id != context.organisation.pk:
        raise DomainError("Choose the organisation that runs the scheme.")
    context.progress(30, "Adding up the scheme's figures")
    report = scheme_report(scheme)
    sections = [
        Section(
            s.heading,
            paragraphs=list(s.paragraphs),
            figures=list(s.figures),
            tables=[Table(t.caption, list(t.head), [list(r) for r in t.rows]) for t in s.tables],
            charts=list(s.charts),
        )
        for s in report.sections
    ]
    return ReportDocument(
        title=report.title,
        subtitle=report.subtitle,
        organisation=context.organisation,
        generated_at=timezone.now(),
        sections=sections,
    )


register(
    ReportKind(
        slug="placement-scheme",
        label="Placement scheme report",
        description="Placed and first choices, sessions, feedback, outcomes and retention.",
        build=build,
        clean_parameters=clean_parameters,
    )
)
