"""Adding a member by e-mail, making an account without a password when there is none."""

import pytest
from django.core import mail
from django.urls import reverse

from capmap.accounts.models import User
from capmap.accounts.tests.factories import UserFactory
from capmap.organisations.models import Membership, Role
from capmap.organisations.tests.conftest import member

pytestmark = pytest.mark.django_db


def url(organisation):
    return reverse("organisations:add_member", args=[organisation.pk])


def test_adding_an_existing_user_gives_them_the_role(t, pcn_admin, as_user):
    colleague = UserFactory(email="sam.patel@nhs.net")
    response = as_user(pcn_admin).post(
        url(t.pcn_a), {"email": "Sam.Patel@nhs.net", "role": Role.SUPERVISOR}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:list_members", args=[t.pcn_a.pk])
    assert Membership.objects.get(user=colleague, organisation=t.pcn_a).role == Role.SUPERVISOR


def test_adding_a_new_email_makes_an_account_without_a_password_and_says_so(t, pcn_admin, as_user):
    client = as_user(pcn_admin)
    response = client.post(url(t.pcn_a), {"email": "new.starter@nhs.net", "role": Role.VIEWER})
    user = User.objects.get(email="new.starter@nhs.net")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).role == Role.VIEWER
    html = client.get(response["Location"]).content.decode()
    assert "one has been made without a password" in html
    assert "Forgot your password?" in html
    assert mail.outbox == []


def test_role_choices_are_only_those_the_actor_may_give(t, as_user):
    manager = member(t.pcn_a, Role.MANAGER)
    html = as_user(manager).get(url(t.pcn_a)).content.decode()
    assert 'value="manager"' in html
    assert 'value="admin"' not in html
    assert "applies to Riverside PCN and every organisation inside it" in html


def test_manager_posting_admin_is_refused(t, as_user):
    manager = member(t.pcn_a, Role.MANAGER)
    response = as_user(manager).post(url(t.pcn_a), {"email": "x@nhs.net", "role": Role.ADMIN})
    assert response.status_code == 400
    assert "Select one of the options given for" in response.content.decode()
    assert not User.objects.filter(email="x@nhs.net").exists()


def test_someone_who_already_has_a_role_is_pointed_to_change_role(t, pcn_admin, as_user):
    existing = member(t.pcn_a, Role.VIEWER)
    response = as_user(pcn_admin).post(url(t.pcn_a), {"email": existing.email, "role": "manager"})
    assert response.status_code == 400
    assert "already has a role at Riverside PCN" in response.content.decode()
    assert Membership.objects.get(user=existing).role == Role.VIEWER


def test_invalid_email_is_explained(t, pcn_admin, as_user):
    response = as_user(pcn_admin).post(url(t.pcn_a), {"email": "not-an-email", "role": "viewer"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_email"' in html


def test_viewer_gets_403(t, as_user):
    viewer = member(t.pcn_a, Role.VIEWER)
    response = as_user(viewer).post(url(t.pcn_a), {"email": "x@nhs.net", "role": "viewer"})
    assert response.status_code == 403


def test_admin_of_another_pcn_gets_404_and_adds_no_one(t, other_pcn_admin, as_user):
    client = as_user(other_pcn_admin)
    assert client.get(url(t.pcn_a)).status_code == 404
    response = client.post(url(t.pcn_a), {"email": "x@nhs.net", "role": "admin"})
    assert response.status_code == 404
    assert not User.objects.filter(email="x@nhs.net").exists()
