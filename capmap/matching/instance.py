"""The allocation instance: reading and checking it, and the integer-indexed form the solvers use.

An instance is applicants with ranked preferences over placements, and placements with a
capacity and a ranked priority over the applicants they accept. A pair (applicant,
placement) is *eligible* when the placement is in the applicant's preferences and the
applicant is in the placement's priority; no algorithm ever places anyone elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import Any

import numpy as np


class InvalidInstance(ValueError):
    """The instance is malformed; the message names the offending entry."""


@dataclass(frozen=True)
class EligibleChoices:
    """Every eligible pair, grouped by applicant and in their preference order, as flat arrays.

    Applicant ``a``'s eligible pairs are ``start[a]:start[a + 1]``. For pair ``e``,
    ``placement[e]`` is the placement index, ``choice[e]`` the 0-based position of that
    placement in the applicant's preferences (0 = first choice) and ``priority[e]`` the
    0-based position of the applicant in the placement's priority (0 = its favourite).
    """

    start: np.ndarray
    placement: np.ndarray
    choice: np.ndarray
    priority: np.ndarray

    def placements_of(self, applicant: int) -> list[int]:
        return self.placement[self.start[applicant] : self.start[applicant + 1]].tolist()


@dataclass(frozen=True)
class Instance:
    """A checked instance, with ids replaced by indices into ``applicant_ids``/``placement_ids``."""

    applicant_ids: tuple[str, ...]
    placement_ids: tuple[str, ...]
    preferences: tuple[tuple[int, ...], ...]  # per applicant: placement indices, best first
    capacities: tuple[int, ...]  # per placement
    priorities: tuple[tuple[int, ...], ...]  # per placement: applicant indices, best first

    @cached_property
    def eligible(self) -> EligibleChoices:
        """The eligible pairs, computed once (every solver starts from them).

        Vectorised: each (applicant, placement) pair becomes one integer key, and the
        preference pairs are looked up among the sorted priority pairs.
        """
        n_placements = len(self.placement_ids)
        pref_applicant, pref_placement, pref_choice = _flatten(self.preferences)
        prio_placement, prio_applicant, prio_position = _flatten(self.priorities)
        pref_key = pref_applicant * n_placements + pref_placement
        prio_key = prio_applicant * n_placements + prio_placement
        order = np.argsort(prio_key)  # keys are unique: no need for a stable sort
        sorted_keys = prio_key[order]
        found = np.searchsorted(sorted_keys, pref_key)
        found_clipped = np.minimum(found, max(len(sorted_keys) - 1, 0))
        if len(sorted_keys):
            eligible = sorted_keys[found_clipped] == pref_key
        else:
            eligible = np.zeros(len(pref_key), dtype=bool)
        counts = np.bincount(pref_applicant[eligible], minlength=len(self.applicant_ids))
        start = np.zeros(len(self.applicant_ids) + 1, dtype=np.int64)
        np.cumsum(counts, out=start[1:])
        return EligibleChoices(
            start=start,
            placement=pref_placement[eligible],
            choice=pref_choice[eligible],
            priority=prio_position[order[found_clipped[eligible]]],
        )

    def is_eligible(self, applicant: int, placement: int) -> bool:
        return placement in self.eligible.placements_of(applicant)


def _flatten(lists: tuple[tuple[int, ...], ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(owner, item, position) arrays for a tuple of ranked lists, in order."""
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    total = int(lengths.sum())
    owner = np.repeat(np.arange(len(lists), dtype=np.int64), lengths)
    items = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=total)
    group_start = np.repeat(np.cumsum(lengths) - lengths, lengths)
    position = np.arange(total, dtype=np.int64) - group_start
    return owner, items, position


def parse_instance(data: object) -> Instance:
    """Check a decoded JSON instance and index it; raise InvalidInstance naming the bad entry.

    Each check runs first over whole lists at C speed (json.loads gives dicts, lists, strings
    and ints); only when that finds something wrong does the entry-by-entry check run, to
    name the first offending entry in file order. Both accept exactly the same instances.
    """
    if not isinstance(data, Mapping):
        raise InvalidInstance(
            'the instance must be a JSON object with "applicants" and "placements" lists'
        )
    raw_applicants = _required_list(data, "applicants", "the instance")
    raw_placements = _required_list(data, "placements", "the instance")

    applicant_index = _ids(raw_applicants, "applicants", "applicant")
    placement_index = _ids(raw_placements, "placements", "placement")
    applicant_ids = tuple(applicant_index)
    placement_ids = tuple(placement_index)

    preferences = _ranked_lists(
        raw_applicants,
        applicant_ids,
        key="preferences",
        owner_kind="applicant",
        item="preference",
        index=placement_index,
        kind="placement",
    )
    capacities = _capacities(raw_placements, placement_ids)
    priorities = _ranked_lists(
        raw_placements,
        placement_ids,
        key="priority",
        owner_kind="placement",
        item="priority",
        index=applicant_index,
        kind="applicant",
    )
    return Instance(
        applicant_ids=applicant_ids,
        placement_ids=placement_ids,
        preferences=preferences,
        capacities=capacities,
        priorities=priorities,
    )


