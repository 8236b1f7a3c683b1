"""schemathesis against our OpenAPI schema (/api/v1/openapi.json), in-process through the WSGI app:
generated inputs (valid and not) for every operation under a path. Bounded (a few examples per
operation), derandomized, no network. Each app's test asserts what must hold."""

from __future__ import annotations

from contextlib import contextmanager

import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error


@contextmanager
def _test_connection_kept():
    """Called through the raw WSGI app, Django would close the test's database connection at each
    request's start and end (close_old_connections sees the test's open transaction; on PostgreSQL that
    loses it). Django's own test client switches that off for the same reason; so do we, meanwhile."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def fuzz_api(path_regex: str, *, examples: int, headers: dict | None = None) -> tuple[list, dict[str, set[int]]]:
    """Call every operation whose path matches `path_regex` with `examples` generated cases each, failing
    on any server error or answer outside its documented shape. Returns the operations and, per
    operation label, the status codes seen."""
    from smartkampung.wsgi import application

    seen: dict[str, set[int]] = {}
    with _test_connection_kept():  # loading the schema is a request too
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex=path_regex)
        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:
            @given(case=operation.as_strategy())
            @settings(max_examples=examples, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
            def exercise(case):
                response = case.call(headers=headers)
                case.validate_response(response, checks=[not_a_server_error])
                seen.setdefault(case.operation.label, set()).add(response.status_code)

            exercise()
    return operations, seen
