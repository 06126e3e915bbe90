"""Deleting from a draft, renaming its scale, and changing a pathway's capabilities."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from capmap.core.exceptions import DomainError, NotPermitted
from capmap.frameworks import services
from capmap.frameworks.models import (
    Competency,
    Domain,
    ProficiencyLevel,
    PublishedVersionIsFrozen,
    RoleRequirement,
)
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree
from capmap.people.tests.factories import job_role

from .factories import framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    orgs = tree()
    manager = MembershipFactory(organisation=orgs.pcn_a, role=Role.MANAGER).user
    outsider = MembershipFactory(organisation=orgs.pcn_b, role=Role.MANAGER).user
    viewer = MembershipFactory(organisation=orgs.pcn_a, role=Role.VIEWER).user
    published = framework(owner=orgs.pcn_a, slug="riverside-own")
    v1 = published.versions.get(number=1)
    services.create_role_profile(
        actor=manager, version=v1, job_role=job_role(), stage="", owner=orgs.pcn_a, default_level=2
    )
    draft = services.start_new_draft(actor=manager, framework=published)
    domain = Domain.objects.get(version=draft)
    competency = Competency.objects.get(version=draft)
    services.add_competency(actor=manager, version=draft, domain=domain, title="Examines")
    pathway = services.create_pathway(
        actor=manager, title="Riverside asthma", slug="riverside-asthma", owner=orgs.pcn_a
    )
    capability = services.add_pathway_capability(
        actor=manager,
        pathway=pathway,
        competency=Competency.objects.get(version=v1),
        minimum_level=1,
    )
    return locals()


def _deleted(model, pk) -> bool:
    kind = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(
        content_type=kind, object_pk=str(pk), action=LogEntry.Action.DELETE
    ).exists()


def test_deleting_a_draft_domain_takes_its_competencies_and_is_audited(w):
    plan = services.deletion_plan(w["domain"])
    assert (plan.subdomains, plan.competencies) == (0, 2)
    domain_pk, competency_pk = w["domain"].pk, w["competency"].pk
    services.delete_node(actor=w["manager"], node=w["domain"])
    assert not Domain.objects.filter(version=w["draft"]).exists()
    assert not Competency.objects.filter(version=w["draft"]).exists()
    assert _deleted(Domain, domain_pk) and _deleted(Competency, competency_pk)


def test_deleting_a_draft_competency_drops_the_drafts_requirements_in_it(w):
    requirements = RoleRequirement.objects.filter(competency=w["competency"])
    assert requirements.count() == services.deletion_plan(w["competency"]).requirements
    pk = w["competency"].pk
    services.delete_node(actor=w["manager"], node=w["competency"])
    assert not Competency.objects.filter(pk=pk).exists()
    assert not RoleRequirement.objects.filter(competency_id=pk).exists()
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Competency),
        object_pk=str(pk),
        action=LogEntry.Action.DELETE,
    )
    assert entry.actor == w["manager"]


def test_nothing_is_deleted_from_a_published_version(w):
    published = Competency.objects.get(version=w["v1"])
    with pytest.raises(PublishedVersionIsFrozen, match="start a new draft"):
        services.delete_node(actor=w["manager"], node=published)
    assert Competency.objects.filter(pk=published.pk).exists()


def test_another_pcns_manager_cannot_delete_from_the_draft(w):
    with pytest.raises(NotPermitted):
        services.delete_node(actor=w["outsider"], node=w["competency"])


def test_an_author_renames_and_describes_the_draft_scale(w):
    services.set_scale_levels(
        actor=w["manager"], version=w["draft"], levels={2: ("Capable", "Works unsupervised")}
    )
    level = ProficiencyLevel.objects.get(scale__version=w["draft"], value=2)
    assert (level.label, level.descriptor) == ("Capable", "Works unsupervised")
    assert LogEntry.objects.get_for_object(level).filter(actor=w["manager"]).exists()
    assert ProficiencyLevel.objects.get(scale__version=w["v1"], value=2).label != "Capable"


def test_the_scale_of_a_published_version_is_refused(w):
    with pytest.raises(PublishedVersionIsFrozen):
        services.set_scale_levels(actor=w["manager"], version=w["v1"], levels={2: ("X", "")})
    with pytest.raises(DomainError, match="Enter a name"):
        services.set_scale_levels(actor=w["manager"], version=w["draft"], levels={2: (" ", "")})


def test_an_author_changes_a_pathway_capability_and_it_is_audited(w):
    services.update_pathway_capability(
        actor=w["manager"], capability=w["capability"], minimum_level=3, people_needed=2
    )
    w["capability"].refresh_from_db()
    assert (w["capability"].minimum_level, w["capability"].people_needed) == (3, 2)
    assert LogEntry.objects.get_for_object(w["capability"]).filter(actor=w["manager"]).exists()
    with pytest.raises(DomainError, match="proficiency scale"):
        services.update_pathway_capability(
            actor=w["manager"], capability=w["capability"], minimum_level=9, people_needed=1
        )
    with pytest.raises(NotPermitted):
        services.update_pathway_capability(
            actor=w["outsider"], capability=w["capability"], minimum_level=1, people_needed=1
        )


# --- the pages ---------------------------------------------------------------------------


def test_the_delete_page_says_what_else_goes_and_deletes_on_confirm(client, w):
    client.force_login(w["manager"])
    url = reverse("frameworks:delete_domain", args=[w["domain"].pk])
    body = client.get(url).content.decode()
    assert "2 competencies in it." in body and "Delete the domain" in body
    response = client.post(url)
    assert response.status_code == 302
    assert not Domain.objects.filter(pk=w["domain"].pk).exists()


def test_the_delete_page_of_a_published_competency_explains_and_offers_no_button(client, w):
    client.force_login(w["manager"])
    published = Competency.objects.get(version=w["v1"])
    body = client.get(reverse("frameworks:delete_competency", args=[published.pk])).content
    assert b"is published, so nothing can be deleted" in body
    assert b"Delete the competency</button>" not in body
    client.post(reverse("frameworks:delete_competency", args=[published.pk]))
    assert Competency.objects.filter(pk=published.pk).exists()


def test_an_author_edits_the_scale_through_the_page(client, w):
    client.force_login(w["manager"])
    url = reverse("frameworks:edit_scale", args=["riverside-own", 2])
    assert "Name of level 2" in client.get(url).content.decode()
    data = {f"label_{v}": f"Level {v} name" for v in range(5)}
    data["label_1"] = ""
    body = client.post(url, data).content.decode()
    assert "Enter a name for level 1" in body
    data["label_1"] = "Beginning"
    assert client.post(url, data).status_code == 302
    assert ProficiencyLevel.objects.get(scale__version=w["draft"], value=1).label == "Beginning"


def test_a_viewer_may_read_but_not_change_and_gets_forbidden(client, w):
    client.force_login(w["viewer"])
    assert (
        client.get(reverse("frameworks:edit_scale", args=["riverside-own", 2])).status_code == 403
    )
    url = reverse("frameworks:delete_competency", args=[w["competency"].pk])
    assert client.post(url).status_code == 403
    assert Competency.objects.filter(pk=w["competency"].pk).exists()


def test_another_pcns_manager_gets_not_found_and_changes_nothing(client, w):
    client.force_login(w["outsider"])
    urls = [
        reverse("frameworks:delete_domain", args=[w["domain"].pk]),
        reverse("frameworks:delete_competency", args=[w["competency"].pk]),
        reverse("frameworks:edit_scale", args=["riverside-own", 2]),
        reverse(
            "frameworks:edit_pathway_capability", args=["riverside-asthma", w["capability"].pk]
        ),
        reverse(
            "frameworks:remove_pathway_capability", args=["riverside-asthma", w["capability"].pk]
        ),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"minimum_level": "3", "people_needed": "5"}).status_code == 404
    assert Domain.objects.filter(pk=w["domain"].pk).exists()
    w["capability"].refresh_from_db()
    assert w["capability"].people_needed == 1


def test_a_pathway_capability_is_changed_and_removed_after_confirming(client, w):
    client.force_login(w["manager"])
    pk = w["capability"].pk
    change = reverse("frameworks:edit_pathway_capability", args=["riverside-asthma", pk])
    body = client.post(change, {"minimum_level": "2", "people_needed": "0"}).content.decode()
    assert "At least one person must hold it" in body
    assert client.post(change, {"minimum_level": "2", "people_needed": "3"}).status_code == 302
    w["capability"].refresh_from_db()
    assert w["capability"].people_needed == 3
    remove = reverse("frameworks:remove_pathway_capability", args=["riverside-asthma", pk])
    assert "Remove the capability" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not w["pathway"].capabilities.exists()
