"""Reads of assessments, capability and cycles, already scoped to the caller."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from capmap.core.compiled import CompiledQuery
from capmap.core.workflow import with_status
from capmap.frameworks import selectors as framework_selectors
from capmap.frameworks.level_uses import plural
from capmap.frameworks.models import (
    Competency,
    CompetencyMapping,
    ProficiencyLevel,
    RoleProfile,
)
from capmap.people import policy
from capmap.people import selectors as people_selectors
from capmap.people.models import Person, Supervision

from .models import (
    Assessment,
    AssessmentCycle,
    AssessorRating,
    CapabilityEvent,
    CurrentCapability,
    Notification,
    SelfRating,
    State,
)


def assessments_for(user) -> QuerySet[Assessment]:
    return _visible_assessments(user).select_related(
        "person__employer",
        "person__user",
        "role_profile__job_role",
        "version__framework",
        "cycle",
    )


def _visible_assessments(user) -> QuerySet[Assessment]:
    """The assessments the user may see, with their state, and no related rows joined."""
    assessments = Assessment.objects.filter(
        policy.allowed_q(user, policy.VIEW_RECORD, via="person__")
    )
    return with_status(assessments, "state")


def get_assessment(user, pk: int) -> Assessment:
    """The assessment, or Assessment.DoesNotExist when the caller may not see it."""
    return assessments_for(user).get(pk=pk)


def assessments_of(user, person: Person) -> QuerySet[Assessment]:
    return _assessments_of(user, person.pk)


def _assessments_of(user, person_id: int) -> QuerySet[Assessment]:
    return assessments_for(user).filter(person_id=person_id)


# A person's own assessments page, compiled once per caller's scope (ADR 0029).
_ASSESSMENT_LIST = policy.per_scope(_assessments_of)


def assessment_list(user, person: Person) -> list[Assessment]:
    """assessments_of, read."""
    return _ASSESSMENT_LIST(user, person.pk)


def my_person(user) -> Person | None:
    """The user's own staff record, None when signed out (read once a request: the home
    page asks three times)."""
    return policy.own_person(user)


def _queue_of(supervisor_id: int, day: date) -> QuerySet[Assessment]:
    """The sign-off queue's one definition: the submitted assessments of the people the
    supervisor supervises or mentors on the day, longest waiting first."""
    supervised = people_selectors.active_supervisions(supervisor_id, on=day).values("person_id")
    # `state` and `state_at` are annotated by with_status: the plugin cannot see that.
    return (
        with_status(Assessment.objects.all(), "state")
        .filter(person_id__in=supervised, state=State.SUBMITTED)  # type: ignore[misc]
        .order_by("state_at")
    )


def _queue_rows_of(supervisor_id: int, day: date) -> QuerySet[Assessment]:
    """The queue with only what its page shows: the person's name and the role profile's
    name, not five related tables and the framework's JSON."""
    return (
        _queue_of(supervisor_id, day)
        .select_related("person", "role_profile__job_role")
        .only(
            "person__first_name",
            "person__last_name",
            "role_profile__title",
            "role_profile__stage",
            "role_profile__job_role__name",
        )
    )


# A supervisor's queue page and home page, compiled once a process (ADR 0027).
_QUEUE_ROWS = CompiledQuery(_queue_rows_of, int, date)


def sign_off_queue_rows(user) -> list[Assessment]:
    """The user's sign-off queue as its page lists it."""
    return policy.supervised_rows(user, policy.VIEW_RECORD, _QUEUE_ROWS, via="person__")


@dataclass
class RatingRow:
    competency: Competency
    required: int
    requirement: str
    self_level: int | None = None
    self_comment: str = ""
    assessor_level: int | None = None
    assessor_comment: str = ""
    earlier: list[tuple[int, int | None, int | None]] = field(default_factory=list)

    @property
    def difference(self) -> int | None:
        if self.self_level is None or self.assessor_level is None:
            return None
        return self.self_level - self.assessor_level


