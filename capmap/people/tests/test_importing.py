"""Reading and checking staff import files: every bad row is reported, nothing is stored."""

import datetime

import pytest
from auditlog.models import LogEntry
from hypothesis import given
from hypothesis import strategies as st

from capmap.core.importing import ImportRejected
from capmap.core.tabular import TableRefused
from capmap.organisations.models import OrganisationKind
from capmap.organisations.tests.factories import OrganisationFactory
from capmap.people import importing, services
from capmap.people.models import JobRole, Person
from capmap.people.tests.factories import PersonFactory, manager_of, tree_with_ods_codes
from capmap.people.tests.import_files import csv_file, row, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def t():
    return tree_with_ods_codes()


def _import(actor, content: bytes, **options):
    return services.import_staff(actor=actor, rows=importing.read_staff_rows(content), **options)


def _errors(actor, content: bytes) -> set[tuple[int, str]]:
    with pytest.raises(ImportRejected) as rejected:
        _import(actor, content)
    return {(error.row_number, error.column) for error in rejected.value.errors}


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_import_creates_people_with_every_column(t, make_file):
    manager = manager_of(t.pcn_a)
    content = make_file(
        [
            row(sites="F86001;U12345", end_date="31/03/2026"),
            row(
                first_name="Ben",
                last_name="Jones",
                email="",
                job_role="paramedic",
                registration_body="hcpc",
                registration_number="pa12345",
                afc_band="Band 7",
                employer_ods="u12345",
                sites="",
                start_date="01/09/2023",
            ),
        ]
    )
    plan = _import(manager, content)
    assert len(plan.to_create) == 2
    asha = Person.objects.get(registration_number="2087654")
    assert asha.employer == t.practice_a
    assert set(asha.sites.all()) == {t.practice_a, t.pcn_a}
    assert asha.end_date == datetime.date(2026, 3, 31)
    assert asha.afc_band == "8a"
    ben = Person.objects.get(last_name="Jones")
    assert (ben.registration_body, ben.registration_number) == ("HCPC", "PA12345")
    assert ben.afc_band == "7"
    assert ben.start_date == datetime.date(2023, 9, 1)
    assert ben.job_role.slug == "paramedic"


def test_csv_with_a_byte_order_mark_and_xlsx_with_real_dates_are_read(t):
    manager = manager_of(t.pcn_a)
    _import(manager, csv_file([row()], bom=True))
    plan = _import(manager, xlsx_file([row()], real_dates=True))
    assert len(plan.unchanged) == 1


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_importing_the_same_file_again_changes_nothing_and_audits_nothing(t, make_file):
    manager = manager_of(t.pcn_a)
    PersonFactory(employer=t.practice_a, email="ben@nhs.net", last_name="Jones")
    content = make_file(
        [
            row(),
            row(
                first_name="Ben",
                last_name="Jones",
                email="ben@nhs.net",
                registration_body="",
                registration_number="",
            ),
        ]
    )
    first = _import(manager, content)
    assert (len(first.to_create), len(first.to_update)) == (1, 1)
    entries = LogEntry.objects.count()
    again = _import(manager, content)
    assert (len(again.to_create), len(again.to_update), len(again.unchanged)) == (0, 0, 2)
    assert LogEntry.objects.count() == entries
    assert Person.objects.count() == 2


