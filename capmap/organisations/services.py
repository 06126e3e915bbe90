"""State changes for organisations and memberships: permission-checked, audited, atomic."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from capmap.core.actors import require_actor, set_actor
from capmap.core.exceptions import DomainError, NotPermitted

from . import scoping
from .models import Membership, Organisation, Role
from .ods_files import OdsFileRefused, read_ods_files
from .ods_import import OdsImportPlan, apply_ods_plan, may_import_organisations, plan_ods_import
from .tree_rules import parent_problem
from .validators import normalise_ods_code


def _check_parent(kind: str, parent: Organisation | None) -> None:
    message = parent_problem(kind, parent)
    if message:
        raise ValidationError({"parent": message})


def _check_ods_code_free(ods_code: str, organisation: Organisation | None = None) -> None:
    """Another organisation already has this ODS code. Check the code and try again."""
    if not ods_code:
        return
    others = Organisation.objects.filter(ods_code=ods_code)
    if organisation is not None and organisation.pk:
        others = others.exclude(pk=organisation.pk)
    if others.exists():
        # The other organisation may be outside the actor's scope: do not name it.
        message = f"Another organisation already has the ODS code {ods_code}. Check the code."
        raise ValidationError({"ods_code": message})


def _refresh_subtree_paths(organisation: Organisation, old_path: str) -> None:
    """Rewrite the stored paths of the organisation's descendants after a move."""
    descendants = list(
        Organisation.objects.filter(path__startswith=old_path).exclude(pk=organisation.pk)
    )
    for child in descendants:
        child.path = organisation.path + child.path[len(old_path) :]
    Organisation.objects.bulk_update(descendants, ["path"])


def may_add_top_level_organisations(actor) -> bool:
    """Only system administrators add an integrated care system, the top of a tree."""
    return bool(getattr(actor, "is_superuser", False))


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
        if not may_add_top_level_organisations(actor):
            raise NotPermitted("Only a system administrator can add a new integrated care system.")
    elif not scoping.can(actor, scoping.MANAGE_ORGANISATIONS, parent):
        raise NotPermitted("You cannot add organisations here.")
    _check_parent(kind, parent)
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        parent=parent,
        ods_code=normalise_ods_code(ods_code),
        hard_to_recruit=hard_to_recruit,
    )
    _check_ods_code_free(organisation.ods_code)
    organisation.full_clean(exclude=["path"])
    with set_actor(actor):
        organisation.save()  # audited as "created", with the path it is about to get
    organisation.path = organisation.expected_path()
    # The path is derived data: store it without a second audit entry.
    Organisation.objects.filter(pk=organisation.pk).update(path=organisation.path)
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
    organisation.ods_code = normalise_ods_code(ods_code)
    organisation.hard_to_recruit = hard_to_recruit
    _check_ods_code_free(organisation.ods_code, organisation)
    old_path = organisation.path
    if moving and parent is not None:  # always so when moving: checked above
        organisation.parent = parent
        organisation.path = f"{parent.path}{organisation.pk}/"
    organisation.full_clean(exclude=["path"])
    with set_actor(actor):
        organisation.save()
        if moving:
            _refresh_subtree_paths(organisation, old_path)
    return organisation


def deletion_blockers(organisation: Organisation) -> list[str]:
    """Why the organisation cannot be deleted yet, as sentences; empty when it can."""
    reasons = []
    if organisation.children.exists():
        reasons.append("It has organisations inside it: move or delete them first.")
    if organisation.staff.exists():
        reasons.append("It still employs staff: move or remove their records first.")
    return reasons


@transaction.atomic
def delete_organisation(*, actor, organisation: Organisation) -> None:
    if not scoping.can(actor, scoping.MANAGE_ORGANISATIONS, organisation):
        raise NotPermitted("You cannot delete this organisation.")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    blockers = deletion_blockers(organisation)
    if blockers:
        raise DomainError(" ".join(blockers))
    with set_actor(actor):
        organisation.delete()  # its memberships go with it, each audited


