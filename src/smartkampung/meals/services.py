"""Writes for Rantang Kasih: providers, menus, recipients, assignment, rounds and the delivery log.

Each function is one atomic, audited action that refuses bad input with a DomainError and then writes
nothing. Who may do what:
- the programme office (regency admins, Dinas Sosial analysts): providers, menus, assignment, rounds;
- a village operator (and kecamatan staff, regency admins) in their villages: a recipient's delivery point,
  diet and meals, and confirming a reported death;
- a provider's own login: marking its own round, today.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import numpy as np
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AreaKind
from smartkampung.core.scoping import area_scope
from smartkampung.programmes.models import Enrolment, Programme
from smartkampung.registry.models import Household, Membership

from . import assignment as solver
from . import routing
from .models import (
    HOLDING_A_PLACE,
    MISSED_OUTCOMES,
    PAUSING_OUTCOMES,
    WEEKDAYS,
    AssignmentRun,
    Delivery,
    Diet,
    MenuState,
    Outcome,
    Provider,
    Recipient,
    RecipientState,
    Round,
    RoundStop,
    Unserved,
    UnservedReason,
    WeeklyMenu,
)

PROGRAMME_CODE = "RANTANG_KASIH"
OFFICE_ROLES = frozenset({"regency_admin", "dinsos_analyst"})
DEFAULT_MAX_M = 8_000  # road metres a warung's rider goes for one rantang
DEFAULT_STABILITY_BONUS_M = 500  # a recipient moves only if that saves more than 500 m of travel
DEFAULT_START = dt.time(9, 30)
DEFAULT_DEADLINE = dt.time(12, 0)  # lunch on the table by noon
DEFAULT_RETURN_BY = dt.time(13, 0)
MOTORBIKE_LOAD = 40  # rantang a rider carries in one trip
REGENCY_MARGIN_DEG = 0.05  # around the outermost village centres (~5 km)


# --- who may act ---------------------------------------------------------------------------------------

def _is_system(actor: Actor) -> bool:
    return actor.via == "cli" and actor.user is None


def is_office(user) -> bool:
    scope = area_scope(user)
    return bool(getattr(user, "is_superuser", False)) or (scope.read_all and bool(OFFICE_ROLES & scope.roles))


def _require_office(actor: Actor) -> None:
    if _is_system(actor) or is_office(actor.user):
        return
    raise DomainError("forbidden", _("Hanya kantor program Rantang Kasih (Dinas Sosial, admin kabupaten) yang boleh melakukan ini."))


def _require_village_write(actor: Actor, village_id: int) -> None:
    if _is_system(actor) or is_office(actor.user) and area_scope(actor.user).write_all:
        return
    if not area_scope(actor.user).can_write_village(village_id):
        raise DomainError("forbidden", _("Anda tidak boleh mengubah data Rantang Kasih desa ini."), field="village")


def provider_of(user) -> Provider | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Provider.objects.filter(user=user, active=True).first()


# --- places ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bounds:
    south: float
    north: float
    west: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


def regency_bounds() -> Bounds:
    """The box around every village centre of the regency, with a margin (read per call: no cache)."""
    villages = Area.objects.filter(kind__in=(AreaKind.DESA, AreaKind.KELURAHAN), latitude__isnull=False, longitude__isnull=False)
    points = list(villages.values_list("latitude", "longitude"))
    if not points:
        raise DomainError("not_configured", _("Desa belum punya titik peta: muat data wilayah terlebih dahulu."), field="areas")
    lats, lons = zip(*points, strict=True)
    m = REGENCY_MARGIN_DEG
    return Bounds(min(lats) - m, max(lats) + m, min(lons) - m, max(lons) + m)


def _point(lat, lon, *, field: str = "latitude", required: bool = True) -> tuple[float | None, float | None]:
    if lat in (None, "") and lon in (None, ""):
        if required:
            raise DomainError("missing_point", _("Titik peta (lintang dan bujur) wajib diisi."), field=field)
        return None, None
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise DomainError("invalid", _("Lintang dan bujur harus berupa angka (contoh: -8.2192, 114.3691)."), field=field) from None
    if not (np.isfinite(lat) and np.isfinite(lon)):
        raise DomainError("invalid", _("Lintang dan bujur harus berupa angka yang sah."), field=field)
    if not regency_bounds().contains(lat, lon):
        raise DomainError("outside_regency", _("Titik %(lat).5f, %(lon).5f berada di luar kabupaten.") % {"lat": lat, "lon": lon}, field=field)
    return lat, lon


def _village(area: Area | None) -> Area:
    if area is None or not area.is_village:
        raise DomainError("invalid", _("Pilih desa atau kelurahan."), field="village")
    return area


def _days(value: str) -> str:
    value = "".join(sorted(set(str(value or "").replace(",", "").replace(" ", ""))))
    if not value or any(c not in WEEKDAYS for c in value):
        raise DomainError("invalid", _("Hari layanan: angka hari 1 (Senin) sampai 7 (Minggu), paling sedikit satu."), field="days_served")
    return value


def _positive(value, field: str, label: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError("invalid", _("%(label)s harus berupa bilangan bulat.") % {"label": label}, field=field) from None
    if number <= 0:
        raise DomainError("invalid", _("%(label)s harus lebih dari nol.") % {"label": label}, field=field)
    return number


# --- providers and menus ---------------------------------------------------------------------------------

PROVIDER_TEXT_FIELDS = ("name", "owner_name", "owner_phone", "address", "dietician_name", "dietician_phone",
                        "bank_name", "bank_account_number", "bank_account_holder")


def _required_label(name: str) -> str:
    return {"name": _("Nama warung"), "owner_name": _("Nama pemilik"), "address": _("Alamat")}.get(name, name)


def _provider_fields(data: dict) -> dict:
    out = {}
    for name in PROVIDER_TEXT_FIELDS:
        if name in data:
            out[name] = str(data[name] or "").strip()
    for name in ("name", "owner_name", "address"):
        if name in out and not out[name]:
            raise DomainError("invalid", _("%(label)s wajib diisi.") % {"label": _required_label(name)}, field=name)
    if "village" in data:
        out["village"] = _village(data["village"])
    if "latitude" in data or "longitude" in data:
        out["latitude"], out["longitude"] = _point(data.get("latitude"), data.get("longitude"))
    if "daily_capacity" in data:
        out["daily_capacity"] = _positive(data["daily_capacity"], "daily_capacity", _("Kapasitas harian"))
    if "price_per_portion" in data:
        out["price_per_portion"] = _positive(data["price_per_portion"], "price_per_portion", _("Harga per porsi"))
    if "days_served" in data:
        out["days_served"] = _days(data["days_served"])
    if "active" in data:
        out["active"] = bool(data["active"])
    return out


@transaction.atomic
def provider_create(*, actor: Actor, name: str, owner_name: str, address: str, village: Area | None, latitude, longitude,
                    daily_capacity, price_per_portion, days_served: str = "1234567", owner_phone: str = "",
                    dietician_name: str = "", dietician_phone: str = "", bank_name: str = "", bank_account_number: str = "",
                    bank_account_holder: str = "") -> Provider:
    _require_office(actor)
    fields = _provider_fields({
        "name": name, "owner_name": owner_name, "owner_phone": owner_phone, "address": address, "village": village,
        "latitude": latitude, "longitude": longitude, "daily_capacity": daily_capacity, "price_per_portion": price_per_portion,
        "days_served": days_served, "dietician_name": dietician_name, "dietician_phone": dietician_phone, "bank_name": bank_name,
        "bank_account_number": bank_account_number, "bank_account_holder": bank_account_holder,
    })
    provider = Provider.objects.create(**fields)
    audit_record(actor=actor, action="meals.provider_create", obj=provider, village=provider.village,
                 changes={"name": provider.name, "capacity": provider.daily_capacity, "price": provider.price_per_portion})
    return provider


@transaction.atomic
def provider_update(*, actor: Actor, provider: Provider, changes: dict) -> Provider:
    """Change a provider's details. Capacity may not drop below the recipients assigned now (run the
    assignment with the new capacity instead: it moves the surplus)."""
    _require_office(actor)
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    fields = _provider_fields(changes)
    if "daily_capacity" in fields and fields["daily_capacity"] < provider.assigned:
        raise DomainError("conflict", _("%(provider)s melayani %(assigned)d penerima; kapasitas tidak bisa turun menjadi %(capacity)d. "
                                        "Pindahkan penerima dahulu (jalankan penugasan).")
                          % {"provider": provider.name, "assigned": provider.assigned, "capacity": fields["daily_capacity"]}, field="daily_capacity")
    if fields.get("active") is False and provider.assigned:
        raise DomainError("conflict", _("%(provider)s masih melayani %(assigned)d penerima; pindahkan mereka dahulu.") % {"provider": provider.name, "assigned": provider.assigned}, field="active")
    before = {name: getattr(provider, name if name != "village" else "village_id") for name in fields}
    for name, value in fields.items():
        setattr(provider, name, value)
    provider.save(update_fields=list(fields))
    audit_record(actor=actor, action="meals.provider_update", obj=provider, village=provider.village_id,
                 changes={name: [str(before[name]), str(getattr(provider, name if name != "village" else "village_id"))] for name in fields})
    return provider


@transaction.atomic
def provider_login_create(*, actor: Actor, provider: Provider, username: str, password: str) -> object:
    """A login for the provider: it has no registry role and sees only this provider's round."""
    _require_office(actor)
    username = (username or "").strip()
    if not username or len(password or "") < 8:
        raise DomainError("invalid", _("Nama pengguna dan kata sandi minimal 8 karakter wajib diisi."), field="username")
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    if provider.user_id:
        raise DomainError("conflict", _("%(provider)s sudah punya akun masuk.") % {"provider": provider.name}, field="username")
    users = get_user_model()
    if users.objects.filter(username=username).exists():
        raise DomainError("duplicate", _("Nama pengguna %(username)s sudah dipakai.") % {"username": username}, field="username")
    user = users.objects.create_user(username=username, password=password, first_name=provider.name[:150])
    provider.user = user
    provider.save(update_fields=["user"])
    audit_record(actor=actor, action="meals.provider_login", obj=provider, village=provider.village_id, changes={"username": username})
    return user


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@transaction.atomic
def menu_submit(*, actor: Actor, provider: Provider, week_start: dt.date, days: dict) -> WeeklyMenu:
    """The provider (or the office for it) submits a week's menu; a rejected menu may be submitted again."""
    if provider_of(actor.user) != provider:
        _require_office(actor)
    if week_start != _monday(week_start):
        raise DomainError("invalid", _("Menu mingguan dimulai pada hari Senin."), field="week_start")
    clean = {str(k): str(v).strip() for k, v in (days or {}).items() if str(v).strip()}
    if not clean or any(k not in WEEKDAYS for k in clean):
        raise DomainError("invalid", _("Isi hidangan untuk paling sedikit satu hari (1 = Senin ... 7 = Minggu)."), field="days")
    for day in provider.days_served:
        if day not in clean:
            raise DomainError("invalid", _("Menu belum berisi hari %(day)s, padahal warung melayani hari itu.") % {"day": day}, field="days")
    menu = WeeklyMenu.objects.select_for_update().filter(provider=provider, week_start=week_start).first()
    if menu is not None and menu.state != MenuState.REJECTED:
        raise DomainError("duplicate", _("Menu untuk minggu %(week)s sudah %(state)s.") % {"week": week_start.strftime("%d/%m/%Y"), "state": menu.get_state_display().lower()}, field="week_start")
    if menu is None:
        menu = WeeklyMenu.objects.create(provider=provider, week_start=week_start, days=clean)
    else:
        menu.days, menu.state, menu.reviewed_at, menu.reviewed_by, menu.review_note = clean, MenuState.SUBMITTED, None, "", ""
        menu.save()
    audit_record(actor=actor, action="meals.menu_submit", obj=menu, village=provider.village_id, changes={"week_start": week_start.isoformat()})
    return menu


