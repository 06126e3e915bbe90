"""View-models for the capability pages: cell symbols, tables and the circle's sectors."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.urls import reverse
from markupsafe import Markup

from capmap.core.spreadsheets import Sheet, SheetTable

from . import circle, gaps
from .forms import HeatmapView
from .history import CompetencyHistory
from .selectors import Heatmap, HeatmapCell, PathwayCoverage, PersonCapability, TrainingNeed

SYMBOLS = {"short": "▼", "met": "✓", "above": "▲", "none": "·"}
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
    return Cell(f"app-heat--{kind}", text, label)


@lru_cache(maxsize=256)
def _cell_open(required: int | None, held: int | None) -> tuple[str, str, bool]:
    """The cell's opening tag, its text, and whether it has a history to open."""
    cell = _cell(required, held)
    return f'<td class="{cell.css}">', cell.text, required is not None or bool(held)


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


def competency_name(competency) -> str:
    return f"{competency.code} {competency.title}".strip()


class HeatmapPresenter:
    def __init__(self, heatmap: Heatmap, view: HeatmapView | None = None) -> None:
        self.heatmap = heatmap
        self.view = view
        self.organisation = heatmap.organisation
        self.domains = heatmap.domains
        self.competencies = heatmap.competencies
        self.key = [(f"app-heat--{k}", SYMBOLS[k], text) for k, text in KEY]
        self.columns = [
            Column(c.code or str(index), c.title, total.met, total.required)
            for index, (c, total) in enumerate(
                zip(heatmap.competencies, heatmap.column_totals, strict=True), start=1
            )
        ]
        self.people = len(heatmap.rows)
        self.met = sum(row.met for row in heatmap.rows)
        self.required = sum(row.required for row in heatmap.rows)

    @property
    def one_role(self) -> bool:
        return self.view is not None and self.view.job_role is not None

    @property
    def rows(self):
        """Each row with its cells as ready markup: thousands of cells render in Python
        far faster than through a template loop. Each cell links to its history."""
        pattern = _history_url_pattern()
        ids = [c.pk for c in self.competencies]
        for row in self.heatmap.rows:
            person = row.person.pk
            parts = []
            for cell, competency in zip(row.cells, ids, strict=True):
                opening, text, linked = _cell_open(cell.required, cell.current)
                if linked:
                    href = pattern.format(person=person, competency=competency)
                    parts.append(f'{opening}<a href="{href}">{text}</a></td>')
                else:
                    parts.append(f"{opening}{text}</td>")
            yield {
                "person": row.person,
                "href": reverse("capability:show_circle", args=[person]),
                "about": self._about(row.person),
                "met": row.met,
                "required": row.required,
                # fixed classes, digits, symbols and URLs built from primary keys only
                "cells": Markup("".join(parts)),  # noqa: S704
            }

    def _about(self, person) -> str:
        """The line under a name: the stage in a one-role view, else the role too."""
        if self.one_role:
            return person.stage.capitalize()
        role = person.job_role.name
        return f"{role} ({person.stage})" if person.stage else role

    def sheet(self) -> Sheet:
        head = ["Person", "Job role", "Stage", "Requirements met", "Levels short"] + [
            competency_name(c) for c in self.competencies
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
                *[f"{c.met} of {c.required}" for c in self.columns],
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

    @property
    def rows(self):
        for rank, need in enumerate(self.needs, start=1):
            yield {
                "rank": rank,
                "need": need,
                "training_href": reverse("development:list_training")
                + f"?competency={need.competency.pk}",
            }

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


class CirclePresenter:
    def __init__(self, capability: PersonCapability) -> None:
        self.capability = capability
        self.person = capability.person
        sectors: list[circle.Sector] = []
        keys: list[tuple] = []
        for line in capability.lines:
            competency = line.competency
            key = (competency.version_id, competency.domain_id)
            if not keys or keys[-1] != key:
                keys.append(key)
                title = competency.domain.title if competency.domain_id else "Other"
                sectors.append(circle.Sector(title, []))
            sectors[-1].segments.append(
                circle.Segment(
                    f"{competency.code} {competency.title}".strip(), line.current, line.required
                )
            )
        self.circle = circle.circle_of_competence(
            sectors,
            top_level=capability.top_level,
            title=f"Circle of competence: {self.person.full_name}",
        )
        self.gaps = capability.gaps


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
