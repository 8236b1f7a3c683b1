"""Linking staged rows to registry people, and registry people to each other (duplicates).

1. Exact: a row whose NIK is valid and belongs to a registry person whose name and birth date agree is
   that person (no model needed; most of a clean list).
2. Probabilistic: every other linkable row is scored against the whole registry with the Splink model
   (matching.py). The best candidate at or above `accept_at` is accepted; from `review_at` up, or when
   two candidates are nearly as likely, the pair goes to review; below, the row is a new or unknown
   person.
3. Enrolments follow the accepted links (enrolling.py).
All reads and writes are set-based: the registry is read in one query, and each row's outcome is written
once, at the end of the run, with its enrolment and the review items (outcomes.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import itertools
import operator
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.bulk import paused_gc
from smartkampung.core.models import Area
from smartkampung.registry.models import Household, Membership, Person
from smartkampung.registry.names import match_key

from . import enrolling, matching, outcomes
from .models import Decision, ImportBatch, LinkRun, LinkStatus, ReviewItem, ReviewKind, RowOutcome, StagedRow

MIN_ROWS_FOR_EM = 1000  # smaller lists use the model's priors for m (u is always measured on the data)
AMBIGUOUS_GAP = 0.05  # a runner-up this close to the best candidate sends the row to review
UPDATE_CHUNK = 20_000


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


_REGISTRY_SQL = (
    "SELECT p.id, p.name, p.birth_date, p.sex, p.nik, h.kk_number, a.code, h.street, h.dusun, h.rt, h.rw, p.birth_place "
    "FROM {person} p JOIN {area} a ON a.id = p.village_id "
    "LEFT JOIN {membership} m ON m.person_id = p.id AND m.end_date IS NULL "
    "LEFT JOIN {household} h ON h.id = m.household_id "
    "WHERE p.date_of_death IS NULL AND p.merged_into_id IS NULL"
)
FRAME_CHUNK = 250_000  # registry rows turned into model columns at a time (bounds the Python objects alive)


def _registry_sql() -> str:
    q = connection.ops.quote_name
    return _REGISTRY_SQL.format(**{k: q(m._meta.db_table) for k, m in (("person", Person), ("membership", Membership), ("household", Household), ("area", Area))})


def _registry_address(street, dusun) -> str:
    return " ".join(x for x in (street, f"Dsn. {dusun}" if dusun else "") if x)


def registry_records(*, exclude_ids: set[int] | None = None) -> list[matching.MatchRecord]:
    """Every living, unmerged resident with the current household's KK and address, as MatchRecords.

    The reference form of the registry side (registry_frame builds the same model columns without a
    Python object per resident; tests hold the two equal)."""
    out = []
    with connection.cursor() as cursor:
        cursor.execute(_registry_sql())
        while rows := cursor.fetchmany(20000):
            for pk, name, born, sex, nik, kk, code, street, dusun, rt, rw, place in rows:
                if exclude_ids and pk in exclude_ids:
                    continue
                out.append(matching.MatchRecord(
                    unique_id=f"p{pk}", name=name, birth_date=_as_date(born), sex=sex, nik=nik, kk=kk or "", village=code, kecamatan=code[:8],
                    address=_registry_address(street, dusun), rt=rt or "", rw=rw or "", birth_place=place or "",
                ))
    return out


# --- the registry side, kept between runs --------------------------------------------------------------
# Deriving the model columns of 1.78M residents (names canonicalised, addresses, the NIK's own date check)
# costs a minute on every run, yet a registry changes little between two runs. RegistryFeatures keeps each
# resident's prepared columns with the record they were derived from (`source`, built in SQL from the same
# columns as _REGISTRY_SQL) and the code that derived them (`version`). A run reads the registry joined
# with the stored rows: a resident whose record or code changed gets no stored row from the join and is
# prepared again, then stored. Nothing outside this function needs to tell the cache about a change.

_SEP = "\x1f"
_SOURCE_SQL = " || '{sep}' || ".join(
    f"COALESCE(CAST({c} AS TEXT), '')" for c in ("p.name", "p.birth_date", "p.sex", "p.nik", "h.kk_number", "a.code", "h.street", "h.dusun", "h.rt", "h.rw",
                                                                  "p.birth_place")
).format(sep=_SEP)
_REGISTRY_FROM = (
    "FROM {person} p JOIN {area} a ON a.id = p.village_id "
    "LEFT JOIN {membership} m ON m.person_id = p.id AND m.end_date IS NULL "
    "LEFT JOIN {household} h ON h.id = m.household_id "
)
_LIVING = "p.date_of_death IS NULL AND p.merged_into_id IS NULL"
# Pass 1: every resident with its stored features when they are current (else NULL).
_STORED_SQL = (f"SELECT p.id, f.features {_REGISTRY_FROM}"
               f"LEFT JOIN {{features}} f ON f.person_id = p.id AND f.version = %s AND f.source = {_SOURCE_SQL} WHERE {_LIVING} ORDER BY p.id")
# Pass 2: the records of the residents pass 1 found stale, with their source.
_STALE_SQL = (f"SELECT p.id, p.name, p.birth_date, p.sex, p.nik, h.kk_number, a.code, h.street, h.dusun, h.rt, h.rw, p.birth_place, {_SOURCE_SQL} "
              f"{_REGISTRY_FROM}WHERE {_LIVING} AND p.id IN ({{ids}})")
_FEATURE_COLUMNS = matching.COLUMNS[1:]  # unique_id is the person's id


def _code_of(module, roots: tuple[str, ...]) -> list[str]:
    """The source of the functions and classes of `module` that `roots` reach by name (transitively), and
    the values of the module-level constants they name: the code a feature's value can depend on there."""
    import inspect
    import re

    seen: set[str] = set()
    todo, parts = list(roots), []
    while todo:
        name = todo.pop()
        if name in seen or not hasattr(module, name):
            continue
        seen.add(name)
        value = getattr(module, name)
        if (inspect.isfunction(value) or inspect.isclass(value)) and value.__module__ == module.__name__:
            source = inspect.getsource(value)
            parts.append(source)
            todo.extend(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", source))
        elif isinstance(value, (set, frozenset)):
            parts.append(f"{name} = {sorted(value)!r}")  # sorted: a set's order changes from process to process
        elif isinstance(value, (str, bytes, int, float, tuple, list, dict)):
            parts.append(f"{name} = {value!r}")
    return sorted(parts)


def features_version() -> str:
    """Which code derived the stored features: the model's columns, matching.prepare() and everything in
    matching.py it reaches (prepare_columns() among them), this module's registry address and encoding, and the whole name
    canonicaliser. A change to any of them makes every stored row stale, so a changed canonicaliser or a
    new column is never mixed with old values; a change elsewhere in the model (comparisons, training)
    keeps them."""
    import hashlib
    from pathlib import Path

    from smartkampung.registry import names

    this = __import__(__name__, fromlist=["_"])
    # prepare() calls into registry.names (hashed whole); if it ever uses another module, add it here.
    # The stored values are what _encode() writes; _decode() runs on every read, so it needs no version.
    parts = [repr(matching.COLUMNS), *_code_of(matching, ("prepare", "MatchRecord", "COLUMNS")),
             *_code_of(this, ("_registry_address", "_encode", "_plain", "_SOURCE_SQL", "_FEATURE_COLUMNS")),
             Path(names.__file__).read_text(encoding="utf-8")]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _plain(value):
    """JSON for the values pandas hands back (numpy scalars, missing markers)."""
    if value is pd.NA or value is None:
        return None
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in registry features")


def _encode(frame: pd.DataFrame) -> list[str]:
    """Each prepared row as a JSON array of its values (matching.COLUMNS order, unique_id left out)."""
    import json

    # Missing values (None, NaN of a string column, pd.NA of Int64) all become None, column by column.
    columns = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in _FEATURE_COLUMNS]
    dumps = json.JSONEncoder(default=_plain, separators=(",", ":")).encode
    return [dumps(list(values)) for values in zip(*columns, strict=True)]


