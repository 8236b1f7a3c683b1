"""schemathesis against our OpenAPI schema, in-process, for the public Cek Bansos endpoints: generated
inputs (valid and not) never give a server error, and every answer matches its documented shape."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.django_db
EXAMPLES_PER_OPERATION = 15


@pytest.fixture
def keep_test_connection():
    """Called through the raw WSGI app, Django would close the test's database connection after each
    request (close_old_connections sees the test's open transaction), as Django's test client knows."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_cekbansos_api_never_answers_a_server_error(keep_test_connection):
    from smartkampung.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex="^/api/v1/cekbansos")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5
    seen: dict[str, set[int]] = {}
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
        def exercise(case):
            response = case.call()
            case.validate_response(response, checks=[not_a_server_error])
            seen.setdefault(case.operation.label, set()).add(response.status_code)

        exercise()
    assert set(seen) == {op.label for op in operations}
