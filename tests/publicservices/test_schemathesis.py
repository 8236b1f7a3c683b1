"""schemathesis over the public-services endpoints (tests/api_fuzz.py): generated inputs (valid and not)
never give a server error."""

from __future__ import annotations

import pytest

from smartkampung.core.audit import Actor
from smartkampung.core.services import token_issue
from tests.api_fuzz import fuzz_api


@pytest.mark.parametrize("username", ["petugas.mpp", "kades.kemiren"])
def test_publicservices_api_never_answers_a_server_error(loaded, username):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    _token, secret = token_issue(actor=Actor.system("tests"), user=user, name="schemathesis")
    operations, seen = fuzz_api("^/api/v1/layanan", examples=6, headers={"Authorization": f"Bearer {secret}"})
    assert len(operations) == 22  # every public-services operation is exercised
    assert set(seen) == {op.label for op in operations}
    assert all(max(codes) < 500 for codes in seen.values()), seen
