"""Writes for programmes: the catalogue, rules, enrolments and targeting runs."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AreaKind
from smartkampung.core.scoping import area_scope
from smartkampung.registry.models import Household, Membership, Person

from . import rules
from .catalogue import PROGRAMMES
from .models import (
    Enrolment,
    EnrolmentEvent,
    FindingKind,
    PersonFacts,
    Programme,
    ProgrammeComponent,
    ProgrammeQuota,
    RuleVersion,
    RunProgrammeStat,
    RunStatus,
    RunVillageStat,
    Source,
    TargetingFinding,
    TargetingRun,
    Unit,
)


def _require_analyst(actor: Actor) -> None:
    """Rules, catalogue and runs are the regency's: regency admins and Dinas Sosial analysts."""
    if actor.via == "cli" and actor.user is None:
        return
    scope = area_scope(actor.user)
    if not scope.read_all or not ({"regency_admin", "dinsos_analyst"} & scope.roles or getattr(actor.user, "is_superuser", False)):
        raise DomainError("forbidden", _("Hanya admin kabupaten dan analis Dinas Sosial yang dapat melakukan ini."))


@transaction.atomic
def catalogue_load(*, actor: Actor) -> int:
    """Seed the real programmes (catalogue.py); existing ones keep what analysts changed. Returns how many were new."""
    created = 0
    by_code = {}
    for spec in PROGRAMMES:
        fields = {k: spec[k] for k in ("name", "agency", "level", "unit", "benefit_kind", "amount", "period", "description", "source_note", "rule_text")}
        programme, new = Programme.objects.get_or_create(code=spec["code"], defaults={**fields, "active": spec.get("active", True)})
        by_code[programme.code] = (programme, spec)
        if new:
            created += 1
            if programme.rule_text:
                RuleVersion.objects.create(programme=programme, text=programme.rule_text, note="seed")
            for code, name, amount in spec.get("components", []):
                ProgrammeComponent.objects.create(programme=programme, code=code, name=name, amount=amount, period=spec["period"])
            per_kecamatan = spec.get("quota_per_kecamatan")
            if per_kecamatan:
                ProgrammeQuota.objects.bulk_create(
                    ProgrammeQuota(programme=programme, area=k, quota=per_kecamatan) for k in Area.objects.filter(kind=AreaKind.KECAMATAN)
                )
            audit_record(actor=actor, action="programme.create", obj=programme, changes={"code": programme.code})
    for programme, spec in by_code.values():
        if spec.get("excludes") and not programme.excludes.exists():
            programme.excludes.set([by_code[c][0] for c in spec["excludes"]])
    return created


def _programme_codes() -> list[str]:
    return list(Programme.objects.values_list("code", flat=True))


def _area_codes() -> list[str]:
    return list(Area.objects.values_list("code", flat=True))


@transaction.atomic
def programme_rule_save(*, actor: Actor, programme: Programme, text: str, note: str = "", confirm_everyone: bool = False) -> RuleVersion:
    """Check and save a programme's eligibility rule; a rule that makes every resident eligible needs confirming."""
    _require_analyst(actor)
    text = (text or "").strip()
    rules.check(text, programme_codes=_programme_codes(), area_codes=_area_codes())  # RuleError names the position
    if not confirm_everyone:
        from .selectors import rule_eligible_count

        eligible, everyone = rule_eligible_count(programme=programme, text=text)
        if everyone and eligible == everyone:
            raise DomainError("rule_matches_everyone", _("Aturan ini membuat seluruh %(everyone)s penduduk yang masih hidup memenuhi syarat. Simpan sekali lagi untuk mengonfirmasi.") % {"everyone": number_format(everyone, force_grouping=True)}, field="rule_text")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    old = programme.rule_text
    programme.rule_text = text
    programme.save(update_fields=["rule_text"])
    version = RuleVersion.objects.create(programme=programme, text=text, saved_by=actor.user_or_none, note=note[:200])
    audit_record(actor=actor, action="programme.rule_save", obj=programme, changes={"old": old, "new": text})
    return version


def _active(queryset, as_of: dt.date):
    return queryset.filter(start_date__lte=as_of).filter(Q(end_date__isnull=True) | Q(end_date__gte=as_of))


