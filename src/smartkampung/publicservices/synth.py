"""Synthetic public-service activity for the demo, tests and benchmarks.

The catalogue comes through the real loader (a deployment needs it without synthetic data). On top: one
day of queue history at `as_of` (tickets per counter with call and finish times, a few no-shows) and
appointments booked for the next working days, and letter requests in a sample of villages (a handful
per village, at most ~600 in all) in the states an operator and a village head would find them.
Everything is written with bulk_create and is deterministic by seed.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from smartkampung.core.audit import Actor
from smartkampung.core.models import Area
from smartkampung.registry.models import Membership, Person

from .calendar import closed_reason, holiday_name, slot_times
from .models import (
    Appointment,
    Counter,
    LetterRequest,
    LetterType,
    RequestState,
    Service,
    ServiceMode,
    Slot,
    Ticket,
    TicketDay,
    TicketSource,
    TicketState,
)
from .services import CODE_ALPHABET, catalogue_load

TICKETS_PER_COUNTER = (6, 30)
REQUESTS_PER_VILLAGE = 3
MAX_REQUEST_VILLAGES = 200
DEMO_VILLAGE = "35.10.15.2004"  # Kemiren: the demo operator's and village head's village


def _code(r: random.Random, prefix: str, length: int, used: set[str]) -> str:
    while True:
        code = prefix + "".join(r.choice(CODE_ALPHABET) for _ in range(length))
        if code not in used:
            used.add(code)
            return code


def _queue_day(r: random.Random, day: dt.date) -> int:
    tz = timezone.get_current_timezone()
    services_by_counter: dict[int, list[Service]] = {}
    for service in Service.objects.filter(active=True).exclude(mode=ServiceMode.ONLINE).exclude(counter__isnull=True):
        services_by_counter.setdefault(service.counter_id, []).append(service)
    tickets, days = [], []
    for counter in Counter.objects.filter(active=True).order_by("code"):
        if closed_reason(counter=counter, day=day) or counter.pk not in services_by_counter:
            continue
        n = r.randint(*TICKETS_PER_COUNTER)
        clock = dt.datetime.combine(day, counter.opens_at, tzinfo=tz)
        free_at = clock
        for number in range(1, n + 1):
            clock += dt.timedelta(minutes=r.randint(1, 12))
            called = max(clock, free_at) + dt.timedelta(minutes=r.randint(0, 5))
            no_show = r.random() < 0.07
            finished = called + dt.timedelta(minutes=1 if no_show else r.randint(3, 20))
            free_at = finished
            tickets.append(Ticket(counter=counter, service=r.choice(services_by_counter[counter.pk]), date=day, number=number,
                                  source=TicketSource.WALK_IN, state=TicketState.NO_SHOW if no_show else TicketState.SERVED,
                                  issued_at=clock, called_at=called, finished_at=finished, call_count=2 if no_show else 1))
        days.append(TicketDay(counter=counter, date=day, last_number=n))
    Ticket.objects.bulk_create(tickets, batch_size=1000)
    TicketDay.objects.bulk_create(days)
    return len(tickets)


def _appointments(r: random.Random, as_of: dt.date, used: set[str]) -> int:
    bookable = list(Service.objects.filter(active=True, mode=ServiceMode.APPOINTMENT).select_related("counter").order_by("code"))
    made = []
    day = as_of
    working_days = 0
    while working_days < 3:
        day += dt.timedelta(days=1)
        for service in r.sample(bookable, min(12, len(bookable))):
            counter = service.counter
            if closed_reason(counter=counter, day=day):
                continue
            times = slot_times(counter, day)
            start = r.choice(times)
            seats = r.randint(1, max(1, counter.slot_capacity // 2))
            slot, _ = Slot.objects.get_or_create(counter=counter, date=day, starts_at=start, defaults={"capacity": counter.slot_capacity})
            seats = min(seats, slot.capacity - slot.booked)
            if seats <= 0:
                continue
            Slot.objects.filter(pk=slot.pk).update(booked=slot.booked + seats)
            made += [Appointment(code=_code(r, "MPP-", 6, used), service=service, slot=slot, name="Warga Contoh", phone=f"08{r.randint(10**9, 10**10 - 1)}")
                     for _ in range(seats)]
        working_days += 1
    Appointment.objects.bulk_create(made, batch_size=1000)
    return len(made)


def _letter_requests(r: random.Random, used: set[str]) -> int:
    types = {t.code: t for t in LetterType.objects.all()}
    if not types:
        return 0
    village_ids = list(Person.objects.filter(date_of_death__isnull=True).values_list("village_id", flat=True).distinct().order_by("village_id"))
    demo = Area.objects.filter(code=DEMO_VILLAGE).values_list("id", flat=True).first()
    chosen = sorted(set(r.sample(village_ids, min(MAX_REQUEST_VILLAGES, len(village_ids)))) | ({demo} if demo in village_ids else set()))
    # One adult per request: the first living adults of each chosen village, by id (indexed, no per-person query).
    cutoff = dt.date(2008, 1, 1)
    made = []
    simple = [c for c in ("domisili", "usaha", "pengantar_ktp", "pengantar_kk", "pengantar_skck", "sktm") if c in types]
    for village_id in chosen:
        people = list(Person.objects.filter(village_id=village_id, date_of_death__isnull=True, birth_date__lt=cutoff).order_by("id")[: REQUESTS_PER_VILLAGE * 4])
        r.shuffle(people)
        households = dict(Membership.objects.filter(person__in=people, end_date__isnull=True).values_list("person_id", "household_id"))
        for person in people[:REQUESTS_PER_VILLAGE]:
            letter_type = types[r.choice(simple)]
            details = {}
            if letter_type.code == "usaha":
                details = {"business_name": "Warung " + person.name.split()[0].title(), "business_kind": "warung makan", "business_address": "Dusun Krajan"}
            elif letter_type.code == "pengantar_ktp":
                details = {"ktp_reason": "rusak"}
            elif letter_type.code == "pengantar_kk":
                details = {"kk_reason": "perubahan data"}
            made.append(LetterRequest(code=_code(r, "SRT-", 6, used), letter_type=letter_type, village_id=village_id, person=person,
                                      household_id=households.get(person.pk), purpose=r.choice(["Melamar pekerjaan", "Pendaftaran sekolah", "Pengajuan KUR", "Beasiswa"]),
                                      details=details, state=RequestState.SUBMITTED))
    LetterRequest.objects.bulk_create(made, batch_size=1000)
    return len(made)


def _last_working_day(day: dt.date) -> dt.date:
    """The queue history is of the last day the mall worked on or before `day` (1 January is a holiday)."""
    while day.weekday() >= 5 or holiday_name(day):
        day -= dt.timedelta(days=1)
    return day


def seed(*, actor: Actor, seed: int, as_of: dt.date) -> dict[str, int]:
    r = random.Random(f"publicservices:{seed}")
    loaded = catalogue_load(actor=actor)
    used: set[str] = set(Appointment.objects.values_list("code", flat=True)) | set(LetterRequest.objects.values_list("code", flat=True))
    return {
        "services": Service.objects.count(),
        "services_new": loaded["services"],
        "tickets": _queue_day(r, _last_working_day(as_of)),
        "appointments": _appointments(r, as_of, used),
        "letter_requests": _letter_requests(r, used),
    }
