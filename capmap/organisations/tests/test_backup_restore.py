import datetime
import json
import tarfile

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from capmap.api.models import ApiToken
from capmap.api.services import create_token, user_for_token
from capmap.core.actors import SYSTEM
from capmap.demo.story import load_demo_story
from capmap.organisations import backup_records, backups
from capmap.organisations.management.commands import backup as backup_command
from capmap.organisations.models import Organisation
from capmap.people.models import Person

pytestmark = pytest.mark.django_db

SKIPPED = {"contenttypes", "sessions", "django_tasks_database"}


def counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in SKIPPED
        and model._meta.label
        not in {
            "auth.Permission",
            "account.EmailConfirmation",
            "socialaccount.SocialToken",
            "reports.WorkerHeartbeat",
        }
    }


def person_fields(person: Person) -> dict:
    values = {f.name: f.value_from_object(person) for f in Person._meta.concrete_fields}
    values["sites"] = sorted(s.pk for s in person.sites.all())
    return values


def legacy_backup(path) -> None:
    """A backup as releases before the file archive wrote it: one JSON document."""
    serializers.register_serializer(backup_command.FORMAT, backup_command.__name__)
    call_command(
        "dumpdata",
        format=backup_command.FORMAT,
        exclude=backup_command.EXCLUDED,
        natural_foreign=True,
        use_base_manager=True,
        output=str(path),
        verbosity=0,
    )


def empty_database() -> None:
    connection.check_constraints()  # PostgreSQL truncates nothing with checks pending
    call_command("flush", interactive=False, verbosity=0)
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize("name", ["capmap.tar", "capmap.tar.gz"])
def test_a_backup_restores_into_an_emptied_database_exactly(tmp_path, capsys, name):
    load_demo_story()
    raw = create_token(SYSTEM, user=Person.objects.exclude(user=None).first().user)[1]
    before = counts()
    person = Person.objects.exclude(user=None).order_by("pk").first()
    expected = person_fields(person)
    path = tmp_path / name

    call_command("backup", str(path))
    with tarfile.open(path) as tar:
        names = tar.getnames()
    assert names[:2] == ["capmap-backup/format.json", "capmap-backup/records.jsonl"]
    empty_database()
    call_command("restore", str(path))

    assert "Restored" in capsys.readouterr().out
    assert counts() == before
    assert person_fields(Person.objects.get(pk=person.pk)) == expected
    assert user_for_token(raw) == person.user  # tokens survive, still only as hashes
    child = Organisation.objects.exclude(parent=None).first()
    assert child.path == f"{child.parent.path}{child.pk}/"


def test_restore_refuses_a_database_that_has_organisations(tmp_path):
    load_demo_story()
    path = tmp_path / "capmap.json"
    call_command("backup", str(path))
    with pytest.raises(CommandError, match="already has organisations") as refused:
        call_command("restore", str(path))
    assert refused.value.returncode == 2


def test_restore_with_force_replaces_what_was_there(tmp_path):
    load_demo_story()
    path = tmp_path / "capmap.json"
    call_command("backup", str(path))
    Organisation.objects.create(name="Made after the backup", kind="ics", path="/x/")
    before = Organisation.objects.count()
    call_command("restore", str(path), "--force")
    assert Organisation.objects.count() == before - 1
    assert not Organisation.objects.filter(name="Made after the backup").exists()


def test_a_broken_older_backup_restores_nothing(tmp_path):
    load_demo_story()
    path = tmp_path / "capmap.json"
    legacy_backup(path)
    records = json.loads(path.read_text())
    records.append({"model": "people.person", "pk": 1, "fields": {"employer": 99999999}})
    path.write_text(json.dumps(records))
    before = counts()
    with pytest.raises(CommandError, match="Nothing was restored") as failed:
        call_command("restore", str(path), "--force")
    assert failed.value.returncode == 2
    assert counts() == before
    assert ApiToken.objects.count() == before["api.ApiToken"]


def test_an_older_backup_of_records_only_still_restores_exactly(tmp_path, capsys):
    load_demo_story()
    before = counts()
    path = tmp_path / "capmap-2026-11.json"
    legacy_backup(path)
    empty_database()
    call_command("restore", str(path))
    assert "Restored" in capsys.readouterr().out
    assert counts() == before


# --- Stored files --------------------------------------------------------------------


def stored(name: str, content: bytes) -> str:
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    assert saved == name
    return name


