"""Appointments, walk-in tickets, calling, no-shows, service times and the day's statistics."""

from __future__ import annotations

import datetime as dt

import pytest

from smartkampung.core.errors import DomainError
from smartkampung.core.models import AuditEvent
from smartkampung.publicservices import selectors, services
from smartkampung.publicservices.calendar import closed_reason
from smartkampung.publicservices.models import (
    Appointment,
    AppointmentState,
    Closure,
    Counter,
    Service,
    Slot,
    Ticket,
    TicketState,
)
from tests.conftest import actor
from tests.publicservices.conftest import NOW

ANON = actor(None)
TUESDAY = dt.date(2026, 11, 24)


def _service(code: str) -> Service:
    return Service.objects.select_related("counter").get(code=code)


def _book(code="dukcapil-ktp-cetak", *, day=TUESDAY, at=dt.time(10, 0), name="Siti Aminah", phone="081234567890", now=NOW):
    return services.appointment_book(actor=ANON, service=_service(code), date=day, starts_at=at, name=name, phone=phone, now=now)


def test_booking_takes_a_seat_and_cancel_gives_it_back(loaded):
    appointment = _book()
    slot = Slot.objects.get(counter__code="A01", date=TUESDAY, starts_at=dt.time(10, 0))
    assert (slot.capacity, slot.booked, appointment.state) == (12, 1, AppointmentState.BOOKED)
    assert appointment.code.startswith("MPP-") and len(appointment.code) == 10
    with pytest.raises(DomainError) as error:
        services.appointment_cancel(actor=ANON, code=appointment.code, phone="089999999999")
    assert error.value.code == "not_found"
    slot.refresh_from_db()
    assert slot.booked == 1
    services.appointment_cancel(actor=ANON, code=appointment.code.lower(), phone="0812-3456-7890")
    slot.refresh_from_db()
    appointment.refresh_from_db()
    assert (slot.booked, appointment.state) == (0, AppointmentState.CANCELLED)
    assert list(AuditEvent.objects.filter(object_type="appointment", object_id=str(appointment.pk)).values_list("action", flat=True).order_by("id")) == [
        "appointment.book", "appointment.cancel"]


def test_a_full_slot_is_refused_and_nothing_is_added(loaded):
    Counter.objects.filter(code="A01").update(slot_capacity=2)
    _book(name="Satu")
    _book(name="Dua")
    with pytest.raises(DomainError) as error:
        _book(name="Tiga")
    assert (error.value.code, error.value.field) == ("slot_full", "starts_at")
    assert "sudah penuh" in error.value.message
    assert Slot.objects.get(counter__code="A01", date=TUESDAY, starts_at=dt.time(10, 0)).booked == 2
    assert Appointment.objects.filter(slot__date=TUESDAY, slot__counter__code="A01").count() == 2
    # The next hour still has room.
    assert _book(name="Tiga", at=dt.time(11, 0)).slot.starts_at == dt.time(11, 0)


def test_the_database_refuses_overbooking_even_without_the_service(loaded):
    from django.db import IntegrityError, transaction

    slot = Slot.objects.create(counter=Counter.objects.get(code="A01"), date=TUESDAY, starts_at=dt.time(8, 0), capacity=1, booked=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked=2)


@pytest.mark.parametrize("day, reason", [
    (dt.date(2026, 11, 29), "hari Minggu"),
    (dt.date(2026, 12, 25), "libur nasional (Hari Raya Natal)"),
    (dt.date(2026, 12, 24), "libur nasional (Cuti Bersama Hari Raya Natal)"),
    (dt.date(2026, 12, 18), "Hari Jadi Banyuwangi (contoh penutupan mal; ubah sesuai keputusan bupati)"),
])
def test_closed_days_are_refused(loaded, day, reason):
    with pytest.raises(DomainError) as error:
        _book(day=day)
    assert (error.value.code, error.value.field) == ("closed_day", "date")
    assert reason in error.value.message
    assert not Slot.objects.filter(date=day).exists()


def test_saturday_only_for_counters_open_on_saturday(loaded):
    saturday = dt.date(2026, 11, 28)
    assert closed_reason(counter=Counter.objects.get(code="A01"), day=saturday) is None
    assert _book(day=saturday, at=dt.time(11, 0)).slot.date == saturday
    with pytest.raises(DomainError) as error:
        _book(day=saturday, at=dt.time(13, 0))  # Saturday hours end at 12:00
    assert error.value.field == "starts_at"
    with pytest.raises(DomainError) as error:
        _book("dpmptsp-sip-dokter", day=saturday)
    assert error.value.code == "closed_day" and "Sabtu" in error.value.message


def test_a_closure_added_by_staff_closes_the_counter(loaded, mall_staff, users):
    wednesday = dt.date(2026, 11, 25)
    with pytest.raises(DomainError) as error:
        services.closure_add(actor=actor(users["operator"]), date=wednesday, reason="Rapat", counter=Counter.objects.get(code="A01"))
    assert error.value.code == "forbidden" and not Closure.objects.filter(date=wednesday).exists()
    services.closure_add(actor=actor(mall_staff), date=wednesday, reason="Pemeliharaan server Dukcapil", counter=Counter.objects.get(code="A01"))
    with pytest.raises(DomainError) as error:
        _book(day=wednesday)
    assert "Pemeliharaan server Dukcapil" in error.value.message
    assert _book("polres-skck-baru", day=wednesday).slot.counter.code == "C02"  # other counters serve


