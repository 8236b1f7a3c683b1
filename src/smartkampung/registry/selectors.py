"""Reads of the registry. Every read of people or households starts from `scoped()`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AreaKind
from smartkampung.core.scoping import area_scope, scoped

from .identity import AreaCodes
from .models import Household, LifeEvent, Membership, NameToken, Person
from .names import search_tokens

SEARCH_LIMIT_MAX = 200
_TOKEN_MAX = 40
_NAME_KEY_MAX = 120


def registry_area_codes() -> AreaCodes:
    """What the NIK/KK parser needs to know about this database's regency."""
    regency = Area.objects.filter(kind=AreaKind.KABUPATEN).first()
    if regency is None:
        raise DomainError("not_configured", _("Data wilayah kabupaten belum dimuat: jalankan `smartkampung load_areas` terlebih dahulu."))
    kecamatan = list(Area.objects.filter(kind=AreaKind.KECAMATAN, parent=regency).prefetch_related("split_from"))
    split_from = {
        k.code.split(".")[2]: (tuple(sorted(o.code.split(".")[2] for o in k.split_from.all())), k.established_year or 0)
        for k in kecamatan
        if k.split_from.all()
    }
    return AreaCodes(
        regency_code=regency.digits,
        kecamatan_codes=frozenset(k.code.split(".")[2] for k in kecamatan),
        split_from=split_from,
    )


def _prefix_range(field: str, prefix: str, max_length: int) -> Q:
    # Keys hold only [A-Z0-9 ], so prefix..prefix+"ZZZ…" is "starts with" in SQLite's binary order and in
    # PostgreSQL's "C" order, and both walk the plain b-tree index in order (no LIKE, which would spoil
    # PostgreSQL's row estimate and its ordered index scan). Under a linguistic collation a key that only
    # differs in spaces could slip in: callers that return keys drop those with _starts().
    prefix = prefix[:max_length]
    return Q(**{f"{field}__gte": prefix, f"{field}__lte": prefix + "Z" * (max_length - len(prefix))})


def _starts(rows, prefix: str) -> list[int]:
    return [row_id for row_id, key in rows if key.startswith(prefix)]


def _token_range(token: str) -> Q:
    return _prefix_range("token", token, _TOKEN_MAX)


# How far to count a word's matches when choosing which word drives the search; beyond this a word is
# "common", and a search where every word is common looks only at this many candidates.
_DRIVER_COUNT_CAP = 2000


def person_search(*, user, nik: str = "", q: str = "", village_code: str = "", limit: int = 50) -> list[Person]:
    """Residents by exact NIK, or by name, within the user's areas.

    Name search first takes names that start with the query (canonical form: "moch ali" finds
    "Muhammad Ali Rahman"), then names that contain every word of the query at the start of some word
    ("rahman ali"), until `limit` results.
    """
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    # Ids are found on the person table alone (joins would lead the planner away from the name index),
    # then the page's rows are fetched with their villages.
    people = scoped(Person.objects.all(), user)
    village = None
    if village_code:
        village = Area.objects.filter(code=village_code, kind__in=("desa", "kelurahan")).first()
        if village is None or not area_scope(user).can_read_village(village.id):
            raise DomainError("not_found", _("Desa %(code)s tidak ada di wilayah Anda.") % {"code": village_code}, field="village")
        people = people.filter(village=village)
    nik = (nik or "").strip()
    tokens = list(dict.fromkeys(search_tokens(q or "")))
    if nik:
        ids = list(people.filter(nik=nik).values_list("id", flat=True)[:1])
    elif not tokens:
        ids = list(people.order_by("name_key", "id").values_list("id", flat=True)[:limit]) if village else []
    else:
        prefix = " ".join(tokens)
        rows = people.filter(_prefix_range("name_key", prefix, _NAME_KEY_MAX)).order_by("name_key", "id").values_list("id", "name_key")
        ids = _starts(rows[:limit], prefix)
        if len(ids) < limit:
            seen = set(ids)
            more = _ids_with_all_tokens(user=user, tokens=tokens, village=village, limit=limit + len(seen))
            ids += [i for i in more if i not in seen][: limit - len(ids)]
    rows = {p.pk: p for p in Person.objects.select_related("village", "village__parent").filter(pk__in=ids)}
    return [rows[i] for i in ids if i in rows]


