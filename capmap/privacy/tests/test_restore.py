"""`capmap restore` of a backup older than an erasure erases the person again and says so:
from the erasure log in the database it replaces, or from the log file beside it."""

from django.core.management import call_command

from capmap.assessments.models import SignOff
from capmap.people.models import Person
from capmap.privacy import services
from capmap.privacy.models import ErasureRecord


def _erase(p, capture):
    with capture(execute=True):
        return services.erase_person(actor=p.ics_admin, person=p.pharmacist)


def test_restoring_an_older_backup_erases_the_person_again(
    p, tmp_path, capsys, django_capture_on_commit_callbacks
):
    backup = tmp_path / "before.json"
    call_command("backup", str(backup))
    record = _erase(p, django_capture_on_commit_callbacks)
    services.log_file().unlink()  # only the database's log is left to carry across

    call_command("restore", str(backup), "--force")

    out = capsys.readouterr().out
    assert f"Erased again: staff record {p.pharmacist.pk} ({record.pseudonym})" in out
    person = Person.objects.get(pk=p.pharmacist.pk)
    assert person.full_name == f"Erased person {record.pseudonym}"
    assert ErasureRecord.objects.get().pseudonym == record.pseudonym
    assert SignOff.objects.filter(pk=p.her_sign_off.pk).exists()


def test_the_log_file_re_applies_erasures_to_a_new_database(
    p, tmp_path, capsys, django_capture_on_commit_callbacks
):
    backup = tmp_path / "before.json"
    call_command("backup", str(backup))
    record = _erase(p, django_capture_on_commit_callbacks)
    ErasureRecord.objects.all().delete()  # as a new, empty database would have none

    call_command("restore", str(backup), "--force")

    assert "Erased again" in capsys.readouterr().out
    assert Person.objects.get(pk=p.pharmacist.pk).last_name == record.pseudonym
    # Restoring again finds nothing left to erase.
    call_command("restore", str(backup), "--force")
    assert "1 erasure(s) checked" in capsys.readouterr().out
    assert Person.objects.get(pk=p.pharmacist.pk).last_name == record.pseudonym


def test_a_backup_of_another_installation_is_never_erased_by_key_alone(p):
    line = {
        "person_id": p.pharmacist.pk,
        "fingerprint": "0" * 64,
        "pseudonym": "PDEADBEEF",
        "erased_at": "2026-01-01T00:00:00+00:00",
    }
    assert services.reapply_erasure(line) is False
    assert Person.objects.get(pk=p.pharmacist.pk).last_name == "Shah"


def test_sign_offs_removed_by_retention_are_removed_again_after_an_older_backup_is_restored(
    p, tmp_path, capsys, django_capture_on_commit_callbacks
):
    import datetime

    Person.objects.filter(pk=p.pharmacist.pk).update(
        start_date=datetime.date(1990, 1, 1), end_date=datetime.date(2000, 1, 1)
    )
    backup = tmp_path / "before.json"
    call_command("backup", str(backup))
    with django_capture_on_commit_callbacks(execute=True):
        services.apply_retention()  # past the staff record and the sign-offs: both go
    assert not SignOff.objects.filter(pk=p.her_sign_off.pk).exists()

    call_command("restore", str(backup), "--force")
    assert "Erased again" in capsys.readouterr().out
    assert SignOff.objects.filter(pk=p.her_sign_off.pk).exists()  # the backup brought it back
    with django_capture_on_commit_callbacks(execute=True):
        report = services.apply_retention()
    assert report.erase == []  # already erased again by the restore
    assert not SignOff.objects.filter(pk=p.her_sign_off.pk).exists()