def _ids(entries: list[Any], section: str, kind: str) -> dict[str, int]:
    """Each entry's id and its index, in file order."""
    try:
        index = {entry["id"]: i for i, entry in enumerate(entries)}
    except (KeyError, TypeError):  # no "id", or an entry or id of the wrong type
        return _ids_one_by_one(entries, section, kind)
    # One id each, all distinct non-empty strings, from entries that are all objects.
    if (
        len(index) == len(entries)
        and set(map(type, index)) <= {str}
        and "" not in index
        and set(map(type, entries)) <= {dict}
    ):
        return index
    return _ids_one_by_one(entries, section, kind)


def _ids_one_by_one(entries: list[Any], section: str, kind: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        where = f"{section}[{i}]"
        if not isinstance(entry, Mapping):
            raise InvalidInstance(f"{where} must be an object, not {_json_type(entry)}")
        if "id" not in entry:
            raise InvalidInstance(f'{where} has no "id"')
        entry_id = entry["id"]
        if not isinstance(entry_id, str) or not entry_id:
            raise InvalidInstance(f'{where}: "id" must be a non-empty string')
        if entry_id in seen:
            raise InvalidInstance(
                f'{kind} "{entry_id}" appears twice ({section}[{seen[entry_id]}] and {where})'
            )
        seen[entry_id] = i
    return seen


def _ranked_lists(
    entries: list[Any],
    ids: tuple[str, ...],
    *,
    key: str,
    owner_kind: str,
    item: str,
    index: dict[str, int],
    kind: str,
) -> tuple[tuple[int, ...], ...]:
    """Each entry's ranked list of ids (preferences or priority) as indices into ``index``."""
    look_up = index.__getitem__
    try:
        lists = [entry[key] for entry in entries]
        if set(map(type, lists)) <= {list}:
            # The keys of index are all strings, so a value that is found is a known id
            # (a number, null, list or object raises KeyError or TypeError).
            ranked = tuple([tuple(map(look_up, values)) for values in lists])
            if list(map(len, map(set, ranked))) == list(map(len, ranked)):  # no repeats
                return ranked
    except (KeyError, TypeError):
        pass
    return tuple(
        _ranked_ids(
            entry,
            key=key,
            owner=f'{owner_kind} "{entry_id}"',
            item=item,
            index=index,
            kind=kind,
        )
        for entry_id, entry in zip(ids, entries, strict=True)
    )


def _capacities(entries: list[Any], ids: tuple[str, ...]) -> tuple[int, ...]:
    try:
        capacities = [entry["capacity"] for entry in entries]
    except KeyError:
        capacities = None
    # bool is a subclass of int, but not its type: True is refused as below.
    if (
        capacities is not None
        and set(map(type, capacities)) <= {int}
        and min(capacities, default=0) >= 0
    ):
        return tuple(capacities)
    return tuple(
        _capacity(entry, f'placement "{pid}"') for pid, entry in zip(ids, entries, strict=True)
    )


def _required_list(entry: Mapping[str, Any], key: str, owner: str) -> list[Any]:
    if key not in entry:
        raise InvalidInstance(f'{owner} has no "{key}" list')
    value = entry[key]
    if not isinstance(value, list):
        raise InvalidInstance(f'{owner}: "{key}" must be a list, not {_json_type(value)}')
    return value


def _ranked_ids(
    entry: Mapping[str, Any],
    *,
    key: str,
    owner: str,
    item: str,
    index: dict[str, int],
    kind: str,
) -> tuple[int, ...]:
    values = _required_list(entry, key, owner)
    indices: list[int] = []
    seen: set[str] = set()
    for position, value in enumerate(values, start=1):
        if not isinstance(value, str):
            raise InvalidInstance(
                f"{owner}: {item} {position} must be a {kind} id (a string),"
                f" not {_json_type(value)}"
            )
        if value in seen:
            raise InvalidInstance(f'{owner}: {item} "{value}" is listed twice')
        seen.add(value)
        found = index.get(value)
        if found is None:
            raise InvalidInstance(f'{owner}: {item} "{value}" is not a{_n(kind)} {kind}')
        indices.append(found)
    return tuple(indices)


def _capacity(entry: Mapping[str, Any], owner: str) -> int:
    if "capacity" not in entry:
        raise InvalidInstance(f'{owner} has no "capacity"')
    capacity = entry["capacity"]
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        raise InvalidInstance(f'{owner}: "capacity" must be a whole number, not {capacity!r}')
    if capacity < 0:
        raise InvalidInstance(f'{owner}: "capacity" must not be negative, not {capacity}')
    return capacity


def _n(kind: str) -> str:
    return "n" if kind[0] in "aeiou" else ""


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
