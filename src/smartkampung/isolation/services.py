"""Writes for isolation houses: houses and beds, reservations and stays, daily checks, alerts.

Every function is keyword-only, atomic, audited, and refuses bad input with a DomainError naming the
field, writing nothing when it refuses. Beds are guarded by the database: each reserved night is a
BedNight row under a unique (bed, night) constraint, inserted in the reservation's transaction.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AreaKind
from smartkampung.registry.models import Person

from .access import HOUSE_ROLES, is_system, isolation_scope
from .masking import mask_name
from .models import (
    ACTIVE_STATUSES,
    DANGER_SYMPTOMS,
    HIGH_FEVER,
    LOW_OXYGEN,
    STAY_NIGHTS,
    AlertKind,
    Bed,
    BedNight,
    CheckerKind,
    DailyCheck,
    Facility,
    HousePillar,
    IsolationHouse,
    MonitoringAlert,
    PillarKind,
    Puskesmas,
    Reservation,
    ReservationStatus,
    Room,
    Symptom,
)

MAX_DAYS_AHEAD = 60  # a reservation is for a trip home that is planned, not for next season
CASE_CATEGORY = "isolation_alert"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


def _today() -> dt.date:
    return timezone.localdate()


# --- access ------------------------------------------------------------------------------------------


def _require_isolation(actor: Actor, village_id: int, *, roles=None) -> None:
    if is_system(actor):
        return
    scope = isolation_scope(actor.user, roles=roles) if roles is not None else isolation_scope(actor.user)
    if not scope.covers(village_id):
        raise DomainError("forbidden", _("Anda tidak berwenang atas rumah isolasi di desa ini."), field="village")


def _locked(reservation: Reservation) -> Reservation:
    return Reservation.objects.select_for_update(of=("self",)).select_related("house", "house__village", "person").get(pk=reservation.pk)


# --- catalogue: Puskesmas ----------------------------------------------------------------------------


@transaction.atomic
def puskesmas_load(*, actor: Actor) -> int:
    """Make sure every kecamatan has its Puskesmas (named after the kecamatan, as most are); existing ones
    keep what the regency changed. Idempotent; returns how many were new."""
    created = 0
    for kecamatan in Area.objects.filter(kind=AreaKind.KECAMATAN).order_by("code"):
        puskesmas, new = Puskesmas.objects.get_or_create(
            code=f"PKM-{kecamatan.digits}", defaults={"name": f"Puskesmas {kecamatan.name}", "kecamatan": kecamatan})
        if new:
            created += 1
            audit_record(actor=actor, action="puskesmas.create", obj=puskesmas, changes={"code": puskesmas.code})
    return created


# --- houses, rooms, beds, pillars --------------------------------------------------------------------


def _text(value: str, field: str, *, required: bool = True, max_length: int = 200) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError("invalid", _("%(field)s wajib diisi.") % {"field": field}, field=field)
    if len(value) > max_length:
        raise DomainError("invalid", _("%(field)s paling panjang %(n)d huruf.") % {"field": field, "n": max_length}, field=field)
    return value


def _phone(value: str, field: str) -> str:
    value = (value or "").strip().replace(" ", "").replace("-", "")
    digits = value[1:] if value.startswith("+") else value
    if not digits.isdigit() or not 8 <= len(digits) <= 15:
        raise DomainError("invalid", _("Nomor telepon %(value)s tidak sah (8–15 angka).") % {"value": value}, field=field)
    return value


def _facilities(values) -> list[str]:
    values = list(dict.fromkeys(values or []))
    unknown = [v for v in values if v not in Facility.values]
    if unknown:
        raise DomainError("invalid", _("Fasilitas tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)}, field="facilities")
    return values


@transaction.atomic
def house_create(
    *, actor: Actor, village: Area, name: str, address: str, latitude: float, longitude: float, puskesmas: Puskesmas,
    rooms: list[tuple[str, int]], facilities: list[str] | None = None, pillars: dict[str, tuple[str, str]] | None = None,
    notes: str = "",
) -> IsolationHouse:
    """A new house with its rooms (name, number of beds) and its three pillars (kind -> (name, phone))."""
    if not village.is_village:
        raise DomainError("invalid", _("Rumah isolasi berada di desa atau kelurahan."), field="village")
    _require_isolation(actor, village.id, roles=HOUSE_ROLES)
    name = _text(name, "name", max_length=120)
    address = _text(address, "address")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or math.isnan(latitude) or math.isnan(longitude):
        raise DomainError("invalid", _("Titik peta tidak sah."), field="latitude")
    if not rooms:
        raise DomainError("invalid", _("Rumah isolasi perlu paling sedikit satu kamar."), field="rooms")
    if IsolationHouse.objects.filter(village=village, name=name).exists():
        raise DomainError("duplicate", _("Sudah ada rumah isolasi bernama %(name)s di desa ini.") % {"name": name}, field="name")
    house = IsolationHouse.objects.create(village=village, name=name, address=address, latitude=latitude, longitude=longitude,
                                          puskesmas=puskesmas, facilities=_facilities(facilities), notes=notes.strip())
    for room_name, beds in rooms:
        _room_add(house, room_name, beds)
    for kind, (pillar_name, phone) in (pillars or {}).items():
        _pillar_set(house, kind, pillar_name, phone)
    audit_record(actor=actor, action="isolation.house_create", obj=house, village=village,
                 changes={"name": name, "rooms": [[r, b] for r, b in rooms], "puskesmas": puskesmas.code})
    return house


def _room_add(house: IsolationHouse, name: str, beds: int) -> Room:
    name = _text(name, "rooms", max_length=40)
    if not isinstance(beds, int) or not 1 <= beds <= 20:
        raise DomainError("invalid", _("Jumlah tempat tidur per kamar 1 sampai 20."), field="rooms")
    if Room.objects.filter(house=house, name=name).exists():
        raise DomainError("duplicate", _("Kamar %(name)s sudah ada.") % {"name": name}, field="rooms")
    room = Room.objects.create(house=house, name=name)
    Bed.objects.bulk_create(Bed(room=room, house=house, label=str(i)) for i in range(1, beds + 1))
    return room


@transaction.atomic
def room_add(*, actor: Actor, house: IsolationHouse, name: str, beds: int) -> Room:
    _require_isolation(actor, house.village_id, roles=HOUSE_ROLES)
    room = _room_add(house, name, beds)
    audit_record(actor=actor, action="isolation.room_add", obj=house, village=house.village_id, changes={"room": room.name, "beds": beds})
    return room


def _pillar_set(house: IsolationHouse, kind: str, name: str, phone: str) -> HousePillar:
    if kind not in PillarKind.values:
        raise DomainError("invalid", _("Pilar %(kind)s tidak dikenal.") % {"kind": kind}, field="pillars")
    pillar, _created = HousePillar.objects.update_or_create(
        house=house, kind=kind, defaults={"name": _text(name, "pillars", max_length=120), "phone": _phone(phone, "pillars")})
    return pillar


@transaction.atomic
def house_pillar_set(*, actor: Actor, house: IsolationHouse, kind: str, name: str, phone: str) -> HousePillar:
    _require_isolation(actor, house.village_id, roles=HOUSE_ROLES)
    pillar = _pillar_set(house, kind, name, phone)
    audit_record(actor=actor, action="isolation.pillar_set", obj=house, village=house.village_id,
                 changes={"kind": kind, "name": pillar.name, "phone": pillar.phone})
    return pillar


@transaction.atomic
def bed_set_active(*, actor: Actor, bed: Bed, active: bool) -> Bed:
    """Take a bed out of service (or back); a bed with nights still booked from today on cannot be taken out."""
    bed = Bed.objects.select_for_update(of=("self",)).select_related("house").get(pk=bed.pk)
    _require_isolation(actor, bed.house.village_id, roles=HOUSE_ROLES)
    if not active and BedNight.objects.filter(bed=bed, night__gte=_today()).exists():
        raise DomainError("conflict", _("Tempat tidur ini masih dipesan; pindahkan atau selesaikan pemesanannya dahulu."), field="bed")
    bed.active = active
    bed.save(update_fields=["active"])
    audit_record(actor=actor, action="isolation.bed_active", obj=bed, village=bed.house.village_id, changes={"active": active})
    return bed


# --- reservations ------------------------------------------------------------------------------------


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"ISO-{raw[:4]}-{raw[4:]}"


def nights_of(arrival: dt.date) -> list[dt.date]:
    return [arrival + dt.timedelta(days=i) for i in range(STAY_NIGHTS)]


def _resident(nik: str, birth_date: dt.date | None) -> Person:
    """The resident behind a NIK, checked against a second fact (the birth date) so that the public page
    cannot be used to find out which NIKs exist; unknown and mismatched answer alike."""
    nik = (nik or "").strip()
    if len(nik) != 16 or not nik.isdigit():
        raise DomainError("invalid_nik", _("NIK harus 16 angka."), field="nik")
    if birth_date is None:
        raise DomainError("invalid", _("Tanggal lahir wajib diisi bersama NIK."), field="birth_date")
    person = Person.objects.select_related("village").filter(nik=nik, date_of_death__isnull=True).first()
    if person is None or person.birth_date != birth_date:
        raise DomainError("unknown_nik", _("NIK dan tanggal lahir ini tidak cocok dengan penduduk yang terdaftar. "
                                           "Bukan penduduk kabupaten ini? Pesan sebagai pendatang dengan nomor identitas."), field="nik")
    return person


def _overlap_error(existing: Reservation | None) -> DomainError:
    where = f" ({existing.code}, {existing.arrival_date:%d-%m-%Y})" if existing is not None else ""
    return DomainError("overlap", _("Orang ini sudah punya pemesanan yang masih berlaku%(where)s. Batalkan dahulu bila ingin "
                                    "mengganti.") % {"where": where}, field="nik")


def _active_reservation(person: Person | None, id_number: str) -> Reservation | None:
    active = Reservation.objects.filter(status__in=ACTIVE_STATUSES)
    if person is not None:
        return active.filter(person=person).first()
    return active.filter(person__isnull=True, id_number=id_number).first()


@transaction.atomic
def reservation_create(
    *, actor: Actor, house: IsolationHouse, arrival_date: dt.date, origin: str, nik: str = "", birth_date: dt.date | None = None,
    full_name: str = "", id_number: str = "", home_village: Area | None = None, contact_phone: str = "", booked_by: str = "",
    channel: str = "web",
) -> Reservation:
    """Reserve a bed in `house` for 14 nights from `arrival_date`, for a resident (NIK + birth date) or a
    non-resident (name + identity number + the village they are going to). Anyone may reserve (residents
    coming home, their family); staff may reserve for them."""
    today = _today()
    if not isinstance(arrival_date, dt.date):
        raise DomainError("invalid", _("Tanggal kedatangan wajib diisi."), field="arrival_date")
    if arrival_date < today:
        raise DomainError("past", _("Tanggal kedatangan %(date)s sudah lewat.") % {"date": arrival_date.strftime("%d-%m-%Y")}, field="arrival_date")
    if arrival_date > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise DomainError("invalid", _("Pemesanan paling lambat %(n)d hari sebelum kedatangan.") % {"n": MAX_DAYS_AHEAD}, field="arrival_date")
    origin = _text(origin, "origin", max_length=120)
    contact_phone = _phone(contact_phone, "contact_phone") if (contact_phone or "").strip() else ""
    booked_by = _text(booked_by, "booked_by", required=False, max_length=120)
    person = None
    if (nik or "").strip():
        person = _resident(nik, birth_date)
        full_name, id_number = person.name, ""
        home_village = home_village or person.village
    else:
        full_name = _text(full_name, "full_name", max_length=120)
        id_number = _text(id_number, "id_number", max_length=30).upper()
        if home_village is None:
            raise DomainError("invalid", _("Pilih desa tujuan."), field="home_village")
    if not home_village.is_village:
        raise DomainError("invalid", _("Desa tujuan harus desa atau kelurahan."), field="home_village")
    house = IsolationHouse.objects.select_related("village").get(pk=house.pk)
    if not house.active:
        raise DomainError("invalid", _("Rumah isolasi ini sedang tidak menerima pemesanan."), field="house")
    existing = _active_reservation(person, id_number)
    if existing is not None:
        raise _overlap_error(existing)
    nights = nights_of(arrival_date)
    taken = BedNight.objects.filter(bed=OuterRef("pk"), night__gte=nights[0], night__lte=nights[-1])
    candidates = list(Bed.objects.filter(house=house, active=True).exclude(Exists(taken)).order_by("room__name", "label").values_list("pk", flat=True))
    for bed_id in candidates:
        try:
            # A savepoint per bed: when a concurrent reservation took this bed first, its (bed, night)
            # rows make our INSERT fail and we try the next bed; nothing of the attempt remains.
            with transaction.atomic():
                reservation = Reservation.objects.create(
                    code=_new_code(), house=house, bed_id=bed_id, person=person, full_name=full_name, id_number=id_number,
                    home_village=home_village, origin=origin, arrival_date=arrival_date, end_date=nights[-1] + dt.timedelta(days=1),
                    contact_phone=contact_phone, booked_by=booked_by, channel=channel,
                )
                BedNight.objects.bulk_create(BedNight(bed_id=bed_id, house=house, night=n, reservation=reservation) for n in nights)
        except IntegrityError:
            existing = _active_reservation(person, id_number)
            if existing is not None:  # the same person reserved at the same moment elsewhere
                raise _overlap_error(existing) from None
            continue
        audit_record(actor=actor, action="isolation.reserve", obj=reservation, village=house.village_id,
                     changes={"house": house.pk, "bed": bed_id, "arrival": arrival_date.isoformat(), "channel": channel,
                              "resident": person is not None})
        return reservation
    raise DomainError("house_full", _("Tidak ada tempat tidur kosong di %(house)s untuk 14 malam mulai %(date)s. Pilih rumah lain.")
                      % {"house": house.name, "date": arrival_date.strftime("%d-%m-%Y")}, field="house")


def _free_nights_from(reservation: Reservation, day: dt.date) -> int:
    deleted, _counts = BedNight.objects.filter(reservation=reservation, night__gte=day).delete()
    return deleted


@transaction.atomic
def reservation_cancel(*, actor: Actor, reservation: Reservation, reason: str, identity: str | None = None) -> Reservation:
    """Cancel before check-in. Staff cancel within their villages; the resident (no login) proves it is
    theirs with the full NIK or identity number given when booking (`identity`)."""
    reservation = _locked(reservation)
    if identity is not None:
        given = identity.strip().upper()
        own = reservation.person.nik if reservation.person_id else reservation.id_number
        if not given or not secrets.compare_digest(given, own):
            raise DomainError("forbidden", _("NIK atau nomor identitas tidak cocok dengan pemesanan ini."), field="identity")
    else:
        _require_isolation(actor, reservation.house.village_id)
    if reservation.status != ReservationStatus.RESERVED:
        raise DomainError("invalid", _("Pemesanan %(code)s tidak dapat dibatalkan: statusnya %(status)s.")
                          % {"code": reservation.code, "status": reservation.get_status_display()}, field="status")
    reason = _text(reason, "reason", max_length=300)
    _free_nights_from(reservation, reservation.arrival_date)
    reservation.status = ReservationStatus.CANCELLED
    reservation.leave_reason = reason
    reservation.save(update_fields=["status", "leave_reason", "updated_at"])
    audit_record(actor=actor, action="isolation.cancel", obj=reservation, village=reservation.house.village_id, changes={"reason": reason})
    return reservation


# --- stays: check-in, check-out, early release, transfer ---------------------------------------------


def reservation_find(*, house: IsolationHouse, code_or_nik: str) -> Reservation:
    """The reservation to check in at this house, by its code or the resident's NIK/identity number."""
    value = (code_or_nik or "").strip().upper()
    waiting = Reservation.objects.filter(house=house, status=ReservationStatus.RESERVED)
    found = (waiting.filter(code=value).first() or waiting.filter(person__nik=value).first()
             or waiting.filter(person__isnull=True, id_number=value).first()) if value else None
    if found is None:
        raise DomainError("no_reservation", _("Tidak ada pemesanan yang menunggu di %(house)s untuk %(value)s. Tanpa pemesanan "
                                              "tidak bisa check-in: pesan dahulu.") % {"house": house.name, "value": value or "-"}, field="code")
    return found


