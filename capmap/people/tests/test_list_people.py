"""The people list: scoped, searchable, filterable, sortable and paginated."""

import datetime
import re

import pytest

from capmap.organisations.models import Role
from capmap.people.tests.factories import PersonFactory, job_role, manager_of, tree_with_ods_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def t():
    return tree_with_ods_codes()


def _page(client, user, **params) -> str:
    client.force_login(user)
    response = client.get("/people/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_manager_sees_staff_of_their_pcn_in_an_accessible_table(client, t):
    PersonFactory(first_name="Asha", last_name="Patel", employer=t.practice_a)
    page = _page(client, manager_of(t.pcn_a))
    assert "Patel, Asha" in page
    assert "<caption" in page and 'scope="col"' in page
    assert "Home" in page  # breadcrumbs


def test_manager_of_another_pcn_sees_none_of_our_staff_even_when_searching(client, t):
    PersonFactory(
        first_name="Asha",
        last_name="Patel",
        email="asha@nhs.net",
        employer=t.practice_a,
        registration_body="GPhC",
        registration_number="2087654",
    )
    outsider = manager_of(t.pcn_b)
    for query in ("", "Patel", "asha@nhs.net", "2087654"):
        page = _page(client, outsider, q=query)
        assert "Patel, Asha" not in page
        assert "No people" in page
    page = _page(client, outsider, organisation=t.pcn_a.pk)
    assert "Patel, Asha" not in page
    assert "Select one of the options given for" in page


def test_search_matches_name_email_and_registration_number(client, t):
    PersonFactory(
        first_name="Asha",
        last_name="Patel",
        email="asha.p@nhs.net",
        registration_body="GPhC",
        registration_number="2087654",
        employer=t.practice_a,
    )
    PersonFactory(first_name="Ben", last_name="Jones", employer=t.practice_a)
    manager = manager_of(t.pcn_a)
    for query in ("asha patel", "ASHA.P@", "2087654"):
        page = _page(client, manager, q=query)
        assert "Patel, Asha" in page
        assert "Jones" not in page


def test_filters_by_job_role_organisation_and_employment_status(client, t):
    sub = t.practice_a
    PersonFactory(last_name="Pharmacist", employer=sub)
    PersonFactory(last_name="Paramedic", employer=t.pcn_a, job_role=job_role("paramedic"))
    PersonFactory(
        last_name="Leaver",
        employer=sub,
        end_date=datetime.date.today() - datetime.timedelta(days=3),
    )
    manager = manager_of(t.pcn_a)
    page = _page(client, manager, job_role="paramedic")
    assert "Paramedic" in page and "Pharmacist," not in page
    page = _page(client, manager, organisation=sub.pk)
    assert "Pharmacist" in page and "Paramedic," not in page
    page = _page(client, manager, status="left")
    assert "Leaver" in page and "Pharmacist," not in page
    page = _page(client, manager, status="in_post")
    assert "Leaver" not in page and "Pharmacist" in page


def test_the_job_role_filter_offers_every_role_by_name_and_keeps_the_one_chosen(client, t):
    from capmap.people.models import JobRole

    PersonFactory(last_name="Paramedic", employer=t.pcn_a, job_role=job_role("paramedic"))
    page = _page(client, manager_of(t.pcn_a), job_role="paramedic")
    select = re.search(r'<select[^>]*name="job_role".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"( selected)?[^>]*>([^<]*)</option>', select)
    roles = list(JobRole.objects.order_by("name").values_list("slug", "name"))
    assert [(value, text) for value, _, text in options] == [("", "Any job role"), *roles]
    assert [value for value, chosen, _ in options if chosen] == ["paramedic"]


def test_sorts_by_start_date_descending(client, t):
    PersonFactory(last_name="Early", start_date=datetime.date(2020, 1, 1), employer=t.pcn_a)
    PersonFactory(last_name="Late", start_date=datetime.date(2025, 1, 1), employer=t.pcn_a)
    page = _page(client, manager_of(t.pcn_a), sort="-start")
    assert page.index("Late,") < page.index("Early,")
    page = _page(client, manager_of(t.pcn_a), sort="start")
    assert page.index("Early,") < page.index("Late,")
    assert 'aria-sort="ascending"' in page


def test_paginates_25_a_page_and_keeps_the_search_in_page_links(client, t):
    PersonFactory.create_batch(30, employer=t.practice_a, stage="senior")
    manager = manager_of(t.pcn_a)
    page = _page(client, manager, q="")
    assert page.count('<tr class="nhsuk-table__row" role="row">') == 26  # header + 25
    assert "nhsuk-pagination" in page
    second = _page(client, manager, page=2, sort="role")
    assert second.count('<tr class="nhsuk-table__row" role="row">') == 6
    assert "sort=role" in second


def test_empty_state_explains_and_offers_to_add_for_managers(client, t):
    page = _page(client, manager_of(t.pcn_a))
    assert "No people yet" in page
    assert "/people/add/" in page
    page = _page(client, manager_of(t.pcn_a), q="nobody")
    assert "No people found" in page


def test_viewer_cannot_see_add_or_import_links(client, t):
    viewer = manager_of(t.pcn_a, Role.VIEWER)
    page = _page(client, viewer)
    assert "/people/add/" not in page
    assert "/people/import/" not in page


def test_an_unknown_sort_falls_back_to_name(client, t):
    PersonFactory(last_name="Zed", employer=t.pcn_a)
    PersonFactory(last_name="Abbot", employer=t.pcn_a)
    page = _page(client, manager_of(t.pcn_a), sort="salary")
    assert "There is a problem" not in page
    assert page.index("Abbot,") < page.index("Zed,")


def test_hospital_mentor_lists_and_opens_only_their_mentee(client, t):
    from capmap.people.tests.factories import SupervisionFactory

    mentee = PersonFactory(last_name="Mentee", employer=t.practice_a)
    PersonFactory(last_name="Colleague", employer=t.practice_a)
    mentor = manager_of(t.trust, Role.SUPERVISOR)
    SupervisionFactory(person=mentee, supervisor=mentor)
    page = _page(client, mentor)
    assert "Mentee," in page and "Colleague," not in page
    assert client.get(f"/people/{mentee.pk}/").status_code == 200
    assert client.get(f"/people/{mentee.pk}/change/").status_code == 403


def test_the_organisation_filter_offers_only_our_organisations_and_keeps_the_choice(client, t):
    manager = manager_of(t.pcn_a)
    page = _page(client, manager, organisation=t.practice_a.pk)
    label = f"{t.practice_a.name} ({t.practice_a.ods_code})"
    assert f'<option value="{t.practice_a.pk}" selected\n  >{label}</option>' in page
    assert f"{t.pcn_a.name} ({t.pcn_a.ods_code})" in page
    assert t.pcn_b.name not in page
    # The same page for a manager of the other PCN: none of ours, nothing chosen.
    other = _page(client, manager_of(t.pcn_b), organisation=t.practice_a.pk)
    assert label not in other and " selected\n" not in other.split('name="organisation"')[1]


def test_each_row_shows_the_role_employer_start_and_status_and_links_to_the_record(client, t):
    left = datetime.date.today() - datetime.timedelta(days=3)
    person = PersonFactory(
        first_name="Asha",
        last_name="Patel",
        stage="senior",
        employer=t.practice_a,
        start_date=datetime.date(2021, 3, 1),
        end_date=left,
    )
    page = _page(client, manager_of(t.pcn_a))
    row = page[page.index("Patel, Asha") - 300 : page.index("Patel, Asha") + 1200]
    assert f'href="/people/{person.pk}/"' in row
    assert f"{person.job_role.name} (senior)" in row and t.practice_a.name in row
    assert "1 Mar 2021" in row and "Left " in row and "In post" not in row
    assert 'aria-hidden="true">Status </span>' in row
