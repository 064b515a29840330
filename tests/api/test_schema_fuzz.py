"""Fuzz the whole partner API against its own OpenAPI schema (schemathesis).

Every operation gets generated requests, with a valid key, against a small
catalog: no answer may be a server error or break the schema.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def key(partner_key, catalog):
    return partner_key[1]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calling the WSGI app directly fires request_finished, whose
    close_old_connections would close the test's transaction; the test client
    disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_conform_to_its_schema(case, key):
    case.call_and_validate(
        headers={"Authorization": f"Api-Key {key}"},
        checks=[not_a_server_error, response_schema_conformance],
    )


def test_schema_lists_every_endpoint():
    paths = set(schema.raw_schema["paths"])
    assert paths == {
        "/api/v1/vendors/",
        "/api/v1/vendors/{slug}/",
        "/api/v1/providers/",
        "/api/v1/providers/{slug}/",
        "/api/v1/benchmarks/",
        "/api/v1/benchmarks/{slug}/",
        "/api/v1/models/",
        "/api/v1/models/{slug}/",
        "/api/v1/comparisons/",
        "/api/v1/comparisons/{pair}/",
        "/api/v1/export/",
        "/api/v1/changes/",
    }


KNOWN_OBJECTS = [
    ("/api/v1/vendors/{slug}/", {"slug": "openai"}),
    ("/api/v1/providers/{slug}/", {"slug": "openrouter"}),
    ("/api/v1/benchmarks/{slug}/", {"slug": "swe-bench-verified"}),
    ("/api/v1/models/{slug}/", {"slug": "gpt-4-1-mini"}),
    ("/api/v1/models/{slug}/", {"slug": "grok-4-20"}),
    ("/api/v1/comparisons/{pair}/", {"pair": "gpt-4-1-mini-vs-grok-4-20"}),
]


@pytest.mark.parametrize(("path", "parameters"), KNOWN_OBJECTS)
def test_details_of_real_objects_conform_to_the_schema(key, path, parameters):
    """Random slugs mostly find nothing; these 200 answers are checked too."""
    case = schema[path]["GET"].Case(path_parameters=parameters)
    response = case.call_and_validate(
        headers={"Authorization": f"Api-Key {key}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
    assert response.status_code == 200


def test_filtered_model_list_conforms_to_the_schema(key):
    case = schema["/api/v1/models/"]["GET"].Case(
        query={"vendor": "openai", "vision": "true", "ordering": "-updated_at"}
    )
    response = case.call_and_validate(
        headers={"Authorization": f"Api-Key {key}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
    assert [m["slug"] for m in response.json()["results"]] == ["gpt-4-1-mini"]
