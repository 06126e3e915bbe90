"""The need-against-capability report: QOF patients per care pathway against the people
verified to deliver it, per practice, PCN and ICB (the population need page, for a board)."""

from django.utils import timezone

from capmap.core.exceptions import DomainError
from capmap.population import selectors as population
from capmap.population.presenters import HEAD, OGL, NeedPresenter

from ..registry import BuildContext, ReportDocument, ReportKind, Section, Table, register


def clean_parameters(data: dict) -> dict:
    year = str(data.get("year") or "")
    if year and year not in population.years():
        raise DomainError("Choose a QOF year with figures, or leave the year empty for the latest.")
    return {"year": year}


def build(context: BuildContext) -> ReportDocument:
    context.progress(20, "Adding up patients and capable people")
    report = population.need_against_capability(
        context.user, context.organisation, year=context.parameters.get("year", "")
    )
    need = NeedPresenter(report)
    sheet = need.sheet()
    title = f"Need against capability: {context.organisation.name}"
    if not report.rows:
        why = (
            "No QOF figures have been imported yet."
            if not report.year
            else f"There are no QOF {report.year} figures for this organisation or its practices,"
            " or no care pathway is linked to a QOF register."
        )
        return ReportDocument(
            title=title,
            organisation=context.organisation,
            generated_at=timezone.now(),
            sections=[Section("Need against capability", paragraphs=[why, OGL])],
        )
    context.progress(60, "Drawing the chart")
    [table] = sheet.tables
    nobody = sum(1 for row in report.rows if row.headcount == 0 and row.patients)
    summary = Section(
        "Largest gaps",
        paragraphs=[
            "Patients on each care pathway's QOF registers against the people verified at the "
            "levels the pathway needs, largest gap first. The table after the chart carries "
            "the same figures.",
            *sheet.notes,
        ],
        figures=[
            ("QOF year", report.year or ""),
            ("Organisations and pathways compared", str(len(report.rows))),
            ("With patients and no one verified to deliver the pathway", str(nobody)),
        ],
        charts=[need.chart],
    )
    rows = Section(
        "Every organisation and pathway",
        tables=[Table(table.caption, list(HEAD), [_cells(row) for row in table.rows])],
    )
    return ReportDocument(
        title=title,
        subtitle=f"QOF {report.year}",
        organisation=context.organisation,
        generated_at=timezone.now(),
        sections=[summary, rows],
    )


def _cells(row) -> list:
    """Empty where the spreadsheet leaves a cell empty (no earlier year, no one verified)."""
    return ["" if value is None else value for value in row]


register(
    ReportKind(
        slug="need-against-capability",
        label="Need against capability",
        description="Patients on each care pathway's QOF registers against the people verified "
        "to deliver it, per practice, PCN and ICB, largest gap first.",
        build=build,
        clean_parameters=clean_parameters,
    )
)