@transaction.atomic
def stay_check_in(*, actor: Actor, reservation: Reservation, on: dt.date | None = None) -> Reservation:
    reservation = _locked(reservation)
    _require_isolation(actor, reservation.house.village_id)
    on = on or _today()
    if reservation.status != ReservationStatus.RESERVED:
        raise DomainError("no_reservation", _("Pemesanan %(code)s tidak menunggu check-in (status: %(status)s).")
                          % {"code": reservation.code, "status": reservation.get_status_display()}, field="code")
    if on < reservation.arrival_date:
        raise DomainError("invalid", _("Check-in baru bisa mulai %(date)s.") % {"date": reservation.arrival_date.strftime("%d-%m-%Y")}, field="on")
    if on >= reservation.end_date or on > _today():
        raise DomainError("invalid", _("Tanggal check-in %(date)s di luar masa pemesanan.") % {"date": on.strftime("%d-%m-%Y")}, field="on")
    reservation.status = ReservationStatus.CHECKED_IN
    reservation.checked_in_on = on
    reservation.save(update_fields=["status", "checked_in_on", "updated_at"])
    audit_record(actor=actor, action="isolation.check_in", obj=reservation, village=reservation.house.village_id,
                 changes={"on": on.isoformat()})
    return reservation


def _leave(*, actor: Actor, reservation: Reservation, on: dt.date | None, status: str, reason: str = "", hospital: str = "") -> Reservation:
    reservation = _locked(reservation)
    _require_isolation(actor, reservation.house.village_id)
    on = on or _today()
    if reservation.status != ReservationStatus.CHECKED_IN:
        raise DomainError("not_in_isolation", _("%(name)s tidak sedang menjalani isolasi (status: %(status)s).")
                          % {"name": mask_name(reservation.full_name), "status": reservation.get_status_display()}, field="code")
    if on < reservation.checked_in_on or on > _today():
        raise DomainError("invalid", _("Tanggal %(date)s di luar masa isolasi.") % {"date": on.strftime("%d-%m-%Y")}, field="on")
    freed = _free_nights_from(reservation, on)  # the bed is free from the night of leaving
    reservation.status = status
    reservation.left_on = on
    reservation.leave_reason = reason
    reservation.hospital = hospital
    reservation.save(update_fields=["status", "left_on", "leave_reason", "hospital", "updated_at"])
    audit_record(actor=actor, action=f"isolation.{status}", obj=reservation, village=reservation.house.village_id,
                 changes={"on": on.isoformat(), "freed_nights": freed, "reason": reason, "hospital": hospital})
    return reservation