@transaction.atomic
def enrolment_create(
    *, actor: Actor, programme: Programme, start_date: dt.date, source: str, person: Person | None = None,
    household: Household | None = None, listed_nik: str = "", listed_name: str = "", amount: int | None = None,
    source_ref: str = "",
) -> Enrolment:
    if source not in Source.values:
        raise DomainError("invalid", _("source %(source)r tidak termasuk pilihan: %(allowed)s.") % {"source": source, "allowed": ", ".join(Source.values)}, field="source")
    if programme.unit == Unit.HOUSEHOLD and household is None and not listed_nik:
        raise DomainError("invalid", _("%(code)s diberikan kepada keluarga: sebutkan keluarganya (KK).") % {"code": programme.code}, field="household")
    if programme.unit == Unit.PERSON and person is None and not listed_nik:
        raise DomainError("invalid", _("%(code)s diberikan kepada perorangan: sebutkan penduduknya.") % {"code": programme.code}, field="person")
    village = household.village if household is not None else (person.village if person is not None else None)
    if village is not None and actor.user is not None and not area_scope(actor.user).can_write_village(village.id):
        raise DomainError("forbidden", _("Anda tidak berwenang mendaftarkan penduduk %(village)s.") % {"village": village.name}, field="village")
    if person is not None and person.date_of_death is not None:
        raise DomainError("invalid", _("%(name)s tercatat sudah meninggal.") % {"name": person.name}, field="person")
    same = Enrolment.objects.select_for_update().filter(programme=programme)
    same = same.filter(household=household) if programme.unit == Unit.HOUSEHOLD and household else same.filter(person=person) if person else same.none()
    if _active(same, start_date).exists():
        raise DomainError("duplicate", _("Sudah menerima %(code)s.") % {"code": programme.code}, field="person" if programme.unit == Unit.PERSON else "household")
    enrolment = Enrolment.objects.create(
        programme=programme, person=person, household=household, listed_nik=listed_nik or (person.nik if person else ""),
        listed_name=listed_name or (person.name if person else ""), village=village, start_date=start_date,
        amount=programme.amount if amount is None else amount, source=source, source_ref=source_ref,
    )
    EnrolmentEvent.objects.create(enrolment=enrolment, kind="created", actor=actor.user_or_none, details={"source": source, "ref": source_ref})
    audit_record(actor=actor, action="enrolment.create", obj=enrolment, village=village, changes={"programme": programme.code, "source": source})
    return enrolment


@transaction.atomic
def enrolment_end(*, actor: Actor, enrolment: Enrolment, end_date: dt.date, reason: str) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.village_id and actor.user is not None and not area_scope(actor.user).can_write_village(enrolment.village_id):
        raise DomainError("forbidden", _("Anda tidak berwenang mengubah kepesertaan ini."))
    if enrolment.end_date is not None and enrolment.end_date <= end_date:
        raise DomainError("invalid", _("Kepesertaan ini sudah berakhir pada %(date)s.") % {"date": enrolment.end_date}, field="end_date")
    if end_date < enrolment.start_date:
        raise DomainError("invalid", _("end_date %(end)s sebelum tanggal mulai %(start)s.") % {"end": end_date, "start": enrolment.start_date}, field="end_date")
    enrolment.end_date = end_date
    enrolment.save(update_fields=["end_date"])
    EnrolmentEvent.objects.create(enrolment=enrolment, kind="ended", actor=actor.user_or_none, details={"end_date": end_date.isoformat(), "reason": reason})
    audit_record(actor=actor, action="enrolment.end", obj=enrolment, village=enrolment.village_id, changes={"end_date": end_date.isoformat(), "reason": reason})
    return enrolment


def _big_query_memory(cursor) -> None:
    """PostgreSQL's default work_mem (4 MB) makes the regency-wide joins and counts spill to disk; a run's
    transactions take more (SET LOCAL: this transaction only). SQLite needs nothing."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL work_mem = '128MB'")


def person_facts_refresh() -> int:
    """Rebuild the facts snapshot in one set-based statement (no row-by-row work)."""
    q = connection.ops.quote_name
    facts, person, membership, household = (q(m._meta.db_table) for m in (PersonFacts, Person, Membership, Household))
    with connection.cursor() as cursor:
        _big_query_memory(cursor)
        # TRUNCATE on PostgreSQL: no dead tuples to vacuum after each run (SQLite's bare DELETE is its truncate).
        cursor.execute(f"TRUNCATE {facts}" if connection.vendor == "postgresql" else f"DELETE FROM {facts}")
        cursor.execute(f"""
            INSERT INTO {facts} (person_id, village_id, household_id, birth_date, sex, disability, disability_severe,
                                 pregnancy_due_date, date_of_death, hh_desil, hh_size, hh_house_condition)
            SELECT p.id, p.village_id, m.household_id, p.birth_date, p.sex, p.disability, p.disability_severe,
                   p.pregnancy_due_date, p.date_of_death, h.desil, s.size, h.house_condition
            FROM {person} p
            LEFT JOIN {membership} m ON m.person_id = p.id AND m.end_date IS NULL
            LEFT JOIN {household} h ON h.id = m.household_id
            LEFT JOIN (SELECT m2.household_id, COUNT(*) AS size FROM {membership} m2
                       JOIN {person} p2 ON p2.id = m2.person_id
                       WHERE m2.end_date IS NULL AND p2.date_of_death IS NULL AND p2.merged_into_id IS NULL
                       GROUP BY m2.household_id) s
                   ON s.household_id = m.household_id
            WHERE p.merged_into_id IS NULL  -- a record merged into another (linkage) is not a resident of its own
        """)
        return cursor.rowcount


def person_facts_ensure() -> None:
    """A rule preview reads the last run's snapshot; build one if no run has yet."""
    if not PersonFacts.objects.exists():
        with transaction.atomic():
            person_facts_refresh()


