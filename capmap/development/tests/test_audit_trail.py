"""The training catalogue is shared reference data: every organisation admin sees its history."""

import pytest
from auditlog.context import set_actor

from capmap.development.tests.factories import TrainingItemFactory
from capmap.organisations.models import Role
from capmap.organisations.tests.conftest import audit_trail, member
from capmap.organisations.tests.factories import OrganisationFactory, tree

pytestmark = pytest.mark.django_db


def test_a_training_item_is_in_the_audit_trail_of_every_admin_in_every_ics(client):
    t = tree()
    editor = member(t.pcn_a, Role.ADMIN)
    with set_actor(editor):
        TrainingItemFactory(title="Asthma reviews in practice")
    other_ics_admin = member(OrganisationFactory(name="Far Away ICS"), Role.ADMIN)
    for admin in (member(t.practice_b, Role.ADMIN), other_ics_admin):
        page = audit_trail(client, admin, "development.trainingitem")
        assert "Training item: Asthma reviews in practice" in page
