"""The one access policy: who may see and who may do what, for every kind of data.

Each action names one `Rule`: a few grants (being the person, an active supervision,
a role over an organisation path, a relation such as `placements__mentor`). The same
grants answer both questions, so a list, a detail page, the API, a report download and a
background task cannot disagree:

- `allowed_q(actor, action, via="person__")` is the filter selectors build querysets from;
- `allows(actor, action, obj)` is the yes/no for one object: grants that can be decided
  from the object in memory are, the rest are the same filter applied to its primary key.

People is the lowest app that knows both the organisation tree and supervisions, so the
policy lives here; the apps above import it and it never imports them: their relations
are written as field paths. The organisation-tree half (roles, their permissions and the
memoised scope of a user) is `capmap.organisations.scoping`, which the organisations app,
sitting below people, uses directly. docs/adr/0005-one-access-policy.md has the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from capmap.core.compiled import CompiledQuery, QueryPerScope
from capmap.organisations import scoping
from capmap.organisations.models import Organisation
from capmap.organisations.scoping import (
    AUTHOR_FRAMEWORKS,
    MANAGE_MEMBERSHIPS,
    MANAGE_ORGANISATIONS,
    MANAGE_PEOPLE,
    VIEW_AUDIT,
    VIEW_ORGANISATION,
    VIEW_PEOPLE,
    forget_scope,
)
from capmap.people.models import Person

__all__ = [
    "AUTHOR_FRAMEWORKS",
    "MANAGE_MEMBERSHIPS",
    "MANAGE_ORGANISATIONS",
    "MANAGE_PEOPLE",
    "VIEW_AUDIT",
    "VIEW_ORGANISATION",
    "VIEW_PEOPLE",
    "forget_scope",
]

NOTHING = Q(pk__in=[])
T = TypeVar("T")

# --- Actions -------------------------------------------------------------------------
# Over a staff record (the object is a Person; `via` leads from a model to the person).
VIEW_PERSON = "view_person"
CHANGE_PERSON = "change_person"
VIEW_LEVELS = "view_levels"
RECORD_ACTIVITY = "record_activity"
# Over a person's record: assessments, evidence and development plan.
VIEW_RECORD = "view_record"
RATE_SELF = "rate_self"  # the self-assessment: the person rates themself, nobody else
WRITE_RECORD = "write_record"
VERIFY_RECORD = "verify_record"
AGREE_PLAN = "agree_plan"
# Over a placement scheme, and over a participation in one.
RUN_SCHEMES = "run_schemes"  # over an organisation: may own and lead schemes there
VIEW_SCHEME = "view_scheme"
LEAD_SCHEME = "lead_scheme"
APPLY_TO_SCHEME = "apply_to_scheme"
VIEW_PARTICIPATION = "view_participation"
MENTOR_PARTICIPATION = "mentor_participation"
LOG_SESSION = "log_session"  # over a participation: only the participant logs sessions
# Over a framework, role profile or care pathway (anything with an `owner` organisation).
VIEW_FRAMEWORK = "view_framework"
# Over an organisation, the role permissions themselves are the actions: VIEW_ORGANISATION,
# MANAGE_ORGANISATIONS, MANAGE_MEMBERSHIPS, VIEW_PEOPLE, MANAGE_PEOPLE, VIEW_AUDIT and
# AUTHOR_FRAMEWORKS (the owner a framework may be authored for; None is the shared library).


# --- The actor -----------------------------------------------------------------------


def is_system(actor: Any) -> bool:
    return scoping.is_system(actor)


def _signed_in(actor: Any) -> bool:
    return bool(actor is not None and actor.is_authenticated and getattr(actor, "pk", None))


def _supervisions_query(supervisor_id: int, day: date) -> QuerySet:
    # Imported here: the selectors module builds its querysets from this policy.
    from .selectors import active_supervisions

    # Unordered: every caller reads them as a set.
    return active_supervisions(supervisor_id, on=day).order_by().values_list("pk", "person_id")


# Every signed-in page's menu asks whether the user supervises anyone: compiled once a
# process (ADR 0026).
_active_supervisions_of = CompiledQuery(_supervisions_query, int, date)


def _supervisions_key(day: date) -> tuple[str, date]:
    return ("supervisions", day)


OWN_PERSON = "own person"  # the memo's key for the actor's own staff record


def supervisions(actor: Any, on: date | None = None) -> list[tuple[int, int]]:
    """(supervision id, person id) of the actor's active supervisions on a day (today),
    memoised on the actor object with the rest of its scope."""
    if not _signed_in(actor):
        return []
    day = on or today(actor)
    cache = scoping.memo(actor)
    key = _supervisions_key(day)
    if key not in cache:
        cache[key] = _active_supervisions_of(actor.pk, day)
    return cache[key]


def today(actor: Any) -> date:
    """The day the policy answers for: a `Caller`'s own (the day its scope was read), so a
    query built for it across midnight still holds that day's supervisions; else today."""
    return getattr(actor, "scope_day", None) or timezone.localdate()


