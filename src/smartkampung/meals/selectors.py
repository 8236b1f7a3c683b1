"""Reads for Rantang Kasih: lists, today's round, the payment recap, dashboards, coverage and the map.

Everything about residents starts from scoped(); providers are businesses under contract and readable by
all staff with a role; a provider's login reads only its own round.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area
from smartkampung.core.scoping import area_scope, scoped, scoped_villages

from .models import (
    MISSED_OUTCOMES,
    AssignmentRun,
    Delivery,
    Outcome,
    Provider,
    Recipient,
    RecipientState,
    Round,
    RoundStop,
    Unserved,
)
from .services import PROGRAMME_CODE, is_office


def require_staff(user) -> None:
    if not area_scope(user).is_staff:
        raise DomainError("forbidden", _("Akun Anda belum punya peran di wilayah mana pun."))


def require_office(user) -> None:
    if not is_office(user):
        raise DomainError("forbidden", _("Hanya kantor program Rantang Kasih yang boleh membuka ini."))


def providers(*, user, active_only: bool = False):
    require_staff(user)
    qs = Provider.objects.select_related("village__parent").order_by("name", "id")
    return qs.filter(active=True) if active_only else qs


def provider_get(*, user, pk: int) -> Provider:
    require_staff(user)
    provider = Provider.objects.select_related("village__parent").filter(pk=pk).first()
    if provider is None:
        raise DomainError("not_found", _("Warung tidak ditemukan."))
    return provider


def recipients(*, user, village_code: str = "", state: str = ""):
    qs = scoped(Recipient.objects.select_related("person", "village", "provider"), user)
    if village_code:
        qs = qs.filter(village__code=village_code)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("village__code", "person__name_key", "id")


def recipient_get(*, actor: Actor, pk: int) -> Recipient:
    """One recipient, read by staff: the read of a person's record goes into the audit trail."""
    recipient = scoped(Recipient.objects.select_related("person", "village__parent", "provider", "enrolment"), actor.user).filter(pk=pk).first()
    if recipient is None:
        raise DomainError("not_found", _("Penerima tidak ditemukan di wilayah Anda."))
    audit_record(actor=actor, action="meals.recipient_view", obj=recipient, village=recipient.village_id)
    return recipient


def deaths_pending(*, user):
    return recipients(user=user, state=RecipientState.DEATH_REPORTED)


def latest_run() -> AssignmentRun | None:
    return AssignmentRun.objects.first()


@dataclass
class UnservedVillage:
    village: Area
    no_provider_near: int = 0
    all_full: int = 0
    no_location: int = 0
    rows: list[Unserved] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.no_provider_near + self.all_full + self.no_location


def unserved_by_village(*, user, run: AssignmentRun | None) -> list[UnservedVillage]:
    if run is None:
        return []
    groups: dict[int, UnservedVillage] = {}
    for row in scoped(Unserved.objects.filter(run=run).select_related("village__parent", "recipient__person"), user):
        group = groups.setdefault(row.village_id, UnservedVillage(village=row.village))
        setattr(group, row.reason, getattr(group, row.reason) + 1)
        group.rows.append(row)
    return sorted(groups.values(), key=lambda g: (-g.total, g.village.code))


# --- rounds ----------------------------------------------------------------------------------------------

@dataclass
class StopView:
    stop: RoundStop
    entry: Delivery | None  # the effective (latest) mark, if any
    history: list[Delivery]


def round_of(*, provider: Provider, date: dt.date) -> Round | None:
    return Round.objects.filter(provider=provider, date=date).first()


def round_stops(round_: Round) -> list[StopView]:
    stops = list(round_.stops.select_related("recipient__person", "village").order_by("seq"))
    entries: dict[int, list[Delivery]] = defaultdict(list)
    for entry in Delivery.objects.filter(stop__round=round_).order_by("id"):
        entries[entry.stop_id].append(entry)
    views = []
    for stop in stops:
        history = entries.get(stop.pk, [])
        corrected = {e.corrects_id for e in history if e.corrects_id}
        latest = [e for e in history if e.pk not in corrected]
        views.append(StopView(stop=stop, entry=latest[-1] if latest else None, history=history))
    return views


def provider_round_view(*, actor: Actor, provider: Provider, date: dt.date) -> tuple[Round | None, list[StopView]]:
    """The provider's own round (its login) or any round (the office); the names it shows are read."""
    own = getattr(actor.user, "meals_provider", None) if getattr(actor.user, "is_authenticated", False) else None
    if not (own is not None and own.pk == provider.pk) and not is_office(actor.user):
        raise DomainError("forbidden", _("Rute ini milik warung lain."))
    round_ = round_of(provider=provider, date=date)
    if round_ is None:
        return None, []
    audit_record(actor=actor, action="meals.round_view", obj=round_, village=provider.village_id, changes={"date": date.isoformat()})
    return round_, round_stops(round_)


