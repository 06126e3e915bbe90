"""State changes for staff records and job roles: permission-checked, audited, atomic."""

from dataclasses import dataclass
from datetime import date

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify

from capmap.core.actors import require_actor, set_actor
from capmap.core.audit import AuditBatch, snapshot
from capmap.core.bulk import (
    Send,
    analyze_when_grown,
    create_objects,
    delete_rows,
    give_keys,
    insert_rows,
    update_rows,
    writing_alongside,
)
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.core.importing import (
    CREATE,
    UPDATE,
    ImportRejected,
    PlannedRow,
    fetch_in_chunks,
)
from capmap.core.many_objects import many_objects
from capmap.core.tabular import Row
from capmap.organisations.models import Organisation

from . import importing, policy, selectors
from .models import JobRole, Person, Supervision, SupervisionKind
from .registration import check_registration_is_free
from .values import PersonDetails

_UNCHANGED = object()


def _check_where(actor, details: PersonDetails) -> None:
    if not policy.allows(actor, policy.MANAGE_PEOPLE, details.employer):
        raise ValidationError({"employer": "Choose an organisation where you manage staff."})
    for site in details.sites:
        if not policy.allows(actor, policy.MANAGE_PEOPLE, site):
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
    linked = Person.objects.filter(user=user)
    if person is not None:
        linked = linked.exclude(pk=person.pk)
    if linked.exists():
        raise ValidationError(
            {"user_email": "This account is already linked to another staff record."}
        )
    return user


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
    if details.fte is not None:
        person.fte = details.fte
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
    check_registration_is_free(
        body=details.registration_body,
        number=details.registration_number,
        employer=details.employer,
        person=None,
    )
    user = _linked_user(actor, details, None)
    with set_actor(actor):
        return _write(Person(), details, None if user is _UNCHANGED else user)


