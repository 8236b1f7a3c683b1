"""Reads for isolation houses and affected residents. Staff reads start from scoped(); the public reads
(free places, a reservation by its code) never carry a name or NIK unmasked."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AreaKind
from smartkampung.core.scoping import scoped

from .models import (
    STAY_NIGHTS,
    AffectedImport,
    AffectedResident,
    Bed,
    BedNight,
    DailyCheck,
    IsolationHouse,
    MonitoringAlert,
    Reservation,
    ReservationStatus,
)


def _today() -> dt.date:
    return timezone.localdate()


# --- the rule language's affected(...) ---------------------------------------------------------------


def affected_factory(*, as_of: dt.date) -> Callable[[str | None], Q]:
    """affected("SECTOR") / affected() for rules over PersonFacts (as programmes.services.receives_factory
    does for receives()): a record of the person in that sector (any sector for None), affected on or
    before `as_of` and not yet recovered then."""

    def affected(sector: str | None) -> Q:
        records = AffectedResident.objects.filter(person_id=OuterRef("person_id"), affected_on__lte=as_of).filter(
            Q(recovered_on__isnull=True) | Q(recovered_on__gt=as_of))
        if sector is not None:
            records = records.filter(sector=sector)
        return Q(Exists(records))

    return affected


# --- public: free places near a village --------------------------------------------------------------


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


@dataclass
class FreePlace:
    house: IsolationHouse
    free_beds: int
    beds: int
    distance_km: float | None


def _free_beds_in(houses, first: dt.date, last: dt.date) -> dict[int, tuple[int, int]]:
    """house id -> (beds free for every night first..last, active beds), in one grouped query."""
    taken = BedNight.objects.filter(bed=OuterRef("pk"), night__gte=first, night__lte=last)
    rows = (Bed.objects.filter(house__in=houses, active=True).annotate(busy=Exists(taken)).values("house_id")
            .annotate(total=Count("id"), free=Count("id", filter=Q(busy=False))))
    return {r["house_id"]: (r["free"], r["total"]) for r in rows}


def free_places(*, village: Area, arrival: dt.date, limit: int = 10) -> list[FreePlace]:
    """Houses with a bed free for the 14 nights from `arrival`, nearest to the village first (its own
    houses, then its kecamatan's, then by distance)."""
    houses = list(IsolationHouse.objects.filter(active=True).select_related("village", "village__parent", "puskesmas"))
    counts = _free_beds_in([h.pk for h in houses], arrival, arrival + dt.timedelta(days=STAY_NIGHTS - 1))
    places = []
    for house in houses:
        free, total = counts.get(house.pk, (0, 0))
        if free <= 0:
            continue
        distance = (_distance_km(village.latitude, village.longitude, house.latitude, house.longitude)
                    if village.latitude is not None and village.longitude is not None else None)
        places.append(FreePlace(house=house, free_beds=free, beds=total, distance_km=None if distance is None else round(distance, 1)))
    kecamatan = village.code.rsplit(".", 1)[0]

    def nearness(place: FreePlace):
        return (place.house.village_id != village.id, not place.house.village.code.startswith(kecamatan + "."),
                place.distance_km if place.distance_km is not None else 1e9, place.house.name)

    return sorted(places, key=nearness)[:limit]


def reservation_by_code(code: str) -> Reservation:
    reservation = (Reservation.objects.select_related("house", "house__village", "house__village__parent", "house__puskesmas", "bed", "bed__room")
                   .filter(code=(code or "").strip().upper()).first())
    if reservation is None:
        raise DomainError("not_found", _("Kode pemesanan tidak ditemukan."), field="code")
    return reservation


# --- staff: houses, stays, dashboards ----------------------------------------------------------------


def houses_for(user):
    return scoped(IsolationHouse.objects.select_related("village", "village__parent", "puskesmas"), user)


def house_open(*, user, house_id: int) -> IsolationHouse:
    house = houses_for(user).prefetch_related("pillars", "rooms__beds").filter(pk=house_id).first()
    if house is None:
        raise DomainError("not_found", _("Rumah isolasi %(id)s tidak ditemukan di wilayah Anda.") % {"id": house_id})
    return house


@dataclass
class BedState:
    bed: Bed
    tonight: Reservation | None


def house_beds(*, house: IsolationHouse, day: dt.date | None = None) -> list[BedState]:
    day = day or _today()
    nights = {n.bed_id: n.reservation for n in BedNight.objects.filter(house=house, night=day).select_related("reservation")}
    beds = Bed.objects.filter(house=house).select_related("room").order_by("room__name", "label")
    return [BedState(bed=b, tonight=nights.get(b.pk)) for b in beds]


def house_reservations(*, house: IsolationHouse):
    """Who is waiting and who is in isolation now."""
    return (Reservation.objects.filter(house=house, status__in=(ReservationStatus.RESERVED, ReservationStatus.CHECKED_IN))
            .select_related("bed", "bed__room", "person").order_by("status", "arrival_date", "pk"))


def stay_open(*, actor: Actor, reservation_id: int) -> Reservation:
    """A staff member opens one person's stay (their health record): the read goes to the audit trail."""
    reservation = (scoped(Reservation.objects.select_related("house", "house__village", "bed", "bed__room", "person", "home_village"), actor.user)
                   .filter(pk=reservation_id).first())
    if reservation is None:
        raise DomainError("not_found", _("Pemesanan %(id)s tidak ditemukan di wilayah Anda.") % {"id": reservation_id})
    audit_record(actor=actor, action="isolation.stay_view", obj=reservation, village=reservation.house.village_id)
    return reservation


def stay_checks(reservation: Reservation):
    return DailyCheck.objects.filter(reservation=reservation).order_by("day")


def stay_alerts(reservation: Reservation):
    return MonitoringAlert.objects.filter(reservation=reservation).order_by("day")


@dataclass
class Occupancy:
    area: Area | None
    houses: int = 0
    beds: int = 0
    occupied: int = 0  # beds taken tonight (in isolation or reserved for tonight)
    in_isolation: int = 0
    waiting: int = 0  # reserved, not yet checked in
    checks_due: int = 0  # in isolation today without today's check
    alerts: int = 0  # alerts of the last 14 days
    children: list = field(default_factory=list)

    @property
    def free(self) -> int:
        return self.beds - self.occupied

    @property
    def percent(self) -> int:
        return round(100 * self.occupied / self.beds) if self.beds else 0


def occupancy(*, user, area: Area | None = None, day: dt.date | None = None) -> Occupancy:
    """Occupancy of the user's houses under `area` (the regency when None), with a row per kecamatan (for
    the regency) or per village (for a kecamatan), or per house (for a village) in `children`."""
    day = day or _today()
    houses = houses_for(user).filter(active=True)
    if area is not None and area.kind != AreaKind.KABUPATEN:
        houses = houses.filter(village=area) if area.is_village else houses.filter(village__code__startswith=area.code + ".")
    house_rows = list(houses.values("id", "name", "village_id", "village__code", "village__name", "village__parent_id"))
    ids = [h["id"] for h in house_rows]
    beds = dict(Bed.objects.filter(house_id__in=ids, active=True).values("house_id").annotate(n=Count("id")).values_list("house_id", "n"))
    occupied = dict(BedNight.objects.filter(house_id__in=ids, night=day).values("house_id").annotate(n=Count("id")).values_list("house_id", "n"))
    live = Reservation.objects.filter(house_id__in=ids)
    in_iso = dict(live.filter(status=ReservationStatus.CHECKED_IN).values("house_id").annotate(n=Count("id")).values_list("house_id", "n"))
    waiting = dict(live.filter(status=ReservationStatus.RESERVED).values("house_id").annotate(n=Count("id")).values_list("house_id", "n"))
    today_check = DailyCheck.objects.filter(reservation=OuterRef("pk"), day=day)
    due = dict(live.filter(status=ReservationStatus.CHECKED_IN, end_date__gt=day).exclude(Exists(today_check)).values("house_id")
               .annotate(n=Count("id")).values_list("house_id", "n"))
    alerts = dict(MonitoringAlert.objects.filter(reservation__house_id__in=ids, day__gt=day - dt.timedelta(days=STAY_NIGHTS))
                  .values("reservation__house_id").annotate(n=Count("id")).values_list("reservation__house_id", "n"))
    level = "house" if area is not None and area.is_village else ("village" if area is not None and area.kind == AreaKind.KECAMATAN else "kecamatan")
    areas = {a.id: a for a in Area.objects.filter(id__in={h["village_id"] for h in house_rows} | {h["village__parent_id"] for h in house_rows})}
    total = Occupancy(area=area)
    groups: dict = {}
    for h in house_rows:
        key = {"house": h["id"], "village": h["village_id"], "kecamatan": h["village__parent_id"]}[level]
        if key not in groups:
            label_area = None if level == "house" else areas.get(key)
            groups[key] = Occupancy(area=label_area)
            groups[key].house_id, groups[key].house_name = (h["id"], h["name"]) if level == "house" else (None, "")
        for row in (total, groups[key]):
            row.houses += 1
            row.beds += beds.get(h["id"], 0)
            row.occupied += occupied.get(h["id"], 0)
            row.in_isolation += in_iso.get(h["id"], 0)
            row.waiting += waiting.get(h["id"], 0)
            row.checks_due += due.get(h["id"], 0)
            row.alerts += alerts.get(h["id"], 0)
    total.children = sorted(groups.values(), key=lambda r: (r.area.code if r.area else "", getattr(r, "house_name", "")))
    return total


def map_points(*, user, day: dt.date | None = None) -> list[dict]:
    """One point per house the user may see, with tonight's occupancy (no personal data)."""
    day = day or _today()
    houses = list(houses_for(user).filter(active=True))
    ids = [h.pk for h in houses]
    beds = dict(Bed.objects.filter(house_id__in=ids, active=True).values("house_id").annotate(n=Count("id")).values_list("house_id", "n"))
    occupied = dict(BedNight.objects.filter(house_id__in=ids, night=day).values("house_id").annotate(n=Count("id")).values_list("house_id", "n"))
    return [{
        "id": h.pk, "name": h.name, "village": h.village.name, "kecamatan": h.village.parent.name if h.village.parent_id else "",
        "lat": h.latitude, "lon": h.longitude, "beds": beds.get(h.pk, 0), "occupied": occupied.get(h.pk, 0),
        "puskesmas": h.puskesmas.name,
    } for h in houses]


# --- affected residents ------------------------------------------------------------------------------


def affected_for(user, *, sector: str = "", village_code: str = ""):
    records = scoped(AffectedResident.objects.select_related("person", "village", "village__parent"), user)
    if sector:
        records = records.filter(sector=sector)
    if village_code:
        records = records.filter(village__code=village_code)
    return records.order_by("village__code", "-affected_on", "pk")


def affected_summary(user) -> list[dict]:
    """Per sector: how many records, and how much monthly income was lost in total (in the user's scope)."""
    from django.db.models import Sum

    rows = scoped(AffectedResident.objects.all(), user).filter(recovered_on__isnull=True).values("sector").annotate(n=Count("id"), lost=Sum("income_lost"))
    return list(rows.order_by("sector"))


def import_open(*, user, batch_id: int) -> AffectedImport:
    """An import batch, for the one who uploaded it (or a regency-wide reader)."""
    from smartkampung.core.scoping import area_scope

    batch = AffectedImport.objects.filter(pk=batch_id).first()
    if batch is None or (batch.uploaded_by_id != user.pk and not area_scope(user).read_all):
        raise DomainError("not_found", _("Impor %(id)s tidak ditemukan.") % {"id": batch_id})
    return batch


# --- `smartkampung stats` ----------------------------------------------------------------------------


def app_stats() -> dict:
    today = _today()
    by_status = dict(Reservation.objects.values_list("status").annotate(n=Count("id")))
    return {
        "isolation": {
            "houses": IsolationHouse.objects.filter(active=True).count(),
            "beds": Bed.objects.filter(active=True).count(),
            "occupied_tonight": BedNight.objects.filter(night=today).count(),
            "reservations": {s: by_status.get(s, 0) for s in ReservationStatus.values},
            "daily_checks": DailyCheck.objects.count(),
            "alerts": MonitoringAlert.objects.count(),
            "affected_residents": dict(AffectedResident.objects.values_list("sector").annotate(n=Count("id")).order_by("sector")),
        }
    }
