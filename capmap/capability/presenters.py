"""View-models for the capability pages: cell symbols, tables and the circle's sectors."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache

from django.core.paginator import Paginator
from django.urls import reverse
from markupsafe import Markup, escape

from capmap.core.cells import DrawnRows, cell_heading
from capmap.core.charts import ChartTable
from capmap.core.links import url_for_each
from capmap.core.spreadsheets import Sheet, SheetTable
from capmap.organisations.models import Organisation
from capmap.organisations.presenters import MAX_INDENT, kind_label, pagination

from . import circle, gaps
from .forms import HeatmapView
from .history import CompetencyHistory
from .selectors import (
    Heatmap,
    HeatmapCell,
    PathwayCoverage,
    PersonCapability,
    TeamCapability,
    TrainingNeed,
    domain_groups,
)

SYMBOLS = {"short": "▼", "met": "✓", "above": "▲", "none": "·"}
# Short class names: a 50-person map has thousands of cells (see capability.css).
CELL_CLASSES = {"short": "app-hs", "met": "app-hm", "above": "app-ha", "none": "app-hn"}
KEY = [
    ("short", "below the required level"),
    ("met", "at the required level"),
    ("above", "above the required level"),
    ("none", "not required in this role"),
]


@dataclass(frozen=True)
class Cell:
    css: str
    text: str
    label: str


def heat_cell(cell: HeatmapCell) -> Cell:
    """Colour class, a text symbol readable without colour, and a full label."""
    return _cell(cell.required, cell.current)


@lru_cache(maxsize=256)
def _cell(required: int | None, held: int | None) -> Cell:
    current = held or 0
    if required is None:
        kind = "none"
        text = f"{current} {SYMBOLS[kind]}" if held else SYMBOLS[kind]
        label = f"level {current}, not required"
    else:
        kind = "short" if current < required else "met" if current == required else "above"
        text = f"{current}/{required} {SYMBOLS[kind]}"
        label = f"level {current} of {required} required"
    return Cell(CELL_CLASSES[kind], text, label)


@lru_cache(maxsize=256)
def _cell_open(required: int | None, held: int | None) -> tuple[str, str, bool]:
    """The cell's opening tag, its text, and whether it has a history to open.

    The class is unquoted (it has no spaces) and rows leave out each cell's optional end
    tag but the last, as HTML allows: together a fifth of a 50-person map's cells."""
    cell = _cell(required, held)
    return f"<td class={cell.css}>", cell.text, required is not None or bool(held)


# Placeholders reversed once, so thousands of cell links cost no reverse() each.
_PERSON, _COMPETENCY = 987654321, 123456789


def _history_url_pattern() -> str:
    url = reverse("capability:show_competency_history", args=[_PERSON, _COMPETENCY])
    return url.replace(str(_PERSON), "{person}").replace(str(_COMPETENCY), "{competency}")


@dataclass(frozen=True)
class Column:
    """A competency column: a short label shown, the full name shown on hover and focus."""

    short: str
    name: str
    met: int
    required: int


def _heatmap_row_html(row: dict) -> str:
    person = row["person"]
    about = f'<span class="app-muted"> {escape(row["about"])}</span>' if row["about"] else ""
    return (
        f'<tr data-person="{person.pk}">'
        f'<th scope="row" class="app-heatmap__person"><a href="{row["href"]}">'
        f"{escape(person.full_name)}</a>{about}</th>"
        f'<td class="app-heatmap__met">{row["met"]} of {row["required"]}</td>'
        f"{row['cells']}</tr>\n"
    )


def competency_name(competency) -> str:
    return f"{competency.code} {competency.title}".strip()


# A page of the map holds at most about this many cells: the largest role of a 50-person
# team (1,598 cells) made a 98 KB page, within issue 15's 100 KB. A map with more cells
# (every role at once: 51 people by 233 competencies) shows its columns a page at a time,
# never fewer than MIN_COLUMNS_A_PAGE; the workbook keeps every column.
CELLS_A_PAGE = 1600
MIN_COLUMNS_A_PAGE = 10


