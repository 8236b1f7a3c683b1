"""Reads for public services: catalogue search, free slots, the queue screen, daily statistics, letter queues
and the public verification of a letter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from statistics import mean

from django.db.models import Count, Q
from django.utils import timezone

from smartkampung.core.scoping import scoped

from . import catalogue, letters, signing
from .calendar import closed_reason, local_now, slot_times
from .models import (
    Agency,
    Appointment,
    AppointmentState,
    Letter,
    LetterRequest,
    RequestState,
    Service,
    Slot,
    Synonym,
    Ticket,
    TicketState,
)

# --- catalogue ---------------------------------------------------------------------------------------------------


def catalogue_search(*, q: str = "", agency_code: str = "", mode: str = "", limit: int = 300) -> list[Service]:
    """Services whose text holds every query word (a synonym phrase counts as its whole group), best first.

    Each word is matched at a word start (" pasp" finds "paspor"); ranking puts matches in the name first.
    The synonym table is read per call: it is a few hundred rows and staff may change it at any time.
    """
    services = Service.objects.filter(active=True).select_related("agency", "counter")
    if agency_code:
        services = services.filter(agency__code=agency_code)
    if mode:
        services = services.filter(mode=mode)
    table = catalogue.SynonymTable(dict(Synonym.objects.values_list("phrase", "group")))
    words = table.rewrite_query(q) if q.strip() else []
    for word in words:
        needle = f" {word} " if word.startswith(catalogue.SYN_PREFIX) else f" {word}"
        services = services.filter(search_text__contains=needle)
    found = list(services[:limit])
    if words:
        def rank(service: Service) -> tuple:
            name = f" {catalogue.normalise(service.name)} "
            name_tokens = {f"{catalogue.SYN_PREFIX}{g}" for g in table.groups_in(service.name)}
            in_name = sum(1 for w in words if (w in name_tokens if w.startswith(catalogue.SYN_PREFIX) else f" {w}" in name))
            return (-in_name, service.agency.code, service.name)

        found.sort(key=rank)
    return found


def agencies_with_counts() -> list[Agency]:
    return list(Agency.objects.annotate(n_services=Count("services", filter=Q(services__active=True))).order_by("short_name"))


def service_by_code(code: str) -> Service | None:
    return Service.objects.select_related("agency", "counter").filter(code=code, active=True).first()


@dataclass(frozen=True)
class SlotView:
    starts_at: dt.time
    capacity: int
    booked: int
    past: bool

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def bookable(self) -> bool:
        return self.free > 0 and not self.past


@dataclass(frozen=True)
class DayView:
    day: dt.date
    closed: str | None
    slots: list[SlotView]


def service_day(*, service: Service, day: dt.date, now: dt.datetime | None = None) -> DayView:
    """The slots of the service's counter on a day with their free seats (rows not yet made are empty)."""
    counter = service.counter
    if counter is None:
        return DayView(day=day, closed="layanan daring", slots=[])
    reason = closed_reason(counter=counter, day=day)
    if reason:
        return DayView(day=day, closed=reason, slots=[])
    now = local_now(now)
    rows = {s.starts_at: s for s in Slot.objects.filter(counter=counter, date=day)}
    slots = []
    for start in slot_times(counter, day):
        row = rows.get(start)
        past = day < now.date() or (day == now.date() and start <= now.time())
        slots.append(SlotView(start, row.capacity if row else counter.slot_capacity, row.booked if row else 0, past))
    return DayView(day=day, closed=None, slots=slots)


def appointment_by_code(code: str) -> Appointment | None:
    return Appointment.objects.select_related("service__agency", "slot__counter").filter(code=(code or "").strip().upper()).first()


# --- queue -------------------------------------------------------------------------------------------------------


def queue_screen(*, day: dt.date | None = None, limit: int = 12) -> dict:
    """What the public screen shows: the numbers being called now, newest first, and how many wait per counter."""
    day = day or timezone.localdate()
    called = (Ticket.objects.filter(date=day, called_at__isnull=False).select_related("counter")
              .order_by("-called_at", "-id")[:limit])
    waiting = dict(Ticket.objects.filter(date=day, state=TicketState.WAITING).values_list("counter__code").annotate(n=Count("id")))
    return {
        "date": day.isoformat(),
        "called": [{"ticket": t.label, "counter": t.counter.code, "counter_name": t.counter.name, "state": t.state,
                    "called_at": timezone.localtime(t.called_at).isoformat(timespec="seconds"), "calls": t.call_count} for t in called],
        "waiting": waiting,
    }


def counter_queue(*, counter, day: dt.date) -> dict:
    tickets = list(Ticket.objects.filter(counter=counter, date=day).select_related("service", "appointment__slot").order_by("number"))
    return {
        "current": [t for t in tickets if t.state == TicketState.CALLED],
        "waiting": [t for t in tickets if t.state == TicketState.WAITING],
        "done": [t for t in tickets if t.state in (TicketState.SERVED, TicketState.NO_SHOW)][-10:],
    }


@dataclass
class StatRow:
    key: str
    label: str
    issued: int = 0
    served: int = 0
    no_show: int = 0
    waiting: int = 0
    appointments: int = 0
    appointment_no_show: int = 0
    waits: list[float] = field(default_factory=list)
    service_times: list[float] = field(default_factory=list)

    @property
    def avg_wait_minutes(self) -> float | None:
        return round(mean(self.waits), 1) if self.waits else None

    @property
    def avg_service_minutes(self) -> float | None:
        return round(mean(self.service_times), 1) if self.service_times else None

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "issued": self.issued, "served": self.served, "no_show": self.no_show, "waiting": self.waiting,
                "appointments": self.appointments, "appointment_no_show": self.appointment_no_show,
                "avg_wait_minutes": self.avg_wait_minutes, "avg_service_minutes": self.avg_service_minutes}