def receives_factory(*, as_of: dt.date) -> Callable[[str], Q]:
    """receives("CODE") for rules over PersonFacts: an active enrolment of the person, or of their household
    for household programmes."""
    units = dict(Programme.objects.values_list("code", "unit"))

    def receives(code: str) -> Q:
        active = _active(Enrolment.objects.filter(programme__code=code), as_of)
        if units.get(code) == Unit.HOUSEHOLD:
            return Q(Exists(active.filter(household_id=OuterRef("household_id"))))
        return Q(Exists(active.filter(person_id=OuterRef("person_id"))))

    return receives


def eligible_facts(*, programme: Programme, as_of: dt.date, text: str | None = None, receives=None):
    """Living residents who meet the programme's rule and receive none of the programmes it excludes."""
    receives = receives or receives_factory(as_of=as_of)
    rule_q = rules.compile_rule(text if text is not None else programme.rule_text, programme_codes=_programme_codes(), today=as_of, receives=receives)
    facts = PersonFacts.objects.filter(date_of_death__isnull=True).filter(rule_q)
    for excluded in programme.excludes.values_list("code", flat=True):
        facts = facts.exclude(receives(excluded))
    return facts


def _insert_findings(*, run: TargetingRun, programme: Programme, kind: str, queryset, columns: dict[str, str]) -> int:
    """INSERT INTO findings SELECT ...: the rows never travel through Python. `columns` maps a finding
    column to the queryset field that fills it."""
    inner, params = queryset.values(*columns.values()).query.sql_with_params()
    q = connection.ops.quote_name
    targets = ["run_id", "programme_id", "kind", *columns]
    sources = ["%s", "%s", "%s", *(f"d.{q(field)}" for field in columns.values())]
    constants = [run.pk, programme.pk, kind]
    if "listed_nik" not in columns:
        targets.append("listed_nik")
        sources.append("%s")
        constants.append("")
    sql = f"INSERT INTO {q(TargetingFinding._meta.db_table)} ({', '.join(q(t) for t in targets)}) SELECT {', '.join(sources)} FROM ({inner}) d"
    with connection.cursor() as cursor:
        cursor.execute(sql, (*constants, *params))
        return cursor.rowcount


