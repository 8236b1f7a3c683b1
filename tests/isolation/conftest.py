"""Fixtures for isolation tests: a small house of our own (two beds) in Kemiren and one in Jambewangi."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from smartkampung.isolation import services
from smartkampung.isolation.models import BedNight, Puskesmas, Reservation
from tests.conftest import actor

SEEDED_IN, SEEDED_WAITING = 6, 4  # the seed's stays as of its date (2026-01-01): in isolation, expected

PILLARS = {"village_government": ("Kades Suyitno", "081234500001"), "babinsa": ("Serda Wahyudi", "081234500002"),
           "bhabinkamtibmas": ("Bripka Hartono", "081234500003")}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def make_house(users):
    def make(village, *, beds: int = 2, name: str = "Rumah Isolasi Uji"):
        return services.house_create(
            actor=actor(users["admin"]), village=village, name=name, address=f"Balai Desa {village.name}",
            latitude=(village.latitude or -8.2) + 0.001, longitude=(village.longitude or 114.3) + 0.001,
            puskesmas=Puskesmas.objects.get(kecamatan=village.parent), rooms=[("Kamar A", beds)], facilities=["bathroom", "clean_water"],
            pillars=PILLARS)

    return make


@pytest.fixture
def house(make_house, kemiren):
    return make_house(kemiren)


@pytest.fixture
def reserve(users):
    """Reserve for a registry resident (NIK + birth date), as the public page does (anonymous actor)."""
    from django.contrib.auth.models import AnonymousUser

    from smartkampung.core.audit import Actor

    def make(house, person, *, arrival: dt.date | None = None, **extra):
        return services.reservation_create(
            actor=Actor(user=AnonymousUser(), ip="198.51.100.7"), house=house, arrival_date=arrival or timezone.localdate(),
            origin="Surabaya", nik=person.nik, birth_date=person.birth_date, contact_phone="081200000001", **extra)

    return make


def shift_back(reservation: Reservation, days: int) -> Reservation:
    """Move a stay `days` into the past (arrival, end, check-in and its nights), to test what happens
    after days have gone by. Test set-up only: services never move dates."""
    delta = dt.timedelta(days=days)
    r = Reservation.objects.get(pk=reservation.pk)
    Reservation.objects.filter(pk=r.pk).update(
        arrival_date=r.arrival_date - delta, end_date=r.end_date - delta,
        checked_in_on=None if r.checked_in_on is None else r.checked_in_on - delta)
    nights = list(BedNight.objects.filter(reservation=r).order_by("-night" if days < 0 else "night"))
    for night in nights:
        BedNight.objects.filter(pk=night.pk).update(night=night.night - delta)
    return Reservation.objects.get(pk=r.pk)
