"""Every CASE export, imported or authored in Capmap, validates against the CASE 1.0
CFPackage schema (vendored under fixtures/case-schema, MIT, from OpenSALT), with stable
absolute URIs of this deployment wherever the package had none."""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from jsonschema import Draft7Validator, FormatChecker

from capmap.config.settings.env import env_site_url
from capmap.core.actors import SYSTEM
from capmap.frameworks import services
from capmap.frameworks.library import load_starter_library
from capmap.frameworks.models import Framework
from capmap.frameworks.selectors import export_text

from .factories import SMALL_CSV

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCHEMA = json.loads((FIXTURES / "case-schema" / "case-v1p0-cfpackage-schema.json").read_text())
API = "http://127.0.0.1:8000/ims/case/v1p0"

# jsonschema checks "uri" and "date-time" only with optional packages: say what they mean here.
formats = FormatChecker()


@formats.checks("uri")
def _is_absolute_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and " " not in value


@formats.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return "T" in value and datetime.fromisoformat(value.replace("Z", "+00:00")) is not None


VALIDATOR = Draft7Validator(SCHEMA, format_checker=formats)


def schema_errors(data: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(data)][:20]


def export(slug: str) -> dict:
    out = StringIO()
    call_command("export_framework", slug, "--format", "case", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def base_url(settings):
    settings.CAPMAP_BASE_URL = "http://127.0.0.1:8000"


def test_the_vendored_schema_catches_what_the_issue_found():
    package = {
        "CFDocument": {
            "identifier": "8f0e4c7e-3a59-4b8a-9d7b-0c3c2f1d5e6a",
            "creator": "x",
            "title": "t",
        }
    }
    errors = " ".join(schema_errors(package))
    assert "'uri' is a required property" in errors
    assert "'lastChangeDateTime' is a required property" in errors


def test_every_starter_library_export_validates_with_this_deployments_uris(base_url):
    load_starter_library()
    slugs = list(Framework.objects.values_list("slug", flat=True))
    assert len(slugs) == 6
    for slug in slugs:
        data = export(slug)
        assert schema_errors(data) == [], slug
        document = data["CFDocument"]
        assert document["uri"] == f"{API}/CFDocuments/{document['identifier']}"
        assert (
            data["CFRubrics"][0]["uri"] == f"{API}/CFRubrics/{data['CFRubrics'][0]['identifier']}"
        )
        for item in data["CFItems"]:
            assert item["uri"] == f"{API}/CFItems/{item['identifier']}"
        for association in data["CFAssociations"]:
            assert association["uri"] == f"{API}/CFAssociations/{association['identifier']}"
            origin = association["originNodeURI"]
            assert origin["uri"] == f"{API}/CFItems/{origin['identifier']}"


def test_uris_are_stable_across_exports_and_follow_the_base_url_setting(settings):
    load_starter_library()
    slug = Framework.objects.order_by("slug").values_list("slug", flat=True)[0]
    settings.CAPMAP_BASE_URL = "https://capmap.example.nhs.uk"
    first, second = export(slug), export(slug)
    assert first == second
    assert first["CFDocument"]["uri"].startswith("https://capmap.example.nhs.uk/ims/case/v1p0/")


def _csv_framework() -> Framework:
    return services.import_framework(
        actor=SYSTEM, raw=SMALL_CSV.encode(), filename="pharmacist.csv", slug="from-csv"
    )


def test_a_csv_authored_framework_exports_schema_valid_case(base_url):
    _csv_framework()
    data = export("from-csv")
    assert schema_errors(data) == []
    destinations = {a["destinationNodeURI"]["uri"] for a in data["CFAssociations"]}
    assert f"{API}/CFDocuments/{data['CFDocument']['identifier']}" in destinations


def _shape(data: dict) -> tuple:
    """Identifiers, statements, codes, hierarchy and order of a package."""
    from capmap.frameworks.case import parse_package

    package = parse_package(data)
    return tuple(
        (node.identifier, node.full_statement, node.code, parent and parent.identifier, depth)
        for node, parent, depth in package.walk()
    )


def test_a_csv_authored_framework_goes_out_and_in_again_unchanged(base_url, tmp_path):
    _csv_framework()
    first = export("from-csv")
    path = tmp_path / "out.json"
    path.write_text(json.dumps(first))
    call_command("import_framework", str(path), "--slug", "again", stdout=StringIO())
    again = export("again")
    assert _shape(again) == _shape(first)
    assert again["CFDocument"]["identifier"] == first["CFDocument"]["identifier"]
    assert schema_errors(again) == []
    assert again == first  # URIs and times are kept as received the second time


def test_a_framework_written_on_the_pages_exports_schema_valid_case(base_url):
    framework = services.create_framework(
        actor=SYSTEM, title="Written here", slug="written", owner=None
    )
    version = framework.versions.get()
    domain = services.add_domain(actor=SYSTEM, version=version, title="Medicines", code="M")
    services.add_competency(
        actor=SYSTEM, version=version, domain=domain, title="Reconcile medicines", code="M.1"
    )
    services.add_competency(actor=SYSTEM, version=version, domain=None, title="Top", code="T")
    data = export("written")
    assert schema_errors(data) == []
    assert [i["fullStatement"] for i in data["CFItems"]] == [
        "Medicines",
        "Reconcile medicines",
        "Top",
    ]


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in (FIXTURES / "case").glob("*.json")),
)
def test_every_real_package_imported_exports_schema_valid_case(base_url, name):
    source = json.loads((FIXTURES / "case" / name).read_text())
    call_command(
        "import_framework", str(FIXTURES / "case" / name), "--slug", "real", stdout=StringIO()
    )
    data = export("real")
    assert schema_errors(data) == []
    assert _shape(data) == _shape(source)


def test_a_received_package_keeps_its_own_uris_and_times(base_url):
    path = FIXTURES / "case" / "opensalt-Ordering.json"
    call_command("import_framework", str(path), "--slug", "ordering", stdout=StringIO())
    assert export("ordering") == json.loads(path.read_text())


def test_sequence_numbers_written_as_text_go_out_as_integers(base_url):
    path = FIXTURES / "case" / "opensalt-sample-framework.json"
    call_command("import_framework", str(path), "--slug", "sample", stdout=StringIO())
    numbers = [a.get("sequenceNumber") for a in export("sample")["CFAssociations"]]
    assert all(n is None or isinstance(n, int) for n in numbers)


def test_the_web_export_is_the_same_schema_valid_package(base_url):
    load_starter_library()
    framework = Framework.objects.order_by("slug").first()
    _name, text = export_text(SYSTEM, framework.slug, "case")
    assert json.loads(text) == export(framework.slug)


@pytest.mark.parametrize(
    "value", ["127.0.0.1:8000", "ftp://capmap.example", "https://", "https://x.nhs.uk/?a=1"]
)
def test_a_malformed_base_url_stops_start_up_naming_the_setting(monkeypatch, value):
    monkeypatch.setenv("CAPMAP_BASE_URL", value)
    with pytest.raises(ImproperlyConfigured, match="CAPMAP_BASE_URL must be the site's address"):
        env_site_url("CAPMAP_BASE_URL", "http://127.0.0.1:8000")


def test_the_base_url_loses_its_trailing_slash(monkeypatch):
    monkeypatch.setenv("CAPMAP_BASE_URL", "https://capmap.example.nhs.uk/")
    assert env_site_url("CAPMAP_BASE_URL", "") == "https://capmap.example.nhs.uk"