def remembered(actor: Any, key: str, compute: Callable[[], T]) -> T:
    """`compute()` once per actor object (a request's user lives one request), kept with
    the rest of what the policy memoises about them, so `forget_scope` clears it too."""
    cache = scoping.memo(actor)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def own_person(actor: Any) -> Person | None:
    """The actor's own staff record (a user has at most one), with its employer and job
    role, read once per actor object: the home page and the scope of cached figures ask."""
    if not _signed_in(actor):
        return None
    return remembered(actor, OWN_PERSON, lambda: _own_person_read(actor))


def _own_person_read(actor: Any) -> Person | None:
    # A request's user comes with them (accounts.backends.get_user): no query then.
    loaded = getattr(getattr(actor, "_state", None), "fields_cache", {})
    if "person" in loaded:
        person = loaded["person"]
        if person is None or {"employer", "job_role"} <= person._state.fields_cache.keys():
            return person
    return Person.objects.filter(user=actor).select_related("employer", "job_role").first()


def holds_role(actor: Any, role: str) -> bool:
    """Does the signed-in actor hold `role` in any organisation? (The memberships the
    policy reads for everything else, so asking costs no query of its own.)"""
    return scoping.holds_role(actor, role)


def supervised_person_ids(actor: Any) -> set[int]:
    return {person_id for _, person_id in supervisions(actor)}


# --- Grants --------------------------------------------------------------------------


def _local_value(obj: Model, field_path: str) -> tuple[bool, Any]:
    """(found, value) of a field path read from the object itself, without following a
    to-many relation. Found is False when the answer needs the database."""
    value: Any = obj
    for part in field_path.split("__"):
        if value is None:
            return True, None
        try:
            value = getattr(value, part)
        except Exception:  # a missing relation or a reverse to-many: ask the database
            return False, None
        if hasattr(value, "all") and callable(value.all):
            return False, None
    return True, value


class Grant:
    """One way of being allowed. `q` filters rows of a model reached through `via`;
    `holds` decides for one object in memory, or returns None to let the filter decide."""

    def q(self, actor: Any, via: str) -> Q:
        raise NotImplementedError

    def holds(self, actor: Any, obj: Model) -> bool | None:
        return None

    def admits_nothing(self, actor: Any) -> bool:
        """True when the grant admits no row at all for this actor, decided from what the
        policy already holds about them (False when that needs the database)."""
        return False

    def admits_everything(self, actor: Any) -> bool:
        """True when the grant admits every row for this actor. The rule's filter is then
        no filter: an empty `Q()` would vanish from the OR of the grants (Django drops an
        empty operand), leaving only what the other grants admit."""
        return False


