"""Reads for the impact pages and reports, scoped to what the caller may see."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Min, Q, QuerySet, Sum
from django.utils import timezone

from capmap.core.compiled import CompiledQuery
from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import JobRole, Person

from .models import (
    DEFAULT_MINUTES_PER_GP_APPOINTMENT,
    ActivityRecord,
    ActivityType,
    ImpactAssumption,
)


def impact_organisations(user) -> QuerySet[Organisation]:
    """Organisations whose impact the user may see: where they may see staff."""
    return policy.organisations(user, policy.VIEW_PEOPLE)


def get_impact_organisation(user, pk: int) -> Organisation:
    """The organisation, or Organisation.DoesNotExist when its impact is out of scope."""
    return impact_organisations(user).get(pk=pk)


def organisations_to_configure(user) -> QuerySet[Organisation]:
    return policy.organisations(user, policy.MANAGE_ORGANISATIONS)


def people_actor_may_record_for(actor) -> QuerySet[Person]:
    """The actor's own record and the staff they manage, in post or not."""
    return Person.objects.filter(policy.allowed_q(actor, policy.RECORD_ACTIVITY))


def get_person_to_record_for(actor, pk: int) -> Person:
    return people_actor_may_record_for(actor).select_related("job_role", "employer").get(pk=pk)


def activity_types_for(job_role: JobRole | None = None) -> QuerySet[ActivityType]:
    """Activity types are shared reference data, set up by admins for every organisation."""
    types = ActivityType.objects.filter(active=True).select_related("job_role")
    if job_role is not None:
        types = types.filter(job_role=job_role)
    return types


def roles_with_activity_types() -> QuerySet[JobRole]:
    return JobRole.objects.filter(activity_types__active=True).distinct().order_by("name")


def records_for(user, organisation: Organisation) -> QuerySet[ActivityRecord]:
    """Records of work done in the organisation's subtree, within the user's scope."""
    return ActivityRecord.objects.filter(
        policy.allowed_q(user, policy.VIEW_PEOPLE, via="organisation__"),
        organisation__path__startswith=organisation.path,
    )


def minutes_per_gp_appointment(organisation: Organisation) -> int:
    """The nearest assumption set on the organisation or above it, else the default."""
    assumptions = ImpactAssumption.objects.filter(
        organisation_id__in=organisation.ancestor_ids()
    ).select_related("organisation")
    nearest = max(assumptions, key=lambda a: len(a.organisation.path), default=None)
    return nearest.minutes_per_gp_appointment if nearest else DEFAULT_MINUTES_PER_GP_APPOINTMENT


def month_range(first: date, last: date) -> list[date]:
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class ActivityTotal:
    activity_type: ActivityType
    count: int
    minutes: int
    gp_appointments: Decimal
    monthly: list[int]


@dataclass
class BeforeAfter:
    activity_type: ActivityType
    months_before: int
    months_after: int
    average_before: float | None
    average_after: float | None


@dataclass
class ImpactSummary:
    organisation: Organisation
    job_role: JobRole | None
    months: list[date]
    totals: list[ActivityTotal]
    minutes_per_gp_appointment: int
    gp_minutes_by_month: list[int]
    people_recording: int
    # The month still running on the day the summary was made, if it is in `months`.
    partial_month: date | None = None
    role_started_on: date | None = None
    before_after: list[BeforeAfter] = field(default_factory=list)

    @property
    def total_gp_appointments(self) -> Decimal:
        """Each activity counted once: its count times the GP appointments one releases."""
        return sum((t.gp_appointments for t in self.totals), Decimal(0))

    def is_partial(self, month: date) -> bool:
        return month == self.partial_month

    @property
    def total_gp_minutes(self) -> int:
        return sum(self.gp_minutes_by_month)

    @property
    def total_gp_hours(self) -> float:
        return round(self.total_gp_minutes / 60, 1)


def _gp_minutes(count: int, per_unit: Decimal, minutes_per_appointment: int) -> int:
    return int((Decimal(count) * per_unit * minutes_per_appointment).to_integral_value())


