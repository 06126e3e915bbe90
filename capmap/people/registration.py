"""Professional registration numbers are unique within a top-level organisation (an ICS).

See docs/adr/0007-registration-number-uniqueness.md: a number held in another ICS is
not looked at, so nothing a manager does can tell them it exists elsewhere.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from capmap.core.importing import fetch_in_chunks
from capmap.organisations.models import Organisation

from .models import Person
from .validators import normalise_registration_number


class TopLevel:
    """Finds the top-level organisation (tree root) of any organisation, from one query."""

    def __init__(self) -> None:
        self.roots = list(Organisation.objects.filter(parent__isnull=True))
        self._found: dict[str, Organisation | None] = {}

    def of(self, organisation: Organisation) -> Organisation | None:
        # Remembered by path: an import asks this once a row about a few organisations.
        if organisation.path not in self._found:
            self._found[organisation.path] = next(
                (root for root in self.roots if organisation.is_within(root)), None
            )
        return self._found[organisation.path]


def holders(
    numbers: Iterable[tuple[str, str]], top_level: TopLevel | None = None
) -> dict[tuple[int | None, str, str], Person]:
    """People holding these (body, number) registrations, keyed by (top-level id, body,
    number); looked up in chunks, so a file of thousands of rows stays a few queries."""
    wanted = {(body, number) for body, number in numbers if number}
    top_level = top_level or TopLevel()
    found: dict[tuple[int | None, str, str], Person] = {}
    people = fetch_in_chunks(
        Person.objects.select_related("employer"),
        "registration_number",
        {number for _, number in wanted},
    )
    for person in people:
        key = (person.registration_body, person.registration_number)
        if key in wanted:
            root = top_level.of(person.employer)
            found[(root.pk if root else None, *key)] = person
    return found


def check_registration_is_free(
    *, body: str, number: str, employer: Organisation, person: Person | None
) -> None:
    """Another staff record in this ICS already has this registration number."""
    number = normalise_registration_number(number)
    if not number:
        return
    root = TopLevel().of(employer)
    others = Person.objects.filter(registration_body=body, registration_number=number)
    if root is not None:
        others = others.filter(employer__path__startswith=root.path)
    if person is not None:
        others = others.exclude(pk=person.pk)
    if others.exists():
        raise ValidationError(
            {
                "registration_number": "Another staff record in this integrated care system "
                f"already has {body} registration number {number}. "
                "Check the number, or find and change that record."
            }
        )
