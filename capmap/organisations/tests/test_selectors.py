"""Reads scoped to the caller: the tree, parent choices, memberships and the audit trail."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry

from capmap.organisations import selectors, services
from capmap.organisations.models import Role
from capmap.organisations.tests.conftest import member
from capmap.organisations.tests.factories import MembershipFactory
from capmap.people.models import JobRole, StaffGroup
from capmap.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_tree_counts_staff_and_is_in_path_order(t, ics_admin):
    PersonFactory(employer=t.practice_a)
    tree = selectors.organisation_tree(ics_admin)
    assert tree[0].pk == t.ics.pk
    by_pk = {org.pk: org for org in tree}
    assert by_pk[t.practice_a.pk].staff_count == 1
    assert by_pk[t.pcn_a.pk].staff_count == 0
    paths = [org.path for org in tree]
    assert paths == sorted(paths)


def test_tree_search_and_kind_stay_inside_the_scope(t, pcn_admin):
    def found(**query) -> list[int]:
        return [org.pk for org in selectors.organisation_tree(pcn_admin, **query)]

    assert found(search="side") == [t.pcn_a.pk, t.practice_a.pk]
    assert found(kind="pcn") == [t.pcn_a.pk]
    assert found(search="Hillside") == []


def test_parent_choices_are_managed_organisations_that_can_hold_others(t, pcn_admin, ics_admin):
    assert selectors.parent_choices(pcn_admin) == [t.pcn_a, t.practice_a]
    choices = selectors.parent_choices(ics_admin, t.pcn_a)
    assert t.pcn_a not in choices and t.practice_a not in choices
    assert t.ics in choices and t.pcn_b in choices


def test_parent_choices_when_editing_keep_the_current_parent(t, pcn_admin):
    assert t.ics in selectors.parent_choices(pcn_admin, t.pcn_a)
    assert t.pcn_b not in selectors.parent_choices(pcn_admin, t.pcn_a)


def test_memberships_are_those_the_user_may_manage(t, pcn_admin, other_pcn_admin):
    ours = MembershipFactory(organisation=t.practice_a, role=Role.VIEWER)
    assert ours in selectors.memberships_for(pcn_admin)
    assert ours not in selectors.memberships_for(other_pcn_admin)
    viewer = member(t.pcn_a, Role.VIEWER)
    assert list(selectors.memberships_for(viewer)) == []


def test_audit_entries_match_the_json_organisation_path_prefix(t, pcn_admin, other_pcn_admin):
    practice = services.create_organisation(
        actor=pcn_admin, name="Ours", kind="practice", parent=t.pcn_a
    )
    ours = LogEntry.objects.get_for_object(practice).get()
    assert ours in selectors.audit_events_for(pcn_admin)
    assert ours not in selectors.audit_events_for(other_pcn_admin)
    visible_to_other = selectors.audit_events_for(other_pcn_admin)
    assert all(
        e.additional_data["organisation_path"].startswith(t.pcn_b.path) for e in visible_to_other
    )


def test_a_path_prefix_is_not_fooled_by_a_longer_id(t, pcn_admin):
    """/1/2/ must not match /1/23/: paths end with a slash, so the prefix is exact."""
    entry = LogEntry.objects.create(
        content_type=LogEntry.objects.get_for_object(t.pcn_a).first().content_type,
        object_pk="999",
        object_repr="Lookalike",
        action=LogEntry.Action.CREATE,
        additional_data={"organisation_path": t.pcn_a.path.rstrip("/") + "3/"},
    )
    assert entry not in selectors.audit_events_for(pcn_admin)


def test_job_role_entries_are_for_any_admin_and_no_one_else(t, pcn_admin):
    with set_actor(pcn_admin):
        role = JobRole.objects.create(
            name="Digital lead", slug="digital-lead", staff_group=StaffGroup.NON_CLINICAL
        )
    entry = LogEntry.objects.get_for_object(role).get()
    assert entry in selectors.audit_events_for(member(t.trust, Role.ADMIN))
    assert entry not in selectors.audit_events_for(member(t.trust, Role.MANAGER))


def test_entries_without_a_path_of_other_models_stay_hidden(t, ics_admin):
    entry = LogEntry.objects.create(
        content_type=LogEntry.objects.get_for_object(t.pcn_a).first().content_type,
        object_pk="998",
        object_repr="No path",
        action=LogEntry.Action.CREATE,
        additional_data=None,
    )
    assert entry not in selectors.audit_events_for(ics_admin)


def test_audit_object_types_are_the_registered_models(db):
    values = dict(selectors.audit_object_types())
    assert values["organisations.organisation"] == "Organisation"
    assert values["people.jobrole"] == "Job role"
