"""Reads for programmes: rule previews, who receives what, runs, findings and trends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AreaKind
from smartkampung.core.scoping import area_scope, scoped

from .models import (
    Enrolment,
    FindingKind,
    PersonFacts,
    Programme,
    RunProgrammeStat,
    TargetingFinding,
    TargetingRun,
)


def rule_eligible_count(*, programme: Programme, text: str, as_of: dt.date | None = None) -> tuple[int, int]:
    """How many living residents a rule text would make eligible, and how many living residents there are
    (over the facts snapshot of the last run)."""
    from .services import eligible_facts

    as_of = as_of or timezone.localdate()
    everyone = PersonFacts.objects.filter(date_of_death__isnull=True).count()
    return eligible_facts(programme=programme, as_of=as_of, text=text).count(), everyone


@dataclass
class Preview:
    total: int
    living: int
    by_kecamatan: list[tuple[Area, int]]
    unit: str


def rule_preview(*, programme: Programme, text: str, as_of: dt.date | None = None) -> Preview:
    """Eligible per kecamatan for an unsaved rule (persons, or households for household programmes)."""
    from .services import eligible_facts

    as_of = as_of or timezone.localdate()
    facts = eligible_facts(programme=programme, as_of=as_of, text=text)
    count_field = "person_id" if programme.unit == "person" else "household_id"
    per_village = dict(facts.values("village_id").annotate(n=Count(count_field, distinct=count_field == "household_id")).values_list("village_id", "n"))
    kecamatan = {a.id: a for a in Area.objects.filter(kind=AreaKind.KECAMATAN)}
    village_parent = dict(Area.objects.filter(kind__in=("desa", "kelurahan")).values_list("id", "parent_id"))
    totals: dict[int, int] = dict.fromkeys(kecamatan, 0)
    for village_id, n in per_village.items():
        totals[village_parent[village_id]] += n
    rows = sorted(((kecamatan[k], n) for k, n in totals.items()), key=lambda pair: pair[0].code)
    living = PersonFacts.objects.filter(date_of_death__isnull=True).count()
    return Preview(total=sum(totals.values()), living=living, by_kecamatan=rows, unit=programme.unit)


def enrolments_of_person(*, user, person) -> list[Enrolment]:
    """Everything a resident receives: their own enrolments and their current household's."""
    from smartkampung.registry.models import Membership

    household_ids = list(Membership.objects.filter(person=person, end_date__isnull=True).values_list("household_id", flat=True))
    own = scoped(Enrolment.objects.filter(person=person), user)
    family = scoped(Enrolment.objects.filter(household_id__in=household_ids, person__isnull=True), user)
    return list((own | family).select_related("programme", "component").order_by("-start_date", "programme__code"))


def enrolments_of_household(*, user, household) -> list[Enrolment]:
    from smartkampung.registry.models import Membership

    member_ids = Membership.objects.filter(household=household, end_date__isnull=True).values("person_id")
    qs = scoped(Enrolment.objects.filter(household=household), user) | scoped(Enrolment.objects.filter(person_id__in=member_ids), user)
    return list(qs.select_related("programme", "component", "person").order_by("-start_date", "programme__code"))


def latest_run() -> TargetingRun | None:
    return TargetingRun.objects.filter(status="done").order_by("-finished_at", "-id").first()


def programme_trend(*, programme: Programme, runs: int = 12) -> list[RunProgrammeStat]:
    stats = RunProgrammeStat.objects.filter(programme=programme, run__status="done").select_related("run").order_by("-run__finished_at")[:runs]
    return list(reversed(stats))


FINDING_COLUMNS = ("run", "programme", "kind", "village_code", "village", "nik", "name", "kk_number", "enrolment_id", "listed_nik")


def findings_scoped(*, actor: Actor, run: TargetingRun, village_code: str = "", programme_code: str = ""):
    """A run's findings for one village (any staff member with that village) or, for regency-wide staff,
    every village. Scoped like the registry; the read is audited."""
    scope = area_scope(actor.user)
    findings = scoped(TargetingFinding.objects.filter(run=run), actor.user)
    village = None
    if village_code:
        village = Area.objects.filter(code=village_code, kind__in=("desa", "kelurahan")).first()
        if village is None or not scope.can_read_village(village.id):
            raise DomainError("not_found", _("Desa %(code)s tidak ada di wilayah Anda.") % {"code": village_code}, field="village")
        findings = findings.filter(village=village)
    elif not scope.read_all:
        raise DomainError("forbidden", _("Pilih salah satu desa Anda."), field="village")
    if programme_code:
        findings = findings.filter(programme__code=programme_code)
    audit_record(actor=actor, action="findings.export", obj=run, village=village, changes={"village": village_code, "programme": programme_code})
    return findings.select_related("programme", "village", "person", "household").order_by("village__code", "programme__code", "kind", "id")


def findings_rows(*, actor: Actor, run: TargetingRun, village_code: str = "", programme_code: str = "") -> Iterator[tuple]:
    """The same findings as rows for CSV/XLSX."""
    return _finding_rows(run, findings_scoped(actor=actor, run=run, village_code=village_code, programme_code=programme_code))


def _finding_rows(run, findings) -> Iterator[tuple]:
    kinds = dict(FindingKind.choices)
    for f in findings.iterator(chunk_size=2000):
        yield (
            run.pk, f.programme.code, str(kinds[f.kind]), f.village.code if f.village else "", f.village.name if f.village else "",
            f.person.nik if f.person else "", f.person.name if f.person else "", f.household.kk_number if f.household else "",
            f.enrolment_id or "", f.listed_nik,
        )
