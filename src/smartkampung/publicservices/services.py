"""Writes for public services: the catalogue, appointments and queue tickets, village letters.

Every function is one atomic action with its audit row. Capacity and numbers are taken by UPDATE
statements the database serialises (a slot's seat under its CHECK constraint, the next ticket number of a
counter's day, the next letter number of a village's year), never by reading a count and writing it back.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AuditEvent, Role, StaffRole
from smartkampung.core.scoping import area_scope
from smartkampung.registry.identity import mask_nik
from smartkampung.registry.models import Membership, Person

from . import catalogue, letters, signing
from .calendar import BOOKING_HORIZON_DAYS, closed_reason, local_now, slot_times
from .models import (
    Agency,
    Appointment,
    AppointmentState,
    Closure,
    Counter,
    Letter,
    LetterRequest,
    LetterSequence,
    LetterType,
    RequestState,
    Service,
    ServiceMode,
    SigningKey,
    Slot,
    Synonym,
    Ticket,
    TicketDay,
    TicketSource,
    TicketState,
    VillageOffice,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from paper
PHONE = re.compile(r"^\+?[0-9]{8,15}$")
MALL_ROLES = {Role.SERVICE_MALL_STAFF, Role.REGENCY_ADMIN}


def _random_code(prefix: str, length: int) -> str:
    return prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def _unique_code(model, prefix: str, length: int) -> str:
    for _attempt in range(20):
        code = _random_code(prefix, length)
        if not model.objects.filter(code=code).exists():
            return code
    raise DomainError("conflict", _("Kode bebas tidak berhasil dibuat; silakan coba lagi."))  # 32^6 codes: practically never


def _clean_phone(phone: str, *, required: bool) -> str:
    value = re.sub(r"[\s\-.()]", "", phone or "")
    if not value and not required:
        return ""
    if not PHONE.match(value):
        raise DomainError("invalid", _("Nomor ponsel harus 8-15 angka (boleh diawali +)."), field="phone")
    return value


def _text(value: str, field: str, *, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if "\x00" in value:  # PostgreSQL text cannot hold NUL; nobody types one
        raise DomainError("invalid", _("%(field)s memuat karakter yang tidak sah.") % {"field": field}, field=field)
    if required and not value:
        raise DomainError("invalid", _("%(field)s wajib diisi.") % {"field": field}, field=field)
    if len(value) > max_length:
        raise DomainError("invalid", _("%(field)s paling panjang %(max_length)s karakter.") % {"field": field, "max_length": max_length}, field=field)
    return value


def is_mall_staff(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or MALL_ROLES & area_scope(user).roles)


def _require_mall_staff(actor: Actor) -> None:
    if actor.user is None and actor.via == "cli":
        return
    if not is_mall_staff(actor.user):
        raise DomainError("forbidden", _("Hanya petugas Mal Pelayanan Publik yang dapat melakukan ini."))


# --- catalogue -------------------------------------------------------------------------------------------------


def _synonym_table() -> catalogue.SynonymTable:
    return catalogue.SynonymTable(dict(Synonym.objects.values_list("phrase", "group")))


def _index(service: Service, synonyms: catalogue.SynonymTable) -> str:
    return catalogue.search_text(
        parts=[service.name, service.agency.short_name, service.agency.name, service.description, service.keywords, service.code.replace("-", " ")],
        synonyms=synonyms,
    )


def _time(value: str) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


@transaction.atomic
def catalogue_load(*, actor: Actor) -> dict[str, int]:
    """Load the bundled catalogue (data/): new rows are added, rows staff changed are kept; search is reindexed.

    Re-running it adds nothing and changes nothing a person edited, so it is safe on every deploy.
    """
    made = {"agencies": 0, "counters": 0, "services": 0, "synonyms": 0, "closures": 0, "letter_types": 0}
    agencies = {}
    for row in catalogue.agency_rows():
        agency, new = Agency.objects.get_or_create(code=row["code"], defaults={k: row[k] for k in ("name", "short_name", "kind", "description")})
        agencies[agency.code] = agency
        made["agencies"] += new
    counters = {}
    for row in catalogue.counter_rows():
        counter, new = Counter.objects.get_or_create(code=row["code"], defaults={
            "agency": agencies[row["agency"]], "name": row["name"], "opens_at": _time(row["opens_at"]), "closes_at": _time(row["closes_at"]),
            "saturday_closes_at": _time(row["saturday_closes_at"]), "slot_minutes": int(row["slot_minutes"]), "slot_capacity": int(row["slot_capacity"]),
        })
        counters[counter.code] = counter
        made["counters"] += new
    existing_phrases = set(Synonym.objects.values_list("phrase", flat=True))
    new_synonyms = []
    for group, phrase in catalogue.synonym_rows():
        phrase = catalogue.normalise(phrase)
        if phrase and phrase not in existing_phrases:
            existing_phrases.add(phrase)
            new_synonyms.append(Synonym(group=group, phrase=phrase))
    Synonym.objects.bulk_create(new_synonyms)
    made["synonyms"] = len(new_synonyms)
    existing_services = set(Service.objects.values_list("code", flat=True))
    new_services = []
    for row in catalogue.service_rows():
        if row["code"] in existing_services:
            continue
        mode = row["mode"]
        if mode not in ServiceMode.values:
            raise DomainError("invalid", _("Layanan %(code)s: mode %(mode)r tidak termasuk pilihan: %(values)s.") % {"code": row['code'], "mode": mode, "values": ', '.join(ServiceMode.values)}, field="mode")
        counter = counters[row["counter"]] if row["counter"] else None
        new_services.append(Service(
            code=row["code"], agency=agencies[row["agency"]], counter=counter, name=row["name"], description=row["description"],
            requirements=row["requirements"], fee=row["fee"], fee_note=row["fee_note"], duration=row["duration"], mode=mode,
            online_url=row["online_url"], keywords=row["keywords"],
        ))
    Service.objects.bulk_create(new_services)
    made["services"] = len(new_services)
    made["search_reindexed"] = services_reindex()
    for row in catalogue.closure_rows():
        counter = counters.get(row["counter"]) if row["counter"] else None
        _closure, new = Closure.objects.get_or_create(date=dt.date.fromisoformat(row["date"]), counter=counter, defaults={"reason": row["reason"]})
        made["closures"] += new
    for row in catalogue.letter_type_rows():
        _letter_type, new = LetterType.objects.get_or_create(code=row["code"], defaults={
            "name": row["name"], "classification": row["classification"], "body": row["body"], "detail_fields": row.get("detail_fields", []),
            "needs_poverty_check": row.get("needs_poverty_check", False), "max_desil": row.get("max_desil"),
            "subject_may_be_deceased": row.get("subject_may_be_deceased", False),
        })
        made["letter_types"] += new
    if any(v for k, v in made.items() if k != "search_reindexed"):
        audit_record(actor=actor, action="publicservices.catalogue_load", obj=Agency.objects.order_by("pk").first(), changes=made)
    return made


def services_reindex() -> int:
    """Rebuild every service's search text (after the synonym table or a service changed)."""
    synonyms = _synonym_table()
    changed = []
    for service in Service.objects.select_related("agency"):
        text = _index(service, synonyms)
        if text != service.search_text:
            service.search_text = text
            changed.append(service)
    Service.objects.bulk_update(changed, ["search_text"], batch_size=500)
    return len(changed)