def impact_summary(
    user,
    organisation: Organisation,
    *,
    job_role: JobRole | None = None,
    end: date | None = None,
    months: int = 12,
) -> ImpactSummary:
    """Totals and monthly trends of every activity in the organisation's subtree."""
    today = end or timezone.localdate()
    last = today.replace(day=1)
    first = add_months(last, -(months - 1))
    month_list = month_range(first, last)
    records = records_for(user, organisation).filter(
        period_start__gte=first, period_start__lt=add_months(last, 1)
    )
    if job_role is not None:
        records = records.filter(activity_type__job_role=job_role)
    rows = records.values("activity_type_id", "period_start").annotate(
        count=Sum("count"), minutes=Sum("minutes")
    )
    per_type: dict[int, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in rows:
        bucket = per_type[row["activity_type_id"]][row["period_start"].replace(day=1)]
        bucket[0] += row["count"] or 0
        bucket[1] += row["minutes"] or 0
    every_type = activity_types_for(job_role).order_by("job_role__name", "order", "name")
    types = [t for t in every_type if t.pk in per_type] if job_role is None else list(every_type)
    gp_rate = minutes_per_gp_appointment(organisation)
    totals = []
    gp_by_month = [0] * len(month_list)
    for activity in types:
        months_of = per_type.get(activity.pk, {})
        monthly = [months_of.get(m, [0, 0])[0] for m in month_list]
        count = sum(monthly)
        for i, value in enumerate(monthly):
            gp_by_month[i] += _gp_minutes(value, activity.gp_appointments_per_unit, gp_rate)
        totals.append(
            ActivityTotal(
                activity_type=activity,
                count=count,
                minutes=sum(months_of.get(m, [0, 0])[1] for m in month_list),
                gp_appointments=Decimal(count) * activity.gp_appointments_per_unit,
                monthly=monthly,
            )
        )
    summary = ImpactSummary(
        organisation=organisation,
        job_role=job_role,
        months=month_list,
        totals=totals,
        minutes_per_gp_appointment=gp_rate,
        gp_minutes_by_month=gp_by_month,
        people_recording=records.values("person_id").distinct().count(),
        partial_month=last if add_months(last, 1) - timedelta(days=1) > today else None,
    )
    if job_role is not None:
        _add_before_after(user, summary, last)
    return summary


def _add_before_after(user, summary: ImpactSummary, last: date) -> None:
    """Monthly averages before and after the first person in the role started there."""
    organisation, job_role = summary.organisation, summary.job_role
    started = (
        Person.objects.filter(policy.allowed_q(user, policy.VIEW_PERSON))
        .filter(employer__path__startswith=organisation.path, job_role=job_role)
        .aggregate(first=Min("start_date"))["first"]
    )
    summary.role_started_on = started
    if started is None:
        return
    start_month = started.replace(day=1)
    records = records_for(user, organisation).filter(
        Q(activity_type__job_role=job_role), period_start__lt=add_months(last, 1)
    )
    earliest = records.aggregate(first=Min("period_start"))["first"]
    first_month = min(earliest.replace(day=1), start_month) if earliest else start_month
    months_before = len(month_range(first_month, add_months(start_month, -1)))
    months_after = len(month_range(start_month, last))
    sums = records.values("activity_type_id").annotate(
        before=Sum("count", filter=Q(period_start__lt=start_month)),
        after=Sum("count", filter=Q(period_start__gte=start_month)),
    )
    by_type = {row["activity_type_id"]: row for row in sums}
    for total in summary.totals:
        row: Mapping[str, Any] = by_type.get(total.activity_type.pk, {})
        summary.before_after.append(
            BeforeAfter(
                activity_type=total.activity_type,
                months_before=months_before,
                months_after=months_after,
                average_before=round((row.get("before") or 0) / months_before, 1)
                if months_before
                else None,
                average_after=round((row.get("after") or 0) / months_after, 1)
                if months_after
                else None,
            )
        )


def may_see_activity_types(user) -> bool:
    """Anyone who can see an impact dashboard, and the admins who set the types up."""
    return impact_organisations(user).exists() or may_configure_activity_types(user)


def may_configure_activity_types(user) -> bool:
    """Activity types are shared reference data: any organisation admin may set them up."""
    return policy.allows_anywhere(user, policy.MANAGE_ORGANISATIONS)


def all_activity_types() -> QuerySet[ActivityType]:
    """Every activity type, retired ones too, for the list admins keep."""
    return ActivityType.objects.select_related("job_role").order_by(
        "job_role__name", "-active", "order", "name"
    )


def get_activity_type(pk: int) -> ActivityType:
    """The activity type, or ActivityType.DoesNotExist."""
    return all_activity_types().get(pk=pk)


def activity_types_by_role() -> list[tuple[JobRole, list[ActivityType]]]:
    grouped: dict[JobRole, list[ActivityType]] = {}
    for activity_type in all_activity_types():
        grouped.setdefault(activity_type.job_role, []).append(activity_type)
    return list(grouped.items())


def may_use_impact(user) -> bool:
    """Whether Impact offers the user anything: a dashboard (view_people somewhere), setting
    up activity types (admins), or recording activity (record_activity: their own or their
    staff's) for someone whose job role has activity types to record."""
    if not user.is_authenticated:
        return False
    if policy.allows_anywhere(user, policy.VIEW_PEOPLE) or may_configure_activity_types(user):
        return True
    if policy.admits_only_oneself(user, policy.RECORD_ACTIVITY):
        # Practitioners and supervisors, on every page's menu: their own record came with
        # the request's user, and the question left is one compiled query (ADR 0027).
        person = policy.own_person(user)
        return bool(person and _active_types_of_role(person.job_role_id))
    recordable = people_actor_may_record_for(user).filter(job_role__activity_types__active=True)
    return recordable.exists()


def _one_active_type_of_role(job_role_id: int) -> QuerySet:
    # Unordered: the model's ordering would join the job roles for nothing.
    types = ActivityType.objects.filter(job_role_id=job_role_id, active=True).order_by()
    return types.values_list("pk", flat=True)[:1]


_active_types_of_role = CompiledQuery(_one_active_type_of_role, int)