def test_a_changed_row_updates_the_person_matched_on_registration_and_lists_the_changes(t):
    manager = manager_of(t.pcn_a)
    person = PersonFactory(
        employer=t.practice_a,
        registration_body="GPhC",
        registration_number="2087654",
        email="old@nhs.net",
    )
    plan = services.import_staff(
        actor=manager, rows=importing.read_staff_rows(csv_file([row(afc_band="8b")])), dry_run=True
    )
    assert plan.to_update[0].existing == person
    assert "band" in plan.to_update[0].changes
    assert "e-mail address" in plan.to_update[0].changes
    person.refresh_from_db()
    assert person.afc_band == ""  # a dry run stores nothing
    _import(manager, csv_file([row(afc_band="8b")]))
    person.refresh_from_db()
    assert (person.afc_band, person.email) == ("8b", "asha.patel@nhs.net")
    assert Person.objects.count() == 1


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_every_bad_row_is_reported_and_nothing_is_stored(t, make_file):
    PersonFactory(employer=t.practice_b, registration_body="GPhC", registration_number="1111111")
    manager = manager_of(t.pcn_a)
    content = make_file(
        [
            row(),  # row 2 is good, and is not stored either
            row(
                first_name="Unknown",
                job_role="Astronaut",
                registration_number="2000002",
                email="a@nhs.net",
            ),
            row(registration_number="12345", email="b@nhs.net"),
            row(start_date="31/31/2024", registration_number="2000004", email="c@nhs.net"),
            row(employer_ods="ZZZ99", registration_number="2000005", email="d@nhs.net"),
            row(employer_ods="F86002", registration_number="2000006", email="e@nhs.net"),
            row(email="f@nhs.net"),  # same registration as row 2
            row(registration_number="1111111", email="g@nhs.net"),  # someone else's person
            row(sites="F86001;RF4", registration_number="2000009", email="h@nhs.net"),
        ]
    )
    errors = _errors(manager, content)
    assert errors == {
        (3, "job_role"),
        (4, "registration_number"),
        (5, "start_date"),
        (6, "employer_ods"),
        (7, "employer_ods"),
        (8, "registration_number"),
        (9, "registration_number"),
        (10, "sites"),
    }
    assert Person.objects.count() == 1


def test_error_messages_say_what_to_fix(t):
    manager = manager_of(t.pcn_a)
    content = csv_file(
        [
            row(registration_number="12345"),
            row(employer_ods="ZZZ99", registration_number="2000005", email="d@nhs.net"),
            row(employer_ods="F86002", registration_number="2000006", email="e@nhs.net"),
            row(start_date="2024/04/01", registration_number="2000007", email="f@nhs.net"),
        ]
    )
    with pytest.raises(ImportRejected) as rejected:
        _import(manager, content)
    messages = [error.message for error in rejected.value.errors]
    assert messages == [
        "A GPhC registration number is 7 digits, like 2087654.",
        "No organisation has the ODS code “ZZZ99”. Check the code.",
        "The ODS code “F86002” is not an organisation where you manage staff.",
        "Enter the date as YYYY-MM-DD or DD/MM/YYYY, like 2024-04-01 or 01/04/2024.",
    ]


def test_another_pcns_import_cannot_touch_our_person_with_the_same_registration(t):
    ours = PersonFactory(
        employer=t.practice_a,
        registration_body="GPhC",
        registration_number="2087654",
        last_name="Ours",
    )
    outsider = manager_of(t.pcn_b)
    content = csv_file([row(employer_ods="F86002", sites="F86002", last_name="Theirs")])
    with pytest.raises(ImportRejected) as rejected:
        _import(outsider, content)
    [error] = rejected.value.errors
    assert error.column == "registration_number"
    assert "Ours" not in error.message and "Riverside" not in error.message
    ours.refresh_from_db()
    assert ours.last_name == "Ours" and ours.employer == t.practice_a


def test_another_pcns_import_does_not_match_our_person_by_email(t):
    ours = PersonFactory(employer=t.practice_a, email="shared@nhs.net", last_name="Ours")
    outsider = manager_of(t.pcn_b)
    content = csv_file(
        [
            row(
                employer_ods="F86002",
                sites="",
                email="shared@nhs.net",
                registration_body="",
                registration_number="",
                last_name="Theirs",
            )
        ]
    )
    plan = _import(outsider, content)
    assert len(plan.to_create) == 1
    ours.refresh_from_db()
    assert ours.last_name == "Ours"


