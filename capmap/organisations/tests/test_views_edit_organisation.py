"""Changing an organisation's details, or moving it under another organisation the admin manages."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from capmap.organisations.models import Organisation, OrganisationKind, Role
from capmap.organisations.tests.conftest import member
from capmap.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def url(organisation):
    return reverse("organisations:edit_organisation", args=[organisation.pk])


def test_admin_renames_a_practice_and_sets_its_ods_code(t, pcn_admin, as_user):
    data = {"name": "Riverside Health Centre", "ods_code": "f86001", "parent": t.pcn_a.pk}
    response = as_user(pcn_admin).post(url(t.practice_a), data)
    assert response.status_code == 302
    t.practice_a.refresh_from_db()
    assert t.practice_a.name == "Riverside Health Centre"
    assert t.practice_a.ods_code == "F86001"


def test_the_audit_trail_names_the_admin_who_renamed_the_practice(t, pcn_admin, as_user):
    """The acting user is looked up only when an entry is written, and still recorded."""
    data = {"name": "Riverside Health Centre", "ods_code": "", "parent": t.pcn_a.pk}
    as_user(pcn_admin).post(url(t.practice_a), data)
    entry = LogEntry.objects.get_for_object(t.practice_a).latest("timestamp")
    assert entry.changes_dict["name"] == ["Riverside Surgery", "Riverside Health Centre"]
    assert entry.actor == pcn_admin
    assert entry.actor_email == pcn_admin.email


def test_form_shows_current_values_and_no_kind_field(t, pcn_admin, as_user):
    html = as_user(pcn_admin).get(url(t.practice_a)).content.decode()
    assert 'value="Riverside Surgery"' in html
    assert 'name="kind"' not in html
    assert f'<option value="{t.pcn_a.pk}" selected' in html


def test_ics_admin_moves_a_practice_to_the_other_pcn_and_its_site_follows(t, ics_admin, as_user):
    site = OrganisationFactory(name="Branch site", kind=OrganisationKind.SITE, parent=t.practice_a)
    data = {"name": "Riverside Surgery", "ods_code": "", "parent": t.pcn_b.pk}
    response = as_user(ics_admin).post(url(t.practice_a), data)
    assert response.status_code == 302
    t.practice_a.refresh_from_db()
    site.refresh_from_db()
    assert t.practice_a.path == f"{t.pcn_b.path}{t.practice_a.pk}/"
    assert site.path == f"{t.practice_a.path}{site.pk}/"


def test_pcn_admin_cannot_move_a_practice_to_another_pcn(t, pcn_admin, as_user):
    data = {"name": "Riverside Surgery", "ods_code": "", "parent": t.pcn_b.pk}
    response = as_user(pcn_admin).post(url(t.practice_a), data)
    assert response.status_code == 400
    assert "Select one of the options given for" in response.content.decode()
    assert Organisation.objects.get(pk=t.practice_a.pk).parent == t.pcn_a


def test_pcn_admin_may_keep_their_pcn_under_the_ics_they_do_not_manage(t, pcn_admin, as_user):
    data = {"name": "Riverside PCN (North)", "ods_code": "U12345", "parent": t.ics.pk}
    response = as_user(pcn_admin).post(url(t.pcn_a), data)
    assert response.status_code == 302
    assert Organisation.objects.get(pk=t.pcn_a.pk).name == "Riverside PCN (North)"


def test_an_organisation_cannot_move_inside_its_own_subtree(t, ics_admin, as_user):
    html = as_user(ics_admin).get(url(t.pcn_a)).content.decode()
    assert f'<option value="{t.practice_a.pk}"' not in html


def test_duplicate_ods_code_is_refused_with_an_error_summary(t, pcn_admin, as_user):
    t.practice_b.ods_code = "F86002"
    t.practice_b.save()
    data = {"name": "Riverside Surgery", "ods_code": "F86002", "parent": t.pcn_a.pk}
    response = as_user(pcn_admin).post(url(t.practice_a), data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert "already has the ODS code F86002" in response.content.decode()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VIEWER])
def test_non_admins_inside_the_organisation_get_403(t, as_user, role):
    client = as_user(member(t.pcn_a, role))
    assert client.get(url(t.practice_a)).status_code == 403
    data = {"name": "Renamed", "ods_code": "", "parent": t.pcn_a.pk}
    assert client.post(url(t.practice_a), data).status_code == 403
    assert Organisation.objects.get(pk=t.practice_a.pk).name == "Riverside Surgery"


def test_admin_of_another_pcn_gets_404(t, other_pcn_admin, as_user):
    client = as_user(other_pcn_admin)
    assert client.get(url(t.practice_a)).status_code == 404
    data = {"name": "Renamed", "ods_code": "", "parent": t.pcn_b.pk}
    assert client.post(url(t.practice_a), data).status_code == 404