@transaction.atomic
def stay_check_out(*, actor: Actor, reservation: Reservation, on: dt.date | None = None) -> Reservation:
    """Check out after the 14 days: isolation completed. Before that, use an early release."""
    on = on or _today()
    if on < reservation.end_date:
        raise DomainError("too_early", _("14 hari isolasi baru selesai %(date)s; untuk pulang lebih awal gunakan pemulangan dini "
                                         "dengan alasan.") % {"date": reservation.end_date.strftime("%d-%m-%Y")}, field="on")
    return _leave(actor=actor, reservation=reservation, on=on, status=ReservationStatus.COMPLETED)


@transaction.atomic
def stay_release_early(*, actor: Actor, reservation: Reservation, reason: str, on: dt.date | None = None) -> Reservation:
    """Release before the 14 days (e.g. a negative test on the Puskesmas' advice); frees the bed."""
    reason = _text(reason, "reason", max_length=300)
    return _leave(actor=actor, reservation=reservation, on=on, status=ReservationStatus.RELEASED_EARLY, reason=reason)


@transaction.atomic
def stay_transfer(*, actor: Actor, reservation: Reservation, hospital: str, reason: str, on: dt.date | None = None) -> Reservation:
    """Transfer to hospital (rujukan); frees the bed."""
    hospital = _text(hospital, "hospital", max_length=120)
    reason = _text(reason, "reason", max_length=300)
    return _leave(actor=actor, reservation=reservation, on=on, status=ReservationStatus.TRANSFERRED, reason=reason, hospital=hospital)