def _ids_with_all_tokens(*, user, tokens: list[str], village: Area | None, limit: int) -> list[int]:
    def matches(token: str):
        hits = scoped(NameToken.objects.filter(_token_range(token)), user)
        return hits.filter(village=village) if village is not None else hits

    if len(tokens) == 1:
        rows = matches(tokens[0]).order_by("token", "person_id").values_list("person_id", "token")[: limit * 2]
        return list(dict.fromkeys(_starts(rows, tokens[0])))
    # The rarest word gives the candidates, read in (token, person) index order; each other word is a
    # probe of the (person, token) index per candidate. Only the first _DRIVER_COUNT_CAP candidates are
    # looked at, so a search where every word is common ("dian azzahra") stays a few thousand index reads;
    # names that start with the query were already found by the caller. The candidates are a derived
    # table (SQL the ORM cannot say) so that both databases walk them straight off the index.
    counts = {t: matches(t).values("id")[:_DRIVER_COUNT_CAP].count() for t in tokens}
    driver = min(tokens, key=lambda t: (counts[t], -len(t)))
    inner, params = matches(driver).order_by("token", "person_id").values_list("person_id", "token")[:_DRIVER_COUNT_CAP].query.sql_with_params()
    table = connection.ops.quote_name(NameToken._meta.db_table)
    probes = []
    for other in tokens:
        if other != driver:
            probes.append(f"EXISTS (SELECT 1 FROM {table} t WHERE t.person_id = d.person_id AND t.token >= %s AND t.token <= %s)")
            params += (other, other + "Z" * (_TOKEN_MAX - len(other)))
    sql = f"SELECT d.person_id, d.token FROM ({inner}) d WHERE {' AND '.join(probes)} ORDER BY d.token, d.person_id LIMIT %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, limit * 2))
        rows = cursor.fetchall()
    return list(dict.fromkeys(_starts(rows, driver)))[:limit]


def _get_scoped(queryset, user, pk, what: str):
    obj = scoped(queryset, user).filter(pk=pk).first()
    if obj is None:
        # The same answer whether it does not exist or is outside the user's areas: no probing.
        messages = {"person": _("Penduduk %(id)s tidak ada di wilayah Anda."), "household": _("Keluarga %(id)s tidak ada di wilayah Anda.")}
        raise DomainError("not_found", messages[what] % {"id": pk})
    return obj


@dataclass
class PersonRecord:
    person: Person
    membership: Membership | None
    history: list[Membership]
    events: list[LifeEvent]


def person_open(*, actor: Actor, person_id: int) -> PersonRecord:
    """A staff member opens a resident's record; the view itself goes to the audit trail (UU 27/2022)."""
    person = _get_scoped(Person.objects.select_related("village", "village__parent"), actor.user, person_id, "person")
    memberships = list(Membership.objects.filter(person=person).select_related("household", "household__village").order_by("-start_date", "-id"))
    current = next((m for m in memberships if m.end_date is None), None)
    events = list(LifeEvent.objects.filter(person=person).order_by("-occurred_on", "-id")[:50])
    audit_record(actor=actor, action="person.view", obj=person, village=person.village_id)
    return PersonRecord(person=person, membership=current, history=memberships, events=events)


@dataclass
class HouseholdRecord:
    household: Household
    members: list[Membership]
    former_members: list[Membership]
    events: list[LifeEvent]
    kk_history: list = field(default_factory=list)


