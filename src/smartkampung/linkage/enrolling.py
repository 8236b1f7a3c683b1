"""Enrolments that follow linkage: the programme services this app needs, written here (not in
programmes/, which linkage calls but does not edit), set-based so that a list of a million rows is a few
bulk inserts and not a million service calls.

They keep programmes.services.enrolment_create's rules: source "agency_list", no second active enrolment
of one resident (or household) in one programme, nobody deceased, the listed NIK kept for a row the
registry does not know (person empty: targeting reports it as an unknown NIK instead of losing it).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.bulk import paused_gc
from smartkampung.core.db import pg_copy
from smartkampung.programmes.models import Enrolment, EnrolmentEvent, Source, Unit
from smartkampung.registry.models import Membership, Person

from . import outcomes
from .models import ImportBatch, LinkStatus, RowOutcome, StagedRow


def _active(queryset, on):
    return queryset.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


def _in_chunks(values, size=900):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


# Rows a link run enrols: linked to a resident, or unknown to the registry with their NIK kept (a row a
# reviewer rejected is enrolled by that decision).
ENROLLING_STATUSES = (LinkStatus.EXACT, LinkStatus.MATCHED, LinkStatus.NEW)


def _q(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _rows(batch: ImportBatch, row_ids: list[int] | None, run_outcomes: bool) -> list[tuple]:
    """(row id, person id, listed NIK, listed name, link status, person's NIK, name, village, death date,
    current household) of the rows not enrolled yet: one joined read (per chunk of ids). With
    `run_outcomes`, a row's link is the one the running link run decided (outcomes.py), where it has one."""
    if run_outcomes:
        person, status = "COALESCE(o.person_id, s.person_id)", "COALESCE(o.link_status, s.link_status)"
        source = f"{_q(StagedRow)} s LEFT JOIN {outcomes.TABLE} o ON o.id = s.id"
    else:
        person, status, source = "s.person_id", "s.link_status", f"{_q(StagedRow)} s"
    sql = (f"SELECT s.id, p.id, s.nik, s.name, {status}, p.nik, p.name, p.village_id, p.date_of_death, m.household_id "
           f"FROM {source} LEFT JOIN {_q(Person)} p ON p.id = {person} "
           f"LEFT JOIN {_q(Membership)} m ON m.person_id = p.id AND m.end_date IS NULL "
           f"WHERE s.batch_id = %s AND s.enrolment_id IS NULL AND s.outcome <> %s")
    out: dict[int, tuple] = {}  # one row each, even if a resident had two open memberships
    with connection.cursor() as cursor:
        if row_ids is None:
            cursor.execute(sql + f" AND {status} IN ({', '.join(['%s'] * len(ENROLLING_STATUSES))})", [batch.pk, RowOutcome.INVALID, *ENROLLING_STATUSES])
            while part := cursor.fetchmany(20000):
                out.update((r[0], r) for r in part)
        else:
            for chunk in _in_chunks(row_ids):
                cursor.execute(sql + f" AND s.id IN ({', '.join(['%s'] * len(chunk))})", [batch.pk, RowOutcome.INVALID, *chunk])
                out.update((r[0], r) for r in cursor.fetchall())
    return [out[k] for k in sorted(out)]


def _taken(programme, on) -> set:
    """Who already receives the programme on `on`: ("p", person), ("h", household), ("n", listed NIK of an unknown person)."""
    taken: set = set()
    for person_id, household_id, nik in _active(Enrolment.objects.filter(programme=programme), on).values_list("person_id", "household_id", "listed_nik").iterator(chunk_size=20000):
        if person_id:
            taken.add(("p", person_id))
        if household_id:
            taken.add(("h", household_id))
        if not person_id and not household_id and nik:
            taken.add(("n", nik))
    return taken


def _update_rows(cursor, sqlite_set: str, pg_set: str, pg_type: str, pairs: list[tuple]) -> None:
    """Staged rows updated from (value, row id) pairs: executemany on SQLite; on PostgreSQL the pairs are
    copied into a temporary table and applied in one UPDATE ... FROM (one statement, not one per row)."""
    if not pairs:
        return
    if connection.vendor != "postgresql":
        cursor.executemany(f"UPDATE {_q(StagedRow)} SET {sqlite_set} WHERE id = %s", pairs)
        return
    cursor.execute(f"CREATE TEMPORARY TABLE linkage_row_update (v {pg_type}, id bigint PRIMARY KEY) ON COMMIT DROP")
    pg_copy(cursor, "linkage_row_update (v, id)", pairs)
    cursor.execute(f"UPDATE {_q(StagedRow)} SET {pg_set} FROM linkage_row_update t WHERE {_q(StagedRow)}.id = t.id")
    cursor.execute("DROP TABLE linkage_row_update")


@transaction.atomic
def enrol_rows(*, actor: Actor, batch: ImportBatch, row_ids: list[int] | None = None, run_outcomes: bool = False) -> int:
    """Enrol the rows' people in the batch's programme (every row of the batch not enrolled yet when
    `row_ids` is None); returns how many enrolments were made. Written with executemany: a list of a
    million rows is a few statements, not a million ORM objects. With `run_outcomes` (a link run), the
    rows' links are read from, and their enrolments and notes written to, the run's outcomes."""
    if row_ids is not None and not row_ids:
        return 0
    with paused_gc():
        return _enrol_rows(actor=actor, batch=batch, row_ids=row_ids, run_outcomes=run_outcomes)