@transaction.atomic
def service_save(*, actor: Actor, service: Service, changed: list[str]) -> Service:
    """Save a service edited by staff (admin), with its search text rebuilt and an audit row."""
    _require_mall_staff(actor)
    if service.mode in (ServiceMode.APPOINTMENT, ServiceMode.WALK_IN) and service.counter_id is None:
        raise DomainError("invalid", _("Layanan yang didatangi warga di mal memerlukan loket."), field="counter")
    service.search_text = _index(service, _synonym_table())
    service.save()
    audit_record(actor=actor, action="service.save", obj=service, changes={"fields": changed})
    return service


@transaction.atomic
def closure_add(*, actor: Actor, date: dt.date, reason: str, counter: Counter | None = None) -> Closure:
    """Close the mall (or one counter) on a day. Appointments already booked that day are listed for staff to call."""
    _require_mall_staff(actor)
    reason = _text(reason, "reason", max_length=200)
    try:
        with transaction.atomic():
            closure = Closure.objects.create(date=date, counter=counter, reason=reason)
    except IntegrityError:
        raise DomainError("duplicate", _("%(date)s sudah tercatat tutup.") % {"date": date}, field="date") from None
    audit_record(actor=actor, action="closure.add", obj=closure, changes={"date": date.isoformat(), "counter": counter.code if counter else None, "reason": reason})
    return closure


# --- appointments and tickets ---------------------------------------------------------------------------------


def _refuse_unvisitable(service: Service, *, booking: bool) -> None:
    if not service.active:
        raise DomainError("not_found", _("Layanan %(code)s tidak tersedia lagi.") % {"code": service.code}, field="service")
    if service.mode == ServiceMode.ONLINE:
        if service.online_url:
            message = _("%(name)s dilayani secara daring di %(url)s; tidak perlu datang ke mal.") % {"name": service.name, "url": service.online_url}
        else:
            message = _("%(name)s dilayani secara daring; tidak perlu datang ke mal.") % {"name": service.name}
        raise DomainError("online_service", message, field="service")
    if booking and service.mode == ServiceMode.WALK_IN:
        raise DomainError("walk_in_only", _("%(name)s harus datang langsung: ambil nomor antrean di mal pada hari kerja, tanpa pesan jadwal.") % {"name": service.name}, field="service")