# The stored JSON arrays are decoded by DuckDB (its JSON functions are built into the wheel: no extension
# is loaded or fetched): one parse per row in C, straight into Arrow columns, no Python object per value.
_TYPES = {"name_tokens": "VARCHAR[]", "birth_year": "BIGINT", "nik_ok": "BOOLEAN"}


def _decode_sql(table: str) -> str:
    """DuckDB SQL turning `table` (id BIGINT, f VARCHAR: a stored features array) into the model's columns
    (matching.COLUMNS, unique_id "p<id>"), in person id order."""
    values = []
    for at, column in enumerate(_FEATURE_COLUMNS, start=1):
        kind = _TYPES.get(column)
        values.append(f"CAST(j[{at}] AS {kind}) AS {column}" if kind else f"j[{at}] ->> '$' AS {column}")
    return (f"SELECT 'p' || CAST(id AS VARCHAR) AS unique_id, {', '.join(values)} "
            f"FROM (SELECT id, json_transform(f, '[\"JSON\"]') AS j FROM {table}) ORDER BY id")


def _decode(ids: pa.ChunkedArray, texts: pa.ChunkedArray) -> pa.Table:
    """(person ids, stored features texts) -> the registry side as an Arrow table, by DuckDB."""
    import duckdb

    features = pa.table({"id": ids, "f": texts})
    connection = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        connection.execute("SET enable_progress_bar = false")  # it would draw on the command's stdout
        connection.register("features", features)
        return connection.sql(_decode_sql("features")).to_arrow_table()
    finally:
        connection.close()