def columns_a_page(people: int) -> int:
    return max(MIN_COLUMNS_A_PAGE, CELLS_A_PAGE // max(people, 1))


class HeatmapPresenter:
    def __init__(
        self,
        heatmap: Heatmap,
        view: HeatmapView | None = None,
        *,
        cell_links: bool = False,
        page: str | int | None = None,
        query: dict[str, str] | None = None,
    ) -> None:
        self.heatmap = heatmap
        # Each cell's history link is drawn in the browser from the row's person and the
        # column's competency (capability/heatmap.js): a link in every cell was most of a
        # 214 KB page. `cell_links` draws them here instead, for browsers without script.
        self.cell_links = cell_links
        self.history_pattern = _history_url_pattern()
        self.unlinked = SYMBOLS["none"]
        self.view = view
        self.organisation = heatmap.organisation
        self.key = [(CELL_CLASSES[k], SYMBOLS[k], text) for k, text in KEY]
        self.all_columns = [
            Column(c.code or str(index), c.title, total.met, total.required)
            for index, (c, total) in enumerate(
                zip(heatmap.competencies, heatmap.column_totals, strict=True), start=1
            )
        ]
        # Paginator.get_page: the first page for a page number that is not one, the last
        # for one past the end, as the other lists of the service.
        self.page = Paginator(
            range(len(heatmap.competencies)), columns_a_page(len(heatmap.rows))
        ).get_page(page)
        shown = slice(self.page.start_index() - 1, self.page.end_index())
        self._shown = shown if heatmap.competencies else slice(0, 0)
        self.competencies = heatmap.competencies[self._shown]
        self.columns = self.all_columns[self._shown]
        self.domains = domain_groups(self.competencies)
        self.competency_ids = ",".join(str(c.pk) for c in self.competencies)
        self.pagination = (
            pagination(self.page, query or {}) | {"ariaLabel": "Pages of competencies"}
            if self.page.paginator.num_pages > 1
            else None
        )
        self.people = len(heatmap.rows)
        self.met = sum(row.met for row in heatmap.rows)
        self.required = sum(row.required for row in heatmap.rows)

    @property
    def one_role(self) -> bool:
        return self.view is not None and self.view.job_role is not None

    @property
    def rows(self):
        """Each row with its cells as ready markup: thousands of cells render in Python
        far faster than through a template loop. A cell with a history (required, or
        holding a level) links to it: in the browser, or here when `cell_links`."""
        pattern = self.history_pattern
        ids = [c.pk for c in self.competencies]
        shown = self._shown
        for row in self.heatmap.rows:
            person = row.person.pk
            parts = []
            for cell, competency in zip(row.cells[shown], ids, strict=True):
                opening, text, linked = _cell_open(cell.required, cell.current)
                if linked and self.cell_links:
                    href = pattern.format(person=person, competency=competency)
                    parts.append(f'{opening}<a href="{href}">{text}</a>')
                else:
                    parts.append(f"{opening}{text}")
            yield {
                "person": row.person,
                "href": reverse("capability:show_circle", args=[person]),
                "about": self._about(row.person),
                "met": row.met,
                "required": row.required,
                # fixed classes, digits, symbols and URLs built from primary keys only
                "cells": Markup("".join(parts) + "</td>" if parts else ""),  # noqa: S704
            }

    @property
    def body(self) -> Markup:
        """The map's rows drawn in one pass, as the page's cells already were: a person's
        name and what they meet, then the cells (`rows`)."""
        return Markup("".join(map(_heatmap_row_html, self.rows)))  # noqa: S704 - escaped

    def _about(self, person) -> str:
        """The line under a name: the stage in a one-role view, else the role too."""
        if self.one_role:
            return person.stage.capitalize()
        role = person.job_role.name
        return f"{role} ({person.stage})" if person.stage else role

    def sheet(self) -> Sheet:
        head = ["Person", "Job role", "Stage", "Requirements met", "Levels short"] + [
            competency_name(c) for c in self.heatmap.competencies
        ]
        rows: list[list] = [
            [
                row.person.full_name,
                row.person.job_role.name,
                row.person.stage,
                f"{row.met} of {row.required}",
                row.total_shortfall,
                *[heat_cell(cell).text for cell in row.cells],
            ]
            for row in self.heatmap.rows
        ]
        rows.append(
            [
                "People who meet it",
                "",
                "",
                f"{self.met} of {self.required}",
                sum(row.total_shortfall for row in self.heatmap.rows),
                *[f"{c.met} of {c.required}" for c in self.all_columns],
            ]
        )
        return Sheet(
            title="Team heatmap",
            heading=f"Team capability: {self.organisation.name}",
            notes=[
                "Each cell: verified level / required level; ▼ short, ✓ met, ▲ above.",
                "The last row counts, for each competency, the people who meet it of those "
                "who need it.",
            ],
            tables=[SheetTable(caption="People by competency", head=head, rows=rows)],
        )


class TrainingNeedsPresenter:
    def __init__(self, organisation, needs: list[TrainingNeed]) -> None:
        self.organisation = organisation
        self.needs = needs

    def body(self, essential_tag: Markup, desirable_tag: Markup) -> Markup:
        """The table's rows ranked, drawn in one pass: an ICS has a few hundred, and
        drawing them through the template's loop was a third of the page's CPU. The Need
        column shows the template's own NHS.UK tags."""
        training = reverse("development:list_training")
        tags = (desirable_tag, essential_tag)
        return Markup(  # noqa: S704 - every value is escaped, the tags are the template's
            "".join(
                _need_row_html(rank, need, training, tags[need.essential])
                for rank, need in enumerate(self.needs, start=1)
            )
        )

    def sheet(self) -> Sheet:
        head = [
            "Rank",
            "Competency",
            "Framework",
            "Essential",
            "People required",
            "People short",
            "Total levels short",
        ]
        rows = [
            [
                rank,
                f"{n.competency.code} {n.competency.title}".strip(),
                n.competency.version.framework.title,
                "Essential" if n.essential else "Desirable",
                n.people_required,
                n.people_short,
                n.levels_short,
            ]
            for rank, n in enumerate(self.needs, start=1)
        ]
        return Sheet(
            title="Training needs",
            heading=f"Training needs analysis: {self.organisation.name}",
            tables=[SheetTable(caption="Competencies by total shortfall", head=head, rows=rows)],
        )


# The training needs table's column headings, leading each cell on small screens.
_NEED_HEADINGS = {
    text: cell_heading(text)
    for text in ("Rank", "Competency", "Need", "People short", "Total levels short", "Training")
}


def _need_row_html(rank: int, need: TrainingNeed, training: str, tag: Markup) -> str:
    h = _NEED_HEADINGS
    competency = need.competency
    title = escape(competency.title)
    numeric = "nhsuk-table__cell nhsuk-table__cell--numeric"
    return (
        '<tr class="nhsuk-table__row" role="row">'
        f'<td class="nhsuk-table__cell" role="cell">{h["Rank"]}'
        f'<div class="app-cell-value">{rank}</div></td>'
        f'<th scope="row" class="nhsuk-table__header" role="rowheader">{h["Competency"]}'
        f'<div class="app-cell-value">{escape(competency.code)} {title}<br>'
        f'<span class="app-muted">{escape(competency.version.framework.title)}</span></div></th>'
        f'<td class="nhsuk-table__cell" role="cell">{h["Need"]}'
        f'<div class="app-cell-value">{tag}</div></td>'
        f'<td class="{numeric}" role="cell">{h["People short"]}'
        f'<div class="app-cell-value">{need.people_short} of {need.people_required}</div></td>'
        f'<td class="{numeric}" role="cell">{h["Total levels short"]}'
        f'<div class="app-cell-value">{need.levels_short}</div></td>'
        f'<td class="nhsuk-table__cell" role="cell">{h["Training"]}<div class="app-cell-value">'
        f'<a href="{training}?competency={competency.pk}">Training for this'
        f'<span class="nhsuk-u-visually-hidden">: {title}</span></a></div></td>'
        "</tr>\n"
    )


@dataclass(frozen=True, slots=True)
class TeamRow:
    """An organisation on the teams page: its name, kind and indentation."""

    pk: int
    name: str
    kind: str
    depth: int  # capped at MAX_INDENT, the deepest indentation class


class TeamTable(DrawnRows[TeamRow]):
    """The rows of the teams page's table (capability/list_teams.jinja). Drawn in one
    pass: an ICS lead sees 440 teams, and the template's loop spent four fifths of the
    page's time on their cells."""

    def draw_rows(self) -> Iterator[str]:
        links = [
            url_for_each(f"capability:{name}")
            for name in (
                "show_heatmap",
                "show_training_needs",
                "choose_pathway",
                "show_team_circle",
            )
        ]
        return (_team_row_html(row, *links) for row in self.rows)


_ORGANISATION, _KIND, _MORE = (cell_heading(text) for text in ("Organisation", "Kind", "More"))


def _team_row_html(row: TeamRow, heatmap, needs, pathway, team_circle) -> str:
    name = escape(row.name)
    of = f'<span class="nhsuk-u-visually-hidden"> of {name}</span>'
    return (
        '<tr class="nhsuk-table__row" role="row">'
        f'<th scope="row" class="nhsuk-table__header app-tree-depth-{row.depth}" '
        f'role="rowheader">{_ORGANISATION}<div class="app-cell-value">'
        f'<a href="{heatmap(row.pk)}">{name}</a></div></th>'
        f'<td class="nhsuk-table__cell" role="cell">{_KIND}'
        f'<div class="app-cell-value">{escape(row.kind)}</div></td>'
        f'<td class="nhsuk-table__cell app-table-actions" role="cell">{_MORE}'
        f'<div class="app-cell-value"><a href="{needs(row.pk)}">Training needs{of}</a> · '
        f'<a href="{pathway(row.pk)}">Pathway coverage{of}</a> · '
        f'<a href="{team_circle(row.pk)}">Team circle{of}</a></div></td>'
        "</tr>\n"
    )


def team_rows(rows: list[tuple[int, str, str, str]]) -> TeamTable:
    """selectors.team_list's (pk, name, kind, path) rows as the teams table shows them."""
    return TeamTable(
        [
            TeamRow(pk, name, kind_label(kind), min(Organisation.depth_of(path), MAX_INDENT))
            for pk, name, kind, path in rows
        ]
    )


def _domain_key(competency) -> tuple:
    return (competency.version_id, competency.domain_id)


def _domain_title(competency) -> str:
    return competency.domain.title if competency.domain_id else "Other"


def _name(competency) -> str:
    return f"{competency.code} {competency.title}".strip()


def group_by_domain(items, segment_of) -> list[circle.Sector]:
    """Sectors in the order the lines come (framework, domain, competency), one a domain."""
    sectors: list[circle.Sector] = []
    keys: list[tuple] = []
    for item in items:
        competency = item.competency
        if not keys or keys[-1] != _domain_key(competency):
            keys.append(_domain_key(competency))
            sectors.append(circle.Sector(_domain_title(competency), []))
        sectors[-1].segments.append(segment_of(item))
    return sectors


@dataclass(frozen=True)
class GrowthRow:
    competency: str
    then: int
    now: int

    @property
    def change(self) -> str:
        difference = self.now - self.then
        return (
            f"+{difference}" if difference > 0 else str(difference) if difference else "No change"
        )


_CELL_HEADING = '<span class="nhsuk-table-responsive__heading" aria-hidden="true">{} </span>'


def responsive_rows(table: ChartTable, row_header: int = 1) -> Markup:
    """The body rows of a circle's table (capability/_circle.jinja's responsive_table),
    each cell led by its column's heading, drawn in one pass: a circle has a few hundred
    rows. Columns after the row header are numbers."""
    columns = []
    for index, head in enumerate(table.head):
        heading = _CELL_HEADING.format(escape(head))
        if index == row_header:
            opening = f'<th scope="row" class="nhsuk-table__header" role="rowheader">{heading}'
            columns.append((opening, "</th>"))
        else:
            numeric = " nhsuk-table__cell--numeric" if index > row_header else ""
            columns.append(
                (f'<td class="nhsuk-table__cell{numeric}" role="cell">{heading}', "</td>")
            )
    parts = []
    for row in table.rows:
        parts.append('<tr class="nhsuk-table__row" role="row">')
        for (opening, closing), cell in zip(columns, row, strict=True):
            parts.append(f"{opening}{escape(cell)}{closing}")
        parts.append("</tr>\n")
    return Markup("".join(parts))  # noqa: S704 - every cell and heading is escaped


class CirclePresenter:
    """One person's circle today (large with labels, and compact for phones), their
    self-ratings where the viewer may see them, and the circle at an earlier date."""

    def __init__(self, capability: PersonCapability, then: PersonCapability | None = None):
        self.capability = capability
        self.person = capability.person
        self.then = then
        title = f"Circle of competence: {self.person.full_name}"
        sectors = group_by_domain(
            capability.lines,
            lambda line: circle.Segment(
                _name(line.competency),
                line.current,
                line.required,
                self_rated=line.self_rated,
                code=line.competency.code,
            ),
        )
        self.sectors = sectors
        top = capability.top_level
        self.circle = circle.circle_of_competence(sectors, top_level=top, title=title)
        self.compact = circle.circle_of_competence(
            sectors, top_level=top, title=title, chart_id="circle-compact", labelled=False
        )
        self.table_rows = responsive_rows(self.circle.table)
        self.with_self = any(line.self_rated is not None for line in capability.lines)
        self.gaps = capability.gaps
        self.growth: list[GrowthRow] = []
        if then is not None:
            self.then_circle, self.now_circle = (
                circle.circle_of_competence(
                    group_by_domain(
                        lines,
                        lambda line: circle.Segment(
                            _name(line.competency), line.current, line.required
                        ),
                    ),
                    top_level=top,
                    title=heading,
                    chart_id=chart_id,
                    labelled=False,
                    focusable=False,
                )
                for lines, heading, chart_id in (
                    (then.lines, f"Verified levels on {then.on:%-d %B %Y}", "circle-then"),
                    (capability.lines, "Verified levels today", "circle-now"),
                )
            )
            earlier = {line.competency.pk: line.current or 0 for line in then.lines}
            self.growth = [
                GrowthRow(
                    _name(line.competency), earlier.get(line.competency.pk, 0), line.current or 0
                )
                for line in capability.lines
            ]

    @property
    def grown(self) -> int:
        return sum(1 for row in self.growth if row.now > row.then)

    @cached_property
    def growth_table(self) -> ChartTable:
        on = f"{self.then.on:%-d %B %Y}" if self.then is not None else ""
        return ChartTable(
            caption=f"Verified levels on {on} and today (table)",
            head=["Competency", "Then", "Today", "Change"],
            rows=[[row.competency, str(row.then), str(row.now), row.change] for row in self.growth],
        )

    @cached_property
    def growth_rows(self) -> Markup:
        return responsive_rows(self.growth_table, row_header=0)


def standalone_svg(drawn: circle.Circle) -> bytes:
    """The picture as a file of its own: an XML declaration and the SVG."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + str(drawn.svg)).encode()


class TeamCirclePresenter:
    """A team's circle: the median verified level per competency and the middle half."""

    SMALL_TEAM = 5

    def __init__(self, team: TeamCapability) -> None:
        self.team = team
        role = team.job_role.name if team.job_role else "all roles"
        self.title = f"Team circle: {role}, {team.organisation.name}"
        sectors = group_by_domain(
            team.lines,
            lambda line: circle.Segment(
                _name(line.competency),
                line.median,
                line.required,
                spread=line.quartiles,
                code=line.competency.code,
                people=len(line.levels),
            ),
        )
        self.sectors = sectors
        kwargs = {"top_level": team.top_level, "title": self.title, "team": True}
        self.circle = circle.circle_of_competence(sectors, chart_id="team-circle", **kwargs)
        self.compact = circle.circle_of_competence(
            sectors, chart_id="team-circle-compact", labelled=False, **kwargs
        )
        self.table_rows = responsive_rows(self.circle.table)
        self.small = 0 < team.people < self.SMALL_TEAM
        self.below = [line for line in team.lines if line.median < line.required]


class CoveragePresenter:
    def __init__(self, coverage: PathwayCoverage) -> None:
        self.coverage = coverage
        self.rows = coverage.rows
        self.train = [
            (row, coverage.train.get(row.competency.pk, []))
            for row in coverage.rows
            if row.held < row.needed
        ]
        self.recruit = coverage.recruit
        self.not_coverable = coverage.not_coverable
        # The rule's docstring is the reason people read.
        self.train_reason = " ".join((gaps.role_could_take_on.__doc__ or "").split())


# --- Growth: which earlier date the circle is compared with ------------------------------

COMPARE_MONTHS = (3, 6, 12, 24)


def months_ago(today: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    month = today.month - 1 - months
    year, month = today.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(today.day, last))


def compare_choices(first: date | None, today: date) -> list[tuple[str, str]]:
    choices = [
        (str(n), f"{n} months ago ({months_ago(today, n):%-d %B %Y})") for n in COMPARE_MONTHS
    ]
    if first is not None:
        choices.insert(0, ("first", f"The first sign-off ({first:%-d %B %Y})"))
    return choices


def default_compare(first: date | None, today: date) -> str:
    """Twelve months back when the record goes that far; otherwise the first sign-off."""
    if first is None or first <= months_ago(today, 12):
        return "12"
    return "first"


def compare_date(choice: str, *, first: date | None, today: date) -> date | None:
    """The earlier date to draw, or None when nothing was ever signed off."""
    if first is None:
        return None
    if choice not in {value for value, _ in compare_choices(first, today)}:
        choice = default_compare(first, today)
    if choice == "first":
        return first
    return months_ago(today, int(choice))


class CompetencyHistoryPresenter:
    """One person's story in one competency: what is required, what was verified when
    and by whom, and how they rated themself."""

    def __init__(self, history: CompetencyHistory) -> None:
        self.history = history
        self.person = history.person
        self.competency = history.competency
        self.name = competency_name(history.competency)
        self.sign_offs = list(reversed(history.sign_offs))  # newest first
        self.self_ratings = (
            None if history.self_ratings is None else list(reversed(history.self_ratings))
        )

    @property
    def summary(self) -> str:
        h = self.history
        current = f"level {h.current}" if h.current else "no verified level"
        if h.required is None:
            return f"Their role does not require this. They hold {current}."
        if (h.current or 0) >= h.required:
            return f"Their role requires level {h.required}. They hold {current}: met."
        return f"Their role requires level {h.required}. They hold {current}: below it."
