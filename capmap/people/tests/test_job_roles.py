"""Job roles: seeded with the PCN and practice roles, listed for everyone, added by admins."""

import pytest

from capmap.organisations.models import Role
from capmap.people.job_roles import STARTER_JOB_ROLES
from capmap.people.models import JobRole
from capmap.people.tests.factories import manager_of, tree_with_ods_codes

pytestmark = pytest.mark.django_db


def test_starter_roles_are_seeded():
    assert JobRole.objects.count() >= len(STARTER_JOB_ROLES)
    assert JobRole.objects.get(slug="first-contact-physiotherapist").arrs


def test_job_roles_list_shows_names_and_import_names(client):
    client.force_login(manager_of(tree_with_ods_codes().pcn_a))
    page = client.get("/people/job-roles/").content.decode()
    assert "Social prescribing link worker" in page
    assert "social-prescribing-link-worker" in page
    assert "Add a job role" not in page


def test_admin_adds_a_job_role_for_any_health_or_care_service(client):
    client.force_login(manager_of(tree_with_ods_codes().ics, Role.ADMIN))
    assert client.get("/people/job-roles/add/").status_code == 200
    response = client.post(
        "/people/job-roles/add/",
        {"name": "Domiciliary care worker", "staff_group": "non_clinical", "arrs": ""},
    )
    assert response.status_code == 302
    role = JobRole.objects.get(slug="domiciliary-care-worker")
    assert (role.staff_group, role.arrs) == ("non_clinical", False)


def test_duplicate_role_name_is_shown_in_the_error_summary(client):
    client.force_login(manager_of(tree_with_ods_codes().ics, Role.ADMIN))
    page = client.post(
        "/people/job-roles/add/", {"name": "Paramedic", "staff_group": "clinical"}
    ).content.decode()
    assert "There is a problem" in page
    assert "There is already a job role called Paramedic." in page


def test_manager_cannot_add_job_roles(client):
    client.force_login(manager_of(tree_with_ods_codes().pcn_a))
    assert client.get("/people/job-roles/add/").status_code == 403
    response = client.post("/people/job-roles/add/", {"name": "X", "staff_group": "clinical"})
    assert response.status_code == 403
    assert not JobRole.objects.filter(name="X").exists()
