"""1EdTech CASE 1.0 packages: read and check a CFPackage into plain values, and write one back.

No Django here. The tree comes from the isChildOf associations (ordered by
sequenceNumber, then by their place in the package); everything we do not model is
kept as received, so a package that goes in and comes out again is the same package.
Associations of other types (exactMatchOf, precedes...) are kept as they are and may
point outside the package, as CASE allows; isChildOf must join items of the package.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeGuard
from urllib.parse import quote

from capmap.core import bounded_json

CASE_SECTIONS = ("CFDocument", "CFItems", "CFAssociations", "CFDefinitions", "CFRubrics")
CHILD_OF = "isChildOf"
INDICATORS_KEY = "capmapIndicators"
# A CFPackage nests 4 levels (package, section, item, reference); extensions add a few.
MAX_JSON_DEPTH = 64
# Deterministic identifiers for associations and items made in Capmap.
CAPMAP_NAMESPACE = uuid.UUID("6f1c2a52-8d1e-4e55-9a3c-2d3b7c6f0a11")


class CaseError(ValueError):
    """The package cannot be read; `problems` lists each one, in words a person can act on."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(" ".join(self.problems))


@dataclass
class CaseNode:
    """One CFItem in its place in the tree."""

    identifier: str
    full_statement: str
    code: str = ""  # humanCodingScheme
    notes: str = ""  # notes, shown as the description
    extra: dict[str, Any] = field(default_factory=dict)  # CFItem fields we do not model
    item_index: int | None = None  # position in CFItems as received
    association: dict[str, Any] | None = None  # its isChildOf association as received
    association_index: int | None = None
    indicators: list[str] = field(default_factory=list)  # Capmap only, not part of CASE
    children: list[CaseNode] = field(default_factory=list)

    @property
    def is_orphan(self) -> bool:
        """Came in a package without a parent: it goes out again without one."""
        return self.association is None and self.item_index is not None


@dataclass
class ScaleLevel:
    value: int
    label: str
    descriptor: str = ""


