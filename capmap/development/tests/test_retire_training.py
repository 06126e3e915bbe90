"""A manager takes a course out of their organisation's catalogue: one that plans name is
retired (hidden from new choices, kept on those plans and shown retired), one no plan names
is deleted after a confirm page. Audited; nobody outside the organisation gets anything."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from capmap.core.exceptions import DomainError, NotPermitted
from capmap.development import selectors, services
from capmap.development.models import TrainingItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(story):
    s = story
    return services.add_training_item(
        actor=s["manager"],
        owner=s["t"].pcn_a,
        title="Riverside asthma clinic",
        provider="Riverside training hub",
        format="workshop",
        competencies=[s["c"][1]],
    )


def name_in_a_plan(story, course):
    return services.add_objective(
        actor=story["user"],
        person=story["ours"],
        specific="Run asthma reviews",
        measure="Supervisor verifies",
        support="",
        competencies=[story["c"][1]],
        due_on=datetime.date.today() + datetime.timedelta(days=60),
        training=[course],
    )


def url(course):
    return reverse("development:remove_training", args=[course.pk])


def test_a_course_no_plan_names_is_deleted_and_audited(story, course):
    assert services.remove_training_item(actor=story["manager"], item=course) is True
    assert not TrainingItem.objects.filter(pk=course.pk).exists()
    entry = LogEntry.objects.filter(object_pk=str(course.pk), action=LogEntry.Action.DELETE)
    assert entry.get().actor == story["manager"]


def test_a_course_a_plan_names_is_retired_not_deleted(story, course):
    objective = name_in_a_plan(story, course)
    assert services.remove_training_item(actor=story["manager"], item=course) is False
    course.refresh_from_db()
    assert course.active is False
    assert list(objective.training.all()) == [course]  # the plan keeps it
    entry = LogEntry.objects.get_for_object(course).order_by("-timestamp").first()
    assert entry.actor == story["manager"]
    assert "active" in entry.changes_dict


def test_a_retired_course_is_hidden_from_the_catalogue_and_new_suggestions(story, course):
    name_in_a_plan(story, course)
    services.remove_training_item(actor=story["manager"], item=course)
    assert course not in selectors.training_catalogue(story["manager"])
    offered = selectors.training_for([story["c"][1].pk], story["ours"])
    assert course not in offered.get(story["c"][1].pk, [])


def test_retiring_twice_says_it_is_already_retired(story, course):
    name_in_a_plan(story, course)
    services.remove_training_item(actor=story["manager"], item=course)
    with pytest.raises(DomainError, match="already retired"):
        services.remove_training_item(actor=story["manager"], item=course)


def test_only_managers_of_the_owner_may_remove_a_course(story, course):
    for someone in (story["outsider"], story["user"]):
        with pytest.raises(NotPermitted):
            services.remove_training_item(actor=someone, item=course)
    assert TrainingItem.objects.filter(pk=course.pk, active=True).exists()


def test_the_plan_shows_the_retired_course_marked_retired(client, story, course):
    name_in_a_plan(story, course)
    services.remove_training_item(actor=story["manager"], item=course)
    client.force_login(story["user"])
    page = client.get(reverse("development:show_plan", args=[story["ours"].pk])).content.decode()
    assert "Riverside asthma clinic (retired)" in page


def test_manager_confirms_deleting_an_unused_course_through_the_pages(client, story, course):
    client.force_login(story["manager"])
    edit = client.get(reverse("development:edit_training", args=[course.pk])).content.decode()
    assert "Retire or delete this course" in edit
    confirm = client.get(url(course)).content.decode()
    assert "Delete Riverside asthma clinic?" in confirm
    done = client.post(url(course), follow=True).content.decode()
    assert "Riverside asthma clinic deleted." in done
    assert not TrainingItem.objects.filter(pk=course.pk).exists()


def test_manager_confirms_retiring_a_used_course_through_the_pages(client, story, course):
    name_in_a_plan(story, course)
    client.force_login(story["manager"])
    confirm = client.get(url(course)).content.decode()
    assert "Retire Riverside asthma clinic?" in confirm
    assert "1 objective in development plans names this course" in confirm
    done = client.post(url(course), follow=True).content.decode()
    assert "Riverside asthma clinic retired: plans that name it keep it." in done
    assert done.count("Riverside asthma clinic") == 1  # in the message, gone from the list


def test_another_organisations_manager_gets_nothing(client, story, course):
    client.force_login(story["outsider"])
    assert client.get(url(course)).status_code == 404
    assert client.post(url(course)).status_code == 404
    assert TrainingItem.objects.filter(pk=course.pk, active=True).exists()
