"""Synthetic Rantang Kasih: providers near village centres, recipients from the programme's enrolments,
an assignment, rounds and a few days of deliveries. Deterministic by seed; set-based (bulk inserts).

Providers: at least 109 (the programme's 2019 count) and one per ~28 recipients beyond that, placed in
villages in proportion to their recipients (plus one each in a spread of other villages), a few hundred
metres from the village centre. One provider, the busiest, gets the demo login `warung.demo` (password
`demo-warung.demo`, public like every demo password).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from django.contrib.auth import get_user_model
from django.utils import timezone

from smartkampung.core.audit import Actor
from smartkampung.core.models import Area

from . import services
from .models import (
    Delivery,
    MenuState,
    Outcome,
    Provider,
    Recipient,
    RecipientState,
    Round,
    RoundStop,
    WeeklyMenu,
)

MIN_PROVIDERS = 109
RECIPIENTS_PER_PROVIDER = 28
HISTORY_DAYS = 3
DEMO_PROVIDER_LOGIN = "warung.demo"
OUTCOME_P = [(Outcome.DELIVERED, 0.95), (Outcome.NOT_HOME, 0.02), (Outcome.REFUSED, 0.01), (Outcome.SICK, 0.012), (Outcome.IN_HOSPITAL, 0.008)]
DISHES = ["Nasi, sayur asem, tempe goreng, pisang", "Nasi, sop ayam, tahu bacem, pepaya", "Bubur ayam, telur rebus, semangka",
          "Nasi, pecel, peyek, jeruk", "Nasi, sayur bening bayam, ikan pindang, melon", "Nasi, rawon, tempe, pisang",
          "Nasi, sayur lodeh, telur balado (tidak pedas), salak"]
WARUNG = ["Warung Bu", "Dapur Mbok", "Katering", "Warung Makan Pak", "Rantang Bu"]
OWNERS = ["Siti", "Sumiati", "Sri Wahyuni", "Kasiyati", "Juminten", "Sulastri", "Misnah", "Rohmah", "Supardi", "Samsul", "Tumini", "Endang"]
DIETICIANS = ["Nur Aini, S.Gz.", "Dewi Lestari, A.Md.Gz.", "Rina Agustina, S.Gz.", "Fitri Handayani, S.Gz."]
BANKS = ["Bank Jatim", "BRI", "BNI", "Bank Mandiri", "BSI"]


def seed(*, actor: Actor, seed: int, as_of: dt.date) -> dict[str, int]:
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(707,))))
    made = services.recipients_sync(actor=actor, as_of=as_of)
    recipients = list(Recipient.objects.filter(state=RecipientState.ACTIVE).order_by("pk").values_list("pk", "village_id"))
    _diets(rng, [r[0] for r in recipients])
    villages = list(Area.objects.filter(kind__in=("desa", "kelurahan"), latitude__isnull=False).order_by("code"))
    providers = _providers(rng, villages, [r[1] for r in recipients])
    _menus(rng, providers, as_of)
    run = services.assignment_run(actor=actor)
    _demo_login(actor)
    days = [as_of - dt.timedelta(days=d) for d in range(HISTORY_DAYS, 0, -1)]
    for day in [*days, as_of]:
        services.rounds_plan(actor=actor, date=day, exploration_level=1)  # past days: a quick plan is enough for the demo log
    entries = _deliveries(rng, days)
    return {"providers": len(providers), "recipients": made["created"], "assigned": run.assigned, "unassigned": run.unassigned,
            "rounds": Round.objects.count(), "deliveries": entries}


def _diets(rng, recipient_ids: list[int]) -> None:
    rows = []
    for pk in recipient_ids:
        diet = []
        if rng.random() < 0.25:
            diet.append("soft")
        if rng.random() < 0.12:
            diet.append("diabetic")
        if rng.random() < 0.15:
            diet.append("low_salt")
        rows.append(Recipient(pk=pk, diet=sorted(diet), meals_per_day=1 if rng.random() < 0.15 else 2,
                              diet_note="Gigi sudah tidak lengkap" if "soft" in diet and rng.random() < 0.5 else ""))
    Recipient.objects.bulk_update(rows, ["diet", "meals_per_day", "diet_note"], batch_size=1000)


def _providers(rng, villages: list[Area], recipient_villages: list[int]) -> list[Provider]:
    wanted = max(MIN_PROVIDERS, math.ceil(len(recipient_villages) / RECIPIENTS_PER_PROVIDER))
    weight = np.ones(len(villages))
    index = {v.id: i for i, v in enumerate(villages)}
    for village_id in recipient_villages:
        if village_id in index:
            weight[index[village_id]] += 1
    # Every village with recipients, busiest first, one provider per 28 of them; then a spread of others.
    per_village = np.ceil((weight - 1) / RECIPIENTS_PER_PROVIDER).astype(int)
    chosen = [i for i in np.argsort(-per_village, kind="stable") for _ in range(per_village[i])]
    others = [i for i in rng.permutation(len(villages)) if per_village[i] == 0]
    chosen = (chosen + others)[:wanted] if len(chosen) < wanted else chosen
    capacity_each = max(25, math.ceil(1.2 * len(recipient_villages) / max(1, len(chosen))))
    rows = []
    for n, i in enumerate(chosen):
        village = villages[i]
        bearing, metres = rng.uniform(0, 2 * math.pi), rng.uniform(100, 700)
        lat = village.latitude + metres * math.cos(bearing) / 111_320
        lon = village.longitude + metres * math.sin(bearing) / (111_320 * math.cos(math.radians(village.latitude)))
        owner = OWNERS[int(rng.integers(len(OWNERS)))]
        rows.append(Provider(
            name=f"{WARUNG[int(rng.integers(len(WARUNG)))]} {owner} {village.name}", owner_name=owner,
            owner_phone=f"08{int(rng.integers(11, 99))}{int(rng.integers(10**7, 10**8))}", address=f"Dusun Krajan RT 00{1 + n % 5}/RW 00{1 + n % 3}, {village.name}",
            village=village, latitude=round(lat, 6), longitude=round(lon, 6),
            daily_capacity=int(capacity_each + rng.integers(-5, 11)), price_per_portion=int(rng.choice([10_000, 11_000, 12_000, 12_500, 13_000])),
            days_served="1234567" if rng.random() < 0.85 else "123456", dietician_name=DIETICIANS[n % len(DIETICIANS)],
            bank_name=BANKS[int(rng.integers(len(BANKS)))], bank_account_number=str(int(rng.integers(10**9, 10**10))), bank_account_holder=owner,
        ))
    return Provider.objects.bulk_create(rows, batch_size=500)


def _menus(rng, providers: list[Provider], as_of: dt.date) -> None:
    monday = as_of - dt.timedelta(days=as_of.weekday())
    now = timezone.now()
    rows = []
    for n, provider in enumerate(providers):
        days = {d: DISHES[(int(d) + n) % len(DISHES)] for d in provider.days_served}
        rows.append(WeeklyMenu(provider=provider, week_start=monday, days=days, state=MenuState.APPROVED, reviewed_at=now, reviewed_by=provider.dietician_name))
        if rng.random() < 0.5:
            rows.append(WeeklyMenu(provider=provider, week_start=monday + dt.timedelta(days=7), days=days))
    WeeklyMenu.objects.bulk_create(rows, batch_size=500)


def _demo_login(actor: Actor) -> None:
    users = get_user_model()
    provider = Provider.objects.filter(days_served="1234567").order_by("-assigned", "pk").first()  # serves every day: a demo round exists today
    if provider is None or users.objects.filter(username=DEMO_PROVIDER_LOGIN).exists():
        return
    services.provider_login_create(actor=actor, provider=provider, username=DEMO_PROVIDER_LOGIN, password=f"demo-{DEMO_PROVIDER_LOGIN}")


def _deliveries(rng, days: list[dt.date]) -> int:
    outcomes = [o for o, _ in OUTCOME_P]
    p = np.array([w for _, w in OUTCOME_P])
    p = p / p.sum()
    tz = timezone.get_current_timezone()
    rows = []
    stops = (RoundStop.objects.filter(round__date__in=days).order_by("round__date", "round__provider_id", "seq")
             .values_list("pk", "recipient_id", "village_id", "round__date", "round__provider_id", "round__provider__price_per_portion",
                          "round__provider__name", "eta", "portions"))
    for pk, recipient_id, village_id, date, provider_id, price, name, eta, portions in stops:
        outcome = outcomes[int(rng.choice(len(outcomes), p=p))]
        rows.append(Delivery(
            stop_id=pk, recipient_id=recipient_id, provider_id=provider_id, village_id=village_id, date=date, outcome=outcome,
            portions=portions if outcome == Outcome.DELIVERED else 0, price_per_portion=price,
            marked_at=dt.datetime.combine(date, eta, tzinfo=tz) + dt.timedelta(minutes=int(rng.integers(0, 6))),
            by_label=name[:150],
        ))
    Delivery.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
