"""What changed between two versions of a framework, in words (no Django here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .case import CasePackage


@dataclass(frozen=True)
class Entry:
    identifier: str
    kind: str
    code: str
    title: str
    description: str
    indicators: tuple[str, ...]
    parent: str | None
    position: int


@dataclass
class VersionDiff:
    added: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    changed: list[tuple[Entry, list[str]]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def entries(package: CasePackage) -> dict[str, Entry]:
    result = {}
    positions: dict[int, int] = {}
    for node, parent, _depth in package.walk():
        siblings = parent.children if parent else package.roots
        if id(siblings) not in positions:
            for i, sibling in enumerate(siblings):
                positions[id(sibling)] = i
        result[node.identifier] = Entry(
            node.identifier,
            "Domain" if node.children else "Competency",
            node.code,
            node.full_statement,
            node.notes,
            tuple(node.indicators),
            parent.identifier if parent else None,
            positions[id(node)],
        )
    return result


def compare(old: CasePackage, new: CasePackage) -> VersionDiff:
    before, after = entries(old), entries(new)
    diff = VersionDiff()
    for identifier, entry in after.items():
        previous = before.get(identifier)
        if previous is None:
            diff.added.append(entry)
            continue
        changes = []
        if previous.code != entry.code:
            changes.append(f"code {previous.code or '(none)'} → {entry.code or '(none)'}")
        if previous.title != entry.title:
            changes.append("title reworded")
        if previous.description != entry.description:
            changes.append("description changed")
        if previous.indicators != entry.indicators:
            changes.append("indicators changed")
        if previous.parent != entry.parent:
            changes.append("moved to another domain")
        elif previous.position != entry.position:
            changes.append("moved within its domain")
        if changes:
            diff.changed.append((entry, changes))
    diff.removed = [entry for identifier, entry in before.items() if identifier not in after]
    return diff
