"""Cek Bansos's public API: thin — parse, call a service, shape the answer. No authentication: these are
the public's endpoints, guarded by the limits in guard.py."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from smartkampung.core.audit import client_ip

from . import answers, guard, services
from .models import Sanggah

router = Router(tags=["cekbansos"])
PUBLIC_ERRORS = {400: dict, 404: dict, 422: dict, 429: dict}


class CheckIn(Schema):
    nik: str
    birth_date: dt.date


class ReceivedOut(Schema):
    programme_code: str
    programme: str
    agency: str
    unit: str  # person or household (the family receives it)
    amount: int  # rupiah per period
    period: str
    start_date: dt.date
    end_date: dt.date | None
    status: str  # active or ended


class CheckOut(Schema):
    found: bool
    name: str | None  # masked, e.g. "SIT* NUR*****"
    village: str | None
    kecamatan: str | None
    receives: list[ReceivedOut]
    excluded_from_new_aid: bool
    excluded_because: list[str]
    message: str


def _client(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _throttled(error: guard.Throttled) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=429, headers={"Retry-After": str(error.retry_after)})


def check_payload(answer: services.CheckAnswer) -> dict:
    return {
        "found": answer.found, "name": answer.name, "village": answer.village, "kecamatan": answer.kecamatan,
        "receives": [
            {"programme_code": r.code, "programme": r.name, "agency": r.agency, "unit": r.unit, "amount": r.amount, "period": r.period,
             "start_date": r.start_date, "end_date": r.end_date, "status": "active" if r.active else "ended"}
            for r in answer.receives
        ],
        "excluded_from_new_aid": bool(answer.excluded_by), "excluded_because": [r.code for r in answer.excluded_by],
        "message": answers.check_message(answer),
    }


@router.post("/cekbansos/check", auth=None, response={200: CheckOut, **PUBLIC_ERRORS},
             summary="What a resident receives, by NIK and birth date (names masked)")
def check(request, payload: CheckIn):
    """An unknown NIK and a wrong birth date get the same answer (found=false), status and shape.
    Failed attempts are limited per client and per NIK (429 with Retry-After)."""
    try:
        answer = services.bansos_check(nik=payload.nik, birth_date=payload.birth_date, client=_client(request), via="api")
    except guard.Throttled as error:
        return _throttled(error)
    # Shaped by hand (the schema above documents it): validating our own answer again would cost more
    # than the lookup itself on the busiest endpoint.
    return JsonResponse(check_payload(answer))


class SearchIn(Schema):
    village_code: str
    name: str


class SearchHitOut(Schema):
    name: str  # masked
    programmes: list[str]
    sanggah_token: str  # sealed reference for POST /cekbansos/sanggah, valid two hours


class SearchOut(Schema):
    too_many: bool
    results: list[SearchHitOut]


@router.post("/cekbansos/search", auth=None, response={200: SearchOut, **PUBLIC_ERRORS},
             summary="Recipients in a village by name: masked names only, never a NIK")
def search(request, payload: SearchIn):
    """At most 10 results; more matches answer none (too_many=true): write more of the name."""
    try:
        answer = services.recipients_search(village_code=payload.village_code, name=payload.name, client=_client(request), via="api")
    except guard.Throttled as error:
        return _throttled(error)
    return {"too_many": answer.too_many,
            "results": [{"name": h.masked, "programmes": list(h.programmes), "sanggah_token": guard.seal(h.person_id)} for h in answer.hits]}


class UsulIn(Schema):
    nik: str
    relation: str  # self, family, neighbour, other
    reporter_contact: str
    reason: str
    reporter_name: str = ""


class UsulOut(Schema):
    ticket: str
    status: str
    programmes_met: list[str]
    excluded_by: list[str]
    next_step: str


@router.post("/cekbansos/usul", auth=None, response={201: UsulOut, **PUBLIC_ERRORS},
             summary="Report a resident missed by aid (usul); the photo is on the page form")
def usul(request, payload: UsulIn):
    try:
        result = services.usul_submit(nik=payload.nik, relation=payload.relation, reporter_contact=payload.reporter_contact,
                                      reason=payload.reason, reporter_name=payload.reporter_name, client=_client(request), via="api")
    except guard.Throttled as error:
        return _throttled(error)
    u = result.usul
    return Status(201, {"ticket": u.ticket, "status": u.status, "programmes_met": u.programmes_met, "excluded_by": u.excluded_by,
                 "next_step": answers.usul_next_step(result.eligibility, ticket=u.ticket)})


class SanggahIn(Schema):
    sanggah_token: str
    programme_code: str
    reason_kind: str  # deceased, moved, well_off, double, other
    reason: str
    objector_name: str = ""
    objector_contact: str = ""


class TicketOut(Schema):
    ticket: str
    kind: str  # usul or sanggah
    status: str
    status_label: str
    village: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    note: str


@router.post("/cekbansos/sanggah", auth=None, response={201: TicketOut, **PUBLIC_ERRORS},
             summary="Object to a recipient found by the search (sanggah); the objector stays anonymous to them")
def sanggah(request, payload: SanggahIn):
    from smartkampung.core.errors import DomainError

    person_id = guard.unseal(payload.sanggah_token)
    if person_id is None:
        raise DomainError("invalid", _("Tautan sanggahan sudah kedaluwarsa; cari ulang nama penerima."), field="sanggah_token")
    try:
        report = services.sanggah_submit(person_id=person_id, programme_code=payload.programme_code, reason_kind=payload.reason_kind,
                                         reason=payload.reason, objector_name=payload.objector_name, objector_contact=payload.objector_contact,
                                         client=_client(request), via="api")
    except guard.Throttled as error:
        return _throttled(error)
    return Status(201, ticket_payload(report))


def ticket_payload(report) -> dict:
    status = answers.report_status(report)
    return {"ticket": report.ticket, "kind": "sanggah" if isinstance(report, Sanggah) else "usul", "status": report.status,
            "status_label": status.label, "village": report.village.name, "submitted_at": report.created_at,
            "decided_at": report.decided_at, "note": status.note}


@router.get("/cekbansos/tickets/{ticket}", auth=None, response={200: TicketOut, **PUBLIC_ERRORS},
            summary="Follow an usul or sanggah by its ticket")
def ticket(request, ticket: str):
    try:
        report = services.ticket_follow(ticket=ticket, client=_client(request), via="api")
    except guard.Throttled as error:
        return _throttled(error)
    return ticket_payload(report)
