"""View-models for the capability pages: cell symbols, tables and the circle's sectors."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.urls import reverse
from markupsafe import Markup

from capmap.core.spreadsheets import Sheet, SheetTable

from . import circle
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
def _cell_markup(required: int | None, held: int | None) -> str:
    cell = _cell(required, held)
    return f'<td class="{cell.css}">{cell.text}</td>'


class HeatmapPresenter:
    def __init__(self, heatmap: Heatmap) -> None:
        self.heatmap = heatmap
        self.organisation = heatmap.organisation
        self.domains = heatmap.domains
        self.competencies = heatmap.competencies
        self.key = [(f"app-heat--{k}", SYMBOLS[k], text) for k, text in KEY]

    @property
    def rows(self):
        """Each row with its cells as ready markup: thousands of cells render in Python
        far faster than through a template loop."""
        for row in self.heatmap.rows:
            cells = "".join(_cell_markup(c.required, c.current) for c in row.cells)
            yield {
                "person": row.person,
                "href": reverse("capability:show_circle", args=[row.person.pk]),
                "total": row.total_shortfall,
                "cells": Markup(cells),  # noqa: S704 - fixed classes, digits and symbols only
            }

    def sheet(self) -> Sheet:
        head = ["Person", "Job role", "Stage", "Levels short"] + [
            f"{c.code} {c.title}".strip() for c in self.competencies
        ]
        rows = [
            [
                row.person.full_name,
                row.person.job_role.name,
                row.person.stage,
                row.total_shortfall,
                *[heat_cell(cell).text for cell in row.cells],
            ]
            for row in self.heatmap.rows
        ]
        return Sheet(
            title="Team heatmap",
            heading=f"Team capability: {self.organisation.name}",
            notes=["Each cell: verified level / required level; ▼ short, ✓ met, ▲ above."],
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