@pytest.fixture
def with_files():
    """The demo, plus an evidence file, a ready report, an expired report and an export."""
    load_demo_story()
    person = Person.objects.exclude(user=None).order_by("pk").first()
    now = timezone.now()
    evidence = apps.get_model("portfolio", "EvidenceItem").objects.create(
        person=person,
        kind="certificate",
        title="Basic life support",
        occurred_on=datetime.date(2026, 11, 1),
        file=stored("portfolio/bls-certificate.pdf", b"%PDF-1.4 life support \x00\xff"),
        file_name="bls.pdf",
    )
    report_model = apps.get_model("reports", "ReportRequest")
    common = {"kind": "staff-list", "format": "pdf", "status": "done"}
    common |= {"requested_by": person.user, "organisation": person.employer}
    report = report_model.objects.create(
        **common,
        file=stored("reports/2026/12/staff-list.pdf", b"%PDF report " * 50_000),
        expires_at=now + datetime.timedelta(days=3),
    )
    old = report_model.objects.create(
        **common,
        file=stored("reports/2026/11/old-list.pdf", b"old"),
        expires_at=now - datetime.timedelta(days=1),
    )
    export = apps.get_model("privacy", "SubjectAccessExport").objects.create(
        person=person, status="done", file=stored("privacy/exports/sar-1.zip", b"PK\x03\x04zip")
    )
    return {"evidence": evidence, "report": report, "old": old, "export": export}