def daily_stats(*, day: dt.date) -> dict[str, list[StatRow]]:
    """Per service and per counter on one day: tickets, served, no-shows, mean wait (issued -> called) and
    mean service time (called -> finished, served tickets only). A mall day is at most a few thousand tickets."""
    by_service: dict[str, StatRow] = {}
    by_counter: dict[str, StatRow] = {}
    tickets = Ticket.objects.filter(date=day).select_related("service", "counter").only(
        "state", "issued_at", "called_at", "finished_at", "service__code", "service__name", "counter__code", "counter__name")
    for t in tickets:
        rows = (by_service.setdefault(t.service.code, StatRow(t.service.code, t.service.name)),
                by_counter.setdefault(t.counter.code, StatRow(t.counter.code, t.counter.name)))
        for row in rows:
            row.issued += 1
            if t.state == TicketState.SERVED:
                row.served += 1
                row.service_times.append((t.finished_at - t.called_at).total_seconds() / 60)
            elif t.state == TicketState.NO_SHOW:
                row.no_show += 1
            elif t.state == TicketState.WAITING:
                row.waiting += 1
            if t.called_at:
                row.waits.append((t.called_at - t.issued_at).total_seconds() / 60)
    appointments = Appointment.objects.filter(slot__date=day).exclude(state=AppointmentState.CANCELLED).values_list(
        "service__code", "service__name", "slot__counter__code", "slot__counter__name", "state")
    for service_code, service_name, counter_code, counter_name, state in appointments:
        for row in (by_service.setdefault(service_code, StatRow(service_code, service_name)), by_counter.setdefault(counter_code, StatRow(counter_code, counter_name))):
            row.appointments += 1
            row.appointment_no_show += state == AppointmentState.NO_SHOW
    return {"services": sorted(by_service.values(), key=lambda r: r.key), "counters": sorted(by_counter.values(), key=lambda r: r.key)}


# --- letters -----------------------------------------------------------------------------------------------------


def letter_requests_for(*, user, state: str = "") -> list[LetterRequest]:
    requests = scoped(LetterRequest.objects.select_related("letter_type", "village", "person"), user)
    if state:
        requests = requests.filter(state=state)
    return list(requests[:200])


def letter_request_for(*, user, code: str) -> LetterRequest | None:
    return scoped(LetterRequest.objects.select_related("letter_type", "village__parent", "person", "household"), user).filter(code=code).first()


def letter_request_public(*, code: str, nik: str, birth_date: dt.date | None) -> LetterRequest | None:
    """A resident follows their request with its code plus NIK and birth date (all three must match)."""
    request = LetterRequest.objects.select_related("letter_type", "person", "village").filter(code=(code or "").strip().upper()).first()
    if request is None or request.person.nik != (nik or "").strip() or request.person.birth_date != birth_date:
        return None
    return request


@dataclass(frozen=True)
class Verification:
    status: str  # valid, revoked, invalid, not_found
    message: str
    letter: Letter | None = None
    public: dict | None = None


def letter_verify(*, code: str, signature_param: str = "") -> Verification:
    """Check a letter by its code: the stored content must carry a valid signature of the regency's key, and a
    signature from the QR code (when given) must be that same signature. Anything else is a forgery."""
    code = (code or "").strip().upper()
    letter = Letter.objects.select_related("signing_key").filter(code=code).first() if letters.looks_like_code(code) else None
    if letter is None:
        return Verification("not_found", "Kode ini tidak pernah diterbitkan. Surat dengan kode ini tidak sah.")
    content = letter.content
    valid = (signing.signature_valid(public_key_hex=letter.signing_key.public_key, content=content, signature_hex=letter.signature)
             and content.get("code") == letter.code and content.get("number") == letter.number and content.get("key_id") == letter.signing_key.key_id)
    if not valid:
        return Verification("invalid", "Tanda tangan elektronik tidak cocok dengan isi surat: data surat telah diubah. Surat ini tidak sah.", letter)
    if signature_param:
        presented = letters.signature_from_param(signature_param)
        if presented != letter.signature:
            return Verification("invalid", "Kode QR tidak cocok dengan surat yang diterbitkan dengan kode ini. Surat ini tidak sah.", letter)
    public = letters.public_view(content)
    if letter.revoked_at:
        return Verification("revoked", f"Surat ini pernah diterbitkan tetapi telah dicabut: {letter.revoked_reason}.", letter, public)
    return Verification("valid", "Surat ini asli: diterbitkan dan ditandatangani secara elektronik oleh pemerintah desa.", letter, public)


# --- stats for `smartkampung stats` -------------------------------------------------------------------------------


def app_stats() -> dict:
    requests = dict(LetterRequest.objects.values_list("state").annotate(n=Count("id")))
    return {"publicservices": {
        "agencies": Agency.objects.count(),
        "services": Service.objects.filter(active=True).count(),
        "appointments_booked": Appointment.objects.filter(state=AppointmentState.BOOKED).count(),
        "tickets_today": Ticket.objects.filter(date=timezone.localdate()).count(),
        "letter_requests": {state: requests.get(state, 0) for state in RequestState.values},
        "letters_issued": Letter.objects.count(),
    }}
