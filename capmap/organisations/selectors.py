"""Reads of organisations, memberships and the audit trail, already scoped to the caller."""

from dataclasses import dataclass
from datetime import date

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db.models import Count, Q, QuerySet

from . import scoping
from .models import ALLOWED_PARENT_KINDS, Membership, Organisation

# Kinds that other organisations may sit under.
PARENT_KINDS = {kind for kinds in ALLOWED_PARENT_KINDS.values() for kind in kinds if kind}


@dataclass(frozen=True, slots=True)
class TreeOrganisation:
    """What a row of an organisation table shows (presenters.TreeRow), read as values: an
    ICS has 440 rows, and building a model for each took two thirds of reading them."""

    pk: int
    name: str
    kind: str
    ods_code: str | None
    parent_id: int | None
    path: str
    staff_count: int


def organisations_for(user, permission: str = scoping.VIEW_ORGANISATION) -> QuerySet[Organisation]:
    return scoping.organisation_scope(user, permission).order_by("path")


def organisation_tree(user, *, search: str = "", kind: str = "") -> list[TreeOrganisation]:
    """Visible organisations in tree order with their staff count, optionally filtered.

    `search` matches part of the name or the start of the ODS code; `kind` one kind.
    """
    organisations = organisations_for(user)
    search = search.strip()
    if search:
        organisations = organisations.filter(
            Q(name__icontains=search) | Q(ods_code__istartswith=search)
        )
    if kind:
        organisations = organisations.filter(kind=kind)
    return _tree_rows(organisations)


def children_of(user, organisation: Organisation) -> list[TreeOrganisation]:
    return _tree_rows(organisations_for(user).filter(parent=organisation))


def _tree_rows(organisations: QuerySet[Organisation]) -> list[TreeOrganisation]:
    """The organisations with the fields a tree row shows and their staff count."""
    rows = organisations.annotate(staff_count=Count("staff", distinct=True)).values_list(
        "pk", "name", "kind", "ods_code", "parent_id", "path", "staff_count"
    )
    return [TreeOrganisation(*row) for row in rows]


def get_organisation(user, pk: int, permission: str = scoping.VIEW_ORGANISATION) -> Organisation:
    """The organisation, or Organisation.DoesNotExist when it is outside the user's scope."""
    return (
        organisations_for(user, permission)
        .select_related("parent")
        .annotate(staff_count=Count("staff", distinct=True))
        .get(pk=pk)
    )


def parent_choices(user, organisation: Organisation | None = None) -> list[Organisation]:
    """Organisations the user manages that others may sit under.

    When editing, the organisation's own subtree is left out and its current parent is
    kept (leaving it where it is needs no right over the parent).
    """
    choices = organisations_for(user, scoping.MANAGE_ORGANISATIONS).filter(kind__in=PARENT_KINDS)
    if organisation is not None:
        choices = choices.exclude(path__startswith=organisation.path)
        if organisation.parent_id:
            choices = choices | Organisation.objects.filter(pk=organisation.parent_id)
            choices = choices.order_by("path")
    return list(choices)


def memberships_for(user, organisation: Organisation | None = None) -> QuerySet[Membership]:
    memberships = Membership.objects.filter(
        scoping.path_q(user, scoping.MANAGE_MEMBERSHIPS, "organisation__path")
    ).select_related("user", "organisation")
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    return memberships


def get_membership(user, organisation: Organisation, pk: int) -> Membership:
    """The membership, or Membership.DoesNotExist when the user may not manage it."""
    return memberships_for(user, organisation).get(pk=pk)


# --- Audit trail ---------------------------------------------------------------------


def audit_object_types() -> list[tuple[str, str]]:
    """(value, label) for each model whose changes are audited, by label."""
    models = auditlog.get_models()
    types = [
        (f"{m._meta.app_label}.{m._meta.model_name}", str(m._meta.verbose_name).capitalize())
        for m in models
    ]
    return sorted(types, key=lambda item: item[1])


# Audited models that belong to no organisation: their history is open to every admin.
# Named by label, not imported, as organisations sits below the apps that own them. Any
# other model stays hidden unless its entries carry an organisation_path in the scope (or,
# for an entry about a user's own account, one of its organisation_paths).
# Audited models no organisation owns; their entries are shown to every admin. Another
# issuer's fetched status list is public by design (docs/adr/0015).
SHARED_REFERENCE_MODELS = (
    "people.jobrole",
    "development.trainingitem",
    "impact.activitytype",
    "credentials.fetchedstatuslist",
)


def _shared_reference_q() -> Q:
    q = Q(pk__in=[])
    for label in SHARED_REFERENCE_MODELS:
        app_label, _, model = label.partition(".")
        q |= Q(content_type__app_label=app_label, content_type__model=model)
    return q


def audit_scope_q(user) -> Q:
    """Entries about the user's VIEW_AUDIT subtrees, plus shared reference data for any admin."""
    q = scoping.path_q(user, scoping.VIEW_AUDIT, "additional_data__organisation_path")
    for path in scoping.scope_paths(user, scoping.VIEW_AUDIT):
        # See audit_data_for_member: " /1/" matches a path that starts with /1/, never /21/1/.
        q |= Q(additional_data__organisation_paths__icontains=f" {path}")
    if scoping.can_anywhere(user, scoping.VIEW_AUDIT):
        q |= _shared_reference_q()
    return q


@dataclass(frozen=True)
class AuditFilters:
    object_type: str = ""  # "app_label.model_name"
    action: int | None = None
    actor_email: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_events_for(user, filters: AuditFilters | None = None) -> QuerySet[LogEntry]:
    """Audit entries the user may read, newest first."""
    filters = filters or AuditFilters()
    entries = LogEntry.objects.filter(audit_scope_q(user))
    if filters.object_type:
        app_label, _, model = filters.object_type.partition(".")
        entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
    if filters.action is not None:
        entries = entries.filter(action=filters.action)
    if filters.actor_email.strip():
        email = filters.actor_email.strip()
        entries = entries.filter(Q(actor__email__icontains=email) | Q(actor_email__icontains=email))
    if filters.date_from:
        entries = entries.filter(timestamp__date__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(timestamp__date__lte=filters.date_to)
    return entries.select_related("actor", "content_type").order_by("-timestamp", "-pk")
