"""A person's page, and adding, changing, ending and deleting a staff record through the pages."""

import datetime

import pytest
from auditlog.models import LogEntry

from capmap.organisations.models import OrganisationKind, Role
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory
from capmap.people.models import Person
from capmap.people.tests.factories import PersonFactory, job_role, manager_of, tree_with_ods_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def t():
    return tree_with_ods_codes()


def _form(t, **changes) -> dict:
    data = {
        "first_name": "Asha",
        "last_name": "Patel",
        "email": "asha.patel@nhs.net",
        "job_role": job_role().pk,
        "stage": "senior",
        "registration_body": "GPhC",
        "registration_number": "2087654",
        "afc_band": "8a",
        "employer": t.practice_a.pk,
        "sites": [t.practice_a.pk],
        "start_date": "2024-04-01",
        "end_date": "",
        "user_email": "",
    }
    data.update(changes)
    return data


def test_person_page_shows_the_whole_record(client, t):
    account = MembershipFactory(organisation=t.practice_a, role=Role.PRACTITIONER).user
    person = PersonFactory(
        first_name="Chloe",
        last_name="Okafor",
        employer=t.practice_a,
        user=account,
        registration_body="NMC",
        registration_number="12A3456E",
        afc_band="6",
        stage="junior",
    )
    person.sites.set([t.practice_a])
    client.force_login(manager_of(t.pcn_a))
    page = client.get(f"/people/{person.pk}/").content.decode()
    for text in (
        person.full_name,
        account.email,
        "Clinical pharmacist",
        "junior",
        "NMC 12A3456E",
        "Band 6",
        "Riverside Surgery (F86001)",
        "1 April 2024",
        "In post",
        "Change details",
        'class="nhsuk-breadcrumb',
    ):
        assert text in page


def test_manager_of_another_pcn_gets_404_on_every_page_of_our_person(client, t):
    person = PersonFactory(employer=t.practice_a)
    client.force_login(manager_of(t.pcn_b))
    for suffix in ("", "change/", "end-employment/", "delete/"):
        assert client.get(f"/people/{person.pk}/{suffix}").status_code == 404
    assert client.post(f"/people/{person.pk}/delete/").status_code == 404
    assert client.post(f"/people/{person.pk}/change/", _form(t)).status_code == 404
    assert Person.objects.filter(pk=person.pk).exists()


def test_viewer_may_see_but_gets_403_when_changing(client, t):
    person = PersonFactory(employer=t.practice_a)
    client.force_login(manager_of(t.pcn_a, Role.VIEWER))
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Change details" not in page
    assert client.get(f"/people/{person.pk}/change/").status_code == 403
    assert client.post(f"/people/{person.pk}/delete/").status_code == 403
    assert client.get("/people/add/").status_code == 403


def test_manager_adds_a_person_and_the_addition_is_audited(client, t):
    manager = manager_of(t.pcn_a)
    client.force_login(manager)
    response = client.post("/people/add/", _form(t))
    person = Person.objects.get(registration_number="2087654")
    assert response.status_code == 302
    assert response["Location"] == f"/people/{person.pk}/"
    assert list(person.sites.all()) == [t.practice_a]
    entries = LogEntry.objects.get_for_object(person)
    assert entries.filter(action=LogEntry.Action.CREATE).exists()
    assert {entry.actor for entry in entries} == {manager}


def test_add_form_offers_only_organisations_where_the_user_manages_staff(client, t):
    client.force_login(manager_of(t.pcn_a))
    page = client.get("/people/add/").content.decode()
    assert "Riverside Surgery" in page
    assert "Hillside" not in page
    response = client.post("/people/add/", _form(t, employer=t.practice_b.pk))
    assert "Select one of the options given for" in response.content.decode()
    assert not Person.objects.exists()


def test_bad_registration_number_is_refused_with_the_bodys_rule(client, t):
    client.force_login(manager_of(t.pcn_a))
    page = client.post("/people/add/", _form(t, registration_number="12345")).content.decode()
    assert "There is a problem" in page
    assert "A GPhC registration number is 7 digits" in page
    assert not Person.objects.exists()


