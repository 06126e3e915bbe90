"""Recording activity: who may record, one figure per person, activity and period."""

import datetime

import pytest

from capmap.core.exceptions import DomainError, NotPermitted
from capmap.impact import services
from capmap.impact.models import ActivityRecord, ActivityType, ImpactAssumption
from capmap.impact.tests.factories import activity
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree
from capmap.people.tests.factories import PersonFactory, job_role

pytestmark = pytest.mark.django_db


def test_starter_activity_types_cover_pharmacists_and_two_other_roles():
    pharmacist = set(
        ActivityType.objects.filter(job_role__slug="clinical-pharmacist").values_list(
            "name", flat=True
        )
    )
    assert "Structured medication reviews" in pharmacist
    assert "Medicines reconciliation after discharge" in pharmacist
    assert {
        "Prescribing interventions: " + k for k in ("stop", "start", "dose change", "switch")
    } <= pharmacist
    assert "Hospital admissions avoided (estimate)" in pharmacist
    assert ActivityType.objects.filter(job_role__slug="first-contact-physiotherapist").exists()
    assert ActivityType.objects.filter(job_role__slug="social-prescribing-link-worker").exists()


def test_manager_records_a_month_and_a_second_entry_replaces_the_first():
    t = tree()
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    person = PersonFactory(employer=t.practice_a)
    kind = activity("structured-medication-reviews")
    for count in (5, 7):
        services.record_activity(
            actor=manager,
            person=person,
            activity_type=kind,
            period_kind="month",
            period_start=datetime.date(2026, 2, 17),
            count=count,
            minutes=90,
        )
    record = ActivityRecord.objects.get()
    assert (record.count, record.period_start, record.organisation) == (
        7,
        datetime.date(2026, 2, 1),
        t.practice_a,
    )


def test_week_records_start_on_the_monday():
    t = tree()
    membership = MembershipFactory(organisation=t.practice_a, role=Role.PRACTITIONER)
    me = PersonFactory(employer=t.practice_a, user=membership.user)
    record = services.record_activity(
        actor=membership.user,
        person=me,
        activity_type=activity("referrals-avoided"),
        period_kind="week",
        period_start=datetime.date(2026, 3, 5),
        count=2,
    )
    assert record.period_start == datetime.date(2026, 3, 2)


def test_manager_of_another_pcn_cannot_record_for_our_staff():
    t = tree()
    outsider = MembershipFactory(organisation=t.pcn_b, role=Role.MANAGER).user
    person = PersonFactory(employer=t.practice_a)
    with pytest.raises(NotPermitted):
        services.record_activity(
            actor=outsider,
            person=person,
            activity_type=activity("referrals-avoided"),
            period_kind="month",
            period_start=datetime.date(2026, 3, 1),
            count=2,
        )


def test_activity_of_another_role_is_refused():
    t = tree()
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    physio = PersonFactory(
        employer=t.practice_a, job_role=job_role("first-contact-physiotherapist")
    )
    with pytest.raises(DomainError, match="clinical pharmacist"):
        services.record_activity(
            actor=manager,
            person=physio,
            activity_type=activity("referrals-avoided"),
            period_kind="month",
            period_start=datetime.date(2026, 3, 1),
            count=2,
        )


def test_only_an_admin_sets_the_gp_appointment_length():
    t = tree()
    admin = MembershipFactory(organisation=t.pcn_a, role=Role.ADMIN).user
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    services.set_minutes_per_gp_appointment(actor=admin, organisation=t.pcn_a, minutes=12)
    assert ImpactAssumption.objects.get(organisation=t.pcn_a).minutes_per_gp_appointment == 12
    with pytest.raises(NotPermitted):
        services.set_minutes_per_gp_appointment(actor=manager, organisation=t.pcn_a, minutes=15)
