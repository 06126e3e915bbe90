"""Which rows of each kind in the personal-data map belong to one person.

Rows *about* the person follow each kind's subject lookup; rows *by* them follow its actor
fields. The audit trail is found from the rows: entries about any of them, and entries
the person's account made.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from capmap.people.models import Person

from .datamap import KINDS, DataKind, subject_target

AUDIT = "auditlog.LogEntry"


@dataclass
class PersonRows:
    """Primary keys of the person's rows, kind by kind."""

    person: Person
    about: dict[str, list] = field(default_factory=dict)
    by: dict[str, list] = field(default_factory=dict)

    def count(self) -> int:
        return sum(len(v) for v in self.about.values()) + sum(len(v) for v in self.by.values())


def subject_q(kind: DataKind, person: Person) -> Q | None:
    """Rows of this kind about the person; None when there are none to find."""
    if not kind.subject:
        return None
    target = subject_target(kind)
    value: Model | None = person if target is Person else person.user
    if value is None:
        return None
    if kind.subject == "pk":
        return Q(pk=value.pk)
    return Q(**{kind.subject: value})


def actor_q(kind: DataKind, person: Person) -> Q | None:
    if not kind.actors or person.user_id is None:
        return None
    return reduce(or_, (Q(**{name: person.user_id}) for name in kind.actors))


def about(kind: DataKind, person: Person) -> QuerySet:
    q = subject_q(kind, person)
    manager = kind.model_class._base_manager
    return manager.filter(q) if q is not None else manager.none()


def by(kind: DataKind, person: Person) -> QuerySet:
    """Rows the person acted on that are not about them (someone else's record)."""
    q = actor_q(kind, person)
    manager = kind.model_class._base_manager
    if q is None:
        return manager.none()
    rows = manager.filter(q)
    own = subject_q(kind, person)
    return rows.exclude(own) if own is not None else rows


def audit_about(rows: dict[str, list]) -> QuerySet:
    """Audit entries about any of these rows ({"app.Model": [pk...]})."""
    q = Q(pk__in=[])
    for label, pks in rows.items():
        if label == AUDIT or not pks:
            continue
        app_label, model_name = label.split(".")
        content_type = ContentType.objects.get_by_natural_key(app_label, model_name.lower())
        for start in range(0, len(pks), 500):
            chunk = [str(pk) for pk in pks[start : start + 500]]
            q |= Q(content_type=content_type, object_pk__in=chunk)
    return LogEntry.objects.filter(q)


def rows_of(person: Person) -> PersonRows:
    found = PersonRows(person=person)
    for kind in KINDS:
        if kind.model == AUDIT:
            continue
        found.about[kind.model] = list(about(kind, person).values_list("pk", flat=True))
        found.by[kind.model] = list(by(kind, person).values_list("pk", flat=True))
    # Entries about their rows and about rows they acted on (which may name them).
    touched = {label: found.about[label] + found.by[label] for label in found.about}
    entries = audit_about(touched)
    found.about[AUDIT] = list(entries.values_list("pk", flat=True))
    if person.user_id is not None:
        found.by[AUDIT] = list(
            LogEntry.objects.filter(actor_id=person.user_id)
            .exclude(pk__in=found.about[AUDIT])
            .values_list("pk", flat=True)
        )
    else:
        found.by[AUDIT] = []
    return found


def group_by_model(rows: dict[str, list]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for label, pks in rows.items():
        counts[label] += len(pks)
    return dict(counts)
