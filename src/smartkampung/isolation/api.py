"""Isolation endpoints: thin — parse, call a selector or service, shape the answer.

Public (no login): free places near a village, reserving a place, a reservation by its code, cancelling
it with the NIK/ID used to book. Everything else is staff, scoped to their villages."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status, UploadedFile

from smartkampung.core.audit import actor_from_request
from smartkampung.core.auth import STAFF_AUTH
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area
from smartkampung.core.scoping import scoped, scoped_villages
from smartkampung.registry.identity import mask_nik

from . import affected as affected_services
from . import selectors, services
from .masking import mask_id, mask_name
from .models import AffectedResident, IsolationHouse, Puskesmas, Reservation

router = Router(tags=["isolation"])
ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


def _actor(request: HttpRequest):
    return actor_from_request(request, via="api")


def _village(code: str, field: str = "village_code") -> Area:
    village = Area.objects.filter(code=code, kind__in=("desa", "kelurahan")).first()
    if village is None:
        raise DomainError("not_found", _("Desa %(code)s tidak ditemukan.") % {"code": code}, field=field)
    return village


# --- schemas -----------------------------------------------------------------------------------------


class FreePlaceOut(Schema):
    house_id: int
    name: str
    village: str
    kecamatan: str
    address: str
    latitude: float
    longitude: float
    free_beds: int
    beds: int
    distance_km: float | None
    puskesmas: str
    facilities: list[str]


class ReservationIn(Schema):
    house_id: int
    arrival_date: dt.date
    origin: str
    nik: str = ""
    birth_date: dt.date | None = None
    full_name: str = ""
    id_number: str = ""
    home_village_code: str = ""
    contact_phone: str = ""
    booked_by: str = ""


class PublicReservationOut(Schema):
    code: str
    status: str
    name: str  # masked
    identity: str  # masked NIK or ID number
    house_id: int
    house: str
    address: str
    village: str
    room: str
    bed: str
    arrival_date: dt.date
    end_date: dt.date
    puskesmas: str


class CancelIn(Schema):
    identity: str
    reason: str


def _public(r: Reservation) -> dict:
    return {
        "code": r.code, "status": r.status, "name": mask_name(r.full_name),
        "identity": mask_nik(r.person.nik) if r.person_id else mask_id(r.id_number),
        "house_id": r.house_id, "house": r.house.name, "address": r.house.address, "village": r.house.village.name,
        "room": r.bed.room.name, "bed": r.bed.label, "arrival_date": r.arrival_date, "end_date": r.end_date,
        "puskesmas": r.house.puskesmas.name,
    }


# --- public ------------------------------------------------------------------------------------------


@router.get("/isolation/free-places", response={200: list[FreePlaceOut], **ERRORS}, auth=None,
            summary="Houses with a bed free for 14 nights from the arrival date, nearest to the village first")
def free_places(request, village_code: str, arrival_date: dt.date, limit: int = 10):
    places = selectors.free_places(village=_village(village_code), arrival=arrival_date, limit=max(1, min(limit, 50)))
    return [{
        "house_id": p.house.pk, "name": p.house.name, "village": p.house.village.name, "kecamatan": p.house.village.parent.name,
        "address": p.house.address, "latitude": p.house.latitude, "longitude": p.house.longitude, "free_beds": p.free_beds,
        "beds": p.beds, "distance_km": p.distance_km, "puskesmas": p.house.puskesmas.name, "facilities": p.house.facilities,
    } for p in places]


@router.post("/isolation/reservations", response={201: PublicReservationOut, **ERRORS}, auth=None,
             summary="Reserve a place (resident: NIK + birth date; non-resident: name, ID number and destination village)")
def reservation_create(request, payload: ReservationIn):
    house = IsolationHouse.objects.filter(pk=payload.house_id).first()
    if house is None:
        raise DomainError("not_found", _("Rumah isolasi %(id)s tidak ditemukan.") % {"id": payload.house_id}, field="house_id")
    home = _village(payload.home_village_code, "home_village_code") if payload.home_village_code else None
    reservation = services.reservation_create(
        actor=_actor(request), house=house, arrival_date=payload.arrival_date, origin=payload.origin, nik=payload.nik,
        birth_date=payload.birth_date, full_name=payload.full_name, id_number=payload.id_number, home_village=home,
        contact_phone=payload.contact_phone, booked_by=payload.booked_by, channel="api")
    return Status(201, _public(selectors.reservation_by_code(reservation.code)))


@router.get("/isolation/reservations/{code}", response={200: PublicReservationOut, **ERRORS}, auth=None,
            summary="A reservation by its code (names and numbers masked)")
def reservation_status(request, code: str):
    return _public(selectors.reservation_by_code(code))


@router.post("/isolation/reservations/{code}/cancel", response={200: PublicReservationOut, **ERRORS}, auth=None,
             summary="Cancel a reservation before check-in, with the full NIK or ID number used to book")
def reservation_cancel(request, code: str, payload: CancelIn):
    reservation = services.reservation_cancel(actor=_actor(request), reservation=selectors.reservation_by_code(code),
                                              reason=payload.reason, identity=payload.identity)
    return _public(selectors.reservation_by_code(reservation.code))


# --- staff: houses -----------------------------------------------------------------------------------


class PillarOut(Schema):
    kind: str
    name: str
    phone: str


class HouseOut(Schema):
    id: int
    name: str
    village_code: str
    village: str
    address: str
    latitude: float
    longitude: float
    puskesmas: str
    facilities: list[str]
    rooms: int
    beds: int
    pillars: list[PillarOut]


class RoomIn(Schema):
    name: str
    beds: int


class PillarIn(Schema):
    kind: str
    name: str
    phone: str


class HouseIn(Schema):
    village_code: str
    name: str
    address: str
    latitude: float
    longitude: float
    puskesmas_code: str
    rooms: list[RoomIn]
    facilities: list[str] = []
    pillars: list[PillarIn] = []
    notes: str = ""


def _house_out(h: IsolationHouse) -> dict:
    rooms = list(h.rooms.all())
    return {
        "id": h.pk, "name": h.name, "village_code": h.village.code, "village": h.village.name, "address": h.address,
        "latitude": h.latitude, "longitude": h.longitude, "puskesmas": h.puskesmas.name, "facilities": h.facilities,
        "rooms": len(rooms), "beds": sum(1 for r in rooms for b in r.beds.all() if b.active),
        "pillars": [{"kind": p.kind, "name": p.name, "phone": p.phone} for p in h.pillars.all()],
    }


@router.get("/isolation/houses", response={200: list[HouseOut], **ERRORS}, auth=STAFF_AUTH, summary="Isolation houses in your areas")
def houses_list(request, village_code: str = ""):
    houses = selectors.houses_for(request.user).prefetch_related("pillars", "rooms__beds")
    if village_code:
        houses = houses.filter(village__code=village_code)
    return [_house_out(h) for h in houses.order_by("village__code", "name")]


@router.post("/isolation/houses", response={201: HouseOut, **ERRORS}, auth=STAFF_AUTH, summary="Add an isolation house with its rooms and pillars")
def house_create(request, payload: HouseIn):
    village = scoped_villages(request.user).filter(code=payload.village_code).first()
    if village is None:
        raise DomainError("not_found", _("Desa %(code)s tidak ditemukan di wilayah Anda.") % {"code": payload.village_code}, field="village_code")
    puskesmas = Puskesmas.objects.filter(code=payload.puskesmas_code).first()
    if puskesmas is None:
        raise DomainError("not_found", _("Puskesmas %(code)s tidak ditemukan.") % {"code": payload.puskesmas_code}, field="puskesmas_code")
    house = services.house_create(
        actor=_actor(request), village=village, name=payload.name, address=payload.address, latitude=payload.latitude,
        longitude=payload.longitude, puskesmas=puskesmas, rooms=[(r.name, r.beds) for r in payload.rooms], facilities=payload.facilities,
        pillars={p.kind: (p.name, p.phone) for p in payload.pillars}, notes=payload.notes)
    return Status(201, _house_out(selectors.house_open(user=request.user, house_id=house.pk)))


@router.post("/isolation/houses/{house_id}/rooms", response={201: HouseOut, **ERRORS}, auth=STAFF_AUTH, summary="Add a room with its beds")
def room_add(request, house_id: int, payload: RoomIn):
    house = selectors.house_open(user=request.user, house_id=house_id)
    services.room_add(actor=_actor(request), house=house, name=payload.name, beds=payload.beds)
    return Status(201, _house_out(selectors.house_open(user=request.user, house_id=house_id)))


@router.put("/isolation/houses/{house_id}/pillars", response={200: HouseOut, **ERRORS}, auth=STAFF_AUTH,
            summary="Name one of the three pillars (village_government, babinsa, bhabinkamtibmas) with a phone")
def pillar_set(request, house_id: int, payload: PillarIn):
    house = selectors.house_open(user=request.user, house_id=house_id)
    services.house_pillar_set(actor=_actor(request), house=house, kind=payload.kind, name=payload.name, phone=payload.phone)
    return _house_out(selectors.house_open(user=request.user, house_id=house_id))


class BedActiveIn(Schema):
    active: bool


@router.post("/isolation/houses/{house_id}/beds/{bed_id}/active", response={200: HouseOut, **ERRORS}, auth=STAFF_AUTH,
             summary="Take a bed out of service or back (refused while it is reserved from today on)")
def bed_active(request, house_id: int, bed_id: int, payload: BedActiveIn):
    house = selectors.house_open(user=request.user, house_id=house_id)
    bed = house.beds.filter(pk=bed_id).first()
    if bed is None:
        raise DomainError("not_found", _("Tempat tidur %(id)s tidak ada di rumah ini.") % {"id": bed_id}, field="bed_id")
    services.bed_set_active(actor=_actor(request), bed=bed, active=payload.active)
    return _house_out(selectors.house_open(user=request.user, house_id=house_id))


class OccupancyRow(Schema):
    code: str
    name: str
    houses: int
    beds: int
    occupied: int
    free: int
    in_isolation: int
    waiting: int
    checks_due: int
    alerts: int


class OccupancyOut(Schema):
    area: OccupancyRow
    children: list[OccupancyRow]


def _occupancy_row(row, code: str, name: str) -> dict:
    return {"code": code, "name": name, "houses": row.houses, "beds": row.beds, "occupied": row.occupied, "free": row.free,
            "in_isolation": row.in_isolation, "waiting": row.waiting, "checks_due": row.checks_due, "alerts": row.alerts}


@router.get("/isolation/occupancy", response={200: OccupancyOut, **ERRORS}, auth=STAFF_AUTH,
            summary="Occupancy tonight of the regency (per kecamatan), a kecamatan (per village) or a village (per house)")
def occupancy(request, area_code: str = ""):
    area = Area.objects.filter(code=area_code).first() if area_code else None
    if area_code and area is None:
        raise DomainError("not_found", _("Wilayah %(code)s tidak ditemukan.") % {"code": area_code}, field="area_code")
    total = selectors.occupancy(user=request.user, area=area)
    children = [_occupancy_row(c, c.area.code if c.area else str(c.house_id), c.area.name if c.area else c.house_name) for c in total.children]
    return {"area": _occupancy_row(total, area.code if area else "", area.name if area else ""), "children": children}


# --- staff: stays ------------------------------------------------------------------------------------


class StayOut(Schema):
    id: int
    code: str
    status: str
    house_id: int
    nik: str
    name: str
    arrival_date: dt.date
    end_date: dt.date
    checked_in_on: dt.date | None
    left_on: dt.date | None
    checks: int


class CheckInIn(Schema):
    code_or_nik: str


class LeaveIn(Schema):
    reason: str = ""
    hospital: str = ""
    on: dt.date | None = None


class CheckIn(Schema):
    temperature: float
    symptoms: list[str] = []
    oxygen_saturation: int | None = None
    notes: str = ""
    day: dt.date | None = None
    checker_kind: str = ""
    checker_name: str = ""


class CheckOut(Schema):
    id: int
    day: dt.date
    day_number: int
    temperature: float
    symptoms: list[str]
    worsening: bool
    worsening_reasons: list[str]
    alert_case_ticket: str


def _stay_out(r: Reservation) -> dict:
    return {"id": r.pk, "code": r.code, "status": r.status, "house_id": r.house_id, "nik": r.person.nik if r.person_id else r.id_number,
            "name": r.full_name, "arrival_date": r.arrival_date, "end_date": r.end_date, "checked_in_on": r.checked_in_on,
            "left_on": r.left_on, "checks": r.checks.count()}


def _stay(request, reservation_id: int) -> Reservation:
    return selectors.stay_open(actor=_actor(request), reservation_id=reservation_id)


@router.post("/isolation/houses/{house_id}/check-in", response={200: StayOut, **ERRORS}, auth=STAFF_AUTH,
             summary="Check in the person holding a reservation at this house (by reservation code or NIK/ID)")
def check_in(request, house_id: int, payload: CheckInIn):
    house = selectors.house_open(user=request.user, house_id=house_id)
    reservation = services.stay_check_in(actor=_actor(request), reservation=services.reservation_find(house=house, code_or_nik=payload.code_or_nik))
    return _stay_out(_stay(request, reservation.pk))


@router.get("/isolation/stays/{reservation_id}", response={200: StayOut, **ERRORS}, auth=STAFF_AUTH, summary="One stay (the read is audited)")
def stay_detail(request, reservation_id: int):
    return _stay_out(_stay(request, reservation_id))


@router.post("/isolation/stays/{reservation_id}/check-out", response={200: StayOut, **ERRORS}, auth=STAFF_AUTH,
             summary="Check out after the 14 days (completed)")
def check_out(request, reservation_id: int, payload: LeaveIn):
    reservation = services.stay_check_out(actor=_actor(request), reservation=_stay(request, reservation_id), on=payload.on)
    return _stay_out(reservation)


@router.post("/isolation/stays/{reservation_id}/release", response={200: StayOut, **ERRORS}, auth=STAFF_AUTH,
             summary="Release early, with the reason; frees the bed")
def release(request, reservation_id: int, payload: LeaveIn):
    reservation = services.stay_release_early(actor=_actor(request), reservation=_stay(request, reservation_id), reason=payload.reason, on=payload.on)
    return _stay_out(reservation)


@router.post("/isolation/stays/{reservation_id}/transfer", response={200: StayOut, **ERRORS}, auth=STAFF_AUTH,
             summary="Transfer to hospital; frees the bed")
def transfer(request, reservation_id: int, payload: LeaveIn):
    reservation = services.stay_transfer(actor=_actor(request), reservation=_stay(request, reservation_id), hospital=payload.hospital,
                                         reason=payload.reason, on=payload.on)
    return _stay_out(reservation)


@router.post("/isolation/stays/{reservation_id}/checks", response={201: CheckOut, **ERRORS}, auth=STAFF_AUTH,
             summary="Record the day's check (temperature, symptoms, notes); a worsening sign raises a case to the Puskesmas")
def check_record(request, reservation_id: int, payload: CheckIn):
    check = services.daily_check_record(
        actor=_actor(request), reservation=_stay(request, reservation_id), temperature=payload.temperature, symptoms=payload.symptoms,
        oxygen_saturation=payload.oxygen_saturation, notes=payload.notes, day=payload.day, checker_kind=payload.checker_kind,
        checker_name=payload.checker_name)
    alert = check.reservation.alerts.filter(day=check.day).first()
    return Status(201, {"id": check.pk, "day": check.day, "day_number": check.day_number, "temperature": float(check.temperature),
                        "symptoms": check.symptoms, "worsening": check.worsening, "worsening_reasons": check.worsening_reasons,
                        "alert_case_ticket": alert.case_ticket if alert else ""})


# --- staff: affected residents -----------------------------------------------------------------------


class AffectedIn(Schema):
    nik: str
    sector: str
    affected_on: dt.date
    income_lost: int
    workplace: str = ""
    notes: str = ""


class AffectedOut(Schema):
    id: int
    nik: str
    name: str
    village_code: str
    sector: str
    affected_on: dt.date
    income_lost: int
    workplace: str
    recovered_on: dt.date | None


class AffectedQuery(Schema):
    sector: str = ""
    village_code: str = ""
    limit: int = 100
    offset: int = 0


class ImportRowOut(Schema):
    line: int
    nik: str
    outcome: str
    field: str
    message: str


class ImportOut(Schema):
    id: int
    filename: str
    rows: int
    created: int
    duplicates: int
    errors: int
    staged: list[ImportRowOut]


def _affected_out(a: AffectedResident) -> dict:
    return {"id": a.pk, "nik": a.person.nik, "name": a.person.name, "village_code": a.village.code, "sector": a.sector,
            "affected_on": a.affected_on, "income_lost": a.income_lost, "workplace": a.workplace, "recovered_on": a.recovered_on}


@router.get("/isolation/affected", response={200: list[AffectedOut], **ERRORS}, auth=STAFF_AUTH, summary="Affected residents in your areas")
def affected_list(request, query: Query[AffectedQuery]):
    records = selectors.affected_for(request.user, sector=query.sector, village_code=query.village_code)
    limit = max(1, min(query.limit, 1000))
    return [_affected_out(a) for a in records[query.offset:query.offset + limit]]


@router.post("/isolation/affected", response={201: AffectedOut, **ERRORS}, auth=STAFF_AUTH, summary="Record an affected resident by NIK")
def affected_create(request, payload: AffectedIn):
    record = affected_services.affected_record(actor=_actor(request), source="api", **payload.dict())
    return Status(201, _affected_out(scoped(AffectedResident.objects.select_related("person", "village"), request.user).get(pk=record.pk)))


@router.post("/isolation/affected/import", response={201: ImportOut, **ERRORS}, auth=STAFF_AUTH,
             summary="Import a CSV list (nik, sektor, tanggal, penghasilan_hilang[, tempat_kerja, keterangan]); every row is kept with its outcome")
def affected_import(request, file: File[UploadedFile]):
    batch = affected_services.affected_import(actor=_actor(request), filename=file.name or "upload.csv", content=file.read())
    return Status(201, {"id": batch.pk, "filename": batch.filename, "rows": batch.rows, "created": batch.created, "duplicates": batch.duplicates,
                        "errors": batch.errors, "staged": [{"line": r.line, "nik": r.nik, "outcome": r.outcome, "field": r.field, "message": r.message}
                                                            for r in batch.staged_rows.order_by("line")]})
