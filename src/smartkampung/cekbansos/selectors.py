"""Reads for Cek Bansos: the public check and search (lean: a couple of indexed queries each), a
resident's eligibility under the programmes' current rules, and the staff's verification lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.db import hot_cursor
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AreaKind
from smartkampung.core.scoping import scoped
from smartkampung.programmes import rules
from smartkampung.programmes.models import Enrolment, Period, Programme, Unit
from smartkampung.registry.models import Household, Membership, NameToken, Person
from smartkampung.registry.names import search_tokens

from .masking import mask_name
from .models import ExcludingProgramme, LookupLog, Sanggah, SanggahStatus, Usul, UsulStatus

# An ended enrolment is still shown for a year, so that "why did it stop?" can be asked.
ENDED_SHOWN_DAYS = 365
# A name search answers at most this many residents; more matches answer none ("write more of the
# name"), so that nobody can list a village by searching "a", "b", "c"...
SEARCH_MAX_RESULTS = 10
SEARCH_MIN_LETTERS = 3
_TOKEN_MAX = 40
_TOKEN_CANDIDATES_MAX = 5000


# --- The check ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    person_id: int
    household_id: int | None
    name: str
    village: str
    kecamatan: str


def _current_household():
    return Subquery(Membership.objects.filter(person_id=OuterRef("pk"), end_date__isnull=True).values("household_id")[:1])


# The check is the hot path of a regency-wide rush: its three statements are written out once (the ORM
# would spend more time compiling each query than SQLite spends answering it). Plain SQL that SQLite
# and PostgreSQL both speak; every lookup is on a unique or plain b-tree index.
def _t(model) -> str:
    return f'"{model._meta.db_table}"'


_MATCH_SQL = (
    f"SELECT p.id, m.household_id, p.name, v.name, k.name FROM {_t(Person)} p "
    f"JOIN {_t(Area)} v ON v.id = p.village_id LEFT JOIN {_t(Area)} k ON k.id = v.parent_id "
    f"LEFT JOIN {_t(Membership)} m ON m.person_id = p.id AND m.end_date IS NULL "
    "WHERE p.nik = %s AND p.birth_date = %s AND p.date_of_death IS NULL LIMIT 1"
)
_RECEIVED_SQL = (
    "SELECT pr.code, pr.name, pr.agency, pr.unit, pr.period, e.amount, e.start_date, e.end_date, "
    f"EXISTS (SELECT 1 FROM {_t(ExcludingProgramme)} x WHERE x.programme_id = e.programme_id) "
    f"FROM {_t(Enrolment)} e JOIN {_t(Programme)} pr ON pr.id = e.programme_id "
    "WHERE (e.person_id = %s OR (e.household_id = %s AND pr.unit = 'household')) "
    "AND e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s) "
    "ORDER BY pr.code, e.start_date DESC"
)


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def check_match(*, nik: str, birth_date: dt.date) -> Match | None:
    """The living resident with this NIK *and* this birth date, or None. Both facts are in the one
    WHERE clause, so an unknown NIK and a wrong birth date take the same path (and the same time)."""
    with hot_cursor() as cursor:
        cursor.execute(_MATCH_SQL, [nik, connection.ops.adapt_datefield_value(birth_date)])
        row = cursor.fetchone()
    return Match(*row) if row is not None else None


@dataclass(frozen=True)
class Received:
    code: str
    name: str
    agency: str
    unit: str
    period: str
    amount: int
    start_date: dt.date
    end_date: dt.date | None
    active: bool
    excluding: bool  # a programme whose recipients are excluded from new aid

    @property
    def period_label(self) -> str:
        return str(dict(Period.choices).get(self.period, self.period))


def received_by(*, person_id: int, household_id: int | None, today: dt.date) -> list[Received]:
    """What a resident receives (own enrolments, and their household's for household programmes), active
    or ended within a year, in one query. Components (e.g. PKH "disabilitas berat", "ibu hamil") are
    never read: they are health data."""
    adapt = connection.ops.adapt_datefield_value
    with hot_cursor() as cursor:
        cursor.execute(_RECEIVED_SQL, [person_id, household_id if household_id is not None else -1, adapt(today),
                                       adapt(today - dt.timedelta(days=ENDED_SHOWN_DAYS))])
        rows = cursor.fetchall()
    seen: set[str] = set()
    out = []
    for code, name, agency, unit, period, amount, start, end, excluding in rows:
        if code in seen:  # the household's and a member's own row of one programme: show it once
            continue
        seen.add(code)
        start, end = _date(start), _date(end)
        out.append(Received(code, name, agency, unit, period, amount, start, end, end is None or end >= today, bool(excluding)))
    return out


# --- Eligibility under the programmes' rules ---------------------------------------------------------


@dataclass
class Eligibility:
    met: list[Programme] = field(default_factory=list)  # rules met, not receiving: what an usul could lead to
    receiving: list[Programme] = field(default_factory=list)
    excluded_by: list[Programme] = field(default_factory=list)  # excluding programmes received

    @property
    def excluded(self) -> bool:
        return bool(self.excluded_by)


def _live_facts(person_id: int):
    """The resident as a one-row queryset with the same columns as programmes.PersonFacts, computed from
    the registry now (the snapshot is only as fresh as the last targeting run; an usul needs today's)."""
    household = Membership.objects.filter(person_id=OuterRef("pk"), end_date__isnull=True).values("household_id")[:1]
    living = Membership.objects.filter(household_id=OuterRef("household_id"), end_date__isnull=True, person__date_of_death__isnull=True)
    size = living.order_by().values("household_id").annotate(n=Count("id")).values("n")[:1]
    return Person.objects.filter(pk=person_id).annotate(
        person_id=F("id"),
        household_id=Subquery(household),
        hh_desil=Subquery(Household.objects.filter(pk=OuterRef("household_id")).values("desil")[:1]),
        hh_house_condition=Subquery(Household.objects.filter(pk=OuterRef("household_id")).values("house_condition")[:1]),
        hh_size=Subquery(size, output_field=IntegerField()),
    )


def person_eligibility(*, person: Person, as_of: dt.date) -> Eligibility:
    """Each active programme's current rule evaluated for one resident (programmes.rules over live facts,
    as programmes.services.eligible_facts does over the snapshot, with the programme's own exclusions)."""
    from smartkampung.programmes.services import receives_factory

    receives = receives_factory(as_of=as_of)
    codes = list(Programme.objects.values_list("code", flat=True))
    facts = _live_facts(person.pk)
    excluding_ids = set(ExcludingProgramme.objects.values_list("programme_id", flat=True))
    result = Eligibility()
    for programme in Programme.objects.filter(active=True).prefetch_related("excludes").order_by("code"):
        if facts.filter(receives(programme.code)).exists():
            result.receiving.append(programme)
            if programme.pk in excluding_ids:
                result.excluded_by.append(programme)
            continue
        if not programme.rule_text:
            continue  # not targeted by rule (e.g. a programme given by list only)
        q = rules.compile_rule(programme.rule_text, programme_codes=codes, today=as_of, receives=receives)
        eligible = facts.filter(q)
        for excluded in programme.excludes.all():
            eligible = eligible.exclude(receives(excluded.code))
        if eligible.exists():
            result.met.append(programme)
    # Inactive excluding programmes (BST ended in 2021) still exclude while an enrolment runs.
    for programme in Programme.objects.filter(active=False, pk__in=excluding_ids):
        if facts.filter(receives(programme.code)).exists():
            result.receiving.append(programme)
            result.excluded_by.append(programme)
    return result


# --- Name search within a village --------------------------------------------------------------------


def public_villages() -> list[Area]:
    return list(Area.objects.filter(kind__in=(AreaKind.DESA, AreaKind.KELURAHAN)).select_related("parent").order_by("parent__name", "name"))


@dataclass(frozen=True)
class SearchHit:
    person_id: int
    masked: str
    programmes: tuple[str, ...]  # programme names, active today


@dataclass(frozen=True)
class SearchAnswer:
    hits: list[SearchHit]
    too_many: bool


def search_query_ok(name: str) -> bool:
    tokens = search_tokens(name or "")
    return any(len(t) >= SEARCH_MIN_LETTERS for t in tokens)


def recipients_search(*, village: Area, name: str, today: dt.date) -> SearchAnswer:
    """Living residents of `village` receiving something today whose name has every word of `name` (at the
    start of some word), as masked names. More than SEARCH_MAX_RESULTS matches answer none."""
    tokens = list(dict.fromkeys(search_tokens(name or "")))
    if not any(len(t) >= SEARCH_MIN_LETTERS for t in tokens):
        raise DomainError("invalid", _("Tulis sedikitnya %(n)s huruf dari nama.") % {"n": SEARCH_MIN_LETTERS}, field="name")
    candidates: set[int] | None = None
    for token in sorted(tokens, key=len, reverse=True):  # the longest word narrows most
        rows = NameToken.objects.filter(village=village, token__gte=token, token__lte=token + "Z" * (_TOKEN_MAX - len(token)))
        if candidates is not None:
            rows = rows.filter(person_id__in=sorted(candidates))
        ids = {pid for pid, t in rows.values_list("person_id", "token")[:_TOKEN_CANDIDATES_MAX] if t.startswith(token)}
        candidates = ids if candidates is None else candidates & ids
        if not candidates:
            return SearchAnswer([], False)
    active = Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
    people = Person.objects.filter(pk__in=sorted(candidates), village=village, date_of_death__isnull=True).annotate(household_id=_current_household())
    people = list(people.values_list("id", "name", "household_id"))
    household_of = {pid: hid for pid, _name, hid in people}
    enrolled = Enrolment.objects.filter(active).filter(
        Q(person_id__in=list(household_of)) | Q(household_id__in=[h for h in household_of.values() if h], programme__unit=Unit.HOUSEHOLD)
    ).values_list("person_id", "household_id", "programme__name")
    by_person: dict[int, set[str]] = {}
    members: dict[int, list[int]] = {}
    for pid, hid in household_of.items():
        if hid:
            members.setdefault(hid, []).append(pid)
    for pid, hid, programme in enrolled:
        targets = [pid] if pid in household_of else []
        if hid in members:
            targets += members[hid]
        for target in targets:
            by_person.setdefault(target, set()).add(programme)
    hits = [SearchHit(pid, mask_name(name), tuple(sorted(by_person[pid]))) for pid, name, _household in people if pid in by_person]
    if len(hits) > SEARCH_MAX_RESULTS:
        return SearchAnswer([], True)
    return SearchAnswer(sorted(hits, key=lambda h: (h.masked, h.person_id)), False)


def active_enrolment_of(*, person: Person, programme_code: str, today: dt.date) -> Enrolment | None:
    """The enrolment by which `person` receives `programme_code` today (their own or their household's)."""
    household_id = Membership.objects.filter(person=person, end_date__isnull=True).values_list("household_id", flat=True).first()
    who = Q(person=person)
    if household_id:
        who |= Q(household_id=household_id, programme__unit=Unit.HOUSEHOLD)
    return (Enrolment.objects.filter(who, programme__code=programme_code, start_date__lte=today)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today)).select_related("programme").order_by("-start_date").first())


