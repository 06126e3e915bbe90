"""API tokens reach the audit trail of every organisation their owner belongs to, and no other."""

import pytest

from capmap.api import services
from capmap.organisations.models import Role
from capmap.organisations.tests.conftest import audit_trail, member
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory, tree

pytestmark = pytest.mark.django_db
NO_ENTRIES = "No changes to show"


def test_a_token_is_audited_for_the_admins_of_each_of_its_owners_organisations(client):
    t = tree()
    elsewhere = OrganisationFactory(name="Far Away ICS")
    owner = member(t.practice_a, Role.MANAGER)
    MembershipFactory(user=owner, organisation=elsewhere, role=Role.VIEWER)
    token, _raw = services.create_token(owner, user=owner, name="Nightly export")
    services.revoke_token(owner, prefix=token.prefix)
    for admin in (member(t.pcn_a, Role.ADMIN), member(elsewhere, Role.ADMIN)):
        page = audit_trail(client, admin, "api.apitoken")
        assert page.count("Api token: ") == 2  # created, then revoked
        assert "Nightly export" in page and "Revoked at" in page and owner.email in page
    sibling = member(t.pcn_b, Role.ADMIN)
    stranger = member(OrganisationFactory(name="Third ICS"), Role.ADMIN)
    for admin in (sibling, stranger):
        page = audit_trail(client, admin, "api.apitoken")
        assert NO_ENTRIES in page and "Nightly export" not in page


def test_an_ics_whose_id_ends_a_longer_path_sees_no_token_of_that_path(client):
    # Paths are matched from their start: the admin of /1/ never sees an entry of /21/1/.
    first = OrganisationFactory(name="First ICS")
    outer = OrganisationFactory(name="Outer ICS")
    inner = OrganisationFactory(name="Inner PCN", kind="pcn", parent=outer)
    inner.path = f"{outer.path}{first.pk}/"  # the shape that would fool a plain "contains"
    inner.save(update_fields=["path"])
    owner = member(inner, Role.MANAGER)
    services.create_token(owner, user=owner, name="Shaped")
    assert NO_ENTRIES in audit_trail(client, member(first, Role.ADMIN), "api.apitoken")
    assert "Shaped" in audit_trail(client, member(outer, Role.ADMIN), "api.apitoken")
