"""Organisation admins set up the activity types each job role counts, in the product."""

import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from capmap.core.exceptions import DomainError, NotPermitted
from capmap.impact import services
from capmap.impact.models import ActivityType
from capmap.impact.tests.factories import ActivityRecordFactory, activity
from capmap.organisations.models import Role
from capmap.organisations.tests.conftest import audit_trail, member
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory, tree
from capmap.people.tests.factories import job_role

pytestmark = pytest.mark.django_db

NEW = "/impact/activity-types/new/"


def form_data(**overrides) -> dict:
    data = {
        "name": "Care home visits",
        "job_role": job_role().pk,
        "description": "",
        "unit": "count",
        "better": "higher",
        "gp_appointments_per_unit": "1.5",
        "active": "on",
    }
    return data | overrides


@pytest.fixture
def people():
    t = tree()
    return {
        "tree": t,
        "admin": MembershipFactory(organisation=t.practice_a, role=Role.ADMIN).user,
        "manager": MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user,
        "practitioner": MembershipFactory(organisation=t.practice_a, role=Role.PRACTITIONER).user,
        "viewer": MembershipFactory(organisation=t.pcn_b, role=Role.VIEWER).user,
    }


def test_admin_creates_an_activity_type_from_the_page(client, people):
    client.force_login(people["admin"])
    assert "<h1>Add an activity type</h1>" in client.get(NEW).content.decode()
    response = client.post(NEW, form_data(is_estimate="on"))
    assert response.status_code == 302
    created = ActivityType.objects.get(name="Care home visits")
    assert created.job_role == job_role()
    assert created.slug == "care-home-visits"
    assert created.gp_appointments_per_unit == Decimal("1.5")
    assert created.is_estimate and created.active
    entry = LogEntry.objects.get_for_object(created).get()
    assert entry.actor == people["admin"]


def test_admin_edits_and_retires_an_activity_type_keeping_its_records(client, people):
    reviews = activity("structured-medication-reviews")
    ActivityRecordFactory(activity_type=reviews)
    client.force_login(people["admin"])
    page = client.get(f"/impact/activity-types/{reviews.pk}/").content.decode()
    assert 'value="Structured medication reviews"' in page
    data = form_data(name="Structured medication reviews (SMR)", gp_appointments_per_unit="2")
    del data["active"]
    response = client.post(f"/impact/activity-types/{reviews.pk}/", data)
    assert response.status_code == 302
    reviews.refresh_from_db()
    assert reviews.name == "Structured medication reviews (SMR)"
    assert reviews.gp_appointments_per_unit == Decimal("2")
    assert not reviews.active
    assert reviews.slug == "structured-medication-reviews"  # CSV files keep working
    assert reviews.records.count() == 1
    assert LogEntry.objects.get_for_object(reviews).latest("timestamp").actor == people["admin"]


@pytest.mark.parametrize("who", ["manager", "practitioner", "viewer"])
def test_only_organisation_admins_may_create_or_edit(client, people, who):
    reviews = activity("structured-medication-reviews")
    client.force_login(people[who])
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data()).status_code == 403
    assert client.get(f"/impact/activity-types/{reviews.pk}/").status_code == 403
    assert client.post(f"/impact/activity-types/{reviews.pk}/", form_data()).status_code == 403
    assert not ActivityType.objects.filter(name="Care home visits").exists()
    with pytest.raises(NotPermitted):
        services.create_activity_type(actor=people[who], name="X", job_role=job_role())
    with pytest.raises(NotPermitted):
        services.update_activity_type(actor=people[who], activity_type=reviews, active=False)


