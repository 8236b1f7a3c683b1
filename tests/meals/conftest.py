"""Rantang Kasih fixtures: an old resident living alone in a chosen village, enrolled and made a
recipient, and providers with a login. Built through the services, on top of the session baseline (whose
synth already seeded 109 providers, the baseline's recipients, rounds and a few days of deliveries)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from smartkampung.core.audit import Actor
from smartkampung.meals import services
from smartkampung.meals.models import Provider, Recipient
from smartkampung.programmes.models import Programme
from smartkampung.programmes.services import enrolment_create
from smartkampung.registry import services as registry
from tests.conftest import actor, compose_kk, compose_nik

SYSTEM = Actor.system("tests")
_names = itertools.count(1)


@pytest.fixture
def office(users):
    return actor(users["analyst"])


@pytest.fixture
def elder(users):
    """make(village, lat_offset=..., lon_offset=...) -> Recipient: a woman of 70 living alone (desil 1),
    enrolled in Rantang Kasih and synced as a recipient at her household's point near the village centre."""

    def make(village, *, dlat: float = 0.002, dlon: float = 0.002, meals_per_day: int = 2) -> Recipient:
        admin = actor(users["admin"])
        household = registry.household_create(actor=admin, kk_number=compose_kk(village), village=village, rw="1", rt="2", dusun="Krajan", desil=1)
        registry.household_update(actor=admin, household=household, latitude=village.latitude + dlat, longitude=village.longitude + dlon)
        born = dt.date(1955, 4, 1)
        person = registry.person_register(actor=admin, household=household, relationship="kepala", nik=compose_nik(village, sex="F", birth_date=born),
                                          name=f"Mbah Sumirah {next(_names)}", sex="F", birth_date=born, marital_status="cerai_mati", education="sd")
        enrolment_create(actor=admin, programme=Programme.objects.get(code="RANTANG_KASIH"), start_date=timezone.localdate() - dt.timedelta(days=30),
                         source="manual", person=person)
        services.recipients_sync(actor=SYSTEM)
        recipient = Recipient.objects.get(person=person)
        if recipient.meals_per_day != meals_per_day:
            Recipient.objects.filter(pk=recipient.pk).update(meals_per_day=meals_per_day)
            recipient.refresh_from_db()
        return recipient

    return make


@pytest.fixture
def provider_at(db):
    """make(village, capacity=..., login=...) -> Provider a few hundred metres from the village centre."""

    def make(village, *, capacity: int = 5, price: int = 12_000, login: str | None = None, dlat: float = 0.0, dlon: float = 0.0,
             days: str = "1234567") -> Provider:
        provider = services.provider_create(
            actor=SYSTEM, name=f"Warung Uji {next(_names)}", owner_name="Bu Siti", address="Jl. Uji 1", village=village,
            latitude=village.latitude + dlat, longitude=village.longitude + dlon, daily_capacity=capacity, price_per_portion=price, days_served=days,
            dietician_name="Nur Aini, S.Gz.", bank_name="Bank Jatim", bank_account_number="0011223344", bank_account_holder="Siti",
        )
        if login:
            services.provider_login_create(actor=SYSTEM, provider=provider, username=login, password="rahasia-warung")
            provider.refresh_from_db()
        return provider

    return make


def provider_actor(provider: Provider) -> Actor:
    user = get_user_model().objects.get(pk=provider.user_id)
    return Actor(user=user, ip="192.0.2.20", via="web")


def only_here(providers: list[Provider], recipients: list[Recipient]) -> None:
    """Make these the only active providers and recipients (the baseline's seeded ones step aside, inside
    the test's rolled-back transaction), so a test's assignment has known numbers."""
    Recipient.objects.exclude(pk__in=[r.pk for r in recipients]).update(state="ended", provider=None, distance_m=None)
    Provider.objects.exclude(pk__in=[p.pk for p in providers]).update(active=False, assigned=0)