def household_open(*, actor: Actor, household_id: int) -> HouseholdRecord:
    household = _get_scoped(Household.objects.select_related("village", "village__parent", "head"), actor.user, household_id, "household")
    memberships = list(Membership.objects.filter(household=household).select_related("person").order_by("start_date", "id"))
    members = [m for m in memberships if m.end_date is None]
    order = {"kepala": 0, "suami": 1, "istri": 1}
    members.sort(key=lambda m: (order.get(m.relationship, 2), m.person.birth_date))
    events = list(LifeEvent.objects.filter(Q(household=household) | Q(other_household=household)).order_by("-occurred_on", "-id")[:50])
    audit_record(actor=actor, action="household.view", obj=household, village=household.village_id)
    return HouseholdRecord(
        household=household, members=members, former_members=[m for m in memberships if m.end_date is not None],
        events=events, kk_history=list(household.kk_history.order_by("-replaced_on")),
    )


def writable_villages(*, user) -> list[Area]:
    """The villages whose registry the user may change, for the new-household form."""
    scope = area_scope(user)
    villages = Area.objects.filter(kind__in=("desa", "kelurahan")).select_related("parent").order_by("parent__name", "name")
    return list(villages if scope.write_all else villages.filter(id__in=sorted(scope.write_village_ids)))


def household_by_kk(*, user, kk_number: str) -> Household:
    """A current household by its KK number, within the user's areas."""
    household = scoped(Household.objects.select_related("village"), user).filter(kk_number=kk_number.strip(), dissolved_on__isnull=True).first()
    if household is None:
        raise DomainError("not_found", _("KK aktif %(kk)s tidak ada di wilayah Anda.") % {"kk": kk_number}, field="kk_number")
    return household


