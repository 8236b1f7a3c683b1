"""Rumah singgah: beds, placements by due date, never more placements than beds — also when several staff
place at the same moment (separate processes against a real database file / server)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from smartkampung.cases import services
from smartkampung.cases.models import BedNight, Placement, TransitHouse
from smartkampung.core.errors import DomainError
from smartkampung.core.models import AuditEvent
from smartkampung.registry.models import Person
from tests.conftest import actor
from tests.fresh_db import fresh_database, run

RACE = Path(__file__).parent / "placement_race.py"


@pytest.fixture
def house(jambewangi):
    return TransitHouse.objects.get(village=jambewangi)  # seeded by synth: the real Barisan Siap house, 4 beds


@pytest.fixture
def mothers(jambewangi):
    """Five women of Kecamatan Sempu expecting in three weeks (recorded on the registry)."""
    due = timezone.localdate() + dt.timedelta(days=21)
    women = list(Person.objects.filter(village__parent=jambewangi.parent, sex="F", date_of_death__isnull=True).order_by("id")[:5])
    assert len(women) == 5
    Person.objects.filter(pk__in=[w.pk for w in women]).update(pregnancy_due_date=due)
    for w in women:
        w.pregnancy_due_date = due
    return women


@pytest.mark.django_db
def test_seeded_house_has_four_beds(house):
    assert (house.name, house.beds.count(), house.team.name) == ("Rumah Singgah Barisan Siap Jambewangi", 4, "Puskesmas Sempu")


@pytest.mark.django_db
def test_placement_by_due_date_takes_a_bed_for_each_night(house, mothers, users):
    woman = mothers[0]
    placement = services.placement_create(actor=actor(users["puskesmas"]), house=house, person=woman)
    due = woman.pregnancy_due_date
    assert (placement.start_date, placement.end_date, placement.bed.label) == (due - dt.timedelta(days=14), due + dt.timedelta(days=3), "01")
    assert BedNight.objects.filter(placement=placement).count() == 17
    assert AuditEvent.objects.filter(action="placement.create", object_id=str(placement.pk)).count() == 1


@pytest.mark.django_db
def test_fifth_woman_is_refused_when_four_beds_are_taken_and_nothing_is_stored(house, mothers, users):
    a = actor(users["puskesmas"])
    beds = [services.placement_create(actor=a, house=house, person=w).bed.label for w in mothers[:4]]
    assert beds == ["01", "02", "03", "04"]
    before = (Placement.objects.count(), BedNight.objects.count())
    with pytest.raises(DomainError) as full:
        services.placement_create(actor=a, house=house, person=mothers[4])
    assert full.value.code == "conflict"
    assert (Placement.objects.count(), BedNight.objects.count()) == before
    # cancelling one frees its bed for her
    services.placement_cancel(actor=a, placement=Placement.objects.get(bed__label="02", person=mothers[1]))
    assert services.placement_create(actor=a, house=house, person=mothers[4]).bed.label == "02"


@pytest.mark.django_db
def test_same_woman_twice_and_bad_dates_are_refused(house, mothers, users):
    a = actor(users["puskesmas"])
    services.placement_create(actor=a, house=house, person=mothers[0])
    with pytest.raises(DomainError) as twice:
        services.placement_create(actor=a, house=house, person=mothers[0])
    assert twice.value.code == "duplicate"
    today = timezone.localdate()
    with pytest.raises(DomainError) as backwards:
        services.placement_create(actor=a, house=house, person=mothers[1], start_date=today + dt.timedelta(days=5), end_date=today)
    assert (backwards.value.code, backwards.value.field) == ("invalid", "end_date")


@pytest.mark.django_db
def test_someone_outside_the_area_cannot_place_and_nothing_happens(house, mothers, users):
    before = (Placement.objects.count(), AuditEvent.objects.count())
    for name in ("operator", "kecamatan"):  # Kemiren's operator, Genteng's kecamatan staff
        with pytest.raises(DomainError) as refused:
            services.placement_create(actor=actor(users[name]), house=house, person=mothers[0])
        assert refused.value.code == "forbidden"
    assert (Placement.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_house_pages(client_for, users, house, mothers):
    client = client_for(users["puskesmas"])
    assert "Rumah Singgah Barisan Siap Jambewangi" in client.get("/cases/rumah-singgah/").content.decode()
    page = client.get(f"/cases/rumah-singgah/{house.pk}/").content.decode()
    assert mothers[0].name in page  # offered, by due date
    response = client.post(f"/cases/rumah-singgah/{house.pk}/", {"action": "place", "person": mothers[0].pk})
    assert response.status_code == 302
    assert Placement.objects.get(person=mothers[0]).bed.label == "01"
    assert client_for(users["operator"]).get(f"/cases/rumah-singgah/{house.pk}/").status_code == 404


def _race(env: dict, tmp_path: Path) -> list[str]:
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    workers = [subprocess.Popen([sys.executable, str(RACE), "place", str(n), str(barrier)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for n in range(5)]
    deadline = time.monotonic() + 120
    while len(list(barrier.glob("ready-*"))) < 5:
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            raise AssertionError("workers did not start: " + " | ".join(w.communicate()[1][-500:] for w in workers if w.poll() is not None))
        time.sleep(0.02)
    (barrier / "go").touch()
    outputs = [w.communicate(timeout=120) for w in workers]
    assert all(w.returncode == 0 for w in workers), [err[-800:] for _out, err in outputs]
    return sorted(out.strip() for out, _err in outputs)


@pytest.mark.django_db
def test_five_staff_placing_at_the_same_moment_never_exceed_two_beds(tmp_path):
    with fresh_database(tmp_path) as env:
        run(env, "migrate", "registry", "-v0")  # the registry at its newest (another app may have added to it)
        run(env, "migrate", "cases", "-v0")
        subprocess.run([sys.executable, str(RACE), "setup"], env=env, check=True, capture_output=True, text=True, timeout=120)
        results = _race(env, tmp_path)
        assert results == ["ok 01", "ok 02", "refused conflict", "refused conflict", "refused conflict"]
        check = subprocess.run([sys.executable, "-c", (
            "import os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','smartkampung.settings');import django;django.setup();"
            "from smartkampung.cases.models import Placement, BedNight;from django.db.models import Count;"
            "print(Placement.objects.count(), BedNight.objects.count(), BedNight.objects.values('bed','night').annotate(n=Count('id')).filter(n__gt=1).count())")],
            env=env, capture_output=True, text=True, timeout=120, check=True)
        assert check.stdout.split() == ["2", "34", "0"]