def _enrol_rows(*, actor: Actor, batch: ImportBatch, row_ids: list[int] | None, run_outcomes: bool) -> int:
    programme, on = batch.programme, batch.starts_on
    ref = f"linkage import {batch.pk}: {batch.file_name}"[:120]
    rows = _rows(batch, row_ids, run_outcomes)
    by_household = programme.unit == Unit.HOUSEHOLD
    taken = _taken(programme, on)

    made: list[tuple[int, tuple]] = []  # (row id, enrolment values)
    notes: list[tuple[str, int]] = []  # (the reason a row was not enrolled, row id)
    for row_id, person_id, listed_nik, listed_name, status, nik, name, village_id, died, household_id in rows:
        note = None
        if person_id:
            key = ("h", household_id) if by_household else ("p", person_id)
            if died is not None:
                note = "meninggal: tidak didaftarkan"
            elif by_household and household_id is None:
                note = "tanpa KK aktif: tidak didaftarkan"
            elif key in taken:
                note = "sudah menerima program ini"
            else:
                taken.add(key)
                made.append((row_id, (person_id, household_id if by_household else None, listed_nik[:16] if listed_nik else nik,
                                      listed_name[:120] or name, village_id)))
        elif status in (LinkStatus.NEW, LinkStatus.REJECTED):
            if not (len(listed_nik) == 16 and listed_nik.isdigit()):
                note = "tanpa NIK 16 angka: tidak dapat dicatat"
            elif ("n", listed_nik) in taken:
                note = "NIK ini sudah tercatat di program ini"
            else:
                taken.add(("n", listed_nik))
                made.append((row_id, (None, None, listed_nik, listed_name[:120], None)))
        if note:
            notes.append((note, row_id))

    ops = connection.ops
    start = ops.adapt_datefield_value(on)
    now = ops.adapt_datetimefield_value(timezone.now())
    as_json = EnrolmentEvent._meta.get_field("details").get_db_prep_save
    details = as_json({"source": Source.AGENCY_LIST, "ref": ref}, connection)
    user_id = getattr(actor.user_or_none, "pk", None)
    with connection.cursor() as cursor:
        enrolment_ids: list[int] = []
        if made:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_q(Enrolment)}")
            before = cursor.fetchone()[0]
            columns = "programme_id, person_id, household_id, listed_nik, listed_name, village_id, start_date, amount, source, source_ref, created_at"
            values = [(programme.pk, *v, start, programme.amount, Source.AGENCY_LIST, ref, now) for _row, v in made]
            if connection.vendor == "postgresql":
                pg_copy(cursor, f"{_q(Enrolment)} ({columns})", values)
            else:
                cursor.executemany(f"INSERT INTO {_q(Enrolment)} ({columns}) VALUES ({', '.join(['%s'] * 11)})", values)
            del values
            # Ids rise in insertion order within this transaction; the reference and the lower bound pick ours.
            cursor.execute(f"SELECT id FROM {_q(Enrolment)} WHERE programme_id = %s AND source_ref = %s AND id > %s ORDER BY id", [programme.pk, ref, before])
            enrolment_ids = [r[0] for r in cursor.fetchall()]
            if len(enrolment_ids) != len(made):
                raise RuntimeError(f"enrolments of import {batch.pk}: wrote {len(made)}, found {len(enrolment_ids)}")
            cursor.execute(f"INSERT INTO {_q(EnrolmentEvent)} (enrolment_id, kind, at, actor_id, details) SELECT id, %s, %s, %s, %s "
                           f"FROM {_q(Enrolment)} WHERE programme_id = %s AND source_ref = %s AND id > %s",
                           ["created", now, user_id, details, programme.pk, ref, before])
            if not run_outcomes:
                ids = [(e, row_id) for (row_id, _v), e in zip(made, enrolment_ids, strict=True)]
                _update_rows(cursor, "enrolment_id = %s", "enrolment_id = t.v", "bigint", ids)
        if run_outcomes:
            outcomes.add_enrolments([*((row_id, e, None) for (row_id, _v), e in zip(made, enrolment_ids, strict=True)),
                                     *((row_id, None, note) for note, row_id in notes)])
        elif notes:
            # The reason joins the row's evidence in the database: no read and rewrite of each row's JSON here.
            _update_rows(cursor, "evidence = json_set(evidence, '$.enrolment', %s)", "evidence = evidence || jsonb_build_object('enrolment', t.v)", "text", notes)
    if enrolment_ids:
        audit_record(actor=actor, action="enrolment.create_from_list", obj=batch,
                     changes={"programme": programme.code, "enrolments": len(enrolment_ids), "source": Source.AGENCY_LIST, "ref": ref})
    return len(enrolment_ids)


@transaction.atomic
def enrolments_follow_merge(*, actor: Actor, keep: Person, duplicate: Person) -> int:
    """Move the duplicate record's enrolments to the kept resident; each keeps its history and gets a
    "moved" event. Two active enrolments in one programme then show up as a duplicate benefit."""
    moved = 0
    for enrolment in Enrolment.objects.select_for_update().filter(person=duplicate):
        enrolment.person = keep
        enrolment.village_id = keep.village_id
        enrolment.save(update_fields=["person", "village"])
        EnrolmentEvent.objects.create(enrolment=enrolment, kind="moved", actor=actor.user_or_none,
                                      details={"from_person": duplicate.pk, "to_person": keep.pk, "reason": "person_merge"})
        moved += 1
    if moved:
        audit_record(actor=actor, action="enrolment.follow_merge", obj=keep, village=keep.village_id, changes={"from_person": duplicate.pk, "moved": moved})
    return moved
