"""schemathesis over the cases endpoints (tests/api_fuzz.py): generated inputs never give a server error."""

from __future__ import annotations

import pytest

from smartkampung.core.audit import Actor
from smartkampung.core.services import token_issue
from tests.api_fuzz import fuzz_api


@pytest.mark.django_db
def test_cases_api_never_answers_a_server_error(users):
    _token, secret = token_issue(actor=Actor.system("tests"), user=users["puskesmas"], name="schemathesis")
    operations, seen = fuzz_api("^/api/v1/cases", examples=8, headers={"Authorization": f"Bearer {secret}"})
    assert len(operations) == 11  # every cases operation is exercised
    assert set(seen) == {op.label for op in operations}
    assert all(max(codes) < 500 for codes in seen.values()), seen
