"""Property-based tests of the whole API against its own OpenAPI document."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from capmap.config.wsgi import application

from .factories import token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection_kept_open():
    """Like Django's test client: the WSGI app must not close the test's connection
    (with its open transaction) when a request starts or ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_conforms_to_the_openapi_document(w, connection_kept_open):
    # The token goes in through the security scheme, so negative cases may still drop it.
    config = SchemathesisConfig.from_dict(
        {"auth": {"openapi": {"BearerToken": {"bearer": token_for(w.manager)}}}}
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 6
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=10,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case):
                # The WSGI client does not undo gzip as a real client does: ask for the plain
                # body, since what is checked is the content.
                case.call_and_validate(headers={"Accept-Encoding": "identity"})

            check()
