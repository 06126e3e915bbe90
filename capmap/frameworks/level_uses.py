"""Who uses a level of a version's proficiency scale, so a level in use is never removed.

Frameworks count their own uses (role profile requirements, pathway minimums). Apps above
frameworks that record levels (assessments: ratings and verified levels) register a counter
from their AppConfig.ready(), so this app never imports them.
"""

from __future__ import annotations

from collections.abc import Callable

# (version id, level value) -> one phrase a kind of use, e.g. "3 self-ratings"; empty if none.
LevelUseCounter = Callable[[int, int], list[str]]

COUNTERS: list[LevelUseCounter] = []


def register(counter: LevelUseCounter) -> LevelUseCounter:
    if counter not in COUNTERS:
        COUNTERS.append(counter)
    return counter


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _framework_uses(version_id: int, value: int) -> list[str]:
    from .models import PathwayCapability, RoleRequirement

    uses = []
    requirements = RoleRequirement.objects.filter(profile__version_id=version_id, level=value)
    if count := requirements.count():
        uses.append(plural(count, "role profile requirement", "role profile requirements"))
    pathways = PathwayCapability.objects.filter(
        competency__version_id=version_id, minimum_level=value
    )
    if count := pathways.count():
        uses.append(plural(count, "care pathway minimum", "care pathway minimums"))
    return uses


def level_uses(version_id: int, value: int) -> list[str]:
    """Every use of the level, as phrases a person reads; empty when nothing uses it."""
    uses = _framework_uses(version_id, value)
    for counter in COUNTERS:
        uses += counter(version_id, value)
    return uses
