"""Framework pages: tenancy, export downloads and import with a preview."""

import json

import pytest
from django.urls import reverse

from capmap.frameworks.models import Framework, RoleProfile
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree

from .factories import SMALL_CSV, framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    orgs = tree()
    ours = framework(owner=orgs.pcn_a, slug="riverside-own")
    library = framework(owner=None, slug="shared-one")
    return orgs, ours, library


def _login(client, organisation, role):
    user = MembershipFactory(organisation=organisation, role=role).user
    client.force_login(user)
    return user


def test_list_shows_own_and_library_frameworks(client, setup):
    orgs, _ours, _library = setup
    _login(client, orgs.pcn_a, Role.VIEWER)
    page = client.get(reverse("frameworks:list_frameworks")).content.decode()
    assert "riverside-own" in page and "shared-one" in page


def test_admin_of_another_pcn_sees_only_the_library(client, setup):
    orgs, ours, library = setup
    _login(client, orgs.pcn_b, Role.ADMIN)
    page = client.get(reverse("frameworks:list_frameworks")).content.decode()
    assert "shared-one" in page and "riverside-own" not in page
    assert client.get(reverse("frameworks:show_framework", args=[ours.slug])).status_code == 404
    for fmt in ("case", "csv"):
        url = reverse("frameworks:export_framework", args=[ours.slug, fmt])
        assert client.get(url).status_code == 404
    assert client.get(reverse("frameworks:show_framework", args=[library.slug])).status_code == 200


def test_export_downloads_the_case_package(client, setup):
    orgs, ours, _library = setup
    _login(client, orgs.pcn_a, Role.PRACTITIONER)
    response = client.get(reverse("frameworks:export_framework", args=[ours.slug, "case"]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["CFDocument"]["identifier"] == "d1"


def test_role_profile_of_another_pcn_is_not_found(client, setup):
    from capmap.people.tests.factories import job_role

    orgs, ours, _library = setup
    profile = RoleProfile.objects.create(
        version=ours.versions.get(), job_role=job_role(), stage="junior"
    )
    _login(client, orgs.pcn_b, Role.ADMIN)
    url = reverse("frameworks:show_role_profile", args=[profile.pk])
    assert client.get(url).status_code == 404
    _login(client, orgs.pcn_a, Role.VIEWER)
    assert client.get(url).status_code == 200


def test_import_shows_a_preview_and_stores_only_on_confirm(client):
    orgs = tree()
    _login(client, orgs.pcn_a, Role.MANAGER)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("pharmacist.csv", SMALL_CSV.encode(), "text/csv")
    page = client.post(
        reverse("frameworks:import_framework"), {"file": upload, "owner": orgs.pcn_a.pk}
    )
    assert "3 domains and 3 competencies" in page.content.decode().replace("\n", " ")
    assert not Framework.objects.exists()
    response = client.post(reverse("frameworks:confirm_import"))
    stored = Framework.objects.get()
    assert stored.owner == orgs.pcn_a
    assert response.url == reverse("frameworks:show_framework", args=[stored.slug])
    page = client.get(response.url).content.decode()
    assert f"The framework {stored.title} has been imported." in page


def test_import_of_a_broken_file_lists_the_problem(client):
    orgs = tree()
    _login(client, orgs.pcn_a, Role.ADMIN)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("broken.json", b'{"CFItems": []}', "application/json")
    page = client.post(
        reverse("frameworks:import_framework"), {"file": upload, "owner": orgs.pcn_a.pk}
    )
    assert "no CFDocument" in page.content.decode()
    assert not Framework.objects.exists()


def test_import_of_a_deeply_nested_json_is_refused_with_a_message(client):
    # Security finding 5: Python's parser recursed until a RecursionError (a 500).
    orgs = tree()
    _login(client, orgs.pcn_a, Role.ADMIN)
    from django.core.files.uploadedfile import SimpleUploadedFile

    deep = b'{"CFDocument": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    upload = SimpleUploadedFile("deep.json", deep, "application/json")
    page = client.post(
        reverse("frameworks:import_framework"), {"file": upload, "owner": orgs.pcn_a.pk}
    )
    assert page.status_code == 200
    assert "more than 64 levels deep" in page.content.decode()
    assert not Framework.objects.exists()


def test_import_into_another_pcn_is_refused(client):
    orgs = tree()
    _login(client, orgs.pcn_a, Role.ADMIN)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.csv", SMALL_CSV.encode(), "text/csv")
    page = client.post(
        reverse("frameworks:import_framework"), {"file": upload, "owner": orgs.pcn_b.pk}
    )
    assert (
        page.status_code == 200
        and "Select one of the options given for who owns the framework" in page.content.decode()
    )
    assert not Framework.objects.exists()


def test_practitioner_cannot_open_the_import_page(client):
    orgs = tree()
    _login(client, orgs.pcn_a, Role.PRACTITIONER)
    assert client.get(reverse("frameworks:import_framework")).status_code == 403