@transaction.atomic
def menu_review(*, actor: Actor, menu: WeeklyMenu, approve: bool, dietician_name: str, note: str = "") -> WeeklyMenu:
    """The dietician's verdict on a weekly menu, recorded by the programme office with the dietician's name."""
    _require_office(actor)
    menu = WeeklyMenu.objects.select_for_update().get(pk=menu.pk)
    if menu.state != MenuState.SUBMITTED:
        raise DomainError("conflict", _("Menu ini sudah %(state)s.") % {"state": menu.get_state_display().lower()}, field="state")
    dietician_name = (dietician_name or "").strip()
    if not dietician_name:
        raise DomainError("invalid", _("Tuliskan nama ahli gizi yang memeriksa menu."), field="dietician_name")
    if not approve and not note.strip():
        raise DomainError("invalid", _("Tuliskan alasan menu ditolak."), field="note")
    menu.state = MenuState.APPROVED if approve else MenuState.REJECTED
    menu.reviewed_at, menu.reviewed_by, menu.review_note = timezone.now(), dietician_name[:120], note.strip()[:300]
    menu.save()
    audit_record(actor=actor, action="meals.menu_review", obj=menu, village=menu.provider.village_id, changes={"state": menu.state, "dietician": dietician_name})
    return menu


# --- recipients ------------------------------------------------------------------------------------------

