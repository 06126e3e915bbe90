"""Staff record services: permission-checked, validated and audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from capmap.core.exceptions import NotPermitted
from capmap.organisations.models import Role
from capmap.people import services
from capmap.people.models import JobRole
from capmap.people.tests.factories import PersonFactory, job_role, manager_of, tree_with_ods_codes
from capmap.people.values import PersonDetails

pytestmark = pytest.mark.django_db


def _details(employer, **changes) -> PersonDetails:
    values = {
        "first_name": "Asha",
        "last_name": "Patel",
        "job_role": job_role(),
        "employer": employer,
        "start_date": datetime.date(2024, 4, 1),
    }
    values.update(changes)
    return PersonDetails(**values)


@pytest.mark.parametrize(
    ("body", "number", "message"),
    [
        ("GPhC", "208765", "7 digits"),
        ("NMC", "12A3456", "2 digits, a letter, 4 digits and a letter"),
        ("HCPC", "PH1234", "2 letters then 5 or 6 digits"),
        ("GMC", "70123456", "7 digits"),
    ],
)
def test_registration_numbers_are_checked_against_their_body(body, number, message):
    t = tree_with_ods_codes()
    details = _details(t.practice_a, registration_body=body, registration_number=number)
    with pytest.raises(ValidationError) as error:
        services.create_person(actor=manager_of(t.pcn_a), details=details)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("body", "number"),
    [("GPhC", "2087654"), ("NMC", "12a3456e"), ("HCPC", "PH123456"), ("GMC", "7012345")],
)
def test_valid_registration_numbers_are_stored_normalised(body, number):
    t = tree_with_ods_codes()
    details = _details(t.practice_a, registration_body=body, registration_number=f" {number} ")
    person = services.create_person(actor=manager_of(t.pcn_a), details=details)
    assert person.registration_number == number.upper()


def test_manager_cannot_create_a_person_in_another_pcn():
    t = tree_with_ods_codes()
    with pytest.raises(ValidationError):
        services.create_person(actor=manager_of(t.pcn_a), details=_details(t.practice_b))


def test_manager_of_another_pcn_cannot_update_end_or_delete_our_person():
    t = tree_with_ods_codes()
    person = PersonFactory(employer=t.practice_a)
    outsider = manager_of(t.pcn_b)
    with pytest.raises(NotPermitted):
        services.update_person(actor=outsider, person=person, details=_details(t.practice_b))
    with pytest.raises(NotPermitted):
        services.end_employment(actor=outsider, person=person, end_date=datetime.date.today())
    with pytest.raises(NotPermitted):
        services.delete_person(actor=outsider, person=person)


def test_only_admins_add_job_roles():
    t = tree_with_ods_codes()
    with pytest.raises(NotPermitted):
        services.create_job_role(
            actor=manager_of(t.pcn_a), name="Dispenser", staff_group="clinical"
        )
    role = services.create_job_role(
        actor=manager_of(t.pcn_a, Role.ADMIN), name=" Care  home  nurse ", staff_group="clinical"
    )
    assert (role.name, role.slug) == ("Care home nurse", "care-home-nurse")


def test_a_job_role_name_cannot_be_used_twice():
    t = tree_with_ods_codes()
    with pytest.raises(ValidationError):
        services.create_job_role(
            actor=manager_of(t.ics, Role.ADMIN), name="paramedic", staff_group="clinical"
        )
    assert JobRole.objects.filter(slug="paramedic").count() == 1