def _store_features(items: list[tuple]) -> None:
    """Upsert (person id, version, source, name, match key, features) rows, a chunk per transaction."""
    from .models import RegistryFeatures

    q = connection.ops.quote_name
    table = q(RegistryFeatures._meta.db_table)
    columns = ("person_id", "version", "source", "name", "match_key", "features")
    sql = (f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
           f"ON CONFLICT ({q('person_id')}) DO UPDATE SET " + ", ".join(f"{q(c)} = excluded.{q(c)}" for c in columns[1:]))
    for start in range(0, len(items), UPDATE_CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, items[start : start + UPDATE_CHUNK])


def _registry_tables() -> dict[str, str]:
    from .models import RegistryFeatures

    q = connection.ops.quote_name
    return {k: q(m._meta.db_table) for k, m in (("person", Person), ("membership", Membership), ("household", Household), ("area", Area),
                                                ("features", RegistryFeatures))}


@dataclass
class _StoredRead:
    """Pass 1 of registry_table(): the current stored features (as Arrow chunks) and the stale residents."""

    version: str
    id_parts: list
    text_parts: list
    stale: list
    residents: int


def _read_stored(version: str) -> _StoredRead:
    """Pass 1, reads only (so it may run on its own connection while this one writes the exact links)."""
    read = _StoredRead(version, [], [], [], 0)
    with connection.cursor() as cursor:
        cursor.execute(_STORED_SQL.format(**_registry_tables()), [version])
        while rows := cursor.fetchmany(50_000):
            read.residents += len(rows)
            ids = [pk for pk, text in rows if text is not None]
            if len(ids) < len(rows):
                read.stale.extend(pk for pk, text in rows if text is None)
                texts = [text for _pk, text in rows if text is not None]
            else:
                texts = [text for _pk, text in rows]
            read.id_parts.append(pa.array(ids, pa.int64()))
            read.text_parts.append(pa.array(texts, pa.string()))
    return read


