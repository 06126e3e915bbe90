"""Changing a member's role: only to roles the actor may give, never the last admin of oneself."""

import pytest
from django.urls import reverse

from capmap.organisations.models import Membership, Role
from capmap.organisations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def url(membership):
    return reverse(
        "organisations:change_member_role", args=[membership.organisation_id, membership.pk]
    )


def test_admin_changes_a_viewer_into_a_manager(t, pcn_admin, as_user):
    membership = MembershipFactory(organisation=t.pcn_a, role=Role.VIEWER)
    client = as_user(pcn_admin)
    assert 'value="viewer" checked' in client.get(url(membership)).content.decode()
    response = client.post(url(membership), {"role": Role.MANAGER})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.MANAGER


def test_manager_cannot_change_an_admins_role(t, pcn_admin, as_user):
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    admin_membership = pcn_admin.memberships.get()
    response = as_user(manager).post(url(admin_membership), {"role": Role.VIEWER})
    assert response.status_code == 400
    assert "You cannot change the role of this member" in response.content.decode()
    assert Membership.objects.get(pk=admin_membership.pk).role == Role.ADMIN


def test_only_admin_cannot_demote_themselves(t, pcn_admin, as_user):
    own = pcn_admin.memberships.get()
    response = as_user(pcn_admin).post(url(own), {"role": Role.VIEWER})
    assert response.status_code == 400
    assert "You are its only admin" in response.content.decode()


def test_membership_of_another_organisation_under_this_url_is_404(t, pcn_admin, as_user):
    elsewhere = MembershipFactory(organisation=t.practice_a, role=Role.VIEWER)
    wrong = reverse("organisations:change_member_role", args=[t.pcn_a.pk, elsewhere.pk])
    assert as_user(pcn_admin).get(wrong).status_code == 404


def test_admin_of_another_pcn_gets_404(t, other_pcn_admin, as_user):
    membership = MembershipFactory(organisation=t.pcn_a, role=Role.VIEWER)
    client = as_user(other_pcn_admin)
    assert client.get(url(membership)).status_code == 404
    assert client.post(url(membership), {"role": Role.ADMIN}).status_code == 404
    assert Membership.objects.get(pk=membership.pk).role == Role.VIEWER