def _programme() -> Programme:
    programme = Programme.objects.filter(code=PROGRAMME_CODE).first()
    if programme is None:
        raise DomainError("not_configured", _("Program Rantang Kasih belum ada di katalog: jalankan `smartkampung load_programmes`."), field="programme")
    return programme


@transaction.atomic
def recipients_sync(*, actor: Actor, as_of: dt.date | None = None) -> dict[str, int]:
    """Bring the recipient list in line with the programme's enrolments, set-based.

    New active enrolments of a living resident become recipients with their household's map point as the
    delivery point (outside the regency or missing: no point, listed as unserved until a village operator
    sets one); recipients whose enrolment has ended are ended and their place freed."""
    _require_office(actor)
    as_of = as_of or timezone.localdate()
    programme = _programme()
    active = Enrolment.objects.filter(programme=programme, person__isnull=False, village__isnull=False, start_date__lte=as_of,
                                      person__date_of_death__isnull=True).filter(Q(end_date__isnull=True) | Q(end_date__gte=as_of))
    new = list(active.filter(meals_recipient__isnull=True).values_list("pk", "person_id", "village_id"))
    homes = dict(Membership.objects.filter(person_id__in=[p for _, p, _ in new], end_date__isnull=True).values_list("person_id", "household_id"))
    points = dict((h, (lat, lon)) for h, lat, lon in Household.objects.filter(pk__in=set(homes.values())).values_list("pk", "latitude", "longitude"))
    bounds = regency_bounds()
    rows = []
    for enrolment_id, person_id, village_id in new:
        lat, lon = points.get(homes.get(person_id), (None, None))
        if lat is None or lon is None or not bounds.contains(lat, lon):
            lat = lon = None
        rows.append(Recipient(enrolment_id=enrolment_id, person_id=person_id, village_id=village_id, latitude=lat, longitude=lon))
    Recipient.objects.bulk_create(rows, batch_size=1000)
    ending = Recipient.objects.select_for_update().exclude(state=RecipientState.ENDED).exclude(enrolment__in=active)
    ended = _end_recipients(ending, as_of)
    audit_record(actor=actor, action="meals.recipients_sync", obj=programme, changes={"created": len(rows), "ended": ended})
    return {"created": len(rows), "ended": ended}


