"""State changes for organisations and memberships: permission-checked, audited, atomic."""

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction

from capmap.core.exceptions import DomainError, NotPermitted

from . import scoping
from .models import ALLOWED_PARENT_KINDS, Membership, Organisation, Role


def _check_parent(kind: str, parent: Organisation | None) -> None:
    allowed = ALLOWED_PARENT_KINDS[kind]
    parent_kind = parent.kind if parent else None
    if parent_kind not in allowed:
        label = dict(Organisation._meta.get_field("kind").choices)[kind]
        if parent is None:
            raise ValidationError(
                {"parent": f"Choose the organisation this {label.lower()} belongs to."}
            )
        parent_label = parent.get_kind_display().lower()
        message = f"A {label.lower()} cannot sit under {parent_label} {parent}."
        raise ValidationError({"parent": message})


def _refresh_subtree_paths(organisation: Organisation, old_path: str) -> None:
    """Rewrite the stored paths of the organisation's descendants after a move."""
    descendants = Organisation.objects.filter(path__startswith=old_path).exclude(pk=organisation.pk)
    for child in descendants:
        child.path = organisation.path + child.path[len(old_path) :]
    Organisation.objects.bulk_update(descendants, ["path"])


@transaction.atomic
def create_organisation(
    *,
    actor,
    name: str,
    kind: str,
    parent: Organisation | None,
    ods_code: str = "",
    hard_to_recruit: bool = False,
) -> Organisation:
    if parent is None:
        if not actor.is_superuser:
            raise NotPermitted("Only a system administrator can add a new integrated care system.")
    elif not scoping.can(actor, scoping.MANAGE_ORGANISATIONS, parent):
        raise NotPermitted("You cannot add organisations here.")
    _check_parent(kind, parent)
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        parent=parent,
        ods_code=ods_code.strip().upper(),
        hard_to_recruit=hard_to_recruit,
    )
    organisation.full_clean(exclude=["path"])
    with set_actor(actor):
        organisation.save()
        organisation.path = f"{parent.path if parent else '/'}{organisation.pk}/"
        organisation.save(update_fields=["path"])
    return organisation


@transaction.atomic
def update_organisation(
    *,
    actor,
    organisation: Organisation,
    name: str,
    ods_code: str,
    parent: Organisation | None,
    hard_to_recruit: bool,
) -> Organisation:
    if not scoping.can(actor, scoping.MANAGE_ORGANISATIONS, organisation):
        raise NotPermitted("You cannot change this organisation.")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    moving = (parent.pk if parent else None) != organisation.parent_id
    if moving:
        if parent is None or not scoping.can(actor, scoping.MANAGE_ORGANISATIONS, parent):
            raise NotPermitted("You can only move an organisation under one you manage.")
        if parent.path.startswith(organisation.path):
            raise ValidationError({"parent": "An organisation cannot sit inside itself."})
        _check_parent(organisation.kind, parent)
    organisation.name = name.strip()
    organisation.ods_code = ods_code.strip().upper()
    organisation.hard_to_recruit = hard_to_recruit
    old_path = organisation.path
    if moving:
        organisation.parent = parent
        organisation.path = f"{parent.path}{organisation.pk}/"
    organisation.full_clean(exclude=["path"])
    with set_actor(actor):
        organisation.save()
        if moving:
            _refresh_subtree_paths(organisation, old_path)
    return organisation


@transaction.atomic
def delete_organisation(*, actor, organisation: Organisation) -> None:
    if not scoping.can(actor, scoping.MANAGE_ORGANISATIONS, organisation):
        raise NotPermitted("You cannot delete this organisation.")
    if organisation.children.exists():
        raise DomainError("Move or delete the organisations inside it first.")
    if organisation.staff.exists():
        raise DomainError("It still employs staff: move or remove their records first.")
    with set_actor(actor):
        organisation.delete()


@transaction.atomic
def grant_membership(*, actor, user, organisation: Organisation, role: str) -> Membership:
    if role not in scoping.grantable_roles(actor, organisation):
        raise NotPermitted(f"You cannot give the role {Role(role).label.lower()} here.")
    with set_actor(actor):
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
        if not created and membership.role != role:
            if membership.role not in scoping.grantable_roles(actor, organisation):
                raise NotPermitted("You cannot change the role of this member.")
            membership.role = role
            membership.save()
    scoping.forget_scope(user)
    return membership


@transaction.atomic
def revoke_membership(*, actor, membership: Membership) -> None:
    if membership.role not in scoping.grantable_roles(actor, membership.organisation):
        raise NotPermitted("You cannot remove this member.")
    if membership.user_id == actor.pk and membership.role == Role.ADMIN:
        others = Membership.objects.filter(
            organisation=membership.organisation, role=Role.ADMIN
        ).exclude(pk=membership.pk)
        if not others.exists():
            raise DomainError("You are its only admin: add another admin before you leave.")
    with set_actor(actor):
        membership.delete()
    scoping.forget_scope(membership.user)
