"""`capmap import-staff FILE`: the same checks as the upload page, all rows or none."""

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from capmap.cli import ALIASES
from capmap.people.models import Person
from capmap.people.tests.factories import PersonFactory, manager_of, tree_with_ods_codes
from capmap.people.tests.import_files import csv_file, row, xlsx_file

pytestmark = pytest.mark.django_db


def test_the_cli_name_is_import_staff():
    assert ALIASES["import-staff"] == "import_staff"


def test_command_imports_an_xlsx_file_as_the_actor_and_reimporting_changes_nothing(
    tmp_path, capsys
):
    t = tree_with_ods_codes()
    manager = manager_of(t.pcn_a)
    path = tmp_path / "staff.xlsx"
    path.write_bytes(xlsx_file([row()]))
    call_command("import_staff", str(path), "--actor", manager.email)
    assert "1 were created, 0 were updated, 0 unchanged." in capsys.readouterr().out
    person = Person.objects.get()
    assert LogEntry.objects.get_for_object(person).first().actor == manager
    entries = LogEntry.objects.count()
    call_command("import_staff", str(path), "--actor", manager.email)
    assert "0 were created, 0 were updated, 1 unchanged." in capsys.readouterr().out
    assert LogEntry.objects.count() == entries


def test_dry_run_stores_nothing(tmp_path, capsys):
    tree_with_ods_codes()
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_file([row()]))
    call_command("import_staff", str(path), "--dry-run")
    assert "1 would be created" in capsys.readouterr().out
    assert not Person.objects.exists()


def test_bad_rows_are_printed_and_nothing_is_stored(tmp_path, capsys):
    tree_with_ods_codes()
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_file([row(), row(registration_number="1", email="x@nhs.net")]))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_staff", str(path))
    assert "Row 3, registration_number: A GPhC registration number is 7 digits" in (
        capsys.readouterr().err
    )
    assert not Person.objects.exists()


def test_organisation_option_takes_an_ods_code_and_fills_in_the_employer(tmp_path):
    t = tree_with_ods_codes()
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_file([row(employer_ods="", sites="")]))
    call_command("import_staff", str(path), "--organisation", "f86001")
    assert Person.objects.get().employer == t.practice_a


def test_actor_from_another_pcn_cannot_touch_our_staff(tmp_path):
    t = tree_with_ods_codes()
    PersonFactory(employer=t.practice_a, registration_body="GPhC", registration_number="2087654")
    outsider = manager_of(t.pcn_b)
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_file([row(employer_ods="F86002", sites="")]))
    with pytest.raises(CommandError):
        call_command("import_staff", str(path), "--actor", outsider.email)
    with pytest.raises(CommandError, match="cannot import staff into"):
        call_command(
            "import_staff", str(path), "--actor", outsider.email, "--organisation", "F86001"
        )
    assert Person.objects.get().employer == t.practice_a


def test_unreadable_file_and_unknown_actor_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_staff", str(tmp_path / "missing.csv"))
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_file([row()]))
    with pytest.raises(CommandError, match="No user has the e-mail address"):
        call_command("import_staff", str(path), "--actor", "nobody@nhs.net")
