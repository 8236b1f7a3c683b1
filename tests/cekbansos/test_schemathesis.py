"""schemathesis over the public Cek Bansos endpoints (tests/api_fuzz.py): generated inputs (valid and
not) never give a server error, and every answer matches its documented shape."""

from __future__ import annotations

import pytest

from tests.api_fuzz import fuzz_api

pytestmark = pytest.mark.django_db


def test_cekbansos_api_never_answers_a_server_error():
    operations, seen = fuzz_api("^/api/v1/cekbansos", examples=15)
    assert len(operations) == 5
    assert set(seen) == {op.label for op in operations}