@dataclass
class AreaCounts:
    people_alive: int = 0
    people_deceased: int = 0
    male: int = 0
    female: int = 0
    aged_60_plus: int = 0
    households: int = 0
    elderly_alone: int = 0
    desil: dict[int, int] = field(default_factory=dict)  # households per desil
    house_not_fit: int = 0

    def add(self, other: AreaCounts) -> None:
        for name in ("people_alive", "people_deceased", "male", "female", "aged_60_plus", "households", "elderly_alone", "house_not_fit"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, value in other.desil.items():
            self.desil[key] = self.desil.get(key, 0) + value


@dataclass
class AreaSummary:
    area: Area
    counts: AreaCounts
    children: list[tuple[Area, AreaCounts]]


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def area_summary(*, user, code: str) -> AreaSummary:
    """Counts for an area and each of its children, computed by grouped queries over the user's scope."""
    area = Area.objects.filter(code=code).select_related("parent").first()
    if area is None:
        raise DomainError("not_found", _("Kode wilayah %(code)s tidak dikenal.") % {"code": code})
    scope = area_scope(user)
    if area.is_village:
        villages = [area]
    else:
        villages = list(Area.objects.filter(code__startswith=area.code + ".", kind__in=("desa", "kelurahan")))
    villages = [v for v in villages if scope.can_read_village(v.id)]
    if not villages:
        raise DomainError("not_found", _("Wilayah %(code)s tidak ada di wilayah Anda.") % {"code": code})
    village_ids = [v.id for v in villages]
    per_village: dict[int, AreaCounts] = defaultdict(AreaCounts)
    cutoff = _years_ago(timezone.localdate(), 60)
    people = Person.objects.filter(village_id__in=village_ids).values("village_id").annotate(
        alive=Count("id", filter=Q(date_of_death__isnull=True)),
        deceased=Count("id", filter=Q(date_of_death__isnull=False)),
        male=Count("id", filter=Q(date_of_death__isnull=True, sex="M")),
        female=Count("id", filter=Q(date_of_death__isnull=True, sex="F")),
        old=Count("id", filter=Q(date_of_death__isnull=True, birth_date__lte=cutoff)),
    )
    for row in people:
        c = per_village[row["village_id"]]
        c.people_alive, c.people_deceased, c.male, c.female, c.aged_60_plus = row["alive"], row["deceased"], row["male"], row["female"], row["old"]
    households = Household.objects.filter(village_id__in=village_ids, dissolved_on__isnull=True)
    for row in households.values("village_id", "desil").annotate(n=Count("id")):
        c = per_village[row["village_id"]]
        c.households += row["n"]
        if row["desil"] is not None:
            c.desil[row["desil"]] = c.desil.get(row["desil"], 0) + row["n"]
    for row in households.exclude(house_condition="layak").values("village_id").annotate(n=Count("id")):
        per_village[row["village_id"]].house_not_fit = row["n"]
    # Elderly living alone: a living head aged 60+ with no other current member (an anti-join, so it is
    # one index probe per elderly head rather than a count over every membership of the regency).
    others = Membership.objects.filter(household=OuterRef("pk"), end_date__isnull=True).exclude(person_id=OuterRef("head_id"))
    alone = households.filter(head__birth_date__lte=cutoff, head__date_of_death__isnull=True).exclude(Exists(others))
    for row in alone.values("village_id").annotate(n=Count("id")):
        per_village[row["village_id"]].elderly_alone = row["n"]

    total = AreaCounts()
    children: dict[str, tuple[Area, AreaCounts]] = {}
    child_kind_depth = area.code.count(".") + 1
    for village in villages:
        counts = per_village[village.id]
        total.add(counts)
        if area.is_village:
            continue
        child_code = ".".join(village.code.split(".")[: child_kind_depth + 1])
        if child_code not in children:
            child = village if child_code == village.code else None
            children[child_code] = (child, AreaCounts())
        children[child_code][1].add(counts)
    missing = [c for c, (a, _) in children.items() if a is None]
    if missing:
        by_code = {a.code: a for a in Area.objects.filter(code__in=missing)}
        children = {c: (by_code.get(c, a), counts) for c, (a, counts) in children.items()}
    return AreaSummary(area=area, counts=total, children=sorted(children.values(), key=lambda pair: pair[0].code))


EXPORT_COLUMNS = ("nik", "name", "sex", "birth_place", "birth_date", "kk_number", "relationship", "village_code", "village", "dusun", "rw", "rt", "desil", "date_of_death")


def registry_export_rows(*, actor: Actor, village_code: str) -> Iterator[tuple]:
    """The residents of one village as rows for a CSV download (scoped, and the export is audited).

    The scope check and the audit row happen at the call, before the first row is streamed."""
    village = Area.objects.filter(code=village_code, kind__in=("desa", "kelurahan")).first()
    if village is None or not area_scope(actor.user).can_read_village(village.id):
        raise DomainError("not_found", _("Desa %(code)s tidak ada di wilayah Anda.") % {"code": village_code}, field="village")
    audit_record(actor=actor, action="registry.export", obj=village, village=village)
    return _export_rows(actor=actor, village=village)


def _export_rows(*, actor: Actor, village: Area) -> Iterator[tuple]:
    members = (
        scoped(Membership.objects.filter(end_date__isnull=True, household__village=village), actor.user)
        .select_related("person", "household")
        .order_by("household__rw", "household__rt", "household__kk_number", "id")
    )
    for m in members.iterator(chunk_size=2000):
        p, h = m.person, m.household
        yield (p.nik, p.name, p.sex, p.birth_place, p.birth_date.isoformat(), h.kk_number, m.relationship, village.code, village.name, h.dusun, h.rw, h.rt, h.desil or "", "")


def registry_stats() -> dict:
    """Registry-wide counts (no scope: for the operator's `stats` command, not for pages)."""
    people = Person.objects.aggregate(alive=Count("id", filter=Q(date_of_death__isnull=True)), deceased=Count("id", filter=Q(date_of_death__isnull=False)))
    households = Household.objects.aggregate(current=Count("id", filter=Q(dissolved_on__isnull=True)), dissolved=Count("id", filter=Q(dissolved_on__isnull=False)))
    return {
        "people": {"alive": people["alive"], "deceased": people["deceased"], "total": people["alive"] + people["deceased"]},
        "households": {"current": households["current"], "dissolved": households["dissolved"]},
        "memberships_current": Membership.objects.filter(end_date__isnull=True).count(),
    }
