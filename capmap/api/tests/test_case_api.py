"""The CASE 1.0 REST API serves the published shared library to anyone, and nothing of an
organisation's own frameworks; its addresses are the URIs in the CASE exports."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.test import Client

from capmap.core.actors import SYSTEM
from capmap.frameworks import services
from capmap.frameworks.library import load_starter_library
from capmap.frameworks.models import Framework
from capmap.frameworks.tests.factories import framework as imported_framework
from capmap.frameworks.tests.test_case_schema import schema_errors
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree

pytestmark = pytest.mark.django_db

API = "/ims/case/v1p0"
BASE = "http://127.0.0.1:8000"


@pytest.fixture
def library(settings):
    settings.CAPMAP_BASE_URL = BASE
    load_starter_library()


@pytest.fixture
def private():
    """Alpha PCN's own published framework (identifiers d1, i1, i2, a1, a2) and a user of
    another organisation."""
    orgs = tree()
    own = imported_framework(owner=orgs.pcn_a, slug="alpha-own")
    outsider = MembershipFactory(organisation=orgs.pcn_b, role=Role.ADMIN).user
    return own, outsider


def get(client: Client, path: str):
    response = client.get(path)
    return response.status_code, response.json()


def resolve(client: Client, uri: str):
    """GET a URI this deployment gave out."""
    assert uri.startswith(BASE + API + "/"), uri
    return get(client, urlsplit(uri).path)


def test_cfdocuments_lists_the_starter_library_with_resolvable_uris(client, library):
    status, body = get(client, f"{API}/CFDocuments")
    assert status == 200
    documents = body["CFDocuments"]
    assert len(documents) == 6
    titles = set(Framework.objects.values_list("title", flat=True))
    assert {d["title"] for d in documents} == titles
    for document in documents:
        status, again = resolve(client, document["uri"])
        assert status == 200 and again["identifier"] == document["identifier"]
        status, package = resolve(client, document["CFPackageURI"]["uri"])
        assert status == 200 and schema_errors(package) == []


def test_every_uri_in_a_published_package_resolves_to_its_object(client, library):
    document = get(client, f"{API}/CFDocuments")[1]["CFDocuments"][0]
    package = get(client, f"{API}/CFPackages/{document['identifier']}")[1]
    for section in ("CFItems", "CFAssociations", "CFRubrics"):
        for entry in package[section]:
            status, found = resolve(client, entry["uri"])
            assert status == 200, entry["uri"]
            assert found["identifier"] == entry["identifier"]
            if section != "CFRubrics":
                assert found["CFDocumentURI"]["identifier"] == document["identifier"]


def test_cfitemassociations_gives_the_item_and_its_place_in_the_tree(client, library):
    document = get(client, f"{API}/CFDocuments")[1]["CFDocuments"][0]
    package = get(client, f"{API}/CFPackages/{document['identifier']}")[1]
    leaf = package["CFItems"][-1]
    status, body = get(client, f"{API}/CFItemAssociations/{leaf['identifier']}")
    assert status == 200
    assert body["CFItem"]["fullStatement"] == leaf["fullStatement"]
    kinds = [a["associationType"] for a in body["CFAssociations"]]
    assert kinds == ["isChildOf"]
    assert body["CFAssociations"][0]["originNodeURI"]["identifier"] == leaf["identifier"]


def test_an_unknown_identifier_is_404_in_cases_error_shape(client, library):
    for kind in ("CFDocuments", "CFPackages", "CFItems", "CFAssociations", "CFItemAssociations"):
        status, body = get(client, f"{API}/{kind}/00000000-0000-4000-8000-000000000000")
        assert status == 404
        assert body["imsx_codeMajor"] == "failure"
        assert body["imsx_severity"] == "error"
        field = body["imsx_codeMinor"]["imsx_codeMinorField"][0]
        assert field == {
            "imsx_codeMinorFieldName": "sourcedId",
            "imsx_codeMinorFieldValue": "unknownobject",
        }


def test_an_organisations_own_framework_is_never_served(client, library, private):
    own, outsider = private
    version = own.versions.get()
    for user in (None, outsider):
        viewer = Client()
        if user is not None:
            viewer.force_login(user)
        listed = get(viewer, f"{API}/CFDocuments")[1]["CFDocuments"]
        assert version.case_identifier not in {d["identifier"] for d in listed}
        assert own.title not in json.dumps(listed)
        for path in (
            f"CFDocuments/{version.case_identifier}",
            f"CFPackages/{version.case_identifier}",
            "CFItems/i1",
            "CFItemAssociations/i2",
            "CFAssociations/a1",
        ):
            status, body = get(viewer, f"{API}/{path}")
            assert status == 404, path
            assert "Clinical practice" not in json.dumps(body)


def test_only_the_latest_published_version_is_served_never_a_draft(client, library):
    framework = Framework.objects.order_by("slug").first()
    version = framework.versions.get()
    draft = services.start_new_draft(actor=SYSTEM, framework=framework)
    added = services.add_competency(actor=SYSTEM, version=draft, domain=None, title="New here")
    assert get(client, f"{API}/CFItems/{added.case_identifier}")[0] == 404
    services.publish_version(actor=SYSTEM, version=draft)
    status, item = get(client, f"{API}/CFItems/{added.case_identifier}")
    assert status == 200 and item["fullStatement"] == "New here"
    listed = get(client, f"{API}/CFDocuments")[1]["CFDocuments"]
    assert [d["version"] for d in listed if d["identifier"] == version.case_identifier] == ["2"]


def test_the_routes_are_in_the_case_apis_openapi_document(client):
    status, schema = get(client, f"{API}/openapi.json")
    assert status == 200
    assert {
        f"{API}/CFDocuments",
        f"{API}/CFDocuments/{{sourcedId}}",
        f"{API}/CFPackages/{{sourcedId}}",
        f"{API}/CFItems/{{sourcedId}}",
        f"{API}/CFAssociations/{{sourcedId}}",
        f"{API}/CFItemAssociations/{{sourcedId}}",
        f"{API}/CFRubrics/{{sourcedId}}",
    } <= set(schema["paths"])


def test_every_case_operation_conforms_to_its_openapi_document(library):
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from hypothesis import HealthCheck, given, settings
    from schemathesis.generation import GenerationMode

    from capmap.config.wsgi import application

    # As in test_schema.py: keep the test's connection (and its transaction) open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", application)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) == 7
        for operation in operations:
            # An operation without parameters has no invalid request to make.
            negative = (GenerationMode.NEGATIVE,) if "{" in operation.path else ()
            for mode in (GenerationMode.POSITIVE, *negative):

                @given(case=operation.as_strategy(generation_mode=mode))
                @settings(max_examples=5, database=None, suppress_health_check=list(HealthCheck))
                def check(case):
                    # The WSGI client does not undo gzip (which a real client does), so ask
                    # for the plain body: the conformance checked is of the content.
                    case.call_and_validate(headers={"Accept-Encoding": "identity"})

                check()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
