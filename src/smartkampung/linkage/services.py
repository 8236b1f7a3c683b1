"""Writes for linkage: staged imports, link runs, review decisions.

Imports are resumable: rows are staged in chunks, each chunk committed together with the batch's
`rows_committed`, guarded by a conditional UPDATE (the database, not a lock in this process, decides who
commits the next chunk). A crash leaves whole chunks only; staging the same file again resumes after the
last committed chunk, and a file already staged is recognised by its SHA-256 and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.bulk import paused_gc
from smartkampung.core.db import pg_copy
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AreaKind
from smartkampung.core.scoping import area_scope
from smartkampung.programmes.models import Programme
from smartkampung.registry import services as registry_services
from smartkampung.registry.models import Person
from smartkampung.registry.selectors import registry_area_codes

from . import enrolling, reading
from .cleaning import Villages, clean_row, reason, village_key
from .models import (
    BatchStatus,
    Decision,
    ImportBatch,
    LinkRun,
    LinkStatus,
    ReviewItem,
    ReviewKind,
    RowOutcome,
    StagedRow,
)

CHUNK_ROWS = 10_000  # rows per committed chunk: what a crash can lose and a resume redoes
STAGING_WORKERS = min(2, os.cpu_count() or 1)  # processes that clean rows of a big file
PARALLEL_FROM_ROWS = 50_000  # smaller files are cleaned in this process (starting workers costs more)
ANALYST_ROLES = frozenset({"regency_admin", "dinsos_analyst"})


def is_analyst(user) -> bool:
    scope = area_scope(user)
    return bool(scope.read_all and (ANALYST_ROLES & scope.roles or getattr(user, "is_superuser", False)))


def require_analyst(actor: Actor) -> None:
    """Imports and link runs are the regency's: regency admins and Dinas Sosial analysts (or a server job)."""
    if actor.via == "cli" and actor.user is None:
        return
    if not is_analyst(actor.user):
        raise DomainError("forbidden", "Only the regency's admins and Dinas Sosial analysts may import and link agency lists.")


def villages_table() -> Villages:
    """The area table for one import (read each time: no process-level cache)."""
    areas = list(Area.objects.filter(kind__in=(AreaKind.DESA, AreaKind.KELURAHAN, AreaKind.KECAMATAN)).values_list("id", "code", "name", "kind"))
    by_code, by_name, kecamatan = {}, {}, {}
    for pk, code, name, kind in areas:
        if kind == AreaKind.KECAMATAN:
            kecamatan[village_key(name)] = code
            continue
        by_code[code] = pk
        by_name.setdefault(village_key(name), []).append((pk, code[:8]))
    return Villages(by_code=by_code, by_name=by_name, kecamatan_by_name=kecamatan, code_of={pk: code for pk, code, _n, _k in areas})


# --- imports -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    batch: ImportBatch
    already: bool  # the same file was imported for this programme before: nothing changed


def _programme(code: str) -> Programme:
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        known = ", ".join(Programme.objects.order_by("code").values_list("code", flat=True)) or "none loaded"
        raise DomainError("not_found", f"Unknown programme {code!r} (known: {known}).", field="programme")
    return programme


def batch_open(
    *, actor: Actor, path: Path, programme_code: str, overrides: dict[str, str] | None = None, file_name: str | None = None,
    starts_on: dt.date | None = None, stored_path: str = "",
) -> ImportResult:
    """Recognise the file or open a new batch for it (the header is checked here, before any row)."""
    require_analyst(actor)
    programme = _programme(programme_code)
    path = Path(path)
    if not path.exists():
        raise DomainError("invalid", f"{path}: no such file.", field="path")
    name = file_name or path.name
    fmt = reading.file_format(path, name)
    digest = reading.file_sha256(path)
    existing = ImportBatch.objects.filter(programme=programme, file_sha256=digest).first()
    if existing is not None:
        return ImportResult(existing, already=existing.status not in (BatchStatus.STAGING, BatchStatus.FAILED))
    header, total, _rows = reading.open_rows(path, fmt)
    mapping = reading.column_map(header, overrides)
    with transaction.atomic():
        batch, created = ImportBatch.objects.get_or_create(
            programme=programme, file_sha256=digest,
            defaults={"file_name": name[:255], "file_format": fmt, "stored_path": stored_path or str(path.resolve()),
                      "column_map": {field: header[index] for field, index in mapping.items()}, "rows_total": total,
                      "starts_on": starts_on or timezone.localdate(), "created_by": actor.user_or_none},
        )
        if created:
            audit_record(actor=actor, action="linkage.import_open", obj=batch, changes={"programme": programme.code, "file": name, "sha256": digest, "rows": total})
    return ImportResult(batch, already=not created)


