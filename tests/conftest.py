"""Shared fixtures. The test database holds, for the whole session: the 243 real Banyuwangi areas, the
demo logins (one per role) and a small synthetic population (seed 11). Each test runs in a transaction
that is rolled back, so tests see that baseline and nothing of each other."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client

from smartkampung.core.audit import Actor
from smartkampung.core.demo import DEMO_LOGINS, demo_users_create
from smartkampung.core.models import Area
from smartkampung.core.services import BANYUWANGI_AREA_HISTORY, BANYUWANGI_AREAS, areas_load
from smartkampung.registry.identity import kk_compose, nik_compose

BASELINE_PEOPLE = 2000
BASELINE_SEED = 11
TODAY = dt.date(2026, 11, 23)
_serials = itertools.count(7000)  # far above the baseline's serials, so composed numbers never clash


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from smartkampung.synth.services import synth_population

    with django_db_blocker.unblock():
        areas_load(path=BANYUWANGI_AREAS, history_path=BANYUWANGI_AREA_HISTORY, actor=Actor.system("tests"))
        demo_users_create(actor=Actor.system("tests"))
        synth_population(actor=Actor.system("tests"), people=BASELINE_PEOPLE, seed=BASELINE_SEED)


@pytest.fixture
def users(db):
    from django.contrib.auth import get_user_model

    by_name = {u.username: u for u in get_user_model().objects.filter(username__in=[d.username for d in DEMO_LOGINS])}
    return {
        "admin": by_name["admin.kabupaten"],
        "analyst": by_name["analis.dinsos"],
        "kecamatan": by_name["staf.genteng"],
        "operator": by_name["operator.kemiren"],
        "puskesmas": by_name["puskesmas.sempu"],
        "bhabin": by_name["bhabin.jambewangi"],
    }


def actor(user, *, via: str = "web") -> Actor:
    return Actor(user=user, ip="192.0.2.10", via=via)


@pytest.fixture
def area(db):
    return lambda code: Area.objects.get(code=code)


@pytest.fixture
def kemiren(area):
    return area("35.10.15.2004")  # Desa Kemiren, Kec. Glagah: the demo operator's village


@pytest.fixture
def jambewangi(area):
    return area("35.10.20.2002")  # Desa Jambewangi, Kec. Sempu


def compose_nik(village: Area, *, sex: str, birth_date: dt.date) -> str:
    return nik_compose(area6=village.code[:8], sex=sex, birth_date=birth_date, serial=next(_serials))


def compose_kk(village: Area, *, issued_on: dt.date = dt.date(2019, 5, 20)) -> str:
    return kk_compose(area6=village.code[:8], issued_on=issued_on, serial=next(_serials))


@pytest.fixture
def family(users):
    """A household of three (head, wife, child) created through the services by the regency admin."""
    from smartkampung.registry import services

    def make(village: Area, *, rw: str = "2", rt: str = "3"):
        a = actor(users["admin"])
        household = services.household_create(actor=a, kk_number=compose_kk(village), village=village, rw=rw, rt=rt, dusun="Krajan", desil=3)
        head_born, wife_born, child_born = dt.date(1980, 3, 14), dt.date(1984, 7, 2), dt.date(2012, 1, 30)
        head = services.person_register(actor=a, household=household, relationship="kepala", nik=compose_nik(village, sex="M", birth_date=head_born),
                                        name="Slamet Riyadi", sex="M", birth_date=head_born, marital_status="kawin", education="sma", occupation="Petani/Pekebun")
        wife = services.person_register(actor=a, household=household, relationship="istri", nik=compose_nik(village, sex="F", birth_date=wife_born),
                                        name="Siti Aminah", sex="F", birth_date=wife_born, marital_status="kawin", education="smp")
        child = services.person_register(actor=a, household=household, relationship="anak", nik=compose_nik(village, sex="M", birth_date=child_born),
                                         name="Moch. Rizky Pratama", sex="M", birth_date=child_born, education="smp")
        household.refresh_from_db()
        return household, head, wife, child

    return make


@pytest.fixture
def client_for(db):
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Pages render without `collectstatic`; the served app (browser tests) uses the hashed manifest.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
