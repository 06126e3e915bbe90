"""Who may see, write and agree a person's development plan."""

from capmap.people.access import can_manage_person, can_view_person
from capmap.people.models import Person
from capmap.people.selectors import active_supervisions


def can_view_plan(user, person: Person) -> bool:
    return can_view_person(user, person)


def is_supervisor_of(user, person: Person) -> bool:
    return active_supervisions(user).filter(person=person).exists()


def can_write_plan(user, person: Person) -> bool:
    """The person themself, their supervisor or mentor, or a manager over them."""
    if not user.is_authenticated:
        return False
    return (
        person.user_id == user.pk
        or is_supervisor_of(user, person)
        or can_manage_person(user, person)
    )


def can_agree_plan(user, person: Person) -> bool:
    """A supervisor or a manager over the person agrees the plan; never the person alone."""
    if not user.is_authenticated or person.user_id == user.pk:
        return False
    return is_supervisor_of(user, person) or can_manage_person(user, person)
