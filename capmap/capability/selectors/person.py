"""One person's circle of competence."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.utils import timezone

from capmap.assessments.models import CapabilityEvent, SelfRating
from capmap.assessments.selectors import capability_as_of
from capmap.people import policy
from capmap.people.models import Person

from .. import gaps
from .levels import CompetencyHeader, competency_headers, needs_of, top_level


@dataclass
class CompetencyLine:
    competency: CompetencyHeader
    required: int | None
    current: int | None
    essential: bool
    self_rated: int | None = None

    @property
    def shortfall(self) -> int:
        return gaps.shortfall(self.required or 0, self.current)


@dataclass
class PersonCapability:
    person: Person
    lines: list[CompetencyLine]
    top_level: int
    on: date | None = None  # None: today's verified levels

    @property
    def gaps(self) -> list[CompetencyLine]:
        short = [line for line in self.lines if line.shortfall]
        return sorted(short, key=lambda line: (not line.essential, -line.shortfall))


def person_capability(user, person: Person, *, on: date | None = None) -> PersonCapability:
    """The person's requirements and verified levels, today or at the end of `on`, with
    their latest self-ratings when the user may see their record. The caller has already
    opened `person` through `get_person`, so it is in scope."""
    people = Person.objects.filter(pk=person.pk)
    needs = {need.competency: need for need in needs_of(people)}
    own = latest_self_ratings(person) if policy.allows(user, policy.VIEW_RECORD, person) else {}
    competencies = competency_headers(needs)
    lines = [
        CompetencyLine(
            competency=c,
            required=needs[c.pk].required,
            current=needs[c.pk].current,
            essential=needs[c.pk].essential,
            self_rated=own.get(c.pk),
        )
        for c in competencies
    ]
    today = PersonCapability(person, lines, top_level({c.version_id for c in competencies}))
    return today if on is None else capability_on(today, on)


def capability_on(today: PersonCapability, on: date) -> PersonCapability:
    """The same requirements as `today`'s, with the levels verified by the end of `on`.

    The circle page compares two dates: the requirements, self-ratings and scale are
    read once, the levels at a date come from the sign-offs up to it (assessments owns
    that reading)."""
    held = capability_as_of(today.person, on)
    lines = [replace(line, current=held.get(line.competency.pk)) for line in today.lines]
    return PersonCapability(today.person, lines, today.top_level, on)


def latest_self_ratings(person: Person) -> dict[int, int]:
    """The person's own level per competency id, from the latest round they rated."""
    rows = (
        SelfRating.objects.filter(assessment__person=person)
        .order_by("rated_at", "pk")
        .values_list("competency_id", "level")
    )
    return dict(rows)


def first_verified_on(person: Person) -> date | None:
    """The day of the person's first sign-off, if any (the default 'then' of growth)."""
    first = (
        CapabilityEvent.objects.filter(person=person)
        .order_by("valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    return timezone.localdate(first) if first else None
