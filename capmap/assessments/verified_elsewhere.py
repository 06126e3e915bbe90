"""Levels verified elsewhere, given and withdrawn for many people at once: what
`services.record_verified_elsewhere` and `services.withdraw_verified_level` do for one,
in a few queries whatever the number of people (an organisation recognising, or no longer
recognising, an issuer whose credentials hundreds of its people hold).

Each works through its list in order, as the one-at-a-time services called in that order
would, so the outcome is the same row for row. Rows are written in bulk, which sends no
post_save signal: each writes its audit entries itself (capmap.core.audit) and sends
`levels_recorded_in_bulk` with the new events, in order, before the current levels change,
where post_save would have reached its receivers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.dispatch import Signal
from django.utils import timezone

from capmap.core.actors import is_system, set_actor, user_or_none
from capmap.core.audit import AuditBatch, snapshot
from capmap.core.bulk import delete_rows, update_rows
from capmap.core.exceptions import NotPermitted
from capmap.people import policy
from capmap.people.models import Person

from .models import CapabilityEvent, CurrentCapability

# Sent with `events`, a list of new CapabilityEvents in the order they were made, while
# CurrentCapability still shows the levels before them (as at post_save of each).
levels_recorded_in_bulk = Signal()

Pair = tuple[int, int]  # (person id, competency id)


@dataclass(frozen=True)
class LevelFromElsewhere:
    """A level another issuer verified, to give a person (an accepted credential)."""

    person: Person
    competency_id: int
    level: int
    issuer: str


def _check_may_change(actor: Any, person_ids: set[int]) -> None:
    if is_system(actor) or not person_ids:
        return
    allowed = set(
        policy.filter_allowed(
            actor, policy.CHANGE_PERSON, Person.objects.filter(pk__in=person_ids)
        ).values_list("pk", flat=True)
    )
    if allowed != person_ids:
        raise NotPermitted("Only a manager of the person can change their verified levels.")


def _lock_people(person_ids: set[int]) -> None:
    list(Person.objects.select_for_update().filter(pk__in=person_ids).values_list("pk"))


def _current_levels(pairs: set[Pair]) -> dict[Pair, CurrentCapability]:
    if not pairs:
        return {}
    rows = CurrentCapability.objects.filter(
        person_id__in={p for p, _ in pairs}, competency_id__in={c for _, c in pairs}
    ).select_related("person__employer")
    return {(row.person_id, row.competency_id): row for row in rows}


class _LevelWrites:
    """The current levels of some (person, competency) pairs, changed in memory in order
    and then written: new rows created, changed rows updated, removed rows deleted, each
    audited as auditlog audits one save or delete."""

    def __init__(self, current: dict[Pair, CurrentCapability]) -> None:
        self.current = current
        self._before: dict[Pair, Any] = {pair: snapshot(row) for pair, row in current.items()}

    def level(self, pair: Pair) -> int | None:
        row = self.current.get(pair)
        return None if row is None else row.level

    def set(self, pair: Pair, event: CapabilityEvent) -> None:
        row = self.current.get(pair)
        if row is None:
            row = CurrentCapability(person=event.person, competency_id=pair[1])
            self.current[pair] = row
        row.level, row.signed_by_id, row.signed_at = (
            event.level,
            event.signed_by_id,
            event.valid_from,
        )
        row.event = event

    def remove(self, pair: Pair) -> None:
        self.current.pop(pair, None)

    def write(self, audit: AuditBatch) -> None:
        new = [row for pair, row in self.current.items() if pair not in self._before]
        changed = [row for pair, row in self.current.items() if pair in self._before]
        gone = [row for pair, row in self._before.items() if pair not in self.current]
        for row in new + changed:
            row.event_id = row.event.pk  # the event was saved after it was set here
        CurrentCapability.objects.bulk_create(new)
        for row in new:
            audit.created(row)
        fields = ["level", "signed_by", "signed_at", "event"]
        update_rows(CurrentCapability, changed, fields)
        for row in changed:
            audit.updated(self._before[(row.person_id, row.competency_id)], row)
        # Nothing refers to a current level: removed without the per-row signals of delete().
        delete_rows(CurrentCapability, [row.pk for row in gone])
        for row in gone:
            audit.deleted(row)


def _made(events: list[CapabilityEvent], audit: AuditBatch) -> list[CapabilityEvent]:
    CapabilityEvent.objects.bulk_create(events)
    for event in events:
        audit.created(event)
    return events


@transaction.atomic
def record_levels_verified_elsewhere(
    *, actor: Any, levels: Sequence[LevelFromElsewhere]
) -> list[CapabilityEvent | None]:
    """`record_verified_elsewhere` for each level in order: its new event, or None where
    the person already holds that level or higher (never lowered)."""
    person_ids = {given.person.pk for given in levels}
    _check_may_change(actor, person_ids)
    _lock_people(person_ids)
    writes = _LevelWrites(_current_levels({(g.person.pk, g.competency_id) for g in levels}))
    now, signer = timezone.now(), user_or_none(actor)
    outcome: list[CapabilityEvent | None] = []
    new: list[CapabilityEvent] = []
    for given in levels:
        pair = (given.person.pk, given.competency_id)
        held = writes.level(pair)
        if held is not None and held >= given.level:
            outcome.append(None)
            continue
        event = CapabilityEvent(
            person=given.person,
            competency_id=given.competency_id,
            level=given.level,
            valid_from=now,
            signed_by=signer,
            verified_elsewhere_by=given.issuer,
        )
        writes.set(pair, event)
        new.append(event)
        outcome.append(event)
    _write(actor, new, writes)
    return outcome


def _write(actor: Any, events: list[CapabilityEvent], writes: _LevelWrites) -> None:
    audit = AuditBatch()
    with set_actor(actor):
        _made(events, audit)
        levels_recorded_in_bulk.send(sender=CapabilityEvent, events=events)
        writes.write(audit)
        audit.save()


def _histories(pairs: set[Pair]) -> dict[Pair, list[tuple[Any, int, int, bool]]]:
    """Every event of these pairs: (valid_from, pk, level, withdrawn already)."""
    rows = (
        CapabilityEvent.objects.filter(
            person_id__in={p for p, _ in pairs}, competency_id__in={c for _, c in pairs}
        )
        .annotate(withdrawn=Exists(CapabilityEvent.objects.filter(withdraws=OuterRef("pk"))))
        .values_list("person_id", "competency_id", "valid_from", "pk", "level", "withdrawn")
    )
    found: dict[Pair, list[tuple[Any, int, int, bool]]] = {}
    for person_id, competency_id, valid_from, pk, level, withdrawn in rows:
        if (person_id, competency_id) in pairs:
            found.setdefault((person_id, competency_id), []).append(
                (valid_from, pk, level, withdrawn)
            )
    return found


@transaction.atomic
def withdraw_verified_levels(
    *, actor: Any, events: Sequence[CapabilityEvent]
) -> list[CapabilityEvent | None]:
    """`withdraw_verified_level` for each event in order: the withdrawal, or None where a
    later sign-off has already replaced the level."""
    person_ids = {event.person_id for event in events}
    _check_may_change(actor, person_ids)
    _lock_people(person_ids)
    pairs = {(event.person_id, event.competency_id) for event in events}
    writes = _LevelWrites(_current_levels(pairs))
    histories = _histories(pairs)
    withdrawn: set[int] = set()
    now, user = timezone.now(), user_or_none(actor)
    outcome: list[CapabilityEvent | None] = []
    new: list[CapabilityEvent] = []
    for event in events:
        pair = (event.person_id, event.competency_id)
        row = writes.current.get(pair)
        if row is None or row.event_id != event.pk:
            outcome.append(None)
            continue
        earlier = [
            (valid_from, pk, level)
            for valid_from, pk, level, was_withdrawn in histories.get(pair, [])
            if (valid_from, pk) < (event.valid_from, event.pk)
            and not was_withdrawn
            and pk not in withdrawn
        ]
        before = max(earlier, default=None)
        # The system has no user row; a withdrawal it makes is signed as the level it takes back.
        withdrawal = CapabilityEvent(
            person_id=event.person_id,
            competency_id=event.competency_id,
            level=before[2] if before else 0,  # 0: no verified level
            valid_from=now,
            signed_by_id=user.pk if user else event.signed_by_id,
            withdraws=event,
        )
        withdrawal.person = row.person
        withdrawn.add(event.pk)
        if before is None or before[2] == 0:
            writes.remove(pair)
        else:
            writes.set(pair, withdrawal)
        new.append(withdrawal)
        outcome.append(withdrawal)
    _write(actor, new, writes)
    return outcome
