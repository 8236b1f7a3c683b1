"""schemathesis against our OpenAPI schema (/api/v1/openapi.json), in-process through the WSGI app, for the
cases endpoints: generated inputs (valid and not) must never give a server error. Bounded: a few examples
per operation, derandomized, no network."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from smartkampung.core.audit import Actor
from smartkampung.core.services import token_issue

EXAMPLES_PER_OPERATION = 8


@pytest.fixture
def keep_test_connection():
    """Called through the raw WSGI app, Django would close the test's database connection after each
    request (close_old_connections sees the test's open transaction). Django's own test client switches
    that off for the same reason; so do we, for this test only."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_cases_api_never_answers_a_server_error(users, keep_test_connection):
    from smartkampung.wsgi import application

    _token, secret = token_issue(actor=Actor.system("tests"), user=users["puskesmas"], name="schemathesis")
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex="^/api/v1/cases")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 11  # every cases operation is exercised
    seen: dict[str, set[int]] = {}

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
        def exercise(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])
            seen.setdefault(case.operation.label, set()).add(response.status_code)

        exercise()
    assert set(seen) == {op.label for op in operations}
    assert all(max(codes) < 500 for codes in seen.values()), seen
