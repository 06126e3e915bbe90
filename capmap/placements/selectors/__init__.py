"""Reads for placement schemes, already scoped to the caller by the access policy."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.query import EmptyQuerySet

from capmap.assessments.models import CurrentCapability
from capmap.core.percentages import percent, small_number_warning
from capmap.organisations.models import Organisation, OrganisationKind
from capmap.people import policy
from capmap.people.models import Person
from capmap.population import selectors as population

from ..eligibility import ApplicantFacts, eligible, unmet
from ..models import (
    AllocationRun,
    Application,
    EligibilityKind,
    EligibilityRule,
    Participation,
    Placement,
    PrescribingStatus,
    RunStatus,
    Scheme,
    SessionLog,
)


def schemes_for(user) -> QuerySet[Scheme]:
    ids = Scheme.objects.filter(policy.allowed_q(user, policy.VIEW_SCHEME)).values("pk")
    return Scheme.objects.filter(pk__in=ids).select_related("owner")


def get_scheme(user, pk: int) -> Scheme:
    """The scheme, or Scheme.DoesNotExist when the user has no part in it."""
    return schemes_for(user).get(pk=pk)


def led_schemes(user) -> QuerySet[Scheme]:
    return Scheme.objects.filter(policy.allowed_q(user, policy.LEAD_SCHEME)).select_related("owner")


def get_led_scheme(user, pk: int) -> Scheme:
    """The scheme, or Scheme.DoesNotExist when the user is not one of its programme leads."""
    return led_schemes(user).get(pk=pk)


def get_led_placement(user, scheme: Scheme, pk: int) -> Placement:
    return Placement.objects.filter(
        policy.allowed_q(user, policy.LEAD_SCHEME, via="scheme__"), scheme=scheme
    ).get(pk=pk)


def organisations_to_own_schemes(user) -> QuerySet[Organisation]:
    return policy.organisations(user, policy.RUN_SCHEMES).exclude(kind=OrganisationKind.PRACTICE)


def host_organisations(scheme: Scheme) -> QuerySet[Organisation]:
    """Trusts inside the scheme owner's tree (or the owner itself when it is a trust)."""
    return Organisation.objects.filter(
        path__startswith=scheme.owner.path, kind=OrganisationKind.TRUST
    ).order_by("name")


