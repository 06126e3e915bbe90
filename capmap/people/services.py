"""State changes for staff records and job roles: permission-checked, audited, atomic."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify

from capmap.core.actors import is_system, require_actor, set_actor
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.organisations import scoping
from capmap.organisations.models import Organisation

from . import access, importing, selectors
from .models import JobRole, Person, Supervision, SupervisionKind
from .validators import normalise_registration_number
from .values import PersonDetails

_UNCHANGED = object()


class StaffImportRejected(DomainError):
    """The import has rows that cannot be imported; nothing was stored."""

    def __init__(self, plan: importing.ImportPlan):
        super().__init__(f"{len(plan.errors)} problems in the file: nothing was imported.")
        self.plan = plan


def _check_where(actor, details: PersonDetails) -> None:
    if not scoping.can(actor, scoping.MANAGE_PEOPLE, details.employer):
        raise ValidationError({"employer": "Choose an organisation where you manage staff."})
    for site in details.sites:
        if not scoping.can(actor, scoping.MANAGE_PEOPLE, site):
            raise ValidationError({"sites": "Choose sites where you manage staff."})


def _linked_user(actor, details: PersonDetails, person: Person | None):
    if details.user_email is None:
        return _UNCHANGED
    if not details.user_email.strip():
        return None
    user = selectors.linkable_user(actor, details.user_email)
    if user is None:
        raise ValidationError(
            {
                "user_email": "No one with this e-mail address has an account in your "
                "organisations. Check the address, or leave it empty."
            }
        )
    linked = Person.objects.filter(user=user).exclude(pk=person.pk if person else None)
    if linked.exists():
        raise ValidationError(
            {"user_email": "This account is already linked to another staff record."}
        )
    return user


def _check_registration_is_free(details: PersonDetails, person: Person | None) -> None:
    number = normalise_registration_number(details.registration_number)
    if not number:
        return
    others = Person.objects.filter(
        registration_body=details.registration_body, registration_number=number
    ).exclude(pk=person.pk if person else None)
    if others.exists():
        raise ValidationError(
            {
                "registration_number": "Another staff record already has "
                f"{details.registration_body} registration number {number}. "
                "Check the number, or find and change that record."
            }
        )


def _write(person: Person, details: PersonDetails, user=_UNCHANGED) -> Person:
    """Copy the details onto the person, validate and save (inside the caller's audit)."""
    for name in (
        "first_name",
        "last_name",
        "email",
        "job_role",
        "stage",
        "registration_body",
        "registration_number",
        "afc_band",
        "employer",
        "start_date",
        "end_date",
    ):
        value = getattr(details, name)
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    if user is not _UNCHANGED:
        person.user = user
    person.full_clean()
    person.save()
    if {s.pk for s in person.sites.all()} != {s.pk for s in details.sites}:
        person.sites.set(details.sites)
    return person


@transaction.atomic
def create_person(*, actor, details: PersonDetails) -> Person:
    _check_where(actor, details)
    _check_registration_is_free(details, None)
    user = _linked_user(actor, details, None)
    with set_actor(actor):
        return _write(Person(), details, None if user is _UNCHANGED else user)


@transaction.atomic
def update_person(*, actor, person: Person, details: PersonDetails) -> Person:
    if not access.can_manage_person(actor, person):
        raise NotPermitted("You cannot change this staff record.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    _check_where(actor, details)
    _check_registration_is_free(details, person)
    user = _linked_user(actor, details, person)
    with set_actor(actor):
        return _write(person, details, user)


@transaction.atomic
def end_employment(*, actor, person: Person, end_date) -> Person:
    if not access.can_manage_person(actor, person):
        raise NotPermitted("You cannot change this staff record.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.end_date = end_date
    person.full_clean()
    with set_actor(actor):
        person.save(update_fields=["end_date", "updated_at"])
    return person


@transaction.atomic
def delete_person(*, actor, person: Person) -> None:
    if not access.can_manage_person(actor, person):
        raise NotPermitted("You cannot delete this staff record.")
    try:
        with set_actor(actor):
            person.delete()
    except ProtectedError:
        raise DomainError(
            "Records elsewhere in Capmap depend on this person. "
            "End their employment instead, so their history is kept."
        ) from None


@transaction.atomic
def start_supervision(
    *,
    actor,
    person: Person,
    supervisor,
    kind: str,
    starts_on: date,
    ends_on: date | None = None,
    lead_checked: bool = False,
) -> Supervision:
    """Give a supervisor or mentor (from any organisation) access to one person for the
    dates of the relationship.

    The actor must manage the person's staff record (or be the system, loading the
    demo or data). A service that has already checked
    the actor's own right to pair them (a programme lead confirming a placement
    allocation) says so with `lead_checked`.
    """
    require_actor(actor)
    permitted = lead_checked or is_system(actor) or access.can_manage_person(actor, person)
    if not permitted:
        raise NotPermitted("You cannot assign supervisors to this person.")
    if kind not in SupervisionKind.values:
        raise DomainError("Choose supervisor or mentor.")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError("The end date must be on or after the start date.")
    if person.user_id is not None and supervisor.pk == person.user_id:
        raise DomainError("A person cannot supervise themselves.")
    with set_actor(actor):
        return Supervision.objects.create(
            person=person, supervisor=supervisor, kind=kind, starts_on=starts_on, ends_on=ends_on
        )


@transaction.atomic
def end_supervision(*, actor, supervision: Supervision, ends_on: date) -> Supervision:
    """End the relationship on a day: the supervisor's access ends after it."""
    supervision = (
        Supervision.objects.select_for_update()
        .select_related("person__employer")
        .get(pk=supervision.pk)
    )
    require_actor(actor)
    if not is_system(actor) and not access.can_manage_person(actor, supervision.person):
        raise NotPermitted("You cannot change this person's supervisors.")
    if ends_on < supervision.starts_on:
        raise DomainError("The end date must be on or after the start date.")
    with set_actor(actor):
        supervision.ends_on = ends_on
        supervision.save(update_fields=["ends_on", "updated_at"])
    return supervision


def may_add_job_roles(actor) -> bool:
    """Job roles are shared by every organisation: only admins add them."""
    return actor.is_superuser or scoping.can_anywhere(actor, scoping.MANAGE_ORGANISATIONS)


@transaction.atomic
def create_job_role(
    *, actor, name: str, staff_group: str, arrs: bool = False, registration_body: str = ""
) -> JobRole:
    if not may_add_job_roles(actor):
        raise NotPermitted("Only an organisation admin can add job roles.")
    name = " ".join(name.split())
    slug = slugify(name)
    if (
        JobRole.objects.filter(name__iexact=name).exists()
        or JobRole.objects.filter(slug=slug).exists()
    ):
        raise ValidationError({"name": f"There is already a job role called {name}."})
    role = JobRole(
        name=name,
        slug=slug,
        staff_group=staff_group,
        arrs=arrs,
        registration_body=registration_body,
    )
    role.full_clean()
    with set_actor(actor):
        role.save()
    return role


@transaction.atomic
def import_staff(
    *,
    actor,
    rows: list[dict],
    organisation: Organisation | None = None,
    dry_run: bool = False,
) -> importing.ImportPlan:
    """Import every row or none: raises StaffImportRejected when any row has a problem.

    The system (the server's operator at the command line) may import anywhere.
    """
    require_actor(actor)
    if not is_system(actor):
        if not scoping.can_anywhere(actor, scoping.MANAGE_PEOPLE):
            raise NotPermitted("You cannot import staff.")
        if organisation is not None and not scoping.can(actor, scoping.MANAGE_PEOPLE, organisation):
            raise NotPermitted(f"You cannot import staff into {organisation}.")
    plan = importing.plan_import(actor=actor, rows=rows, default_organisation=organisation)
    if plan.errors:
        raise StaffImportRejected(plan)
    if dry_run:
        return plan
    with set_actor(actor):
        for planned in plan.rows:
            if planned.action == "create":
                planned.person = _write(Person(), planned.details)
            elif planned.action == "update":
                _write(planned.person, planned.details)
    return plan
