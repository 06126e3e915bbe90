"""A big staff import is written in bulk (COPY from a thread on PostgreSQL): the same rows
and audit entries as saving each person, and nothing at all when any statement fails."""

import pytest
from auditlog.models import LogEntry
from django.db import connection, transaction

from capmap.core import bulk
from capmap.core.importing import ImportRejected
from capmap.people import importing, services
from capmap.people.models import Person
from capmap.people.tests.factories import manager_of, tree_with_ods_codes
from capmap.people.tests.import_files import csv_file, row

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


def _rows(count: int) -> list[dict]:
    """Rows that vary every kind of column: blanks, an FTE, an end date, one or two sites,
    text with characters COPY escapes (tab, backslash, quote)."""
    return [
        row(
            first_name=f"Person{n}" if n % 7 else f"Ann\\{n}\t'O\"Brien'",
            last_name="Smith" if n % 2 else "Jones-Ávila",
            email=f"person{n}@nhs.net" if n % 3 else "",
            stage=["", "junior", "senior"][n % 3],
            registration_number=f"{2000000 + n}",
            afc_band=["", "5", "8a"][n % 3],
            employer_ods="F86001" if n % 4 else "F86002",
            sites=["F86001;U12345", "F86001", "", "F86002;U54321"][n % 4],
            start_date=f"2024-0{1 + n % 9}-1{n % 10}",
            end_date="2027-03-31" if n % 5 == 0 else "",
            fte="0.6" if n % 6 == 0 else "",
        )
        for n in range(count)
    ]


def _stored(people) -> dict[str, tuple]:
    """Each person's record, sites and audit entries, by registration number, without the
    keys and times that differ from one write to another."""
    skip = {"id", "created_at", "updated_at"}
    stored = {}
    for person in people.order_by("pk"):
        record = tuple(
            (field.attname, getattr(person, field.attname))
            for field in Person._meta.concrete_fields
            if field.attname not in skip
        )
        entries = tuple(
            (
                entry.action,
                {key: value for key, value in entry.changes_dict.items() if key != "id"},
                entry.object_repr,
                entry.additional_data,
                entry.actor_id,
                entry.actor_email,
                entry.content_type_id,
            )
            for entry in LogEntry.objects.get_for_object(person).order_by("pk")
        )
        sites = tuple(sorted(person.sites.values_list("pk", flat=True)))
        stored[person.registration_number] = (record, sites, entries)
    return stored


def test_an_import_stores_the_same_records_and_audit_entries_as_saving_each_person():
    t = tree_with_ods_codes()
    manager = manager_of(t.ics)
    rows = importing.read_staff_rows(csv_file(_rows(300)))
    with transaction.atomic():
        plan = services.import_staff(actor=manager, rows=rows)
        in_bulk = _stored(Person.objects.all())
        transaction.set_rollback(True)
    assert Person.objects.count() == 0
    for planned in plan.rows:
        services.create_person(actor=manager, details=planned.details)
    one_by_one = _stored(Person.objects.all())
    assert len(in_bulk) == 300
    assert in_bulk == one_by_one


def test_a_statement_failing_while_the_import_is_written_leaves_nothing(monkeypatch):
    """The audit entries are the last rows written: when the database refuses them, the
    people and sites stored before them in the same transaction are rolled back too."""
    t = tree_with_ods_codes()
    manager = manager_of(t.ics)
    entries = LogEntry.objects.count()
    writes_rows = "copy_rows" if ON_POSTGRESQL else "_executemany"
    original = getattr(bulk, writes_rows)

    def refuse_audit(cursor, **statement):
        if "auditlog_logentry" in statement.get("statement", statement.get("sql", "")):
            raise RuntimeError("the database refused the audit entries")
        return original(cursor, **statement)

    monkeypatch.setattr(bulk, writes_rows, refuse_audit)
    rows = importing.read_staff_rows(csv_file(_rows(250)))
    with pytest.raises(RuntimeError, match="refused the audit entries"):
        services.import_staff(actor=manager, rows=rows)
    assert Person.objects.count() == 0
    assert Person.sites.through.objects.count() == 0
    assert LogEntry.objects.count() == entries


def test_a_user_from_another_organisation_imports_nothing_into_ours():
    t = tree_with_ods_codes()
    outsider = manager_of(t.pcn_b)
    rows = importing.read_staff_rows(csv_file([r for r in _rows(40) if "F86001" in r["sites"]]))
    with pytest.raises(ImportRejected):
        services.import_staff(actor=outsider, rows=rows)
    assert Person.objects.count() == 0


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite writes in line")
def test_a_query_while_rows_are_written_alongside_is_refused():
    with transaction.atomic(), bulk.writing_alongside() as send:
        assert send is not None
        with pytest.raises(RuntimeError, match="A query while rows are written alongside"):
            Person.objects.count()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL only: SQLite's keys are checked alike")
def test_the_keys_set_to_be_checked_alongside_are_deferred_again_afterwards():
    """A foreign key pointing nowhere, written after the block, still waits for commit."""
    tree_with_ods_codes()
    with transaction.atomic():
        with bulk.writing_alongside(checking=[Person.sites.through]) as send:
            bulk.insert_rows(Person.sites.through, [], send=send)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO people_person_sites (person_id, organisation_id) VALUES (-1, -1)"
            )
            cursor.execute("DELETE FROM people_person_sites WHERE person_id = -1")