def _end_recipients(queryset, on: dt.date) -> int:
    """End recipients and free their places (provider counts first: F() keeps them exact under concurrency)."""
    ids = list(queryset.values_list("pk", flat=True))  # locks the rows when the queryset says select_for_update
    rows = Recipient.objects.filter(pk__in=ids)  # PostgreSQL refuses FOR UPDATE with the GROUP BY below
    freed = dict(rows.filter(provider__isnull=False).values_list("provider_id").annotate(n=Count("id")).values_list("provider_id", "n"))
    for provider_id, n in freed.items():
        Provider.objects.filter(pk=provider_id).update(assigned=F("assigned") - n)
    return rows.update(state=RecipientState.ENDED, ended_on=on, provider=None, distance_m=None)


@transaction.atomic
def recipient_update(*, actor: Actor, recipient: Recipient, changes: dict) -> Recipient:
    """Delivery point, landmark, diet and meals a day; by the village (or the office)."""
    recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
    _require_village_write(actor, recipient.village_id)
    if recipient.state == RecipientState.ENDED:
        raise DomainError("conflict", _("Rantang Kasih untuk penerima ini sudah berakhir."), field="state")
    fields: dict = {}
    if "latitude" in changes or "longitude" in changes:
        fields["latitude"], fields["longitude"] = _point(changes.get("latitude"), changes.get("longitude"), required=False)
    if "delivery_note" in changes:
        fields["delivery_note"] = str(changes["delivery_note"] or "").strip()[:200]
    if "diet" in changes:
        diet = sorted(set(changes["diet"] or []))
        unknown = [d for d in diet if d not in Diet.values]
        if unknown:
            raise DomainError("invalid", _("Diet %(unknown)s tidak dikenal; pilih salah satu dari %(known)s.") % {"unknown": ", ".join(unknown), "known": ", ".join(Diet.values)}, field="diet")
        fields["diet"] = diet
    if "diet_note" in changes:
        fields["diet_note"] = str(changes["diet_note"] or "").strip()[:300]
    if "meals_per_day" in changes:
        if str(changes["meals_per_day"]) not in ("1", "2"):
            raise DomainError("invalid", _("Makan per hari: 1 atau 2."), field="meals_per_day")
        fields["meals_per_day"] = int(changes["meals_per_day"])
    before = {name: getattr(recipient, name) for name in fields}
    for name, value in fields.items():
        setattr(recipient, name, value)
    recipient.save(update_fields=list(fields) or None)
    audit_record(actor=actor, action="meals.recipient_update", obj=recipient, village=recipient.village_id,
                 changes={name: [before[name], getattr(recipient, name)] for name in fields})
    return recipient


# --- assignment ------------------------------------------------------------------------------------------