def mentor_choices(scheme: Scheme) -> QuerySet:
    """People with a sign-in at one of the scheme's host trusts."""
    return (
        get_user_model()
        .objects.filter(
            memberships__organisation__path__startswith=scheme.owner.path,
            memberships__organisation__kind=OrganisationKind.TRUST,
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def placements_of(scheme: Scheme) -> QuerySet[Placement]:
    return scheme.placements.select_related("host", "mentor").annotate(
        placed=Count("participations")
    )


def rules_of(scheme: Scheme) -> list[EligibilityRule]:
    return list(scheme.eligibility_rules.select_related("competency", "placement"))


def applicant_facts(scheme: Scheme, people: list[Person]) -> dict[int, ApplicantFacts]:
    """Facts per person id, read in a fixed number of queries."""
    prescribers = set(
        PrescribingStatus.objects.filter(
            person__in=people, independent_prescriber=True
        ).values_list("person_id", flat=True)
    )
    flagged_sites = set(
        Person.sites.through.objects.filter(
            person_id__in=[p.pk for p in people], organisation__hard_to_recruit=True
        ).values_list("person_id", flat=True)
    )
    applications = dict(
        Application.objects.filter(scheme=scheme, applicant__in=people).values_list(
            "applicant_id", "pk"
        )
    )
    levels = _competency_levels(scheme, people)
    gaps = population.pcn_need_gaps(scheme.owner) if scheme.need_gap_first else {}
    return {
        p.pk: ApplicantFacts(
            application_id=applications.get(p.pk, 0),
            independent_prescriber=p.pk in prescribers,
            hard_to_recruit=p.employer.hard_to_recruit or p.pk in flagged_sites,
            competency_levels=levels.get(p.pk, {}),
            need_gap=_need_gap(p, gaps),
        )
        for p in people
    }


def need_by_pcn(user, scheme: Scheme) -> list[population.PcnNeed]:
    """The PCNs of the scheme's tree the user may see, the largest need gap first, each
    with its pathways by patients per capable person (what to place for)."""
    return population.need_by_pcn(user, scheme.owner)


def _need_gap(person: Person, gaps: dict[int, float]) -> float:
    """The need gap of the PCN the person's employer is, or sits in (0 outside any)."""
    found = [gaps[int(pk)] for pk in person.employer.path.split("/") if pk and int(pk) in gaps]
    return found[-1] if found else 0.0


def _competency_levels(scheme: Scheme, people: list[Person]) -> dict[int, dict[int, int]]:
    """Current verified level per competency per person id, for the competencies the scheme's
    rules name: one query for all the people."""
    named = EligibilityRule.objects.filter(
        scheme=scheme, kind=EligibilityKind.COMPETENCY_LEVEL
    ).values("competency_id")
    levels: dict[int, dict[int, int]] = {}
    for person_id, competency_id, level in CurrentCapability.objects.filter(
        person_id__in=[p.pk for p in people], competency_id__in=named
    ).values_list("person_id", "competency_id", "level"):
        levels.setdefault(person_id, {})[competency_id] = level
    return levels


def eligible_placements(scheme: Scheme, person: Person) -> list[Placement]:
    facts = applicant_facts(scheme, [person])[person.pk]
    rules = rules_of(scheme)
    return [p for p in placements_of(scheme) if eligible(facts, p.pk, rules)]


def unmet_rules(scheme: Scheme, person: Person, placement: Placement) -> list[str]:
    """Why the person may not take the placement: the messages of the rules they do not meet."""
    facts = applicant_facts(scheme, [person])[person.pk]
    return unmet(facts, placement.pk, rules_of(scheme))


def applications_of(scheme: Scheme) -> QuerySet[Application]:
    return scheme.applications.select_related(
        "applicant__employer", "applicant__job_role", "released_by"
    ).prefetch_related(
        Prefetch("preferences", queryset=_preferences()),
    )


def _preferences():
    from ..models import Preference

    return Preference.objects.select_related("placement__host").order_by("rank")


def application_of(user, scheme: Scheme) -> Application | None:
    person = getattr(user, "person", None)
    if person is None:
        return None
    return applications_of(scheme).filter(applicant=person).first()


def applications_to_release(user) -> QuerySet[Application]:
    """Applications from staff the user manages (practice manager or GP), newest first."""
    applications = Application.objects.select_related(
        "scheme", "applicant__employer", "released_by"
    ).order_by("released_at", "-created_at")
    return policy.allowed_rows(user, policy.CHANGE_PERSON, applications, via="applicant__")


def get_application_to_release(user, pk: int) -> Application:
    return applications_to_release(user).get(pk=pk)


def runs_of(scheme: Scheme) -> QuerySet[AllocationRun]:
    return scheme.allocation_runs.select_related("run_by")


def get_run(user, scheme: Scheme, pk: int) -> AllocationRun:
    return AllocationRun.objects.filter(
        policy.allowed_q(user, policy.LEAD_SCHEME, via="scheme__"), scheme=scheme
    ).get(pk=pk)


def participations_for(user) -> QuerySet[Participation]:
    confirmed_half_days = Sum("sessions__half_days", filter=Q(sessions__confirmed_at__isnull=False))
    return (
        Participation.objects.filter(policy.allowed_q(user, policy.VIEW_PARTICIPATION))
        .select_related(
            "application__applicant__employer",
            "placement__host",
            "placement__mentor",
            "placement__scheme",
        )
        .annotate(confirmed_sessions=confirmed_half_days)
    )


def participations_of(scheme: Scheme) -> QuerySet[Participation]:
    confirmed_half_days = Sum("sessions__half_days", filter=Q(sessions__confirmed_at__isnull=False))
    return (
        Participation.objects.filter(placement__scheme=scheme)
        .select_related("application__applicant__employer", "placement__host", "placement__mentor")
        .annotate(confirmed_sessions=confirmed_half_days, logged_sessions=Count("sessions"))
    )


def get_offer_to_resend(scheme: Scheme, pk: int) -> Participation:
    """A participation of a scheme the caller already holds through get_led_scheme, or
    Participation.DoesNotExist."""
    return participations_of(scheme).select_related("placement__scheme").get(pk=pk)


def get_participation(user, pk: int) -> Participation:
    return participations_for(user).get(pk=pk)


def sessions_of(participation: Participation) -> QuerySet[SessionLog]:
    return participation.sessions.prefetch_related("competencies").select_related("confirmed_by")


def get_session_to_confirm(user, pk: int) -> SessionLog:
    """A session of a participant the user mentors now (the mentor supervision is active)."""
    return SessionLog.objects.filter(
        policy.allowed_q(user, policy.MENTOR_PARTICIPATION, via="participation__")
    ).get(pk=pk)


def mentor_participations(user) -> QuerySet[Participation]:
    return participations_for(user).filter(policy.allowed_q(user, policy.MENTOR_PARTICIPATION))


def has_confirmed_run(scheme: Scheme) -> bool:
    return scheme.allocation_runs.filter(status=RunStatus.CONFIRMED).exists()  # type: ignore[misc]  # status is annotated by StatusSubject's manager


def schemes_with_unreleased(user) -> QuerySet[Application]:
    applications = applications_to_release(user)
    if isinstance(applications, EmptyQuerySet):  # they manage no one: nothing to narrow
        return applications
    return applications.filter(released_at__isnull=True)


def my_participations(user) -> QuerySet[Participation]:
    return participations_for(user).filter(application__applicant__user_id=user.pk)


def released_count(scheme: Scheme) -> int:
    return scheme.applications.filter(released_at__isnull=False).count()


def session_competencies(scheme: Scheme) -> QuerySet:
    """Competencies of published frameworks a participant can pick: the shared library's and
    those owned inside the scheme's organisation."""
    from capmap.frameworks.models import Competency, VersionStatus

    return (
        Competency.objects.filter(version__status=VersionStatus.PUBLISHED)
        .filter(
            Q(version__framework__owner__isnull=True)
            | Q(version__framework__owner__path__startswith=scheme.owner.path)
        )
        .select_related("version__framework")
        .order_by("version__framework__title", "code", "pk")
    )


def participant_competencies(participation: Participation) -> QuerySet:
    """What a participant may say they practised in a session: the competencies their role
    profiles require (frameworks.selectors.applicable_role_profiles owns which apply) and
    those the scheme's eligibility rules name for their placement, domain by domain."""
    from capmap.frameworks.models import Competency
    from capmap.frameworks.selectors import applicable_role_profiles

    applicant = participation.application.applicant
    profiles = applicable_role_profiles(applicant).values("pk")
    named_by_rules = EligibilityRule.objects.filter(
        Q(placement__isnull=True) | Q(placement=participation.placement_id),
        scheme=participation.placement.scheme_id,
        competency__isnull=False,
    ).values("competency_id")
    return (
        Competency.objects.filter(
            Q(role_requirements__profile__in=profiles) | Q(pk__in=named_by_rules)
        )
        .distinct()
        .select_related("domain", "version__framework")
        .order_by("version__framework__title", "domain__order", "domain_id", "order", "pk")
    )


def participant_competencies_by_domain(participation: Participation) -> list[tuple[str, list]]:
    """participant_competencies grouped under their domain's name, in framework order."""
    groups: dict[str, list] = {}
    for competency in participant_competencies(participation):
        domain = competency.domain.title if competency.domain else "Other competencies"
        groups.setdefault(domain, []).append(competency)
    return list(groups.items())


def competency_rule_choices(scheme: Scheme) -> QuerySet:
    return session_competencies(scheme)


def _months_after(day, months: int):
    import calendar
    import datetime

    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_of(scheme: Scheme, today=None) -> list[dict]:
    """Whether each participant is still in post 6 and 12 months after the scheme ended."""
    from django.utils import timezone

    today = today or timezone.localdate()
    rows = []
    for participation in participations_of(scheme):
        person = participation.application.applicant
        row: dict[str | int, object] = {"name": person.full_name, "employer": person.employer.name}
        for months in (6, 12):
            day = _months_after(scheme.ends_on, months)
            row[months] = None if day > today else person.in_post_on(day)
        rows.append(row)
    return rows


def scheme_report(scheme: Scheme) -> dict:
    """The headline figures of a scheme, from its confirmed allocation and sessions."""
    run = scheme.allocation_runs.filter(status=RunStatus.CONFIRMED).first()  # type: ignore[misc]  # status is annotated by StatusSubject's manager
    participations = list(participations_of(scheme))
    stats = run.stats if run else {}
    placed = stats.get("assigned", 0)
    first = stats.get("by_choice", {}).get("1", 0)
    # confirmed_sessions is annotated by participations_of(), unknown to the model's type.
    completed = len(
        [
            p
            for p in participations
            if (p.confirmed_sessions or 0) >= scheme.sessions_required  # type: ignore[attr-defined]
        ]
    )
    return {
        "applicants": stats.get("applicants", scheme.applications.count()),
        "placed": placed,
        "first_choice": first,
        "first_choice_share": percent(first, placed),
        "first_choice_warning": small_number_warning(
            placed, noun=("person placed", "people placed")
        ),
        "participants": len(participations),
        "completed": completed,
        "by_choice": stats.get("by_choice", {}),
    }


# --- The schemes page and the home page, compiled once per caller's scope (ADR 0029) ----


_SCHEME_LIST = policy.per_scope(lambda caller: schemes_for(caller).order_by("-starts_on"))
_MAY_OWN_SCHEMES = policy.per_scope(
    lambda caller: organisations_to_own_schemes(caller).values_list("pk", flat=True)[:1]
)
_UNRELEASED = policy.per_scope(
    lambda caller: schemes_with_unreleased(caller).values_list("pk"), count=True
)
_MY_PARTICIPATIONS = policy.per_scope(my_participations)
_MENTEES = policy.per_scope(mentor_participations)


def scheme_list(user) -> list[Scheme]:
    """The schemes the user has a part in, latest first."""
    return _SCHEME_LIST(user)


def may_own_schemes(user) -> bool:
    """Is there an organisation where the user may create a scheme?"""
    return bool(_MAY_OWN_SCHEMES(user))


def unreleased_count(user) -> int:
    """How many applications from staff the user manages wait for their release."""
    return _UNRELEASED(user)


def my_participation_list(user) -> list[Participation]:
    """The user's own places on schemes (my_participations, read)."""
    return _MY_PARTICIPATIONS(user)


def mentees(user) -> list[Participation]:
    """The participations the user mentors now."""
    return _MENTEES(user)