def _target_programme(*, run: TargetingRun, programme: Programme, as_of: dt.date, receives) -> RunProgrammeStat:
    active = _active(Enrolment.objects.filter(programme=programme), as_of)
    eligible = eligible_facts(programme=programme, as_of=as_of, receives=receives)
    stat = RunProgrammeStat(run=run, programme=programme, rule_text=programme.rule_text, recipients=active.count())
    later_twin = {"person": active.filter(person_id=OuterRef("person_id"), pk__lt=OuterRef("pk")),
                  "household": active.filter(household_id=OuterRef("household_id"), pk__lt=OuterRef("pk"))}
    if programme.unit == Unit.PERSON:
        receiving = Exists(active.filter(person_id=OuterRef("person_id")))
        stat.eligible = eligible.count()
        stat.eligible_receiving = eligible.filter(receiving).count()
        stat.exclusion = _insert_findings(run=run, programme=programme, kind=FindingKind.EXCLUSION,
                                          queryset=eligible.exclude(receiving), columns={"person_id": "person_id", "household_id": "household_id", "village_id": "village_id"})
        on_record = active.filter(person__isnull=False)
        deceased = on_record.filter(person__date_of_death__isnull=False)
        not_eligible = on_record.filter(person__date_of_death__isnull=True).exclude(Exists(eligible.filter(person_id=OuterRef("person_id"))))
        twins = on_record.filter(Exists(later_twin["person"]))
    else:
        households = Household.objects.filter(dissolved_on__isnull=True, pk__in=eligible.values("household_id"))
        receiving = Exists(active.filter(household_id=OuterRef("pk")))
        stat.eligible = households.count()
        stat.eligible_receiving = households.filter(receiving).count()
        stat.exclusion = _insert_findings(run=run, programme=programme, kind=FindingKind.EXCLUSION,
                                          queryset=households.exclude(receiving), columns={"household_id": "id", "person_id": "head_id", "village_id": "village_id"})
        on_record = active.filter(household__isnull=False)
        # A household that receives after it was dissolved, or whose recorded recipient has died.
        deceased = on_record.filter(Q(household__dissolved_on__isnull=False) | Q(person__date_of_death__isnull=False))
        not_eligible = on_record.filter(household__dissolved_on__isnull=True).exclude(person__date_of_death__isnull=False).exclude(
            Exists(eligible.filter(household_id=OuterRef("household_id"))))
        twins = on_record.filter(Exists(later_twin["household"]))
    columns = {"enrolment_id": "id", "person_id": "person_id", "household_id": "household_id", "village_id": "village_id", "listed_nik": "listed_nik"}
    stat.deceased = _insert_findings(run=run, programme=programme, kind=FindingKind.DECEASED, queryset=deceased, columns=columns)
    stat.not_eligible = _insert_findings(run=run, programme=programme, kind=FindingKind.NOT_ELIGIBLE, queryset=not_eligible, columns=columns)
    stat.duplicate = _insert_findings(run=run, programme=programme, kind=FindingKind.DUPLICATE, queryset=twins, columns=columns)
    stat.unknown_nik = _insert_findings(run=run, programme=programme, kind=FindingKind.UNKNOWN_NIK,
                                        queryset=active.filter(person__isnull=True, household__isnull=True), columns=columns)
    stat.save()
    _village_stats(run=run, programme=programme, active=active, eligible=eligible)
    return stat


def _village_stats(*, run, programme, active, eligible) -> None:
    rows: dict[int, RunVillageStat] = {}

    def row(village_id):
        if village_id not in rows:
            rows[village_id] = RunVillageStat(run=run, programme=programme, village_id=village_id)
        return rows[village_id]

    if programme.unit == Unit.PERSON:
        receiving = Exists(_active(Enrolment.objects.filter(programme=programme), run.as_of).filter(person_id=OuterRef("person_id")))
        for r in eligible.values("village_id").annotate(n=Count("person_id"), got=Count("person_id", filter=Q(receiving))):
            row(r["village_id"]).eligible, row(r["village_id"]).eligible_receiving = r["n"], r["got"]
    else:
        households = Household.objects.filter(dissolved_on__isnull=True, pk__in=eligible.values("household_id"))
        receiving = Exists(_active(Enrolment.objects.filter(programme=programme), run.as_of).filter(household_id=OuterRef("pk")))
        for r in households.values("village_id").annotate(n=Count("id"), got=Count("id", filter=Q(receiving))):
            row(r["village_id"]).eligible, row(r["village_id"]).eligible_receiving = r["n"], r["got"]
    for r in active.filter(village__isnull=False).values("village_id").annotate(n=Count("id")):
        row(r["village_id"]).recipients = r["n"]
    findings = TargetingFinding.objects.filter(run=run, programme=programme, village__isnull=False)
    for r in findings.values("village_id", "kind").annotate(n=Count("id")):
        if r["kind"] != FindingKind.UNKNOWN_NIK:
            setattr(row(r["village_id"]), r["kind"], r["n"])
    RunVillageStat.objects.bulk_create(rows.values(), batch_size=500)


# A queued or running run whose process has given no sign of life for this long has died (or no task
# worker is running); the next request marks it failed instead of waiting on it for ever.
STALE_AFTER = dt.timedelta(minutes=10)


def _targeted_programmes(codes: list[str] | None):
    programmes = Programme.objects.filter(active=True).exclude(rule_text="").order_by("code")
    if codes:
        unknown = sorted(set(codes) - set(Programme.objects.values_list("code", flat=True)))
        if unknown:
            raise DomainError("not_found", _("Program %(codes)s tidak dikenal.") % {"codes": ", ".join(unknown)}, field="programme")
        programmes = programmes.filter(code__in=codes)
    return programmes