@transaction.atomic
def assignment_run(*, actor: Actor, max_m: int = DEFAULT_MAX_M, stability_bonus_m: int = DEFAULT_STABILITY_BONUS_M,
                   k: int = solver.DEFAULT_K) -> AssignmentRun:
    """Assign every recipient holding a place (fed, or paused: in hospital, a death to confirm) to one
    provider: minimum total travel within capacity and distance, proven optimal; a recipient keeps their
    provider unless moving saves more than `stability_bonus_m`. A paused recipient keeps a place, so the
    provider's count stays true when deliveries resume (or the place is freed, with an F() decrement).

    The providers are locked for the run, so two runs (or a run and a capacity change) queue behind each
    other; the capacity check constraint is the last word either way."""
    _require_office(actor)
    max_m = _positive(max_m, "max_m", _("Jarak maksimum"))
    if int(stability_bonus_m) < 0:
        raise DomainError("invalid", _("Bonus stabilitas tidak boleh negatif."), field="stability_bonus_m")
    k = _positive(k, "k", "k")
    started = time.monotonic()
    providers = list(Provider.objects.select_for_update().filter(active=True).order_by("pk").values_list("pk", "latitude", "longitude", "daily_capacity"))
    recipients = list(Recipient.objects.select_for_update().filter(state__in=HOLDING_A_PLACE).order_by("pk")
                      .values_list("pk", "latitude", "longitude", "provider_id", "village_id", "distance_m"))
    located = [r for r in recipients if r[1] is not None]
    no_point = [r for r in recipients if r[1] is None]
    index_of = {pk: j for j, (pk, *_rest) in enumerate(providers)}
    problem = solver.Problem(
        recipient_lat=np.array([r[1] for r in located], dtype=float), recipient_lon=np.array([r[2] for r in located], dtype=float),
        provider_lat=np.array([p[1] for p in providers], dtype=float), provider_lon=np.array([p[2] for p in providers], dtype=float),
        capacity=np.array([p[3] for p in providers], dtype=np.int64), max_m=max_m,
        current=np.array([index_of.get(r[3], -1) for r in located], dtype=np.int64), stability_bonus_m=int(stability_bonus_m),
    )
    if providers and located:
        dist = solver.distances(problem)
        result = solver.assign(problem, k=k, dist=dist)
        nearest = dist.min(axis=1)
    else:
        result = solver.Result(np.full(len(located), -1), np.full(len(located), -1), [solver.NO_PROVIDER_NEAR] * len(located), 0, 0, 0,
                               True, "nothing to assign" if not located else "no active provider", k, 0, 0, 0.0)
        nearest = np.full(len(located), -1)
    now = timezone.now()
    Provider.objects.filter(active=True).update(assigned=0)  # recounted below, inside the same transaction
    Recipient.objects.filter(pk__in=[r[0] for r in no_point]).update(provider=None, distance_m=None)
    moved = kept = newly = 0
    reassigned: list[Recipient] = []
    remeasured: list[Recipient] = []  # same provider, another distance (a map point was corrected)
    for (pk, _lat, _lon, old, _v, old_m), j, d in zip(located, result.provider.tolist(), result.distance_m.tolist(), strict=True):
        new = providers[j][0] if j >= 0 else None
        distance = d if new else None
        if new == old:
            kept += new is not None
            if distance != old_m:
                remeasured.append(Recipient(pk=pk, distance_m=distance))
            continue
        moved += old is not None and new is not None
        newly += old is None
        reassigned.append(Recipient(pk=pk, provider_id=new, distance_m=distance, assigned_at=now if new else None))
    # Only what changed is written: a stable re-run writes nothing to the recipients.
    Recipient.objects.bulk_update(reassigned, ["provider", "distance_m", "assigned_at"], batch_size=500)
    Recipient.objects.bulk_update(remeasured, ["distance_m"], batch_size=500)
    counts = np.bincount(result.provider[result.provider >= 0], minlength=len(providers)) if providers else []
    for (pk, *_rest), n in zip(providers, counts, strict=True):
        if n:
            Provider.objects.filter(pk=pk).update(assigned=int(n))
    run = AssignmentRun.objects.create(
        by=actor.display[:150], max_m=max_m, stability_bonus_m=int(stability_bonus_m), k=k, recipients=len(recipients),
        assigned=result.assigned, unassigned=len(recipients) - result.assigned, moved=moved, kept=kept, newly_assigned=newly,
        total_m=result.total_m, proven_optimal=result.proven_optimal, proof=result.proof[:300], seconds=round(time.monotonic() - started, 3),
    )
    unserved = [Unserved(run=run, recipient_id=r[0], village_id=r[4], reason=UnservedReason.NO_LOCATION) for r in no_point]
    unserved += [Unserved(run=run, recipient_id=r[0], village_id=r[4], reason=reason, nearest_m=int(near) if near >= 0 else None)
                 for r, reason, near in zip(located, result.reason, nearest.tolist(), strict=True) if reason]
    Unserved.objects.bulk_create(unserved, batch_size=1000)
    audit_record(actor=actor, action="meals.assignment_run", obj=run, changes={
        "assigned": run.assigned, "unassigned": run.unassigned, "moved": moved, "total_m": run.total_m, "proof": run.proof})
    return run


# --- rounds ----------------------------------------------------------------------------------------------

def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _clock(seconds: int) -> dt.time:
    seconds = max(0, min(int(seconds), 24 * 3600 - 1))
    return dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)


@dataclass
class RoundsSummary:
    date: dt.date
    rounds: int
    stops: int
    late: int
    kept: int  # rounds not re-planned because deliveries are already marked on them
    distance_m: int
    seconds: float


