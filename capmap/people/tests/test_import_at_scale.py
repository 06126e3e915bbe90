"""A staff import of a trust's whole list: thousands of rows, stored in bulk, audited."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.validators import validate_email
from hypothesis import given
from hypothesis import strategies as st

from capmap.core.actors import SYSTEM
from capmap.people import importing, services
from capmap.people.models import Person
from capmap.people.tests.factories import manager_of, tree_with_ods_codes
from capmap.people.tests.import_files import csv_file, row
from capmap.people.values import PersonDetails

pytestmark = pytest.mark.django_db


def _import(actor, content: bytes, **options):
    return services.import_staff(actor=actor, rows=importing.read_staff_rows(content), **options)


def _rows(count: int, **changes) -> list[dict]:
    return [
        row(
            first_name=f"Person{n}",
            email=f"person{n}@nhs.net" if n % 3 else "",
            registration_number=f"{2000000 + n}",
            sites="F86001;U12345" if n % 2 else "F86001",
            **changes,
        )
        for n in range(count)
    ]


def test_a_file_of_five_thousand_people_is_imported_audited_and_a_second_run_changes_nothing():
    t = tree_with_ods_codes()
    manager = manager_of(t.pcn_a)
    content = csv_file(_rows(5000))
    entries = LogEntry.objects.count()
    plan = _import(manager, content)
    assert (len(plan.to_create), len(plan.errors)) == (5000, 0)
    assert Person.objects.count() == 5000
    person = Person.objects.get(registration_number="2000001")
    assert (person.first_name, person.email, person.employer) == (
        "Person1",
        "person1@nhs.net",
        t.practice_a,
    )
    assert set(person.sites.all()) == {t.practice_a, t.pcn_a}
    # Each person: one "created" entry and one for their sites, by the manager.
    written = LogEntry.objects.filter(pk__gt=0).count() - entries
    assert written == 10000
    created = LogEntry.objects.get_for_object(person).get(action=LogEntry.Action.CREATE)
    assert created.actor == manager
    assert created.changes_dict["first_name"] == ["None", "Person1"]
    assert created.additional_data == {"organisation_path": t.practice_a.path}

    again = _import(manager, content)
    assert (len(again.to_create), len(again.to_update), len(again.unchanged)) == (0, 0, 5000)
    assert LogEntry.objects.count() - entries == 10000


def test_changed_rows_of_a_big_file_are_updated_and_each_change_is_audited():
    t = tree_with_ods_codes()
    _import(SYSTEM, csv_file(_rows(1200)))
    changed = _rows(1200)
    for n in range(0, 1200, 10):
        changed[n] = dict(changed[n], afc_band="9", sites="U12345")
    entries = LogEntry.objects.count()
    plan = _import(SYSTEM, csv_file(changed))
    assert (len(plan.to_update), len(plan.unchanged)) == (120, 1080)
    person = Person.objects.get(registration_number="2000010")
    assert person.afc_band == "9"
    assert set(person.sites.all()) == {t.pcn_a}
    new = LogEntry.objects.get_for_object(person).filter(pk__gt=0).order_by("pk")
    changes = [entry.changes_dict for entry in new.filter(action=LogEntry.Action.UPDATE)]
    assert {"afc_band": ["8a", "9"]} in changes
    removed = [c for c in changes if c.get("sites", {}).get("operation") == "delete"]
    assert removed and removed[-1]["sites"]["objects"] == [t.practice_a.name]
    assert all(entry.actor_email == "system" for entry in new)
    # 120 field updates; row 10 etc. leave F86001 (all 120), and the even rows that were
    # only at F86001 join U12345 (all 120 are even): one entry each.
    assert LogEntry.objects.count() - entries == 120 * 3


def test_a_bulk_import_audits_a_new_person_as_creating_them_one_at_a_time_does():
    t = tree_with_ods_codes()
    manager = manager_of(t.pcn_a)
    _import(manager, csv_file([row(sites="F86001;U12345")]))
    imported = Person.objects.get()
    details = PersonDetails(
        first_name="Asha",
        last_name="Patel",
        email="asha.two@nhs.net",
        job_role=imported.job_role,
        stage="senior",
        registration_body="GPhC",
        registration_number="2087655",
        afc_band="8a",
        employer=t.practice_a,
        sites=[t.practice_a, t.pcn_a],
        start_date=datetime.date(2024, 4, 1),
    )
    one = services.create_person(actor=manager, details=details)

    def shape(person):
        return [
            (
                entry.action,
                {
                    k: v
                    for k, v in entry.changes_dict.items()
                    if k not in {"id", "email", "registration_number"}
                },
                entry.actor,
                entry.actor_email,
                entry.additional_data,
                entry.object_repr,
            )
            for entry in LogEntry.objects.get_for_object(person).order_by("pk")
        ]

    assert shape(imported) == shape(one)


@given(
    st.from_regex(importing._PLAIN_EMAIL, fullmatch=True).filter(
        lambda text: len(text) <= importing.EMAIL_MAX_LENGTH
    )
)
def test_every_address_the_quick_check_accepts_django_accepts(address):
    validate_email(address)


@pytest.mark.parametrize(
    "address", ["name..dot@nhs.net", "name@nhs", "name@-nhs.net", "näme@nhs.net", "a b@nhs.net"]
)
def test_addresses_the_quick_check_refuses_are_still_judged_by_django(address):
    try:
        validate_email(address)
        expected = address.lower()
    except Exception:
        expected = None
    if expected is None:
        with pytest.raises(ValueError, match="is not an e-mail address"):
            importing.check_email(address)
    else:
        assert importing.check_email(address) == expected