def batch_stage(*, actor: Actor, batch: ImportBatch, progress: Callable[[int], None] | None = None, chunk_rows: int = CHUNK_ROWS,
                workers: int | None = None) -> ImportBatch:
    """Stage every row not yet staged, chunk by chunk; safe to call again after a crash (it resumes).

    `workers` processes clean the rows (default: STAGING_WORKERS for a file of PARALLEL_FROM_ROWS rows
    or more, else this process alone); the chunks are committed here, in file order, either way."""
    require_analyst(actor)
    batch = ImportBatch.objects.get(pk=batch.pk)
    if batch.status not in (BatchStatus.STAGING, BatchStatus.FAILED):
        return batch
    if batch.status == BatchStatus.FAILED:
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.STAGING, error="")
    path = Path(batch.stored_path)
    if not path.exists():
        raise DomainError("invalid", f"The file of import {batch.pk} is no longer at {path}; upload it again.", field="path")
    header, _total, rows = reading.open_rows(path, batch.file_format, count=False)
    index_of = {h: i for i, h in enumerate(header)}
    mapping = {field: index_of[column] for field, column in batch.column_map.items() if column in index_of}
    areas, villages, today = registry_area_codes(), villages_table(), timezone.localdate()
    done = batch.rows_committed
    if progress:
        progress(done)
    if workers is None:
        workers = STAGING_WORKERS if (batch.rows_total or 0) - done >= PARALLEL_FROM_ROWS else 1
    context = _StageContext(batch=batch, header=header, mapping=mapping, areas=areas, villages=villages, today=today, adapt=_Adapters())

    def numbered_chunks():
        chunk: list[tuple[int, list]] = []
        for number, values in enumerate(rows, start=1):
            if number <= done:
                continue  # committed by an earlier (interrupted) run
            chunk.append((number, values))
            if len(chunk) >= chunk_rows:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    pool = None
    try:
        if workers > 1:
            # Cleaning a row is pure Python (~35 us): worker processes clean chunks while this one reads the
            # file and writes the chunks, in file order (imap), each committed as before. Forked, so the
            # workers share the area tables without copying them, and never touch the database.
            import multiprocessing

            pool = multiprocessing.get_context("fork").Pool(workers, initializer=_stage_worker_init, initargs=(context,))
            staged = pool.imap(_stage_worker_chunk, numbered_chunks())
        else:
            staged = (_stage_chunk(context, chunk) for chunk in numbered_chunks())
        with paused_gc():
            for chunk in staged:
                done = _commit_chunk(batch, done, chunk)
                if progress:
                    progress(done)
    except Exception as error:
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
        raise
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.STAGED, rows_total=done, finished_at=timezone.now())
        batch.refresh_from_db()
        audit_record(actor=actor, action="linkage.import_staged", obj=batch,
                     changes={"rows": done, "valid": batch.rows_valid, "flagged": batch.rows_flagged, "invalid": batch.rows_invalid})
    return batch


# The columns a staged row is written with, in order (one INSERT per chunk through executemany: a
# million ORM objects cost more than cleaning the rows).
_STAGED_COLUMNS = ("batch_id", "row_number", "raw", "nik", "nik_valid", "kk_number", "name", "match_name", "birth_date", "birth_place",
                   "sex", "address", "rt", "rw", "village_id", "outcome", "reasons", "link_status", "evidence")


