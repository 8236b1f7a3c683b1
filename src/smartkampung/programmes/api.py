"""Programme endpoints: the catalogue, rules (check, preview, save), enrolments and targeting runs.
Thin: parse, call a selector or service, shape the answer."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from smartkampung.core.audit import actor_from_request
from smartkampung.core.auth import STAFF_AUTH
from smartkampung.core.errors import DomainError
from smartkampung.core.scoping import area_scope, scoped
from smartkampung.registry.models import Household, Person

from . import rules, selectors, services
from .models import Enrolment, Programme, RunProgrammeStat, TargetingRun

router = Router(auth=STAFF_AUTH, tags=["programmes"])
ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


def _actor(request):
    return actor_from_request(request, via="api")


def _registry_reader(request) -> None:
    scope = area_scope(request.user)
    if not (scope.read_all or scope.read_village_ids):
        raise DomainError("forbidden", _("Peran Anda tidak membuka data penduduk."))


def _programme(code: str) -> Programme:
    programme = Programme.objects.prefetch_related("components", "excludes", "quotas__area").filter(code=code).first()
    if programme is None:
        raise DomainError("not_found", _("Program %(code)s tidak ada.") % {"code": code}, field="code")
    return programme


class ComponentOut(Schema):
    code: str
    name: str
    amount: int
    period: str


class QuotaOut(Schema):
    area_code: str
    area: str
    quota: int


class ProgrammeOut(Schema):
    code: str
    name: str
    agency: str
    level: str
    unit: str
    benefit_kind: str
    amount: int
    period: str
    description: str
    source_note: str
    rule_text: str
    excludes: list[str]
    components: list[ComponentOut]
    quotas: list[QuotaOut]
    active: bool


def _programme_out(p: Programme) -> dict:
    return {
        "code": p.code, "name": p.name, "agency": p.agency, "level": p.level, "unit": p.unit, "benefit_kind": p.benefit_kind,
        "amount": p.amount, "period": p.period, "description": p.description, "source_note": p.source_note, "rule_text": p.rule_text,
        "excludes": sorted(e.code for e in p.excludes.all()), "active": p.active,
        "components": [{"code": c.code, "name": c.name, "amount": c.amount, "period": c.period} for c in p.components.all()],
        "quotas": [{"area_code": q.area.code, "area": q.area.name, "quota": q.quota} for q in p.quotas.all()],
    }


@router.get("/programmes", response=list[ProgrammeOut], summary="The programme catalogue")
def programmes_list(request):
    return [_programme_out(p) for p in Programme.objects.prefetch_related("components", "excludes", "quotas__area").order_by("code")]


@router.get("/programmes/{code}", response={200: ProgrammeOut, **ERRORS}, summary="One programme")
def programme_detail(request, code: str):
    return _programme_out(_programme(code))


class RuleIn(Schema):
    text: str
    as_of: dt.date | None = None


class RuleSaveIn(Schema):
    text: str
    note: str = ""
    confirm_everyone: bool = False


class RuleErrorOut(Schema):
    code: str
    message: str
    field: str
    position: int
    end: int
    line: int
    column: int


class KecamatanCount(Schema):
    code: str
    name: str
    eligible: int


class PreviewOut(Schema):
    unit: str
    eligible: int
    living: int
    by_kecamatan: list[KecamatanCount]


def _rule_error(error: rules.RuleError) -> Status:
    return Status(400, {"code": "rule_error", "message": error.message, "field": "text", "position": error.position,
                        "end": error.end, "line": error.line, "column": error.column})


@router.post("/programmes/{code}/rule/preview", response={200: PreviewOut, 400: RuleErrorOut | dict, 401: dict, 403: dict, 404: dict, 422: dict},
             summary="How many would be eligible per kecamatan under a rule, before it is saved")
def rule_preview(request, code: str, payload: RuleIn):
    _registry_reader(request)
    programme = _programme(code)
    services.person_facts_ensure()
    try:
        preview = selectors.rule_preview(programme=programme, text=payload.text, as_of=payload.as_of)
    except rules.RuleError as error:
        return _rule_error(error)
    return {"unit": preview.unit, "eligible": preview.total, "living": preview.living,
            "by_kecamatan": [{"code": k.code, "name": k.name, "eligible": n} for k, n in preview.by_kecamatan]}


class RuleVersionOut(Schema):
    programme: str
    text: str
    note: str
    saved_at: dt.datetime


@router.put("/programmes/{code}/rule", response={200: RuleVersionOut, 400: RuleErrorOut | dict, 401: dict, 403: dict, 404: dict, 422: dict},
            summary="Save a programme's eligibility rule (regency admins and Dinas Sosial analysts)")
def rule_save(request, code: str, payload: RuleSaveIn):
    programme = _programme(code)
    try:
        version = services.programme_rule_save(actor=_actor(request), programme=programme, text=payload.text, note=payload.note,
                                               confirm_everyone=payload.confirm_everyone)
    except rules.RuleError as error:
        return _rule_error(error)
    return {"programme": programme.code, "text": version.text, "note": version.note, "saved_at": version.saved_at}


class EnrolmentOut(Schema):
    id: int
    programme: str
    component: str | None
    person_id: int | None
    household_id: int | None
    listed_nik: str
    listed_name: str
    village_code: str | None
    start_date: dt.date
    end_date: dt.date | None
    amount: int
    source: str
    source_ref: str


def _enrolment_out(e: Enrolment) -> dict:
    return {
        "id": e.pk, "programme": e.programme.code, "component": e.component.code if e.component_id else None, "person_id": e.person_id,
        "household_id": e.household_id, "listed_nik": e.listed_nik, "listed_name": e.listed_name,
        "village_code": e.village.code if e.village_id else None, "start_date": e.start_date, "end_date": e.end_date,
        "amount": e.amount, "source": e.source, "source_ref": e.source_ref,
    }


@router.get("/registry/people/{person_id}/enrolments", response={200: list[EnrolmentOut], **ERRORS},
            summary="Everything a resident receives: their own enrolments and their household's")
def person_enrolments(request, person_id: int):
    person = scoped(Person.objects.all(), request.user).filter(pk=person_id).first()
    if person is None:
        raise DomainError("not_found", _("Penduduk %(id)s tidak ada di wilayah Anda.") % {"id": person_id})
    return [_enrolment_out(e) for e in selectors.enrolments_of_person(user=request.user, person=person)]


@router.get("/registry/households/{household_id}/enrolments", response={200: list[EnrolmentOut], **ERRORS},
            summary="Everything a household and its members receive")
def household_enrolments(request, household_id: int):
    household = scoped(Household.objects.all(), request.user).filter(pk=household_id).first()
    if household is None:
        raise DomainError("not_found", _("Keluarga %(id)s tidak ada di wilayah Anda.") % {"id": household_id})
    return [_enrolment_out(e) for e in selectors.enrolments_of_household(user=request.user, household=household)]


class EnrolmentIn(Schema):
    programme: str
    person_id: int | None = None
    household_id: int | None = None
    start_date: dt.date
    amount: int | None = None
    source: str = "manual"
    source_ref: str = ""


@router.post("/enrolments", response={201: EnrolmentOut, **ERRORS}, summary="Enrol a resident or household (registry writers, in their areas)")
def enrolment_create(request, payload: EnrolmentIn):
    programme = _programme(payload.programme)
    person = household = None
    if payload.person_id is not None:
        person = scoped(Person.objects.all(), request.user).filter(pk=payload.person_id).first()
        if person is None:
            raise DomainError("not_found", _("Penduduk %(id)s tidak ada di wilayah Anda.") % {"id": payload.person_id}, field="person_id")
    if payload.household_id is not None:
        household = scoped(Household.objects.all(), request.user).filter(pk=payload.household_id).first()
        if household is None:
            raise DomainError("not_found", _("Keluarga %(id)s tidak ada di wilayah Anda.") % {"id": payload.household_id}, field="household_id")
    if payload.amount is not None and payload.amount < 0:
        raise DomainError("invalid", _("amount harus nol atau lebih."), field="amount")
    enrolment = services.enrolment_create(actor=_actor(request), programme=programme, person=person, household=household,
                                          start_date=payload.start_date, amount=payload.amount, source=payload.source, source_ref=payload.source_ref)
    return Status(201, _enrolment_out(enrolment))


class EnrolmentEndIn(Schema):
    end_date: dt.date
    reason: str


@router.post("/enrolments/{enrolment_id}/end", response={200: EnrolmentOut, **ERRORS}, summary="End an enrolment")
def enrolment_end(request, enrolment_id: int, payload: EnrolmentEndIn):
    enrolment = scoped(Enrolment.objects.select_related("programme", "village", "component"), request.user).filter(pk=enrolment_id).first()
    if enrolment is None:
        raise DomainError("not_found", _("Kepesertaan %(id)s tidak ada di wilayah Anda.") % {"id": enrolment_id})
    if not payload.reason.strip():
        raise DomainError("invalid", _("Sebutkan alasan kepesertaan berakhir."), field="reason")
    ended = services.enrolment_end(actor=_actor(request), enrolment=enrolment, end_date=payload.end_date, reason=payload.reason.strip())
    return _enrolment_out(Enrolment.objects.select_related("programme", "village", "component").get(pk=ended.pk))


class RunStatOut(Schema):
    programme: str
    rule_text: str
    eligible: int
    recipients: int
    eligible_receiving: int
    exclusion: int
    not_eligible: int
    deceased: int
    duplicate: int
    unknown_nik: int
    coverage: float | None
    error_share: float | None


class RunOut(Schema):
    id: int
    status: str
    as_of: dt.date
    started_at: dt.datetime
    finished_at: dt.datetime | None
    seconds: float | None
    step: str
    steps_done: int
    steps_total: int
    error: str
    programmes: list[RunStatOut]


def _run_out(run: TargetingRun) -> dict:
    stats = RunProgrammeStat.objects.filter(run=run).select_related("programme").order_by("programme__code") if run.status == "done" else []
    return {
        "id": run.pk, "status": run.status, "as_of": run.as_of, "started_at": run.started_at, "finished_at": run.finished_at,
        "seconds": run.seconds, "step": run.step, "steps_done": run.steps_done, "steps_total": run.steps_total, "error": run.error,
        "programmes": [
            {"programme": s.programme.code, "rule_text": s.rule_text, "eligible": s.eligible, "recipients": s.recipients,
             "eligible_receiving": s.eligible_receiving, "exclusion": s.exclusion, "not_eligible": s.not_eligible, "deceased": s.deceased,
             "duplicate": s.duplicate, "unknown_nik": s.unknown_nik, "coverage": s.coverage, "error_share": s.error_share}
            for s in stats
        ],
    }


def _run(run_id: int) -> TargetingRun:
    run = TargetingRun.objects.filter(pk=run_id).first()
    if run is None:
        raise DomainError("not_found", _("Proses penargetan %(run)s tidak ada.") % {"run": run_id})
    return run


@router.get("/targeting/runs", response={200: list[RunOut], **ERRORS}, tags=["targeting"], summary="Recent targeting runs, newest first")
def runs_list(request, limit: int = 20):
    _registry_reader(request)
    return [_run_out(r) for r in TargetingRun.objects.order_by("-started_at", "-id")[: max(1, min(limit, 100))]]


class RunIn(Schema):
    as_of: dt.date | None = None
    programmes: list[str] = []


@router.post("/targeting/runs", response={202: RunOut, **ERRORS}, tags=["targeting"],
             summary="Queue a targeting run (regency admins and Dinas Sosial analysts); poll it for progress")
def run_queue(request, payload: RunIn):
    run = services.targeting_run_queue(actor=_actor(request), as_of=payload.as_of, codes=payload.programmes or None)
    return Status(202, _run_out(run))


@router.get("/targeting/runs/{run_id}", response={200: RunOut, **ERRORS}, tags=["targeting"], summary="A run with its progress and figures")
def run_detail(request, run_id: int):
    _registry_reader(request)
    return _run_out(_run(run_id))


class FindingQuery(Schema):
    village: str = ""
    programme: str = ""
    limit: int = 100
    offset: int = 0


class FindingOut(Schema):
    programme: str
    kind: str
    village_code: str
    village: str
    nik: str
    name: str
    kk_number: str
    enrolment_id: int | None
    listed_nik: str


@router.get("/targeting/runs/{run_id}/findings", response={200: list[FindingOut], **ERRORS}, tags=["targeting"],
            summary="A finished run's findings for one village (or the regency, for regency-wide staff); the read is audited")
def run_findings(request, run_id: int, query: Query[FindingQuery]):
    run = _run(run_id)
    if run.status != "done":
        raise DomainError("not_found", _("Proses penargetan %(run)s belum selesai.") % {"run": run_id})
    if not 1 <= query.limit <= 1000 or query.offset < 0:
        raise DomainError("invalid", _("limit harus 1-1000 dan offset nol atau lebih."), field="limit")
    findings = selectors.findings_scoped(actor=_actor(request), run=run, village_code=query.village, programme_code=query.programme)
    return [
        {"programme": f.programme.code, "kind": f.kind, "village_code": f.village.code if f.village_id else "",
         "village": f.village.name if f.village_id else "", "nik": f.person.nik if f.person_id else "", "name": f.person.name if f.person_id else "",
         "kk_number": f.household.kk_number if f.household_id else "", "enrolment_id": f.enrolment_id, "listed_nik": f.listed_nik}
        for f in findings[query.offset : query.offset + query.limit]
    ]
