"""What the ODS import preview shows: counts per kind, changes, what was left out, problems."""

from __future__ import annotations

from dataclasses import dataclass

from .ods_import import FIELD_LABELS, OdsImportPlan
from .tree_rules import kind_name

# A preview of the whole of England lists thousands: show the first of each list, and say so.
SHOWN = 100


@dataclass(frozen=True)
class KindCounts:
    kind: str
    to_create: int
    to_update: int
    to_close: int
    unchanged: int


@dataclass(frozen=True)
class ChangeRow:
    code: str
    name: str
    kind: str
    changes: str
    closes: bool


@dataclass(frozen=True)
class LeftOutRow:
    what: str
    reason: str
    count: int


def _plural(label: str) -> str:
    return label[:1].upper() + label[1:] + "s"


def kind_counts(plan: OdsImportPlan) -> list[KindCounts]:
    return [
        KindCounts(
            _plural(kind_name(kind)),
            counts.get("create", 0),
            counts.get("update", 0),
            counts.get("close", 0),
            counts.get("unchanged", 0),
        )
        for kind, counts in plan.counts_by_kind()
    ]


def change_rows(plan: OdsImportPlan) -> list[ChangeRow]:
    return [
        ChangeRow(
            row.record.code,
            row.record.name,
            kind_name(row.record.kind),
            ", ".join(FIELD_LABELS[name] for name in row.changes),
            row.closes,
        )
        for row in plan.to_update[:SHOWN]
    ]


def left_out_rows(plan: OdsImportPlan) -> list[LeftOutRow]:
    return [
        LeftOutRow(_plural(kind_name(kind)) if kind else "Other organisations", reason, count)
        for kind, reason, count in plan.left_out_reasons()
    ]


def summary(plan: OdsImportPlan) -> str:
    """One sentence: what the import would do (or did)."""
    if plan.changes_nothing:
        return (
            f"Nothing to change: the tree already matches the files "
            f"({len(plan.unchanged):,} organisations unchanged)."
        )
    return (
        f"{len(plan.to_create):,} to add, {len(plan.to_update):,} to update "
        f"(of them {len(plan.to_close):,} closing), {len(plan.unchanged):,} unchanged."
    )


def outcome(plan: OdsImportPlan) -> str:
    if plan.changes_nothing:
        return "Nothing changed: the organisations already matched the files."
    return (
        f"The ODS files have been imported: {len(plan.to_create):,} organisations added, "
        f"{len(plan.to_update):,} updated ({len(plan.to_close):,} closed)."
    )


def tables(plan: OdsImportPlan) -> dict[str, dict]:
    """The preview's tables, each with a caption, column headings and rows."""
    changes = change_rows(plan)
    more = len(plan.to_update) - len(changes)
    return {
        "kinds": {
            "caption": "Organisations by kind",
            "head": ["Kind", "To add", "To update", "Of them closing", "Unchanged"],
            "rows": [
                [
                    k.kind,
                    f"{k.to_create:,}",
                    f"{k.to_update:,}",
                    f"{k.to_close:,}",
                    f"{k.unchanged:,}",
                ]
                for k in kind_counts(plan)
            ],
        },
        "changes": {
            "caption": "Organisations to update"
            + (f" (the first {len(changes)}; {more:,} more)" if more > 0 else ""),
            "head": ["Organisation", "ODS code", "Kind", "What changes"],
            "rows": [
                [row.name, row.code, row.kind, row.changes + (" (closes)" if row.closes else "")]
                for row in changes
            ],
        },
        "left_out": {
            "caption": "Left out of the tree",
            "head": ["Organisations", "Why", "How many"],
            "rows": [[row.what, row.reason, f"{row.count:,}"] for row in left_out_rows(plan)],
        },
        "problems": {
            "caption": f"{len(plan.problems):,} "
            + ("problem" if len(plan.problems) == 1 else "problems")
            + (" (the first 200)" if len(plan.problems) > 200 else ""),
            "head": ["File and line", "Problem"],
            "rows": [[str(p.source), p.message] for p in plan.problems[:200]],
        },
    }
