"""The QOF import page (upload, preview, confirm) and the pathway registers page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from capmap.capability.tests.factories import capability_framework, pathway
from capmap.frameworks import services as frameworks
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory
from capmap.population.models import PathwayRegister, PopulationImport, RegisterCount

from .factories import PREVALENCE_2425, nel_tree

pytestmark = pytest.mark.django_db


def _upload(client, content=None, year="2024-25", name="PREVALENCE_2425.csv"):
    content = PREVALENCE_2425.read_bytes() if content is None else content
    return client.post(
        "/population/import/", {"file": SimpleUploadedFile(name, content), "year": year}
    )


@pytest.fixture
def admin_client(client):
    tree = nel_tree()
    client.force_login(MembershipFactory(organisation=tree.icb, role=Role.ADMIN).user)
    return client


def test_an_ics_admin_previews_then_confirms_the_import(admin_client):
    response = _upload(admin_client)
    assert response.status_code == 302
    preview = admin_client.get(response.url).content.decode()
    assert "483 register counts for 23 practices" in preview
    assert "2 practices, 42 rows" in preview  # not in Capmap: skipped
    assert not RegisterCount.objects.exists()  # nothing saved before confirming
    done = admin_client.post(response.url)
    assert done.status_code == 302 and done.url == "/population/"
    assert RegisterCount.objects.filter(year="2024-25").count() == 483
    assert PopulationImport.objects.get().rows == 483
    assert "2024-25" in admin_client.get("/population/import/").content.decode()


def test_a_malformed_row_is_shown_and_nothing_is_imported(admin_client):
    bad = PREVALENCE_2425.read_bytes().replace(b"F82018,DM,1142.0", b"F82018,DM,many")
    response = _upload(admin_client, bad)
    page = admin_client.get(response.url).content.decode()
    assert "Problems in the file" in page and "many" in page
    assert admin_client.post(response.url).status_code == 200
    assert not RegisterCount.objects.exists()


@pytest.mark.parametrize(
    "content, year, message",
    [
        (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "2024-25", "must be a CSV file"),
        (b"PRACTICE_CODE,GROUP_CODE\nF82001,DM\n", "2024-25", "Missing: REGISTER"),
        (None, "2024", "YYYY-YY"),
    ],
)
def test_the_upload_is_checked(admin_client, content, year, message):
    response = _upload(admin_client, content, year)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_manager_may_not_import(client):
    tree = nel_tree()
    client.force_login(MembershipFactory(organisation=tree.icb, role=Role.MANAGER).user)
    assert client.get("/population/import/").status_code == 403


def test_another_admins_preview_is_not_found(admin_client, client):
    response = _upload(admin_client)
    other = MembershipFactory(organisation=OrganisationFactory(), role=Role.ADMIN).user
    client.force_login(other)
    assert client.get(response.url).status_code == 404
    assert client.post(response.url).status_code == 404
    assert not RegisterCount.objects.exists()


@pytest.fixture
def owned_pathway():
    practice = OrganisationFactory(kind="practice", parent=OrganisationFactory())
    manager = MembershipFactory(organisation=practice, role=Role.MANAGER).user
    core = capability_framework()
    own = frameworks.create_pathway(
        actor=manager, title="Respiratory care", slug="respiratory-care", owner=practice
    )
    return own, manager, practice, core


def test_the_pathways_owner_links_it_to_registers(owned_pathway, client):
    own, manager, _, _ = owned_pathway
    client.force_login(manager)
    url = f"/population/pathways/{own.slug}/registers/"
    assert "Asthma (AST)" in client.get(url).content.decode()
    response = client.post(url, {"registers": ["AST", "COPD"]})
    assert response.status_code == 302
    assert set(own.registers.values_list("register", flat=True)) == {"AST", "COPD"}
    client.post(url, {"registers": ["COPD"]})
    assert set(own.registers.values_list("register", flat=True)) == {"COPD"}


def test_a_viewer_of_the_pathway_may_not_change_its_registers(owned_pathway, client):
    own, _, practice, _ = owned_pathway
    client.force_login(MembershipFactory(organisation=practice, role=Role.VIEWER).user)
    url = f"/population/pathways/{own.slug}/registers/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"registers": ["AST"]}).status_code == 403
    assert not PathwayRegister.objects.filter(pathway=own).exists()


def test_another_organisations_user_cannot_find_the_pathway(owned_pathway, client):
    own, _, _, _ = owned_pathway
    client.force_login(MembershipFactory(organisation=OrganisationFactory(), role=Role.ADMIN).user)
    url = f"/population/pathways/{own.slug}/registers/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"registers": ["AST"]}).status_code == 404


def test_only_a_system_administrator_changes_a_library_pathways_registers(client):
    capability_framework()
    library = pathway("library-pathway", [])
    client.force_login(MembershipFactory(organisation=OrganisationFactory(), role=Role.ADMIN).user)
    assert client.get(f"/population/pathways/{library.slug}/registers/").status_code == 403


def test_the_need_page_lists_pathways_with_a_change_link_for_their_owner(owned_pathway, client):
    own, manager, practice, _ = owned_pathway
    link = f'href="/population/pathways/{own.slug}/registers/"'
    client.force_login(manager)
    page = client.get("/population/").content.decode()
    assert "Respiratory care" in page and "No register yet" in page and link in page
    client.force_login(MembershipFactory(organisation=practice, role=Role.VIEWER).user)
    page = client.get("/population/").content.decode()
    assert "Respiratory care" in page and link not in page