@dataclass(frozen=True)
class Oneself(Grant):
    """The actor is the user linked at `field` (the person themself, the applicant...)."""

    field: str = "user"

    def q(self, actor: Any, via: str) -> Q:
        return Q(**{f"{via}{self.field}": actor.pk})

    def holds(self, actor: Any, obj: Model) -> bool | None:
        if "__" in self.field:
            return None
        return getattr(obj, f"{self.field}_id", None) == actor.pk


@dataclass(frozen=True)
class Supervising(Grant):
    """The actor supervises or mentors the person today (dates inclusive); this crosses
    organisations and ends with the relationship."""

    def q(self, actor: Any, via: str) -> Q:
        return Q(**{f"{via}pk__in": sorted(supervised_person_ids(actor))})

    def holds(self, actor: Any, obj: Model) -> bool | None:
        return obj.pk in supervised_person_ids(actor)

    def admits_nothing(self, actor: Any) -> bool:
        return not supervisions(actor)


@dataclass(frozen=True)
class ThroughSupervision(Grant):
    """The row's own supervision (a placement's mentor supervision) is one of the actor's
    active ones: a mentor sees a participant only for the dates of the relationship."""

    field: str = "supervision"

    def q(self, actor: Any, via: str) -> Q:
        ids = sorted(pk for pk, _ in supervisions(actor))
        return Q(**{f"{via}{self.field}_id__in": ids})

    def holds(self, actor: Any, obj: Model) -> bool | None:
        if "__" in self.field:
            return None
        return getattr(obj, f"{self.field}_id", None) in {pk for pk, _ in supervisions(actor)}

    def admits_nothing(self, actor: Any) -> bool:
        return not supervisions(actor)


@dataclass(frozen=True)
class Over(Grant):
    """The actor holds `permission` over the organisation whose path is at `path_field`."""

    permission: str
    path_field: str = "path"

    def q(self, actor: Any, via: str) -> Q:
        return scoping.path_q(actor, self.permission, f"{via}{self.path_field}")

    def holds(self, actor: Any, obj: Model) -> bool | None:
        found, path = _local_value(obj, self.path_field)
        if not found:
            return None
        return path is not None and any(
            path.startswith(p) for p in scoping.scope_paths(actor, self.permission)
        )

    def admits_nothing(self, actor: Any) -> bool:
        return not scoping.can_anywhere(actor, self.permission)


@dataclass(frozen=True)
class Related(Grant):
    """The actor is the user at a relation, e.g. `placements__mentor`."""

    field: str

    def q(self, actor: Any, via: str) -> Q:
        return Q(**{f"{via}{self.field}": actor.pk})


@dataclass(frozen=True)
class OpenToStaff(Grant):
    """Staff employed inside the owner's tree see a scheme while applications are open."""

    owner_field: str = "owner"
    status_field: str = "status"
    open_status: str = "applications_open"

    def q(self, actor: Any, via: str) -> Q:
        employer = _employer_of(actor)
        if employer is None:
            return NOTHING
        return Q(
            **{
                f"{via}{self.owner_field}_id__in": employer.ancestor_ids(),
                f"{via}{self.status_field}": self.open_status,
            }
        )

    def holds(self, actor: Any, obj: Model) -> bool | None:
        employer = _employer_of(actor)
        if employer is None:
            return False
        return (
            getattr(obj, self.status_field) == self.open_status
            and getattr(obj, f"{self.owner_field}_id") in employer.ancestor_ids()
        )


@dataclass(frozen=True)
class SharedLibrary(Grant):
    """Frameworks and pathways with no owner are the shared library, open to everyone
    signed in."""

    owner_field: str = "owner"

    def q(self, actor: Any, via: str) -> Q:
        return Q(**{f"{via}{self.owner_field}__isnull": True})

    def holds(self, actor: Any, obj: Model) -> bool | None:
        return getattr(obj, f"{self.owner_field}_id", None) is None