# --- monitoring --------------------------------------------------------------------------------------


def _temperature(value) -> Decimal:
    try:
        temperature = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise DomainError("invalid", _("Suhu harus berupa angka, mis. 36.8."), field="temperature") from None
    if not Decimal("34.0") <= temperature <= Decimal("43.0"):
        raise DomainError("invalid", _("Suhu %(t)s °C tidak masuk akal (34–43 °C).") % {"t": temperature}, field="temperature")
    return temperature


def worsening_reasons(*, temperature: Decimal, symptoms: list[str], oxygen_saturation: int | None, previous: DailyCheck | None) -> list[str]:
    """Why a check is a worsening sign (empty: it is not). Codes, shown translated on pages."""
    reasons = []
    if temperature >= Decimal(str(HIGH_FEVER)):
        reasons.append("high_fever")
    if oxygen_saturation is not None and oxygen_saturation < LOW_OXYGEN:
        reasons.append("low_oxygen")
    if DANGER_SYMPTOMS & set(symptoms):
        reasons.append("danger_symptom")
    if previous is not None and set(symptoms) - set(previous.symptoms):
        reasons.append("new_symptoms")
    return reasons


def _checker_kind(actor: Actor) -> str:
    roles = isolation_scope(actor.user).roles if not is_system(actor) else frozenset()
    if "puskesmas_staff" in roles:
        return CheckerKind.PUSKESMAS
    if "bhabinkamtibmas" in roles:
        return CheckerKind.BHABINKAMTIBMAS
    return CheckerKind.VILLAGE_GOVERNMENT