def test_duplicate_name_for_the_role_is_refused_with_a_message(client, people):
    client.force_login(people["admin"])
    response = client.post(NEW, form_data(name="structured  Medication reviews"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is already an activity called structured Medication reviews" in page
    assert "nhsuk-error-summary" in page
    assert ActivityType.objects.filter(slug="structured-medication-reviews").count() == 1


def test_the_same_name_is_allowed_for_another_role(people):
    other_role = ActivityType.objects.exclude(job_role=job_role()).first().job_role
    created = services.create_activity_type(
        actor=people["admin"], name="Structured medication reviews", job_role=other_role
    )
    assert created.job_role == other_role


def test_negative_gp_appointments_are_refused_with_a_message(client, people):
    client.force_login(people["admin"])
    response = client.post(NEW, form_data(gp_appointments_per_unit="-1"))
    assert response.status_code == 200
    assert "GP appointments released per unit must be 0 or more." in response.content.decode()
    assert not ActivityType.objects.filter(name="Care home visits").exists()
    with pytest.raises(DomainError, match="0 or more"):
        services.create_activity_type(
            actor=people["admin"],
            name="Care home visits",
            job_role=job_role(),
            gp_appointments_per_unit=Decimal("-0.5"),
        )


def test_job_role_of_a_type_with_records_cannot_change(people):
    reviews = activity("structured-medication-reviews")
    ActivityRecordFactory(activity_type=reviews)
    other_role = ActivityType.objects.exclude(job_role=job_role()).first().job_role
    with pytest.raises(DomainError, match="cannot change"):
        services.update_activity_type(
            actor=people["admin"], activity_type=reviews, job_role=other_role
        )


def test_list_groups_types_by_role_for_dashboard_viewers(client, people):
    reviews = activity("structured-medication-reviews")
    client.force_login(people["viewer"])
    page = client.get("/impact/activity-types/").content.decode()
    assert f'<caption class="nhsuk-table__caption">{job_role().name}</caption>' in page
    assert reviews.name in page
    assert "Add an activity type" not in page
    assert f"/impact/activity-types/{reviews.pk}/" not in page
    client.force_login(people["admin"])
    page = client.get("/impact/activity-types/").content.decode()
    assert "Add an activity type" in page
    assert f"/impact/activity-types/{reviews.pk}/" in page


def test_people_without_dashboard_access_cannot_see_the_list(client, people):
    client.force_login(people["practitioner"])
    assert client.get("/impact/activity-types/").status_code == 403


def test_impact_pages_link_to_the_list(client, people):
    client.force_login(people["manager"])
    assert "/impact/activity-types/" in client.get("/impact/").content.decode()
    dashboard = client.get(f"/impact/organisations/{people['tree'].pcn_a.pk}/")
    assert "/impact/activity-types/" in dashboard.content.decode()


def test_missing_activity_type_is_not_found(client, people):
    client.force_login(people["admin"])
    assert client.get("/impact/activity-types/999999/").status_code == 404


def test_every_admin_in_every_ics_sees_activity_types_in_the_audit_trail(client, people):
    # Shared reference data: any admin may change it, so every admin sees its history.
    services.create_activity_type(
        actor=people["admin"], name="Care home visits", job_role=job_role()
    )
    other_ics_admin = member(OrganisationFactory(name="Far Away ICS"), Role.ADMIN)
    page = audit_trail(client, other_ics_admin, "impact.activitytype")
    assert "Care home visits" in page and people["admin"].email in page


def test_a_practitioner_is_offered_no_link_on_impact_that_refuses_her(client, people):
    # The dead end found when the product was tried: Impact > "Activity types" gave her a 403.
    client.force_login(people["practitioner"])
    page = client.get("/impact/").content.decode()
    assert "/impact/activity-types/" not in page
    offered = set(re.findall(r'href="(/impact/[^"?#]*)"', page)) - {"/impact/"}
    assert offered  # she may still record her own activity
    for href in sorted(offered):
        assert client.get(href).status_code == 200, href


def test_an_admin_is_offered_the_activity_types(client, people):
    client.force_login(people["admin"])
    assert "/impact/activity-types/" in client.get("/impact/").content.decode()