@dataclass
class DomainGroup:
    pk: int | None
    title: str
    rows: list[RatingRow]

    @property
    def rated(self) -> int:
        return sum(1 for row in self.rows if row.self_level is not None)


def scale_of(assessment: Assessment) -> list[ProficiencyLevel]:
    return list(
        ProficiencyLevel.objects.filter(scale__version=assessment.version_id).order_by("value")
    )


def rating_groups(assessment: Assessment, round_number: int | None = None) -> list[DomainGroup]:
    """Competencies of the profile by domain, with self and assessor ratings of a round
    (the current one by default) and the levels of earlier rounds."""
    current = round_number or assessment.round
    requirements = assessment.role_profile.requirements.select_related(
        "competency__domain"
    ).order_by("competency__domain__order", "competency__domain_id", "competency__order")
    selfs: defaultdict[int, dict[int, SelfRating]] = defaultdict(dict)
    for own in SelfRating.objects.filter(assessment=assessment):
        selfs[own.round][own.competency_id] = own
    assessors: defaultdict[int, dict[int, AssessorRating]] = defaultdict(dict)
    for verified in AssessorRating.objects.filter(assessment=assessment):
        assessors[verified.round][verified.competency_id] = verified
    groups: dict[int | None, DomainGroup] = {}
    for requirement in requirements:
        competency = requirement.competency
        mine = selfs[current].get(competency.pk)
        theirs = assessors[current].get(competency.pk)
        row = RatingRow(
            competency,
            requirement.level,
            requirement.get_requirement_display(),
            mine.level if mine else None,
            mine.comment if mine else "",
            theirs.level if theirs else None,
            theirs.comment if theirs else "",
        )
        for earlier in range(1, current):
            s, a = selfs[earlier].get(competency.pk), assessors[earlier].get(competency.pk)
            if s or a:
                row.earlier.append((earlier, s.level if s else None, a.level if a else None))
        domain = competency.domain
        key = domain.pk if domain else None
        if key not in groups:
            groups[key] = DomainGroup(key, domain.title if domain else "Other competencies", [])
        groups[key].rows.append(row)
    return list(groups.values())


@dataclass(frozen=True)
class Calibration:
    rated: int
    agreed: int
    self_higher: int
    self_lower: int
    mean_difference: float
    mean_absolute_difference: float


def _calibration(differences: list[int]) -> Calibration:
    n = len(differences)
    return Calibration(
        n,
        sum(1 for d in differences if d == 0),
        sum(1 for d in differences if d > 0),
        sum(1 for d in differences if d < 0),
        round(sum(differences) / n, 2) if n else 0.0,
        round(sum(abs(d) for d in differences) / n, 2) if n else 0.0,
    )


def _pairs(assessment_ids) -> list[tuple[int, int, int, int]]:
    """(assessment id, competency id, self level, assessor level) for every reviewed round."""
    selfs = {
        (r.assessment_id, r.competency_id, r.round): r.level
        for r in SelfRating.objects.filter(assessment_id__in=assessment_ids)
    }
    return [
        (r.assessment_id, r.competency_id, selfs[key], r.level)
        for r in AssessorRating.objects.filter(assessment_id__in=assessment_ids)
        if (key := (r.assessment_id, r.competency_id, r.round)) in selfs
    ]


@dataclass(frozen=True)
class Disagreement:
    competency: Competency
    self_level: int
    assessor_level: int

    @property
    def difference(self) -> int:
        return self.self_level - self.assessor_level


def person_calibration(user, person: Person) -> tuple[Calibration, list[Disagreement]]:
    """How the person's self-ratings compare with their supervisors' (latest reviewed round)."""
    ids = list(assessments_of(user, person).values_list("pk", flat=True))
    pairs = _pairs(ids)
    competencies = Competency.objects.in_bulk({p[1] for p in pairs})
    disagreements = [Disagreement(competencies[c], s, a) for _a, c, s, a in pairs if s != a]
    disagreements.sort(key=lambda d: (-abs(d.difference), d.competency.code))
    return _calibration([s - a for *_ignored, s, a in pairs]), disagreements