@dataclass
class CasePackage:
    document: dict[str, Any]
    roots: list[CaseNode] = field(default_factory=list)
    # Associations that are not the tree, each as [position in the package, association].
    other_associations: list[list[Any]] = field(default_factory=list)
    definitions: dict[str, Any] | list[Any] | None = None  # [] is PHP's empty map
    rubrics: list[Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # unknown top-level keys
    sections: list[str] = field(default_factory=lambda: list(CASE_SECTIONS[:4]))
    # Identifiers of associations the package repeated exactly, merged into one each.
    merged_duplicates: list[str] = field(default_factory=list)

    @property
    def identifier(self) -> str:
        return str(self.document.get("identifier", ""))

    @property
    def title(self) -> str:
        return str(self.document.get("title") or "Untitled framework")

    def walk(self) -> Iterator[tuple[CaseNode, CaseNode | None, int]]:
        """Every node, depth first in order, with its parent and depth (0 at the top)."""
        stack: list[tuple[CaseNode, CaseNode | None, int]] = [
            (node, None, 0) for node in reversed(self.roots)
        ]
        while stack:
            node, parent, depth = stack.pop()
            yield node, parent, depth
            stack.extend((child, node, depth + 1) for child in reversed(node.children))

    def counts(self) -> dict[str, int]:
        domains = competencies = 0
        for node, _parent, _depth in self.walk():
            if node.children:
                domains += 1
            else:
                competencies += 1
        return {"domains": domains, "competencies": competencies}

    def scale_levels(self) -> list[ScaleLevel]:
        """Levels of the first rubric criterion that has any, lowest first; [] if none."""
        for rubric in self.rubrics or []:
            for criterion in (rubric or {}).get("CFRubricCriteria") or []:
                levels = (criterion or {}).get("CFRubricCriterionLevels") or []
                if levels:
                    return _levels_from_rubric(levels)
        return []


def _levels_from_rubric(levels: list[dict[str, Any]]) -> list[ScaleLevel]:
    def sort_key(pair: tuple[int, dict[str, Any]]) -> tuple[float, int]:
        index, level = pair
        position = level.get("position")
        return (position if _is_number(position) else float("inf"), index)

    result: list[ScaleLevel] = []
    used: set[int] = set()
    for index, (_i, level) in enumerate(sorted(enumerate(levels), key=sort_key)):
        score = level.get("score")
        value = int(score) if _is_number(score) and int(score) not in used else index
        while value in used:
            value += 1
        used.add(value)
        label = str(level.get("quality") or f"Level {value}")
        result.append(ScaleLevel(value, label[:100], str(level.get("description") or "")))
    return result


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- reading ------------------------------------------------------------------


def decode(raw: bytes) -> str:
    """The file's text; CASE JSON is UTF-8 (a byte-order mark is tolerated)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CaseError(
            f"The file is not UTF-8 text (byte 0x{raw[error.start]:02x} at position "
            f"{error.start} cannot be read). Save it with UTF-8 encoding and try again."
        ) from None


def load_json(raw: bytes) -> Any:
    text = decode(raw)
    try:
        return bounded_json.loads(text, max_depth=MAX_JSON_DEPTH)
    except bounded_json.TooDeeplyNested as error:
        raise CaseError(str(error)) from None
    except json.JSONDecodeError as error:
        raise CaseError(
            f"The file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None


def load_package(raw: bytes) -> CasePackage:
    """Read a CASE package from the bytes of a file; raises CaseError naming each problem."""
    return parse_package(load_json(raw))


def _node_id(reference: Any) -> str | None:
    if isinstance(reference, dict) and isinstance(reference.get("identifier"), str):
        return reference["identifier"]
    return None


def parse_package(data: Any) -> CasePackage:
    if not isinstance(data, dict):
        raise CaseError("A CASE package is a JSON object with a CFDocument: this file is not.")
    document = data.get("CFDocument")
    if not isinstance(document, dict):
        raise CaseError("The package has no CFDocument, so it is not a CASE 1.0 package.")
    problems: list[str] = []
    doc_id = document.get("identifier")
    if not isinstance(doc_id, str) or not doc_id:
        raise CaseError("The CFDocument has no identifier.")

    raw_items = data.get("CFItems", [])
    raw_associations = data.get("CFAssociations", [])
    for key, value in (("CFItems", raw_items), ("CFAssociations", raw_associations)):
        if not isinstance(value, list):
            problems.append(f"{key} must be a list.")
    if problems:
        raise CaseError(problems)

    seen: dict[str, str] = {doc_id: "the CFDocument"}
    nodes: dict[str, CaseNode] = {}
    for index, item in enumerate(raw_items):
        if not isinstance(item, dict):
            problems.append(f"CFItems entry {index + 1} is not an object.")
            continue
        identifier = item.get("identifier")
        if not isinstance(identifier, str) or not identifier:
            problems.append(f"CFItems entry {index + 1} has no identifier.")
            continue
        if identifier in seen:
            problems.append(
                f"The identifier {identifier} is used twice (CFItems entry {index + 1} and "
                f"{seen[identifier]})."
            )
            continue
        seen[identifier] = f"CFItems entry {index + 1}"
        statement = item.get("fullStatement")
        if not isinstance(statement, str):
            problems.append(f"The CFItem {identifier} has no fullStatement.")
            continue
        extra = {k: v for k, v in item.items() if k not in {"identifier", "fullStatement"}}
        code = extra.pop("humanCodingScheme") if _nonempty_str(extra, "humanCodingScheme") else ""
        notes = extra.pop("notes") if _nonempty_str(extra, "notes") else ""
        nodes[identifier] = CaseNode(
            identifier,
            statement,
            code=code,
            notes=notes,
            extra=extra,
            item_index=index,
            indicators=_take_indicators(extra),
        )

    tree_links: list[tuple[int, dict[str, Any], str, str]] = []
    others: list[list[Any]] = []
    received: dict[str, str] = {}  # association identifier -> its canonical JSON
    merged: list[str] = []
    for index, association in enumerate(raw_associations):
        label = f"CFAssociations entry {index + 1}"
        if not isinstance(association, dict):
            problems.append(f"{label} is not an object.")
            continue
        identifier = association.get("identifier")
        if not isinstance(identifier, str) or not identifier:
            problems.append(f"{label} has no identifier.")
            continue
        if identifier in received:
            # Published packages sometimes repeat an association exactly: one is enough.
            if _canonical(association) == received[identifier]:
                merged.append(identifier)
                continue
            problems.append(
                f"The association {identifier} appears twice with different content "
                f"({seen[identifier]} and {label}). Keep the right one and import again."
            )
            continue
        if identifier in seen:
            problems.append(
                f"The identifier {identifier} is used twice ({label} and {seen[identifier]})."
            )
            continue
        seen[identifier] = label
        received[identifier] = _canonical(association)
        kind = association.get("associationType")
        origin = _node_id(association.get("originNodeURI"))
        destination = _node_id(association.get("destinationNodeURI"))
        if not isinstance(kind, str) or origin is None or destination is None:
            problems.append(
                f"The association {identifier} needs an associationType, an originNodeURI "
                "and a destinationNodeURI, each with an identifier."
            )
            continue
        if kind != CHILD_OF:
            others.append([index, association])
            continue
        if origin not in nodes:
            problems.append(
                f"The isChildOf association {identifier} starts from {origin}, which is not "
                "a CFItem of this package."
            )
            continue
        if destination != doc_id and destination not in nodes:
            problems.append(
                f"The isChildOf association {identifier} points to {destination}, which is "
                "neither the CFDocument nor a CFItem of this package."
            )
            continue
        sequence = association.get("sequenceNumber")
        if sequence is not None and _sequence(association) is None:
            problems.append(
                f"The isChildOf association {identifier} has a sequenceNumber that is not a number."
            )
            continue
        tree_links.append((index, association, origin, destination))
    if problems:
        raise CaseError(problems)

    _check_no_cycle(tree_links)

    # Each item's tree parent is its first isChildOf; any further parent link is kept as is.
    children: dict[str, list[tuple[tuple[Any, ...], CaseNode]]] = {}
    placed: set[str] = set()
    for index, association, origin, destination in tree_links:
        if origin in placed:
            others.append([index, association])
            continue
        placed.add(origin)
        node = nodes[origin]
        node.association = association
        node.association_index = index
        children.setdefault(destination, []).append((_sibling_key(association, index), node))
    for parent_id, group in children.items():
        ordered = [node for _key, node in sorted(group, key=lambda pair: pair[0])]
        if parent_id == doc_id:
            continue
        nodes[parent_id].children = ordered
    roots = [node for _key, node in sorted(children.get(doc_id, []), key=lambda p: p[0])]
    roots += [node for identifier, node in nodes.items() if identifier not in placed]

    _check_reachable(roots, nodes)
    definitions = data.get("CFDefinitions")
    rubrics = data.get("CFRubrics")
    if "CFRubrics" in data and not isinstance(rubrics, list):
        raise CaseError("CFRubrics must be a list.")
    # PHP writes an empty map as [], and the CASE 1.0 schema allows it: kept as received.
    if "CFDefinitions" in data and not (isinstance(definitions, dict) or definitions == []):
        raise CaseError("CFDefinitions must be an object.")
    package = CasePackage(
        document=document,
        roots=roots,
        other_associations=others,
        definitions=definitions,
        rubrics=rubrics,
        extra={k: v for k, v in data.items() if k not in CASE_SECTIONS},
        sections=[k for k in CASE_SECTIONS if k in data],
        merged_duplicates=merged,
    )
    return package


def _canonical(value: Any) -> str:
    """The same JSON text for the same content (key order aside; 1, 1.0 and true differ)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _take_indicators(extra: dict[str, Any]) -> list[str]:
    """Capmap's behavioural indicators travel in the item's `extensions` (as in CASE 1.1)."""
    extensions = extra.get("extensions")
    if not isinstance(extensions, dict):
        return []
    indicators = extensions.get(INDICATORS_KEY)
    if not isinstance(indicators, list) or not all(isinstance(i, str) for i in indicators):
        return []
    rest = {k: v for k, v in extensions.items() if k != INDICATORS_KEY}
    if rest:
        extra["extensions"] = rest
    else:
        del extra["extensions"]
    return indicators


def _nonempty_str(item: dict[str, Any], key: str) -> bool:
    value = item.get(key)
    return isinstance(value, str) and value != ""


def _sequence(association: dict[str, Any]) -> float | None:
    """The sequenceNumber as a number; some tools write it as a string ("2")."""
    sequence = association.get("sequenceNumber")
    if _is_number(sequence):
        return sequence
    if isinstance(sequence, str):
        try:
            return float(sequence.strip())
        except ValueError:
            return None
    return None


def _sibling_key(association: dict[str, Any], index: int) -> tuple[Any, ...]:
    """Order under one parent: by sequenceNumber where given, then by place in the package."""
    sequence = _sequence(association)
    if sequence is not None:
        return (0, sequence, index)
    return (1, 0, index)


def _check_no_cycle(links: list[tuple[int, dict[str, Any], str, str]]) -> None:
    parents: dict[str, list[str]] = {}
    for _index, _association, origin, destination in links:
        parents.setdefault(origin, []).append(destination)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in parents:
        if state.get(start):
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            current, next_parent = stack.pop()
            if next_parent == 0:
                state[current] = 1
                path.append(current)
            upward = parents.get(current, [])
            if next_parent < len(upward):
                stack.append((current, next_parent + 1))
                parent = upward[next_parent]
                if state.get(parent) == 1:
                    cycle = [*path[path.index(parent) :], parent]
                    raise CaseError(
                        "The isChildOf associations go round in a circle: "
                        + " → ".join(cycle)
                        + ". An item cannot sit inside itself."
                    )
                if not state.get(parent):
                    stack.append((parent, 0))
            else:
                state[current] = 2
                path.pop()


def _check_reachable(roots: list[CaseNode], nodes: dict[str, CaseNode]) -> None:
    reached = 0
    stack = list(roots)
    while stack:
        node = stack.pop()
        reached += 1
        stack.extend(node.children)
    if reached != len(nodes):  # only a cycle can hide items; _check_no_cycle reports it
        raise CaseError("Some CFItems cannot be reached from the CFDocument.")


# --- writing ------------------------------------------------------------------


def _item_dict(node: CaseNode) -> dict[str, Any]:
    item: dict[str, Any] = {"identifier": node.identifier, "fullStatement": node.full_statement}
    item.update(node.extra)
    if node.code:
        item["humanCodingScheme"] = node.code
    if node.notes:
        item["notes"] = node.notes
    if node.indicators:
        extensions = item.get("extensions")
        item["extensions"] = {
            **(extensions if isinstance(extensions, dict) else {}),
            INDICATORS_KEY: list(node.indicators),
        }
    return item


def _reference(identifier: str, title: str, uri: Any) -> dict[str, Any]:
    reference: dict[str, Any] = {"title": title, "identifier": identifier}
    if isinstance(uri, str):
        reference["uri"] = uri
    return reference


def _tree_association(
    node: CaseNode, parent_ref: dict[str, Any], document: dict[str, Any]
) -> dict[str, Any]:
    if node.association is not None:
        association = dict(node.association)
        if _node_id(association.get("originNodeURI")) != node.identifier:
            association["originNodeURI"] = _reference(
                node.identifier, node.code or node.full_statement, node.extra.get("uri")
            )
        if _node_id(association.get("destinationNodeURI")) != parent_ref["identifier"]:
            association["destinationNodeURI"] = parent_ref
        return association
    identifier = str(uuid.uuid5(CAPMAP_NAMESPACE, f"{node.identifier}/{CHILD_OF}"))
    association = {
        "identifier": identifier,
        "associationType": CHILD_OF,
        "originNodeURI": _reference(
            node.identifier, node.code or node.full_statement, node.extra.get("uri")
        ),
        "destinationNodeURI": parent_ref,
    }
    if isinstance(document.get("uri"), str):
        association["CFDocumentURI"] = _reference(
            str(document.get("identifier")), str(document.get("title", "")), document["uri"]
        )
    return association


def _number_siblings(group: list[CaseNode], associations: dict[int, dict[str, Any]]) -> None:
    """Keep sequenceNumbers as received while the order is as received; else renumber 1..n."""
    linked = [node for node in group if not node.is_orphan]
    unchanged = (
        all(node.association is not None for node in linked)
        and sorted(
            linked,
            key=lambda n: _sibling_key(n.association or {}, n.association_index or 0),
        )
        == linked
    )
    if unchanged:
        return
    for position, node in enumerate(linked, start=1):
        associations[id(node)]["sequenceNumber"] = position


def package_to_dict(package: CasePackage) -> dict[str, Any]:
    """The CFPackage as a JSON-ready dict."""
    document = package.document
    doc_ref = _reference(package.identifier, package.title, document.get("uri"))
    associations: dict[int, dict[str, Any]] = {}
    nodes: list[CaseNode] = []
    groups: list[list[CaseNode]] = [package.roots]
    for node, parent, _depth in package.walk():
        nodes.append(node)
        if node.children:
            groups.append(node.children)
        if node.is_orphan and parent is None:
            continue
        parent_ref = (
            doc_ref
            if parent is None
            else _reference(
                parent.identifier, parent.code or parent.full_statement, parent.extra.get("uri")
            )
        )
        associations[id(node)] = _tree_association(node, parent_ref, document)
    for group in groups:
        _number_siblings(group, associations)

    late = 10**12  # things made in Capmap go after everything received, in tree order
    items = sorted(
        (
            (node.item_index if node.item_index is not None else late + n, _item_dict(node))
            for n, node in enumerate(nodes)
        ),
        key=lambda pair: pair[0],
    )
    all_associations: list[tuple[int, dict[str, Any]]] = [
        (index, association) for index, association in package.other_associations
    ]
    for n, node in enumerate(nodes):
        if id(node) in associations:
            index = node.association_index if node.association_index is not None else late + n
            all_associations.append((index, associations[id(node)]))
    all_associations.sort(key=lambda pair: pair[0])

    result: dict[str, Any] = {"CFDocument": dict(document)}
    values = {
        "CFItems": [item for _i, item in items],
        "CFAssociations": [association for _i, association in all_associations],
        "CFDefinitions": package.definitions,
        "CFRubrics": package.rubrics,
    }
    for section in CASE_SECTIONS[1:]:
        value = values[section]
        grown = section in ("CFItems", "CFAssociations") and value
        if section in package.sections or grown:
            result[section] = value if value is not None else _empty(section)
    result.update(package.extra)
    return result


def _empty(section: str) -> Any:
    return {} if section == "CFDefinitions" else []


def dump_package(package: CasePackage) -> str:
    return json.dumps(package_to_dict(package), ensure_ascii=False, indent=2) + "\n"


def rubric_from_levels(
    levels: list[ScaleLevel], *, identifier: str, title: str
) -> list[dict[str, Any]]:
    """A CFRubric carrying a Capmap proficiency scale, for packages made in Capmap."""
    criterion_id = str(uuid.uuid5(CAPMAP_NAMESPACE, f"{identifier}/criterion"))
    return [
        {
            "identifier": identifier,
            "title": title,
            "CFRubricCriteria": [
                {
                    "identifier": criterion_id,
                    "category": "proficiency",
                    "position": 1,
                    "rubricId": identifier,
                    "CFRubricCriterionLevels": [
                        {
                            "identifier": str(
                                uuid.uuid5(CAPMAP_NAMESPACE, f"{identifier}/level/{level.value}")
                            ),
                            "quality": level.label,
                            "description": level.descriptor,
                            "score": level.value,
                            "position": position,
                            "rubricCriterionId": criterion_id,
                        }
                        for position, level in enumerate(levels, start=1)
                    ],
                }
            ],
        }
    ]


# --- what the CASE 1.0 schema requires ------------------------------------------

CASE_API_PATH = "/ims/case/v1p0"
# Where the CASE 1.0 REST binding serves each kind of definition, by CFDefinitions key.
DEFINITION_PATHS = {
    "CFConcepts": "CFConcepts",
    "CFSubjects": "CFSubjects",
    "CFLicenses": "CFLicenses",
    "CFItemTypes": "CFItemTypes",
    "CFAssociationGroupings": "CFAssociationGroupings",
}


@dataclass(frozen=True)
class CaseAddresses:
    """The URIs this deployment gives CASE objects: its CASE 1.0 REST API's addresses."""

    api: str  # e.g. https://capmap.example.nhs.uk/ims/case/v1p0

    @classmethod
    def for_site(cls, base_url: str) -> CaseAddresses:
        return cls(base_url.rstrip("/") + CASE_API_PATH)

    def of(self, kind: str, identifier: str) -> str:
        return f"{self.api}/{kind}/{path_segment(identifier)}"


def path_segment(identifier: str) -> str:
    """An identifier as a path segment (CASE identifiers are UUIDs; others are escaped)."""
    return quote(identifier, safe="")


def complete_for_schema(
    data: dict[str, Any], *, addresses: CaseAddresses, changed: str
) -> dict[str, Any]:
    """The package with the `uri` and `lastChangeDateTime` the CASE 1.0 schema requires,
    wherever it lacks them; what was received is never overwritten.

    Node references (originNodeURI, destinationNodeURI, CFDocumentURI) get the URI of the
    item or document they name, or this deployment's address for an identifier outside
    the package. `changed` is an ISO 8601 time, used where a time is missing.
    """
    result = dict(data)
    document = dict(result.get("CFDocument") or {})
    _fill(document, addresses.of("CFDocuments", str(document.get("identifier", ""))), changed)
    result["CFDocument"] = document
    uris: dict[str, tuple[str, str]] = {
        str(document.get("identifier")): (document["uri"], str(document.get("title") or ""))
    }

    items = []
    for raw in result.get("CFItems") or []:
        item = dict(raw) if isinstance(raw, dict) else raw
        if isinstance(item, dict):
            identifier = str(item.get("identifier", ""))
            _fill(item, addresses.of("CFItems", identifier), changed)
            title = item.get("humanCodingScheme") or item.get("fullStatement") or identifier
            uris[identifier] = (item["uri"], str(title))
        items.append(item)
    if "CFItems" in result:
        result["CFItems"] = items

    def reference(value: Any) -> Any:
        if not isinstance(value, dict) or not isinstance(value.get("identifier"), str):
            return value
        filled = dict(value)
        known_uri, known_title = uris.get(
            filled["identifier"], (addresses.of("CFItems", filled["identifier"]), "")
        )
        filled.setdefault("uri", known_uri)
        if not isinstance(filled.get("title"), str):
            filled["title"] = known_title or filled["identifier"]
        return filled

    associations = []
    for raw in result.get("CFAssociations") or []:
        association = dict(raw) if isinstance(raw, dict) else raw
        if isinstance(association, dict):
            identifier = str(association.get("identifier", ""))
            _fill(association, addresses.of("CFAssociations", identifier), changed)
            for key in ("originNodeURI", "destinationNodeURI", "CFDocumentURI"):
                if key in association:
                    association[key] = reference(association[key])
            whole = _whole_number(association.get("sequenceNumber"))
            if whole is not None:  # some tools write "2" or 2.0; CASE 1.0 says integer
                association["sequenceNumber"] = whole
        associations.append(association)
    if "CFAssociations" in result:
        result["CFAssociations"] = associations

    if isinstance(result.get("CFDefinitions"), dict):
        definitions = dict(result["CFDefinitions"])
        for key, kind in DEFINITION_PATHS.items():
            if isinstance(definitions.get(key), list):
                definitions[key] = [
                    _filled(entry, lambda e, kind=kind: addresses.of(kind, e), changed)
                    for entry in definitions[key]
                ]
        result["CFDefinitions"] = definitions

    if isinstance(result.get("CFRubrics"), list):
        result["CFRubrics"] = [_rubric(r, addresses, changed) for r in result["CFRubrics"]]
    return result


def _whole_number(value: Any) -> int | None:
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if _is_number(value) and float(value).is_integer():
        return int(value)
    return None


# Optional fields CASE 1.0 allows to be null; any other null (some tools write
# "description": null) means the field is absent, and goes out absent.
NULLABLE = frozenset({"statusStartDate", "statusEndDate", "licenseURI", "CFAssociationGroupingURI"})


def _fill(entry: dict[str, Any], uri: str, changed: str) -> None:
    for key in [k for k, v in entry.items() if v is None and k not in NULLABLE]:
        del entry[key]
    if not isinstance(entry.get("uri"), str) or not entry["uri"]:
        entry["uri"] = uri
    if not isinstance(entry.get("lastChangeDateTime"), str) or not entry["lastChangeDateTime"]:
        entry["lastChangeDateTime"] = changed


def _filled(entry: Any, uri_of: Any, changed: str) -> Any:
    if not isinstance(entry, dict):
        return entry
    filled = dict(entry)
    _fill(filled, uri_of(str(filled.get("identifier", ""))), changed)
    return filled


def _rubric(rubric: Any, addresses: CaseAddresses, changed: str) -> Any:
    """A rubric and its criteria and levels; the parts are addressed within their rubric."""
    if not isinstance(rubric, dict):
        return rubric
    filled = dict(rubric)
    _fill(filled, addresses.of("CFRubrics", str(filled.get("identifier", ""))), changed)
    whole = filled["uri"]
    criteria = []
    for criterion in filled.get("CFRubricCriteria") or []:
        criterion = _filled(criterion, lambda i: f"{whole}#{path_segment(i)}", changed)
        if isinstance(criterion, dict) and isinstance(
            criterion.get("CFRubricCriterionLevels"), list
        ):
            criterion["CFRubricCriterionLevels"] = [
                _filled(level, lambda i: f"{whole}#{path_segment(i)}", changed)
                for level in criterion["CFRubricCriterionLevels"]
            ]
        criteria.append(criterion)
    if "CFRubricCriteria" in filled:
        filled["CFRubricCriteria"] = criteria
    return filled


def dump_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
