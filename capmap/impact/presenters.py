"""What the impact dashboard and the impact report show: headline figures, charts, tables."""

from dataclasses import dataclass

from capmap.core.charts import (
    PARTIAL_NOTE,
    Chart,
    Series,
    format_number,
    horizontal_bar_chart,
    line_chart,
)

from .selectors import ImpactSummary


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True)
class Table:
    caption: str
    head: list[str]
    rows: list[list[str]]


NONE = "\N{EN DASH}"  # shown where there is no figure


def month_label(day) -> str:
    return day.strftime("%b %Y")


class ImpactPresenter:
    def __init__(self, summary: ImpactSummary):
        self.summary = summary

    @property
    def heading(self) -> str:
        role = f" of {self.summary.job_role.name.lower()}s" if self.summary.job_role else ""
        return f"Impact{role} in {self.summary.organisation.name}"

    @property
    def period(self) -> str:
        months = self.summary.months
        return f"{month_label(months[0])} to {month_label(months[-1])}"

    @property
    def month_labels(self) -> list[str]:
        """Month names; the month still running says so, as its figures are not final."""
        return [
            f"{month_label(m)} {PARTIAL_NOTE}" if self.summary.is_partial(m) else month_label(m)
            for m in self.summary.months
        ]

    @property
    def partial(self) -> list[bool]:
        return [self.summary.is_partial(m) for m in self.summary.months]

    @property
    def headline(self) -> list[Figure]:
        s = self.summary
        return [
            Figure(
                "GP appointments released (all activities)",
                format_number(float(s.total_gp_appointments)),
            ),
            Figure("GP time released (hours)", format_number(s.total_gp_hours)),
            Figure("Staff recording activity", format_number(s.people_recording)),
        ]

    @property
    def assumption(self) -> str:
        return (
            "GP appointments released adds up the last column of the totals table: each "
            "activity's count times the GP appointments one of them releases, so each activity "
            f"is counted once. GP time released assumes "
            f"{self.summary.minutes_per_gp_appointment} minutes a GP appointment, as set by "
            "your organisation's admins."
        )

    @property
    def partial_note(self) -> str:
        month = self.summary.partial_month
        if month is None:
            return ""
        return (
            f"{month:%B %Y} is not over yet: its figures are so far, shown as a hollow point "
            "on a dashed line, and not counted in the median."
        )

    @property
    def totals_table(self) -> Table:
        rows = [
            [
                _estimate(t.activity_type),
                t.activity_type.job_role.name,
                format_number(t.count),
                format_number(t.minutes),
                format_number(float(t.gp_appointments)),
            ]
            for t in self.summary.totals
        ]
        if rows:
            rows.append(
                [
                    "Total, all activities",
                    "",
                    "",
                    "",
                    format_number(float(self.summary.total_gp_appointments)),
                ]
            )
        return Table(
            caption=f"Totals by activity, {self.period}",
            head=["Activity", "Role", "Count", "Minutes", "GP appointments released"],
            rows=rows,
        )

    @property
    def totals_chart(self) -> Chart:
        totals = [t for t in self.summary.totals if t.activity_type.unit == "count"]
        return horizontal_bar_chart(
            title="Count of each activity",
            labels=[_estimate(t.activity_type) for t in totals],
            values=[t.count for t in totals],
            series_name="Count",
            chart_id="impact-totals",
        )

    @property
    def gp_time_chart(self) -> Chart:
        return line_chart(
            title="GP time released each month",
            labels=self.month_labels,
            series=[Series("Hours", [round(v / 60, 1) for v in self.summary.gp_minutes_by_month])],
            unit="hours",
            chart_id="impact-gp-time",
            partial=self.partial,
        )

    @property
    def trend_chart(self) -> Chart:
        totals = [t for t in self.summary.totals if t.activity_type.unit == "count"]
        monthly = [sum(values) for values in zip(*(t.monthly for t in totals), strict=True)]
        return line_chart(
            title="Activities recorded each month",
            labels=self.month_labels,
            series=[Series("All activities", monthly or [0] * len(self.summary.months))],
            chart_id="impact-trend",
            partial=self.partial,
        )

    @property
    def before_after_table(self) -> Table | None:
        s = self.summary
        if s.job_role is None or s.role_started_on is None:
            return None
        rows = [
            [
                b.activity_type.name,
                NONE if b.average_before is None else format_number(b.average_before),
                NONE if b.average_after is None else format_number(b.average_after),
            ]
            for b in s.before_after
        ]
        started = s.role_started_on.strftime("%-d %B %Y")
        return Table(
            caption=f"Monthly average before and after the first {s.job_role.name.lower()} "
            f"started ({started})",
            head=["Activity", "Before (a month)", "After (a month)"],
            rows=rows,
        )

    def tables(self) -> list[Table]:
        """Every table the report carries, in page order (charts' tables included)."""
        tables = [self.totals_table]
        for chart in (self.trend_chart, self.gp_time_chart):
            t = chart.table
            tables.append(Table(t.caption, ["Month", *t.head[1:]], t.rows))
        if self.before_after_table:
            tables.append(self.before_after_table)
        return tables


def _estimate(activity) -> str:
    if activity.is_estimate and "estimate" not in activity.name.lower():
        return f"{activity.name} (estimate)"
    return activity.name
