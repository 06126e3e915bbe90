"""Removing a member, after confirming on its own page."""

import pytest
from django.urls import reverse

from capmap.organisations.models import Membership, Role
from capmap.organisations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def url(membership):
    return reverse("organisations:remove_member", args=[membership.organisation_id, membership.pk])


def test_get_asks_for_confirmation(t, pcn_admin, as_user):
    membership = MembershipFactory(organisation=t.pcn_a, role=Role.VIEWER)
    html = as_user(pcn_admin).get(url(membership)).content.decode()
    assert f"Are you sure you want to remove {membership.user.email}?" in html
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_confirming_removes_the_role_and_keeps_the_account(t, pcn_admin, as_user):
    membership = MembershipFactory(organisation=t.pcn_a, role=Role.VIEWER)
    client = as_user(pcn_admin)
    response = client.post(url(membership))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert membership.user.__class__.objects.filter(pk=membership.user_id).exists()
    assert "no longer has a role" in client.get(response["Location"]).content.decode()


def test_only_admin_cannot_remove_themselves(t, pcn_admin, as_user):
    response = as_user(pcn_admin).post(url(pcn_admin.memberships.get()))
    assert response.status_code == 400
    assert "You are its only admin" in response.content.decode()


def test_manager_cannot_remove_an_admin(t, pcn_admin, as_user):
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    response = as_user(manager).post(url(pcn_admin.memberships.get()))
    assert response.status_code == 400
    assert "You cannot remove this member" in response.content.decode()


def test_admin_of_another_pcn_gets_404_and_removes_no_one(t, other_pcn_admin, as_user):
    membership = MembershipFactory(organisation=t.pcn_a, role=Role.VIEWER)
    client = as_user(other_pcn_admin)
    assert client.get(url(membership)).status_code == 404
    assert client.post(url(membership)).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()