def test_online_and_walk_in_services_are_not_booked(loaded):
    with pytest.raises(DomainError) as error:
        _book("imigrasi-mpaspor")
    assert error.value.code == "online_service" and "https://www.imigrasi.go.id" in error.value.message
    with pytest.raises(DomainError) as error:
        _book("dukcapil-legalisasi")
    assert error.value.code == "walk_in_only" and "datang langsung" in error.value.message
    with pytest.raises(DomainError) as error:
        services.ticket_walk_in(actor=ANON, service=_service("imigrasi-mpaspor"), now=NOW)
    assert error.value.code == "online_service"
    assert not Appointment.objects.filter(service__code__in=["imigrasi-mpaspor", "dukcapil-legalisasi"]).exists()
    assert not Ticket.objects.filter(service__code="imigrasi-mpaspor").exists()


def test_bad_booking_input(loaded):
    for kwargs, field in ((dict(day=dt.date(2026, 11, 20)), "date"), (dict(day=dt.date(2027, 1, 20)), "date"), (dict(at=dt.time(10, 30)), "starts_at"),
                          (dict(day=NOW.date(), at=dt.time(9, 0)), "starts_at"), (dict(phone="12"), "phone"), (dict(name=" "), "name")):
        with pytest.raises(DomainError) as error:
            _book(**kwargs)
        assert error.value.field == field, kwargs
    assert not Appointment.objects.exists() or not Appointment.objects.filter(name="Siti Aminah").exists()


def test_walk_in_numbers_call_order_no_shows_and_statistics(loaded, mall_staff, users):
    counter = Counter.objects.get(code="A01")
    booked = _book(day=NOW.date(), at=dt.time(10, 0))
    at = lambda minutes: NOW + dt.timedelta(minutes=minutes)  # noqa: E731
    w1 = services.ticket_walk_in(actor=ANON, service=_service("dukcapil-ktp-cetak"), now=at(0))
    w2 = services.ticket_walk_in(actor=ANON, service=_service("dukcapil-kia-0-5"), now=at(1))
    b = services.appointment_check_in(actor=ANON, code=booked.code, now=at(2))
    assert [w1.label, w2.label, b.label] == ["A01-001", "A01-002", "A01-003"]
    assert selectors.queue_screen(day=NOW.date())["waiting"]["A01"] == 3

    # A service-mall officer calls; the booked resident who arrived goes first, then walk-ins by number.
    with pytest.raises(DomainError) as error:
        services.ticket_call_next(actor=actor(users["operator"]), counter=counter, now=at(3))
    assert error.value.code == "forbidden"
    assert Ticket.objects.filter(counter=counter, state=TicketState.WAITING).count() == 3

    first = services.ticket_call_next(actor=actor(mall_staff), counter=counter, now=at(5))
    assert first.pk == b.pk and first.called_by == mall_staff
    services.ticket_finish(actor=actor(mall_staff), ticket=first, outcome="served", now=at(13))
    second = services.ticket_call_next(actor=actor(mall_staff), counter=counter, now=at(14))
    assert second.pk == w1.pk
    services.ticket_recall(actor=actor(mall_staff), ticket=second, now=at(16))
    services.ticket_finish(actor=actor(mall_staff), ticket=second, outcome="no_show", now=at(18))
    with pytest.raises(DomainError) as error:
        services.ticket_finish(actor=actor(mall_staff), ticket=second, outcome="served", now=at(19))
    assert error.value.code == "conflict"

    screen = selectors.queue_screen(day=NOW.date())
    assert [c["ticket"] for c in screen["called"]] == ["A01-001", "A01-003"] and screen["called"][0]["calls"] == 2
    assert screen["waiting"] == {"A01": 1}

    stats = selectors.daily_stats(day=NOW.date())
    a01 = next(r for r in stats["counters"] if r.key == "A01")
    assert a01.as_dict() == {"key": "A01", "label": "Dukcapil: KTP-el dan KIA", "issued": 3, "served": 1, "no_show": 1, "waiting": 1,
                             "appointments": 1, "appointment_no_show": 0, "avg_wait_minutes": 9.5, "avg_service_minutes": 8.0}
    cetak = next(r for r in stats["services"] if r.key == "dukcapil-ktp-cetak")
    assert (cetak.issued, cetak.served, cetak.no_show, cetak.appointments) == (2, 1, 1, 1)

    closed = services.queue_close_day(actor=actor(mall_staff), day=NOW.date())
    assert closed == {"appointments_no_show": 0, "tickets_no_show": 1}
    assert Ticket.objects.get(pk=w2.pk).state == TicketState.NO_SHOW


def test_booked_but_never_came_is_a_no_show_at_closing(loaded, mall_staff):
    appointment = _book()
    result = services.queue_close_day(actor=actor(mall_staff), day=TUESDAY)
    appointment.refresh_from_db()
    assert result == {"appointments_no_show": 1, "tickets_no_show": 0} and appointment.state == AppointmentState.NO_SHOW
    assert selectors.daily_stats(day=TUESDAY)["services"][0].as_dict()["appointment_no_show"] == 1


def test_check_in_only_on_the_day(loaded):
    appointment = _book()
    with pytest.raises(DomainError) as error:
        services.appointment_check_in(actor=ANON, code=appointment.code, now=NOW)
    assert error.value.code == "wrong_day"
    assert not Ticket.objects.filter(appointment=appointment).exists()


def test_walk_in_outside_hours_is_refused(loaded):
    with pytest.raises(DomainError) as error:
        services.ticket_walk_in(actor=ANON, service=_service("dukcapil-ktp-cetak"), now=NOW.replace(hour=16))
    assert error.value.code == "outside_hours"
    assert not Ticket.objects.filter(date=NOW.date(), counter__code="A01").exists()