@transaction.atomic
def grant_membership(*, actor, user, organisation: Organisation, role: str) -> Membership:
    if role not in scoping.grantable_roles(actor, organisation):
        raise NotPermitted(f"You cannot give the role {_role_label(role)} here.")
    with set_actor(actor):
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
        if not created and membership.role != role:
            if membership.role not in scoping.grantable_roles(actor, organisation):
                raise NotPermitted("You cannot change the role of this member.")
            _check_not_last_admin(actor, membership)
            membership.role = role
            membership.save()
    scoping.forget_scope(user)
    return membership


def _role_label(role: str) -> str:
    return Role(role).label.lower() if role in Role.values else repr(role)


def _check_not_last_admin(actor, membership: Membership) -> None:
    """You are its only admin: add another admin before you leave or change your role."""
    if membership.user_id != actor.pk or membership.role != Role.ADMIN:
        return
    others = Membership.objects.filter(
        organisation=membership.organisation, role=Role.ADMIN
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise DomainError(_check_not_last_admin.__doc__)


@dataclass(frozen=True)
class MemberAdded:
    membership: Membership
    account_created: bool


@transaction.atomic
def add_member(*, actor, organisation: Organisation, email: str, role: str) -> MemberAdded:
    """Give the person with this e-mail a role here, making them an account if they have none.

    A new account has no usable password: the person sets one with "forgot your
    password", or signs in with NHS sign-in using the same e-mail address.
    """
    if role not in scoping.grantable_roles(actor, organisation):
        raise NotPermitted(f"You cannot give the role {_role_label(role)} here.")
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    user = get_user_model().objects.filter(email__iexact=email).first()
    account_created = user is None
    if user is None:
        user = get_user_model().objects.create_user(email=email, password=None)
    elif Membership.objects.filter(user=user, organisation=organisation).exists():
        raise DomainError(
            f"{email} already has a role at {organisation}. Change their role in the list of "
            "members instead."
        )
    membership = grant_membership(actor=actor, user=user, organisation=organisation, role=role)
    return MemberAdded(membership=membership, account_created=account_created)


@transaction.atomic
def change_member_role(*, actor, membership: Membership, role: str) -> Membership:
    return grant_membership(
        actor=actor, user=membership.user, organisation=membership.organisation, role=role
    )


@transaction.atomic
def revoke_membership(*, actor, membership: Membership) -> None:
    if membership.role not in scoping.grantable_roles(actor, membership.organisation):
        raise NotPermitted("You cannot remove this member.")
    _check_not_last_admin(actor, membership)
    with set_actor(actor):
        membership.delete()
    scoping.forget_scope(membership.user)


# --- Importing the NHS ODS files ------------------------------------------------------------


class OdsImportRejected(DomainError):
    """Lines of the files had mistakes; nothing was saved. `plan.problems` lists each one."""

    def __init__(self, plan: OdsImportPlan):
        self.plan = plan
        count = len(plan.problems)
        noun = "line needs" if count == 1 else "lines need"
        super().__init__(f"Nothing was imported: {count} {noun} correcting.")


def preview_organisations_import(*, actor, files: list[tuple[str, bytes]]) -> OdsImportPlan:
    """What importing the files would do, writing nothing; problems are in the plan."""
    require_actor(actor)
    if not may_import_organisations(actor):
        raise NotPermitted("Only admins of an integrated care system can import ODS files.")
    try:
        picture = read_ods_files(files)
    except OdsFileRefused as refused:
        raise DomainError(str(refused)) from None
    return plan_ods_import(actor=actor, picture=picture)


@transaction.atomic
def import_organisations(*, actor, files: list[tuple[str, bytes]]) -> OdsImportPlan:
    """Build or update the tree from NHS ODS files: every organisation, or none.

    Raises OdsImportRejected when any line has a problem, DomainError when a whole file
    cannot be read. Closed organisations are marked with their close date, never deleted.
    """
    plan = preview_organisations_import(actor=actor, files=files)
    if plan.problems:
        raise OdsImportRejected(plan)
    apply_ods_plan(actor=actor, plan=plan)
    return plan
