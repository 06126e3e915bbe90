"""Pages for writing a framework and an MDT care pathway from scratch."""

import pytest
from django.urls import reverse

from capmap.core.actors import SYSTEM
from capmap.frameworks import services
from capmap.frameworks.forms import default_levels_text
from capmap.frameworks.models import (
    CarePathway,
    Framework,
    PathwayCapability,
    ProficiencyLevel,
    VersionStatus,
)
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree

from .factories import framework

pytestmark = pytest.mark.django_db


def _login(client, organisation, role):
    user = MembershipFactory(organisation=organisation, role=role).user
    client.force_login(user)
    return user


@pytest.fixture
def orgs():
    return tree()


# --- a framework from scratch ------------------------------------------------------


def test_create_page_offers_the_default_scale_from_not_yet_to_expert(client, orgs):
    _login(client, orgs.pcn_a, Role.MANAGER)
    page = client.get(reverse("frameworks:create_framework")).content.decode()
    assert "0 Not yet" in page and "4 Expert" in page
    assert "Riverside PCN" in page and "Hillside PCN" not in page


def test_manager_creates_a_framework_as_an_empty_draft_with_the_default_scale(client, orgs):
    _login(client, orgs.pcn_a, Role.MANAGER)
    response = client.post(
        reverse("frameworks:create_framework"),
        {
            "title": "Care navigator",
            "slug": "care-navigator",
            "owner": orgs.pcn_a.pk,
            "levels": default_levels_text(),
        },
    )
    assert response.status_code == 302
    created = Framework.objects.get(slug="care-navigator")
    assert created.owner == orgs.pcn_a
    version = created.versions.get()
    assert version.status == VersionStatus.DRAFT
    levels = ProficiencyLevel.objects.filter(scale__version=version).order_by("value")
    assert [(lv.value, lv.label) for lv in levels] == [
        (0, "Not yet"),
        (1, "Developing"),
        (2, "Competent"),
        (3, "Proficient"),
        (4, "Expert"),
    ]
    assert levels[2].descriptor.startswith("Does this safely")


def test_a_custom_scale_is_stored_as_written(client, orgs):
    _login(client, orgs.pcn_a, Role.ADMIN)
    client.post(
        reverse("frameworks:create_framework"),
        {
            "title": "Reception",
            "slug": "reception",
            "owner": orgs.pcn_a.pk,
            "levels": "1 Aware\n2 Practising | Does it daily\n3 Leading",
        },
    )
    version = Framework.objects.get(slug="reception").versions.get()
    assert list(version.scale.levels.order_by("value").values_list("label", flat=True)) == [
        "Aware",
        "Practising",
        "Leading",
    ]


