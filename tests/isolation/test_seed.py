"""The isolation seed at the test baseline (2,000 people, seed 11)."""

from __future__ import annotations

from django.db.models import Count

from smartkampung.core.models import Area
from smartkampung.isolation.models import (
    AffectedResident,
    Bed,
    BedNight,
    HousePillar,
    IsolationHouse,
    Puskesmas,
    Reservation,
)


def test_every_village_has_a_house_and_every_house_three_pillars_and_beds(db):
    villages = Area.objects.filter(kind__in=("desa", "kelurahan")).count()
    assert IsolationHouse.objects.count() == 300
    assert IsolationHouse.objects.values("village").distinct().count() == villages
    assert Puskesmas.objects.count() == Area.objects.filter(kind="kecamatan").count()
    assert set(HousePillar.objects.values("house").annotate(n=Count("id")).values_list("n", flat=True)) == {3}
    assert not IsolationHouse.objects.annotate(n=Count("beds")).filter(n=0).exists()
    # every house's Puskesmas is that of its kecamatan
    assert not IsolationHouse.objects.exclude(puskesmas__kecamatan=models_parent()).exists()


def models_parent():
    from django.db.models import F

    return F("village__parent")


def test_seeded_reservations_hold_their_nights_and_affected_scale_with_population(db):
    from smartkampung.core.models import AuditEvent
    from smartkampung.isolation.models import DailyCheck

    seeded = AuditEvent.objects.get(action="synth.run").changes["seeded"]["isolation"]
    assert Reservation.objects.filter(channel="synth").count() == seeded["isolation_reservations"] == 12
    assert dict(Reservation.objects.values_list("status").annotate(n=Count("id"))) == {"checked_in": 6, "reserved": 4, "completed": 2}
    assert BedNight.objects.count() == 12 * 14
    # six in isolation for 5 days (arrived 5 days before the seed date) and two who completed 14 days
    assert DailyCheck.objects.count() == seeded["isolation_checks"] == 6 * 5 + 2 * 14
    assert Bed.objects.count() == seeded["isolation_beds"]
    assert seeded["isolation_houses"] == 300 and seeded["puskesmas"] == 25
    # 2,000 of 1,791,789 people: 3,500 tourism workers scale down to 4, 1,400 laid off to 2, 2,100 informal to 2
    assert dict(AffectedResident.objects.values_list("sector").annotate(n=Count("id"))) == {"tourism": 4, "laid_off": 2, "informal": 2}
