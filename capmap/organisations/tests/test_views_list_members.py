"""The members page: who has which role in an organisation, for admins and managers."""

import pytest
from django.urls import reverse

from capmap.organisations.models import Role
from capmap.organisations.tests.conftest import member, row_headers
from capmap.organisations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def url(organisation):
    return reverse("organisations:list_members", args=[organisation.pk])


def test_admin_sees_members_with_their_roles_and_the_descendants_hint(t, pcn_admin, as_user):
    nurse = MembershipFactory(organisation=t.pcn_a, role=Role.SUPERVISOR).user
    html = as_user(pcn_admin).get(url(t.pcn_a)).content.decode()
    assert nurse.email in html
    assert "Supervisor or mentor" in html
    assert pcn_admin.email in html
    assert "applies to Riverside PCN and every organisation inside it" in html
    assert "<caption" in html


def test_manager_cannot_change_or_remove_an_admin(t, pcn_admin, as_user):
    manager = member(t.pcn_a, Role.MANAGER)
    html = as_user(manager).get(url(t.pcn_a)).content.decode()
    admin_membership = pcn_admin.memberships.get()
    remove = reverse("organisations:remove_member", args=[t.pcn_a.pk, admin_membership.pk])
    assert remove not in html
    assert len(row_headers(as_user(manager).get(url(t.pcn_a)))) == 2


def test_members_of_a_practice_do_not_include_the_pcn_members(t, pcn_admin, as_user):
    MembershipFactory(organisation=t.practice_a, role=Role.PRACTITIONER)
    html = as_user(pcn_admin).get(url(t.practice_a)).content.decode()
    assert f'<td class="nhsuk-table__cell">{pcn_admin.email}</td>' not in html
    assert html.count('<div class="app-cell-value">Practitioner</div>') == 1


@pytest.mark.parametrize("role", [Role.VIEWER, Role.SUPERVISOR, Role.PRACTITIONER])
def test_people_without_the_right_to_manage_members_get_403(t, as_user, role):
    assert as_user(member(t.pcn_a, role)).get(url(t.pcn_a)).status_code == 403


def test_admin_of_another_pcn_gets_404_and_no_names(t, pcn_admin, other_pcn_admin, as_user):
    response = as_user(other_pcn_admin).get(url(t.pcn_a))
    assert response.status_code == 404
    assert pcn_admin.email not in response.content.decode()
    assert "Riverside" not in response.content.decode()
