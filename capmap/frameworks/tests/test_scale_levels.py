"""An author adds a level on top of a draft's scale and removes a level nothing uses; a level
that role profiles, pathways, ratings or verified levels use is kept, with the reason."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from capmap.capability.tests.factories import verify
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.frameworks import services
from capmap.frameworks.models import Competency, ProficiencyLevel, PublishedVersionIsFrozen
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree
from capmap.people.tests.factories import PersonFactory, job_role

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
    draft = services.start_new_draft(actor=manager, framework=published)
    services.create_role_profile(
        actor=manager,
        version=draft,
        job_role=job_role(),
        stage="",
        owner=orgs.pcn_a,
        default_level=2,
    )
    competency = Competency.objects.filter(version=draft).first()
    return locals()


def values(version):
    return list(
        ProficiencyLevel.objects.filter(scale__version=version).values_list("value", flat=True)
    )


def level(version, value):
    return ProficiencyLevel.objects.get(scale__version=version, value=value)


def test_a_new_level_goes_on_top_and_is_audited(w):
    before = values(w["draft"])
    added = services.add_scale_level(
        actor=w["manager"], version=w["draft"], label=" Expert ", descriptor="Teaches others"
    )
    assert added.value == max(before) + 1
    assert added.label == "Expert"
    entry = LogEntry.objects.get_for_object(added).get(action=LogEntry.Action.CREATE)
    assert entry.actor == w["manager"]


def test_an_unused_level_is_removed_and_audited(w):
    top = max(values(w["draft"]))
    gone = level(w["draft"], top)
    pk = gone.pk
    services.remove_scale_level(actor=w["manager"], level=gone)
    assert top not in values(w["draft"])
    deletion = LogEntry.objects.filter(object_pk=str(pk), action=LogEntry.Action.DELETE)
    assert deletion.get().actor == w["manager"]


def test_a_level_a_role_profile_uses_is_kept_and_says_why(w):
    with pytest.raises(DomainError, match=r"Level 2 is in use by \d+ role profile requirement"):
        services.remove_scale_level(actor=w["manager"], level=level(w["draft"], 2))
    assert 2 in values(w["draft"])


def test_a_level_a_verified_level_uses_is_kept_and_says_why(w):
    verify(PersonFactory(employer=w["orgs"].practice_a), w["competency"], 3)
    with pytest.raises(DomainError, match="Level 3 is in use by 1 verified level"):
        services.remove_scale_level(actor=w["manager"], level=level(w["draft"], 3))


def test_a_scale_keeps_at_least_two_levels(w):
    for value in values(w["draft"]):
        if value != 2:
            services.remove_scale_level(actor=w["manager"], level=level(w["draft"], value))
            if len(values(w["draft"])) == 2:
                break
    last = next(v for v in values(w["draft"]) if v != 2)
    with pytest.raises(DomainError, match="at least 2 levels"):
        services.remove_scale_level(actor=w["manager"], level=level(w["draft"], last))


def test_a_published_scale_and_another_pcns_scale_do_not_change(w):
    with pytest.raises(PublishedVersionIsFrozen):
        services.add_scale_level(actor=w["manager"], version=w["v1"], label="Expert")
    with pytest.raises(NotPermitted):
        services.add_scale_level(actor=w["outsider"], version=w["draft"], label="Expert")
    with pytest.raises(NotPermitted):
        services.remove_scale_level(actor=w["viewer"], level=level(w["draft"], 4))


def test_the_author_adds_then_removes_a_level_through_the_pages(client, w):
    client.force_login(w["manager"])
    scale = reverse("frameworks:edit_scale", args=["riverside-own", 2])
    assert "Add a level to the scale" in client.get(scale).content.decode()
    add = reverse("frameworks:add_scale_level", args=["riverside-own", 2])
    assert "Enter a name for the new level" in client.post(add, {"label": ""}).content.decode()
    done = client.post(add, {"label": "Expert", "descriptor": ""}, follow=True).content.decode()
    top = max(values(w["draft"]))
    assert f"Level {top} Expert added to the scale." in done
    remove = reverse("frameworks:remove_scale_level", args=["riverside-own", 2, top])
    assert f"Remove level {top} Expert?" in client.get(remove).content.decode()
    done = client.post(remove, follow=True).content.decode()
    assert f"Level {top} Expert removed from the scale." in done
    assert top not in values(w["draft"])


def test_the_confirm_page_of_a_level_in_use_says_why_and_offers_no_button(client, w):
    client.force_login(w["manager"])
    remove = reverse("frameworks:remove_scale_level", args=["riverside-own", 2, 2])
    page = client.get(remove).content.decode()
    assert "This level cannot be removed" in page
    assert "role profile requirement" in page
    assert "Remove the level" not in page
    body = client.post(remove, follow=True).content.decode()
    assert "cannot be removed" in body
    assert 2 in values(w["draft"])


def test_another_pcns_manager_gets_not_found_and_changes_nothing(client, w):
    client.force_login(w["outsider"])
    add = reverse("frameworks:add_scale_level", args=["riverside-own", 2])
    remove = reverse("frameworks:remove_scale_level", args=["riverside-own", 2, 4])
    for url in (add, remove):
        assert client.get(url).status_code == 404
    assert client.post(add, {"label": "Expert"}).status_code == 404
    assert client.post(remove).status_code == 404
    assert values(w["draft"]) == [0, 1, 2, 3, 4]


def test_a_viewer_is_forbidden(client, w):
    client.force_login(w["viewer"])
    add = reverse("frameworks:add_scale_level", args=["riverside-own", 2])
    assert client.get(add).status_code == 403
    assert client.post(add, {"label": "Expert"}).status_code == 403