@dataclass(frozen=True)
class Superuser(Grant):
    """System administrators see every row (frameworks only)."""

    def q(self, actor: Any, via: str) -> Q:
        return Q() if actor.is_superuser else NOTHING

    def holds(self, actor: Any, obj: Model) -> bool | None:
        return bool(actor.is_superuser)

    def admits_nothing(self, actor: Any) -> bool:
        return not actor.is_superuser

    def admits_everything(self, actor: Any) -> bool:
        return bool(actor.is_superuser)


@dataclass(frozen=True)
class KeepsSharedLibrary(Grant):
    """System administrators author the shared library, which has no owner: the grant
    admits no organisation, only `allows(actor, AUTHOR_FRAMEWORKS, None)`."""

    def q(self, actor: Any, via: str) -> Q:
        return NOTHING

    def holds(self, actor: Any, obj: Model) -> bool | None:
        return False

    def admits_nothing(self, actor: Any) -> bool:
        return not actor.is_superuser


def _employer_of(actor: Any) -> Organisation | None:
    person = own_person(actor)
    return person.employer if person is not None else None


# --- Rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Who may take one action: any of the grants, and never the person themself when
    `never_self` names the field that links the object to its person's user."""

    grants: tuple[Grant, ...]
    never_self: str = ""


SEES_STAFF_RECORD = (Oneself(), Supervising(), Over(VIEW_PEOPLE, "employer__path"))
SEES_PERSONAL_RECORD = (Oneself(), Supervising(), Over(MANAGE_PEOPLE, "employer__path"))
JUDGES_PERSONAL_RECORD = (Supervising(), Over(MANAGE_PEOPLE, "employer__path"))
# A programme lead manages people or organisations over the scheme's owner.
RUNS_SCHEMES = (MANAGE_PEOPLE, MANAGE_ORGANISATIONS)
LEADS = tuple(Over(permission, "owner__path") for permission in RUNS_SCHEMES)

RULES: dict[str, Rule] = {
    VIEW_PERSON: Rule(SEES_STAFF_RECORD),
    # Decision (ADR 0005): verified levels are the capability map that viewers such as
    # commissioners hold a role to read; they carry no judgement text or evidence.
    VIEW_LEVELS: Rule(SEES_STAFF_RECORD),
    CHANGE_PERSON: Rule((Over(MANAGE_PEOPLE, "employer__path"),)),
    RECORD_ACTIVITY: Rule((Oneself(), Over(MANAGE_PEOPLE, "employer__path"))),
    VIEW_RECORD: Rule(SEES_PERSONAL_RECORD),
    RATE_SELF: Rule((Oneself(),)),
    WRITE_RECORD: Rule(SEES_PERSONAL_RECORD),
    VERIFY_RECORD: Rule(JUDGES_PERSONAL_RECORD, never_self="user"),
    AGREE_PLAN: Rule(JUDGES_PERSONAL_RECORD, never_self="user"),
    RUN_SCHEMES: Rule(tuple(Over(permission) for permission in RUNS_SCHEMES)),
    LEAD_SCHEME: Rule(LEADS),
    VIEW_SCHEME: Rule(
        (
            *LEADS,
            Related("placements__mentor"),
            Oneself("applications__applicant__user"),
            Over(MANAGE_PEOPLE, "applications__applicant__employer__path"),
            OpenToStaff(),
        )
    ),
    APPLY_TO_SCHEME: Rule((OpenToStaff(),)),
    VIEW_PARTICIPATION: Rule(
        (
            Oneself("application__applicant__user"),
            ThroughSupervision(),
            *(Over(g.permission, f"placement__scheme__{g.path_field}") for g in LEADS),
        )
    ),
    MENTOR_PARTICIPATION: Rule((ThroughSupervision(),)),
    LOG_SESSION: Rule((Oneself("application__applicant__user"),)),
    VIEW_FRAMEWORK: Rule((Superuser(), SharedLibrary(), Over(VIEW_ORGANISATION, "owner__path"))),
    # ADR 0005: admins and managers author for their organisations; superusers keep the
    # shared library, and author for an organisation only through a role there.
    AUTHOR_FRAMEWORKS: Rule((KeepsSharedLibrary(), Over(AUTHOR_FRAMEWORKS))),
}
# People's rights over their data (capmap.privacy): the person exports their own record;
# an admin over their employer (manage_organisations) exports, corrects or erases it.
EXPORT_PERSONAL_DATA = "export_personal_data"
ERASE_PERSON = "erase_person"
APPROVE_CORRECTION = "approve_correction"
PROPOSE_CORRECTION = "propose_correction"
RULES[PROPOSE_CORRECTION] = Rule((Oneself(),))
RULES[EXPORT_PERSONAL_DATA] = Rule((Oneself(), Over(MANAGE_ORGANISATIONS, "employer__path")))
RULES[ERASE_PERSON] = Rule((Over(MANAGE_ORGANISATIONS, "employer__path"),), never_self="user")
RULES[APPROVE_CORRECTION] = Rule((Over(MANAGE_ORGANISATIONS, "employer__path"),), never_self="user")
# Role permissions over an organisation are actions too (the organisation-tree half);
# authoring frameworks has its own rule above, as superusers keep the shared library.
ROLE_ACTIONS = tuple(sorted(set().union(*scoping.ROLE_PERMISSIONS.values()) - {AUTHOR_FRAMEWORKS}))
for _permission in ROLE_ACTIONS:
    RULES[_permission] = Rule((Over(_permission),))
