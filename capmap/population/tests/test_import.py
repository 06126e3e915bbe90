"""Importing QOF prevalence: all rows or none, idempotent, years side by side, scoped."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError

from capmap.core.actors import SYSTEM
from capmap.core.exceptions import NotPermitted
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory
from capmap.population import services
from capmap.population.models import PopulationImport, RegisterCount

from .factories import PREVALENCE_2223, PREVALENCE_2425, nel_tree

pytestmark = pytest.mark.django_db


def _import(path=PREVALENCE_2425, year="2024-25", actor=SYSTEM):
    return services.import_population(actor=actor, content=path.read_bytes(), year=year)


def test_the_command_imports_practices_in_the_tree_and_counts_the_rest():
    tree = nel_tree()
    out = io.StringIO()
    call_command("import_population", str(PREVALENCE_2425), "--year", "2024-25", stdout=out)
    assert RegisterCount.objects.filter(year="2024-25").count() == 23 * 21
    dm = RegisterCount.objects.get(practice=tree.practices["F82018"], register="DM")
    assert (dm.patients, dm.list_type, dm.list_size) == (1142, "17OV", 9136)
    assert "483 register counts for 23 practices imported" in out.getvalue()
    assert "Skipped 42 rows for 2 practices that are not in Capmap" in out.getvalue()


def test_importing_the_same_year_again_replaces_it_and_changes_nothing():
    nel_tree()
    _import()
    before = sorted(RegisterCount.objects.values_list("practice_id", "register", "patients"))
    plan = _import()
    after = sorted(RegisterCount.objects.values_list("practice_id", "register", "patients"))
    assert before == after and plan.replaced == 483
    assert RegisterCount.objects.count() == 483


def test_years_are_kept_side_by_side():
    tree = nel_tree()
    _import()
    _import(PREVALENCE_2223, "2022-23")
    hf = dict(
        RegisterCount.objects.filter(practice=tree.practices["F82001"], register="HF").values_list(
            "year", "patients"
        )
    )
    assert hf == {"2024-25": 26, "2022-23": 15}


def test_a_malformed_row_refuses_the_whole_file():
    nel_tree()
    _import()
    bad = PREVALENCE_2425.read_bytes().replace(b"F82018,DM,1142.0", b"F82018,DM,lots", 1)
    with pytest.raises(services.PopulationRejected) as rejected:
        services.import_population(actor=SYSTEM, content=bad, year="2024-25")
    [mistake] = rejected.value.plan.mistakes
    assert mistake.column == "REGISTER" and "lots" in mistake.message
    assert RegisterCount.objects.filter(register="DM", patients=1142).exists()  # untouched


def test_the_command_prints_each_row_to_correct(tmp_path):
    nel_tree()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(PREVALENCE_2425.read_bytes().replace(b"F82018,DM,1142.0", b"F82018,DM,x"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 row needs correcting"):
        call_command("import_population", str(bad), "--year", "2024-25", stderr=err)
    assert "REGISTER" in err.getvalue()
    assert not RegisterCount.objects.exists()


def test_the_command_refuses_a_badly_written_year():
    with pytest.raises(CommandError, match="YYYY-YY"):
        call_command("import_population", str(PREVALENCE_2425), "--year", "2024")


def test_an_ics_admin_imports_only_their_own_tree_and_the_import_is_audited():
    tree = nel_tree()
    other_ics = OrganisationFactory(name="North East and North Cumbria ICB")
    OrganisationFactory(ods_code="A81001", kind="practice", parent=other_ics)
    admin = MembershipFactory(organisation=tree.icb, role=Role.ADMIN).user
    plan = _import(actor=admin)
    assert plan.practices == 23 and plan.skipped_practices == 2
    assert not RegisterCount.objects.filter(practice__ods_code="A81001").exists()
    record = PopulationImport.objects.get()
    assert (record.scope, record.imported_by, record.rows) == (tree.icb, admin, 483)
    entry = LogEntry.objects.get_for_object(record).get()
    assert entry.actor == admin


def test_another_icss_admin_imports_nothing_into_this_tree():
    nel_tree()
    other_admin = MembershipFactory(organisation=OrganisationFactory(), role=Role.ADMIN).user
    plan = services.plan_population_import(
        actor=other_admin, content=PREVALENCE_2425.read_bytes(), year="2024-25"
    )
    assert plan.rows == [] and plan.skipped_practices == 25


def test_a_manager_cannot_import_population_figures():
    tree = nel_tree()
    manager = MembershipFactory(organisation=tree.icb, role=Role.MANAGER).user
    with pytest.raises(NotPermitted):
        _import(actor=manager)
