"""Registry endpoints: thin — parse, call a selector or service, shape the answer."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from smartkampung.core.audit import actor_from_request
from smartkampung.core.auth import STAFF_AUTH
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area
from smartkampung.core.scoping import scoped, scoped_villages

from . import selectors, services
from .models import Household, Membership, Person
from .schemas import (
    AreaOut,
    AreaSummaryOut,
    BirthIn,
    DeathIn,
    HouseholdIn,
    HouseholdMoveIn,
    HouseholdOut,
    HouseholdPatch,
    KkReissueIn,
    MoveIn,
    PersonDetailOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    SplitIn,
)

router = Router(auth=STAFF_AUTH)
ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


def _actor(request: HttpRequest):
    return actor_from_request(request, via="api")


def _area_out(area: Area) -> dict:
    return {
        "code": area.code, "name": area.name, "kind": area.kind, "parent_code": area.code.rsplit(".", 1)[0] if area.parent_id else None,
        "latitude": area.latitude, "longitude": area.longitude, "postal_code": area.postal_code,
    }


def _person_out(p: Person) -> dict:
    return {
        "id": p.pk, "nik": p.nik, "name": p.name, "sex": p.sex, "birth_place": p.birth_place, "birth_date": p.birth_date,
        "date_of_death": p.date_of_death, "village_code": p.village.code, "village": p.village.name,
        "kecamatan": p.village.parent.name if p.village.parent_id else "",
    }


def _membership_out(m: Membership) -> dict:
    return {"household_id": m.household_id, "kk_number": m.household.kk_number, "relationship": m.relationship, "start_date": m.start_date, "end_date": m.end_date}


def _village(request, code: str | None) -> Area | None:
    if code is None:
        return None
    village = scoped_villages(request.user).filter(code=code).first()
    if village is None:
        raise DomainError("not_found", _("Desa %(code)s tidak ada di wilayah Anda.") % {"code": code}, field="village_code")
    return village


def _person(request, person_id: int) -> Person:
    person = scoped(Person.objects.all(), request.user).filter(pk=person_id).first()
    if person is None:
        raise DomainError("not_found", _("Penduduk %(id)s tidak ada di wilayah Anda.") % {"id": person_id})
    return person


def _household(request, household_id: int) -> Household:
    household = scoped(Household.objects.all(), request.user).filter(pk=household_id).first()
    if household is None:
        raise DomainError("not_found", _("Keluarga %(id)s tidak ada di wilayah Anda.") % {"id": household_id})
    return household


@router.get("/areas", response=list[AreaOut], tags=["areas"], summary="Areas, optionally the children of one")
def areas_list(request, parent: str = "", kind: str = ""):
    areas = Area.objects.select_related("parent")
    if parent:
        areas = areas.filter(parent__code=parent)
    if kind:
        areas = areas.filter(kind=kind)
    return [_area_out(a) for a in areas.order_by("code")]


@router.get("/areas/{code}", response={200: AreaSummaryOut, **ERRORS}, tags=["areas"], summary="An area with its counts (within your scope)")
def area_detail(request, code: str):
    summary = selectors.area_summary(user=request.user, code=code)
    return {
        "area": _area_out(summary.area),
        "counts": vars(summary.counts),
        "children": [{"area": _area_out(a), "counts": vars(c)} for a, c in summary.children],
    }


class SearchQuery(Schema):
    nik: str = ""
    q: str = ""
    village: str = ""
    limit: int = 50


@router.get("/registry/people", response={200: list[PersonOut], **ERRORS}, tags=["registry"], summary="Search residents by NIK, name or village")
def people_search(request, query: Query[SearchQuery]):
    found = selectors.person_search(user=request.user, nik=query.nik, q=query.q, village_code=query.village, limit=query.limit)
    return [_person_out(p) for p in found]


def _person_detail(record) -> dict:
    p = record.person
    return {
        **_person_out(p), "religion": p.religion, "marital_status": p.marital_status, "education": p.education,
        "occupation": p.occupation, "disability": p.disability, "disability_severe": p.disability_severe, "phone": p.phone,
        "household": _membership_out(record.membership) if record.membership else None,
        "history": [_membership_out(m) for m in record.history],
    }


@router.get("/registry/people/{person_id}", response={200: PersonDetailOut, **ERRORS}, tags=["registry"], summary="One resident's record (the view is audited)")
def person_detail(request, person_id: int):
    return _person_detail(selectors.person_open(actor=_actor(request), person_id=person_id))


def _household_out(record) -> dict:
    h = record.household
    return {
        "id": h.pk, "kk_number": h.kk_number, "kk_issued_on": h.kk_issued_on, "head_id": h.head_id, "village_code": h.village.code,
        "village": h.village.name, "dusun": h.dusun, "rw": h.rw, "rt": h.rt, "street": h.street, "latitude": h.latitude,
        "longitude": h.longitude, "desil": h.desil, "house_condition": h.house_condition, "dissolved_on": h.dissolved_on,
        "members": [
            {"person_id": m.person_id, "nik": m.person.nik, "name": m.person.name, "sex": m.person.sex, "birth_date": m.person.birth_date, "relationship": m.relationship, "start_date": m.start_date}
            for m in record.members
        ],
    }


@router.get("/registry/households/{household_id}", response={200: HouseholdOut, **ERRORS}, tags=["registry"], summary="One household (KK) with its members")
def household_detail(request, household_id: int):
    return _household_out(selectors.household_open(actor=_actor(request), household_id=household_id))


def _household_record(request, household: Household) -> dict:
    return _household_out(selectors.household_open(actor=_actor(request), household_id=household.pk))


@router.post("/registry/households", response={201: HouseholdOut, **ERRORS}, tags=["registry"], summary="Create a household (KK)")
def household_create(request, payload: HouseholdIn):
    data = payload.dict()
    village = _village(request, data.pop("village_code"))
    household = services.household_create(actor=_actor(request), village=village, **data)
    return Status(201, _household_record(request, household))


@router.patch("/registry/households/{household_id}", response={200: HouseholdOut, **ERRORS}, tags=["registry"], summary="Correct a household's address, desil or house condition")
def household_update(request, household_id: int, payload: HouseholdPatch):
    household = services.household_update(actor=_actor(request), household=_household(request, household_id), **payload.dict(exclude_unset=True))
    return _household_record(request, household)


@router.post("/registry/households/{household_id}/members", response={201: PersonDetailOut, **ERRORS}, tags=["life events"], summary="Register a resident into a household")
def person_register(request, household_id: int, payload: PersonIn):
    person = services.person_register(actor=_actor(request), household=_household(request, household_id), **payload.dict())
    return Status(201, _person_detail(selectors.person_open(actor=_actor(request), person_id=person.pk)))


@router.post("/registry/households/{household_id}/births", response={201: PersonDetailOut, **ERRORS}, tags=["life events"], summary="Register a birth")
def birth_register(request, household_id: int, payload: BirthIn):
    person = services.birth_register(actor=_actor(request), household=_household(request, household_id), **payload.dict())
    return Status(201, _person_detail(selectors.person_open(actor=_actor(request), person_id=person.pk)))


@router.post("/registry/people/{person_id}/death", response={200: PersonDetailOut, **ERRORS}, tags=["life events"], summary="Register a death")
def death_register(request, person_id: int, payload: DeathIn):
    person = services.death_register(actor=_actor(request), person=_person(request, person_id), date_of_death=payload.date_of_death)
    return _person_detail(selectors.person_open(actor=_actor(request), person_id=person.pk))


@router.post("/registry/people/{person_id}/move", response={200: PersonDetailOut, **ERRORS}, tags=["life events"], summary="Move a resident to another household")
def person_move(request, person_id: int, payload: MoveIn):
    services.person_move(
        actor=_actor(request), person=_person(request, person_id), to_household=_household(request, payload.to_household_id),
        relationship=payload.relationship, moved_on=payload.moved_on,
    )
    return _person_detail(selectors.person_open(actor=_actor(request), person_id=person_id))


@router.patch("/registry/people/{person_id}", response={200: PersonDetailOut, **ERRORS}, tags=["registry"], summary="Correct a resident's facts")
def person_update(request, person_id: int, payload: PersonPatch):
    services.person_update(actor=_actor(request), person=_person(request, person_id), **payload.dict(exclude_unset=True))
    return _person_detail(selectors.person_open(actor=_actor(request), person_id=person_id))


@router.post("/registry/households/{household_id}/move", response={200: HouseholdOut, **ERRORS}, tags=["life events"], summary="Move a whole household")
def household_move(request, household_id: int, payload: HouseholdMoveIn):
    data = payload.dict()
    village = _village(request, data.pop("village_code"))
    household = services.household_move(actor=_actor(request), household=_household(request, household_id), village=village, **data)
    return _household_record(request, household)


@router.post("/registry/households/{household_id}/split", response={201: HouseholdOut, **ERRORS}, tags=["life events"], summary="Split members off into a new household")
def household_split(request, household_id: int, payload: SplitIn):
    household = _household(request, household_id)
    members = list(scoped(Person.objects.all(), request.user).filter(pk__in=payload.member_ids))
    if len(members) != len(set(payload.member_ids)):
        raise DomainError("invalid", _("Hanya anggota keluarga saat ini yang dapat pisah dari KK ini."), field="member_ids")
    head = next((p for p in members if p.pk == payload.head_id), None)
    if head is None:
        raise DomainError("invalid", _("Kepala keluarga baru harus salah satu anggota yang pisah."), field="head_id")
    new = services.household_split(
        actor=_actor(request), household=household, members=members, head=head, kk_number=payload.kk_number,
        split_on=payload.split_on, village=_village(request, payload.village_code), rw=payload.rw, rt=payload.rt,
        dusun=payload.dusun, street=payload.street,
    )
    return Status(201, _household_record(request, new))


@router.post("/registry/households/{household_id}/kk", response={200: HouseholdOut, **ERRORS}, tags=["life events"], summary="Reissue the household's KK")
def household_kk_reissue(request, household_id: int, payload: KkReissueIn):
    household = _household(request, household_id)
    new_head = _person(request, payload.new_head_id) if payload.new_head_id else None
    services.household_kk_reissue(actor=_actor(request), household=household, kk_number=payload.kk_number, reason=payload.reason, new_head=new_head)
    return _household_record(request, household)