ORGANISATION_ACTIONS = (*ROLE_ACTIONS, AUTHOR_FRAMEWORKS, RUN_SCHEMES)


def _rule(action: str) -> Rule:
    try:
        return RULES[action]
    except KeyError:
        raise ValueError(f"The access policy has no action {action!r}.") from None


def allowed_q(actor: Any, action: str, via: str = "") -> Q:
    """The filter for rows the actor may take `action` on. `via` leads from the filtered
    model to the policy's object, e.g. "person__" from an assessment to its person."""
    rule = _rule(action)
    if is_system(actor):
        return Q()
    if not _signed_in(actor):
        return NOTHING
    if any(grant.admits_everything(actor) for grant in rule.grants):
        q = Q()
    else:
        q = reduce(or_, (grant.q(actor, via) for grant in rule.grants))
    if rule.never_self:
        q &= ~Q(**{f"{via}{rule.never_self}": actor.pk})
    return q


def allows(actor: Any, action: str, obj: Model | None) -> bool:
    """May the actor take `action` on this object (a person, a scheme, an organisation...)?

    For AUTHOR_FRAMEWORKS, `obj` is the owner and None means the shared library.
    """
    rule = _rule(action)
    if is_system(actor):
        return True
    if not _signed_in(actor):
        return False
    if obj is None:
        return any(
            isinstance(grant, KeepsSharedLibrary) and not grant.admits_nothing(actor)
            for grant in rule.grants
        )
    if rule.never_self and getattr(obj, f"{rule.never_self}_id", None) == actor.pk:
        return False
    undecided: list[Grant] = []
    for grant in rule.grants:
        held = grant.holds(actor, obj)
        if held:
            return True
        if held is None:
            undecided.append(grant)
    if not undecided:
        return False
    q = reduce(or_, (grant.q(actor, "") for grant in undecided))
    return type(obj)._default_manager.filter(pk=obj.pk).filter(q).exists()


def admits_everyone_employed_in(actor: Any, action: str, organisation: Organisation) -> bool:
    """Does `allowed_q(actor, action)` admit every person employed anywhere in the
    organisation's subtree (a role over it, or over an organisation above it)? Then a
    count over the whole subtree is the count over what the actor may see."""
    if is_system(actor):
        return True
    if not _signed_in(actor):
        return False
    rule = _rule(action)
    if rule.never_self:
        return False  # the actor themself may be employed there
    return any(
        isinstance(grant, Over)
        and grant.path_field == "employer__path"
        and scoping.can(actor, grant.permission, organisation)
        for grant in rule.grants
    )


