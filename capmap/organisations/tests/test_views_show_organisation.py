"""The organisation page: its details, what sits inside it, and links for those who manage it."""

import pytest
from django.urls import reverse

from capmap.organisations.models import Role
from capmap.organisations.tests.conftest import member, row_headers

pytestmark = pytest.mark.django_db


def url(organisation):
    return reverse("organisations:show_organisation", args=[organisation.pk])


def test_admin_sees_details_children_and_management_links(t, pcn_admin, as_user):
    t.pcn_a.ods_code = "U12345"
    t.pcn_a.save()
    response = as_user(pcn_admin).get(url(t.pcn_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Riverside PCN</h1>" in html
    assert "nhsuk-summary-list" in html
    assert "U12345" in html
    assert "North East Test ICS" in html  # the parent, in the summary list
    assert row_headers(response) == ["Riverside Surgery"]
    assert reverse("organisations:list_members", args=[t.pcn_a.pk]) in html
    assert reverse("organisations:edit_organisation", args=[t.pcn_a.pk]) in html
    assert reverse("organisations:delete_organisation", args=[t.pcn_a.pk]) in html


def test_viewer_sees_details_without_management_links(t, as_user):
    viewer = member(t.pcn_a, Role.VIEWER)
    html = as_user(viewer).get(url(t.practice_a)).content.decode()
    assert "Riverside Surgery" in html
    assert "There are no organisations inside it." in html
    assert reverse("organisations:edit_organisation", args=[t.practice_a.pk]) not in html
    assert reverse("organisations:list_members", args=[t.practice_a.pk]) not in html


def test_manager_gets_the_members_link_but_not_edit(t, as_user):
    manager = member(t.pcn_a, Role.MANAGER)
    html = as_user(manager).get(url(t.pcn_a)).content.decode()
    assert reverse("organisations:list_members", args=[t.pcn_a.pk]) in html
    assert reverse("organisations:edit_organisation", args=[t.pcn_a.pk]) not in html


def test_admin_of_another_pcn_gets_404(t, other_pcn_admin, as_user):
    response = as_user(other_pcn_admin).get(url(t.pcn_a))
    assert response.status_code == 404
    assert "Riverside" not in response.content.decode()


def test_breadcrumbs_lead_back_through_the_tree(t, ics_admin, as_user):
    html = as_user(ics_admin).get(url(t.practice_a)).content.decode()
    assert 'class="nhsuk-breadcrumb"' in html
    assert f'href="{url(t.pcn_a)}"' in html