@transaction.atomic
def rounds_plan(*, actor: Actor, date: dt.date, start: dt.time = DEFAULT_START, deadline: dt.time = DEFAULT_DEADLINE,
                return_by: dt.time = DEFAULT_RETURN_BY, providers: list[Provider] | None = None,
                exploration_level: int = routing.EXPLORATION_LEVEL) -> RoundsSummary:
    """Plan each provider's round for a day (VROOM): from the warung to every assigned recipient and back,
    every meal before `deadline`, home by `return_by`. A round that already has marks is kept as it is."""
    _require_office(actor)
    if not (start < deadline <= return_by):
        raise DomainError("invalid", _("Jam berangkat, batas antar, dan jam kembali harus berurutan."), field="deadline")
    started = time.monotonic()
    chosen = Provider.objects.filter(active=True).order_by("pk")
    if providers is not None:
        chosen = chosen.filter(pk__in=[p.pk for p in providers])
    chosen = [p for p in chosen.select_for_update() if p.serves_on(date)]
    stops_by_provider: dict[int, list[tuple]] = {}
    for row in Recipient.objects.filter(state=RecipientState.ACTIVE, provider__in=chosen).order_by("pk").values_list(
            "provider_id", "pk", "latitude", "longitude", "village_id", "meals_per_day"):
        stops_by_provider.setdefault(row[0], []).append(row[1:])
    marked = set(Delivery.objects.filter(date=date, provider__in=chosen).values_list("provider_id", flat=True))
    Round.objects.filter(date=date, provider__in=[p for p in chosen if p.pk not in marked]).delete()
    total = late_total = stops_total = planned = 0
    for provider in chosen:
        if provider.pk in marked:
            continue
        stops = stops_by_provider.get(provider.pk, [])
        if not stops:
            continue  # nobody to feed: no round
        spec = routing.RoundSpec(
            depot_lat=provider.latitude, depot_lon=provider.longitude,
            stop_lat=np.array([s[1] for s in stops], dtype=float), stop_lon=np.array([s[2] for s in stops], dtype=float),
            start=_seconds(start), deadline=_seconds(deadline), return_by=_seconds(return_by), capacity=MOTORBIKE_LOAD,
        )
        plan = routing.plan_vroom(spec, exploration_level=exploration_level)
        round_ = Round.objects.create(provider=provider, date=date, start_time=start, deadline=deadline, return_by=return_by,
                                      distance_m=plan.distance_m, back_at=_clock(plan.back_at), late=len(plan.late))
        late = set(plan.late)
        RoundStop.objects.bulk_create([
            RoundStop(round=round_, recipient_id=stops[i][0], village_id=stops[i][3], seq=seq + 1, eta=_clock(arrival), late=i in late, portions=stops[i][4])
            for seq, (i, arrival) in enumerate(zip(plan.order, plan.arrival, strict=True))
        ])
        total += plan.distance_m
        late_total += len(plan.late)
        stops_total += len(stops)
        planned += 1
    summary = RoundsSummary(date=date, rounds=planned, stops=stops_total, late=late_total, kept=len(marked), distance_m=total,
                            seconds=round(time.monotonic() - started, 2))
    audit_record(actor=actor, action="meals.rounds_plan", obj=_programme(), changes={
        "date": date.isoformat(), "rounds": planned, "stops": stops_total, "late": late_total, "kept": len(marked)})
    return summary


# --- the delivery log ------------------------------------------------------------------------------------

def _marker(actor: Actor, provider: Provider) -> None:
    own = provider_of(actor.user)
    if own is not None and own.pk == provider.pk:
        return
    _require_office(actor)


@transaction.atomic
def delivery_mark(*, actor: Actor, recipient: Recipient, outcome: str, latitude=None, longitude=None, note: str = "",
                  on: dt.date | None = None) -> Delivery:
    """Mark today's meal of a recipient on the provider's round. Once per meal: a second mark is refused
    (by the database's unique constraint); a mistake is corrected with delivery_correct."""
    if outcome not in Outcome.values:
        raise DomainError("invalid", _("Hasil %(outcome)r tidak dikenal; pilih salah satu dari %(known)s.") % {"outcome": outcome, "known": ", ".join(Outcome.values)}, field="outcome")
    today = timezone.localdate()
    on = on or today
    provider = provider_of(actor.user)
    if provider is None:
        _require_office(actor)  # the office may record for a provider (a phone that broke), for any day of the round
    elif on != today:
        raise DomainError("invalid", _("Warung hanya dapat menandai rute hari ini."), field="date")
    stop = (RoundStop.objects.select_related("round__provider", "recipient").filter(round__date=on, recipient=recipient)
            .filter(**({"round__provider": provider} if provider else {})).first())
    if stop is None:
        raise DomainError("not_on_round", (_("Penerima ini tidak ada di rute Anda tanggal %(date)s.") if provider
                                                 else _("Penerima ini tidak ada di rute mana pun tanggal %(date)s.")) % {"date": on.strftime("%d/%m/%Y")}, field="recipient")
    lat, lon = _mark_point(latitude, longitude)
    entry = _entry(actor=actor, stop=stop, outcome=outcome, lat=lat, lon=lon, note=note, corrects=None)
    _after_mark(actor=actor, entry=entry)
    return entry


