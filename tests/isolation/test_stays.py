"""Reservations, stays and the bed-night guard, through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from smartkampung.core.errors import DomainError
from smartkampung.core.models import AuditEvent
from smartkampung.isolation import services
from smartkampung.isolation.models import BedNight, Reservation, ReservationStatus
from tests.conftest import actor
from tests.isolation.conftest import shift_back


def _nights(reservation) -> list[dt.date]:
    return list(BedNight.objects.filter(reservation=reservation).order_by("night").values_list("night", flat=True))


def test_a_resident_reserves_fourteen_nights_on_one_bed(house, family, kemiren, reserve, today):
    _household, head, _wife, _child = family(kemiren)
    r = reserve(house, head, arrival=today + dt.timedelta(days=3))
    assert r.status == ReservationStatus.RESERVED
    assert (r.person_id, r.full_name, r.home_village_id, r.id_number) == (head.pk, "Slamet Riyadi", kemiren.pk, "")
    assert r.end_date == today + dt.timedelta(days=17)
    assert _nights(r) == [today + dt.timedelta(days=3 + i) for i in range(14)]
    assert set(BedNight.objects.filter(reservation=r).values_list("bed_id", flat=True)) == {r.bed_id}
    assert r.code.startswith("ISO-") and len(r.code) == 13
    event = AuditEvent.objects.get(action="isolation.reserve", object_id=str(r.pk))
    assert (event.village_id, event.ip_address, event.changes["resident"]) == (kemiren.pk, "198.51.100.7", True)


def test_a_non_resident_reserves_with_name_id_number_and_destination(house, kemiren, today):
    r = services.reservation_create(actor=actor(None), house=house, arrival_date=today, origin="Denpasar", full_name="Made Wirawan",
                                    id_number="5171012345670001", home_village=kemiren)
    assert (r.person_id, r.full_name, r.id_number, r.home_village_id) == (None, "Made Wirawan", "5171012345670001", kemiren.pk)
    with pytest.raises(DomainError) as info:  # the same traveller cannot hold two places
        services.reservation_create(actor=actor(None), house=house, arrival_date=today + dt.timedelta(days=20), origin="Denpasar",
                                    full_name="Made Wirawan", id_number="5171012345670001", home_village=kemiren)
    assert (info.value.code, info.value.field) == ("overlap", "nik")


@pytest.mark.parametrize("change, code, field", [
    ({"nik": "3510150000000000"}, "unknown_nik", "nik"),
    ({"birth_date": dt.date(1999, 1, 1)}, "unknown_nik", "nik"),
    ({"nik": "35101"}, "invalid_nik", "nik"),
    ({"arrival_date": "yesterday"}, "past", "arrival_date"),
    ({"arrival_date": "far"}, "invalid", "arrival_date"),
    ({"origin": " "}, "invalid", "origin"),
    ({"contact_phone": "12ab"}, "invalid", "contact_phone"),
])
def test_bad_reservations_are_refused_and_nothing_is_saved(house, family, kemiren, today, change, code, field):
    _h, head, _w, _c = family(kemiren)
    args = {"nik": head.nik, "birth_date": head.birth_date, "arrival_date": today, "origin": "Surabaya", "contact_phone": ""}
    args.update(change)
    args["arrival_date"] = {"yesterday": today - dt.timedelta(days=1), "far": today + dt.timedelta(days=61)}.get(args["arrival_date"], args["arrival_date"])
    before = (Reservation.objects.count(), BedNight.objects.count(), AuditEvent.objects.filter(action="isolation.reserve").count())
    with pytest.raises(DomainError) as info:
        services.reservation_create(actor=actor(None), house=house, **args)
    assert (info.value.code, info.value.field) == (code, field)
    assert (Reservation.objects.count(), BedNight.objects.count(), AuditEvent.objects.filter(action="isolation.reserve").count()) == before


def test_a_second_active_reservation_of_the_same_person_is_an_overlap(house, family, kemiren, reserve, today):
    _h, head, _w, _c = family(kemiren)
    first = reserve(house, head, arrival=today)
    with pytest.raises(DomainError) as info:
        reserve(house, head, arrival=today + dt.timedelta(days=5))
    assert info.value.code == "overlap" and first.code in info.value.message
    assert Reservation.objects.filter(person=head).count() == 1


def test_a_full_house_refuses_overlapping_days_and_accepts_the_next_fortnight(house, family, kemiren, reserve, today):
    _h, head, wife, child = family(kemiren)
    a = reserve(house, head, arrival=today)
    b = reserve(house, wife, arrival=today + dt.timedelta(days=13))  # overlaps a's last night: the other bed
    assert a.bed_id != b.bed_id
    with pytest.raises(DomainError) as info:
        reserve(house, child, arrival=today + dt.timedelta(days=10))
    assert (info.value.code, info.value.field) == ("house_full", "house")
    assert not Reservation.objects.filter(person=child).exists()
    c = reserve(house, child, arrival=today + dt.timedelta(days=14))  # a's bed is free again from then
    assert c.bed_id == a.bed_id
    assert BedNight.objects.filter(house=house).count() == 42


def test_the_database_refuses_a_second_reservation_of_a_bed_night(house, family, kemiren, reserve, today):
    from django.db import IntegrityError, transaction

    _h, head, _w, _c = family(kemiren)
    a = reserve(house, head, arrival=today)
    with pytest.raises(IntegrityError), transaction.atomic():
        BedNight.objects.create(bed_id=a.bed_id, house=house, night=today + dt.timedelta(days=4), reservation=a)


def test_check_in_needs_a_reservation(house, family, kemiren, reserve, users, today):
    _h, head, wife, _c = family(kemiren)
    with pytest.raises(DomainError) as info:
        services.reservation_find(house=house, code_or_nik=head.nik)
    assert (info.value.code, info.value.field) == ("no_reservation", "code")
    r = reserve(house, head, arrival=today)
    assert services.reservation_find(house=house, code_or_nik=head.nik).pk == r.pk
    assert services.reservation_find(house=house, code_or_nik=r.code.lower()).pk == r.pk
    stay = services.stay_check_in(actor=actor(users["operator"]), reservation=r)
    assert (stay.status, stay.checked_in_on) == (ReservationStatus.CHECKED_IN, today)
    with pytest.raises(DomainError) as info:  # a second check-in: no reservation is waiting any more
        services.stay_check_in(actor=actor(users["operator"]), reservation=r)
    assert info.value.code == "no_reservation"
    later = reserve(house, wife, arrival=today + dt.timedelta(days=2))
    with pytest.raises(DomainError) as info:
        services.stay_check_in(actor=actor(users["operator"]), reservation=later)
    assert (info.value.code, info.value.field) == ("invalid", "on")
    assert Reservation.objects.get(pk=later.pk).status == ReservationStatus.RESERVED


def test_early_release_and_transfer_free_the_bed_from_that_day(house, family, kemiren, reserve, users, today):
    _h, head, wife, child = family(kemiren)
    op = actor(users["operator"])
    a = services.stay_check_in(actor=op, reservation=reserve(house, head, arrival=today))
    b = services.stay_check_in(actor=op, reservation=reserve(house, wife, arrival=today))
    with pytest.raises(DomainError) as info:
        services.stay_check_out(actor=op, reservation=a)
    assert info.value.code == "too_early"
    with pytest.raises(DomainError) as info:
        services.stay_release_early(actor=op, reservation=a, reason=" ")
    assert (info.value.code, info.value.field) == ("invalid", "reason")
    a = services.stay_release_early(actor=op, reservation=a, reason="Hasil swab negatif, saran Puskesmas")
    assert (a.status, a.left_on, _nights(a)) == (ReservationStatus.RELEASED_EARLY, today, [])
    b = services.stay_transfer(actor=op, reservation=b, hospital="RSUD Blambangan", reason="Sesak napas")
    assert (b.status, b.hospital, BedNight.objects.filter(house=house).count()) == (ReservationStatus.TRANSFERRED, "RSUD Blambangan", 0)
    c = reserve(house, child, arrival=today)  # the freed bed is given again
    assert c.bed_id in {a.bed_id, b.bed_id}


def test_check_out_after_fourteen_days_completes(house, family, kemiren, reserve, users, today):
    _h, head, _w, _c = family(kemiren)
    op = actor(users["operator"])
    stay = services.stay_check_in(actor=op, reservation=reserve(house, head, arrival=today))
    stay = shift_back(stay, 14)
    done = services.stay_check_out(actor=op, reservation=stay)
    assert (done.status, done.left_on) == (ReservationStatus.COMPLETED, today)
    assert BedNight.objects.filter(reservation=done).count() == 14  # the nights it used stay on record


def test_cancel_by_the_resident_needs_the_full_nik(house, family, kemiren, reserve, today):
    from smartkampung.core.audit import Actor

    _h, head, _w, _c = family(kemiren)
    r = reserve(house, head, arrival=today)
    wrong = head.nik[:-1] + ("1" if head.nik.endswith("0") else "0")  # one digit off, whatever the last digit is
    with pytest.raises(DomainError) as info:
        services.reservation_cancel(actor=Actor(user=None), reservation=r, reason="batal", identity=wrong)
    assert info.value.code == "forbidden"
    assert Reservation.objects.get(pk=r.pk).status == ReservationStatus.RESERVED and len(_nights(r)) == 14
    r = services.reservation_cancel(actor=Actor(user=None), reservation=r, reason="Tidak jadi pulang", identity=head.nik)
    assert (r.status, _nights(r)) == (ReservationStatus.CANCELLED, [])


def test_staff_outside_the_village_cannot_touch_the_stay(house, family, kemiren, reserve, users, today):
    _h, head, _w, _c = family(kemiren)
    r = reserve(house, head, arrival=today)
    for who in ("puskesmas", "bhabin", "analyst", "kecamatan"):  # Sempu, Jambewangi, read-only regency, Genteng
        with pytest.raises(DomainError) as info:
            services.stay_check_in(actor=actor(users[who]), reservation=r)
        assert info.value.code == "forbidden", who
    assert Reservation.objects.get(pk=r.pk).status == ReservationStatus.RESERVED
    assert not AuditEvent.objects.filter(action="isolation.check_in").exists()


def test_house_creation_checks_its_input_and_scope(make_house, users, kemiren, jambewangi):
    from smartkampung.isolation.models import IsolationHouse, Puskesmas

    h = make_house(kemiren, beds=3)
    assert (h.rooms.count(), h.beds.count(), h.pillars.count(), h.puskesmas.code) == (1, 3, 3, "PKM-351015")
    with pytest.raises(DomainError) as info:
        services.house_create(actor=actor(users["operator"]), village=jambewangi, name="X", address="Y", latitude=-8.2, longitude=114.2,
                              puskesmas=Puskesmas.objects.get(code="PKM-351020"), rooms=[("K1", 1)])
    assert info.value.code == "forbidden"
    with pytest.raises(DomainError) as info:
        services.house_create(actor=actor(users["operator"]), village=kemiren, name="Rumah B", address="Y", latitude=-8.2, longitude=114.2,
                              puskesmas=h.puskesmas, rooms=[("K1", 1)], facilities=["jacuzzi"])
    assert (info.value.code, info.value.field) == ("invalid", "facilities")
    assert not IsolationHouse.objects.filter(name__in=["X", "Rumah B"]).exists()