def _run_discard(run_id: int, error: str) -> None:
    """A failed run keeps its status row and reason, and nothing else: no half list is ever shown."""
    with transaction.atomic():
        TargetingFinding.objects.filter(run_id=run_id).delete()
        RunVillageStat.objects.filter(run_id=run_id).delete()
        RunProgrammeStat.objects.filter(run_id=run_id).delete()
        TargetingRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, error=error[:2000], finished_at=timezone.now(), active_slot=None, step="")


def _stale_runs_fail() -> None:
    for run in TargetingRun.objects.filter(active_slot__isnull=False, heartbeat_at__lt=timezone.now() - STALE_AFTER):
        reason = ("No task worker picked the run up: is `smartkampung db_worker` (or `smartkampung serve`) running?"
                  if run.status == RunStatus.QUEUED else "The process running it stopped.")
        _run_discard(run.pk, reason)


def _run_claim(*, actor: Actor, as_of: dt.date | None, codes: list[str] | None, status: str) -> TargetingRun:
    _require_analyst(actor)
    programmes = _targeted_programmes(codes)
    _stale_runs_fail()
    try:
        with transaction.atomic():
            run = TargetingRun.objects.create(
                as_of=as_of or timezone.localdate(), started_by=actor.user_or_none, status=status, codes=sorted(codes or []),
                active_slot=1, heartbeat_at=timezone.now(), steps_total=programmes.count() + 1,
            )
            audit_record(actor=actor, action="targeting.request", obj=run, changes={"as_of": run.as_of.isoformat(), "programmes": run.codes})
    except IntegrityError:
        active = TargetingRun.objects.filter(active_slot__isnull=False).first()
        raise DomainError("conflict", _("Proses penargetan %(run)s masih %(status)s; harap tunggu hingga selesai.") % {
            "run": active.pk if active else "", "status": active.get_status_display().lower() if active else _("berjalan")}, field="run") from None
    return run


def targeting_run_queue(*, actor: Actor, as_of: dt.date | None = None, codes: list[str] | None = None) -> TargetingRun:
    """Queue a run for the task worker (the analysts' button): the page follows its progress."""
    from .tasks import targeting_run_task

    run = _run_claim(actor=actor, as_of=as_of, codes=codes, status=RunStatus.QUEUED)
    targeting_run_task.enqueue(run_id=run.pk)
    return TargetingRun.objects.get(pk=run.pk)


def targeting_run(*, actor: Actor, as_of: dt.date | None = None, codes: list[str] | None = None,
                  progress: Callable[[str], None] | None = None) -> TargetingRun:
    """Run every active programme's rule over the whole registry now, in this process (`smartkampung target`)."""
    run = _run_claim(actor=actor, as_of=as_of, codes=codes, status=RunStatus.RUNNING)
    return targeting_run_execute(run_id=run.pk, progress=progress)


def _run_step(run: TargetingRun, *, step: str, done: int) -> None:
    TargetingRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, step=step, steps_done=done, heartbeat_at=timezone.now())


def targeting_run_execute(*, run_id: int, progress: Callable[[str], None] | None = None) -> TargetingRun:
    """Do a claimed run: the facts snapshot, then one committed step per programme (so the progress shows),
    then the run is marked done. Any failure discards what the run wrote."""
    run = TargetingRun.objects.get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING) or run.active_slot is None:
        return run  # delivered twice, or discarded as stale meanwhile: nothing to do
    started = time.monotonic()
    programmes = list(_targeted_programmes(run.codes))
    try:
        _run_step(run, step="facts", done=0)
        if progress:
            progress("facts")
        with transaction.atomic():
            person_facts_refresh()
        receives = receives_factory(as_of=run.as_of)
        for number, programme in enumerate(programmes, start=1):
            _run_step(run, step=programme.code, done=number)
            if progress:
                progress(programme.code)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    _big_query_memory(cursor)
                _target_programme(run=run, programme=programme, as_of=run.as_of, receives=receives)
        with transaction.atomic():
            run.status = RunStatus.DONE
            run.finished_at = timezone.now()
            run.seconds = round(time.monotonic() - started, 2)
            run.step, run.steps_done, run.active_slot = "", len(programmes) + 1, None
            run.save(update_fields=["status", "finished_at", "seconds", "step", "steps_done", "active_slot"])
            audit_record(actor=Actor.system("targeting"), action="targeting.run", obj=run,
                         changes={"as_of": run.as_of.isoformat(), "programmes": [p.code for p in programmes], "seconds": run.seconds})
    except Exception as error:
        _run_discard(run.pk, str(error) or type(error).__name__)
        raise
    return run