class _Adapters:
    """Values for the JSON and date columns as the database takes them: JSON as text (what Django writes
    on SQLite; PostgreSQL casts it, see _insert_sql) and dates by the backend's own adapter. Plain values,
    so a worker process can make them."""

    def __init__(self) -> None:
        import json

        from django.db import connection

        self.json = json.JSONEncoder().encode  # json.dumps(value) without its per-call set-up
        self.date = connection.ops.adapt_datefield_value


@dataclass
class _StageContext:
    batch: ImportBatch
    header: list[str]
    mapping: dict[str, int]
    areas: object
    villages: Villages
    today: dt.date
    adapt: _Adapters


def _stage_chunk(context: _StageContext, chunk: list[tuple[int, list]]) -> list[tuple]:
    c = context
    return [_stage_row(c.batch, number, c.header, values, c.mapping, areas=c.areas, villages=c.villages, today=c.today, adapt=c.adapt)
            for number, values in chunk]


_worker_context: _StageContext | None = None  # set in each staging worker process by its initializer, lives as long as the pool


def _stage_worker_init(context: _StageContext) -> None:
    global _worker_context
    _worker_context = context


def _stage_worker_chunk(chunk: list[tuple[int, list]]) -> list[tuple]:
    with paused_gc():
        return _stage_chunk(_worker_context, chunk)


def _stage_row(batch, number, header, values, mapping, *, areas, villages, today, adapt: _Adapters | None = None) -> tuple:
    """One row as the values of _STAGED_COLUMNS: cleaned, with its outcome and reasons and the row as read."""
    adapt = adapt or _Adapters()
    texts = [reading.cell(v) for v in values]
    raw = {header[i] if i < len(header) else f"kolom_{i + 1}": t for i, t in enumerate(texts) if t}
    if not raw:
        return (batch.pk, number, adapt.json({}), "", False, "", "", "", None, "", "", "", "", "", None, RowOutcome.INVALID,
                adapt.json([reason("row", "empty_row", "Baris kosong.")]), LinkStatus.NEW, adapt.json({}))
    fields = {field: texts[i] if i < len(texts) else "" for field, i in mapping.items()}
    clean = clean_row(fields, areas=areas, villages=villages, today=today)
    return (
        batch.pk, number, adapt.json(raw), clean.nik, clean.nik_valid, clean.kk_number, clean.name, clean.match_name,
        adapt.date(clean.birth_date), clean.birth_place, clean.sex, clean.address, clean.rt, clean.rw, clean.village_id, clean.outcome,
        adapt.json(clean.reasons), LinkStatus.NEW if clean.outcome == RowOutcome.INVALID else LinkStatus.PENDING, adapt.json({}),
    )


_OUTCOME_AT = _STAGED_COLUMNS.index("outcome")


def _insert_sql() -> str:
    from django.db import connection

    q = connection.ops.quote_name
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    placeholders = [f"%s{cast}" if c in ("raw", "reasons", "evidence") else "%s" for c in _STAGED_COLUMNS]
    return f"INSERT INTO {q(StagedRow._meta.db_table)} ({', '.join(q(c) for c in _STAGED_COLUMNS)}) VALUES ({', '.join(placeholders)})"


def _commit_chunk(batch: ImportBatch, done: int, chunk: list[tuple]) -> int:
    from django.db import connection

    counts = {o: 0 for o in RowOutcome.values}
    for row in chunk:
        counts[row[_OUTCOME_AT]] += 1
    sql = _insert_sql()
    with transaction.atomic():
        advanced = ImportBatch.objects.filter(pk=batch.pk, rows_committed=done, status=BatchStatus.STAGING).update(
            rows_committed=done + len(chunk), rows_valid=F("rows_valid") + counts["valid"],
            rows_flagged=F("rows_flagged") + counts["flagged"], rows_invalid=F("rows_invalid") + counts["invalid"],
        )
        if advanced != 1:
            raise DomainError("conflict", f"Import {batch.pk} is being staged by another process.", field="batch")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: PostgreSQL takes rows of text far faster than it binds one INSERT per row.
                q = connection.ops.quote_name
                pg_copy(cursor, f"{q(StagedRow._meta.db_table)} ({', '.join(q(c) for c in _STAGED_COLUMNS)})", chunk)
            else:
                cursor.executemany(sql, chunk)
    return done + len(chunk)


