"""The explicit system actor: what the command line, data loading and jobs act as."""

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from capmap.accounts.tests.factories import UserFactory
from capmap.core.actors import SYSTEM, set_actor, user_or_none
from capmap.frameworks.models import Framework
from capmap.frameworks.services import import_framework
from capmap.frameworks.tests.factories import SMALL_CSV
from capmap.organisations.presenters import audit_rows
from capmap.people.models import Person
from capmap.people.tests.factories import tree_with_ods_codes
from capmap.people.tests.import_files import csv_file, row


def test_the_system_is_signed_in_but_no_superuser_and_no_user():
    assert SYSTEM.is_system and SYSTEM.is_authenticated
    assert not SYSTEM.is_superuser
    assert SYSTEM.pk is None
    assert str(SYSTEM) == SYSTEM.email == "system"


@pytest.mark.django_db
def test_a_person_is_never_the_system():
    assert UserFactory().is_system is False


@pytest.mark.django_db
def test_a_service_given_no_actor_says_so_instead_of_acting_as_anyone():
    with pytest.raises(TypeError, match="SYSTEM"):
        import_framework(actor=None, raw=SMALL_CSV.encode(), filename="small.csv")
    assert not Framework.objects.exists()
    with pytest.raises(TypeError):
        user_or_none(None)
    with pytest.raises(TypeError), set_actor(None):
        pass


@pytest.mark.django_db
def test_the_audit_trail_names_the_system_for_what_it_changed():
    framework = import_framework(actor=SYSTEM, raw=SMALL_CSV.encode(), filename="small.csv")

    entry = LogEntry.objects.get_for_object(framework).get()
    assert entry.actor is None
    assert entry.actor_email == "system"
    assert framework.created_by is None
    assert audit_rows([entry])[0].who == "system"


@pytest.mark.django_db
def test_a_staff_import_at_the_command_line_is_audited_as_the_system(tmp_path):
    tree_with_ods_codes()
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_file([row()]))

    call_command("import_staff", str(path))

    entries = LogEntry.objects.get_for_object(Person.objects.get())
    assert {entry.actor_email for entry in entries} == {"system"}


@pytest.mark.django_db
def test_a_change_after_the_system_acted_is_not_put_down_to_it():
    framework = import_framework(actor=SYSTEM, raw=SMALL_CSV.encode(), filename="small.csv")

    framework.title = "Changed outside any service"
    framework.save()

    latest = LogEntry.objects.get_for_object(framework).latest("pk")
    assert not latest.actor_email
