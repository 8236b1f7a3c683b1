"""Write a synthetic Banyuwangi into the configured database (the generator itself is population.py)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec

from django.db import connection, transaction
from django.utils import timezone

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AreaKind
from smartkampung.programmes.models import Enrolment, Programme
from smartkampung.programmes.services import catalogue_load
from smartkampung.registry.models import Household, Membership, NameToken, Person
from smartkampung.registry.names import name_key, name_tokens

from .bulk import bulk_insert, next_id, reset_sequences
from .enrolments import Planter
from .models import SynthRun, SynthTruth
from .population import AreaRow, generate

PERSON_FIELDS = (
    "id", "nik", "name", "name_key", "sex", "birth_place", "birth_date", "religion", "marital_status", "education",
    "occupation", "disability", "disability_severe", "phone", "date_of_death", "pregnancy_due_date", "village", "created_at", "updated_at",
)
HOUSEHOLD_FIELDS = (
    "id", "kk_number", "kk_issued_on", "head", "village", "dusun", "rw", "rt", "street", "latitude", "longitude",
    "desil", "house_condition", "dissolved_on", "created_at", "updated_at",
)
MEMBERSHIP_FIELDS = ("person", "household", "relationship", "start_date", "end_date")
TOKEN_FIELDS = ("person", "token", "village")
TRUTH_FIELDS = ("run", "kind", "person_id", "other_person_id", "household_id", "enrolment_id", "detail")
ENROLMENT_FIELDS = ("id", "programme", "person", "household", "listed_nik", "listed_name", "village", "start_date", "amount", "source", "source_ref", "created_at")
DEFAULT_AS_OF = dt.date(2026, 1, 1)
# Apps with seed data of their own provide `smartkampung/<app>/synth.py` with
#     seed(*, actor: Actor, seed: int, as_of: dt.date) -> dict[str, int]   (what it made, for the log)
# run after the population, in this order (cases first: the others raise cases through it), inside the
# same transaction, so a failed seed leaves nothing behind either.
SEEDED_APPS = ("cases", "publicservices", "market", "festival", "isolation", "meals", "cekbansos", "linkage")


def _app_seeders() -> list[tuple[str, Callable[..., dict]]]:
    found = []
    for app in SEEDED_APPS:
        name = f"smartkampung.{app}.synth"
        if find_spec(name) is not None:
            found.append((app, import_module(name).seed))
    return found


def _area_rows() -> list[AreaRow]:
    areas = Area.objects.select_related("parent").order_by("code")
    return [
        AreaRow(code=a.code, name=a.name, kind=a.kind, parent_code=a.parent.code if a.parent_id else "", latitude=a.latitude or 0.0, longitude=a.longitude or 0.0)
        for a in areas
    ]


def synth_population(
    *, actor: Actor, people: int, seed: int, as_of: dt.date = DEFAULT_AS_OF,
    progress: Callable[[int], None] | None = None,
) -> SynthRun:
    """Generate `people` residents with households into the registry; the same seed gives the same data.

    One transaction: a run that fails part-way leaves nothing behind.
    """
    if people < 0:
        raise DomainError("invalid", "people must be zero or more.", field="people")
    if not Area.objects.filter(kind=AreaKind.KABUPATEN).exists():
        raise DomainError("not_configured", "No areas are loaded: run `smartkampung load_areas` first.", field="areas")
    if Person.objects.exists():
        raise DomainError("conflict", f"The registry already holds {Person.objects.count():,} people; synthesise into an empty database.", field="people")
    started = time.monotonic()
    village_ids = dict(Area.objects.filter(kind__in=("desa", "kelurahan")).values_list("code", "id"))
    now = timezone.now()
    with transaction.atomic():
        person_base, household_base = next_id(Person), next_id(Household)
        run = SynthRun.objects.create(seed=seed, people=people, households=0, as_of=as_of, first_person_id=person_base, first_household_id=household_base, seconds=0)
        households = 0
        catalogue_load(actor=actor)
        programmes = {p.code: p for p in Programme.objects.filter(active=True)}
        planter = Planter(seed=seed, as_of=as_of, codes=set(programmes))
        enrolment_base = next_id(Enrolment)
        with _fast_sqlite():
            for index, batch in enumerate(generate(_area_rows(), people=people, seed=seed, today=as_of)):
                planted = planter.plant(index, batch)
                due = planted.pregnancies
                bulk_insert(Person, PERSON_FIELDS, (
                    (person_base + no, nik, name, name_key(name), sex, place, born, religion, marital, education, occupation,
                     disability, severe, phone, died, due.get(no), village_ids[vcode], now, now)
                    for (no, nik, name, sex, place, born, religion, marital, education, occupation, disability, severe, phone, died, vcode) in batch.people
                ))
                bulk_insert(Household, HOUSEHOLD_FIELDS, (
                    (household_base + no, kk, issued, None if head is None else person_base + head, village_ids[vcode], dusun, rw, rt,
                     street, lat, lon, desil, condition, None, now, now)
                    for (no, kk, issued, head, vcode, dusun, rw, rt, street, lat, lon, desil, condition) in batch.households
                ))
                bulk_insert(Membership, MEMBERSHIP_FIELDS, (
                    (person_base + p, household_base + h, rel, start, end) for (p, h, rel, start, end) in batch.memberships
                ))
                bulk_insert(NameToken, TOKEN_FIELDS, (
                    (person_base + row[0], token[:40], village_ids[row[14]]) for row in batch.people for token in name_tokens(row[2])
                ))
                bulk_insert(SynthTruth, TRUTH_FIELDS, (
                    (run.pk, kind, None if p is None else person_base + p, None if o is None else person_base + o,
                     None if h is None else household_base + h, None, detail[:200])
                    for (kind, p, o, h, detail) in batch.truth
                ))
                village_id = village_ids[batch.village_code]
                bulk_insert(Enrolment, ENROLMENT_FIELDS, (
                    (enrolment_base + no, programmes[code].pk, None if p is None else person_base + p, None if h is None else household_base + h,
                     nik, name, None if p is None and h is None else village_id, start, programmes[code].amount, "synth", f"synth seed {seed}", now)
                    for (no, code, p, h, nik, name, start) in planted.enrolments
                ))
                bulk_insert(SynthTruth, TRUTH_FIELDS, (
                    (run.pk, f"finding_{kind}", None if p is None else person_base + p, None, None if h is None else household_base + h,
                     None if e is None else enrolment_base + e, f"{code} {nik}".strip())
                    for (kind, code, p, h, e, nik) in planted.truth
                ))
                households += len(batch.households)
                if progress:
                    progress(len(batch.people))
        reset_sequences([Person, Household, Membership, NameToken, SynthTruth, Enrolment])
        seeded = {app: seeder(actor=actor, seed=seed, as_of=as_of) for app, seeder in _app_seeders()}
        run.households = households
        run.seconds = round(time.monotonic() - started, 2)
        run.save(update_fields=["households", "seconds"])
        audit_record(actor=actor, action="synth.run", obj=run, changes={"people": people, "seed": seed, "households": households, "as_of": as_of.isoformat(), "seeded": seeded})
    if connection.vendor == "postgresql":
        # VACUUM sets the visibility map, so searches can answer from the indexes alone (index-only scans).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
    # The time recorded is the whole job: on PostgreSQL the commit (deferred foreign keys of millions of rows)
    # and the VACUUM take a minute or more after the transaction's own work.
    run.seconds = round(time.monotonic() - started, 2)
    SynthRun.objects.filter(pk=run.pk).update(seconds=run.seconds)
    return run


class _fast_sqlite:
    """Inside the one big transaction, skip per-statement fsync work SQLite would otherwise do."""

    def __enter__(self):
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size=-524288")  # 512 MB of page cache for index building
        return self

    def __exit__(self, *exc):
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size=-65536")
        return False
