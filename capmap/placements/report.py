"""The scheme report as plain sections: the page shows them, and the reports app turns the very
same sections into the PDF and the spreadsheet, so all three carry the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from capmap.core.charts import Chart, Series, bar_chart, line_chart
from capmap.core.percentages import share_text
from capmap.matching.explain import ordinal

from . import selectors
from .models import LIKERT_LABELS, Scheme
from .selectors import feedback, outcomes


@dataclass
class ReportTable:
    caption: str
    head: list[str]
    rows: list[list[str]]


@dataclass
class ReportSection:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class SchemeReport:
    scheme: Scheme
    title: str
    subtitle: str
    sections: list[ReportSection]


def _people(part: int, whole: int) -> str:
    return share_text(part, whole, noun=("participant", "participants"))


def allocation_section(scheme: Scheme) -> ReportSection:
    report = selectors.scheme_report(scheme)
    figures = [
        ("Applicants", str(report["applicants"])),
        ("Placed", str(report["placed"])),
        ("Placed in their 1st choice", str(report["first_choice"])),
        (
            "1st choice share of those placed",
            share_text(
                report["first_choice"], report["placed"], noun=("person placed", "people placed")
            ),
        ),
        ("Participants", str(report["participants"])),
        (
            f"Participants with {scheme.sessions_required} or more confirmed sessions",
            str(report["completed"]),
        ),
        ("Session completion", _people(report["completed"], report["participants"])),
    ]
    by_choice = sorted(report["by_choice"].items(), key=lambda item: int(item[0]))
    table = ReportTable(
        "Placed applicants by the choice they got",
        ["Choice", "Applicants"],
        [[f"{ordinal(int(n))} choice", str(count)] for n, count in by_choice],
    )
    return ReportSection("Allocation and sessions", figures=figures, tables=[table])


def retention_section(scheme: Scheme) -> ReportSection:
    def state(value) -> str:
        return "Not yet known" if value is None else ("In post" if value else "Left")

    rows = [
        [row["name"], row["employer"], state(row[6]), state(row[12])]
        for row in selectors.retention_of(scheme)
    ]
    return ReportSection(
        "Retention",
        paragraphs=["Whether each participant is still in post 6 and 12 months after the scheme."],
        tables=[
            ReportTable(
                "Participants still in post after the scheme ended",
                ["Participant", "Employer", "At 6 months", "At 12 months"],
                rows,
            )
        ],
    )


def likert_chart(summary: feedback.QuestionSummary, chart_id: str) -> Chart:
    return bar_chart(
        title=summary.question.text,
        labels=list(LIKERT_LABELS.values()),
        values=[summary.counts[value] for value in LIKERT_LABELS],
        series_name="Answers",
        chart_id=chart_id,
    )


def feedback_section(scheme: Scheme) -> ReportSection:
    rates = feedback.response_rates(scheme)
    section = ReportSection("Feedback")
    section.tables.append(
        ReportTable(
            "Response rates by audience",
            ["Audience", "Invited", "Answered", "Response rate"],
            [[r.audience, str(r.invited), str(r.answered), r.percent_text] for r in rates],
        )
    )
    for rate in rates:
        if rate.survey is None:
            continue
        summaries = feedback.survey_summary(rate.survey)
        likert = [s for s in summaries if s.is_likert]
        if likert:
            section.tables.append(
                ReportTable(
                    f"{rate.survey.title}: agreement",
                    ["Statement", "Answers", "Mean score (1 to 5)", "Agree or strongly agree"],
                    [
                        [
                            s.question.text,
                            str(s.answers),
                            "" if s.mean is None else f"{s.mean:.1f}",
                            s.agree_text,
                        ]
                        for s in likert
                    ],
                )
            )
            section.charts.append(
                bar_chart(
                    title=f"{rate.survey.title}: share who agree",
                    labels=[s.question.text for s in likert],
                    values=[s.agree_percent for s in likert],
                    unit="%",
                    series_name="Agree or strongly agree (%)",
                    chart_id=f"feedback-{rate.survey.pk}",
                )
            )
        texts = [[s.question.text, text] for s in summaries if not s.is_likert for text in s.texts]
        if texts:
            section.tables.append(
                ReportTable(f"{rate.survey.title}: comments", ["Question", "Answer"], texts)
            )
    return section


def run_chart(measure, points: list[outcomes.MonthPoint]) -> Chart:
    unit = measure.unit
    return line_chart(
        title=f"{measure.name}: run chart",
        labels=[p.label for p in points],
        series=[Series("Mean per practice", [float(p.mean) for p in points])],
        unit=unit,
        description=(
            f"Mean per practice each month from {points[0].label} to {points[-1].label}, "
            "with the median dashed. The table below gives every figure."
            if points
            else "No figures yet."
        ),
        chart_id=f"measure-{measure.pk}",
    )


def outcomes_section(scheme: Scheme) -> ReportSection:
    section = ReportSection("Outcomes")
    rows = []
    for measure in outcomes.measures_of(scheme):
        change = outcomes.change_from_baseline(measure)
        rows.append(
            [
                measure.name,
                measure.get_better_display(),
                "" if change.baseline_mean is None else f"{change.baseline_mean:.2f}",
                "" if change.follow_up_mean is None else f"{change.follow_up_mean:.2f}",
                change.change_text,
                change.verdict,
            ]
        )
        points = outcomes.monthly_means(measure)
        if points:
            section.charts.append(run_chart(measure, points))
    if not rows:
        section.paragraphs.append("No outcome measures defined yet.")
    section.tables.insert(
        0,
        ReportTable(
            "Change from baseline (mean follow-up minus mean baseline)",
            ["Measure", "Direction", "Baseline mean", "Follow-up mean", "Change", "Result"],
            rows,
        ),
    )
    return section


def scheme_report(scheme: Scheme) -> SchemeReport:
    """Every section of the scheme report, in the order the page and the files show them."""
    return SchemeReport(
        scheme=scheme,
        title=f"Scheme report: {scheme.title}",
        subtitle=f"{scheme.owner.name}, {scheme.starts_on:%-d %B %Y} to {scheme.ends_on:%-d %B %Y}",
        sections=[
            allocation_section(scheme),
            feedback_section(scheme),
            outcomes_section(scheme),
            retention_section(scheme),
        ],
    )