def contents(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def test_a_backup_carries_the_files_and_restore_puts_them_back(with_files, tmp_path, capsys):
    names = [with_files[key].file.name for key in ("evidence", "report", "export")]
    expected = {name: contents(name) for name in names}
    path = tmp_path / "capmap.tar.gz"
    call_command("backup", str(path))
    out = capsys.readouterr().out
    assert "3 copied into the backup" in out and "1 expired and left out" in out
    with tarfile.open(path) as tar:
        listed = tar.getnames()
        manifest = [
            json.loads(line)
            for line in tar.extractfile("capmap-backup/files.jsonl").read().splitlines()
        ]
    assert {f"capmap-backup/files/{name}" for name in names} <= set(listed)
    assert "capmap-backup/files/reports/2026/11/old-list.pdf" not in listed
    by_name = {entry["name"]: entry for entry in manifest}
    assert by_name[names[0]]["state"] == "copied"
    assert by_name[names[0]]["sha256"] == backups.hashlib.sha256(expected[names[0]]).hexdigest()
    assert by_name["reports/2026/11/old-list.pdf"]["state"] == "expired"

    # A new machine: an empty database and an empty file store.
    for name in [*names, "reports/2026/11/old-list.pdf"]:
        default_storage.delete(name)
    empty_database()
    call_command("restore", str(path))
    out = capsys.readouterr().out
    assert "Files: 3 put back from the backup, 0 already in place" in out
    assert "Expired files not kept: 1" in out
    assert {name: contents(name) for name in names} == expected
    evidence = apps.get_model("portfolio", "EvidenceItem").objects.get(pk=with_files["evidence"].pk)
    assert evidence.file.name == names[0] and evidence.file.read() == expected[names[0]]

    # Restoring again over the same files leaves them as they are.
    call_command("restore", str(path), "--force")
    assert "0 put back from the backup, 3 already in place" in capsys.readouterr().out


def test_a_changed_file_is_put_back_as_it_was(with_files, tmp_path):
    name = with_files["evidence"].file.name
    before = contents(name)
    path = tmp_path / "capmap.tar"
    call_command("backup", str(path))
    stored(name, b"something else")
    call_command("restore", str(path), "--force")
    assert contents(name) == before


def test_a_file_missing_at_backup_time_is_named_by_backup_and_restore(with_files, tmp_path, capsys):
    name = with_files["report"].file.name
    default_storage.delete(name)
    path = tmp_path / "capmap.tar"
    with pytest.raises(CommandError, match="1 stored file") as failed:
        call_command("backup", str(path))
    assert failed.value.returncode == 1
    assert f"Missing from storage, not in the backup: {name} (reports.reportrequest" in (
        capsys.readouterr().err
    )
    with pytest.raises(CommandError, match="missing or different") as failed:
        call_command("restore", str(path), "--force")
    assert failed.value.returncode == 1
    err = capsys.readouterr().err
    assert f"Missing (already missing at backup time): {name}" in err
    assert Organisation.objects.exists()  # the records are restored all the same


def test_object_storage_keys_are_checked_and_each_missing_one_named(with_files, tmp_path, capsys):
    evidence, export = with_files["evidence"].file.name, with_files["export"].file.name
    path = tmp_path / "capmap.tar"
    call_command("backup", str(path), "--files", "list")
    assert "3 listed by object-storage key and SHA-256" in capsys.readouterr().out
    with tarfile.open(path) as tar:
        assert not [n for n in tar.getnames() if n.startswith("capmap-backup/files/")]
    default_storage.delete(evidence)
    stored(export, b"tampered")
    with pytest.raises(CommandError, match="2 stored file") as failed:
        call_command("restore", str(path), "--force")
    assert failed.value.returncode == 1
    err = capsys.readouterr().err
    assert f"Missing from object storage: {evidence} (portfolio.evidenceitem" in err
    assert f"Changed in object storage: {export} (privacy.subjectaccessexport" in err
    assert with_files["report"].file.name not in err


def test_a_damaged_archive_restores_nothing(with_files, tmp_path):
    name = with_files["evidence"].file.name
    good = tmp_path / "good.tar"
    call_command("backup", str(good))
    bad = tmp_path / "bad.tar"
    with tarfile.open(good) as source, tarfile.open(bad, "w") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name.endswith(name):
                data = data[:-1] + b"?"
            target.addfile(member, backups.io.BytesIO(data))
    Organisation.objects.create(name="Made after the backup", kind="ics", path="/x/")
    before = counts()
    with pytest.raises(CommandError, match=f"damaged: {name}.*SHA-256") as failed:
        call_command("restore", str(bad), "--force")
    assert failed.value.returncode == 2
    assert counts() == before


def test_an_older_backup_names_the_files_its_records_point_at_but_storage_lacks(
    with_files, tmp_path, capsys
):
    path = tmp_path / "capmap.json.gz"
    legacy_backup(path)
    name = with_files["evidence"].file.name
    default_storage.delete(name)
    with pytest.raises(CommandError, match="missing or different"):
        call_command("restore", str(path), "--force")
    err = capsys.readouterr().err
    assert f"Missing: {name} (portfolio.evidenceitem" in err


def test_an_archive_that_is_not_a_capmap_backup_restores_nothing(tmp_path):
    load_demo_story()
    other = tmp_path / "photos.tar"
    with tarfile.open(other, "w") as tar:
        tar.addfile(tarfile.TarInfo("holiday.jpg"), backups.io.BytesIO(b""))
    with pytest.raises(CommandError, match="not a Capmap backup") as failed:
        call_command("restore", str(other), "--force")
    assert failed.value.returncode == 2


# --- Records in batches ----------------------------------------------------------------


def test_records_pointing_forward_across_batches_restore_exactly(tmp_path, monkeypatch):
    load_demo_story()
    # A parent organisation made after its child: the child's record comes first and
    # points at one the restore has not loaded yet.
    child = Organisation.objects.create(name="Child made first", kind="practice", path="/c/")
    parent = Organisation.objects.create(name="Parent made later", kind="pcn", path="/p/")
    Organisation.objects.filter(pk=child.pk).update(parent=parent)
    before = counts()
    sites = {p.pk: sorted(s.pk for s in p.sites.all()) for p in Person.objects.all()}
    path = tmp_path / "capmap.tar"
    call_command("backup", str(path))
    empty_database()
    monkeypatch.setattr(backup_records, "BATCH", 3)

    call_command("restore", str(path))

    assert counts() == before
    assert Organisation.objects.get(pk=child.pk).parent_id == parent.pk
    assert {p.pk: sorted(s.pk for s in p.sites.all()) for p in Person.objects.all()} == sites
    # New rows get keys after the restored ones.
    made = Organisation.objects.create(name="Made after the restore", kind="ics", path="/n/")
    assert made.pk > parent.pk


def with_records_rewritten(source, target, rewrite) -> None:
    """A copy of a backup archive whose records (bytes) went through `rewrite`."""
    with tarfile.open(source) as original, tarfile.open(target, "w") as copy:
        for member in original:
            data = original.extractfile(member).read()
            if member.name == "capmap-backup/records.jsonl":
                data = rewrite(data)
                member.size = len(data)
            copy.addfile(member, backups.io.BytesIO(data))


def test_a_backup_whose_records_point_at_nothing_restores_nothing(tmp_path):
    load_demo_story()
    good = tmp_path / "good.tar"
    call_command("backup", str(good))

    def orphan(data: bytes) -> bytes:
        records = [json.loads(line) for line in data.splitlines()]
        person = next(r for r in records if r["model"] == "people.person")
        person["fields"]["employer"] = 99999999
        return "".join(json.dumps(r) + "\n" for r in records).encode()

    bad = tmp_path / "bad.tar"
    with_records_rewritten(good, bad, orphan)
    Organisation.objects.create(name="Made after the backup", kind="ics", path="/x/")
    before = counts()
    with pytest.raises(CommandError, match="Nothing was restored") as failed:
        call_command("restore", str(bad), "--force")
    assert failed.value.returncode == 2
    assert counts() == before
    assert Organisation.objects.filter(name="Made after the backup").exists()


def test_a_record_that_is_not_json_is_named_and_nothing_is_restored(tmp_path):
    load_demo_story()
    good = tmp_path / "good.tar"
    call_command("backup", str(good))

    def cut_short(data: bytes) -> bytes:
        lines = data.splitlines(keepends=True)
        return b"".join([*lines[:5], b'{"model": "people.pers\n', *lines[5:]])

    bad = tmp_path / "bad.tar"
    with_records_rewritten(good, bad, cut_short)
    before = counts()
    with pytest.raises(CommandError, match="line 6 of the records is not JSON") as failed:
        call_command("restore", str(bad), "--force")
    assert failed.value.returncode == 2
    assert counts() == before
