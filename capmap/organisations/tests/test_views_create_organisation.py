"""Adding an organisation: admins only, under an organisation they manage, of a fitting kind."""

import pytest
from django.urls import reverse

from capmap.organisations.models import Organisation, OrganisationKind, Role
from capmap.organisations.tests.conftest import member

pytestmark = pytest.mark.django_db
URL = reverse("organisations:create_organisation")


def form(parent, **overrides):
    data = {
        "name": "Bridge Street Surgery",
        "kind": "practice",
        "ods_code": "",
        "parent": parent.pk,
    }
    return {**data, **overrides}


def test_pcn_admin_adds_a_practice_to_their_pcn(t, pcn_admin, as_user):
    client = as_user(pcn_admin)
    response = client.post(URL, form(t.pcn_a, ods_code=" f86099 "))
    created = Organisation.objects.get(name="Bridge Street Surgery")
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:show_organisation", args=[created.pk])
    assert created.ods_code == "F86099"
    assert created.path == f"{t.pcn_a.path}{created.pk}/"
    assert (
        "Bridge Street Surgery has been added" in client.get(response["Location"]).content.decode()
    )


def test_form_starts_with_the_parent_from_the_link(t, pcn_admin, as_user):
    html = as_user(pcn_admin).get(URL, {"parent": t.pcn_a.pk}).content.decode()
    assert f'<option value="{t.pcn_a.pk}" selected' in html


def test_parent_choices_are_only_organisations_the_admin_manages(t, pcn_admin, as_user):
    html = as_user(pcn_admin).get(URL).content.decode()
    assert "Riverside PCN" in html
    assert "Hillside PCN" not in html
    assert "North East Test ICS" not in html
    assert "Integrated care system" not in html  # only system administrators add an ICS


def test_invalid_ods_code_is_explained_in_an_error_summary(t, pcn_admin, as_user):
    response = as_user(pcn_admin).post(URL, form(t.pcn_a, ods_code="12-AB"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "Enter an ODS code" in html
    assert 'href="#id_ods_code"' in html
    assert "<title>Error: Add an organisation" in html
    assert not Organisation.objects.filter(name="Bridge Street Surgery").exists()


def test_duplicate_ods_code_is_refused_without_naming_the_other_organisation(t, pcn_admin, as_user):
    t.practice_b.ods_code = "F86002"
    t.practice_b.save()
    response = as_user(pcn_admin).post(URL, form(t.pcn_a, ods_code="F86002"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Another organisation already has the ODS code F86002" in html
    assert "Hillside Medical Centre" not in html


def test_kind_that_cannot_sit_under_the_parent_is_refused(t, pcn_admin, as_user):
    response = as_user(pcn_admin).post(URL, form(t.pcn_a, kind="trust"))
    assert response.status_code == 400
    assert "An NHS trust must be part of an integrated care system" in response.content.decode()


def test_parent_outside_the_admins_scope_is_not_a_valid_choice(t, pcn_admin, as_user):
    response = as_user(pcn_admin).post(URL, form(t.pcn_b))
    assert response.status_code == 400
    assert "Select one of the options given for" in response.content.decode()
    assert not t.pcn_b.children.filter(name="Bridge Street Surgery").exists()


def test_missing_name_and_parent_are_both_reported(t, pcn_admin, as_user):
    response = as_user(pcn_admin).post(URL, {"name": "", "kind": "practice", "parent": ""})
    html = response.content.decode()
    assert 'href="#id_name"' in html
    assert "Choose the organisation this GP practice is part of." in html


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VIEWER, Role.PRACTITIONER])
def test_non_admins_get_403(t, as_user, role):
    client = as_user(member(t.pcn_a, role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, form(t.pcn_a)).status_code == 403
    assert not Organisation.objects.filter(
        kind=OrganisationKind.PRACTICE, name="Bridge Street Surgery"
    ).exists()
