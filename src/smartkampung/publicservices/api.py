"""Public services API under /api/v1/layanan/: thin — parse, call a selector or service, shape the answer.

Residents' endpoints need no login (catalogue, slots, booking, walk-in tickets, the queue screen, letter
requests and verification); staff endpoints (/layanan/staff/...) take a session or a bearer token.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import HttpBearer, SessionAuth

from smartkampung.core.audit import actor_from_request
from smartkampung.core.errors import DomainError
from smartkampung.core.scoping import area_scope
from smartkampung.core.services import token_user

from . import letters, selectors, services
from .models import Counter, LetterType, RequestState, Service, Ticket

router = Router(tags=["publicservices"])
ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


class _AnyRoleSession(SessionAuth):
    """Staff with any role: the service mall's staff have no registry scope, so STAFF_AUTH would refuse them."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and (user.is_superuser or area_scope(user).roles) else None


class _AnyRoleBearer(HttpBearer):
    def authenticate(self, request, token: str):
        user = token_user(token)
        if user is None or not (user.is_superuser or area_scope(user).roles):
            return None
        request.user = user
        return user


STAFF = [_AnyRoleBearer(), _AnyRoleSession()]


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    if isinstance(value, Schema):
        return _has_nul(value.model_dump())
    return False


def refuse_nul(view):
    """A NUL character is never real input and PostgreSQL cannot compare text with it: a 400, not a 500."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if _has_nul(list(args)) or _has_nul(kwargs):
            raise DomainError("invalid", _("Masukan memuat karakter NUL."))
        return view(request, *args, **kwargs)

    return wrapper


def _actor(request: HttpRequest):
    return actor_from_request(request, via="api")


# --- schemas -----------------------------------------------------------------------------------------------------


class AgencyOut(Schema):
    code: str
    short_name: str
    name: str
    kind: str
    services: int


class ServiceOut(Schema):
    code: str
    name: str
    agency: str
    agency_code: str
    description: str
    requirements: list[str]
    fee: int
    fee_note: str
    duration: str
    mode: str
    needs_visit: bool
    counter: str | None
    online_url: str


class SlotOut(Schema):
    starts_at: str
    capacity: int
    free: int
    bookable: bool


class DayOut(Schema):
    date: dt.date
    closed: str | None
    slots: list[SlotOut]


class BookingIn(Schema):
    service: str
    date: dt.date
    starts_at: str
    name: str
    phone: str


class AppointmentOut(Schema):
    code: str
    service: str
    counter: str
    date: dt.date
    starts_at: str
    state: str
    name: str


class CancelIn(Schema):
    phone: str


class WalkInIn(Schema):
    service: str


class TicketOut(Schema):
    id: int
    ticket: str
    counter: str
    service: str
    date: dt.date
    state: str
    source: str
    ahead: int


class ScreenItem(Schema):
    ticket: str
    counter: str
    counter_name: str
    state: str
    called_at: str
    calls: int


class ScreenOut(Schema):
    date: str
    called: list[ScreenItem]
    waiting: dict[str, int]


class FinishIn(Schema):
    outcome: str


class LetterTypeOut(Schema):
    code: str
    name: str
    detail_fields: list[dict]
    needs_poverty_check: bool


class LetterRequestIn(Schema):
    letter_type: str
    village_code: str
    nik: str
    birth_date: dt.date
    purpose: str
    details: dict[str, str] = {}
    phone: str = ""


class LetterRequestOut(Schema):
    code: str
    letter_type: str
    village: str
    state: str
    state_label: str
    letter_number: str | None = None
    pdf_url: str | None = None
    rejection_reason: str = ""


class StatusIn(Schema):
    nik: str
    birth_date: dt.date


class VerifyOut(Schema):
    status: str
    message: str
    letter: dict | None = None


class NoteIn(Schema):
    note: str = ""


class VisitIn(Schema):
    confirmed: bool
    note: str


class RejectIn(Schema):
    reason: str


class StaffRequestOut(Schema):
    code: str
    letter_type: str
    village_code: str
    state: str
    person_nik: str
    person_name: str
    purpose: str
    desil_at_check: int | None
    visit_case_ticket: str
    submitted_at: dt.datetime


class LetterOut(Schema):
    number: str
    code: str
    verify_url: str


# --- shaping -----------------------------------------------------------------------------------------------------


def _service_out(s: Service) -> dict:
    return {"code": s.code, "name": s.name, "agency": s.agency.short_name, "agency_code": s.agency.code, "description": s.description,
            "requirements": s.requirements, "fee": s.fee, "fee_note": s.fee_note, "duration": s.duration, "mode": s.mode,
            "needs_visit": s.needs_visit, "counter": s.counter.code if s.counter_id else None, "online_url": s.online_url}


def _appointment_out(a) -> dict:
    return {"code": a.code, "service": a.service.code, "counter": a.slot.counter.code, "date": a.slot.date, "starts_at": f"{a.slot.starts_at:%H:%M}",
            "state": a.state, "name": letters.mask_name(a.name)}


def ticket_ahead(ticket: Ticket) -> int:
    return Ticket.objects.filter(counter=ticket.counter, date=ticket.date, state="waiting", number__lt=ticket.number).count() if ticket.state == "waiting" else 0


def _ticket_out(t: Ticket) -> dict:
    return {"id": t.pk, "ticket": t.label, "counter": t.counter.code, "service": t.service.code, "date": t.date, "state": t.state, "source": t.source,
            "ahead": ticket_ahead(t)}


def _request_out(r) -> dict:
    letter = getattr(r, "letter", None) if r.state == RequestState.ISSUED else None
    return {"code": r.code, "letter_type": r.letter_type.code, "village": r.village.name, "state": r.state, "state_label": str(r.get_state_display()),
            "letter_number": letter.number if letter else None,
            "pdf_url": f"/layanan/surat/{r.code}/{letter.code}.pdf" if letter else None, "rejection_reason": r.rejection_reason}


def _service(code: str) -> Service:
    service = selectors.service_by_code(code)
    if service is None:
        raise DomainError("not_found", _("Layanan %(code)r tidak ada.") % {"code": code}, field="service")
    return service


def _time(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise DomainError("invalid", _("Jam ditulis HH:MM."), field="starts_at") from None


# --- public endpoints -------------------------------------------------------------------------------------------


@router.get("/layanan/agencies", response=list[AgencyOut], summary="Agencies of the service mall")
@refuse_nul
def agencies(request):
    return [{"code": a.code, "short_name": a.short_name, "name": a.name, "kind": a.kind, "services": a.n_services} for a in selectors.agencies_with_counts()]


@router.get("/layanan/services", response=list[ServiceOut], summary="Search the catalogue (Bahasa Indonesia, with synonyms)")
@refuse_nul
def service_search(request, q: str = "", agency: str = "", mode: str = ""):
    return [_service_out(s) for s in selectors.catalogue_search(q=q, agency_code=agency, mode=mode)]


@router.get("/layanan/services/{code}", response={200: ServiceOut, **ERRORS}, summary="One service")
@refuse_nul
def service_detail(request, code: str):
    return _service_out(_service(code))


@router.get("/layanan/services/{code}/slots", response={200: DayOut, **ERRORS}, summary="Slots and free seats of a day")
@refuse_nul
def service_slots(request, code: str, date: dt.date):
    day = selectors.service_day(service=_service(code), day=date)
    return {"date": day.day, "closed": day.closed,
            "slots": [{"starts_at": f"{s.starts_at:%H:%M}", "capacity": s.capacity, "free": s.free, "bookable": s.bookable} for s in day.slots]}


@router.post("/layanan/appointments", response={201: AppointmentOut, **ERRORS}, summary="Book a slot")
@refuse_nul
def appointment_book(request, payload: BookingIn):
    appointment = services.appointment_book(actor=_actor(request), service=_service(payload.service), date=payload.date,
                                            starts_at=_time(payload.starts_at), name=payload.name, phone=payload.phone)
    return Status(201, _appointment_out(appointment))


@router.post("/layanan/appointments/{code}/cancel", response={200: AppointmentOut, **ERRORS}, summary="Cancel a booking (code + phone)")
@refuse_nul
def appointment_cancel(request, code: str, payload: CancelIn):
    return _appointment_out(services.appointment_cancel(actor=_actor(request), code=code, phone=payload.phone))


@router.post("/layanan/appointments/{code}/check-in", response={201: TicketOut, **ERRORS}, summary="Arrive for a booking: a queue ticket")
@refuse_nul
def appointment_check_in(request, code: str):
    return Status(201, _ticket_out(services.appointment_check_in(actor=_actor(request), code=code)))


@router.post("/layanan/tickets", response={201: TicketOut, **ERRORS}, summary="Take a walk-in queue ticket for today")
@refuse_nul
def ticket_walk_in(request, payload: WalkInIn):
    return Status(201, _ticket_out(services.ticket_walk_in(actor=_actor(request), service=_service(payload.service))))


@router.get("/layanan/queue/screen", response=ScreenOut, summary="The numbers being called (the public screen polls this)")
@refuse_nul
def queue_screen(request):
    return selectors.queue_screen()


@router.get("/layanan/letter-types", response=list[LetterTypeOut], summary="Village letters a resident can request")
@refuse_nul
def letter_types(request):
    return [{"code": t.code, "name": t.name, "detail_fields": t.detail_fields, "needs_poverty_check": t.needs_poverty_check}
            for t in LetterType.objects.filter(active=True)]


@router.post("/layanan/letters/requests", response={201: LetterRequestOut, **ERRORS}, summary="Request a village letter (NIK + birth date)")
@refuse_nul
def letter_request_submit(request, payload: LetterRequestIn):
    letter_request = services.letter_request_submit(actor=_actor(request), letter_type_code=payload.letter_type, village_code=payload.village_code,
                                                    nik=payload.nik, birth_date=payload.birth_date, purpose=payload.purpose,
                                                    details=payload.details, phone=payload.phone)
    return Status(201, _request_out(letter_request))


@router.post("/layanan/letters/requests/{code}/status", response={200: LetterRequestOut, **ERRORS}, summary="Follow a request (code + NIK + birth date)")
@refuse_nul
def letter_request_status(request, code: str, payload: StatusIn):
    letter_request = selectors.letter_request_public(code=code, nik=payload.nik, birth_date=payload.birth_date)
    if letter_request is None:
        raise DomainError("not_found", _("Kode permohonan, NIK dan tanggal lahir tidak cocok."), field="code")
    return _request_out(letter_request)


@router.get("/layanan/letters/verify/{code}", response={200: VerifyOut, 404: VerifyOut}, summary="Verify an issued letter (public)")
@refuse_nul
def letter_verify(request, code: str, s: str = ""):
    result = selectors.letter_verify(code=code, signature_param=s)
    body = {"status": result.status, "message": result.message, "letter": result.public}
    return Status(404 if result.status == "not_found" else 200, body)


# --- staff endpoints --------------------------------------------------------------------------------------------


def _counter(code: str) -> Counter:
    counter = Counter.objects.filter(code=code).first()
    if counter is None:
        raise DomainError("not_found", _("Loket %(code)r tidak ada.") % {"code": code}, field="counter")
    return counter


@router.post("/layanan/staff/counters/{code}/call-next", auth=STAFF, response={200: TicketOut, 204: None, **ERRORS}, summary="Call the next ticket")
@refuse_nul
def call_next(request, code: str):
    ticket = services.ticket_call_next(actor=_actor(request), counter=_counter(code))
    return Status(204, None) if ticket is None else _ticket_out(ticket)


def _ticket(ticket_id: int) -> Ticket:
    ticket = Ticket.objects.select_related("counter", "service").filter(pk=ticket_id).first()
    if ticket is None:
        raise DomainError("not_found", _("Tiket %(id)s tidak ada.") % {"id": ticket_id})
    return ticket


@router.post("/layanan/staff/tickets/{ticket_id}/finish", auth=STAFF, response={200: TicketOut, **ERRORS}, summary="Served or no-show")
@refuse_nul
def ticket_finish(request, ticket_id: int, payload: FinishIn):
    return _ticket_out(services.ticket_finish(actor=_actor(request), ticket=_ticket(ticket_id), outcome=payload.outcome))


@router.post("/layanan/staff/tickets/{ticket_id}/recall", auth=STAFF, response={200: TicketOut, **ERRORS}, summary="Call a ticket again")
@refuse_nul
def ticket_recall(request, ticket_id: int):
    return _ticket_out(services.ticket_recall(actor=_actor(request), ticket=_ticket(ticket_id)))


@router.get("/layanan/staff/stats", auth=STAFF, response={200: dict, **ERRORS}, summary="Daily statistics per service and counter")
@refuse_nul
def daily_stats(request, date: dt.date):
    if not services.is_mall_staff(request.user):
        raise DomainError("forbidden", _("Hanya petugas Mal Pelayanan Publik yang dapat melihat statistik."))
    stats = selectors.daily_stats(day=date)
    return {"date": date.isoformat(), "services": [r.as_dict() for r in stats["services"]], "counters": [r.as_dict() for r in stats["counters"]]}


def _staff_request(request, code: str):
    letter_request = selectors.letter_request_for(user=request.user, code=code)
    if letter_request is None:
        raise DomainError("not_found", _("Tidak ada permohonan %(code)s di wilayah Anda.") % {"code": code})
    return letter_request


def _staff_request_out(r) -> dict:
    return {"code": r.code, "letter_type": r.letter_type.code, "village_code": r.village.code, "state": r.state, "person_nik": r.person.nik,
            "person_name": r.person.name, "purpose": r.purpose, "desil_at_check": r.desil_at_check, "visit_case_ticket": r.visit_case_ticket,
            "submitted_at": r.submitted_at}


@router.get("/layanan/staff/letters/requests", auth=STAFF, response=list[StaffRequestOut], summary="Letter requests of my villages")
@refuse_nul
def staff_requests(request, state: str = ""):
    rows = selectors.letter_requests_for(user=request.user, state=state)
    services.letter_requests_viewed(actor=_actor(request), requests=rows)
    return [_staff_request_out(r) for r in rows]


@router.post("/layanan/staff/letters/requests/{code}/check", auth=STAFF, response={200: StaffRequestOut, **ERRORS}, summary="Operator: check against the registry")
@refuse_nul
def staff_check(request, code: str, payload: NoteIn):
    return _staff_request_out(services.letter_request_check(actor=_actor(request), request=_staff_request(request, code), note=payload.note))


@router.post("/layanan/staff/letters/requests/{code}/visit", auth=STAFF, response={200: StaffRequestOut, **ERRORS}, summary="Operator: home-visit outcome")
@refuse_nul
def staff_visit(request, code: str, payload: VisitIn):
    return _staff_request_out(services.letter_request_visit_record(actor=_actor(request), request=_staff_request(request, code),
                                                                   confirmed=payload.confirmed, note=payload.note))


@router.post("/layanan/staff/letters/requests/{code}/reject", auth=STAFF, response={200: StaffRequestOut, **ERRORS}, summary="Reject a request")
@refuse_nul
def staff_reject(request, code: str, payload: RejectIn):
    return _staff_request_out(services.letter_request_reject(actor=_actor(request), request=_staff_request(request, code), reason=payload.reason))


@router.post("/layanan/staff/letters/requests/{code}/approve", auth=STAFF, response={201: LetterOut, **ERRORS}, summary="Village head: approve and issue")
@refuse_nul
def staff_approve(request, code: str):
    letter = services.letter_approve(actor=_actor(request), request=_staff_request(request, code))
    return Status(201, {"number": letter.number, "code": letter.code, "verify_url": letters.qr_payload(code=letter.code, signature_hex=letter.signature)})
