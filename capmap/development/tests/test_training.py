"""The training catalogue names a competency only when the reader may see its framework."""

import pytest
from django.urls import reverse

from capmap.frameworks.models import Competency
from capmap.frameworks.tests.factories import framework
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree

pytestmark = pytest.mark.django_db


def test_the_catalogue_does_not_name_another_organisations_private_competency(client):
    # Finding 4: ?competency=<id> looked the competency up without a scope.
    t = tree()
    private = framework(owner=t.pcn_b, slug="hillside-only")
    competency = Competency.objects.get(version__framework=private, code="A.1")
    url = reverse("development:list_training") + f"?competency={competency.pk}"

    client.force_login(MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user)
    page = client.get(url)
    assert page.status_code == 200
    assert "Takes a history" not in page.content.decode()

    client.force_login(MembershipFactory(organisation=t.pcn_b, role=Role.VIEWER).user)
    assert "Takes a history" in client.get(url).content.decode()