@dataclass(frozen=True)
class PersonCalibration:
    person: Person
    calibration: Calibration


def team_calibration(user, cycle: AssessmentCycle) -> list[PersonCalibration]:
    assessments = list(cycle_assessments(user, cycle).values_list("pk", "person_id"))
    person_of = dict(assessments)
    by_person: dict[int, list[int]] = defaultdict(list)
    for assessment_id, _c, s, a in _pairs(person_of):
        by_person[person_of[assessment_id]].append(s - a)
    people = Person.objects.in_bulk(by_person)
    return [
        PersonCalibration(people[pk], _calibration(diffs))
        for pk, diffs in sorted(by_person.items(), key=lambda item: people[item[0]].full_name)
    ]


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def capability_as_of(
    person: Person, when: date | datetime | None = None, version=None
) -> dict[int, int]:
    """Verified level per competency id at the end of `when` (default: now).

    With `version`, levels signed off against competencies of earlier versions carry
    over to the competencies of `version` that replace them (CompetencyMapping chains).
    """
    if when is None:
        moment = timezone.now()
    elif isinstance(when, datetime):
        moment = when
    else:
        moment = _end_of(when)
    levels: dict[int, tuple[datetime, int]] = {}
    events = (
        CapabilityEvent.objects.filter(person=person, valid_from__lte=moment)
        .order_by("valid_from", "pk")
        .values_list("competency_id", "valid_from", "level")
    )
    for competency_id, valid_from, level in events:
        levels[competency_id] = (valid_from, level)
    result = {pk: level for pk, (_at, level) in levels.items()}
    if version is None:
        return result
    replaces: dict[int, list[int]] = defaultdict(list)
    for new, old in CompetencyMapping.objects.filter(
        competency__version__framework_id=version.framework_id
    ).values_list("competency_id", "replaces_id"):
        replaces[new].append(old)

    def carried(pk: int, seen: frozenset = frozenset()) -> tuple[datetime, int] | None:
        if pk in levels:
            return levels[pk]
        found = [
            c for old in replaces.get(pk, []) if old not in seen if (c := carried(old, seen | {pk}))
        ]
        return max(found) if found else None

    for pk in Competency.objects.filter(version=version).values_list("pk", flat=True):
        if pk not in result and (value := carried(pk)):
            result[pk] = value[1]
    return result


@dataclass(frozen=True)
class ScopeRow:
    competency: Competency
    level: int
    level_label: str
    signed_by: str
    signed_at: datetime


@dataclass(frozen=True)
class TowardsRow:
    competency: Competency
    required: int
    current: int | None


@dataclass
class ScopeOfPractice:
    person: Person
    profile: RoleProfile | None
    signed_off: list[ScopeRow]
    working_towards: list[TowardsRow]


