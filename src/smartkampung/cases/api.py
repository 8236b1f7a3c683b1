"""Case endpoints under /api/v1/cases/: thin — parse, call a selector or service, shape the answer.
Staff only (session or bearer token); the public files reports on the pages or through Open311."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from smartkampung.core.audit import actor_from_request
from smartkampung.core.auth import STAFF_AUTH
from smartkampung.core.errors import DomainError
from smartkampung.core.scoping import area_scope, scoped, scoped_villages
from smartkampung.registry.models import Person

from . import selectors, services
from .models import Case, CaseCategory, CaseEvent, Placement, Resolution, VisitOutcome

router = Router(tags=["cases"], auth=STAFF_AUTH)
ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


class QuestionOut(Schema):
    code: str
    datatype: str
    required: bool = False
    description: str = ""
    values: list[dict] = []


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    group: str
    team_kind: str
    support_team_kind: str
    respond_days: int
    resolve_days: int
    autoclose_days: int
    public: bool
    allow_anonymous: bool
    allow_confidential: bool
    always_confidential: bool
    questions: list[QuestionOut]


class CaseOut(Schema):
    id: int
    ticket: str
    category: str
    village_code: str
    village: str
    team: str
    support_team: str | None = None
    state: str
    is_open: bool
    title: str
    description: str
    address: str
    latitude: float | None = None
    longitude: float | None = None
    answers: dict
    source: str
    source_ref: str
    anonymous: bool
    confidential: bool
    reporter_name: str | None = Field(None, description="Hidden (null) on anonymous cases except for regency admins.")
    reporter_contact: str | None = None
    subject_person_id: int | None = None
    created_at: dt.datetime
    respond_due_at: dt.datetime
    due_at: dt.datetime
    resolution: str
    escalated_at: dt.datetime | None = None
    merged_into: str | None = None


class EventOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    actor: str
    state_before: str
    state_after: str
    note: str
    public: bool


class CaseDetailOut(CaseOut):
    events: list[EventOut]


class CaseIn(Schema):
    category_code: str = Field(..., max_length=40)
    village_code: str | None = Field(None, max_length=13, description="Kemendagri village code; optional when a point is given")
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=5000)
    address: str = Field("", max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    answers: dict[str, str | float | int | list[str]] = {}
    subject_person_id: int | None = None
    reporter_name: str = Field("", max_length=120)
    reporter_contact: str = Field("", max_length=120)
    anonymous: bool = False
    confidential: bool = False
    source: str = Field("api", max_length=20)
    source_ref: str = Field("", max_length=100)


class NoteIn(Schema):
    note: str = Field(..., max_length=5000)
    public: bool = False


class StepIn(Schema):
    note: str = Field("", max_length=5000)


class ResolveIn(Schema):
    resolution: Resolution
    note: str = Field("", max_length=5000)


class VisitIn(Schema):
    visited_on: dt.date
    visitors: str = Field(..., max_length=200)
    findings: str = Field(..., max_length=5000)
    outcome: VisitOutcome
    follow_up: str = Field("", max_length=5000)
    follow_up_on: dt.date | None = None


class VisitOut(Schema):
    id: int
    visited_on: dt.date
    visitors: str
    findings: str
    outcome: str
    follow_up: str
    follow_up_on: dt.date | None = None


class PlacementIn(Schema):
    person_id: int
    case_id: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class PlacementOut(Schema):
    id: int
    house: str
    bed: str
    person_id: int
    due_date: dt.date
    start_date: dt.date
    end_date: dt.date
    status: str


class AreaStatOut(Schema):
    code: str | None
    name: str | None
    open: int
    overdue: int
    escalated: int
    resolved: int
    total: int


class QueueQuery(Schema):
    team_id: int | None = None
    state: str | None = Field(None, max_length=20)
    category: str | None = Field(None, max_length=40)
    overdue: bool = False
    limit: int = Field(100, ge=1, le=500)


def _actor(request: HttpRequest):
    return actor_from_request(request, via="api")


def _case_out(case: Case, request) -> dict:
    scope = area_scope(request.user)
    reveal = not case.anonymous or request.user.is_superuser or "regency_admin" in scope.roles
    return {
        "id": case.pk, "ticket": case.ticket, "category": case.category.code, "village_code": case.village.code, "village": case.village.name,
        "team": case.team.name, "support_team": case.support_team.name if case.support_team_id else None, "state": case.state, "is_open": case.is_open,
        "title": case.title, "description": case.description, "address": case.address, "latitude": case.latitude, "longitude": case.longitude,
        "answers": case.answers, "source": case.source, "source_ref": case.source_ref, "anonymous": case.anonymous, "confidential": case.confidential,
        "reporter_name": case.reporter_name if reveal else None, "reporter_contact": case.reporter_contact if reveal else None,
        "subject_person_id": case.subject_person_id, "created_at": case.created_at, "respond_due_at": case.respond_due_at, "due_at": case.due_at,
        "resolution": case.resolution, "escalated_at": case.escalated_at, "merged_into": case.merged_into.ticket if case.merged_into_id else None,
    }


def _event_out(event: CaseEvent) -> dict:
    return {"id": event.pk, "at": event.at, "kind": event.kind, "actor": event.actor_label, "state_before": event.state_before,
            "state_after": event.state_after, "note": event.note, "public": event.public}


def _case(request, case_id: int) -> Case:
    case = selectors.case_for_staff(request.user, case_id)
    if case is None:
        raise DomainError("not_found", _("Kasus %(id)s tidak ada di tim atau wilayah Anda.") % {"id": case_id})
    return case


def _detail(request, case_id: int) -> dict:
    case = _case(request, case_id)
    return {**_case_out(case, request), "events": [_event_out(e) for e in selectors.timeline(case)]}


@router.get("/cases/categories", response=list[CategoryOut], summary="Case categories with their teams, deadlines and questions")
def categories(request):
    return [{**{f: getattr(c, f) for f in CategoryOut.model_fields if f != "questions"},
             "questions": [{"code": q["code"], "datatype": q["datatype"], "required": bool(q.get("required")), "description": q.get("description", ""),
                            "values": q.get("values", [])} for q in c.questions]}
            for c in CaseCategory.objects.filter(active=True).order_by("order", "code")]


@router.get("/cases", response={200: list[CaseOut], **ERRORS}, summary="Your teams' open cases, most urgent first")
def queue(request, filters: Query[QueueQuery]):
    team = selectors.user_teams(request.user).filter(pk=filters.team_id).first() if filters.team_id else None
    if filters.team_id and team is None:
        raise DomainError("not_found", _("Anda bukan anggota tim %(id)s.") % {"id": filters.team_id}, field="team_id")
    rows = selectors.team_queue(request.user, team=team, state=filters.state, category=filters.category, overdue=filters.overdue, limit=filters.limit)
    return [_case_out(c, request) for c in rows]


@router.get("/cases/stats", response={200: list[AreaStatOut], **ERRORS}, summary="Open, overdue and escalated cases per kecamatan")
def stats(request):
    return selectors.stats_by_area(request.user)


@router.post("/cases", response={201: CaseDetailOut, **ERRORS}, summary="Raise a case (routed to the team by category and village)")
def case_raise(request, payload: CaseIn):
    village = None
    if payload.village_code:
        village = scoped_villages(request.user).filter(code=payload.village_code).first()
        if village is None:
            raise DomainError("not_found", _("Desa %(code)s tidak ada di wilayah Anda.") % {"code": payload.village_code}, field="village_code")
    person = None
    if payload.subject_person_id is not None:
        person = scoped(Person.objects.all(), request.user).filter(pk=payload.subject_person_id).first()
        if person is None:
            raise DomainError("not_found", _("Warga %(id)s tidak ada di wilayah Anda.") % {"id": payload.subject_person_id}, field="subject_person_id")
    case = services.case_raise(
        actor=_actor(request), category_code=payload.category_code, village=village, title=payload.title, description=payload.description,
        address=payload.address, latitude=payload.latitude, longitude=payload.longitude, answers=payload.answers, subject_person=person,
        reporter_name=payload.reporter_name, reporter_contact=payload.reporter_contact, anonymous=payload.anonymous,
        confidential=payload.confidential, source=payload.source or "api", source_ref=payload.source_ref)
    visible = selectors.case_for_staff(request.user, case.pk)
    if visible is None:  # raised for another team: answer what the caller may know
        out = _case_out(Case.objects.select_related("category", "village", "team", "support_team").get(pk=case.pk), request)
        return Status(201, {**out, "description": "", "answers": {}, "events": []})
    return Status(201, _detail(request, case.pk))


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **ERRORS}, summary="One case with its timeline")
def case_detail(request, case_id: int):
    return _detail(request, case_id)


@router.post("/cases/{case_id}/acknowledge", response={200: CaseDetailOut, **ERRORS}, summary="The team has received the case")
def acknowledge(request, case_id: int, payload: StepIn):
    services.case_acknowledge(actor=_actor(request), case=_case(request, case_id), note=payload.note)
    return _detail(request, case_id)


@router.post("/cases/{case_id}/start", response={200: CaseDetailOut, **ERRORS}, summary="The team is working on the case")
def start(request, case_id: int, payload: StepIn):
    services.case_start(actor=_actor(request), case=_case(request, case_id), note=payload.note)
    return _detail(request, case_id)


@router.post("/cases/{case_id}/notes", response={201: EventOut, **ERRORS}, summary="Add a note to the timeline")
def note_add(request, case_id: int, payload: NoteIn):
    event = services.case_note_add(actor=_actor(request), case=_case(request, case_id), note=payload.note, public=payload.public)
    return Status(201, _event_out(event))


@router.post("/cases/{case_id}/resolve", response={200: CaseDetailOut, **ERRORS}, summary="Follow up: resolved, rejected or referred")
def resolve(request, case_id: int, payload: ResolveIn):
    services.case_resolve(actor=_actor(request), case=_case(request, case_id), resolution=payload.resolution, note=payload.note)
    return _detail(request, case_id)


@router.post("/cases/{case_id}/visits", response={201: VisitOut, **ERRORS}, summary="Record a home visit (CHIPs)")
def visit(request, case_id: int, payload: VisitIn):
    v = services.case_visit_record(actor=_actor(request), case=_case(request, case_id), **payload.dict())
    return Status(201, {"id": v.pk, "visited_on": v.visited_on, "visitors": v.visitors, "findings": v.findings, "outcome": v.outcome,
                        "follow_up": v.follow_up, "follow_up_on": v.follow_up_on})


@router.post("/cases/houses/{house_id}/placements", response={201: PlacementOut, **ERRORS}, summary="Place a high-risk pregnant woman in a rumah singgah bed")
def placement_create(request, house_id: int, payload: PlacementIn):
    house = selectors.houses_visible(request.user).filter(pk=house_id).first()
    if house is None:
        raise DomainError("not_found", _("Rumah singgah %(id)s tidak ada di wilayah Anda.") % {"id": house_id})
    person = scoped(Person.objects.all(), request.user).filter(pk=payload.person_id).first()
    if person is None:
        raise DomainError("not_found", _("Warga %(id)s tidak ada di wilayah Anda.") % {"id": payload.person_id}, field="person_id")
    case = selectors.cases_visible(request.user).filter(pk=payload.case_id).first() if payload.case_id else None
    if payload.case_id and case is None:
        raise DomainError("not_found", _("Kasus %(id)s tidak ada di tim Anda.") % {"id": payload.case_id}, field="case_id")
    p: Placement = services.placement_create(actor=_actor(request), house=house, person=person, case=case,
                                             start_date=payload.start_date, end_date=payload.end_date)
    return Status(201, {"id": p.pk, "house": house.name, "bed": p.bed.label, "person_id": p.person_id, "due_date": p.due_date,
                        "start_date": p.start_date, "end_date": p.end_date, "status": p.status})
