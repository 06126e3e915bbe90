"""Links from a staff record to the person's capability pages: shown only to viewers who
may open them, and every link shown opens."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from capmap.assessments.tests.factories import world

pytestmark = pytest.mark.django_db

# Verified levels: whoever sees the staff record (ADR 0005).
LEVEL_PAGES = {
    "Scope of practice": "assessments:show_scope_of_practice",
    "Circle of competence": "capability:show_circle",
}
# The person's own record: the person, an active supervisor or mentor, their managers.
RECORD_PAGES = {
    "Calibration of self-assessments": "assessments:show_calibration",
    "Evidence portfolio": "portfolio:list_evidence",
    "Development plan": "development:show_plan",
}
SUPERVISORS = "assessments:list_supervisions"


@pytest.fixture
def w(db):
    return world()


def _links(client, user, person) -> dict[str, str]:
    """The capability links on the person's page, text (without hidden text) to href."""
    client.force_login(user)
    response = client.get(reverse("people:show_person", args=[person.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    section = page.split("Capability and development", 1)[1] if "Capability and" in page else ""
    section = section.split("</ul>", 1)[0]
    return {
        text.strip(): href
        for href, text in re.findall(
            r'<a href="([^"]+)">([^<]*)<span class="nhsuk-u-visually-hidden">', section
        )
    }


def _expected(person, *groups: dict[str, str]) -> dict[str, str]:
    return {
        text: reverse(name, args=[person.pk]) for group in groups for text, name in group.items()
    }


def test_a_manager_gets_every_capability_link_and_can_assign_supervisors(client, w):
    links = _links(client, w.manager, w.pharmacist)
    supervisors = {
        "Assign or end supervisors and mentors": reverse(SUPERVISORS, args=[w.pharmacist.pk]),
        # A manager accepts credentials from elsewhere for the person, or revokes theirs.
        "Credentials: accept one from elsewhere, or revoke": reverse(
            "credentials:accept_credential", args=[w.pharmacist.pk]
        ),
    }
    assert links == _expected(w.pharmacist, RECORD_PAGES, LEVEL_PAGES) | supervisors
    for href in links.values():
        assert client.get(href).status_code == 200, href


@pytest.mark.parametrize("who", ["pharmacist_user", "mentor"])
def test_the_person_and_their_mentor_get_every_link_but_only_see_supervisors(client, w, who):
    links = _links(client, getattr(w, who), w.pharmacist)
    supervisors = {"Supervisors and mentors": reverse(SUPERVISORS, args=[w.pharmacist.pk])}
    assert links == _expected(w.pharmacist, RECORD_PAGES, LEVEL_PAGES) | supervisors
    for href in links.values():
        assert client.get(href).status_code == 200, href
    page = client.get(reverse(SUPERVISORS, args=[w.pharmacist.pk])).content.decode()
    assert "Assign a supervisor" not in page


def test_a_viewer_gets_the_verified_levels_but_not_the_record(client, w):
    links = _links(client, w.viewer, w.pharmacist)
    assert links == _expected(w.pharmacist, LEVEL_PAGES)
    for href in links.values():
        assert client.get(href).status_code == 200, href
    for name in [*RECORD_PAGES.values(), SUPERVISORS]:
        assert client.get(reverse(name, args=[w.pharmacist.pk])).status_code == 404, name


def test_someone_from_another_pcn_sees_neither_the_record_nor_its_pages(client, w):
    client.force_login(w.other_admin)
    assert client.get(reverse("people:show_person", args=[w.pharmacist.pk])).status_code == 404
    for name in [*RECORD_PAGES.values(), *LEVEL_PAGES.values(), SUPERVISORS]:
        assert client.get(reverse(name, args=[w.pharmacist.pk])).status_code == 404, name


def test_a_former_mentor_reaches_neither_the_record_nor_its_pages(client, w):
    w.supervision.ends_on = date.today() - timedelta(days=1)
    w.supervision.save()
    client.force_login(w.mentor)
    assert client.get(reverse("people:show_person", args=[w.pharmacist.pk])).status_code == 404
    for name in [*RECORD_PAGES.values(), *LEVEL_PAGES.values()]:
        assert client.get(reverse(name, args=[w.pharmacist.pk])).status_code == 404, name
