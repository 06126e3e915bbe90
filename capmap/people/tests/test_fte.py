"""Whole-time equivalent (FTE) on the staff form and in the staff import: 0.01 to 1.5."""

from decimal import Decimal

import pytest

from capmap.core.importing import ImportRejected
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory
from capmap.people import importing, services
from capmap.people.models import Person
from capmap.people.tests.factories import PersonFactory, manager_of, tree_with_ods_codes
from capmap.people.tests.import_files import csv_file, row, xlsx_file
from capmap.people.tests.test_person_pages import _form

pytestmark = pytest.mark.django_db

RULE = "The whole-time equivalent must be a number from 0.01 to 1.5"


@pytest.fixture
def t():
    return tree_with_ods_codes()


def test_a_manager_records_a_part_time_person(client, t):
    client.force_login(manager_of(t.pcn_a))
    response = client.post("/people/add/", _form(t, fte="0.6"))
    assert response.status_code == 302
    assert Person.objects.get(registration_number="2087654").fte == Decimal("0.60")


def test_the_form_shows_and_changes_the_fte(client, t):
    person = PersonFactory(employer=t.practice_a, fte="0.50")
    client.force_login(manager_of(t.pcn_a))
    page = client.get(f"/people/{person.pk}/change/").content.decode()
    assert "Whole-time equivalent (FTE)" in page and 'value="0.50"' in page
    client.post(f"/people/{person.pk}/change/", _form(t, fte="1.2"))
    person.refresh_from_db()
    assert person.fte == Decimal("1.20")


@pytest.mark.parametrize(
    ("fte", "message"),
    [
        ("0", RULE),
        ("1.6", RULE),
        ("-1", RULE),
        ("lots", "Enter the whole-time equivalent as a number, like 0.6."),
        ("0.125", "at most two decimal places"),
    ],
)
def test_an_fte_out_of_range_is_refused_with_a_clear_message(client, t, fte, message):
    client.force_login(manager_of(t.pcn_a))
    response = client.post("/people/add/", _form(t, fte=fte))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Person.objects.exists()


def test_an_empty_fte_means_full_time_for_a_new_person(client, t):
    client.force_login(manager_of(t.pcn_a))
    client.post("/people/add/", _form(t, fte=""))
    assert Person.objects.get(registration_number="2087654").fte == Decimal("1.00")


def test_a_manager_of_another_organisation_cannot_change_the_fte(client, t):
    person = PersonFactory(employer=t.practice_a, fte="0.50")
    outsider = MembershipFactory(organisation=OrganisationFactory(), role=Role.ADMIN).user
    client.force_login(outsider)
    assert client.post(f"/people/{person.pk}/change/", _form(t, fte="1")).status_code == 404
    person.refresh_from_db()
    assert person.fte == Decimal("0.50")


def _import(actor, content: bytes):
    return services.import_staff(actor=actor, rows=importing.read_staff_rows(content))


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_the_import_reads_the_optional_fte_column(t, make_file):
    manager = manager_of(t.pcn_a)
    _import(manager, make_file([row(fte="0.8")]))
    assert Person.objects.get(registration_number="2087654").fte == Decimal("0.80")


def test_an_empty_fte_cell_keeps_an_existing_persons_fte_and_a_new_one_is_full_time(t):
    manager = manager_of(t.pcn_a)
    existing = PersonFactory(
        employer=t.practice_a,
        registration_body="GPhC",
        registration_number="2087654",
        fte="0.40",
    )
    plan = _import(
        manager,
        csv_file([row(fte=""), row(registration_number="2087655", email="new@nhs.net", fte="")]),
    )
    existing.refresh_from_db()
    assert existing.fte == Decimal("0.40")
    assert Person.objects.get(registration_number="2087655").fte == Decimal("1.00")
    assert len(plan.to_create) == 1


def test_a_file_without_the_fte_column_still_imports(t):
    manager = manager_of(t.pcn_a)
    columns = [c for c in importing.COLUMNS if c != "fte"]
    values = row()
    content = (",".join(columns) + "\n" + ",".join(values[c] for c in columns) + "\n").encode()
    _import(manager, content)
    assert Person.objects.get(registration_number="2087654").fte == Decimal("1.00")


def test_a_bad_fte_rejects_the_whole_file_naming_row_and_column(t):
    manager = manager_of(t.pcn_a)
    content = csv_file([row(registration_number="2087655", fte="0.5"), row(fte="2")])
    with pytest.raises(ImportRejected) as rejected:
        _import(manager, content)
    [error] = rejected.value.errors
    assert (error.row_number, error.column) == (3, "fte")
    assert RULE in error.message
    assert not Person.objects.exists()


def test_a_changed_fte_is_listed_among_the_changes_and_an_empty_one_is_not(t):
    person = PersonFactory(employer=t.practice_a, fte="0.40")
    details = importing.PersonDetails(
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        job_role=person.job_role,
        stage=person.stage,
        registration_body=person.registration_body,
        registration_number=person.registration_number,
        afc_band=person.afc_band,
        employer=person.employer,
        start_date=person.start_date,
        end_date=person.end_date,
        fte=Decimal("0.90"),
    )
    assert importing.changed_fields(person, details, set()) == ["whole-time equivalent"]
    details.fte = None
    assert importing.changed_fields(person, details, set()) == []