@contextlib.contextmanager
def _reads_without_mmap():
    """SQLite reads through read() instead of its memory map while linking: the pages a link run reads
    (the list, the registry, the stored features: well over 1 GB) would otherwise all count in the
    process's resident memory on top of the model's, and the kernel caches them either way."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        row = cursor.fetchone()  # none for an in-memory database, which has no file to map
    if row is None:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA mmap_size = {int(row[0])}")


class _RegistryPrefetch:
    """Pass 1 of registry_table() in a thread with its own database connection, started while the exact
    passes write (the two use different cores: SQLite and DuckDB let go of the GIL). Not inside a
    transaction: another connection could not see its uncommitted rows, so there it is read in line."""

    def __init__(self) -> None:
        import threading

        self._version = features_version()
        self._result: _StoredRead | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="registry-prefetch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            if connection.vendor == "postgresql":
                # One backend for the read ahead: parallel workers would take the cores the exact pass
                # (on the other connection, at the same time) needs, and the read is not waited on first.
                with connection.cursor() as cursor:
                    cursor.execute("SET max_parallel_workers_per_gather = 0")
            with _reads_without_mmap():
                self._result = _read_stored(self._version)
        except BaseException as error:  # handed to the caller by result()
            self._error = error
        finally:
            connection.close()  # this thread's own connection

    def result(self) -> _StoredRead:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result


def registry_table(*, prefetched: _StoredRead | None = None) -> pa.Table:
    """The registry side of the model (equal to matching.prepare(registry_records())) as an Arrow table, in
    person id order: stored features where the resident's record and the code are unchanged, prepared again
    (and stored) where not. The stored texts go from the database cursor into Arrow chunk by chunk and are
    decoded by DuckDB; Splink's DuckDB reads the table as it is (no pandas copy of 1.78M residents).
    `prefetched` is pass 1 read ahead (_RegistryPrefetch) by the same code version."""
    version = features_version()
    tables = _registry_tables()
    read = prefetched if prefetched is not None and prefetched.version == version else _read_stored(version)
    id_parts, text_parts, stale, residents = read.id_parts, read.text_parts, read.stale, read.residents
    del read
    keys: dict[str, str] = {}  # registry name -> match key, for this call only
    stale.sort()
    for start in range(0, len(stale), FRAME_CHUNK):
        records = []
        with connection.cursor() as cursor:
            for at in range(start, min(start + FRAME_CHUNK, len(stale)), 900):
                chunk = stale[at : min(at + 900, start + FRAME_CHUNK)]
                cursor.execute(_STALE_SQL.format(**tables, ids=", ".join(["%s"] * len(chunk))), chunk)
                records.extend(cursor.fetchall())
        if not records:
            continue
        pk, name, born, sex, nik, kk, code, street, dusun, rt, rw, place, source = (list(c) for c in zip(*records, strict=True))
        del records
        frame = matching.prepare_columns(unique_id=[f"p{i}" for i in pk], name=name, birth_date=born, sex=sex, nik=nik, kk=kk, village=code,
                                         kecamatan=[c[:8] for c in code], address=[_registry_address(s, d) for s, d in zip(street, dusun, strict=True)],
                                         rt=rt, rw=rw, birth_place=place)
        encoded = _encode(frame)
        del frame
        for person_name in name:
            if person_name not in keys:
                keys[person_name] = match_key(person_name or "")[:200]
        _store_features([(i, version, src, n or "", keys[n], text) for i, src, n, text in zip(pk, source, name, encoded, strict=True)])
        # Decoded from the stored text like every other row: the same values and types as a stored row.
        id_parts.append(pa.array(pk, pa.int64()))
        text_parts.append(pa.array(encoded, pa.string()))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {tables['features']}")
        if cursor.fetchone()[0] > residents:  # residents who died, were merged or left since: their rows go
            cursor.execute(f"DELETE FROM {tables['features']} WHERE NOT EXISTS (SELECT 1 FROM {tables['person']} p WHERE p.id = {tables['features']}.person_id "
                           "AND p.date_of_death IS NULL AND p.merged_into_id IS NULL)")
    return _decode(pa.chunked_array(id_parts, pa.int64()), pa.chunked_array(text_parts, pa.string()))


def registry_frame() -> pd.DataFrame:
    """registry_table() as a pandas frame with prepare()'s dtypes (for callers that want pandas)."""
    frame = registry_table().to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    return frame