def import_file(
    *, actor: Actor, path: Path, programme_code: str, overrides: dict[str, str] | None = None, starts_on: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Open (or recognise) and stage a file: `smartkampung import`."""
    result = batch_open(actor=actor, path=path, programme_code=programme_code, overrides=overrides, starts_on=starts_on)
    if result.already:
        return result
    total = result.batch.rows_total or 0
    batch = batch_stage(actor=actor, batch=result.batch, progress=(lambda done: progress(done, total)) if progress else None)
    return ImportResult(batch, already=False)


# --- linking -----------------------------------------------------------------------------------------


def row_pair_key(*, programme_id: int, nik: str, match_name: str, birth_date, person_id: int) -> str:
    """The same listed record (programme, NIK, name, birth date) against the same person is one question, ever."""
    ident = f"{programme_id}|{nik}|{match_name}|{birth_date or ''}"
    return f"r:{hashlib.sha1(ident.encode()).hexdigest()[:32]}:{person_id}"


def person_pair_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"p:{low}:{high}"


def link_run(
    *, actor: Actor, batch: ImportBatch | None = None, include_registry: bool = True, progress: Callable[[str], None] | None = None,
    accept_at: float | None = None, review_at: float | None = None,
) -> LinkRun:
    """Link staged rows (one batch, or every staged batch) and look for duplicates inside the registry."""
    from . import linking

    require_analyst(actor)
    if batch is not None:
        batch = ImportBatch.objects.get(pk=batch.pk)
        if batch.status in (BatchStatus.STAGING, BatchStatus.FAILED):
            raise DomainError("invalid", f"Import {batch.pk} is not fully staged yet ({batch.rows_committed} of {batch.rows_total} rows): run the import again to resume it.", field="run_id")
        batches = [batch]
    else:
        batches = list(ImportBatch.objects.filter(status=BatchStatus.STAGED).order_by("pk"))
    started = time.monotonic()
    run = LinkRun.objects.create(batch=batch, include_registry=include_registry, started_by=actor.user_or_none)
    summary: dict = {"batches": {}}
    try:
        for b in batches:
            ImportBatch.objects.filter(pk=b.pk).update(status=BatchStatus.LINKING)
            summary["batches"][b.pk] = linking.link_batch(actor=actor, batch=b, run=run, progress=progress, accept_at=accept_at, review_at=review_at)
            ImportBatch.objects.filter(pk=b.pk).update(status=BatchStatus.LINKED)
        if include_registry:
            summary["registry"] = linking.registry_duplicates(actor=actor, run=run, progress=progress, review_at=review_at)
    except Exception as error:
        LinkRun.objects.filter(pk=run.pk).update(status="failed", error=f"{type(error).__name__}: {error}"[:2000], finished_at=timezone.now())
        for b in batches:
            ImportBatch.objects.filter(pk=b.pk, status=BatchStatus.LINKING).update(status=BatchStatus.STAGED, error=f"linking failed: {error}"[:2000])
        raise
    run.status, run.summary = "done", summary
    run.finished_at, run.seconds = timezone.now(), round(time.monotonic() - started, 2)
    run.save(update_fields=["status", "summary", "finished_at", "seconds"])
    audit_record(actor=actor, action="linkage.link_run", obj=run, changes={"batches": [b.pk for b in batches], "registry": include_registry})
    return run


# --- review ------------------------------------------------------------------------------------------


def _can_decide(actor: Actor, item: ReviewItem) -> bool:
    if actor.via == "cli" and actor.user is None:
        return True
    scope = area_scope(actor.user)
    if item.kind == ReviewKind.ROW_PERSON:
        return is_analyst(actor.user) or scope.can_write_village(item.village_id)
    # Merging two residents is a registry write in both villages.
    return scope.can_write_village(item.person.village_id) and scope.can_write_village(item.left_person.village_id)


@transaction.atomic
def review_decide(*, actor: Actor, item: ReviewItem, decision: str, note: str = "") -> ReviewItem:
    """Decide a doubtful pair: accepted links the row (or merges the two residents), rejected does not,
    unsure hands it to an analyst. A decided pair is never asked again."""
    if decision not in (Decision.ACCEPTED, Decision.REJECTED, Decision.UNSURE):
        raise DomainError("invalid", f"decision must be accepted, rejected or unsure, not {decision!r}.", field="decision")
    item = ReviewItem.objects.select_for_update(of=("self",)).select_related("person", "left_person", "row__batch__programme").get(pk=item.pk)
    if not _can_decide(actor, item):
        raise DomainError("forbidden", "You may not decide this pair.")
    if item.decision in (Decision.ACCEPTED, Decision.REJECTED):
        raise DomainError("conflict", f"This pair was already decided ({item.get_decision_display()}).", field="decision")
    if item.decision == Decision.UNSURE and decision == Decision.UNSURE:
        raise DomainError("conflict", "This pair is already marked unsure and waits for an analyst.", field="decision")
    item.decision, item.note = decision, (note or "").strip()[:300]
    item.decided_by, item.decided_at = actor.user_or_none, timezone.now()
    item.save(update_fields=["decision", "note", "decided_by", "decided_at"])
    effect: dict = {}
    if item.kind == ReviewKind.ROW_PERSON:
        effect = _decide_row(actor=actor, item=item)
    elif decision == Decision.ACCEPTED:
        effect = _merge_people(actor=actor, keep=item.person, duplicate=item.left_person, item=item)
    audit_record(actor=actor, action="linkage.review", obj=item, village=item.village_id,
                 changes={"decision": decision, "kind": item.kind, "probability": item.match_probability, "note": item.note, **effect})
    return item


def _decide_row(*, actor: Actor, item: ReviewItem) -> dict:
    row = StagedRow.objects.select_for_update(of=("self",)).select_related("batch__programme").get(pk=item.row_id)
    if item.decision == Decision.ACCEPTED:
        row.person = _kept(item.person)
        row.link_status = LinkStatus.MATCHED
        row.match_probability = item.match_probability
        row.evidence = {**item.evidence, "decided": "accepted", "review_item": item.pk}
        row.village_id = row.person.village_id
        row.save(update_fields=["person", "link_status", "match_probability", "evidence", "village"])
        others = ReviewItem.objects.filter(row=row, decision__in=(Decision.PENDING, Decision.UNSURE)).exclude(pk=item.pk)
        others.update(decision=Decision.REJECTED, note="another candidate was accepted", decided_by=actor.user_or_none, decided_at=timezone.now())
        made = enrolling.enrol_rows(actor=actor, batch=row.batch, row_ids=[row.pk])
        return {"row": row.pk, "person": row.person_id, "enrolments": made}
    if item.decision == Decision.REJECTED and not ReviewItem.objects.filter(row=row, decision__in=(Decision.PENDING, Decision.UNSURE)).exists():
        if row.link_status == LinkStatus.REVIEW:
            row.link_status = LinkStatus.REJECTED
            row.save(update_fields=["link_status"])
            made = enrolling.enrol_rows(actor=actor, batch=row.batch, row_ids=[row.pk])
            return {"row": row.pk, "unknown_enrolments": made}
    return {"row": row.pk}


def _kept(person: Person) -> Person:
    """Follow merges: a row linked to a merged record links to the record that was kept."""
    seen = set()
    while person.merged_into_id is not None and person.pk not in seen:
        seen.add(person.pk)
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def _merge_people(*, actor: Actor, keep: Person, duplicate: Person, item: ReviewItem) -> dict:
    registry_services.person_merge(actor=actor, keep=keep, duplicate=duplicate, reason=f"linkage review {item.pk} (p={item.match_probability:.3f})")
    moved = enrolling.enrolments_follow_merge(actor=actor, keep=keep, duplicate=duplicate)
    relinked = StagedRow.objects.filter(person=duplicate).update(person=keep)
    return {"kept": keep.pk, "merged": duplicate.pk, "enrolments_moved": moved, "rows_relinked": relinked}
