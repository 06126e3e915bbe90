"""`capmap import-framework` and `capmap export-framework`."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from capmap.frameworks.models import Framework
from capmap.organisations.tests.factories import tree

from .test_case import CASE_DIR

pytestmark = pytest.mark.django_db


def test_import_prints_the_slug_and_export_writes_the_same_package(tmp_path):
    source = CASE_DIR / "opensalt-Ordering.json"
    out = StringIO()
    call_command("import_framework", str(source), "--slug", "act-maths", stdout=out)
    assert out.getvalue().strip() == "act-maths"
    target = tmp_path / "out.json"
    call_command("export_framework", "act-maths", "--format", "case", "--out", str(target))
    assert json.loads(target.read_text()) == json.loads(source.read_text())


def test_import_with_an_owner_by_ods_code():
    orgs = tree()
    orgs.pcn_a.ods_code = "U12345"
    orgs.pcn_a.save()
    call_command(
        "import_framework",
        str(CASE_DIR / "opensalt-Utf8TestFramework.json"),
        "--owner",
        "u12345",
        stdout=StringIO(),
    )
    assert Framework.objects.get().owner == orgs.pcn_a


def test_export_csv_to_stdout():
    call_command(
        "import_framework",
        str(CASE_DIR / "opensalt-SmartLevelFramework.json"),
        "--slug",
        "smart",
        stdout=StringIO(),
    )
    out = StringIO()
    call_command("export_framework", "smart", "--format", "csv", stdout=out)
    assert out.getvalue().startswith("domain,code,title,description,indicators")


def test_a_broken_file_names_the_problem_and_stores_nothing(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_framework", str(broken))
    assert not Framework.objects.exists()


def test_a_deeply_nested_json_is_refused_with_a_message_not_a_traceback(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 100_000)
    with pytest.raises(CommandError, match="more than 64 levels deep") as refused:
        call_command("import_framework", str(deep))
    assert refused.value.returncode == 1
    assert "nothing was stored" in str(refused.value)
    assert not Framework.objects.exists()