def _keys_agree(ka: str, kb: str) -> bool:
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    ta, tb = ka.split(), kb.split()
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    # "Siti Aminah" inside "Siti Aminah Rahayu" agrees; "Siti" alone inside it says nothing.
    if set(short) <= set(long_) and any(t not in matching.COMMON_PREFIXES for t in short):
        return True
    return difflib.SequenceMatcher(None, ka, kb).ratio() >= 0.88


def names_agree(a: str, b: str) -> bool:
    """Listed and registry name agree: same canonical name, one's words inside the other's, or a close spelling."""
    return _keys_agree(match_key(a), match_key(b))


EXACT_EVIDENCE = {"method": "exact", "fields": [
    {"field": "nik", "level": "NIK sama", "weight": None},
    {"field": "name", "level": "nama sesuai", "weight": None},
    {"field": "birth_date", "level": "tanggal lahir sama", "weight": None},
]}


def _exact_in_sql(batch: ImportBatch) -> int:
    """Link, in one statement, the rows whose valid NIK and birth date name a living, unmerged resident
    whose stored match key (RegistryFeatures, derived from this very name by this very code) equals the
    row's: most of a clean list. The links go to the run's outcomes; returns how many. _exact() then looks
    at the rest."""
    from .models import RegistryFeatures

    q = connection.ops.quote_name
    sql = (f"SELECT s.id, p.id, %s, %s, {outcomes.json_param()}, p.village_id FROM {q(StagedRow._meta.db_table)} s "
           f"JOIN {q(Person._meta.db_table)} p ON p.nik = s.nik AND p.birth_date = s.birth_date "
           f"JOIN {q(RegistryFeatures._meta.db_table)} f ON f.person_id = p.id AND f.version = %s AND f.name = p.name "
           f"WHERE s.batch_id = %s AND s.link_status = %s AND s.nik_valid = %s AND p.merged_into_id IS NULL AND s.match_name <> '' "
           f"AND f.match_key = s.match_name AND {outcomes.without_outcome()}")
    params = [LinkStatus.EXACT, 1.0, outcomes.evidence_text(EXACT_EVIDENCE), features_version(), batch.pk, LinkStatus.PENDING, True]
    with transaction.atomic():
        # PostgreSQL reads "equal names in two tables" as very selective and then picks nested loops (it
        # probed the staged rows once per resident: 12 s at 1M rows); hashing takes a quarter of that.
        outcomes.bulk_statements(hash_joins=True)
        return outcomes.add_select(sql, params)


def _exact(batch: ImportBatch) -> dict[int, tuple[int, dict]]:
    """Rows (without an outcome yet) linked by a valid NIK that agrees with name and birth date: row id ->
    (person id, evidence).

    The NIK and birth date are joined in the database (one statement); only the name check, which needs
    the canonicaliser, runs here, once per distinct registry name. (Rows whose names are equal once
    canonicalised were linked by _exact_in_sql already: what is left is spelling variants, merged and
    deceased residents.)"""
    q = connection.ops.quote_name
    sql = (f"SELECT s.id, s.match_name, p.id, p.name, p.merged_into_id FROM {q(StagedRow._meta.db_table)} s "
           f"JOIN {q(Person._meta.db_table)} p ON p.nik = s.nik AND p.birth_date = s.birth_date "
           f"WHERE s.batch_id = %s AND s.link_status = %s AND s.nik_valid = %s AND {outcomes.without_outcome()}")
    keys: dict[str, str] = {}  # registry name -> match key, for this call only
    found: dict[int, tuple[int, dict]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [batch.pk, LinkStatus.PENDING, True])
        while rows := cursor.fetchmany(20000):
            for row_id, row_key, person_id, person_name, merged_into in rows:
                key = keys.get(person_name)
                if key is None:
                    key = keys[person_name] = match_key(person_name)
                if not _keys_agree(row_key, key):
                    continue
                if merged_into:
                    found[row_id] = (merged_into, {**EXACT_EVIDENCE, "merged_record": person_id})
                else:
                    found[row_id] = (person_id, EXACT_EVIDENCE)
    return found