def _open_or_refuse(counter: Counter, day: dt.date) -> None:
    reason = closed_reason(counter=counter, day=day)
    if reason:
        raise DomainError("closed_day", _("Loket %(code)s tutup pada %(day)s: %(reason)s.") % {"code": counter.code, "day": letters.tanggal(day), "reason": reason}, field="date")


@transaction.atomic
def appointment_book(*, actor: Actor, service: Service, date: dt.date, starts_at: dt.time, name: str, phone: str,
                     now: dt.datetime | None = None) -> Appointment:
    """Book one seat of a slot. The seat is taken by `UPDATE ... SET booked = booked + 1 WHERE booked < capacity`:
    of many people pressing at once for the last seat, exactly one gets it."""
    _refuse_unvisitable(service, booking=True)
    now = local_now(now)
    today = now.date()
    if date < today:
        raise DomainError("invalid", _("Tanggal sudah lewat."), field="date")
    counter = service.counter
    _open_or_refuse(counter, date)
    if date > today + dt.timedelta(days=BOOKING_HORIZON_DAYS):
        raise DomainError("invalid", _("Jadwal dapat dipesan paling jauh %(days)s hari ke depan.") % {"days": BOOKING_HORIZON_DAYS}, field="date")
    if starts_at not in slot_times(counter, date):
        raise DomainError("invalid", _("%(starts_at)s bukan jam layanan loket %(code)s.") % {"starts_at": f"{starts_at:%H:%M}", "code": counter.code}, field="starts_at")
    if date == today and starts_at <= now.time():
        raise DomainError("invalid", _("Jam %(starts_at)s hari ini sudah lewat.") % {"starts_at": f"{starts_at:%H:%M}"}, field="starts_at")
    name = _text(name, "name", max_length=120)
    phone = _clean_phone(phone, required=True)
    slot, _created = Slot.objects.get_or_create(counter=counter, date=date, starts_at=starts_at, defaults={"capacity": counter.slot_capacity})
    if not Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1):
        raise DomainError("slot_full", _("Jadwal %(date)s pukul %(starts_at)s di loket %(code)s sudah penuh; pilih jam lain.") % {"date": letters.tanggal(date), "starts_at": f"{starts_at:%H:%M}", "code": counter.code}, field="starts_at")
    appointment = Appointment.objects.create(code=_unique_code(Appointment, "MPP-", 6), service=service, slot=slot, name=name, phone=phone)
    audit_record(actor=actor, action="appointment.book", obj=appointment, changes={"service": service.code, "date": date.isoformat(), "starts_at": f"{starts_at:%H:%M}"})
    return appointment


def _appointment_for(code: str, *, phone: str) -> Appointment:
    appointment = Appointment.objects.select_for_update().filter(code=(code or "").strip().upper()).first()
    if appointment is None or _clean_phone(phone, required=False) != appointment.phone:
        raise DomainError("not_found", _("Kode janji temu dan nomor ponsel tidak cocok."), field="code")
    return appointment


@transaction.atomic
def appointment_cancel(*, actor: Actor, code: str, phone: str) -> Appointment:
    """The resident cancels with the booking code and the phone number they gave; the seat is given back."""
    appointment = _appointment_for(code, phone=phone)
    if appointment.state != AppointmentState.BOOKED:
        raise DomainError("conflict", _("Janji temu %(code)s sudah %(state)s.") % {"code": appointment.code, "state": appointment.get_state_display().lower()}, field="code")
    Appointment.objects.filter(pk=appointment.pk).update(state=AppointmentState.CANCELLED, cancelled_at=timezone.now())
    Slot.objects.filter(pk=appointment.slot_id).update(booked=F("booked") - 1)
    audit_record(actor=actor, action="appointment.cancel", obj=appointment)
    appointment.refresh_from_db()
    return appointment


def _next_ticket_number(counter: Counter, day: dt.date) -> int:
    TicketDay.objects.get_or_create(counter=counter, date=day)
    TicketDay.objects.filter(counter=counter, date=day).update(last_number=F("last_number") + 1)
    return TicketDay.objects.get(counter=counter, date=day).last_number


def _ticket_create(*, service: Service, now: dt.datetime, source: str, appointment: Appointment | None = None) -> Ticket:
    counter = service.counter
    number = _next_ticket_number(counter, now.date())
    return Ticket.objects.create(counter=counter, service=service, date=now.date(), number=number, source=source, appointment=appointment, issued_at=now)