@pytest.mark.parametrize(
    ("slug", "levels", "message"),
    [
        ("taken", "0 Not yet\n1 Developing", "already taken"),
        ("new", "0 Not yet\n1 Developing", "used by Capmap itself"),
        ("Not a slug!", "0 Not yet\n1 Developing", "can only contain letters, numbers and hyphens"),
        ("fine", "0 Not yet", "at least two levels"),
        ("fine", "1 Developing\n0 Not yet", "lowest to highest"),
        ("fine", "0 Not yet\nDeveloping", "Line 2"),
    ],
)
def test_a_bad_framework_is_refused_with_a_message_and_nothing_stored(
    client, orgs, slug, levels, message
):
    framework(owner=orgs.pcn_a, slug="taken")
    _login(client, orgs.pcn_a, Role.MANAGER)
    response = client.post(
        reverse("frameworks:create_framework"),
        {"title": "X", "slug": slug, "owner": orgs.pcn_a.pk, "levels": levels},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Framework.objects.filter(slug="fine").exists()


def test_a_manager_cannot_create_a_framework_for_another_pcn(client, orgs):
    _login(client, orgs.pcn_a, Role.MANAGER)
    response = client.post(
        reverse("frameworks:create_framework"),
        {"title": "X", "slug": "theirs", "owner": orgs.pcn_b.pk, "levels": "0 A\n1 B"},
    )
    assert response.status_code == 200
    assert not Framework.objects.filter(slug="theirs").exists()


def test_a_practitioner_cannot_open_the_create_page(client, orgs):
    _login(client, orgs.pcn_a, Role.PRACTITIONER)
    assert client.get(reverse("frameworks:create_framework")).status_code == 403
    assert client.get(reverse("frameworks:create_pathway")).status_code == 403


def test_a_created_framework_stays_hidden_from_another_pcn(client, orgs):
    services.create_framework(actor=SYSTEM, title="Ours", slug="ours-draft", owner=orgs.pcn_a)
    _login(client, orgs.pcn_b, Role.ADMIN)
    assert client.get(reverse("frameworks:show_framework", args=["ours-draft"])).status_code == 404
    assert "ours-draft" not in client.get(reverse("frameworks:list_frameworks")).content.decode()


# --- care pathways -----------------------------------------------------------------


@pytest.fixture
def pathway(orgs):
    return services.create_pathway(
        actor=SYSTEM, title="Frailty", slug="frailty", owner=orgs.pcn_a, description="Older people"
    )


def test_manager_creates_a_pathway_for_their_own_pcn(client, orgs):
    _login(client, orgs.pcn_a, Role.MANAGER)
    page = client.get(reverse("frameworks:create_pathway")).content.decode()
    assert "Riverside PCN" in page and "Hillside PCN" not in page
    response = client.post(
        reverse("frameworks:create_pathway"),
        {"title": "Heart failure", "slug": "hf-riverside", "owner": orgs.pcn_a.pk},
    )
    assert response.status_code == 302
    assert CarePathway.objects.get(slug="hf-riverside").owner == orgs.pcn_a


def test_a_pathway_for_another_pcn_or_without_a_title_is_refused(client, orgs):
    _login(client, orgs.pcn_a, Role.MANAGER)
    url = reverse("frameworks:create_pathway")
    assert client.post(url, {"title": "X", "slug": "x", "owner": orgs.pcn_b.pk}).status_code == 200
    response = client.post(url, {"title": "", "slug": "y", "owner": orgs.pcn_a.pk})
    assert "There is a problem" in response.content.decode()
    assert not CarePathway.objects.exists()


def test_manager_changes_the_title_and_description(client, orgs, pathway):
    _login(client, orgs.pcn_a, Role.MANAGER)
    url = reverse("frameworks:edit_pathway", args=[pathway.slug])
    assert "Older people" in client.get(url).content.decode()
    client.post(url, {"title": "Frailty and falls", "description": "Over 65s"})
    pathway.refresh_from_db()
    assert (pathway.title, pathway.description) == ("Frailty and falls", "Over 65s")


def test_manager_adds_and_removes_a_capability(client, orgs, pathway):
    library = framework(owner=None, slug="library-one")
    competency = library.versions.get().competencies.get(code="A.1")
    _login(client, orgs.pcn_a, Role.MANAGER)
    url = reverse("frameworks:add_pathway_capability", args=[pathway.slug])
    assert "Takes a history" in client.get(url).content.decode()
    response = client.post(
        url, {"competency": competency.pk, "minimum_level": 2, "people_needed": 3}
    )
    assert response.status_code == 302
    capability = pathway.capabilities.get()
    assert (capability.minimum_level, capability.people_needed) == (2, 3)
    page = client.get(reverse("frameworks:show_pathway", args=[pathway.slug])).content.decode()
    assert "Takes a history" in page
    remove = reverse("frameworks:remove_pathway_capability", args=[pathway.slug, capability.pk])
    assert client.post(remove).status_code == 302
    assert not pathway.capabilities.exists()


@pytest.mark.parametrize(
    ("level", "people", "message"),
    [(9, 1, "minimum level"), (2, 0, "At least 1 person in the team must need it")],
)
def test_a_capability_with_a_bad_level_or_count_is_refused(
    client, orgs, pathway, level, people, message
):
    competency = framework(owner=None).versions.get().competencies.get(code="A.1")
    _login(client, orgs.pcn_a, Role.MANAGER)
    url = reverse("frameworks:add_pathway_capability", args=[pathway.slug])
    response = client.post(
        url, {"competency": competency.pk, "minimum_level": level, "people_needed": people}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PathwayCapability.objects.exists()


def test_the_same_competency_cannot_be_added_twice(client, orgs, pathway):
    competency = framework(owner=None).versions.get().competencies.get(code="A.1")
    services.add_pathway_capability(
        actor=SYSTEM, pathway=pathway, competency=competency, minimum_level=1
    )
    _login(client, orgs.pcn_a, Role.MANAGER)
    url = reverse("frameworks:add_pathway_capability", args=[pathway.slug])
    response = client.post(
        url, {"competency": competency.pk, "minimum_level": 2, "people_needed": 1}
    )
    assert "already needs that competency" in response.content.decode()


def test_competencies_of_another_pcn_or_a_draft_are_not_offered(client, orgs, pathway):
    theirs = framework(owner=orgs.pcn_b, slug="theirs", package=None)
    theirs_competency = theirs.versions.get().competencies.get()
    draft = services.create_framework(actor=SYSTEM, title="Draft", slug="d", owner=orgs.pcn_a)
    draft_competency = services.add_competency(
        actor=SYSTEM, version=draft.versions.get(), domain=None, title="Unpublished skill"
    )
    _login(client, orgs.pcn_a, Role.MANAGER)
    url = reverse("frameworks:add_pathway_capability", args=[pathway.slug])
    page = client.get(url).content.decode()
    assert "Unpublished skill" not in page and "Takes a history" not in page
    for competency in (theirs_competency, draft_competency):
        response = client.post(
            url, {"competency": competency.pk, "minimum_level": 1, "people_needed": 1}
        )
        assert response.status_code == 200
    assert not PathwayCapability.objects.exists()
    with pytest.raises(services.DomainError):
        services.add_pathway_capability(
            actor=SYSTEM, pathway=pathway, competency=draft_competency, minimum_level=1
        )


def test_pathway_pages_of_another_pcn_are_not_found(client, orgs, pathway):
    competency = framework(owner=None).versions.get().competencies.get(code="A.1")
    capability = services.add_pathway_capability(
        actor=SYSTEM, pathway=pathway, competency=competency, minimum_level=1
    )
    _login(client, orgs.pcn_b, Role.ADMIN)
    slug = pathway.slug
    for name in ("show_pathway", "edit_pathway", "add_pathway_capability"):
        assert client.get(reverse(f"frameworks:{name}", args=[slug])).status_code == 404
    remove = reverse("frameworks:remove_pathway_capability", args=[slug, capability.pk])
    assert client.post(remove).status_code == 404
    assert (
        client.post(
            reverse("frameworks:edit_pathway", args=[slug]), {"title": "Hacked"}
        ).status_code
        == 404
    )
    assert "Frailty" not in client.get(reverse("frameworks:list_pathways")).content.decode()
    pathway.refresh_from_db()
    assert pathway.title == "Frailty" and pathway.capabilities.count() == 1


def test_a_viewer_of_our_pcn_sees_the_pathway_but_cannot_change_it(client, orgs, pathway):
    _login(client, orgs.pcn_a, Role.VIEWER)
    page = client.get(reverse("frameworks:show_pathway", args=[pathway.slug])).content.decode()
    assert "Frailty" in page and "Add a capability" not in page
    assert client.get(reverse("frameworks:edit_pathway", args=[pathway.slug])).status_code == 403


def test_library_pathways_are_read_only_for_managers(client, orgs):
    library = services.create_pathway(actor=SYSTEM, title="Shared", slug="shared", owner=None)
    _login(client, orgs.pcn_a, Role.MANAGER)
    url = reverse("frameworks:add_pathway_capability", args=[library.slug])
    assert client.get(url).status_code == 403


def test_a_viewer_of_the_owner_gets_403_on_the_draft_editing_forms(client, orgs):
    stored = framework(owner=orgs.pcn_a, slug="riverside-own")
    draft = services.start_new_draft(actor=SYSTEM, framework=stored)
    competency = draft.competencies.get()
    _login(client, orgs.pcn_a, Role.VIEWER)
    urls = [
        reverse("frameworks:add_domain", args=[stored.slug, 2]),
        reverse("frameworks:add_competency", args=[stored.slug, 2]),
        reverse("frameworks:edit_competency", args=[competency.pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [403] * 3


def test_the_framework_page_leads_an_author_to_the_open_draft(client, orgs):
    stored = framework(owner=orgs.pcn_a, slug="riverside-own")
    services.start_new_draft(actor=SYSTEM, framework=stored)
    _login(client, orgs.pcn_a, Role.MANAGER)
    page = client.get(reverse("frameworks:show_framework", args=[stored.slug])).content.decode()
    assert "Continue the draft, version 2" in page
