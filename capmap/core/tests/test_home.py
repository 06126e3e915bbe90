import pytest

from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree

pytestmark = pytest.mark.django_db


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_admin_home_offers_organisations_people_and_audit(client):
    admin = MembershipFactory(organisation=tree().ics, role=Role.ADMIN).user
    client.force_login(admin)
    page = client.get("/").content.decode()
    for heading in ("Organisations", "People", "Audit trail"):
        assert heading in page


def test_practitioner_home_does_not_offer_the_audit_trail(client):
    user = MembershipFactory(organisation=tree().practice_a, role=Role.PRACTITIONER).user
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "Audit trail" not in page