def test_default_organisation_fills_in_missing_employers_and_bounds_the_rest(t):
    manager = manager_of(t.pcn_a)
    content = csv_file([row(employer_ods="", sites="")])
    _import(manager, content, organisation=t.practice_a)
    assert Person.objects.get().employer == t.practice_a
    with pytest.raises(ImportRejected):
        _import(manager, csv_file([row(employer_ods="U12345")]), organisation=t.practice_a)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"\xff\xfefirst_name", "UTF-8"),
        (b"first_name,last_name,job_role,start_date,colour\n", "colour"),
        (b"first_name,last_name\nA,B\n", "no job_role, start_date column"),
        (b"first_name,last_name,job_role,start_date\n", "no people"),
        (b"PK\x03\x04 not really a workbook", "CSV (UTF-8) or an Excel"),
        (b"first_name\x01,last_name", "CSV (UTF-8) or an Excel"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_reason(content, message):
    with pytest.raises(TableRefused) as error:
        importing.read_staff_rows(content)
    assert message in str(error.value)


def test_a_zip_that_is_not_a_workbook_is_not_taken_for_xlsx():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(TableRefused) as error:
        importing.read_staff_rows(out.getvalue())
    assert "CSV (UTF-8) or an Excel" in str(error.value)


@given(st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_both_date_formats_read_the_same_day(day):
    assert importing.parse_date(day.isoformat()) == day
    assert importing.parse_date(day.strftime("%d/%m/%Y")) == day


def test_an_import_in_one_ics_takes_a_number_held_in_another_and_leaves_theirs_alone(t):
    """Security finding 8: another ICS's registration is not looked at, so not revealed."""
    other_ics = OrganisationFactory(name="South Test ICS")
    other_practice = OrganisationFactory(
        name="Seaside Surgery", kind=OrganisationKind.PRACTICE, parent=other_ics
    )
    theirs = PersonFactory(
        employer=other_practice,
        registration_body="GPhC",
        registration_number="2087654",
        last_name="Theirs",
    )
    plan = _import(manager_of(t.pcn_a), csv_file([row()]))
    assert len(plan.to_create) == 1
    ours = Person.objects.exclude(pk=theirs.pk).get()
    assert (ours.employer, ours.registration_number) == (t.practice_a, "2087654")
    theirs.refresh_from_db()
    assert (theirs.last_name, theirs.employer) == ("Theirs", other_practice)


def test_a_file_of_five_thousand_people_is_checked_and_importing_it_again_changes_nothing(t):
    """A set-based lookup: one OR term a row overflowed SQLite's expression tree."""
    manager = manager_of(t.pcn_a)
    role = JobRole.objects.get(name="Clinical pharmacist")
    numbers = range(5000)
    new_file = csv_file(
        [
            row(first_name=f"New{n}", email=f"new{n}@nhs.net", registration_number=f"{3000000 + n}")
            for n in numbers
        ]
    )
    plan = _import(manager, new_file, dry_run=True)
    assert (len(plan.to_create), len(plan.errors)) == (5000, 0)
    # The staff a first import of the same file would have written, stored directly so the
    # test needs no 5,000 audited writes.
    people = Person.objects.bulk_create(
        Person(
            first_name=f"Person{n}",
            last_name="Patel",
            email=f"person{n}@nhs.net",
            job_role=role,
            stage="senior",
            registration_body="GPhC",
            registration_number=f"{2000000 + n}",
            afc_band="8a",
            employer=t.practice_a,
            start_date=datetime.date(2024, 4, 1),
        )
        for n in numbers
    )
    Person.sites.through.objects.bulk_create(
        Person.sites.through(person_id=person.pk, organisation_id=t.practice_a.pk)
        for person in Person.objects.filter(pk__in=[p.pk for p in people])
    )
    same_file = csv_file(
        [
            row(
                first_name=f"Person{n}",
                email=f"person{n}@nhs.net",
                registration_number=f"{2000000 + n}",
            )
            for n in numbers
        ]
    )
    entries = LogEntry.objects.count()
    again = _import(manager, same_file)
    assert (len(again.to_create), len(again.to_update), len(again.unchanged)) == (0, 0, 5000)
    assert Person.objects.count() == 5000
    assert LogEntry.objects.count() == entries
