"""Seed data: ~300 isolation houses across the villages, a few reservations, stays and daily checks as of
the seed date, and the affected residents (~3,500 at full scale, proportionally fewer below).

Deterministic per seed; set-based (bulk inserts, a handful of queries whatever the population)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Count

from smartkampung.core.audit import Actor
from smartkampung.core.models import Area
from smartkampung.registry.models import Person

from .models import (
    STAY_NIGHTS,
    AffectedResident,
    AffectedSource,
    Bed,
    BedNight,
    CheckerKind,
    DailyCheck,
    Facility,
    HousePillar,
    IsolationHouse,
    PillarKind,
    Puskesmas,
    Reservation,
    ReservationStatus,
    Room,
)
from .services import CODE_ALPHABET, puskesmas_load

HOUSES = 300
FULL_POPULATION = 1_791_789
AFFECTED_AT_FULL = {"tourism": 3_500, "laid_off": 1_400, "informal": 2_100}
BUILDINGS = ("Balai Desa", "Gedung Serbaguna", "Polindes", "Gedung SD Negeri", "Rumah Warga (pinjam pakai)", "Gedung PKK")
FIRST = ("Agus", "Budi", "Eko", "Hadi", "Joko", "Rudi", "Sugeng", "Wahyu", "Bambang", "Yusuf", "Dwi", "Teguh", "Heru", "Slamet")
LAST = ("Santoso", "Prasetyo", "Wibowo", "Hidayat", "Setiawan", "Susanto", "Kurniawan", "Nugroho", "Saputra", "Firmansyah")
ORIGINS = ("Surabaya", "Jakarta", "Bali (Denpasar)", "Malaysia (Johor Bahru)", "Hong Kong", "Taiwan", "Malang", "Jember", "Arab Saudi")
WORKPLACES = {"tourism": ("Hotel di Pantai Boom", "Homestay Kemiren", "Pemandu wisata Ijen", "Agen perjalanan", "Restoran Pulau Merah"),
              "laid_off": ("Pabrik pengalengan ikan Muncar", "Pabrik kayu", "Toko ritel", "Perusahaan ekspedisi"),
              "informal": ("Warung makan", "Pedagang kaki lima", "Ojek", "Penjahit", "Pengrajin batik")}


def _phone(rng: random.Random) -> str:
    return "08" + "".join(rng.choice("0123456789") for _ in range(10))


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _houses_per_village(villages: list[Area], residents: dict[int, int]) -> dict[int, int]:
    """One house per village; the remaining houses go to the most populous villages (then by code)."""
    per = dict.fromkeys((v.id for v in villages), 1)
    extra = max(0, HOUSES - len(villages))
    by_size = sorted(villages, key=lambda v: (-residents.get(v.id, 0), v.code))
    for i in range(extra):
        per[by_size[i % len(by_size)].id] += 1
    return per


def _seed_houses(rng: random.Random, villages: list[Area]) -> list[IsolationHouse]:
    residents = dict(Person.objects.filter(date_of_death__isnull=True).values("village_id").annotate(n=Count("id")).values_list("village_id", "n"))
    per_village = _houses_per_village(villages, residents)
    puskesmas = {p.kecamatan_id: p for p in Puskesmas.objects.all()}
    houses = []
    for village in villages:
        for n in range(per_village[village.id]):
            building = BUILDINGS[(n + len(village.name)) % len(BUILDINGS)]
            lat = (village.latitude or -8.3) + rng.uniform(-0.004, 0.004)
            lon = (village.longitude or 114.2) + rng.uniform(-0.004, 0.004)
            facilities = [Facility.BATHROOM, Facility.CLEAN_WATER, Facility.ELECTRICITY, Facility.HANDWASH,
                          *rng.sample([Facility.KITCHEN, Facility.FAN, Facility.TV, Facility.WIFI, Facility.MEALS, Facility.AMBULANCE], 3)]
            houses.append(IsolationHouse(
                name=f"Rumah Isolasi {village.name}" + (f" {n + 1}" if n else ""), village=village,
                address=f"{building} {village.name}, Dusun Krajan RT {rng.randint(1, 6):03d}/RW {rng.randint(1, 4):03d}",
                latitude=round(lat, 6), longitude=round(lon, 6), puskesmas=puskesmas[village.parent_id], facilities=sorted(facilities)))
    IsolationHouse.objects.bulk_create(houses, batch_size=500)
    houses = list(IsolationHouse.objects.filter(village__in=villages).select_related("village").order_by("village__code", "name"))
    HousePillar.objects.bulk_create([
        HousePillar(house=h, kind=kind, name=f"{title} {_name(rng)}", phone=_phone(rng))
        for h in houses
        for kind, title in ((PillarKind.VILLAGE_GOVERNMENT, "Kades"), (PillarKind.BABINSA, "Serda"), (PillarKind.BHABINKAMTIBMAS, "Bripka"))
    ], batch_size=900)
    rooms = [Room(house=h, name=f"Kamar {i}") for h in houses for i in range(1, rng.randint(2, 4) + 1)]
    Room.objects.bulk_create(rooms, batch_size=900)
    rooms = list(Room.objects.filter(house__in=houses).order_by("house_id", "name"))
    Bed.objects.bulk_create([Bed(room=r, house_id=r.house_id, label=str(b)) for r in rooms for b in range(1, rng.randint(1, 3) + 1)], batch_size=900)
    return houses


def _seed_stays(rng: random.Random, houses: list[IsolationHouse], as_of: dt.date) -> tuple[int, int]:
    """A handful of reservations around the seed date: people in isolation with their daily checks (one
    with a worsening sign), people expected in two days, and people who completed."""
    living = list(Person.objects.filter(date_of_death__isnull=True, birth_date__lte=as_of - dt.timedelta(days=18 * 365))
                  .order_by("id").values_list("id", "name", "village_id")[:4000])
    if not living or not houses:
        return 0, 0
    picks = rng.sample(living, min(12, len(living)))
    by_village = {}
    for h in houses:
        by_village.setdefault(h.village_id, h)
    first_bed = {}
    for bed in Bed.objects.filter(house__in=houses).order_by("house_id", "room__name", "label"):
        first_bed.setdefault(bed.house_id, bed)
    plans = ([("in", -5)] * 6) + ([("waiting", 2)] * 4) + ([("done", -20)] * 2)
    reservations, used_houses = [], set()
    for (pid, name, village_id), (state, offset) in zip(picks, plans, strict=False):
        house = by_village.get(village_id) or rng.choice(houses)
        if house.pk in used_houses:
            house = next(h for h in houses if h.pk not in used_houses)
        used_houses.add(house.pk)
        arrival = as_of + dt.timedelta(days=offset)
        status = {"in": ReservationStatus.CHECKED_IN, "waiting": ReservationStatus.RESERVED, "done": ReservationStatus.COMPLETED}[state]
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
        reservations.append(Reservation(
            code=f"ISO-{code[:4]}-{code[4:]}", house=house, bed=first_bed[house.pk], person_id=pid, full_name=name, home_village_id=village_id,
            origin=rng.choice(ORIGINS), arrival_date=arrival, end_date=arrival + dt.timedelta(days=STAY_NIGHTS), contact_phone=_phone(rng),
            status=status, checked_in_on=arrival if state != "waiting" else None,
            left_on=arrival + dt.timedelta(days=STAY_NIGHTS) if state == "done" else None, channel="synth"))
    Reservation.objects.bulk_create(reservations)
    reservations = list(Reservation.objects.filter(channel="synth", house__in=houses).order_by("pk"))
    BedNight.objects.bulk_create([
        BedNight(bed_id=r.bed_id, house_id=r.house_id, night=r.arrival_date + dt.timedelta(days=i), reservation=r)
        for r in reservations for i in range(STAY_NIGHTS)
    ], batch_size=900)
    checks = []
    for r in reservations:
        if r.status == ReservationStatus.RESERVED:
            continue
        days = STAY_NIGHTS if r.status == ReservationStatus.COMPLETED else (as_of - r.arrival_date).days
        for d in range(days):
            checks.append(DailyCheck(
                reservation=r, day=r.arrival_date + dt.timedelta(days=d), day_number=d + 1,
                temperature=Decimal(f"{rng.uniform(36.1, 37.3):.1f}"), symptoms=[], checker_kind=rng.choice(CheckerKind.values),
                checker_name=_name(rng)))
    DailyCheck.objects.bulk_create(checks, batch_size=900)
    return len(reservations), len(checks)


def _seed_affected(rng: random.Random, as_of: dt.date) -> int:
    """Affected residents in proportion to the population (3,500 tourism workers at full scale), adults of
    working age, tourism workers more often in the tourist kecamatan."""
    people = Person.objects.count()
    if people == 0:
        return 0
    wanted = {s: max(1, round(n * people / FULL_POPULATION)) for s, n in AFFECTED_AT_FULL.items()}
    need = sum(wanted.values())
    # Sample ids, not people: at full scale the adults would not fit comfortably in memory as a list.
    low, high = Person.objects.order_by("id").values_list("id", flat=True).first(), Person.objects.order_by("-id").values_list("id", flat=True).first()
    candidates = rng.sample(range(low, high + 1), min(high - low + 1, need * 3))
    working_age = Person.objects.filter(date_of_death__isnull=True, birth_date__lte=as_of - dt.timedelta(days=18 * 365),
                                        birth_date__gt=as_of - dt.timedelta(days=60 * 365))
    found: dict[int, int] = {}
    for start in range(0, len(candidates), 900):
        found.update(working_age.filter(id__in=candidates[start:start + 900]).values_list("id", "village_id"))
    chosen = [(pid, found[pid]) for pid in candidates if pid in found][:need]
    records, start = [], 0
    for sector, n in wanted.items():
        for pid, village_id in chosen[start:start + n]:
            records.append(AffectedResident(
                person_id=pid, village_id=village_id, sector=sector,
                affected_on=as_of - dt.timedelta(days=rng.randint(30, 600)), income_lost=rng.randrange(800_000, 4_500_000, 50_000),
                workplace=rng.choice(WORKPLACES[sector]), source=AffectedSource.SYNTH))
        start += n
    AffectedResident.objects.bulk_create(records, batch_size=900)
    return len(records)


def seed(*, actor: Actor, seed: int, as_of: dt.date) -> dict[str, int]:
    rng = random.Random(f"isolation:{seed}")
    puskesmas = puskesmas_load(actor=actor)
    villages = list(Area.objects.filter(kind__in=("desa", "kelurahan")).order_by("code"))
    houses = _seed_houses(rng, villages) if villages else []
    reservations, checks = _seed_stays(rng, houses, as_of)
    affected = _seed_affected(rng, as_of)
    return {"puskesmas": puskesmas, "isolation_houses": len(houses), "isolation_beds": Bed.objects.filter(house__in=houses).count(),
            "isolation_reservations": reservations, "isolation_checks": checks, "affected_residents": affected}
