"""The held-level counts (capability.held_levels) stay the count of the current levels after
every kind of write, and the ICS-wide training needs read from them give the live answer.

Each test writes the way Capmap does (services, the generator, a restore) and then checks
the table against a recount of the current levels; the training needs of the ICS lead,
which now come from the table, are checked against the hand-written SQL.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from dataclasses import replace
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from capmap.assessments import services as assessment_services
from capmap.assessments.models import CapabilityEvent, CurrentCapability
from capmap.assessments.tests.factories import levels, submitted_assessment, world
from capmap.capability import held_levels, selectors
from capmap.capability.selectors import at_a_glance, training
from capmap.capability.synthetic import find_generated, generate_workforce
from capmap.capability.tests.test_selectors_match_sql import _bench, _sql
from capmap.core.actors import SYSTEM
from capmap.organisations import services as organisation_services
from capmap.organisations.models import Membership, Organisation, OrganisationKind, Role
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory
from capmap.people import services as people_services
from capmap.people.models import JobRole, Person
from capmap.people.values import PersonDetails
from capmap.privacy import services as privacy_services

pytestmark = pytest.mark.django_db

SEED = 23


def recount(root: Organisation) -> dict[tuple, dict[int, int]]:
    """What the table should hold for the root: the current levels of people with no end
    date employed under it, counted now."""
    found: dict[tuple, dict[int, int]] = defaultdict(dict)
    for role, stage, competency, level, n in (
        CurrentCapability.objects.filter(
            person__end_date__isnull=True, person__employer__path__startswith=root.path
        )
        .values_list("person__job_role_id", "person__stage", "competency_id", "level")
        .annotate(n=Count("*"))
        .order_by()
    ):
        found[(role, stage, competency)][level] = n
    return found


def assert_exact(*roots: Organisation) -> None:
    for root in roots:
        assert held_levels.counts(root.pk) == recount(root)


def live(*args):
    return None


def assert_training_needs_are_the_sql_answer(lead, ics) -> None:
    """The ICS-wide figures from the counts are those counted live, and training needs
    are the hand-written SQL's answer."""
    needs = selectors.training_needs(lead, ics)
    role = Person.objects.filter(employer__path__startswith=ics.path).first().job_role
    of_role = selectors.training_needs(lead, ics, job_role=role)
    lines = selectors.role_coverage(lead, ics)
    pathways = selectors.pathway_summaries(lead, ics)
    assert needs and lines
    with patch.object(training, "whole_tree", live), patch.object(at_a_glance, "whole_tree", live):
        assert selectors.training_needs(lead, ics) == needs
        assert selectors.training_needs(lead, ics, job_role=role) == of_role
        assert selectors.role_coverage(lead, ics) == lines
        assert selectors.pathway_summaries(lead, ics) == pathways
    assert sorted(
        (n.competency.pk, n.people_required, n.people_short, n.levels_short, n.essential)
        for n in needs
    ) == sorted(
        (c, required, short, levels_short, bool(essential))
        for c, required, short, levels_short, essential in _sql(_bench().TNA_SQL, ics)
    )


@pytest.fixture
def generated():
    generate_workforce(staff=40, seed=SEED)
    ics = find_generated(SEED)
    lead = Membership.objects.get(organisation=ics, role=Role.MANAGER).user
    return ics, lead


def test_a_generated_ics_is_counted_and_its_training_needs_are_the_sql_answer(generated):
    ics, lead = generated
    assert held_levels.counts(ics.pk), "the generated ICS has verified levels"
    assert_exact(ics)
    assert_training_needs_are_the_sql_answer(lead, ics)


