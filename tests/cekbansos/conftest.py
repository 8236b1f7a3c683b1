from __future__ import annotations

import datetime as dt

import pytest

from smartkampung.programmes.models import Programme
from smartkampung.programmes.services import enrolment_create
from tests.conftest import actor

CHECK = "/api/v1/cekbansos/check"


@pytest.fixture
def poor_family(family, kemiren):
    """The conftest family (desil 3, a child of 14) in Desa Kemiren: meets BPNT, PBI-JKN and PKH's rules."""
    return family(kemiren)


@pytest.fixture
def enrol(users):
    def make(programme_code: str, *, person=None, household=None, start=dt.date(2026, 2, 1)):
        programme = Programme.objects.get(code=programme_code)
        return enrolment_create(actor=actor(users["admin"]), programme=programme, start_date=start, source="manual",
                                person=person if programme.unit == "person" else None, household=household)

    return make


def check(client, nik: str, birth_date, ip: str = "198.51.100.1"):
    return client.post(CHECK, {"nik": nik, "birth_date": str(birth_date)}, content_type="application/json", REMOTE_ADDR=ip)
