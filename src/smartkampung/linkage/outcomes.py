"""A link run's outcome for each staged row, held in a temporary table until the run ends and then
written to the staged rows in one UPDATE.

Why: a staged row's link (exact, model, new), its village, its enrolment and the reason it was not
enrolled are decided in four steps. Written as they are decided, most of a million-row list was
rewritten three or four times; on PostgreSQL every rewrite is a new row version with an entry in each of
the table's indexes, which cost a minute per list. Held here, each row is written once, and the run's
changes (links, enrolments, review items) land in one transaction: a run that fails half-way leaves the
batch as it found it, and the next run starts it again.

The temporary table belongs to the connection (on SQLite it lives in the connection's temp database, so
filling it takes no lock on the main database while the model scores). A NULL column means "keep the
staged row's value". The enrolment step's results (the enrolment made, or the reason none was: `note`,
added to the row's evidence under "enrolment") go to a second table, joined in by the final UPDATE: set
into the first, they would rewrite most of its rows once more (an upsert per row, 5 s at 1M rows).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator

from django.db import connection

from smartkampung.core.db import pg_copy
from smartkampung.registry.models import Person

from .models import LinkStatus, StagedRow

TABLE = "linkage_run_outcome"
ENROLMENTS = "linkage_run_enrolment"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _json_type() -> str:
    return "jsonb" if connection.vendor == "postgresql" else "text"


@contextlib.contextmanager
def held() -> Iterator[None]:
    """The run's outcome table, empty, for the duration of the block (dropped after, even on error)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A session's temporary tables live in its own buffers, 8 MB by default: a million outcomes
            # would go to disk and back at every step. The size can only change before the session's
            # first temporary table; a session that had one (a worker's earlier job) keeps its size.
            cursor.execute("DO $$ BEGIN PERFORM set_config('temp_buffers', '512MB', false); "
                           "EXCEPTION WHEN invalid_parameter_value OR cant_change_runtime_param THEN NULL; END $$")
        for table in (TABLE, ENROLMENTS):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")  # left by a run that died with this connection open
        cursor.execute(f"CREATE TEMPORARY TABLE {TABLE} (id bigint PRIMARY KEY, person_id bigint, link_status varchar(10), "
                       f"match_probability double precision, evidence {_json_type()}, village_id bigint)")
        # The primary key makes a row enrolled twice in one run an error, not a coin toss in the UPDATE.
        cursor.execute(f"CREATE TEMPORARY TABLE {ENROLMENTS} (id bigint PRIMARY KEY, enrolment_id bigint, note text)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table in (TABLE, ENROLMENTS):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")


def bulk_statements(*, hash_joins: bool = False) -> None:
    """Within the current transaction on PostgreSQL: memory for the hash joins of a million rows (the
    default 4 MB splits them into dozens of batches on disk) and, with `hash_joins`, no nested loops."""
    if connection.vendor != "postgresql":
        return
    assert connection.in_atomic_block, "SET LOCAL lasts for a transaction"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        if hash_joins:
            cursor.execute("SET LOCAL enable_nestloop = off")


def json_param() -> str:
    """A JSON text parameter as the evidence column's type (a bare parameter in a SELECT list is text)."""
    return f"CAST(%s AS {_json_type()})"


def evidence_text(value: dict) -> str:
    """Evidence as the JSON text the staged row's JSONField would store."""
    return json.dumps(value)


def add_select(select_sql: str, params: list) -> int:
    """Rows (id, person_id, link_status, match_probability, evidence, village_id) from a query; returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (id, person_id, link_status, match_probability, evidence, village_id) {select_sql}", params)
        return cursor.rowcount


def add(rows: Iterable[tuple]) -> None:
    """Rows (id, person_id, link_status, match_probability, evidence text): the village of a linked row is
    the village of the resident it names (its scope), looked up here in one statement."""
    rows = list(rows)
    if not rows:
        return
    columns = "id, person_id, link_status, match_probability, evidence"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            pg_copy(cursor, f"{TABLE} ({columns})", rows)
        else:
            cursor.executemany(f"INSERT INTO {TABLE} ({columns}) VALUES (%s, %s, %s, %s, %s)", rows)
        person = _q(Person._meta.db_table)
        cursor.execute(f"UPDATE {TABLE} SET village_id = (SELECT p.village_id FROM {person} p WHERE p.id = {TABLE}.person_id) "
                       f"WHERE village_id IS NULL AND person_id IS NOT NULL")


def add_new(batch_id: int) -> int:
    """Every row of the batch still pending with no outcome yet: no candidate at all, a new or unknown person."""
    return add_select(f"SELECT s.id, NULL, %s, NULL, NULL, NULL FROM {_q(StagedRow._meta.db_table)} s WHERE s.batch_id = %s "
                      f"AND s.link_status = %s AND {without_outcome()}",
                      [LinkStatus.NEW, batch_id, LinkStatus.PENDING])


def without_outcome(alias: str = "s") -> str:
    """A condition for a query over the staged rows: the row has no outcome in this run yet."""
    return f"NOT EXISTS (SELECT 1 FROM {TABLE} o WHERE o.id = {alias}.id)"


def add_enrolments(rows: list[tuple]) -> None:
    """(row id, enrolment id or None, note or None) of the enrolment step, once per row in a run."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            pg_copy(cursor, f"{ENROLMENTS} (id, enrolment_id, note)", rows)
        else:
            cursor.executemany(f"INSERT INTO {ENROLMENTS} (id, enrolment_id, note) VALUES (%s, %s, %s)", rows)


def analyze() -> None:
    """Statistics for the planner: nothing analyses a temporary table on its own, and a million rows read
    as "a few" make PostgreSQL pick nested loops for the joins that follow."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (TABLE, ENROLMENTS):
                cursor.execute(f"ANALYZE {table}")


def write() -> int:
    """Every outcome onto its staged row, in one UPDATE; returns how many rows it wrote."""
    staged = _q(StagedRow._meta.db_table)
    if connection.vendor == "postgresql":
        evidence = "COALESCE(o.evidence, s.evidence) || CASE WHEN o.note IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('enrolment', o.note) END"
    else:
        evidence = "CASE WHEN o.note IS NULL THEN COALESCE(o.evidence, s.evidence) ELSE json_set(COALESCE(o.evidence, s.evidence), '$.enrolment', o.note) END"
    kept = ", ".join(f"{c} = COALESCE(o.{c}, s.{c})" for c in ("person_id", "link_status", "match_probability", "village_id", "enrolment_id"))
    # A row may have a link and no enrolment step (review), or an enrolment step and no new link (a row
    # linked by an earlier run, enrolled now): the two tables are joined in full.
    joined = (f"(SELECT COALESCE(l.id, e.id) AS id, l.person_id, l.link_status, l.match_probability, l.evidence, l.village_id, e.enrolment_id, e.note "
              f"FROM {TABLE} l FULL JOIN {ENROLMENTS} e ON e.id = l.id)")
    analyze()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {staged} AS s SET {kept}, evidence = {evidence} FROM {joined} o WHERE s.id = o.id")
        return cursor.rowcount