def _mark_point(latitude, longitude) -> tuple[float | None, float | None]:
    """The phone's position: optional (GPS may be off), but when given it must be a real point. A phone
    just outside the regency's box (a border hamlet) is recorded as it is: it is evidence, not an address."""
    if latitude in (None, "") or longitude in (None, ""):
        return None, None
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise DomainError("invalid", _("Posisi ponsel harus berupa dua angka."), field="latitude") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError("invalid", _("Posisi ponsel bukan titik yang sah di bumi."), field="latitude")
    return lat, lon


def _entry(*, actor: Actor, stop: RoundStop, outcome: str, lat, lon, note: str, corrects: Delivery | None) -> Delivery:
    provider = stop.round.provider
    try:
        with transaction.atomic():
            entry = Delivery.objects.create(
                stop=stop, recipient_id=stop.recipient_id, provider=provider, village_id=stop.village_id, date=stop.round.date,
                outcome=outcome, portions=stop.portions if outcome == Outcome.DELIVERED else 0, price_per_portion=provider.price_per_portion,
                marked_at=timezone.now(), latitude=lat, longitude=lon, note=(note or "").strip()[:300], corrects=corrects,
                by=actor.user_or_none, by_label=actor.display[:150],
            )
    except IntegrityError:
        if corrects is None:
            raise DomainError("duplicate", _("Makanan ini sudah ditandai; koreksi tandanya, jangan menandai lagi."), field="recipient") from None
        raise DomainError("conflict", _("Tanda itu sudah dikoreksi; koreksi catatan yang terbaru."), field="entry") from None
    audit_record(actor=actor, action="meals.delivery_correct" if corrects else "meals.delivery_mark", obj=entry, village=stop.village_id,
                 changes={"recipient": stop.recipient_id, "date": stop.round.date.isoformat(), "outcome": outcome,
                          **({"corrects": corrects.pk} if corrects else {})})
    return entry


@transaction.atomic
def delivery_correct(*, actor: Actor, entry: Delivery, outcome: str, note: str) -> Delivery:
    """A new log entry that replaces `entry` (which stays in the log). Only the latest entry of a meal can be
    corrected; the provider may correct today's marks, the office any."""
    if outcome not in Outcome.values:
        raise DomainError("invalid", _("Hasil %(outcome)r tidak dikenal; pilih salah satu dari %(known)s.") % {"outcome": outcome, "known": ", ".join(Outcome.values)}, field="outcome")
    entry = Delivery.objects.select_related("stop__round__provider").get(pk=entry.pk)
    provider = provider_of(actor.user)
    if provider is None:
        _require_office(actor)
    elif provider.pk != entry.provider_id or entry.date != timezone.localdate():
        raise DomainError("forbidden", _("Warung hanya dapat mengoreksi tandanya sendiri hari ini."), field="entry")
    if not (note or "").strip():
        raise DomainError("invalid", _("Tuliskan alasan tanda dikoreksi."), field="note")
    new = _entry(actor=actor, stop=entry.stop, outcome=outcome, lat=None, lon=None, note=note, corrects=entry)
    _after_mark(actor=actor, entry=new)
    return new


def _after_mark(*, actor: Actor, entry: Delivery) -> None:
    recipient = Recipient.objects.select_for_update().get(pk=entry.recipient_id)
    if entry.corrects_id and PAUSING_OUTCOMES.get(entry.corrects.outcome) == recipient.state:
        recipient.state, recipient.death_reported_on = RecipientState.ACTIVE, None  # the mark was a mistake
        recipient.save(update_fields=["state", "death_reported_on"])
    paused = PAUSING_OUTCOMES.get(entry.outcome)
    if paused and recipient.state == RecipientState.ACTIVE:
        recipient.state = paused
        if paused == RecipientState.DEATH_REPORTED:
            recipient.death_reported_on = entry.date
        recipient.save(update_fields=["state", "death_reported_on"])
        action = "meals.death_reported" if paused == RecipientState.DEATH_REPORTED else "meals.in_hospital"
        audit_record(actor=actor, action=action, obj=recipient, village=recipient.village_id, changes={"date": entry.date.isoformat()})
    if entry.outcome in MISSED_OUTCOMES:
        _welfare_check(actor=actor, entry=entry, recipient=recipient)
    elif entry.outcome == Outcome.SICK:
        # An elderly person living alone, sick at home: the village and the Puskesmas hear of it the same day.
        labels = dict(Outcome.choices)
        _welfare_case(actor=actor, entry=entry, recipient=recipient,
                      title=f"Rantang Kasih: penerima sakit ({entry.date:%d/%m})",
                      description=f"Penyedia {entry.provider.name} mencatat: {entry.date.isoformat()} {labels[entry.outcome]}. {entry.note}")


def effective_outcome(stop_id: int) -> Delivery | None:
    """The latest entry of a meal: the one no other entry corrects."""
    return Delivery.objects.filter(stop_id=stop_id, corrected_by__isnull=True).order_by("-id").first()