def _row_frame(batch: ImportBatch) -> pd.DataFrame:
    """The batch's rows still to score (linkable, without an outcome yet) as model columns."""
    codes = dict(Area.objects.filter(kind__in=("desa", "kelurahan")).values_list("id", "code"))
    q = connection.ops.quote_name
    sql = (f"SELECT id, name, birth_date, sex, nik, kk_number, village_id, address, rt, rw, birth_place FROM {q(StagedRow._meta.db_table)} "
           f"s WHERE batch_id = %s AND link_status = %s AND outcome <> %s AND {outcomes.without_outcome()}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [batch.pk, LinkStatus.PENDING, RowOutcome.INVALID])
        rows = cursor.fetchall()
    if not rows:
        return matching.prepare([])
    pk, name, born, sex, nik, kk, village_id, address, rt, rw, place = (list(c) for c in zip(*rows, strict=True))
    village = [codes.get(v, "") for v in village_id]
    return matching.prepare_columns(unique_id=[f"r{i}" for i in pk], name=name, birth_date=[_as_date(b) for b in born], sex=sex, nik=nik, kk=kk,
                                    village=village, kecamatan=[v[:8] for v in village], address=address, rt=rt, rw=rw,
                                    birth_place=place)


def _predict(frames: list[pd.DataFrame], *, link_type: str, threshold: float, rows_in_list: int) -> tuple[pd.DataFrame, matching.Model]:
    model = matching.Model(frames, link_type=link_type, priors=rows_in_list < MIN_ROWS_FOR_EM)
    model.train()
    return model.predict(threshold), model


def link_batch(*, actor: Actor, batch: ImportBatch, run: LinkRun, progress: Callable[[str], None] | None = None,
               accept_at: float | None = None, review_at: float | None = None) -> dict:
    with _reads_without_mmap(), outcomes.held():
        return _link_batch(actor=actor, batch=batch, run=run, progress=progress, accept_at=accept_at, review_at=review_at)


def _link_batch(*, actor: Actor, batch: ImportBatch, run: LinkRun, progress: Callable[[str], None] | None = None,
                accept_at: float | None = None, review_at: float | None = None) -> dict:
    accept_at = matching.ACCEPT_AT if accept_at is None else accept_at
    review_at = matching.REVIEW_AT if review_at is None else review_at
    started = time.monotonic()

    def say(step: str) -> None:
        if progress:
            progress(f"{step} ({time.monotonic() - started:.0f} s)")

    say(f"batch {batch.pk}: exact NIK")
    # Uses the features the last run (or the nightly task) stored; a resident changed since simply falls to
    # the Python pass below, so the order of the two is a matter of speed, never of correctness.
    prefetch = None
    if not connection.in_atomic_block and StagedRow.objects.filter(batch=batch, link_status=LinkStatus.PENDING, nik_valid=False).exclude(
            outcome=RowOutcome.INVALID).exists():
        # Some rows can only be linked by the model (no valid NIK): read the registry side meanwhile.
        prefetch = _RegistryPrefetch()
    try:
        linked = _exact_in_sql(batch)
        if prefetch is None and not connection.in_atomic_block and StagedRow.objects.filter(
                batch=batch, link_status=LinkStatus.PENDING).exclude(outcome=RowOutcome.INVALID).count() > linked:
            prefetch = _RegistryPrefetch()  # rows are left for the model after all
        with paused_gc():
            exact = _exact(batch)
            _add_links({row_id: (person_id, LinkStatus.EXACT, 1.0, evidence) for row_id, (person_id, evidence) in exact.items()})
            del exact
            rows = _row_frame(batch)
    finally:
        prefetched = prefetch.result() if prefetch else None
    decided: dict[int, tuple] = {}
    review: list[ReviewItem] = []
    if len(rows):
        say(f"batch {batch.pk}: registry side")
        registry = registry_table(prefetched=prefetched)  # brings the stored features up to date for the next run too
        prefetched = None
        say(f"batch {batch.pk}: scoring {len(rows):,} rows against the registry")
        predictions, model = _predict([rows, registry], link_type="link_only", threshold=review_at, rows_in_list=len(rows))
        del rows
        registry = None  # Splink holds its own copy now
        try:
            with paused_gc():
                decided, review = _choose(batch=batch, run=run, predictions=predictions, model=model, accept_at=accept_at)
        finally:
            model.close()
    with paused_gc():
        _add_links(decided)
    del decided
    say(f"batch {batch.pk}: enrolments")
    with transaction.atomic():
        outcomes.bulk_statements()
        # Every row still pending after scoring has no candidate at all: a new or unknown person.
        outcomes.add_new(batch.pk)
        outcomes.analyze()
        enrolled = enrolling.enrol_rows(actor=actor, batch=batch, run_outcomes=True)  # every linked or unknown row not enrolled yet
        ReviewItem.objects.bulk_create(review, batch_size=500, ignore_conflicts=True)
        say(f"batch {batch.pk}: writing the links")
        outcomes.write()
    counts = dict(StagedRow.objects.filter(batch=batch).values_list("link_status").annotate(n=Count("id")).order_by())
    summary = {"rows": sum(counts.values()), **{s: counts[s] for s in LinkStatus.values if counts.get(s)}, "review_items": len(review),
               "enrolments": enrolled}
    audit_record(actor=actor, action="linkage.link_batch", obj=batch, changes=summary)
    return summary


def _choose(*, batch, run, predictions: pd.DataFrame, model: matching.Model, accept_at: float) -> tuple[dict, list]:
    """Best candidate per row; accepted, reviewed or (no candidate above review_at) left for NEW."""
    if predictions.empty:
        return {}, []
    left_is_row = predictions["unique_id_l"].str.startswith("r")
    predictions = predictions.assign(
        row=predictions["unique_id_l"].where(left_is_row, predictions["unique_id_r"]).str[1:].astype(int),
        person=predictions["unique_id_r"].where(left_is_row, predictions["unique_id_l"]).str[1:].astype(int),
    ).sort_values(["row", "match_probability"], ascending=[True, False])
    previous = {k: d for k, d in ReviewItem.objects.filter(kind=ReviewKind.ROW_PERSON, row__batch__programme_id=batch.programme_id)
                .exclude(decision=Decision.PENDING).values_list("pair_key", "decision")}
    rows = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT s.id, s.nik, s.match_name, s.birth_date FROM {connection.ops.quote_name(StagedRow._meta.db_table)} s "
                       f"WHERE s.batch_id = %s AND s.link_status = %s AND {outcomes.without_outcome()}", [batch.pk, LinkStatus.PENDING])
        while part := cursor.fetchmany(20000):
            rows.update((r[0], (r[1], r[2], _as_date(r[3]))) for r in part)
    decided: dict[int, tuple] = {}
    items: list[ReviewItem] = []
    from .services import row_pair_key

    records = predictions.to_dict("records")  # sorted by row: one pass, no per-group frames
    del predictions
    for row_id, group in itertools.groupby(records, key=operator.itemgetter("row")):
        nik, name, born = rows[row_id]
        candidates = []
        for record in group:
            key = row_pair_key(programme_id=batch.programme_id, nik=nik, match_name=name, birth_date=born, person_id=record["person"])
            verdict = previous.get(key)
            if verdict == Decision.REJECTED:
                continue  # decided before: never asked twice, never linked against the decision
            candidates.append((record, key, verdict))
        if not candidates:
            continue
        best, best_key, verdict = candidates[0]
        evidence = model.evidence(best)
        runner_up = candidates[1][0]["match_probability"] if len(candidates) > 1 else 0.0
        clear = best["match_probability"] >= accept_at and best["match_probability"] - runner_up > AMBIGUOUS_GAP
        if verdict == Decision.ACCEPTED or clear:
            evidence["method"] = "accepted before" if verdict == Decision.ACCEPTED else "probabilistic"
            decided[row_id] = (int(best["person"]), LinkStatus.MATCHED, float(best["match_probability"]), evidence)
            continue
        decided[row_id] = (None, LinkStatus.REVIEW, float(best["match_probability"]), evidence)
        for record, key, _verdict in candidates[:3]:
            items.append(ReviewItem(kind=ReviewKind.ROW_PERSON, pair_key=key, row_id=row_id, person_id=int(record["person"]),
                                    match_probability=float(record["match_probability"]), evidence=model.evidence(record), run=run))
    wanted_people = list({i.person_id for i in items})
    people = {}
    for start in range(0, len(wanted_people), 900):
        people.update(Person.objects.filter(pk__in=wanted_people[start : start + 900]).values_list("id", "village_id"))
    for item in items:
        item.village_id = people.get(item.person_id)
    return decided, items  # the review items are saved with the run's links