@transaction.atomic
def ticket_walk_in(*, actor: Actor, service: Service, now: dt.datetime | None = None) -> Ticket:
    """A queue ticket taken at the mall (kiosk or front desk) for today."""
    _refuse_unvisitable(service, booking=False)
    now = local_now(now)
    counter = service.counter
    _open_or_refuse(counter, now.date())
    times = slot_times(counter, now.date())
    closes = (dt.datetime.combine(now.date(), times[-1]) + dt.timedelta(minutes=counter.slot_minutes)).time()
    if not (counter.opens_at <= now.time() < closes):
        raise DomainError("outside_hours", _("Loket %(code)s melayani pukul %(opens_at)s-%(closes)s.") % {"code": counter.code, "opens_at": f"{counter.opens_at:%H:%M}", "closes": f"{closes:%H:%M}"}, field="service")
    ticket = _ticket_create(service=service, now=now, source=TicketSource.WALK_IN)
    audit_record(actor=actor, action="ticket.walk_in", obj=ticket, changes={"service": service.code, "label": ticket.label})
    return ticket


@transaction.atomic
def appointment_check_in(*, actor: Actor, code: str, now: dt.datetime | None = None) -> Ticket:
    """The resident arrives with their booking code: a ticket that is called before walk-ins."""
    now = local_now(now)
    appointment = Appointment.objects.select_for_update(of=("self",)).select_related("slot", "service__counter").filter(code=(code or "").strip().upper()).first()
    if appointment is None:
        raise DomainError("not_found", _("Kode janji temu tidak dikenal."), field="code")
    if appointment.state != AppointmentState.BOOKED:
        raise DomainError("conflict", _("Janji temu %(code)s sudah %(state)s.") % {"code": appointment.code, "state": appointment.get_state_display().lower()}, field="code")
    if appointment.slot.date != now.date():
        raise DomainError("wrong_day", _("Janji temu %(code)s untuk %(date)s, bukan hari ini.") % {"code": appointment.code, "date": letters.tanggal(appointment.slot.date)}, field="code")
    updated = Appointment.objects.filter(pk=appointment.pk, state=AppointmentState.BOOKED).update(state=AppointmentState.CHECKED_IN, checked_in_at=now)
    if not updated:
        raise DomainError("conflict", _("Janji temu %(code)s sudah diproses.") % {"code": appointment.code}, field="code")
    ticket = _ticket_create(service=appointment.service, now=now, source=TicketSource.APPOINTMENT, appointment=appointment)
    audit_record(actor=actor, action="appointment.check_in", obj=appointment, changes={"ticket": ticket.label})
    return ticket


def _waiting_order(counter: Counter, day: dt.date):
    # Booked residents who arrived are served before walk-ins, earliest slot first; then walk-ins by number.
    return (Ticket.objects.filter(counter=counter, date=day, state=TicketState.WAITING)
            .order_by(F("appointment__slot__starts_at").asc(nulls_last=True), "number"))


@transaction.atomic
def ticket_call_next(*, actor: Actor, counter: Counter, now: dt.datetime | None = None) -> Ticket | None:
    """Call the next waiting ticket of a counter. Two desks pressing at once call two different tickets:
    each takes its ticket with a conditional UPDATE (state = waiting) and moves on if someone was faster."""
    _require_mall_staff(actor)
    now = local_now(now)
    for _attempt in range(10):
        candidate = _waiting_order(counter, now.date()).first()
        if candidate is None:
            return None
        if Ticket.objects.filter(pk=candidate.pk, state=TicketState.WAITING).update(
                state=TicketState.CALLED, called_at=now, called_by=actor.user_or_none, call_count=F("call_count") + 1):
            candidate.refresh_from_db()
            audit_record(actor=actor, action="ticket.call", obj=candidate, changes={"label": candidate.label})
            return candidate
    raise DomainError("conflict", _("Antrean sedang sibuk; tekan panggil lagi."))


