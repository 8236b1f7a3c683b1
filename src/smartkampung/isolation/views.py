"""Isolation pages: thin — read the request, call a selector or service, render.

Public pages (/isolasi/...) are for residents coming home and their family: light, mobile-first, no
login, names masked. Staff pages (/isolasi/staf/...) are for the Puskesmas and the village pillars."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import actor_from_request
from smartkampung.core.errors import DomainError
from smartkampung.core.maps import tiles_url
from smartkampung.core.models import Area, AreaKind
from smartkampung.core.scoping import area_scope
from smartkampung.core.views import staff_page
from smartkampung.registry.identity import mask_nik

from . import affected as affected_services
from . import selectors, services
from .access import isolation_scope
from .masking import mask_id, mask_name
from .models import (
    STAY_NIGHTS,
    AffectedImportRow,
    CheckerKind,
    Facility,
    IsolationHouse,
    ReservationStatus,
    Symptom,
)
from .sectors import AFFECTED_SECTORS


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _villages():
    return Area.objects.filter(kind__in=("desa", "kelurahan")).select_related("parent").order_by("parent__name", "name")


def _facility_names(codes) -> list[str]:
    labels = dict(Facility.choices)
    return [str(labels.get(c, c)) for c in codes]


# --- public ------------------------------------------------------------------------------------------


def reserve_page(request):
    """Step 1 (GET): the village one is going home to and the arrival date -> free places nearby.
    Step 2 (POST): who, from where, which house -> the reservation."""
    data = request.POST if request.method == "POST" else request.GET
    village = Area.objects.filter(code=data.get("village", ""), kind__in=("desa", "kelurahan")).select_related("parent").first()
    today = timezone.localdate()
    arrival = _date(data.get("arrival", ""))
    context = {"villages": _villages(), "village": village, "arrival": arrival, "today": today, "nights": STAY_NIGHTS,
               "form": data, "places": None, "error": None}
    status = 200
    if request.method == "POST":
        house = IsolationHouse.objects.filter(pk=data.get("house") or 0).first() if (data.get("house") or "").isdigit() else None
        try:
            if village is None:
                raise DomainError("invalid", _("Pilih desa tujuan."), field="village")
            if arrival is None:
                raise DomainError("invalid", _("Tanggal kedatangan wajib diisi."), field="arrival_date")
            if house is None:
                raise DomainError("invalid", _("Pilih rumah isolasi."), field="house")
            resident = data.get("who", "resident") == "resident"
            reservation = services.reservation_create(
                actor=actor_from_request(request), house=house, arrival_date=arrival, origin=data.get("origin", ""),
                nik=data.get("nik", "") if resident else "", birth_date=_date(data.get("birth_date", "")) if resident else None,
                full_name="" if resident else data.get("full_name", ""), id_number="" if resident else data.get("id_number", ""),
                home_village=village, contact_phone=data.get("phone", ""), booked_by=data.get("booked_by", ""), channel="web")
        except DomainError as error:
            context["error"] = error
            status = 400
        else:
            return redirect("isolation:reservation", code=reservation.code)
    if village is not None and arrival is not None:
        if arrival < today:
            context["error"] = context["error"] or DomainError("past", _("Tanggal kedatangan sudah lewat."), field="arrival_date")
            status = 400 if request.method == "POST" or status == 400 else 200
        else:
            context["places"] = [(p, _facility_names(p.house.facilities)) for p in selectors.free_places(village=village, arrival=arrival)]
    return render(request, "isolation/reserve.html", context, status=status)


def reservation_page(request, code: str):
    try:
        reservation = selectors.reservation_by_code(code)
    except DomainError as error:
        return render(request, "core/error.html", {"message": error.message, "code": error.code}, status=404)
    error = None
    if request.method == "POST":
        try:
            services.reservation_cancel(actor=actor_from_request(request), reservation=reservation, reason=request.POST.get("reason", "") or _("Dibatalkan pemesan"),
                                        identity=request.POST.get("identity", ""))
        except DomainError as e:
            error = e
        else:
            messages.success(request, _("Pemesanan %(code)s dibatalkan.") % {"code": reservation.code})
            return redirect("isolation:reservation", code=reservation.code)
    return render(request, "isolation/reservation.html", {
        "r": reservation, "name": mask_name(reservation.full_name),
        "identity": mask_nik(reservation.person.nik) if reservation.person_id else mask_id(reservation.id_number),
        "pillars": reservation.house.pillars.all(), "error": error, "can_cancel": reservation.status == ReservationStatus.RESERVED,
        "last_day": reservation.end_date - dt.timedelta(days=1),
    }, status=400 if error else 200)


# --- staff: dashboard and map ------------------------------------------------------------------------


def _require_isolation_staff(request) -> None:
    if not isolation_scope(request.user).any:
        raise DomainError("forbidden", _("Halaman ini untuk Puskesmas, pemerintah desa, Bhabinkamtibmas dan staf kecamatan/kabupaten."))


@staff_page
def dashboard(request):
    _require_isolation_staff(request)
    area = Area.objects.filter(code=request.GET.get("area", "")).select_related("parent").first() if request.GET.get("area") else None
    if area is not None and area.kind == AreaKind.KABUPATEN:
        area = None
    total = selectors.occupancy(user=request.user, area=area)
    crumbs = []
    walk = area
    while walk is not None and walk.kind != AreaKind.KABUPATEN:
        crumbs.insert(0, walk)
        walk = walk.parent
    return render(request, "isolation/dashboard.html", {"total": total, "area": area, "crumbs": crumbs[:-1] if crumbs else [],
                                                        "level": "house" if area and area.is_village else ("village" if area else "kecamatan"),
                                                        "today": timezone.localdate()})


@staff_page
def map_page(request):
    _require_isolation_staff(request)
    regency = Area.objects.filter(kind=AreaKind.KABUPATEN).first()
    config = {
        "dataUrl": reverse("isolation:map_data"),
        "houseUrl": reverse("isolation:house", args=[0]).replace("/0/", "/{id}/"),
        "tiles": tiles_url(),
        "center": [regency.latitude, regency.longitude] if regency and regency.latitude is not None else [-8.36, 114.2],
        "labels": {"beds": _("tempat tidur"), "occupied": _("terisi malam ini"), "free": _("kosong"), "open": _("Buka rumah"),
                   "puskesmas": _("Puskesmas"), "houses": _("rumah isolasi")},
    }
    return render(request, "isolation/map.html", {"config": config})


@staff_page
def map_data(request):
    if not isolation_scope(request.user).any:
        return JsonResponse({"code": "forbidden", "message": _("Hanya untuk petugas rumah isolasi.")}, status=403)
    return JsonResponse({"houses": selectors.map_points(user=request.user), "day": timezone.localdate().isoformat()})


# --- staff: a house and a stay -----------------------------------------------------------------------


@staff_page
def house_page(request, house_id: int):
    _require_isolation_staff(request)
    house = selectors.house_open(user=request.user, house_id=house_id)
    error = None
    if request.method == "POST":
        try:
            reservation = services.reservation_find(house=house, code_or_nik=request.POST.get("code_or_nik", ""))
            services.stay_check_in(actor=actor_from_request(request), reservation=reservation)
        except DomainError as e:
            if e.code == "forbidden":
                raise
            error = e
        else:
            messages.success(request, _("%(name)s sudah check-in.") % {"name": reservation.full_name})
            return redirect("isolation:stay", reservation_id=reservation.pk)
    beds = selectors.house_beds(house=house)
    return render(request, "isolation/house.html", {
        "house": house, "beds": beds, "occupied": sum(1 for b in beds if b.tonight), "active_beds": sum(1 for b in beds if b.bed.active),
        "stays": selectors.house_reservations(house=house), "facilities": _facility_names(house.facilities), "error": error,
        "today": timezone.localdate(),
    }, status=400 if error else 200)


def _float(value: str):
    try:
        return Decimal((value or "").replace(",", ".").strip())
    except ArithmeticError:
        return value


@staff_page
def stay_page(request, reservation_id: int):
    _require_isolation_staff(request)
    actor = actor_from_request(request)
    reservation = selectors.stay_open(actor=actor, reservation_id=reservation_id)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "check":
                spo2 = request.POST.get("oxygen_saturation", "").strip()
                services.daily_check_record(
                    actor=actor, reservation=reservation, temperature=_float(request.POST.get("temperature", "")),
                    symptoms=request.POST.getlist("symptoms"), oxygen_saturation=int(spo2) if spo2.isdigit() else None,
                    notes=request.POST.get("notes", ""), day=_date(request.POST.get("day", "")) or None,
                    checker_kind=request.POST.get("checker_kind", ""), checker_name=request.POST.get("checker_name", ""))
                messages.success(request, _("Pemeriksaan harian dicatat."))
            elif action == "check_in":
                services.stay_check_in(actor=actor, reservation=reservation)
                messages.success(request, _("Check-in dicatat."))
            elif action == "check_out":
                services.stay_check_out(actor=actor, reservation=reservation)
                messages.success(request, _("Isolasi selesai; check-out dicatat."))
            elif action == "release":
                services.stay_release_early(actor=actor, reservation=reservation, reason=request.POST.get("reason", ""))
                messages.success(request, _("Dipulangkan lebih awal; tempat tidur kembali kosong."))
            elif action == "transfer":
                services.stay_transfer(actor=actor, reservation=reservation, hospital=request.POST.get("hospital", ""), reason=request.POST.get("reason", ""))
                messages.success(request, _("Dirujuk ke rumah sakit; tempat tidur kembali kosong."))
            elif action == "cancel":
                services.reservation_cancel(actor=actor, reservation=reservation, reason=request.POST.get("reason", ""))
                messages.success(request, _("Pemesanan dibatalkan."))
            else:
                raise DomainError("invalid", _("Tindakan tidak dikenal."), field="action")
        except DomainError as e:
            if e.code == "forbidden":
                raise
            error = e
        else:
            return redirect("isolation:stay", reservation_id=reservation.pk)
    today = timezone.localdate()
    checks = list(selectors.stay_checks(reservation))
    symptom_names = dict(Symptom.choices)
    return render(request, "isolation/stay.html", {
        "r": reservation, "checks": [(c, [str(symptom_names.get(s, s)) for s in c.symptoms]) for c in checks],
        "alerts": selectors.stay_alerts(reservation), "error": error, "today": today, "symptoms": Symptom.choices,
        "checker_kinds": CheckerKind.choices, "checked_today": any(c.day == today for c in checks),
        "day_number": (today - reservation.arrival_date).days + 1, "nights": STAY_NIGHTS, "form": request.POST if error else {},
        "reason_text": services.REASON_TEXT,
    }, status=400 if error else 200)


# --- staff: affected residents -----------------------------------------------------------------------


def _can_record_affected(user) -> bool:
    scope = area_scope(user)
    return scope.write_all or bool(scope.write_village_ids)


@staff_page
def affected_page(request):
    error = None
    if request.method == "POST":
        try:
            record = affected_services.affected_record(
                actor=actor_from_request(request), nik=request.POST.get("nik", ""), sector=request.POST.get("sector", ""),
                affected_on=request.POST.get("affected_on", ""), income_lost=request.POST.get("income_lost", ""),
                workplace=request.POST.get("workplace", ""), notes=request.POST.get("notes", ""))
        except DomainError as e:
            error = e
        else:
            messages.success(request, _("%(name)s dicatat sebagai warga terdampak.") % {"name": record.person.name})
            return redirect("isolation:affected")
    sector = request.GET.get("sector", "")
    records = selectors.affected_for(request.user, sector=sector if sector in AFFECTED_SECTORS else "")
    summary = [(AFFECTED_SECTORS.get(r["sector"], r["sector"]), r["n"], r["lost"]) for r in selectors.affected_summary(request.user)]
    return render(request, "isolation/affected.html", {
        "records": records[:200], "count": records.count(), "summary": summary, "sectors": AFFECTED_SECTORS.items(), "sector": sector,
        "can_record": _can_record_affected(request.user), "error": error, "form": request.POST if error else {},
        "today": timezone.localdate(),
    }, status=400 if error else 200)


@staff_page
def affected_import_page(request):
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError("invalid_file", _("Pilih berkas CSV."), field="file")
            batch = affected_services.affected_import(actor=actor_from_request(request), filename=upload.name, content=upload.read())
        except DomainError as e:
            if e.code == "forbidden":
                raise
            error = e
        else:
            return redirect("isolation:affected_batch", batch_id=batch.pk)
    return render(request, "isolation/affected_import.html", {"error": error, "can_record": _can_record_affected(request.user)},
                  status=400 if error else 200)


@staff_page
def affected_batch_page(request, batch_id: int):
    batch = selectors.import_open(user=request.user, batch_id=batch_id)
    rows = AffectedImportRow.objects.filter(batch=batch).order_by("line")
    outcome = request.GET.get("outcome", "")
    if outcome:
        rows = rows.filter(outcome=outcome)
    return render(request, "isolation/affected_batch.html", {"batch": batch, "rows": rows[:1000], "outcome": outcome})