def _welfare_check(*, actor: Actor, entry: Delivery, recipient: Recipient) -> None:
    """Not home or refused on this round and on the recipient's previous round: raise a welfare check for
    the village and the Puskesmas (cases app). While that case is open, further misses join it."""
    previous = (RoundStop.objects.filter(recipient=recipient, round__date__lt=entry.date).order_by("-round__date").values_list("pk", "round__date").first())
    if previous is None:
        return
    last = effective_outcome(previous[0])
    if last is None or last.outcome not in MISSED_OUTCOMES:
        return
    labels = dict(Outcome.choices)
    _welfare_case(actor=actor, entry=entry, recipient=recipient,
                  title=f"Rantang Kasih: cek kondisi penerima ({labels[last.outcome]} {previous[1]:%d/%m}, {labels[entry.outcome]} {entry.date:%d/%m})",
                  description=(f"Penyedia {entry.provider.name} mencatat: {previous[1].isoformat()} {labels[last.outcome]}; "
                               f"{entry.date.isoformat()} {labels[entry.outcome]}. {entry.note}"))


def _welfare_case(*, actor: Actor, entry: Delivery, recipient: Recipient, title: str, description: str) -> None:
    """A welfare check for the village and the Puskesmas (cases app), or the open one this recipient has."""
    from smartkampung.cases.services import case_raise

    case = case_raise(
        actor=actor, category_code="welfare_check", village=recipient.village, subject_person=recipient.person,
        title=title, description=description.strip(),
        latitude=recipient.latitude, longitude=recipient.longitude, confidential=True,
        source="meals", source_ref=f"welfare:recipient:{recipient.pk}",
    )
    Delivery.objects.filter(pk=entry.pk).update(welfare_case_ref=str(getattr(case, "ticket", case.pk))[:40])
    entry.welfare_case_ref = str(getattr(case, "ticket", case.pk))[:40]
    audit_record(actor=actor, action="meals.welfare_check", obj=entry, village=recipient.village_id, changes={"case": entry.welfare_case_ref})


# --- deaths ----------------------------------------------------------------------------------------------

@transaction.atomic
def death_confirm(*, actor: Actor, recipient: Recipient, date_of_death: dt.date) -> Recipient:
    """The village confirms a death a provider reported: the enrolment ends and the place is freed."""
    from smartkampung.programmes.services import enrolment_end

    recipient = Recipient.objects.select_for_update().select_related("enrolment").get(pk=recipient.pk)
    _require_village_write(actor, recipient.village_id)
    if recipient.state != RecipientState.DEATH_REPORTED:
        raise DomainError("conflict", _("Tidak ada laporan kematian penerima ini yang menunggu konfirmasi."), field="state")
    if not isinstance(date_of_death, dt.date) or date_of_death > timezone.localdate():
        raise DomainError("invalid", _("Tanggal meninggal harus berupa tanggal dan tidak di masa depan."), field="date_of_death")
    if date_of_death < recipient.enrolment.start_date:
        raise DomainError("invalid", _("Tanggal meninggal lebih awal dari mulai kepesertaan."), field="date_of_death")
    enrolment_end(actor=actor, enrolment=recipient.enrolment, end_date=date_of_death, reason="meninggal (dikonfirmasi desa, laporan Rantang Kasih)")
    _end_recipients(Recipient.objects.filter(pk=recipient.pk), date_of_death)
    recipient.refresh_from_db()
    audit_record(actor=actor, action="meals.death_confirm", obj=recipient, village=recipient.village_id, changes={"date_of_death": date_of_death.isoformat()})
    return recipient


@transaction.atomic
def recipient_resume(*, actor: Actor, recipient: Recipient) -> Recipient:
    """Home from hospital: the recipient is on their provider's rounds again from the next round planned."""
    recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
    _require_village_write(actor, recipient.village_id)
    if recipient.state != RecipientState.IN_HOSPITAL:
        raise DomainError("conflict", _("Penerima ini tidak sedang dirawat di rumah sakit."), field="state")
    recipient.state = RecipientState.ACTIVE
    recipient.save(update_fields=["state"])
    audit_record(actor=actor, action="meals.resume", obj=recipient, village=recipient.village_id, changes={"state": [RecipientState.IN_HOSPITAL, RecipientState.ACTIVE]})
    return recipient


@transaction.atomic
def death_reject(*, actor: Actor, recipient: Recipient, note: str) -> Recipient:
    """The village finds the recipient alive: deliveries resume."""
    recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
    _require_village_write(actor, recipient.village_id)
    if recipient.state != RecipientState.DEATH_REPORTED:
        raise DomainError("conflict", _("Tidak ada laporan kematian penerima ini yang menunggu konfirmasi."), field="state")
    if not (note or "").strip():
        raise DomainError("invalid", _("Tuliskan hasil pemeriksaan desa."), field="note")
    recipient.state, recipient.death_reported_on = RecipientState.ACTIVE, None
    recipient.save(update_fields=["state", "death_reported_on"])
    audit_record(actor=actor, action="meals.death_reject", obj=recipient, village=recipient.village_id, changes={"note": note.strip()[:300]})
    return recipient