def admits_nothing(actor: Any, action: str) -> bool:
    """Does `allowed_q(actor, action)` admit no row at all, as far as the policy can tell
    from what it already holds about the actor (no role for it, nobody supervised)?
    Pages ask before building a query that could only come back empty."""
    if is_system(actor):
        return False
    if not _signed_in(actor):
        return True
    return all(grant.admits_nothing(actor) for grant in _rule(action).grants)


def allowed_rows(actor: Any, action: str, rows: QuerySet, via: str = "") -> QuerySet:
    """`rows` filtered to those the actor may take `action` on; none at all, without the
    filter being built, when the rule admits nothing for them."""
    if admits_nothing(actor, action):
        return rows.none()
    return rows.filter(allowed_q(actor, action, via))


def admits_everyone_supervised(action: str) -> bool:
    """Does the rule admit every person the actor supervises or mentors today, whoever the
    actor is? Then a list already limited to those people needs no filter of the policy's."""
    rule = _rule(action)
    return Supervising() in rule.grants and not rule.never_self


def admits_oneself(action: str) -> bool:
    """Does the rule admit the actor's own staff record, whoever the actor is? Then a list
    of their own rows needs no filter of the policy's."""
    rule = _rule(action)
    return Oneself() in rule.grants and not rule.never_self


def own_rows(actor: Any, action: str, rows_of_user: CompiledQuery, via: str) -> list:
    """The rows of `rows_of_user(actor.pk)`, a query limited to the actor's own staff
    record (`via` leads from its rows to the person): compiled where the rule admits
    everyone their own record, otherwise filtered by the rule; none without a record."""
    if own_person(actor) is None:
        return []
    if admits_oneself(action):
        return rows_of_user(actor.pk)
    return list(allowed_rows(actor, action, rows_of_user.queryset(actor.pk), via))


def supervised_rows(actor: Any, action: str, rows_of_supervisor: CompiledQuery, via: str) -> list:
    """The rows of `rows_of_supervisor(actor.pk, today)`, a query limited to the people the
    actor supervises or mentors today: compiled where the rule admits everyone supervised,
    otherwise filtered by the rule; none when they supervise no one."""
    if not supervisions(actor):
        return []
    today = timezone.localdate()
    if admits_everyone_supervised(action):
        return rows_of_supervisor(actor.pk, today)
    return list(allowed_rows(actor, action, rows_of_supervisor.queryset(actor.pk, today), via))


def admits_only_oneself(actor: Any, action: str) -> bool:
    """Does `allowed_q(actor, action)` admit the actor's own record (`Oneself()`) and
    nothing else? Then what the rule admits is known without a query: the staff record that
    comes with a request's user. False whenever another grant might admit a row."""
    if is_system(actor) or not _signed_in(actor):
        return False
    rule = _rule(action)
    if rule.never_self or Oneself() not in rule.grants:
        return False
    return all(grant == Oneself() or grant.admits_nothing(actor) for grant in rule.grants)


def allows_anywhere(actor: Any, action: str) -> bool:
    """May the actor take an action over organisations (a role permission, or authoring
    frameworks) over at least one organisation?"""
    if is_system(actor):
        return True
    if not _signed_in(actor):
        return False
    # Each of these grants says itself whether it admits anything for the actor.
    return any(
        isinstance(grant, Superuser | KeepsSharedLibrary | Over) and not grant.admits_nothing(actor)
        for grant in _rule(action).grants
    )


def filter_allowed(actor: Any, action: str, rows: QuerySet, via: str = "") -> QuerySet:
    """The rows the actor may take `action` on, each once (grants may join to-many rows)."""
    return rows.filter(pk__in=rows.model._default_manager.filter(allowed_q(actor, action, via)))