def _add_links(links: dict[int, tuple]) -> None:
    """row id -> (person id or None, status, probability, evidence) into the run's outcomes (one encoding per
    evidence object: every exact link shares one)."""
    encoded: dict[int, str] = {}

    def evidence(value) -> str:
        if id(value) not in encoded:
            encoded[id(value)] = outcomes.evidence_text(value)
        return encoded[id(value)]

    outcomes.add((row_id, person, status, probability, evidence(ev)) for row_id, (person, status, probability, ev) in links.items())


def registry_duplicates(*, actor: Actor, run: LinkRun, progress: Callable[[str], None] | None = None, review_at: float | None = None) -> dict:
    """Residents recorded twice (another NIK serial, another spelling): every pair from `review_at` up goes
    to review; merging two residents is always a person's decision."""
    review_at = matching.REVIEW_AT if review_at is None else review_at
    say = progress or (lambda _s: None)
    say("registry: reading residents")
    records = registry_table()
    if len(records) < 2:
        return {"residents": len(records), "pairs": 0, "review_items": 0}
    say(f"registry: scoring {len(records):,} residents for duplicates")
    predictions, model = _predict([records], link_type="dedupe_only", threshold=review_at, rows_in_list=len(records))
    try:
        items = []
        for record in predictions.to_dict("records"):
            a, b = int(record["unique_id_l"][1:]), int(record["unique_id_r"][1:])
            keep, duplicate = min(a, b), max(a, b)  # the older record stays
            items.append(ReviewItem(kind=ReviewKind.PERSON_PERSON, pair_key=matching_key(a, b), left_person_id=duplicate, person_id=keep,
                                    match_probability=float(record["match_probability"]), evidence=model.evidence(record), run=run))
    finally:
        model.close()
    wanted = list({i.left_person_id for i in items})
    villages = {}
    for start in range(0, len(wanted), 900):
        villages.update(Person.objects.filter(pk__in=wanted[start : start + 900]).values_list("id", "village_id"))
    for item in items:
        item.village_id = villages.get(item.left_person_id)
    before = ReviewItem.objects.filter(kind=ReviewKind.PERSON_PERSON).count()
    with transaction.atomic():
        ReviewItem.objects.bulk_create(items, batch_size=500, ignore_conflicts=True)
    created = ReviewItem.objects.filter(kind=ReviewKind.PERSON_PERSON).count() - before
    summary = {"residents": len(records), "pairs": len(items), "review_items": created, "at": timezone.now().isoformat()}
    audit_record(actor=actor, action="linkage.registry_duplicates", obj=run, changes=summary)
    return summary


def matching_key(a: int, b: int) -> str:
    from .services import person_pair_key

    return person_pair_key(a, b)