def _profile_for_scope(person: Person) -> RoleProfile | None:
    latest = (
        Assessment.objects.filter(person=person)
        .select_related("role_profile")
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest:
        return latest.role_profile
    return framework_selectors.applicable_role_profiles(person).first()


def _signed_by(current: CurrentCapability) -> str:
    if current.event.verified_elsewhere_by:
        return f"Verified elsewhere by {current.event.verified_elsewhere_by}"
    return current.signed_by.get_full_name() or current.signed_by.email


def scope_of_practice(person: Person) -> ScopeOfPractice:
    """What the person is signed off to do, and what their role profile still asks of them.
    The caller has already checked that the user may see the person's record."""
    current = list(
        CurrentCapability.objects.filter(person=person)
        .select_related(
            "competency__domain", "competency__version__framework", "signed_by", "event"
        )
        .order_by(
            "competency__version__framework__title",
            "competency__domain__order",
            "competency__order",
        )
    )
    labels = {
        (level.scale.version_id, level.value): level.label
        for level in ProficiencyLevel.objects.filter(
            scale__version__in={c.competency.version_id for c in current}
        ).select_related("scale")
    }
    rows = [
        ScopeRow(
            c.competency,
            c.level,
            labels.get((c.competency.version_id, c.level), ""),
            _signed_by(c),
            c.signed_at,
        )
        for c in current
        if c.level > 0
    ]
    profile = _profile_for_scope(person)
    towards = []
    if profile is not None:
        levels = capability_as_of(person, version=profile.version)
        for requirement in profile.requirements.select_related("competency").order_by(
            "competency__domain__order", "competency__order"
        ):
            have = levels.get(requirement.competency_id)
            if have is None or have < requirement.level:
                towards.append(TowardsRow(requirement.competency, requirement.level, have))
    return ScopeOfPractice(person, profile, rows, towards)


def cycles_for(user) -> QuerySet[AssessmentCycle]:
    cycles = AssessmentCycle.objects.select_related("organisation")
    return policy.allowed_rows(user, policy.MANAGE_PEOPLE, cycles, via="organisation__")


def _open_cycles_opened_by(caller, limit: int) -> QuerySet[AssessmentCycle]:
    today = policy.today(caller)
    return (
        cycles_for(caller)
        .filter(opened_by_id=caller.pk, opens_on__lte=today, closes_on__gte=today)
        .order_by("closes_on")[:limit]
    )


# Every manager's home asks (ADR 0029).
_OPEN_CYCLES_OPENED_BY = policy.per_scope(_open_cycles_opened_by)


def open_cycles_opened_by(user, limit: int) -> list[AssessmentCycle]:
    """The cycles open today that the user opened, closing soonest first, at most `limit`."""
    return _OPEN_CYCLES_OPENED_BY(user, limit)


def get_cycle(user, pk: int) -> AssessmentCycle:
    return cycles_for(user).get(pk=pk)


def cycle_assessments(user, cycle: AssessmentCycle) -> QuerySet[Assessment]:
    return assessments_for(user).filter(cycle=cycle)


@dataclass(frozen=True)
class CycleProgress:
    team: int
    not_started: int
    counts: dict[str, int]


def team_of(user, cycle: AssessmentCycle) -> QuerySet[Person]:
    """Staff in post employed in the cycle's organisation (or inside it)."""
    return (
        _team_under(user, cycle.organisation.path)
        .select_related("job_role", "employer")
        .order_by("last_name", "first_name")
    )


def _team_under(user, path: str) -> QuerySet[Person]:
    today = policy.today(user)
    return (
        Person.objects.filter(policy.allowed_q(user, policy.VIEW_RECORD))
        .filter(employer__path__startswith=path)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    )


def _cycle_states(caller, cycle_id: int) -> QuerySet:
    """(person id, state) of the cycle's assessments the caller may see, oldest first."""
    return (
        _visible_assessments(caller)
        .filter(cycle_id=cycle_id)
        .order_by("created_at", "pk")
        .values_list("person_id", "state")  # type: ignore[misc]  # annotated by with_status
    )


# A manager's home shows each open cycle's progress (ADR 0029).
_CYCLE_STATES = policy.per_scope(_cycle_states)
_TEAM_SIZE = policy.per_scope(
    lambda caller, path: _team_under(caller, path).values_list("pk"), count=True
)


def cycle_progress(user, cycle: AssessmentCycle) -> CycleProgress:
    """How far the team (staff employed in the cycle's organisation) has gone."""
    latest_per_person = dict(_CYCLE_STATES(user, cycle.pk))  # the latest of each person wins
    counts = {value: 0 for value in State.values}
    for state in latest_per_person.values():
        counts[state] += 1
    size = _TEAM_SIZE(user, cycle.organisation.path)
    return CycleProgress(size, max(size - len(latest_per_person), 0), counts)


def supervisions_of(person: Person) -> QuerySet[Supervision]:
    """The person's supervisors and mentors; the caller has checked access to the person."""
    return (
        Supervision.objects.filter(person=person)
        .select_related("supervisor")
        .order_by("-starts_on")
    )


def get_supervision(person: Person, pk: int) -> Supervision:
    return supervisions_of(person).get(pk=pk)


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


# --- What waits for the user (their home page) ------------------------------------------


def _open_assessments_of(user_id: int) -> QuerySet[Assessment]:
    """The user's own assessments still under way, oldest first, named by their role
    profile and cycle (only those are joined: the person is the user)."""
    return (
        with_status(Assessment.objects.all(), "state")
        .filter(
            person__user_id=user_id,
            state__in=[State.DRAFT, State.RETURNED, State.SUBMITTED],  # type: ignore[misc]
        )
        .select_related("role_profile__job_role", "cycle")
        .order_by("created_at", "pk")
    )


# Every home page of someone with a staff record asks (ADR 0027).
_OPEN_ASSESSMENTS_OF = CompiledQuery(_open_assessments_of, int)


def my_open_assessments(user) -> list[Assessment]:
    """The user's own assessments still under way, oldest first: drafts and those returned
    to them (they wait for the user), and those submitted (they wait for the supervisor).
    The home page reads them in one query and splits them."""
    return policy.own_rows(user, policy.VIEW_RECORD, _OPEN_ASSESSMENTS_OF, via="person__")


def cycles_to_start(user) -> QuerySet[AssessmentCycle]:
    """Open cycles of the user's employer (or an organisation above it) in which they have
    no assessment yet: the self-assessments they are asked to start."""
    person = my_person(user)  # None when signed out
    if person is None or not framework_selectors.has_applicable_role_profiles(person):
        return AssessmentCycle.objects.none()  # nothing to assess them against
    today = timezone.localdate()
    return (
        AssessmentCycle.objects.filter(
            organisation_id__in=person.employer.ancestor_ids(),
            opens_on__lte=today,
            closes_on__gte=today,
        )
        .exclude(assessments__person=person)
        .select_related("organisation")  # each is named by its organisation
        .order_by("closes_on", "pk")
    )


HOME_NOTIFICATIONS = 5


def _unread_of(user_id: int, limit: int = HOME_NOTIFICATIONS) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)[:limit]


