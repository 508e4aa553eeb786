"""The device API fuzzed against its own OpenAPI document (schemathesis, through the WSGI app): for
every operation, generated requests (valid and invalid) with a real device's token never get a 5xx,
and every response conforms to the document (status codes, content types, headers, bodies)."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi import checks as openapi_checks

from tests.broadcasts.conftest import API, publish_alert, publish_notice

pytestmark = pytest.mark.django_db

EXAMPLES = 60
# "Positive data" the schema allows but the database refuses (an unknown commune code, a hardware id
# registered by an earlier example) rightly gets a 4xx: that check cannot know the data.
EXCLUDED = [openapi_checks.positive_data_acceptance]


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """A real WSGI handler closes old database connections around each request; inside the test's
    transaction that would drop PostgreSQL's connection (Django's own test client disconnects these too)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(district, boards, settings, wsgi_keeps_the_test_connection):
    settings.DEVICE_API_RATE_LIMIT = "100000/60"
    settings.DEVICE_API_REGISTER_RATE_LIMIT = "100000/60"
    publish_notice(district.a, title="Lịch tiêm chủng")
    publish_alert(communes=[district.a])
    return schemathesis.openapi.from_wsgi(f"{API}/openapi.json", get_wsgi_application(), headers={"Host": "localhost"})


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_the_document_is_a_valid_openapi_3_1_document_with_every_operation(api_schema):
    labels = {operation.label for operation in operations(api_schema)}

    assert labels == {
        "POST /register", "POST /claim", "GET /devices/{device_id}/snapshot", "GET /devices/{device_id}/alerts",
        "POST /devices/{device_id}/heartbeat", "POST /devices/{device_id}/plays", "GET /media/{sha256}.{ext}",
    }  # (schemathesis leaves out the document's own path, openapi.json)


def test_no_generated_request_gets_a_5xx_or_a_response_the_document_does_not_describe(api_schema, boards):
    # The WSGI test client does not decompress: ask for plain bodies (gzip has its own test).
    headers = {"Authorization": f"Bearer {boards.lcd_token}", "Accept-Encoding": "identity"}
    calls = {"count": 0}

    for operation in operations(api_schema):

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=False,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            if "device_id" in (case.path_parameters or {}):
                case.path_parameters["device_id"] = boards.lcd.pk  # the token's own device: fuzz past the 403
            response = case.call(headers=headers)
            calls["count"] += 1
            assert response.status_code < 500, f"{case.operation.label} → {response.status_code}"
            case.validate_response(response, excluded_checks=EXCLUDED, headers=headers)

        check()

    assert calls["count"] >= EXAMPLES
