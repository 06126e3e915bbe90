"""What the privacy pages show: the erasure plan as three tables."""

from __future__ import annotations

from dataclasses import dataclass

from .datamap import Action
from .erasure import ErasurePlan


@dataclass(frozen=True)
class PlanTable:
    caption: str
    rows: list[tuple[str, int, str]]


def plan_tables(plan: ErasurePlan) -> list[PlanTable]:
    captions = {
        Action.DELETE: "Deleted",
        Action.PSEUDONYMISE: "Pseudonymised: kept with the name, e-mail address and "
        "registration number replaced",
        Action.KEEP: "Kept as they are, pointing at the pseudonymised record",
    }
    return [
        PlanTable(caption, [(line.kind.title, line.count, line.reason) for line in plan.of(action)])
        for action, caption in captions.items()
    ]
