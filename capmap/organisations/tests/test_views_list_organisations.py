"""The organisation tree page: what the caller can see, searched and filtered without JS."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capmap.organisations.models import OrganisationKind, Role
from capmap.organisations.tests.conftest import member, row_headers
from capmap.organisations.tests.factories import OrganisationFactory
from capmap.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
URL = reverse("organisations:list_organisations")


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_ics_admin_sees_the_whole_tree_indented_with_kind_code_and_staff(t, ics_admin, as_user):
    t.practice_a.ods_code = "F86001"
    t.practice_a.save()
    PersonFactory(employer=t.practice_a)
    PersonFactory(employer=t.practice_a)
    response = as_user(ics_admin).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    for name in [
        "North East Test ICS",
        "Riverside PCN",
        "Riverside Surgery",
        "Eastbrook Hospitals",
    ]:
        assert name in html
    assert '<th scope="row" class="nhsuk-table__header app-tree-depth-2" role="rowheader">' in html
    assert "F86001" in html
    assert "GP practice" in html
    assert "<caption" in html
    assert re.search(
        r'<td class="nhsuk-table__cell nhsuk-table__cell--numeric" role="cell">'
        r'<span class="nhsuk-table__heading" aria-hidden="true">Staff </span>'
        r'<div class="app-cell-value">2</div></td>',
        html,
    )


def test_tree_is_in_tree_order_parents_before_children(t, ics_admin, as_user):
    response = as_user(ics_admin).get(URL)
    names = row_headers(response)
    assert names.index("Riverside PCN") < names.index("Riverside Surgery")
    assert names[0] == "North East Test ICS"


def test_pcn_manager_sees_their_pcn_at_the_top_and_nothing_of_the_other_pcn(t, as_user):
    manager = member(t.pcn_a, Role.MANAGER)
    response = as_user(manager).get(URL)
    html = response.content.decode()
    assert row_headers(response) == ["Riverside PCN", "Riverside Surgery"]
    assert '<th scope="row" class="nhsuk-table__header " role="rowheader">' in html  # not indented
    assert "app-tree-depth-1" in html  # its practice, one step in
    assert "Hillside" not in html
    assert "North East Test ICS" not in html


def test_search_by_name_and_by_ods_code(t, ics_admin, as_user):
    t.pcn_b.ods_code = "U54321"
    t.pcn_b.save()
    client = as_user(ics_admin)
    assert row_headers(client.get(URL, {"q": "surgery"})) == ["Riverside Surgery"]
    assert row_headers(client.get(URL, {"q": "u543"})) == ["Hillside PCN"]


def test_kind_filter_shows_only_that_kind(t, ics_admin, as_user):
    response = as_user(ics_admin).get(URL, {"kind": "pcn"})
    assert sorted(row_headers(response)) == ["Hillside PCN", "Riverside PCN"]


def test_other_pcn_admin_searching_our_name_finds_nothing(t, other_pcn_admin, as_user):
    response = as_user(other_pcn_admin).get(URL, {"q": "Riverside"})
    assert row_headers(response) == []
    assert "No organisations match your search" in response.content.decode()
    assert "Riverside Surgery" not in response.content.decode()


def test_user_with_no_role_sees_the_empty_state(db, as_user):
    from capmap.accounts.tests.factories import UserFactory

    response = as_user(UserFactory()).get(URL)
    assert "No organisations to show" in response.content.decode()


def test_only_admins_are_offered_add_an_organisation(t, pcn_admin, as_user):
    assert "Add an organisation" in as_user(pcn_admin).get(URL).content.decode()
    viewer = member(t.pcn_a, Role.VIEWER)
    assert "Add an organisation" not in as_user(viewer).get(URL).content.decode()


def test_page_has_title_and_breadcrumbs(t, pcn_admin, as_user):
    html = as_user(pcn_admin).get(URL).content.decode()
    assert "<title>Organisations \u2013 Capmap</title>" in html
    assert 'class="nhsuk-breadcrumb"' in html


def test_the_tree_costs_the_same_queries_for_6_or_26_organisations_each_linked(
    t, ics_admin, as_user
):
    client = as_user(ics_admin)
    client.get(URL)  # Django's own caches warm
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    added = [
        OrganisationFactory(name=f"Practice {n}", kind=OrganisationKind.PRACTICE, parent=t.pcn_b)
        for n in range(20)
    ]
    with CaptureQueriesContext(connection) as many:
        html = client.get(URL).content.decode()
    assert len(many) == len(few)
    for organisation in [t.ics, t.pcn_a, *added]:
        link = reverse("organisations:show_organisation", args=[organisation.pk])
        assert f'<a href="{link}">{organisation.name}</a>' in html


# The loop the organisation table's template drew its rows with, before they were drawn in
# one pass.
TEMPLATE_LOOP = Path(__file__).parent / "fixtures" / "organisation_rows_loop.jinja"


def test_the_rows_drawn_in_one_pass_are_the_rows_the_template_drew(t, ics_admin):
    from django.template import engines

    from capmap.organisations import presenters, selectors

    t.practice_a.ods_code = "F86001"
    t.practice_a.name = "Riverside <Surgery> & Partners"
    t.practice_a.save()
    PersonFactory(employer=t.practice_a)
    table = presenters.tree_rows(ics_admin, selectors.organisation_tree(ics_admin))
    drawn = engines["jinja2"].env.from_string(TEMPLATE_LOOP.read_text()).render(rows=table.rows)

    def squeezed(html: str) -> str:
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()

    assert len(table.rows) > 5
    assert squeezed(str(table.body)) == squeezed(drawn)
    assert "Riverside &lt;Surgery&gt; &amp; Partners" in str(table.body)
