"""Organisation and membership services: permission-checked, audited with actor and changes."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from capmap.accounts.models import User
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.organisations import scoping, services
from capmap.organisations.models import Membership, Organisation, OrganisationKind, Role
from capmap.organisations.tests.conftest import member
from capmap.organisations.tests.factories import OrganisationFactory
from capmap.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")


def test_create_organisation_stores_its_path_and_one_audit_entry_with_the_actor(t, pcn_admin):
    practice = services.create_organisation(
        actor=pcn_admin, name=" Bridge Street ", kind="practice", parent=t.pcn_a, ods_code="f86099"
    )
    practice.refresh_from_db()
    assert practice.path == f"{t.pcn_a.path}{practice.pk}/"
    assert practice.name == "Bridge Street"
    assert practice.ods_code == "F86099"
    [entry] = entries_for(practice)
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == pcn_admin
    assert entry.additional_data == {"organisation_path": practice.path}
    assert entry.changes_dict["name"] == ["None", "Bridge Street"]


def test_create_organisation_leaves_nothing_behind_when_storing_its_path_fails(
    t, pcn_admin, monkeypatch
):
    def broken(organisation):
        raise RuntimeError("the path could not be stored")

    before = (Organisation.objects.count(), LogEntry.objects.count())
    monkeypatch.setattr(Organisation, "expected_path", broken)
    with pytest.raises(RuntimeError):
        services.create_organisation(
            actor=pcn_admin, name="Half made", kind="practice", parent=t.pcn_a
        )
    assert (Organisation.objects.count(), LogEntry.objects.count()) == before
    assert not Organisation.objects.filter(name="Half made").exists()


def test_create_refuses_a_parent_the_actor_does_not_manage(t, pcn_admin):
    with pytest.raises(NotPermitted):
        services.create_organisation(actor=pcn_admin, name="X", kind="practice", parent=t.pcn_b)


def test_create_refuses_a_kind_that_cannot_sit_under_the_parent(t, ics_admin):
    with pytest.raises(ValidationError) as error:
        services.create_organisation(actor=ics_admin, name="X", kind="practice", parent=t.ics)
    assert error.value.message_dict["parent"] == [
        "A GP practice must be part of a primary care network or a GP federation."
    ]


def test_only_a_system_administrator_adds_an_ics(t, ics_admin):
    with pytest.raises(NotPermitted):
        services.create_organisation(actor=ics_admin, name="Another ICS", kind="ics", parent=None)
    root = User.objects.create_superuser(email="root@example.nhs.uk", password="x" * 16)
    ics = services.create_organisation(actor=root, name="Another ICS", kind="ics", parent=None)
    assert Organisation.objects.get(pk=ics.pk).path == f"/{ics.pk}/"


def test_duplicate_ods_code_is_a_field_error(t, ics_admin):
    t.trust.ods_code = "RF4"
    t.trust.save()
    with pytest.raises(ValidationError) as error:
        services.create_organisation(
            actor=ics_admin, name="X", kind="trust", parent=t.ics, ods_code="rf4"
        )
    assert "already has the ODS code RF4" in error.value.message_dict["ods_code"][0]


def test_malformed_ods_code_is_a_field_error(t, ics_admin):
    with pytest.raises(ValidationError) as error:
        services.create_organisation(
            actor=ics_admin, name="X", kind="trust", parent=t.ics, ods_code="R-4"
        )
    assert "ods_code" in error.value.message_dict


def test_update_records_old_and_new_values_with_the_actor(t, pcn_admin):
    services.update_organisation(
        actor=pcn_admin,
        organisation=t.practice_a,
        name="Riverside Health Centre",
        ods_code="F86001",
        parent=t.pcn_a,
        hard_to_recruit=True,
    )
    entry = entries_for(t.practice_a).last()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == pcn_admin
    assert entry.changes_dict["name"] == ["Riverside Surgery", "Riverside Health Centre"]
    assert entry.changes_dict["hard_to_recruit"] == ["False", "True"]


def test_moving_rewrites_the_paths_of_the_whole_subtree(t, ics_admin):
    site = OrganisationFactory(name="Branch", kind=OrganisationKind.SITE, parent=t.practice_a)
    services.update_organisation(
        actor=ics_admin,
        organisation=t.practice_a,
        name="Riverside Surgery",
        ods_code="",
        parent=t.pcn_b,
        hard_to_recruit=False,
    )
    site.refresh_from_db()
    assert site.path == f"{t.pcn_b.path}{t.practice_a.pk}/{site.pk}/"
    manager_b = member(t.pcn_b, Role.MANAGER)
    assert scoping.can(manager_b, scoping.VIEW_ORGANISATION, site)


def test_an_organisation_cannot_move_inside_itself(t, ics_admin):
    with pytest.raises(ValidationError):
        services.update_organisation(
            actor=ics_admin,
            organisation=t.pcn_a,
            name="Riverside PCN",
            ods_code="",
            parent=t.practice_a,
            hard_to_recruit=False,
        )


def test_pcn_admin_cannot_move_their_practice_out_of_their_pcn(t, pcn_admin):
    with pytest.raises(NotPermitted):
        services.update_organisation(
            actor=pcn_admin,
            organisation=t.practice_a,
            name="Riverside Surgery",
            ods_code="",
            parent=t.pcn_b,
            hard_to_recruit=False,
        )


def test_delete_is_refused_while_children_or_staff_remain(t, pcn_admin):
    with pytest.raises(DomainError, match="organisations inside it"):
        services.delete_organisation(actor=pcn_admin, organisation=t.pcn_a)
    PersonFactory(employer=t.practice_a)
    with pytest.raises(DomainError, match="still employs staff"):
        services.delete_organisation(actor=pcn_admin, organisation=t.practice_a)


def test_delete_is_audited_with_the_path_so_the_admin_still_sees_it(t, pcn_admin):
    pk = t.practice_a.pk
    services.delete_organisation(actor=pcn_admin, organisation=t.practice_a)
    entry = LogEntry.objects.filter(object_id=pk, action=LogEntry.Action.DELETE).get(
        content_type__model="organisation"
    )
    assert entry.actor == pcn_admin
    assert entry.additional_data == {"organisation_path": f"{t.pcn_a.path}{pk}/"}


def test_delete_outside_scope_is_not_permitted(t, other_pcn_admin):
    with pytest.raises(NotPermitted):
        services.delete_organisation(actor=other_pcn_admin, organisation=t.practice_a)


def test_add_member_makes_an_account_with_no_usable_password(t, pcn_admin):
    added = services.add_member(
        actor=pcn_admin, organisation=t.practice_a, email=" New.Starter@NHS.net ", role="viewer"
    )
    assert added.account_created
    assert added.membership.user.email == "new.starter@nhs.net"
    assert not added.membership.user.has_usable_password()
    entry = entries_for(added.membership).last()
    assert entry.actor == pcn_admin
    assert entry.additional_data == {"organisation_path": t.practice_a.path}


def test_add_member_reuses_an_existing_account(t, pcn_admin):
    existing = member(t.pcn_b, Role.VIEWER)
    added = services.add_member(
        actor=pcn_admin, organisation=t.pcn_a, email=existing.email.upper(), role="supervisor"
    )
    assert not added.account_created
    assert added.membership.user == existing


def test_manager_cannot_make_an_admin(t):
    manager = member(t.pcn_a, Role.MANAGER)
    with pytest.raises(NotPermitted):
        services.add_member(actor=manager, organisation=t.pcn_a, email="a@nhs.net", role="admin")
    assert not User.objects.filter(email="a@nhs.net").exists()


def test_change_member_role_is_audited_old_to_new(t, pcn_admin):
    membership = Membership.objects.create(
        user=member(t.pcn_b, Role.VIEWER), organisation=t.pcn_a, role=Role.VIEWER
    )
    services.change_member_role(actor=pcn_admin, membership=membership, role=Role.MANAGER)
    entry = entries_for(membership).last()
    assert entry.changes_dict["role"] == ["viewer", "manager"]
    assert entry.actor == pcn_admin


def test_granting_a_role_takes_effect_at_once_for_that_user(t, pcn_admin):
    newcomer = member(t.pcn_b, Role.VIEWER)
    assert not scoping.can(newcomer, scoping.VIEW_ORGANISATION, t.pcn_a)
    services.grant_membership(actor=pcn_admin, user=newcomer, organisation=t.pcn_a, role="viewer")
    assert scoping.can(newcomer, scoping.VIEW_ORGANISATION, t.pcn_a)


def test_revoke_is_refused_for_the_only_admin_leaving_and_allowed_with_another(t, pcn_admin):
    own = pcn_admin.memberships.get()
    with pytest.raises(DomainError, match="only admin"):
        services.revoke_membership(actor=pcn_admin, membership=own)
    member(t.pcn_a, Role.ADMIN)
    services.revoke_membership(actor=pcn_admin, membership=own)
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_outsider_cannot_revoke(t, pcn_admin, other_pcn_admin):
    with pytest.raises(NotPermitted):
        services.revoke_membership(actor=other_pcn_admin, membership=pcn_admin.memberships.get())
