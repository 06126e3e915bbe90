import gzip
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from capmap.api.models import ApiToken
from capmap.api.services import create_token, user_for_token
from capmap.core.actors import SYSTEM
from capmap.demo.story import load_demo_story
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


@pytest.mark.parametrize("name", ["capmap.json", "capmap.gz"])
def test_a_backup_restores_into_an_emptied_database_exactly(tmp_path, capsys, name):
    load_demo_story()
    raw = create_token(SYSTEM, user=Person.objects.exclude(user=None).first().user)[1]
    before = counts()
    person = Person.objects.exclude(user=None).order_by("pk").first()
    expected = person_fields(person)
    path = tmp_path / name

    call_command("backup", str(path))
    if name.endswith(".gz"):
        assert json.loads(gzip.decompress(path.read_bytes()))
    connection.check_constraints()  # PostgreSQL truncates nothing with checks pending
    call_command("flush", interactive=False, verbosity=0)
    assert Organisation.objects.count() == 0
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


def test_a_broken_backup_restores_nothing(tmp_path):
    load_demo_story()
    path = tmp_path / "capmap.json"
    call_command("backup", str(path))
    records = json.loads(path.read_text())
    records.append({"model": "people.person", "pk": 1, "fields": {"employer": 99999999}})
    path.write_text(json.dumps(records))
    before = counts()
    with pytest.raises(CommandError, match="Nothing was restored") as failed:
        call_command("restore", str(path), "--force")
    assert failed.value.returncode == 2
    assert counts() == before
    assert ApiToken.objects.count() == before["api.ApiToken"]
