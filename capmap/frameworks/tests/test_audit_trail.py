"""Proficiency scales and pathway capabilities reach the owner's admins' audit trail, and only
theirs."""

import pytest

from capmap.frameworks import services
from capmap.organisations.models import Role
from capmap.organisations.tests.conftest import audit_trail, member
from capmap.organisations.tests.factories import OrganisationFactory, tree

from .factories import framework

pytestmark = pytest.mark.django_db
NO_ENTRIES = "No changes to show"


@pytest.fixture
def orgs():
    return tree()


@pytest.fixture
def other_ics_admin():
    return member(OrganisationFactory(name="Far Away ICS"), Role.ADMIN)


def test_a_proficiency_scale_and_its_levels_are_in_the_owner_admins_audit_trail(
    client, orgs, other_ics_admin
):
    author = member(orgs.pcn_a, Role.MANAGER)
    ours = framework(owner=orgs.pcn_a, slug="riverside-own", actor=author)
    draft = services.start_new_draft(actor=author, framework=ours)
    services.set_scale_level(actor=author, version=draft, value=5, label="Expert")
    pcn_admin = member(orgs.pcn_a, Role.ADMIN)
    scales = audit_trail(client, pcn_admin, "frameworks.proficiencyscale")
    assert "Proficiency scale:" in scales and author.email in scales
    assert "5 Expert" in audit_trail(client, pcn_admin, "frameworks.proficiencylevel")
    for object_type in ("frameworks.proficiencyscale", "frameworks.proficiencylevel"):
        assert NO_ENTRIES in audit_trail(client, other_ics_admin, object_type)


def test_a_pathway_capability_is_in_the_owner_admins_audit_trail(client, orgs, other_ics_admin):
    author = member(orgs.pcn_a, Role.MANAGER)
    competency = framework(owner=None).versions.get().competencies.get(code="A.1")
    pathway = services.create_pathway(
        actor=author, title="Frailty", slug="frailty", owner=orgs.pcn_a
    )
    services.add_pathway_capability(
        actor=author, pathway=pathway, competency=competency, minimum_level=2, people_needed=3
    )
    ours = audit_trail(client, member(orgs.ics, Role.ADMIN), "frameworks.pathwaycapability")
    assert "for 3 people" in ours and author.email in ours
    theirs = audit_trail(client, other_ics_admin, "frameworks.pathwaycapability")
    assert NO_ENTRIES in theirs and "for 3 people" not in theirs
