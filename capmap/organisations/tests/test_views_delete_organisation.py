"""Deleting an organisation: asked on its own page, refused while children or staff remain."""

import pytest
from django.urls import reverse

from capmap.organisations.models import Membership, Organisation, Role
from capmap.organisations.tests.conftest import member
from capmap.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def url(organisation):
    return reverse("organisations:delete_organisation", args=[organisation.pk])


def test_get_asks_for_confirmation_and_deletes_nothing(t, pcn_admin, as_user):
    response = as_user(pcn_admin).get(url(t.practice_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Are you sure you want to delete Riverside Surgery?" in html
    assert "Yes, delete this organisation" in html
    assert Organisation.objects.filter(pk=t.practice_a.pk).exists()


def test_confirming_deletes_it_and_returns_to_the_parent(t, pcn_admin, as_user):
    someone = member(t.practice_a, Role.VIEWER)
    client = as_user(pcn_admin)
    response = client.post(url(t.practice_a))
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:show_organisation", args=[t.pcn_a.pk])
    assert not Organisation.objects.filter(pk=t.practice_a.pk).exists()
    assert not Membership.objects.filter(user=someone).exists()
    assert "Riverside Surgery has been deleted" in client.get(response["Location"]).content.decode()


def test_organisation_with_children_cannot_be_deleted(t, pcn_admin, as_user):
    client = as_user(pcn_admin)
    html = client.get(url(t.pcn_a)).content.decode()
    assert "You cannot delete Riverside PCN yet" in html
    assert "move or delete them first" in html
    assert "Yes, delete" not in html
    response = client.post(url(t.pcn_a))
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert Organisation.objects.filter(pk=t.pcn_a.pk).exists()


def test_organisation_that_employs_staff_cannot_be_deleted(t, pcn_admin, as_user):
    PersonFactory(employer=t.practice_a)
    response = as_user(pcn_admin).post(url(t.practice_a))
    assert response.status_code == 400
    assert "It still employs staff" in response.content.decode()
    assert Organisation.objects.filter(pk=t.practice_a.pk).exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SUPERVISOR])
def test_non_admins_get_403(t, as_user, role):
    client = as_user(member(t.pcn_a, role))
    assert client.get(url(t.practice_a)).status_code == 403
    assert client.post(url(t.practice_a)).status_code == 403
    assert Organisation.objects.filter(pk=t.practice_a.pk).exists()


def test_admin_of_another_pcn_gets_404_and_deletes_nothing(t, other_pcn_admin, as_user):
    client = as_user(other_pcn_admin)
    assert client.get(url(t.practice_a)).status_code == 404
    assert client.post(url(t.practice_a)).status_code == 404
    assert Organisation.objects.filter(pk=t.practice_a.pk).exists()
