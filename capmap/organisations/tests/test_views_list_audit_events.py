"""The audit trail page: read only, scoped to the admin's organisations, filtered without JS."""

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from capmap.organisations import services
from capmap.organisations.models import Role
from capmap.organisations.tests.conftest import member, row_headers
from capmap.people.models import JobRole, StaffGroup
from capmap.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
URL = reverse("organisations:list_audit_events")


def test_changes_made_through_services_show_actor_action_and_changed_fields(t, pcn_admin, as_user):
    practice = services.create_organisation(
        actor=pcn_admin, name="Bridge Street Surgery", kind="practice", parent=t.pcn_a
    )
    services.update_organisation(
        actor=pcn_admin,
        organisation=practice,
        name="Bridge Street Health Centre",
        ods_code="F86099",
        parent=t.pcn_a,
        hard_to_recruit=True,
    )
    html = as_user(pcn_admin).get(URL).content.decode()
    assert html.count(pcn_admin.email) >= 3  # header, and as the actor of both entries
    assert "Created" in html and "Updated" in html
    assert "Organisation: Bridge Street Health Centre" in html
    assert "Bridge Street Surgery → Bridge Street Health Centre" in html
    assert "→ F86099" in html
    assert "No → Yes" in html  # hard to recruit, shown as words


def test_newest_entries_come_first(t, pcn_admin, as_user):
    services.create_organisation(actor=pcn_admin, name="First", kind="practice", parent=t.pcn_a)
    services.create_organisation(actor=pcn_admin, name="Second", kind="practice", parent=t.pcn_a)
    response = as_user(pcn_admin).get(URL, {"actor": pcn_admin.email})
    html = response.content.decode()
    assert html.index("Organisation: Second") < html.index("Organisation: First")
    assert len(row_headers(response)) == 2


def test_admin_of_another_pcn_sees_none_of_our_entries(t, pcn_admin, other_pcn_admin, as_user):
    services.create_organisation(
        actor=pcn_admin, name="Bridge Street Surgery", kind="practice", parent=t.pcn_a
    )
    PersonFactory(employer=t.practice_a, last_name="Okonkwo")
    services.add_member(
        actor=pcn_admin, organisation=t.practice_a, email="new@nhs.net", role=Role.VIEWER
    )
    client = as_user(other_pcn_admin)
    html = client.get(URL).content.decode()
    assert "Hillside PCN" in html  # their own tree's history
    for ours in ["Riverside", "Bridge Street", "Okonkwo", "new@nhs.net", pcn_admin.email]:
        assert ours not in html
    by_our_actor = client.get(URL, {"actor": pcn_admin.email})
    assert row_headers(by_our_actor) == []
    assert "No changes to show" in by_our_actor.content.decode()


def test_ics_admin_sees_entries_from_every_pcn(t, pcn_admin, other_pcn_admin, ics_admin, as_user):
    services.create_organisation(actor=pcn_admin, name="Ours", kind="practice", parent=t.pcn_a)
    services.create_organisation(
        actor=other_pcn_admin, name="Theirs", kind="practice", parent=t.pcn_b
    )
    html = as_user(ics_admin).get(URL).content.decode()
    assert "Organisation: Ours" in html
    assert "Organisation: Theirs" in html


def test_staff_record_entries_are_scoped_by_employer(t, pcn_admin, other_pcn_admin, as_user):
    PersonFactory(employer=t.practice_a, first_name="Ada", last_name="Riverside")
    PersonFactory(employer=t.practice_b, first_name="Bo", last_name="Hillside")
    html = as_user(pcn_admin).get(URL, {"object_type": "people.person"}).content.decode()
    assert "Ada Riverside" in html
    assert "Bo Hillside" not in html


def test_job_role_entries_are_visible_to_any_admin(t, other_pcn_admin, as_user):
    with set_actor(other_pcn_admin):
        JobRole.objects.create(
            name="Digital lead", slug="digital-lead", staff_group=StaffGroup.NON_CLINICAL
        )
    viewer_of_audit = member(t.trust, Role.ADMIN)
    html = as_user(viewer_of_audit).get(URL).content.decode()
    assert "Job role: Digital lead" in html


def test_filters_by_type_action_actor_and_dates(t, pcn_admin, as_user):
    colleague = member(t.pcn_a, Role.ADMIN)
    practice = services.create_organisation(
        actor=pcn_admin, name="Kept", kind="practice", parent=t.pcn_a
    )
    services.update_organisation(
        actor=colleague,
        organisation=practice,
        name="Renamed",
        ods_code="",
        parent=t.pcn_a,
        hard_to_recruit=False,
    )
    client = as_user(pcn_admin)
    updated = client.get(URL, {"object_type": "organisations.organisation", "action": "1"})
    assert row_headers(updated) and "Kept → Renamed" in updated.content.decode()
    assert "Created" not in "".join(row_headers(updated))
    by_actor = client.get(URL, {"actor": colleague.email.upper()}).content.decode()
    assert "Kept → Renamed" in by_actor
    assert "Organisation: Kept" not in by_actor.replace("Kept →", "")
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    assert row_headers(client.get(URL, {"date_from": today.isoformat()}))
    assert row_headers(client.get(URL, {"date_from": tomorrow.isoformat()})) == []
    assert row_headers(client.get(URL, {"date_to": (today - datetime.timedelta(days=1))})) == []


def test_date_to_before_date_from_is_explained(t, pcn_admin, as_user):
    response = as_user(pcn_admin).get(URL, {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The &#39;to&#39; date must be the same as or after the &#39;from&#39; date." in html


def test_fifty_entries_a_page_with_nhs_pagination_keeping_filters(t, pcn_admin, as_user):
    for n in range(51):
        services.create_organisation(
            actor=pcn_admin, name=f"Site {n}", kind="site", parent=t.practice_a
        )
    client = as_user(pcn_admin)
    query = {"object_type": "organisations.organisation", "actor": pcn_admin.email}
    first = client.get(URL, query)
    html = first.content.decode()
    assert len(row_headers(first)) == 50
    assert "nhsuk-pagination" in html
    assert "actor=" in html and "object_type=organisations.organisation&amp;" in html
    assert "page=2" in html
    second = client.get(URL, {**query, "page": 2})
    assert len(row_headers(second)) == 1


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VIEWER, Role.PRACTITIONER])
def test_non_admins_get_403(t, as_user, role):
    assert as_user(member(t.pcn_a, role)).get(URL).status_code == 403


def test_the_page_cannot_change_anything(t, pcn_admin, as_user):
    services.create_organisation(actor=pcn_admin, name="Kept", kind="practice", parent=t.pcn_a)
    count = LogEntry.objects.count()
    client = as_user(pcn_admin)
    assert client.post(URL, {"action": "0"}).status_code == 405
    assert client.delete(URL).status_code == 405
    assert LogEntry.objects.count() == count


def test_page_has_title_breadcrumbs_and_an_accessible_table(t, pcn_admin, as_user):
    services.create_organisation(actor=pcn_admin, name="Kept", kind="practice", parent=t.pcn_a)
    html = as_user(pcn_admin).get(URL).content.decode()
    assert "<title>Audit trail" in html
    assert 'class="nhsuk-breadcrumb"' in html
    assert "<caption" in html
    assert '<th scope="col"' in html
