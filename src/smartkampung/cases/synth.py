"""Synthetic cases for the demo, tests and benchmarks: teams and categories through the real loader, then
cases written in bulk, proportional to the population (one per 8 residents, capped), deterministic by seed.

Cases are spread over the 120 days before `as_of`; older ones are further along (acknowledged, in progress,
resolved, closed), so the queues, the map and the escalation job have something real to show.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from django.db.models import Count
from django.utils import timezone

from smartkampung.core.audit import Actor
from smartkampung.core.models import Area, AreaKind
from smartkampung.registry.models import Person

from .catalogue import STATES
from .deadlines import add_working_days
from .models import Bed, Case, CaseCategory, CaseEvent, EventKind, Team, TicketCounter, TransitHouse
from .services import TICKET_PREFIX, case_categories_load

PEOPLE_PER_CASE = 8
MAX_CASES = 20_000
# Category mix of what residents report (CHIPs and Barisan Siap dominate, as in Sempu's own figures [U]).
MIX = (("chips", 22), ("barisan_siap", 25), ("general", 15), ("rtlh", 10), ("usul", 10), ("sanggah", 5),
       ("welfare_check", 5), ("high_risk_pregnancy", 4), ("poverty_visit", 4))
TITLES = {
    "chips": ["Lansia sakit tidak bisa berjalan", "Warga sakit butuh dokter", "Pasien stroke terbaring di rumah", "Anak demam tinggi, keluarga tidak mampu"],
    "barisan_siap": ["Pencurian ternak di dusun", "Balap liar tiap malam", "Perselisihan batas tanah", "Pemuda mabuk mengganggu warga"],
    "general": ["Lampu jalan mati", "Jalan desa berlubang", "Saluran air tersumbat", "Pelayanan kantor desa lambat"],
    "rtlh": ["Atap rumah bocor dan hampir roboh", "Rumah berdinding bambu lapuk", "Rumah berlantai tanah tanpa jamban"],
    "usul": ["Usul: keluarga miskin belum menerima bansos"],
    "sanggah": ["Sanggah: penerima bansos mampu"],
    "welfare_check": ["Antaran Rantang Kasih tidak diterima"],
    "high_risk_pregnancy": ["Ibu hamil risiko tinggi perlu rumah singgah"],
    "poverty_visit": ["Kunjungan rumah untuk SKTM"],
}
ANSWERS = {
    "chips": lambda r: {"condition": r.choice(["bedridden", "cannot_travel", "needs_medicine"]), "patient_age": r.randint(45, 90)},
    "barisan_siap": lambda r: {"complaint_kind": r.choice(["security", "order", "dispute", "traffic", "social"])},
    "rtlh": lambda r: {"damage": sorted(r.sample(["roof", "wall", "floor", "toilet", "water"], r.randint(1, 3)))},
}
IS_OPEN = {code: is_open for code, _n, _e, is_open, _s, _f in STATES}


def _state_for(age_days: int, r: random.Random) -> str:
    if age_days < 2:
        return "new"
    if age_days < 6:
        return r.choice(["new", "acknowledged", "acknowledged", "in_progress"])
    if age_days < 20:
        return r.choice(["acknowledged", "in_progress", "in_progress", "resolved", "resolved", "rejected"])
    return r.choice(["in_progress", "resolved", "resolved", "closed", "closed", "closed", "rejected", "referred"])


def build_cases(*, seed: int, count: int, as_of: dt.date, villages: list[Area], weights: list[int], ticket_start: int,
                pregnant_by_village: dict[int, list[int]] | None = None, days: int = 120) -> tuple[list[Case], list[tuple]]:
    """The cases (unsaved), created over the `days` before `as_of`, and their timeline steps as
    (case index, kind, at, before, after, public, team_id)."""
    r = random.Random(seed * 7919 + 4)
    categories = {c.code: c for c in CaseCategory.objects.all()}
    teams = {(t.kind, t.area_id): t.id for t in Team.objects.filter(active=True)}
    kabupaten_id = Area.objects.get(kind=AreaKind.KABUPATEN).id
    codes, code_weights = zip(*MIX, strict=True)
    tz = timezone.get_current_timezone()
    end = dt.datetime.combine(as_of, dt.time(17, 0), tzinfo=tz)
    year = as_of.year % 100
    cases, steps = [], []
    pregnant_by_village = pregnant_by_village or {}

    def team_for(kind: str, village: Area) -> int | None:
        for area_id in (village.id, village.parent_id, kabupaten_id):
            if (kind, area_id) in teams:
                return teams[(kind, area_id)]
        return None

    for index, village in enumerate(r.choices(villages, weights=weights, k=count)):
        code = r.choices(codes, weights=code_weights)[0]
        category = categories[code]
        created = end - dt.timedelta(minutes=r.randint(0, days * 24 * 60))
        age_days = (end - created).days
        state = _state_for(age_days, r)
        lat = lon = None
        if village.latitude is not None and code in ("barisan_siap", "general", "rtlh", "chips"):
            lat, lon = round(village.latitude + r.uniform(-0.012, 0.012), 6), round(village.longitude + r.uniform(-0.012, 0.012), 6)
        subject = None
        if code == "high_risk_pregnancy" and pregnant_by_village.get(village.id):
            subject = r.choice(pregnant_by_village[village.id])
        anonymous = code == "barisan_siap" and r.random() < 0.3
        team_id = team_for(category.team_kind, village)
        acknowledged = created + dt.timedelta(hours=r.randint(2, 40)) if state != "new" else None
        resolved = acknowledged + dt.timedelta(days=r.randint(1, 6)) if state in ("resolved", "rejected", "referred", "closed") else None
        closed = resolved + dt.timedelta(days=r.randint(1, 14)) if state == "closed" else None
        respond_due = add_working_days(created, category.respond_days)
        due = add_working_days(acknowledged or created, category.resolve_days + (0 if acknowledged else category.respond_days))
        updated = closed or resolved or acknowledged or created
        case = Case(
            ticket=f"{TICKET_PREFIX}-{year:02d}-{ticket_start + index:06d}", category_id=category.id, village_id=village.id, team_id=team_id,
            support_team_id=team_for(category.support_team_kind, village) if category.support_team_kind else None,
            state=state, is_open=IS_OPEN[state], title=r.choice(TITLES[code]), description="Laporan warga (data sintetis).",
            latitude=lat, longitude=lon, answers=ANSWERS.get(code, lambda _r: {})(r), subject_person_id=subject,
            reporter_name="" if anonymous else r.choice(["Sutrisno", "Siti Fatimah", "Hadi", "Nur Aini", "Slamet", ""]),
            anonymous=anonymous, confidential=category.always_confidential or (code == "barisan_siap" and r.random() < 0.1),
            source="web" if code in ("chips", "barisan_siap", "general", "rtlh", "high_risk_pregnancy") else code,
            source_ref="" if code in ("chips", "barisan_siap", "general", "rtlh", "high_risk_pregnancy") else f"synth:{seed}:{ticket_start + index}",
            token=hashlib.sha256(f"{seed}:{ticket_start + index}".encode()).hexdigest()[:24], reply_code_hash="",
            created_at=created, updated_at=updated, respond_due_at=respond_due, due_at=due, acknowledged_at=acknowledged,
            resolved_at=resolved, closed_at=closed, close_due_at=add_working_days(resolved, category.autoclose_days) if resolved else None,
            resolution=state if state in ("resolved", "rejected", "referred") else ("resolved" if state == "closed" else ""),
        )
        cases.append(case)
        steps.append((index, EventKind.CREATED, created, "", "new", True, team_id))
        if acknowledged:
            steps.append((index, EventKind.ACKNOWLEDGED, acknowledged, "new", "acknowledged", True, team_id))
        if state == "in_progress":
            steps.append((index, EventKind.STARTED, acknowledged + dt.timedelta(hours=3), "acknowledged", "in_progress", True, team_id))
        if resolved:
            steps.append((index, EventKind.RESOLVED, resolved, "in_progress", case.resolution or state, True, team_id))
        if closed:
            steps.append((index, EventKind.CLOSED, closed, case.resolution, "closed", True, team_id))
    return cases, steps


def cases_bulk_insert(cases: list[Case], steps: list[tuple], *, batch_size: int = 2000) -> None:
    """Write cases and their timelines in bulk (ids read back by ticket, which is unique)."""
    Case.objects.bulk_create(cases, batch_size=batch_size)
    # tickets of one batch are consecutive numbers of one year, so one range read finds their ids
    ids = dict(Case.objects.filter(ticket__gte=cases[0].ticket, ticket__lte=cases[-1].ticket).values_list("ticket", "id"))
    events = (
        CaseEvent(case_id=ids[cases[i].ticket], at=at, kind=kind, actor=None, actor_label="system:synth", state_before=before,
                  state_after=after, note="", public=public, team_id=team)
        for i, kind, at, before, after, public, team in steps
    )
    CaseEvent.objects.bulk_create(events, batch_size=batch_size)


def seed(*, actor: Actor, seed: int, as_of: dt.date) -> dict[str, int]:
    made = case_categories_load(actor=actor)
    population = dict(Person.objects.filter(date_of_death__isnull=True).values("village_id").annotate(n=Count("id")).values_list("village_id", "n"))
    villages = [v for v in Area.objects.filter(kind__in=(AreaKind.DESA, AreaKind.KELURAHAN)).order_by("code") if population.get(v.id)]
    count = min(sum(population.values()) // PEOPLE_PER_CASE, MAX_CASES)
    if villages and count:
        pregnant: dict[int, list[int]] = {}
        for person_id, village_id in Person.objects.filter(pregnancy_due_date__isnull=False, date_of_death__isnull=True).order_by("id").values_list("id", "village_id")[:5000]:
            pregnant.setdefault(village_id, []).append(person_id)
        year = as_of.year
        TicketCounter.objects.get_or_create(year=year)
        counter = TicketCounter.objects.get(year=year)
        cases, steps = build_cases(seed=seed, count=count, as_of=as_of, villages=villages, weights=[population[v.id] for v in villages],
                                   ticket_start=counter.last + 1, pregnant_by_village=pregnant)
        cases_bulk_insert(cases, steps)
        TicketCounter.objects.filter(year=year).update(last=counter.last + count)
    # The real rumah singgah of Barisan Siap: Dusun Krajan, Desa Jambewangi, Kecamatan Sempu.
    houses = 0
    jambewangi = Area.objects.filter(code="35.10.20.2002").first()
    if jambewangi is not None and not TransitHouse.objects.filter(village=jambewangi).exists():
        team = Team.objects.filter(kind="puskesmas", area_id=jambewangi.parent_id).first()
        house = TransitHouse.objects.create(name="Rumah Singgah Barisan Siap Jambewangi", village=jambewangi, address="Dusun Krajan, Desa Jambewangi",
                                            latitude=jambewangi.latitude, longitude=jambewangi.longitude, team=team)
        Bed.objects.bulk_create(Bed(house=house, label=f"{n:02d}") for n in range(1, 5))
        houses = 1
    return {"cases": count if villages else 0, "teams": made["teams"], "categories": made["categories"], "transit_houses": houses}