@transaction.atomic
def daily_check_record(
    *, actor: Actor, reservation: Reservation, temperature, symptoms: list[str], day: dt.date | None = None,
    oxygen_saturation: int | None = None, notes: str = "", checker_kind: str = "", checker_name: str = "",
) -> DailyCheck:
    """One day's check of a person in isolation, by the Puskesmas or a pillar. A worsening sign raises an
    alert (and a case to the Puskesmas) at once."""
    reservation = _locked(reservation)
    _require_isolation(actor, reservation.house.village_id)
    day = day or _today()
    if reservation.status != ReservationStatus.CHECKED_IN:
        raise DomainError("not_in_isolation", _("%(name)s tidak sedang menjalani isolasi (status: %(status)s); pemeriksaan harian "
                                                "hanya untuk penghuni.") % {"name": mask_name(reservation.full_name),
                                                                            "status": reservation.get_status_display()}, field="reservation")
    if day > _today() or day < reservation.checked_in_on or day >= reservation.end_date:
        raise DomainError("not_in_isolation", _("Pada %(date)s orang ini tidak dalam masa isolasi.") % {"date": day.strftime("%d-%m-%Y")}, field="day")
    temperature = _temperature(temperature)
    symptoms = list(dict.fromkeys(symptoms or []))
    unknown = [s for s in symptoms if s not in Symptom.values]
    if unknown:
        raise DomainError("invalid", _("Gejala tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)}, field="symptoms")
    if oxygen_saturation is not None and not 50 <= oxygen_saturation <= 100:
        raise DomainError("invalid", _("Saturasi oksigen harus 50 sampai 100 persen."), field="oxygen_saturation")
    checker_kind = checker_kind or _checker_kind(actor)
    if checker_kind not in CheckerKind.values:
        raise DomainError("invalid", _("Pemeriksa harus Puskesmas atau salah satu tiga pilar."), field="checker_kind")
    if DailyCheck.objects.filter(reservation=reservation, day=day).exists():
        raise DomainError("duplicate", _("Pemeriksaan tanggal %(date)s sudah dicatat.") % {"date": day.strftime("%d-%m-%Y")}, field="day")
    previous = DailyCheck.objects.filter(reservation=reservation, day__lt=day).order_by("-day").first()
    reasons = worsening_reasons(temperature=temperature, symptoms=symptoms, oxygen_saturation=oxygen_saturation, previous=previous)
    try:
        with transaction.atomic():
            check = DailyCheck.objects.create(
                reservation=reservation, day=day, day_number=(day - reservation.arrival_date).days + 1, temperature=temperature,
                oxygen_saturation=oxygen_saturation, symptoms=symptoms, notes=(notes or "").strip(), checker_kind=checker_kind,
                checker_name=_text(checker_name, "checker_name", required=False, max_length=120) or getattr(actor.user, "get_full_name", lambda: "")(),
                recorded_by=actor.user_or_none, worsening=bool(reasons), worsening_reasons=reasons,
            )
    except IntegrityError:  # recorded by someone else at the same moment
        raise DomainError("duplicate", _("Pemeriksaan tanggal %(date)s sudah dicatat.") % {"date": day.strftime("%d-%m-%Y")}, field="day") from None
    audit_record(actor=actor, action="isolation.check", obj=check, village=reservation.house.village_id,
                 changes={"day": day.isoformat(), "worsening": reasons})
    if reasons:
        _alert(actor=actor, reservation=reservation, day=day, kind=AlertKind.WORSENING, reasons=reasons)
    return check


REASON_TEXT = {
    "high_fever": "demam tinggi (≥ 38 °C)",
    "low_oxygen": "saturasi oksigen rendah (< 95%)",
    "danger_symptom": "tanda bahaya (sesak napas/nyeri dada)",
    "new_symptoms": "gejala baru dibanding pemeriksaan sebelumnya",
    "missed": "tidak ada pemeriksaan harian",
}


def alert_source_ref(reservation: Reservation, day: dt.date) -> str:
    """One case per person per day: a second alert on the same day finds the same case."""
    return f"isolation:{reservation.code}:{day.isoformat()}"


def _alert(*, actor: Actor, reservation: Reservation, day: dt.date, kind: str, reasons: list[str]) -> MonitoringAlert:
    alert, created = MonitoringAlert.objects.get_or_create(reservation=reservation, day=day, defaults={"kind": kind, "reasons": reasons})
    if not created and kind == AlertKind.WORSENING and alert.kind == AlertKind.MISSED:
        # a late check on a day already reported as missed: the same case, now about a worsening sign
        alert.kind, alert.reasons = kind, reasons
        alert.save(update_fields=["kind", "reasons"])
        if alert.case_id is not None:
            _note_case(actor=actor, alert=alert)
            return alert
    if alert.case_id is None:
        _raise_case(actor=actor, alert=alert)
    return alert


def _alert_text(alert: MonitoringAlert) -> tuple[int, str]:
    day_number = (alert.day - alert.reservation.arrival_date).days + 1
    return day_number, ", ".join(REASON_TEXT.get(r, r) for r in (alert.reasons or ["missed"]))


def _note_case(*, actor: Actor, alert: MonitoringAlert) -> None:
    from smartkampung.cases import services as cases_services
    from smartkampung.cases.models import Case

    case = Case.objects.filter(pk=alert.case_id).first()
    if case is None or not case.is_open:
        return
    day_number, what = _alert_text(alert)
    try:
        with transaction.atomic():
            cases_services.case_note_add(actor=actor, case=case, note=f"Pemeriksaan hari ke-{day_number} dicatat terlambat: {what}.")
    except DomainError as error:  # e.g. the recorder is no member of the case's team: the alert stands on its own
        alert.raise_error = error.message[:300]
        alert.save(update_fields=["raise_error"])


def _raise_case(*, actor: Actor, alert: MonitoringAlert) -> None:
    """Raise (or find, by source_ref) the alert's case with the Puskesmas. A failure to raise is kept on the
    alert and retried by the next sweep; the check itself stays recorded."""
    from smartkampung.cases import services as cases_services

    reservation = alert.reservation
    day_number, what = _alert_text(alert)
    try:
        with transaction.atomic():
            case = cases_services.case_raise(
                actor=actor, category_code=CASE_CATEGORY, village=reservation.house.village,
                title=f"Isolasi {reservation.house.name}: {mask_name(reservation.full_name)} hari ke-{day_number} — {what}",
                description=(f"Rumah isolasi: {reservation.house.name}, {reservation.house.address}. Pemesanan {reservation.code}, "
                             f"hari ke-{day_number} ({alert.day.isoformat()}): {what}."),
                subject_person=reservation.person, latitude=reservation.house.latitude, longitude=reservation.house.longitude,
                confidential=True, source="isolation", source_ref=alert_source_ref(reservation, alert.day),
            )
    except DomainError as error:
        alert.raise_error = error.message[:300]
        alert.save(update_fields=["raise_error"])
        return
    alert.case_id, alert.case_ticket, alert.raise_error = case.pk, str(getattr(case, "ticket", "")), ""
    alert.save(update_fields=["case_id", "case_ticket", "raise_error"])


@dataclass(frozen=True)
class SweepResult:
    day: dt.date
    missed: int
    raised: int
    raise_failed: int
    completed: int
    no_show: int


NO_SHOW_GRACE_DAYS = 2  # a reservation not checked in two days after arrival gives its bed back


def monitoring_sweep(*, actor: Actor, day: dt.date | None = None) -> SweepResult:
    """The scheduler's nightly job for `day` (default yesterday): a missed check raises an alert and a case
    (once per person and day), alerts whose case could not be raised are retried, stays whose 14 days
    are over are completed, and reservations never checked in give their beds back. Idempotent."""
    today = _today()
    day = day or today - dt.timedelta(days=1)
    if day > today:
        raise DomainError("invalid", _("Tanggal sapuan %(date)s belum tiba.") % {"date": day.isoformat()}, field="date")
    checked = DailyCheck.objects.filter(reservation=OuterRef("pk"), day=day)
    alerted = MonitoringAlert.objects.filter(reservation=OuterRef("pk"), day=day)
    missing = (Reservation.objects.filter(status=ReservationStatus.CHECKED_IN, checked_in_on__lte=day, end_date__gt=day)
               .exclude(Exists(checked)).exclude(Exists(alerted)).select_related("house", "house__village", "person").order_by("pk"))
    missed = 0
    for reservation in missing:
        with transaction.atomic():
            _alert(actor=actor, reservation=reservation, day=day, kind=AlertKind.MISSED, reasons=["missed"])
            audit_record(actor=actor, action="isolation.missed_check", obj=reservation, village=reservation.house.village_id,
                         changes={"day": day.isoformat()})
        missed += 1
    for alert in MonitoringAlert.objects.filter(case_id__isnull=True).select_related("reservation", "reservation__house",
                                                                                         "reservation__house__village", "reservation__person"):
        with transaction.atomic():
            _raise_case(actor=actor, alert=alert)
    raise_failed = MonitoringAlert.objects.filter(case_id__isnull=True).count()
    with transaction.atomic():
        done = list(Reservation.objects.select_for_update().filter(status=ReservationStatus.CHECKED_IN, end_date__lte=day + dt.timedelta(days=1)))
        for reservation in done:
            reservation.status, reservation.left_on = ReservationStatus.COMPLETED, reservation.end_date
            reservation.save(update_fields=["status", "left_on", "updated_at"])
            audit_record(actor=actor, action="isolation.completed", obj=reservation, village=reservation.house.village_id,
                         changes={"on": reservation.end_date.isoformat(), "by": "sweep"})
        lapsed = list(Reservation.objects.select_for_update().filter(status=ReservationStatus.RESERVED,
                                                                      arrival_date__lt=day - dt.timedelta(days=NO_SHOW_GRACE_DAYS - 1)))
        for reservation in lapsed:
            _free_nights_from(reservation, day + dt.timedelta(days=1))
            reservation.status = ReservationStatus.NO_SHOW
            reservation.save(update_fields=["status", "updated_at"])
            audit_record(actor=actor, action="isolation.no_show", obj=reservation, village=reservation.house.village_id, changes={"day": day.isoformat()})
    raised = MonitoringAlert.objects.filter(day=day, case_id__isnull=False).count()
    return SweepResult(day=day, missed=missed, raised=raised, raise_failed=raise_failed, completed=len(done), no_show=len(lapsed))