def test_duplicate_registration_number_is_refused_with_a_clear_message(client, t):
    PersonFactory(employer=t.practice_b, registration_body="GPhC", registration_number="2087654")
    client.force_login(manager_of(t.pcn_a))
    page = client.post("/people/add/", _form(t)).content.decode()
    assert (
        "Another staff record in this integrated care system already has GPhC registration "
        "number 2087654" in page
    )
    assert Person.objects.count() == 1


def test_a_number_held_in_another_ics_is_accepted_and_reveals_nothing(client, t):
    """Security finding 8: uniqueness across ICSs must not be observable (ADR 0007)."""
    other_ics = OrganisationFactory(name="South Test ICS")
    other_practice = OrganisationFactory(
        name="Seaside Surgery", kind=OrganisationKind.PRACTICE, parent=other_ics
    )
    theirs = PersonFactory(
        employer=other_practice, registration_body="GPhC", registration_number="2087654"
    )
    client.force_login(manager_of(t.pcn_a))
    response = client.post("/people/add/", _form(t))
    assert response.status_code == 302
    ours = Person.objects.exclude(pk=theirs.pk).get()
    assert (ours.employer, ours.registration_number) == (t.practice_a, "2087654")
    page = client.get(response["Location"]).content.decode()
    assert "Seaside" not in page and "South Test ICS" not in page


def test_linked_account_must_be_a_member_of_the_managers_organisations(client, t):
    ours = MembershipFactory(organisation=t.practice_a, role=Role.PRACTITIONER).user
    theirs = MembershipFactory(organisation=t.practice_b, role=Role.PRACTITIONER).user
    client.force_login(manager_of(t.pcn_a))
    page = client.post("/people/add/", _form(t, user_email=theirs.email)).content.decode()
    assert "No one with this e-mail address has an account in your organisations" in page
    client.post("/people/add/", _form(t, user_email=ours.email.upper()))
    assert Person.objects.get().user == ours


def test_manager_changes_details(client, t):
    person = PersonFactory(employer=t.practice_a, afc_band="7")
    client.force_login(manager_of(t.pcn_a))
    assert client.get(f"/people/{person.pk}/change/").status_code == 200
    response = client.post(
        f"/people/{person.pk}/change/",
        _form(t, first_name=person.first_name, last_name=person.last_name, afc_band="8b"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.afc_band == "8b"
    assert person.registration_number == "2087654"


def test_manager_ends_employment_and_the_person_shows_as_left(client, t):
    person = PersonFactory(last_name="Leaving", employer=t.practice_a)
    client.force_login(manager_of(t.pcn_a))
    response = client.post(f"/people/{person.pk}/end-employment/", {"end_date": "2025-03-31"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.end_date == datetime.date(2025, 3, 31)
    page = client.get("/people/", {"status": "left"}).content.decode()
    assert person.last_name in page


def test_end_date_before_start_date_is_refused(client, t):
    person = PersonFactory(employer=t.practice_a)
    client.force_login(manager_of(t.pcn_a))
    page = client.post(f"/people/{person.pk}/end-employment/", {"end_date": "2020-01-01"})
    assert "on or after the start date" in page.content.decode()
    person.refresh_from_db()
    assert person.end_date is None


def test_delete_asks_for_confirmation_then_deletes(client, t):
    person = PersonFactory(employer=t.practice_a)
    client.force_login(manager_of(t.pcn_a))
    page = client.get(f"/people/{person.pk}/delete/").content.decode()
    assert "Are you sure you want to delete the record of" in page
    assert Person.objects.filter(pk=person.pk).exists()
    response = client.post(f"/people/{person.pk}/delete/")
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()


def test_practitioner_sees_their_own_record_but_cannot_change_it(client, t):
    membership = MembershipFactory(organisation=t.practice_a, role=Role.PRACTITIONER)
    me = PersonFactory(employer=t.practice_a, user=membership.user)
    client.force_login(membership.user)
    assert client.get(f"/people/{me.pk}/").status_code == 200
    assert client.get(f"/people/{me.pk}/change/").status_code == 403