def organisations(actor: Any, permission: str = VIEW_ORGANISATION) -> QuerySet[Organisation]:
    """Organisations where the actor holds a role permission, in tree order."""
    return Organisation.objects.filter(allowed_q(actor, permission)).order_by("path")


def actions() -> Iterable[str]:
    return RULES.keys()


# --- Published to everyone -----------------------------------------------------------


def published_q(via: str = "") -> Q:
    """What is published to anyone, signed in or not: the shared library (the rule's
    SharedLibrary grant, whose answer does not depend on who asks). The CASE 1.0 API serves
    the published versions of these frameworks; an organisation's own are never among them."""
    return SharedLibrary().q(None, via)


# --- A scope as a value (caches are keyed by it) ------------------------------------------


def scope_key(actor: Any, action: str, model: type[Model]) -> tuple:
    """A value that names exactly the rows of `model` (the rule's object: a Person for
    VIEW_LEVELS) that `allowed_q(actor, action)` admits: the organisation paths of its role
    grants, and the primary keys admitted by its other grants that those paths do not
    already cover. Actors with equal keys are admitted the same rows of the same data, so a
    cache keyed by it may serve one what it computed for the other; actors admitted
    different rows never have equal keys. Raises TypeError for a rule it cannot describe."""
    if is_system(actor):
        return ("everything",)
    if not _signed_in(actor):
        return ("nothing",)
    # Once a request: it is made of what the policy already memoises about the actor
    # (scope paths, supervisions) and the rows those do not cover, which a page with two
    # cached figures would otherwise read twice.
    cache = scoping.memo(actor)
    key = ("scope key", action, model)
    if key not in cache:
        cache[key] = _describe_scope(actor, action, model)
    return cache[key]


def _describe_scope(actor: Any, action: str, model: type[Model]) -> tuple:
    rule = _rule(action)
    if rule.never_self:
        raise TypeError(f"{action} excludes the actor themself: not described by scope_key.")
    described: list[tuple] = []
    by_rows: list[Grant] = []
    by_organisation: list[Grant] = []
    for grant in rule.grants:
        if isinstance(grant, Over):
            paths = tuple(scoping.scope_paths(actor, grant.permission))
            described.append(("over", grant.permission, grant.path_field, paths))
            by_organisation.append(grant)
        elif isinstance(grant, SharedLibrary):
            described.append(("shared library", grant.owner_field))
            by_organisation.append(grant)
        elif isinstance(grant, Superuser):
            described.append(("superuser", bool(actor.is_superuser)))
        elif isinstance(grant, Oneself | Supervising):
            by_rows.append(grant)
        else:
            raise TypeError(f"scope_key cannot describe the grant {grant!r} of {action}.")
    if by_rows:
        described.append(("rows", _rows_not_covered(actor, model, by_rows, by_organisation)))
    return tuple(described)


def _rows_not_covered(
    actor: Any, model: type[Model], by_rows: list[Grant], by_organisation: list[Grant]
) -> tuple[int, ...]:
    """Primary keys of the rows the row grants admit and the organisation grants do not."""
    if model is Person and all(isinstance(g, Over) for g in by_organisation):
        return _people_not_covered(actor, by_rows, by_organisation)
    return _excluding(actor, model._default_manager.filter(_any_q(actor, by_rows)), by_organisation)


def _people_not_covered(
    actor: Any, by_rows: list[Grant], by_organisation: list[Grant]
) -> tuple[int, ...]:
    """`_rows_not_covered` of staff records: the actor's own is decided in memory, as
    `allows` decides it, from the record read once a request (`own_person`); only the
    people they supervise, if any, are asked of the database."""
    ids: set[int] = set()
    others = list(by_rows)
    if Oneself() in by_rows:
        own = own_person(actor)
        held = [grant.holds(actor, own) for grant in by_organisation] if own else []
        if None not in held:  # else the database decides, with the other grants
            others.remove(Oneself())
            if own is not None and not any(held):
                ids.add(own.pk)
    if others:
        rows = Person.objects.filter(_any_q(actor, others))
        ids.update(_excluding(actor, rows, by_organisation))
    return tuple(sorted(ids))


