"""The ODS import pages: an ICS admin uploads the files, sees what would change, confirms."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capmap.organisations.models import Organisation, OrganisationKind, Role

from .factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "ods"
URL = reverse("organisations:import_organisations")


def upload(**replace) -> dict:
    fields = {
        "epraccur": "epraccur.csv",
        "etr": "etr.csv",
        "ets": "ets.csv",
        "epcn": "ePCN.xlsx",
        "practice_map": "gp-reg-pat-prac-map.csv",
    }
    data = {}
    for field, name in fields.items():
        content = replace.get(field, (FIXTURES / name).read_bytes())
        data[field] = SimpleUploadedFile(name, content)
    return data


@pytest.fixture
def london(db):
    return OrganisationFactory(name="North East London", ods_code="QMF")


@pytest.fixture
def london_admin(london):
    return MembershipFactory(organisation=london, role=Role.ADMIN).user


@pytest.fixture
def other_ics_admin(db):
    other = OrganisationFactory(name="Elsewhere ICS", ods_code="QOP")
    return MembershipFactory(organisation=other, role=Role.ADMIN).user


def test_an_ics_admin_previews_then_imports_the_files(client, london, london_admin):
    client.force_login(london_admin)

    response = client.post(URL, upload())
    assert response.status_code == 302
    preview = client.get(response["Location"])
    html = preview.content.decode()

    assert "Check the import" in html
    # North East London: its 2 PCNs, 12 practices, 2 trusts, 3 sites; its name from the map.
    assert "19 to add, 1 to update (of them 0 closing), 0 unchanged." in html
    assert "outside the integrated care systems you manage" in html
    assert not Organisation.objects.filter(kind=OrganisationKind.PRACTICE).exists()

    done = client.post(response["Location"])

    assert done.status_code == 302
    assert done["Location"] == reverse("organisations:list_organisations")
    practice = Organisation.objects.get(ods_code="F84640")
    assert practice.parent.ods_code == "U07169"
    assert practice.parent.parent_id == london.pk
    assert not Organisation.objects.filter(ods_code="U89141").exists()


def test_a_second_upload_of_the_same_files_says_nothing_would_change(client, london_admin):
    client.force_login(london_admin)
    client.post(client.post(URL, upload())["Location"])

    preview = client.get(client.post(URL, upload())["Location"])

    assert "Nothing to change: the tree already matches the files" in preview.content.decode()


def test_a_bad_line_shows_the_file_and_line_and_imports_nothing(client, london_admin):
    client.force_login(london_admin)
    lines = (FIXTURES / "epraccur.csv").read_bytes().splitlines(keepends=True)
    lines[8] = lines[8].replace(b'"F84003"', b'"F84-003"', 1)

    location = client.post(URL, upload(epraccur=b"".join(lines)))["Location"]
    html = client.get(location).content.decode()

    assert "Problems in the files" in html
    assert "epraccur.csv, line 9: The ODS code “F84-003” is not an ODS code" in html
    response = client.post(location)
    assert response.status_code == 200
    assert not Organisation.objects.filter(kind=OrganisationKind.PRACTICE).exists()


def test_a_file_of_the_wrong_type_is_refused_at_upload(client, london_admin):
    client.force_login(london_admin)

    response = client.post(
        URL, upload(epcn=(FIXTURES / "etr.csv").read_bytes(), epraccur=b"%PDF-1.4\n%%EOF\n")
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose the Excel workbook ePCN.xlsx, as published." in html
    assert "Choose the CSV file epraccur.csv, as published." in html


def test_uploading_no_file_asks_for_one(client, london_admin):
    client.force_login(london_admin)

    response = client.post(URL, {})

    assert response.status_code == 400
    assert "Choose at least one ODS file to upload." in response.content.decode()


def test_a_pcn_admin_cannot_import(client, london):
    pcn = OrganisationFactory(name="A PCN", kind=OrganisationKind.PCN, parent=london)
    client.force_login(MembershipFactory(organisation=pcn, role=Role.ADMIN).user)

    assert client.get(URL).status_code == 403
    assert client.post(URL, upload()).status_code == 403


def test_an_admin_of_another_ics_cannot_open_this_preview(client, london_admin, other_ics_admin):
    client.force_login(london_admin)
    location = client.post(URL, upload())["Location"]
    client.force_login(other_ics_admin)

    assert client.get(location).status_code == 404
    assert client.post(location).status_code == 404
    assert not Organisation.objects.filter(kind=OrganisationKind.PRACTICE).exists()


def test_the_organisations_page_links_to_the_import_for_ics_admins_only(
    client, london, london_admin
):
    client.force_login(london_admin)
    html = client.get(reverse("organisations:list_organisations")).content.decode()
    assert re.search(r'href="/organisations/import/"', html)

    pcn = OrganisationFactory(name="A PCN", kind=OrganisationKind.PCN, parent=london)
    client.force_login(MembershipFactory(organisation=pcn, role=Role.ADMIN).user)
    html = client.get(reverse("organisations:list_organisations")).content.decode()
    assert "/organisations/import/" not in html