def rounds_of_day(*, user, date: dt.date):
    require_office(user)
    return Round.objects.filter(date=date).select_related("provider").annotate(n=Count("stops")).order_by("provider__name")


# --- the log, recap and cost -----------------------------------------------------------------------------

def effective_entries():
    """Log entries no later entry corrects: what counts."""
    return Delivery.objects.filter(corrected_by__isnull=True)


def month_range(month: str) -> tuple[dt.date, dt.date]:
    try:
        year, mon = (int(x) for x in month.split("-"))
        first = dt.date(year, mon, 1)
    except (ValueError, TypeError):
        raise DomainError("invalid", _("Bulan harus ditulis TTTT-BB (contoh: 2026-12)."), field="month") from None
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, last


@dataclass
class RecapLine:
    date: dt.date
    recipient_id: int
    village: str
    portions: int
    price: int

    @property
    def amount(self) -> int:
        return self.portions * self.price


@dataclass
class Recap:
    provider: Provider
    month: str
    lines: list[RecapLine]
    missed: int

    @property
    def portions(self) -> int:
        return sum(line.portions for line in self.lines)

    @property
    def amount(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def recipients(self) -> int:
        return len({line.recipient_id for line in self.lines})


def recap(*, user, provider: Provider, month: str) -> Recap:
    """Meals delivered x price, line by line from the effective log entries of the month."""
    first, last = month_range(month)
    if not is_office(user) and getattr(getattr(user, "meals_provider", None), "pk", None) != provider.pk:
        raise DomainError("forbidden", _("Rekap ini hanya boleh dibaca kantor program dan warung yang bersangkutan."))
    entries = effective_entries().filter(provider=provider, date__gte=first, date__lte=last)
    lines = [RecapLine(date=d, recipient_id=r, village=v, portions=p, price=price) for d, r, v, p, price in
             entries.filter(outcome=Outcome.DELIVERED).order_by("date", "recipient_id").values_list("date", "recipient_id", "village__name", "portions", "price_per_portion")]
    missed = entries.exclude(outcome=Outcome.DELIVERED).count()
    return Recap(provider=provider, month=month, lines=lines, missed=missed)


@dataclass
class MonthCost:
    month: str
    providers: list[tuple[Provider, int, int]]  # provider, portions, rupiah
    recipients_fed: int
    portions: int
    amount: int

    @property
    def per_recipient(self) -> int | None:
        return round(self.amount / self.recipients_fed) if self.recipients_fed else None


def month_cost(*, user, month: str) -> MonthCost:
    require_office(user)
    first, last = month_range(month)
    delivered = effective_entries().filter(date__gte=first, date__lte=last, outcome=Outcome.DELIVERED)
    by_provider = {r["provider_id"]: r for r in delivered.values("provider_id").annotate(n=Sum("portions"), rupiah=Sum(_amount_expr()))}
    rows = [(p, by_provider[p.pk]["n"], by_provider[p.pk]["rupiah"]) for p in Provider.objects.filter(pk__in=by_provider).order_by("name")]
    totals = delivered.aggregate(n=Sum("portions"), rupiah=Sum(_amount_expr()), fed=Count("recipient", distinct=True))
    return MonthCost(month=month, providers=rows, recipients_fed=totals["fed"] or 0, portions=totals["n"] or 0, amount=totals["rupiah"] or 0)


def _amount_expr():
    from django.db.models import F

    return F("portions") * F("price_per_portion")


# --- dashboards and coverage -----------------------------------------------------------------------------

@dataclass
class VillageFigures:
    village: Area
    eligible: int = 0
    served: int = 0  # eligible and assigned to a provider
    recipients: int = 0
    delivered: int = 0  # meals (portions) in the period
    missed: int = 0  # marks other than delivered in the period

    @property
    def coverage(self) -> float | None:
        return self.served / self.eligible if self.eligible else None


def _eligible(as_of: dt.date):
    """Residents the programme's own rule makes eligible now (the targeting engine, over the facts snapshot
    of the last targeting run). None when there is no rule or no snapshot yet: a page read never builds
    the snapshot (that is the targeting run's job, and takes a while at full scale)."""
    from smartkampung.programmes.models import PersonFacts, Programme
    from smartkampung.programmes.services import eligible_facts

    programme = Programme.objects.filter(code=PROGRAMME_CODE).first()
    if programme is None or not programme.rule_text or not PersonFacts.objects.exists():
        return None
    return eligible_facts(programme=programme, as_of=as_of)


def eligibility_known() -> bool:
    from smartkampung.programmes.models import PersonFacts

    return PersonFacts.objects.exists()


def _served():
    return Recipient.objects.filter(state=RecipientState.ACTIVE, provider__isnull=False)


def dashboard(*, user, start: dt.date, end: dt.date) -> list[VillageFigures]:
    require_staff(user)
    villages = {v.id: v for v in scoped_villages(user).select_related("parent")}
    rows: dict[int, VillageFigures] = {}

    def row(village_id: int) -> VillageFigures:
        if village_id not in rows:
            rows[village_id] = VillageFigures(village=villages[village_id])
        return rows[village_id]

    eligible = _eligible(timezone.localdate())
    if eligible is not None:
        served = Exists(_served().filter(person_id=OuterRef("person_id")))
        for r in eligible.filter(village_id__in=list(villages)).values("village_id").annotate(n=Count("person_id"), got=Count("person_id", filter=Q(served))):
            row(r["village_id"]).eligible, row(r["village_id"]).served = r["n"], r["got"]
    for r in scoped(Recipient.objects.exclude(state=RecipientState.ENDED), user).values("village_id").annotate(n=Count("id")):
        row(r["village_id"]).recipients = r["n"]
    period = scoped(effective_entries().filter(date__gte=start, date__lte=end), user)
    for r in period.values("village_id").annotate(delivered=Sum("portions", filter=Q(outcome=Outcome.DELIVERED)),
                                                   missed=Count("id", filter=~Q(outcome=Outcome.DELIVERED))):
        row(r["village_id"]).delivered, row(r["village_id"]).missed = r["delivered"] or 0, r["missed"]
    return sorted(rows.values(), key=lambda f: f.village.code)


def eligible_not_served(*, actor: Actor, village: Area | None = None, limit: int = 500) -> list[dict]:
    """Eligible by the programme's rule but not fed by a provider (not enrolled, or enrolled but unassigned)."""
    from smartkampung.registry.models import Person

    eligible = _eligible(timezone.localdate())
    if eligible is None:
        return []
    people = eligible.exclude(Exists(_served().filter(person_id=OuterRef("person_id"))))
    readable = scoped(Person.objects.filter(pk__in=people.values("person_id")), actor.user)
    if village is not None:
        readable = readable.filter(village=village)
    rows = list(readable.select_related("village__parent").order_by("village__code", "name_key", "id")[:limit])
    enrolled = set(Recipient.objects.filter(person_id__in=[p.pk for p in rows]).exclude(state=RecipientState.ENDED).values_list("person_id", flat=True))
    out = [{"person": person, "village": person.village, "enrolled": person.pk in enrolled} for person in rows]
    audit_record(actor=actor, action="meals.eligible_list", obj=village or Area.objects.filter(kind="kabupaten").first(),
                 village=village, changes={"rows": len(out)})
    return out


# --- the map ---------------------------------------------------------------------------------------------

def map_data(*, user, date: dt.date, provider_id: int | None = None) -> dict:
    """Providers (all staff), recipients and their assignment lines (scoped; points only, no names), and the
    round of one provider as a polyline."""
    require_staff(user)
    provs = [{"id": p.pk, "name": p.name, "lat": p.latitude, "lon": p.longitude, "capacity": p.daily_capacity, "assigned": p.assigned}
             for p in Provider.objects.filter(active=True).order_by("pk")]
    recips = [{"id": pk, "lat": lat, "lon": lon, "provider": prov, "state": state}
              for pk, lat, lon, prov, state in scoped(Recipient.objects.exclude(state=RecipientState.ENDED).filter(latitude__isnull=False), user)
              .values_list("pk", "latitude", "longitude", "provider_id", "state")]
    route = None
    if provider_id:
        round_ = Round.objects.filter(provider_id=provider_id, date=date).select_related("provider").first()
        if round_ is not None:
            readable = set(scoped(RoundStop.objects.filter(round=round_), user).values_list("pk", flat=True))
            points = [[round_.provider.latitude, round_.provider.longitude]]
            for stop in round_.stops.select_related("recipient").order_by("seq"):
                if stop.pk in readable and stop.recipient.latitude is not None:
                    points.append([stop.recipient.latitude, stop.recipient.longitude])
            points.append(points[0])
            route = {"provider": provider_id, "date": date.isoformat(), "points": points, "distance_m": round_.distance_m}
    return {"providers": provs, "recipients": recips, "route": route}


# --- counts for `smartkampung stats` ---------------------------------------------------------------------

def app_stats() -> dict:
    states = dict(Recipient.objects.values_list("state").annotate(n=Count("id")))
    return {"meals": {
        "providers": Provider.objects.filter(active=True).count(),
        "capacity": Provider.objects.filter(active=True).aggregate(n=Sum("daily_capacity"))["n"] or 0,
        "recipients_active": states.get(RecipientState.ACTIVE, 0),
        "recipients_assigned": Recipient.objects.filter(state=RecipientState.ACTIVE, provider__isnull=False).count(),
        "deaths_to_confirm": states.get(RecipientState.DEATH_REPORTED, 0),
        "rounds": Round.objects.count(),
        "delivery_entries": Delivery.objects.count(),
        "meals_delivered": effective_entries().filter(outcome=Outcome.DELIVERED).aggregate(n=Sum("portions"))["n"] or 0,
        "missed_marks": effective_entries().filter(outcome__in=MISSED_OUTCOMES).count(),
    }}