# --- Following a report ------------------------------------------------------------------------------


def report_by_ticket(ticket: str) -> Usul | Sanggah | None:
    if ticket.startswith("US-"):
        return Usul.objects.select_related("village", "enrolment__programme").filter(ticket=ticket).first()
    if ticket.startswith("SG-"):
        return Sanggah.objects.select_related("village", "programme").filter(ticket=ticket).first()
    return None


# --- Staff ---------------------------------------------------------------------------------------------


def usul_list(*, user, status: str = "") -> list[Usul]:
    qs = scoped(Usul.objects.all(), user).select_related("village", "subject")
    if status:
        qs = qs.filter(status=status)
    return list(qs[:200])


def sanggah_list(*, user, status: str = "") -> list[Sanggah]:
    qs = scoped(Sanggah.objects.all(), user).select_related("village", "subject", "programme")
    if status:
        qs = qs.filter(status=status)
    return list(qs[:200])


def open_counts(*, user) -> dict[str, int]:
    return {
        "usul": scoped(Usul.objects.filter(status=UsulStatus.VERIFYING), user).count(),
        "sanggah": scoped(Sanggah.objects.filter(status=SanggahStatus.VERIFYING), user).count(),
    }


def usul_open(*, actor: Actor, pk: int) -> Usul:
    """One usul for a staff member of its village; the read of the reporter's and the resident's data
    is audited. Outside the user's areas it answers like one that does not exist."""
    usul = scoped(Usul.objects.all(), actor.user).select_related("village", "subject", "subject__village", "enrolment__programme").filter(pk=pk).first()
    if usul is None:
        raise DomainError("not_found", _("Usulan tidak ditemukan di wilayah Anda."))
    audit_record(actor=actor, action="usul.view", obj=usul, village=usul.village_id)
    return usul


def sanggah_open(*, actor: Actor, pk: int) -> Sanggah:
    sanggah = scoped(Sanggah.objects.all(), actor.user).select_related("village", "subject", "programme", "enrolment").filter(pk=pk).first()
    if sanggah is None:
        raise DomainError("not_found", _("Sanggahan tidak ditemukan di wilayah Anda."))
    audit_record(actor=actor, action="sanggah.view", obj=sanggah, village=sanggah.village_id)
    return sanggah


def app_stats() -> dict:
    usul = dict(Usul.objects.values_list("status").annotate(n=Count("id")))
    sanggah = dict(Sanggah.objects.values_list("status").annotate(n=Count("id")))
    lookups = dict(LookupLog.objects.values_list("kind").annotate(n=Count("id")))
    return {"cekbansos": {
        "usul": {s: usul.get(s, 0) for s in UsulStatus.values},
        "sanggah": {s: sanggah.get(s, 0) for s in SanggahStatus.values},
        "lookups": {k: lookups.get(k, 0) for k in ("check", "search", "usul", "sanggah", "ticket")},
        "excluding_programmes": sorted(ExcludingProgramme.objects.values_list("programme__code", flat=True)),
    }}
