"""Managers keep their organisation's training catalogue: add, change, map to competencies."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from capmap.capability.tests.factories import capability_framework
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.demo.story import load_demo_story
from capmap.development import selectors, services
from capmap.development.demo import load_demo_development
from capmap.development.models import TrainingItem
from capmap.development.tests.factories import TrainingItemFactory
from capmap.frameworks.models import Competency, Framework
from capmap.organisations.tests.factories import tree
from capmap.people.tests.factories import manager_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    t = tree()
    fw = capability_framework()
    c = fw.competencies
    manager = manager_of(t.pcn_a)
    outsider = manager_of(t.pcn_b)
    supervisor = manager_of(t.pcn_a, role="supervisor")
    course = TrainingItemFactory(title="Riverside asthma clinic", competencies=[c[0]])
    TrainingItem.objects.filter(pk=course.pk).update(owner=t.pcn_a)
    course.refresh_from_db()
    return locals()


def _fields(c, **extra):
    return {
        "title": "Inhaler technique workshop",
        "provider": "Riverside training hub",
        "format": "workshop",
        "hours": Decimal("3.5"),
        "cost": Decimal("40"),
        "link": "",
        "competencies": [c[1], c[2]],
    } | extra


def test_a_manager_adds_a_course_to_their_pcn_mapped_to_competencies_and_audited(story):
    s = story
    item = services.add_training_item(actor=s["manager"], owner=s["t"].pcn_a, **_fields(s["c"]))
    assert item.owner == s["t"].pcn_a
    assert set(item.competencies.all()) == {s["c"][1], s["c"][2]}
    entry = LogEntry.objects.get_for_object(item).get(action=LogEntry.Action.CREATE)
    assert entry.actor == s["manager"]


def test_a_manager_cannot_add_to_another_pcn_or_to_the_shared_library(story):
    s = story
    with pytest.raises(NotPermitted):
        services.add_training_item(actor=s["manager"], owner=s["t"].pcn_b, **_fields(s["c"]))
    with pytest.raises(NotPermitted):
        services.add_training_item(actor=s["manager"], owner=None, **_fields(s["c"]))
    with pytest.raises(NotPermitted):
        services.add_training_item(actor=s["supervisor"], owner=s["t"].pcn_a, **_fields(s["c"]))
    assert not TrainingItem.objects.filter(title="Inhaler technique workshop").exists()


def test_a_course_cannot_build_another_organisations_private_competency(story):
    s = story
    theirs = capability_framework(slug="hillside")
    Framework.objects.filter(pk=theirs.framework.pk).update(owner=s["t"].pcn_b)
    private = Competency.objects.select_related("version__framework").get(
        pk=theirs.competencies[0].pk
    )
    with pytest.raises(DomainError, match="frameworks the course's owner can use"):
        services.add_training_item(
            actor=s["manager"], owner=s["t"].pcn_a, **_fields(s["c"], competencies=[private])
        )


def test_changing_a_course_remaps_it_and_is_audited(story):
    s = story
    course = s["course"]
    services.update_training_item(
        actor=s["manager"], item=course, **_fields(s["c"], title="Asthma clinic, supervised")
    )
    course.refresh_from_db()
    assert course.title == "Asthma clinic, supervised"
    assert set(course.competencies.all()) == {s["c"][1], s["c"][2]}
    assert LogEntry.objects.get_for_object(course).filter(actor=s["manager"]).exists()


def test_another_pcns_manager_cannot_change_the_course(story):
    s = story
    with pytest.raises(NotPermitted):
        services.update_training_item(actor=s["outsider"], item=s["course"], **_fields(s["c"]))


def test_the_catalogue_shows_the_library_and_own_courses_only(client, story):
    s = story
    TrainingItemFactory(title="Shared leadership basics")
    client.force_login(s["outsider"])
    body = client.get(reverse("development:list_training")).content.decode()
    assert "Shared leadership basics" in body and "Riverside asthma clinic" not in body
    client.force_login(s["manager"])
    body = client.get(reverse("development:list_training")).content.decode()
    assert "Shared leadership basics" in body and "Riverside asthma clinic" in body
    assert reverse("development:edit_training", args=[s["course"].pk]) in body


def test_the_catalogue_searches_sorts_and_pages(client, story):
    s = story
    for number in range(25):
        TrainingItemFactory(title=f"Course {number:02d}", hours=number)
    client.force_login(s["manager"])
    url = reverse("development:list_training")
    body = client.get(url, {"q": "course 0"}).content.decode()
    assert "Course 03" in body and "Course 13" not in body
    body = client.get(url, {"sort": "hours"}).content.decode()
    assert body.index("Course 00") < body.index("Course 01")
    assert "nhsuk-pagination" in body
    body = client.get(url, {"q": "nothing like this"}).content.decode()
    assert "No training matches" in body


def test_a_manager_adds_a_course_through_the_page(client, story):
    s = story
    client.force_login(s["manager"])
    response = client.post(
        reverse("development:add_training"),
        {
            "title": "Spirometry basics",
            "provider": "Training hub",
            "format": "course",
            "hours": "6",
            "cost": "0",
            "link": "",
            "owner": str(s["t"].pcn_a.pk),
            "competencies": [str(s["c"][3].pk)],
        },
    )
    assert response.status_code == 302
    item = TrainingItem.objects.get(title="Spirometry basics")
    assert list(item.competencies.all()) == [s["c"][3]]


def test_a_course_form_with_mistakes_says_what_to_do_and_keeps_the_choices(client, story):
    s = story
    client.force_login(s["manager"])
    response = client.post(
        reverse("development:add_training"),
        {
            "title": "",
            "provider": "",
            "format": "course",
            "hours": "x",
            "cost": "0",
            "owner": str(s["t"].pcn_a.pk),
            "competencies": [str(s["c"][3].pk)],
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the course title" in body and "Enter the hours as a number" in body
    assert f'value="{s["c"][3].pk}" checked' in body


def test_another_pcns_manager_gets_not_found_and_changes_nothing(client, story):
    s = story
    client.force_login(s["outsider"])
    url = reverse("development:edit_training", args=[s["course"].pk])
    assert client.get(url).status_code == 404
    response = client.post(
        url, {"title": "Taken over", "provider": "x", "format": "course", "hours": "1", "cost": "0"}
    )
    assert response.status_code == 404
    s["course"].refresh_from_db()
    assert s["course"].title == "Riverside asthma clinic"


def test_a_supervisor_reads_the_course_but_may_not_change_it(client, story):
    s = story
    client.force_login(s["supervisor"])
    assert (
        client.get(reverse("development:edit_training", args=[s["course"].pk])).status_code == 403
    )
    assert client.get(reverse("development:add_training")).status_code == 403


def test_demo_suggests_the_structured_medication_review_course_for_that_gap():
    # The demo once suggested "Clinical examination skills" for structured medication
    # reviews: each demo course now builds only what it really develops.
    load_demo_story()
    load_demo_development()
    smr = Competency.objects.get(
        version__framework__slug="clinical-pharmacist-general-practice", code="CP.A2"
    )
    titles = [item.title for item in selectors.training_for([smr.pk]).get(smr.pk, [])]
    assert titles == ["Structured medication reviews"]
    examination = Competency.objects.get(
        version__framework__slug="clinical-pharmacist-general-practice", code="CP.B2"
    )
    assert [i.title for i in selectors.training_for([examination.pk])[examination.pk]] == [
        "Clinical examination skills"
    ]
