"""Role profiles (assigning required levels) and MDT pathway pages."""

import pytest
from django.urls import reverse

from capmap.frameworks.library import load_starter_library
from capmap.frameworks.models import CarePathway, Requirement, RoleProfile
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree
from capmap.people.tests.factories import job_role

from .factories import framework

pytestmark = pytest.mark.django_db


def _login(client, organisation, role):
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)


def test_manager_sets_a_profile_on_a_library_framework_and_changes_a_level(client):
    orgs = tree()
    load_starter_library()
    _login(client, orgs.pcn_a, Role.MANAGER)
    client.post(
        reverse("frameworks:add_role_profile", args=["care-co-ordinator", 1]),
        {
            "job_role": job_role("care-co-ordinator").pk,
            "stage": "Advanced",
            "owner": orgs.pcn_a.pk,
            "default_level": 3,
        },
    )
    profile = RoleProfile.objects.get(owner=orgs.pcn_a)
    assert profile.stage == "advanced" and profile.requirements.count() == 16
    row = profile.requirements.first()
    data = {f"level_{r.pk}": r.level for r in profile.requirements.all()}
    data |= {f"requirement_{r.pk}": r.requirement for r in profile.requirements.all()}
    data |= {f"level_{row.pk}": 4, f"requirement_{row.pk}": Requirement.DESIRABLE}
    client.post(reverse("frameworks:edit_role_profile", args=[profile.pk]), data)
    row.refresh_from_db()
    assert (row.level, row.requirement) == (4, Requirement.DESIRABLE)


def test_a_pcns_own_profile_is_hidden_from_another_pcn(client):
    orgs = tree()
    stored = framework(owner=None, slug="shared-one")
    profile = RoleProfile.objects.create(
        version=stored.versions.get(), job_role=job_role(), stage="junior", owner=orgs.pcn_a
    )
    _login(client, orgs.pcn_b, Role.ADMIN)
    assert client.get(reverse("frameworks:show_role_profile", args=[profile.pk])).status_code == 404
    assert client.get(reverse("frameworks:edit_role_profile", args=[profile.pk])).status_code == 404
    page = client.get(reverse("frameworks:show_framework", args=["shared-one"])).content.decode()
    assert reverse("frameworks:show_role_profile", args=[profile.pk]) not in page


def test_viewer_cannot_change_library_profile_levels(client):
    orgs = tree()
    load_starter_library()
    profile = RoleProfile.objects.filter(owner=None).first()
    _login(client, orgs.pcn_a, Role.VIEWER)
    assert client.get(reverse("frameworks:show_role_profile", args=[profile.pk])).status_code == 200
    assert client.get(reverse("frameworks:edit_role_profile", args=[profile.pk])).status_code == 403


def test_pathways_show_capabilities_and_hide_other_pcns_pathways(client):
    orgs = tree()
    load_starter_library()
    ours = CarePathway.objects.create(slug="riverside-copd", title="COPD", owner=orgs.pcn_a)
    _login(client, orgs.pcn_b, Role.ADMIN)
    listing = client.get(reverse("frameworks:list_pathways")).content.decode()
    assert "Heart failure MDT pathway" in listing and "COPD" not in listing
    assert client.get(reverse("frameworks:show_pathway", args=[ours.slug])).status_code == 404
    page = client.get(reverse("frameworks:show_pathway", args=["type-2-diabetes-mdt"]))
    assert "Manages long-term conditions in clinics" in page.content.decode()
