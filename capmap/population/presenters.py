"""View-models for the population need pages: rows, the chart and the spreadsheet."""

from __future__ import annotations

from capmap.core.charts import Chart, format_number, horizontal_bar_chart
from capmap.core.spreadsheets import Sheet, SheetTable

from . import qof
from .selectors import NeedReport, NeedRow

CHART_ROWS = 10
OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
HEAD = [
    "Organisation",
    "Kind",
    "Pathway",
    "QOF registers",
    "Patients on the registers",
    "Change since previous year",
    "People verified (headcount)",
    "People verified (FTE)",
    "Patients per capable person",
    "Patients per capable FTE",
]


def register_names(codes: list[str]) -> str:
    return ", ".join(f"{qof.REGISTERS.get(code, code)} ({code})" for code in codes)


def _number(value: float | None, empty: str = "No one") -> str:
    return empty if value is None else format_number(round(value, 1))


def change_text(row: NeedRow) -> str:
    change = row.change
    if change is None:
        return "No earlier figures"
    return f"{change:+,}" if change else "No change"


class NeedPresenter:
    def __init__(self, report: NeedReport) -> None:
        self.report = report

    @property
    def caption(self) -> str:
        return f"Need against capability, QOF {self.report.year}, largest gap first"

    def cells(self, row: NeedRow) -> dict:
        return {
            "registers": register_names(row.registers),
            "patients": format_number(row.patients),
            "change": change_text(row),
            "headcount": format_number(row.headcount),
            "fte": format_number(row.fte),
            "per_person": _number(row.per_person),
            "per_fte": _number(row.per_fte),
        }

    @property
    def chart(self) -> Chart:
        top = self.report.rows[:CHART_ROWS]
        return horizontal_bar_chart(
            title="Patients per capable person, largest gaps",
            labels=[f"{row.organisation.name}: {row.pathway.title}" for row in top],
            values=[row.per_person if row.per_person is not None else row.patients for row in top],
            unit="patients per person verified",
            series_name="Patients per capable person",
            description=(
                "Patients on each pathway's QOF registers for each person verified to deliver "
                "it; where no one is verified, the bar shows all the patients."
            ),
            chart_id="need-chart",
        )

    def sheet(self) -> Sheet:
        rows = [
            [
                row.organisation.name,
                row.organisation.get_kind_display(),
                row.pathway.title,
                ", ".join(row.registers),
                row.patients,
                row.change,
                row.headcount,
                row.fte,
                round(row.per_person, 1) if row.per_person is not None else None,
                round(row.per_fte, 1) if row.per_fte is not None else None,
            ]
            for row in self.report.rows
        ]
        notes = [
            f"QOF year {self.report.year}; "
            f"change since {self.report.previous_year or 'no earlier year'}.",
            "A patient on two registers of a pathway counts twice. Empty: no one verified.",
            OGL,
        ]
        return Sheet(
            title="Need against capability",
            heading=f"Need against capability: {self.report.organisation.name}",
            notes=notes,
            tables=[SheetTable(self.caption, HEAD, rows)],
        )