@transaction.atomic
def ticket_recall(*, actor: Actor, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    """Call the same number again (shown again on the screen)."""
    _require_mall_staff(actor)
    if not Ticket.objects.filter(pk=ticket.pk, state=TicketState.CALLED).update(called_at=local_now(now), call_count=F("call_count") + 1):
        raise DomainError("conflict", _("Tiket %(label)s tidak sedang dipanggil.") % {"label": ticket.label}, field="ticket")
    ticket.refresh_from_db()
    audit_record(actor=actor, action="ticket.recall", obj=ticket)
    return ticket


@transaction.atomic
def ticket_finish(*, actor: Actor, ticket: Ticket, outcome: str, now: dt.datetime | None = None) -> Ticket:
    """Record the end of a called ticket: served (service time = finished - called) or no-show."""
    _require_mall_staff(actor)
    if outcome not in (TicketState.SERVED, TicketState.NO_SHOW):
        raise DomainError("invalid", _("outcome harus served atau no_show."), field="outcome")
    if not Ticket.objects.filter(pk=ticket.pk, state=TicketState.CALLED).update(state=outcome, finished_at=local_now(now)):
        raise DomainError("conflict", _("Tiket %(label)s tidak sedang dipanggil.") % {"label": ticket.label}, field="ticket")
    ticket.refresh_from_db()
    if outcome == TicketState.NO_SHOW and ticket.appointment_id:
        Appointment.objects.filter(pk=ticket.appointment_id).update(state=AppointmentState.NO_SHOW)
    audit_record(actor=actor, action=f"ticket.{outcome}", obj=ticket, changes={"label": ticket.label})
    return ticket


@transaction.atomic
def queue_close_day(*, actor: Actor, day: dt.date) -> dict[str, int]:
    """At closing: booked appointments nobody came for, and tickets never called or never finished, are no-shows."""
    _require_mall_staff(actor)
    no_show_appointments = Appointment.objects.filter(slot__date=day, state=AppointmentState.BOOKED).update(state=AppointmentState.NO_SHOW)
    closing = dt.datetime.combine(day, dt.time(23, 59), tzinfo=timezone.get_current_timezone())
    open_tickets = Ticket.objects.filter(date=day, state__in=[TicketState.WAITING, TicketState.CALLED])
    Appointment.objects.filter(ticket__in=open_tickets).update(state=AppointmentState.NO_SHOW)
    no_show_tickets = open_tickets.update(state=TicketState.NO_SHOW, finished_at=closing)
    result = {"appointments_no_show": no_show_appointments, "tickets_no_show": no_show_tickets}
    counter = Counter.objects.order_by("pk").first()
    if counter is not None:
        audit_record(actor=actor, action="queue.close_day", obj=counter, changes={"day": day.isoformat(), **result})
    return result


# --- village letters ------------------------------------------------------------------------------------------


def _current_household(person: Person):
    membership = Membership.objects.filter(person=person, end_date__isnull=True).select_related("household").first()
    return membership.household if membership else None


def _person_by_identity(nik: str, birth_date: dt.date | None) -> Person:
    nik = (nik or "").strip()
    person = Person.objects.select_related("village__parent").filter(nik=nik).first() if len(nik) == 16 and nik.isdigit() else None
    # One answer for "no such NIK" and "wrong birth date": nobody learns which NIKs exist.
    if person is None or birth_date is None or person.birth_date != birth_date:
        raise DomainError("identity_mismatch", _("NIK dan tanggal lahir tidak cocok dengan data kependudukan."), field="nik")
    return person


def _details(letter_type: LetterType, details: dict) -> dict:
    clean = {}
    for spec in letter_type.detail_fields:
        value = _text(str((details or {}).get(spec["name"], "")), spec["name"], max_length=200, required=False)
        if spec.get("required") and not value:
            raise DomainError("invalid", _("%(label)s wajib diisi.") % {"label": spec['label']}, field=spec["name"])
        if len(value) > 200:
            raise DomainError("invalid", _("%(label)s paling panjang 200 karakter.") % {"label": spec['label']}, field=spec["name"])
        clean[spec["name"]] = value
    if "child_birth_date" in clean:
        try:
            born = dt.date.fromisoformat(clean["child_birth_date"])
        except ValueError:
            raise DomainError("invalid", _("Tanggal lahir anak ditulis YYYY-MM-DD."), field="child_birth_date") from None
        if born > timezone.localdate():
            raise DomainError("invalid", _("Tanggal lahir anak belum terjadi."), field="child_birth_date")
    return clean


@transaction.atomic
def letter_request_submit(*, actor: Actor, letter_type_code: str, village_code: str, nik: str, birth_date: dt.date | None,
                          purpose: str, details: dict | None = None, phone: str = "") -> LetterRequest:
    """A resident asks their village for a letter, proving who they are with NIK and birth date."""
    letter_type = LetterType.objects.filter(code=letter_type_code, active=True).first()
    if letter_type is None:
        raise DomainError("invalid", _("Jenis surat %(code)r tidak dikenal.") % {"code": letter_type_code}, field="letter_type")
    village = Area.objects.filter(code=village_code, kind__in=("desa", "kelurahan")).first()
    if village is None:
        raise DomainError("invalid", _("Desa/kelurahan %(code)r tidak dikenal.") % {"code": village_code}, field="village_code")
    person = _person_by_identity(nik, birth_date)
    if person.date_of_death is not None:
        raise DomainError("identity_mismatch", _("NIK dan tanggal lahir tidak cocok dengan data kependudukan."), field="nik")
    if person.village_id != village.id:
        raise DomainError("outside_village", _("NIK ini tidak terdaftar sebagai penduduk %(kind)s %(name)s. "
                                               "Surat hanya dapat diminta di desa/kelurahan tempat Anda terdaftar.") % {
                                                   "kind": village.get_kind_display(), "name": village.name}, field="nik")
    purpose = _text(purpose, "purpose", max_length=200)
    clean = _details(letter_type, details or {})
    if "deceased_nik" in clean:
        deceased = Person.objects.filter(nik=clean["deceased_nik"], village=village).first()
        if deceased is None or deceased.pk == person.pk:
            raise DomainError("invalid", _("NIK almarhum tidak terdaftar di %(name)s.") % {"name": village.name}, field="deceased_nik")
    open_states = [RequestState.SUBMITTED, RequestState.NEEDS_VISIT, RequestState.CHECKED]
    pending = LetterRequest.objects.filter(person=person, letter_type=letter_type, state__in=open_states).first()
    if pending is not None:
        raise DomainError("duplicate", _("Permohonan %(name)s Anda masih diproses dengan kode %(code)s.") % {"name": letter_type.name, "code": pending.code}, field="letter_type")
    request = LetterRequest.objects.create(
        code=_unique_code(LetterRequest, "SRT-", 6), letter_type=letter_type, village=village, person=person,
        household=_current_household(person), purpose=purpose, details=clean, phone=_clean_phone(phone, required=False),
    )
    audit_record(actor=actor, action="letter_request.submit", obj=request, village=village, changes={"type": letter_type.code, "nik": mask_nik(person.nik)})
    return request


def letter_requests_viewed(*, actor: Actor, requests: list[LetterRequest]) -> None:
    """Staff saw these applicants' NIK and name (a list page or API answer): one audit row per request."""
    AuditEvent.objects.bulk_create(AuditEvent(
        actor=actor.user_or_none, actor_label=actor.display[:150], action="letter_request.view", object_type="letterrequest",
        object_id=str(r.pk), village_id=r.village_id, ip_address=actor.ip, via=actor.via) for r in requests)


def _lock_request(request: LetterRequest) -> LetterRequest:
    return LetterRequest.objects.select_for_update(of=("self",)).select_related("letter_type", "village__parent", "person", "household").get(pk=request.pk)


def _require_village_staff(actor: Actor, village: Area) -> None:
    """Operators (and kecamatan/regency staff who may write the village's registry) check requests."""
    if not area_scope(actor.user).can_write_village(village.id):
        raise DomainError("forbidden", _("Anda tidak dapat memeriksa surat %(name)s.") % {"name": village.name})


def _require_village_head(actor: Actor, village: Area) -> None:
    user = actor.user_or_none
    if user is None or not StaffRole.objects.filter(user=user, role=Role.VILLAGE_HEAD, area=village).exists():
        raise DomainError("forbidden", _("Hanya kepala desa/lurah %(name)s yang dapat menyetujui surat.") % {"name": village.name})


def _raise_poverty_visit(*, actor: Actor, request: LetterRequest, desil: int | None) -> str:
    from smartkampung.cases.services import case_raise

    why = "tanpa desil DTSEN" if desil is None else f"desil {desil}, di atas batas {request.letter_type.max_desil}"
    case = case_raise(
        actor=actor, category_code="poverty_visit", village=request.village, subject_person=request.person,
        title=f"Kunjungan rumah untuk {request.letter_type.name} ({request.code})",
        description=f"Permohonan {request.code}: keluarga {why}. Keperluan: {request.purpose}. Catat hasil kunjungan di halaman permohonan surat.",
        source="publicservices", source_ref=f"letter_request:{request.pk}",
        latitude=request.household.latitude if request.household else None, longitude=request.household.longitude if request.household else None,
    )
    return case.ticket


@transaction.atomic
def letter_request_check(*, actor: Actor, request: LetterRequest, note: str = "") -> LetterRequest:
    """The operator checks a request against the registry. A poverty letter needs the household's desil at or
    under the cut; without it (no desil, or above the cut) a home visit is raised as a case first."""
    request = _lock_request(request)
    _require_village_staff(actor, request.village)
    if request.state != RequestState.SUBMITTED:
        raise DomainError("conflict", _("Permohonan %(code)s sudah %(state)s.") % {"code": request.code, "state": request.get_state_display().lower()}, field="state")
    person = Person.objects.select_related("village").get(pk=request.person_id)
    if person.date_of_death is not None:
        raise DomainError("registry_mismatch", _("Pemohon tercatat meninggal dunia; tolak permohonan ini."), field="person")
    if person.village_id != request.village_id:
        raise DomainError("registry_mismatch", _("Pemohon sudah tidak terdaftar di %(name)s; tolak permohonan ini.") % {"name": request.village.name}, field="person")
    household = _current_household(person)
    letter_type = request.letter_type
    if letter_type.code == "belum_menikah" and person.marital_status != "belum_kawin":
        raise DomainError("registry_mismatch", _("Status perkawinan pemohon di registri: %(marital_status)s; tolak atau perbaiki data dulu.") % {"marital_status": person.get_marital_status_display()}, field="person")
    if "deceased_nik" in request.details:
        deceased = Person.objects.filter(nik=request.details["deceased_nik"], village=request.village).first()
        if deceased is None or deceased.date_of_death is None:
            raise DomainError("registry_mismatch", _("Kematian belum tercatat di registri; catat peristiwa kematian dulu, lalu periksa lagi."), field="deceased_nik")
    now = timezone.now()
    request.household = household
    request.checked_at, request.checked_by, request.check_note = now, actor.user_or_none, _text(note, "note", max_length=2000, required=False)
    request.state = RequestState.CHECKED
    if letter_type.needs_poverty_check:
        desil = household.desil if household else None
        request.desil_at_check = desil
        if desil is None or letter_type.max_desil is None or desil > letter_type.max_desil:
            request.state = RequestState.NEEDS_VISIT
            request.visit_case_ticket = _raise_poverty_visit(actor=actor, request=request, desil=desil)
    request.save()
    audit_record(actor=actor, action="letter_request.check", obj=request, village=request.village,
                 changes={"state": request.state, "desil": request.desil_at_check, "case": request.visit_case_ticket})
    return request


@transaction.atomic
def letter_request_visit_record(*, actor: Actor, request: LetterRequest, confirmed: bool, note: str) -> LetterRequest:
    """The outcome of the home visit: poverty confirmed (on to the village head) or not (rejected)."""
    request = _lock_request(request)
    _require_village_staff(actor, request.village)
    if request.state != RequestState.NEEDS_VISIT:
        raise DomainError("conflict", _("Permohonan %(code)s tidak menunggu kunjungan.") % {"code": request.code}, field="state")
    note = _text(note, "note", max_length=2000)
    now = timezone.now()
    if confirmed:
        request.state, request.visit_confirmed_at = RequestState.CHECKED, now
        request.check_note = (request.check_note + "\n" if request.check_note else "") + f"Kunjungan: {note}"
    else:
        request.state, request.decided_at, request.decided_by, request.rejection_reason = RequestState.REJECTED, now, actor.user_or_none, f"Hasil kunjungan: {note}"
    request.save()
    _close_visit_case(actor=actor, request=request, confirmed=confirmed, note=note)
    audit_record(actor=actor, action="letter_request.visit", obj=request, village=request.village, changes={"confirmed": confirmed})
    return request


def _close_visit_case(*, actor: Actor, request: LetterRequest, confirmed: bool, note: str) -> None:
    from smartkampung.cases.models import Case
    from smartkampung.cases.services import case_resolve

    case = Case.objects.filter(source="publicservices", source_ref=f"letter_request:{request.pk}").order_by("-pk").first()
    if case is not None and case.is_open:
        case_resolve(actor=actor, case=case, resolution="resolved" if confirmed else "rejected", note=note)


@transaction.atomic
def letter_request_reject(*, actor: Actor, request: LetterRequest, reason: str) -> LetterRequest:
    request = _lock_request(request)
    if request.state in (RequestState.ISSUED, RequestState.REJECTED):
        raise DomainError("conflict", _("Permohonan %(code)s sudah %(state)s.") % {"code": request.code, "state": request.get_state_display().lower()}, field="state")
    is_head = StaffRole.objects.filter(user=actor.user_or_none, role=Role.VILLAGE_HEAD, area=request.village).exists() if actor.user_or_none else False
    if not is_head:
        _require_village_staff(actor, request.village)
    request.state, request.decided_at, request.decided_by = RequestState.REJECTED, timezone.now(), actor.user_or_none
    request.rejection_reason = _text(reason, "reason", max_length=2000)
    request.save()
    audit_record(actor=actor, action="letter_request.reject", obj=request, village=request.village)
    return request


def _office(village: Area) -> VillageOffice:
    """The village's letterhead and numbering; defaults the first time: 429 (Banyuwangi's code in the
    regency's correspondence numbering), then the kecamatan and village numbers of the Kemendagri code."""
    kecamatan_no, village_no = village.code.split(".")[2], village.code.split(".")[3]
    office, _created = VillageOffice.objects.get_or_create(village=village, defaults={
        "letter_code": f"429.5{kecamatan_no}.{int(village_no) % 100:02d}",
        "address": f"Kantor {village.get_kind_display()} {village.name}, Kecamatan {village.parent.name}, Kabupaten Banyuwangi",
        "head_title": "Kepala Desa" if village.kind == "desa" else "Lurah",
    })
    return office


def letter_serial_take(*, village: Area, year: int) -> int:
    """The next letter number of a village's year. Call inside the issuing transaction: the UPDATE holds the
    row until commit (no two issuers get one number) and a rollback gives the number back (no gaps)."""
    LetterSequence.objects.get_or_create(village=village, year=year)
    LetterSequence.objects.filter(village=village, year=year).update(last_number=F("last_number") + 1)
    return LetterSequence.objects.get(village=village, year=year).last_number


def _signing_key_row(key: signing.LoadedKey) -> SigningKey:
    row, _created = SigningKey.objects.get_or_create(key_id=key.key_id, defaults={"public_key": key.public_hex, "is_development": key.is_development})
    return row


def _subject(person: Person, household) -> dict:
    address = ""
    if household is not None:
        address = ", ".join(p for p in (household.street, f"RT {household.rt}/RW {household.rw}", household.dusun and f"Dusun {household.dusun}") if p)
    return {
        "nik": person.nik, "name": person.name, "birth_place": person.birth_place, "birth_date": person.birth_date.isoformat(),
        "birth_date_text": letters.tanggal(person.birth_date), "sex": person.get_sex_display(), "religion": person.get_religion_display(),
        "marital_status": person.get_marital_status_display(), "occupation": person.occupation, "address": address,
    }


def _statement_values(request: LetterRequest, person: Person) -> dict:
    village = request.village
    values = {"village": f"{village.get_kind_display()} {village.name}, Kecamatan {village.parent.name}", "purpose": request.purpose, **request.details}
    if "deceased_nik" in request.details:
        deceased = Person.objects.get(nik=request.details["deceased_nik"])
        values.update(deceased_name=deceased.name, deceased_nik_masked=mask_nik(deceased.nik), date_of_death=letters.tanggal(deceased.date_of_death))
    if "child_birth_date" in request.details:
        values["child_birth_date"] = letters.tanggal(dt.date.fromisoformat(request.details["child_birth_date"]))
    return values


@transaction.atomic
def letter_approve(*, actor: Actor, request: LetterRequest, now: dt.datetime | None = None) -> Letter:
    """The village head approves a checked request: the letter is numbered, signed with the regency's key,
    printed as a PDF and stored, all in one transaction (a failure leaves no number used)."""
    request = _lock_request(request)
    _require_village_head(actor, request.village)
    if request.state != RequestState.CHECKED:
        raise DomainError("conflict", _("Permohonan %(code)s belum siap disetujui (%(state)s).") % {"code": request.code, "state": request.get_state_display().lower()}, field="state")
    key = signing.load_key()  # before taking a number: a missing key must not cost one
    now = local_now(now)
    village, letter_type = request.village, request.letter_type
    office = _office(village)
    serial = letter_serial_take(village=village, year=now.year)
    number = letters.letter_number(number_format=office.number_format, classification=letter_type.classification, serial=serial,
                                   office=office.letter_code, year=now.year, month=now.month)
    person = request.person  # read with the locked request
    signer_name = office.head_name or (actor.user.get_full_name() if actor.user_or_none else "")
    content = {
        "v": letters.CONTENT_VERSION, "code": _unique_code(Letter, "", 10), "number": number, "type": letter_type.code, "title": letter_type.name,
        "village_code": village.code, "village": village.name, "village_kind": village.get_kind_display(), "kecamatan": village.parent.name,
        "office_address": office.address, "issued_on": now.date().isoformat(), "issued_on_text": letters.tanggal(now.date()),
        "subject": _subject(person, request.household), "purpose": request.purpose,
        "statement": letters.fill_statement(letter_type.body, _statement_values(request, person)),
        "signer": {"name": signer_name, "title": office.head_title}, "key_id": key.key_id, "development_key": key.is_development,
    }
    signature = signing.sign(key, content)
    pdf = letters.render_pdf(content, signature_hex=signature)
    letter = Letter.objects.create(request=request, village=village, year=now.year, serial=serial, number=number, code=content["code"], content=content,
                                   signature=signature, signing_key=_signing_key_row(key), pdf=pdf, issued_at=now, signed_by=actor.user_or_none)
    request.state, request.decided_at, request.decided_by = RequestState.ISSUED, now, actor.user_or_none
    request.save(update_fields=["state", "decided_at", "decided_by"])
    audit_record(actor=actor, action="letter.issue", obj=letter, village=village, changes={"number": number, "request": request.code, "key_id": key.key_id})
    return letter


@transaction.atomic
def letter_revoke(*, actor: Actor, letter: Letter, reason: str) -> Letter:
    """Withdraw an issued letter (issued in error, facts changed): verification then says so."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _require_village_head(actor, letter.village)
    if letter.revoked_at:
        raise DomainError("conflict", _("Surat %(number)s sudah dicabut.") % {"number": letter.number})
    letter.revoked_at, letter.revoked_reason = timezone.now(), _text(reason, "reason", max_length=200)
    letter.save(update_fields=["revoked_at", "revoked_reason"])
    audit_record(actor=actor, action="letter.revoke", obj=letter, village=letter.village, changes={"reason": letter.revoked_reason})
    return letter
