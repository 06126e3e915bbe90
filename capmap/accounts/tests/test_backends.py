"""A signed-in request reads its user and their staff record in one query."""

import pytest
from django.contrib.auth import SESSION_KEY, get_user
from django.test import RequestFactory

from capmap.accounts.tests.factories import PASSWORD, UserFactory
from capmap.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def signed_in_request(client, user):
    assert (
        client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code
        == 302
    )
    request = RequestFactory().get("/")
    request.session = client.session
    assert request.session[SESSION_KEY]  # the session read here, before the user
    return request


def test_signing_in_reads_the_user_and_their_staff_record_together(
    client, django_assert_num_queries
):
    person = PersonFactory(user=UserFactory())
    request = signed_in_request(client, person.user)
    with django_assert_num_queries(1):
        user = get_user(request)
        assert user.person == person


def test_someone_without_a_staff_record_costs_no_second_query(client, django_assert_num_queries):
    request = signed_in_request(client, UserFactory())
    with django_assert_num_queries(1):
        user = get_user(request)
        assert getattr(user, "person", None) is None


def test_a_deactivated_account_is_signed_out_on_its_next_request(client):
    user = UserFactory()
    request = signed_in_request(client, user)
    user.is_active = False
    user.save()
    assert not get_user(request).is_authenticated
