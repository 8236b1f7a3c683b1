"""Fixtures for public services: the catalogue loaded, the demo mall and village staff, a fixed clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from smartkampung.core.audit import Actor
from smartkampung.publicservices.services import catalogue_load

WIB = timezone.get_fixed_timezone(7 * 60)
# Monday 23 November 2026, 09:10 WIB: a working day (the suite's TODAY).
NOW = dt.datetime(2026, 11, 23, 9, 10, tzinfo=WIB)


@pytest.fixture
def loaded(db):
    """The catalogue (the session baseline's synth already loads it; loading again must change nothing)."""
    return catalogue_load(actor=Actor.system("tests"))


@pytest.fixture
def mall_staff(db):
    return get_user_model().objects.get(username="petugas.mpp")


@pytest.fixture
def kades(db):
    return get_user_model().objects.get(username="kades.kemiren")


@pytest.fixture(autouse=True)
def _letter_key(tmp_path, monkeypatch):
    """Each test signs with its own throwaway key file (the admin's SMARTKAMPUNG_LETTER_KEY)."""
    from smartkampung.publicservices.signing import write_new_key

    path = tmp_path / "letter-key.pem"
    write_new_key(path)
    monkeypatch.setenv("SMARTKAMPUNG_LETTER_KEY", str(path))
    return path
