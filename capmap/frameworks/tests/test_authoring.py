"""Authoring in the browser: new drafts, edits, reordering, mapping, publishing with a diff."""

import pytest
from django.urls import reverse

from capmap.core.actors import SYSTEM
from capmap.frameworks.models import Competency, Domain, VersionStatus
from capmap.frameworks.services import start_new_draft
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree

from .factories import framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours():
    orgs = tree()
    return orgs, framework(owner=orgs.pcn_a, slug="riverside-own")


def _login(client, organisation, role):
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)


def test_manager_builds_a_new_version_and_publishes_it_after_seeing_the_diff(client, ours):
    orgs, stored = ours
    _login(client, orgs.pcn_a, Role.MANAGER)
    client.post(reverse("frameworks:start_draft", args=[stored.slug]))
    draft = stored.versions.get(number=2)
    assert draft.status == VersionStatus.DRAFT
    domain = Domain.objects.get(version=draft)
    client.post(
        reverse("frameworks:add_competency", args=[stored.slug, 2]),
        {"title": "Examines the chest", "code": "A.2", "domain": domain.pk, "indicators": "x\ny"},
    )
    added = Competency.objects.get(version=draft, code="A.2")
    assert added.indicators == ["x", "y"]
    client.post(reverse("frameworks:move_node", args=["competency", added.pk, "up"]))
    old = Competency.objects.get(version=draft, code="A.1")
    client.post(
        reverse("frameworks:edit_competency", args=[old.pk]),
        {
            "title": "Takes a focused history",
            "code": "A.1",
            "domain": domain.pk,
            "replaces": [Competency.objects.get(version__number=1).pk],
        },
    )
    page = client.get(reverse("frameworks:publish_version", args=[stored.slug, 2]))
    text = page.content.decode()
    assert "added" in text and "title reworded" in text and "moved within its domain" in text
    client.post(reverse("frameworks:publish_version", args=[stored.slug, 2]))
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    codes = list(Competency.objects.filter(version=draft).order_by("order").values_list("code"))
    assert codes == [("A.2",), ("A.1",)]


def test_a_published_version_cannot_be_edited_from_the_browser(client, ours):
    orgs, stored = ours
    _login(client, orgs.pcn_a, Role.ADMIN)
    competency = Competency.objects.get(version__framework=stored)
    client.post(
        reverse("frameworks:edit_competency", args=[competency.pk]),
        {"title": "Changed", "code": "A.1", "domain": ""},
    )
    competency.refresh_from_db()
    assert competency.title == "Takes a history"


def test_practitioner_of_the_owner_cannot_author(client, ours):
    orgs, stored = ours
    _login(client, orgs.pcn_a, Role.PRACTITIONER)
    response = client.post(reverse("frameworks:start_draft", args=[stored.slug]))
    assert response.status_code == 403
    assert (
        client.get(reverse("frameworks:publish_version", args=[stored.slug, 1])).status_code == 403
    )


def test_admin_of_another_pcn_gets_404_on_every_authoring_page(client, ours):
    orgs, stored = ours
    draft = start_new_draft(actor=SYSTEM, framework=stored)
    competency = Competency.objects.get(version=draft)
    _login(client, orgs.pcn_b, Role.ADMIN)
    posts = [
        reverse("frameworks:start_draft", args=[stored.slug]),
        reverse("frameworks:retire_version", args=[stored.slug, 1]),
        reverse("frameworks:move_node", args=["competency", competency.pk, "up"]),
    ]
    gets = [
        reverse("frameworks:publish_version", args=[stored.slug, 2]),
        reverse("frameworks:add_competency", args=[stored.slug, 2]),
        reverse("frameworks:add_domain", args=[stored.slug, 2]),
        reverse("frameworks:edit_competency", args=[competency.pk]),
    ]
    assert [client.post(url).status_code for url in posts] == [404] * 3
    assert [client.get(url).status_code for url in gets] == [404] * 4


def test_a_system_administrator_reads_an_organisations_framework_but_authors_only_the_library(
    client, ours
):
    """ADR 0005: superusers see every framework; an organisation's own is authored by its
    admins and managers, so a superuser with no role there is refused and nothing changes."""
    from capmap.accounts.tests.factories import UserFactory

    _orgs, stored = ours
    client.force_login(UserFactory(is_superuser=True))
    listed = client.get(reverse("frameworks:list_frameworks")).content.decode()
    assert stored.title in listed
    assert client.get(reverse("frameworks:show_framework", args=[stored.slug])).status_code == 200
    response = client.post(reverse("frameworks:start_draft", args=[stored.slug]))
    assert response.status_code == 403
    assert not stored.versions.filter(status=VersionStatus.DRAFT).exists()
    importing = client.get(reverse("frameworks:import_framework")).content.decode()
    assert 'value="library"' in importing
    assert f'value="{stored.owner_id}"' not in importing