def _any_q(actor: Any, grants: list[Grant]) -> Q:
    return reduce(or_, (grant.q(actor, "") for grant in grants))


def _excluding(actor: Any, rows: QuerySet, by_organisation: list[Grant]) -> tuple[int, ...]:
    if by_organisation:
        rows = rows.exclude(_any_q(actor, by_organisation))
    return tuple(sorted(rows.values_list("pk", flat=True)))


# --- Queries compiled per scope ------------------------------------------------------------


def _scope_of_person(person: Person | None) -> tuple | None:
    """What of the actor's own staff record a query may depend on: which record it is, its
    employer (whose schemes are open to them), job role and stage (what applies to them)."""
    if person is None:
        return None
    return (person.pk, person.employer.path, person.job_role_id, person.stage)


def scope_inputs(actor: Any, day: date | None = None) -> tuple:
    """Everything about the actor that any grant's filter is made of: who they are, the
    superuser flag, their memberships (role and organisation path), the day's supervisions,
    their own staff record (`_scope_of_person`), and the day. Two calls that give equal
    inputs give every rule the same filter, to the letter, so a query compiled for one may
    be sent for the other (`per_scope`). A grant that reads anything else about the actor
    must add it here (ADR 0029); the tests' verification of reused plans fails until it does."""
    if is_system(actor):
        return ("system",)
    if not _signed_in(actor):
        return ("nobody",)
    day = day or today(actor)
    # Once a request and day: every per-scope query of a page asks, and each part is
    # already memoised with the actor's scope, so forget_scope clears this with them.
    cache = scoping.memo(actor)
    key = ("scope inputs", day)
    if key not in cache:
        cache[key] = (
            actor.pk,
            bool(actor.is_superuser),
            tuple(sorted(scoping.memberships(actor))),
            tuple(sorted(supervisions(actor, on=day))),
            _scope_of_person(own_person(actor)),
            day,
        )
    return cache[key]


class Caller:
    """Whoever asks, as a per-scope query's builder sees them: exactly their `scope_inputs`
    and nothing else of the user (no e-mail, no staff flag), so a builder cannot make SQL of
    something the plan's key does not hold. The policy takes it as it takes a user."""

    is_authenticated = True
    is_anonymous = False
    is_system = False

    def __init__(self, user: Any, day: date):
        self.pk = self.id = user.pk
        self.is_superuser = bool(user.is_superuser)
        self.scope_day = day
        memo = scoping.memo(self)
        # Under the keys the policy and scoping read them by: no query while building.
        memo[scoping.MEMBERSHIPS] = list(scoping.memberships(user))
        memo[_supervisions_key(day)] = supervisions(user, on=day)
        memo[OWN_PERSON] = own_person(user)

    def __repr__(self) -> str:
        return f"Caller({self.pk}, {self.scope_day})"


def _scope_and_caller(actor: Any) -> tuple[tuple, Callable[[], Any]]:
    if is_system(actor) or not _signed_in(actor):
        return scope_inputs(actor), lambda: actor
    day = today(actor)
    return scope_inputs(actor, day), lambda: Caller(actor, day)


def per_scope(
    build: Callable[..., QuerySet], size: int = 512, count: bool = False
) -> QueryPerScope:
    """A query filtered by this policy, `build(caller, *plain values)`, compiled once for
    each caller's scope inputs and arguments (capmap.core.compiled.QueryPerScope); with
    `count`, how many rows it has. The builder gets a `Caller`; the day it answers for is
    `today(caller)`."""
    return QueryPerScope(build, _scope_and_caller, size, count)
