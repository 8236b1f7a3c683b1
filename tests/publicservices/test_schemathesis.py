"""schemathesis against our OpenAPI schema, in-process through the WSGI app, for the public-services
endpoints: generated inputs (valid and not) never give a server error. Bounded and derandomized."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from smartkampung.core.audit import Actor
from smartkampung.core.services import token_issue

EXAMPLES_PER_OPERATION = 6


@pytest.fixture
def _keep_test_connection():
    """Calling the WSGI app directly runs Django's close_old_connections at each request's start and end; inside
    the test's transaction (autocommit off) that closes the connection on PostgreSQL. Django's test Client
    disconnects it the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("username", ["petugas.mpp", "kades.kemiren"])
def test_publicservices_api_never_answers_a_server_error(loaded, username, _keep_test_connection):
    from django.contrib.auth import get_user_model

    from smartkampung.wsgi import application

    user = get_user_model().objects.get(username=username)
    _token, secret = token_issue(actor=Actor.system("tests"), user=user, name="schemathesis")
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex="^/api/v1/layanan")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 22  # every public-services operation is exercised
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