def test_a_second_generated_ics_leaves_the_first_exact_and_the_triggers_back_on(generated):
    ics, lead = generated
    generate_workforce(staff=30, seed=SEED + 1)
    other = find_generated(SEED + 1)
    assert held_levels.counts(other.pk), "the second ICS has verified levels"
    assert_exact(ics, other)
    # The load set the triggers aside; they count writes again after it.
    person = Person.objects.filter(employer__path__startswith=ics.path).order_by("pk").first()
    people_services.end_employment(
        actor=SYSTEM, person=person, end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert_exact(ics, other)
    assert_training_needs_are_the_sql_answer(lead, ics)


def test_leavers_stop_counting_and_people_leaving_later_are_counted_live(generated):
    ics, lead = generated
    today = timezone.localdate()
    left, leaving = Person.objects.filter(employer__path__startswith=ics.path).order_by("pk")[:2]
    people_services.end_employment(
        actor=SYSTEM, person=left, end_date=today - datetime.timedelta(days=1)
    )
    people_services.end_employment(
        actor=SYSTEM, person=leaving, end_date=today + datetime.timedelta(days=30)
    )
    assert_exact(ics)
    assert_training_needs_are_the_sql_answer(lead, ics)


def test_changing_role_stage_and_employer_moves_the_counts(generated):
    ics, lead = generated
    person = (
        Person.objects.filter(employer__path__startswith=ics.path)
        .select_related("job_role", "employer")
        .order_by("pk")
        .first()
    )
    other_role = JobRole.objects.exclude(pk=person.job_role_id).order_by("pk").first()
    other_employer = (
        Organisation.objects.filter(path__startswith=ics.path)
        .exclude(pk=person.employer_id)
        .order_by("pk")
        .last()
    )
    details = PersonDetails(
        first_name=person.first_name,
        last_name=person.last_name,
        job_role=other_role,
        employer=other_employer,
        start_date=person.start_date,
        stage="senior",
    )
    people_services.update_person(actor=SYSTEM, person=person, details=details)
    assert_exact(ics)
    assert_training_needs_are_the_sql_answer(lead, ics)
    people_services.update_person(
        actor=SYSTEM, person=person, details=replace(details, employer=person.employer)
    )
    assert_exact(ics)


def test_many_people_changed_in_one_statement_as_an_import_writes_them(generated):
    # The staff import writes with bulk_update: one UPDATE for many people.
    ics, lead = generated
    people = Person.objects.filter(employer__path__startswith=ics.path, stage="junior")
    assert people.count() > 1
    people.update(stage="senior")
    assert_exact(ics)
    assert_training_needs_are_the_sql_answer(lead, ics)


def test_erasing_a_person_takes_their_levels_out(generated):
    ics, lead = generated
    person = Person.objects.filter(employer__path__startswith=ics.path).order_by("pk").last()
    assert CurrentCapability.objects.filter(person=person).exists()
    admin = MembershipFactory(organisation=ics, role=Role.ADMIN).user
    privacy_services.erase_person(actor=admin, person=person, reason="Asked to be forgotten")
    assert_exact(ics)
    assert_training_needs_are_the_sql_answer(lead, ics)


def test_a_pcn_moved_to_another_ics_counts_there(generated):
    ics, _ = generated
    other = OrganisationFactory(name="Another ICS")
    pcn = (
        Organisation.objects.filter(
            parent=ics, kind=OrganisationKind.PCN, children__staff__isnull=False
        )
        .order_by("pk")
        .first()
    )
    organisation_services.update_organisation(
        actor=SYSTEM,
        organisation=pcn,
        name=pcn.name,
        ods_code=pcn.ods_code,
        parent=other,
        hard_to_recruit=pcn.hard_to_recruit,
    )
    assert held_levels.counts(other.pk), "the practices' staff now count under the other ICS"
    assert_exact(ics, other)


def test_sign_offs_and_withdrawals_keep_the_counts():
    w = world()
    lead = MembershipFactory(organisation=w.orgs.ics, role=Role.MANAGER).user
    assessment = submitted_assessment(w)
    assessment_services.sign_off_assessment(
        actor=w.mentor, assessment=assessment, ratings=levels(w, 2, 3, 1)
    )
    assert held_levels.counts(w.orgs.ics.pk)
    assert_exact(w.orgs.ics)
    assert_training_needs_are_the_sql_answer(lead, w.orgs.ics)
    event = CapabilityEvent.objects.filter(person=w.pharmacist).order_by("-pk").first()
    assessment_services.withdraw_verified_level(actor=SYSTEM, event=event)
    assert_exact(w.orgs.ics)
    assert_training_needs_are_the_sql_answer(lead, w.orgs.ics)


def test_a_manager_of_another_ics_gets_no_training_needs_from_the_counts(generated):
    ics, _ = generated
    outsider = MembershipFactory(organisation=OrganisationFactory(), role=Role.MANAGER).user
    assert held_levels.counts(ics.pk)
    assert selectors.training_needs(outsider, ics) == []


def test_a_pcn_manager_is_counted_live_within_their_pcn(generated):
    ics, _ = generated
    membership = Membership.objects.filter(role=Role.MANAGER, organisation__parent=ics).first()
    assert selectors.whole_tree(membership.user, ics) is None
    assert selectors.whole_tree(membership.user, membership.organisation) is None


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_is_counted_again(tmp_path):
    generate_workforce(staff=20, seed=SEED)
    ics = find_generated(SEED)
    before = held_levels.counts(ics.pk)
    assert before
    path = tmp_path / "capmap.tar"
    call_command("backup", str(path))
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    assert held_levels.counts(ics.pk) == {}
    call_command("restore", str(path))
    assert held_levels.counts(ics.pk) == before
    assert_exact(ics)


def spread_over_slots(slots=(11, 12, 13, 14)) -> int:
    """Spread the counts as many writers would leave them: each row's count split over
    three slots, and a count that came and went (a zero) in a fourth; returns the rows."""
    first, second, third, fourth = slots
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {held_levels.KEY}, n FROM {held_levels.TABLE}")
        rows = cursor.fetchall()
        cursor.execute(f"DELETE FROM {held_levels.TABLE}")
        spread = []
        for *key, _, n in rows:
            spread += [(*key, first, n - 1), (*key, second, 3), (*key, third, -2)]
            spread.append((*key, fourth, 0))
        cursor.executemany(
            f"INSERT INTO {held_levels.TABLE} ({held_levels.KEY}, n) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            spread,
        )
    return len(spread)


def test_compacting_leaves_one_row_a_count_and_changes_no_figure(generated):
    ics, lead = generated
    keys = sum(len(levels) for levels in held_levels.counts(ics.pk).values())
    needs = selectors.training_needs(lead, ics)
    spread = spread_over_slots()
    assert_exact(ics)

    with transaction.atomic():
        assert held_levels.compact() == (spread, keys)
    assert_exact(ics)
    assert selectors.training_needs(lead, ics) == needs
    assert held_levels.compact() == (keys, keys), "a second run changes nothing"


def test_the_command_compacts_and_says_so(generated):
    ics, _ = generated
    spread = spread_over_slots()
    out = io.StringIO()
    call_command("compact_held_levels", stdout=out)
    assert f"{spread:,} rows, now " in out.getvalue()
    assert_exact(ics)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_compacting_never_waits_for_a_transaction_still_writing():
    """A sign-off still open in another transaction holds its slot's rows: compaction
    leaves those for the next run instead of waiting, and both end exact."""
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    generate_workforce(staff=20, seed=SEED)
    ics = find_generated(SEED)
    keys = sum(len(levels) for levels in held_levels.counts(ics.pk).values())
    writer = DatabaseWrapper(connections["default"].settings_dict.copy(), alias="writer")
    try:
        writer.set_autocommit(False)
        with writer.cursor() as cursor:
            cursor.execute(f"SELECT {held_levels.PG_SLOT}")
            slot = cursor.fetchone()[0]
            # Three other slots: the writer's own is whatever its connection hashes to.
            others = [other for other in (12, 13, 14, 15) if other != slot][:3]
            spread_over_slots((slot, *others))
            # Still uncommitted: the rows of its slot that it adds to are held.
            cursor.execute(
                "UPDATE assessments_currentcapability SET level = level WHERE id IN "
                "(SELECT id FROM assessments_currentcapability ORDER BY id LIMIT 50)"
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            before, after = held_levels.compact()
        assert keys < after < before, "the rows the writer holds are left for the next run"
        writer.commit()
    finally:
        writer.close()
    assert_exact(ics)
    with transaction.atomic():
        assert held_levels.compact()[1] == keys
    assert_exact(ics)