# Every home page shows the newest few (ADR 0026).
_NEWEST_UNREAD = CompiledQuery(_unread_of, int)


def unread_notifications(user, limit: int = HOME_NOTIFICATIONS) -> list[Notification]:
    """The newest unread notifications, at most `limit`."""
    if limit == HOME_NOTIFICATIONS:
        return _NEWEST_UNREAD(user.pk)
    return list(_unread_of(user.pk, limit))


def unread_notifications_and_count(
    user, limit: int = HOME_NOTIFICATIONS
) -> tuple[list[Notification], int]:
    """The newest unread notifications (at most `limit`) and how many are unread. Fewer
    than `limit` found are all of them, so only a full list asks for the count."""
    newest = unread_notifications(user, limit)
    return newest, (len(newest) if len(newest) < limit else unread_count(user))


def level_uses_in_assessments(version_id: int, value: int) -> list[str]:
    """Ratings and verified levels given at a level of a version's scale: such a level is
    never removed (registered with frameworks.level_uses in AssessmentsConfig.ready)."""
    kinds = (
        (SelfRating, "self-rating", "self-ratings"),
        (AssessorRating, "supervisor rating", "supervisor ratings"),
        (CapabilityEvent, "verified level", "verified levels"),
    )
    uses = []
    for model, one, many in kinds:
        count = model.objects.filter(competency__version_id=version_id, level=value).count()
        if count:
            uses.append(plural(count, one, many))
    return uses