@transaction.atomic
def update_person(*, actor, person: Person, details: PersonDetails) -> Person:
    if not policy.allows(actor, policy.CHANGE_PERSON, person):
        raise NotPermitted("You cannot change this staff record.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    _check_where(actor, details)
    check_registration_is_free(
        body=details.registration_body,
        number=details.registration_number,
        employer=details.employer,
        person=person,
    )
    user = _linked_user(actor, details, person)
    with set_actor(actor):
        return _write(person, details, user)


@transaction.atomic
def end_employment(*, actor, person: Person, end_date) -> Person:
    if not policy.allows(actor, policy.CHANGE_PERSON, person):
        raise NotPermitted("You cannot change this staff record.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.end_date = end_date
    person.full_clean()
    with set_actor(actor):
        person.save(update_fields=["end_date", "updated_at"])
    return person


@transaction.atomic
def delete_person(*, actor, person: Person) -> None:
    if not policy.allows(actor, policy.CHANGE_PERSON, person):
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
    permitted = lead_checked or policy.allows(actor, policy.CHANGE_PERSON, person)
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
    if not policy.allows(actor, policy.CHANGE_PERSON, supervision.person):
        raise NotPermitted("You cannot change this person's supervisors.")
    if ends_on < supervision.starts_on:
        raise DomainError("The end date must be on or after the start date.")
    with set_actor(actor):
        supervision.ends_on = ends_on
        supervision.save(update_fields=["ends_on", "updated_at"])
    return supervision


def may_add_job_roles(actor) -> bool:
    """Job roles are shared by every organisation: only admins add them."""
    return actor.is_superuser or policy.allows_anywhere(actor, policy.MANAGE_ORGANISATIONS)


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
    rows: list[Row],
    organisation: Organisation | None = None,
    dry_run: bool = False,
) -> importing.ImportPlan:
    """Import every row or none: raises ImportRejected when any row has a problem.

    The system (the server's operator at the command line) may import anywhere.
    """
    require_actor(actor)
    if not policy.allows_anywhere(actor, policy.MANAGE_PEOPLE):
        raise NotPermitted("You cannot import staff.")
    if organisation is not None and not policy.allows(actor, policy.MANAGE_PEOPLE, organisation):
        raise NotPermitted(f"You cannot import staff into {organisation}.")
    with many_objects():
        plan = importing.plan_import(actor=actor, rows=rows, default_organisation=organisation)
        if plan.errors:
            raise ImportRejected(plan)
        if dry_run:
            return plan
        with set_actor(actor):
            _write_in_bulk(plan)
    return plan


# The fields a staff import sets; `sites` is written through its own table.
IMPORTED_FIELDS = [name for name in importing.FIELD_LABELS if name != "sites"]
# Audit entries saved at a time: one slice goes to the database while the next is made.
AUDIT_SLICE = 10_000


def _write_in_bulk(plan: importing.ImportPlan) -> None:
    """Store a checked plan: new people and changed fields in a few bulk statements, each
    change audited as a save would be (capmap.core.audit), all in one transaction. On
    PostgreSQL the statements go through a thread alongside (capmap.core.bulk), so the
    database stores the people and each slice of audit entries while the next is made."""
    creates = [planned for planned in plan.rows if planned.action == CREATE]
    updates = [planned for planned in plan.rows if planned.action == UPDATE]
    now = timezone.now()
    Link = Person.sites.through
    with transaction.atomic():
        # Everything read is read before the writing starts.
        audit = AuditBatch(Person)
        people = [_person(Person(created_at=now), planned.details, now) for planned in creates]
        give_keys(Person, people)
        moves = _site_moves(updates)
        with writing_alongside(checking=[Person, Link, LogEntry]) as send:
            create_objects(Person, people, send=send)
            new_links = []
            for person, planned in zip(people, creates, strict=True):
                planned.existing = person
                audit.created(person)
                sites = sorted(planned.details.sites, key=_site_order)
                audit.m2m(person, "sites", "add", sites)
                new_links += [
                    {"person_id": person.pk, "organisation_id": site.pk} for site in sites
                ]
                if len(audit) >= AUDIT_SLICE:
                    audit.save(send=send)
            changed = []
            for planned in updates:
                before = snapshot(planned.existing)
                changed.append(_person(planned.existing, planned.details, now))
                audit.updated(before, planned.existing)
            update_rows(Person, changed, [*IMPORTED_FIELDS, "updated_at"], send=send)
            new_links += _relink_sites(moves, audit, send)
            insert_rows(Link, new_links, send=send)
            audit.save(send=send)
        analyze_when_grown(Person, len(people))
        analyze_when_grown(Link, len(new_links))


def _person(person: Person, details: PersonDetails, now) -> Person:
    for name in IMPORTED_FIELDS:
        value = getattr(details, name)
        if name != "fte" or value is not None:  # an empty FTE cell keeps the record's
            setattr(person, name, value)
    person.updated_at = now
    return person


def _site_order(site: Organisation) -> tuple[str, int]:
    # The order auditlog lists related objects in: the related model's ordering (name).
    return (site.name, site.pk)


@dataclass
class _SiteMove:
    person: Person
    now_at: dict[int, int]  # organisation id: id of the link to it
    wanted: dict[int, Organisation]
    leaving: list[Organisation]


def _site_moves(updates: list[PlannedRow]) -> list[_SiteMove]:
    """The sites each updated person is at and will be at: read in a few queries."""
    links = importing.site_links(planned.existing.pk for planned in updates)
    moves = []
    for planned in updates:
        now_at = links.get(planned.existing.pk, {})
        wanted = {site.pk: site for site in planned.details.sites}
        moves.append(_SiteMove(planned.existing, now_at, wanted, []))
    left = {pk for move in moves for pk in move.now_at if pk not in move.wanted}
    left_sites = {org.pk: org for org in fetch_in_chunks(Organisation.objects.all(), "pk", left)}
    for move in moves:
        move.leaving = [left_sites[pk] for pk in move.now_at if pk not in move.wanted]
    return moves


def _relink_sites(moves: list[_SiteMove], audit: AuditBatch, send: Send | None) -> list:
    """Unlink the sites updated people leave and return the links to the sites they join;
    audited as `person.sites.set()` is (removals first)."""
    unlinked: list[int] = []
    joins = []
    for move in moves:
        joining = [site for pk, site in move.wanted.items() if pk not in move.now_at]
        unlinked += [move.now_at[site.pk] for site in move.leaving]
        audit.m2m(move.person, "sites", "delete", sorted(move.leaving, key=_site_order))
        audit.m2m(move.person, "sites", "add", sorted(joining, key=_site_order))
        joins += [{"person_id": move.person.pk, "organisation_id": site.pk} for site in joining]
    delete_rows(Person.sites.through, unlinked, send=send)
    return joins
