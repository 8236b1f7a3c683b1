"""Reservations that arrive at the same moment, from separate processes against the real database (the
suite's: SQLite or PostgreSQL): a bed is never given twice for the same night.

The processes need committed data in a database they can reach. On SQLite the test database lives in
memory, so they get a file with its schema and its areas (a second, where migrating a fresh database would
take most of a minute). On PostgreSQL they work on the test database itself, and the test removes what
they wrote afterwards (a house of its own, its reservations and their audit rows)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.fresh_db import COMMAND

WORKERS = 6
BEDS = 2
ROOT = Path(__file__).resolve().parents[2]


def _sql(env: dict, query: str, *, fetch: bool = True) -> list:
    """Run SQL in a separate process on the workers' database (the test's own connection sits in a
    transaction that does not see their commits)."""
    run = ("c.execute(" + repr(query) + ");print(json.dumps(c.fetchall(), default=str))" if fetch else
           "[c.execute(q) for q in " + repr([q for q in query.split(";") if q.strip()]) + "];print('[]')")
    script = ("import os,django,json;os.environ.setdefault('DJANGO_SETTINGS_MODULE','smartkampung.settings');django.setup();"
              "from django.db import connection;c=connection.cursor();" + run)
    out = subprocess.run([COMMAND[0], "-c", script], env=env, capture_output=True, text=True, timeout=120, check=True, cwd=ROOT)
    return json.loads(out.stdout)


CLEANUP = """
DELETE FROM isolation_bednight WHERE house_id IN (SELECT id FROM isolation_isolationhouse WHERE name = 'Rumah Isolasi Balapan');
DELETE FROM isolation_reservation WHERE house_id IN (SELECT id FROM isolation_isolationhouse WHERE name = 'Rumah Isolasi Balapan');
DELETE FROM isolation_bed WHERE house_id IN (SELECT id FROM isolation_isolationhouse WHERE name = 'Rumah Isolasi Balapan');
DELETE FROM isolation_room WHERE house_id IN (SELECT id FROM isolation_isolationhouse WHERE name = 'Rumah Isolasi Balapan');
DELETE FROM isolation_isolationhouse WHERE name = 'Rumah Isolasi Balapan';
DELETE FROM core_auditevent WHERE actor_label = 'system:race';
"""


@contextlib.contextmanager
def _reachable_database(tmp_path: Path):
    db = settings.DATABASES["default"]
    env = {**os.environ, "SMARTKAMPUNG_VAR_DIR": str(tmp_path / "var"), "PYTHONWARNINGS": "ignore"}
    if db["ENGINE"] == "django.db.backends.postgresql":
        env["SMARTKAMPUNG_DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        try:
            yield env
        finally:
            _sql(env, CLEANUP, fetch=False)
    else:
        path = tmp_path / "race.sqlite3"
        # The schema of the test database (read through the test's own connection: it sits in a transaction,
        # which a backup would wait on for ever) and the rows the workers need: the areas and the Puskesmas.
        target = sqlite3.connect(path)
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type != 'table'")
            for (ddl,) in cursor.fetchall():
                target.execute(ddl)
            for table in ("core_area", "isolation_puskesmas"):
                cursor.execute(f"SELECT * FROM {table} ORDER BY id")
                rows = cursor.fetchall()
                target.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
        target.commit()
        target.close()
        env["SMARTKAMPUNG_DATABASE_URL"] = f"sqlite:///{path}"
        yield env


def test_simultaneous_overlapping_reservations_never_share_a_bed_night(tmp_path, db):
    with _reachable_database(tmp_path) as env:
        setup = subprocess.run([COMMAND[0], "-m", "tests.isolation.race_worker", "setup", str(BEDS)], env=env, capture_output=True,
                               text=True, timeout=120, check=True, cwd=ROOT)
        info = json.loads(setup.stdout)
        today = dt.date.fromisoformat(info["today"])
        start_at = time.time() + 8  # every process is connected and waiting by then
        # Overlapping windows: the first three overlap on every night, the others on part of their nights.
        arrivals = [today, today, today, today + dt.timedelta(days=5), today + dt.timedelta(days=10), today + dt.timedelta(days=13)]
        workers = [subprocess.Popen([COMMAND[0], "-m", "tests.isolation.race_worker", "reserve", str(info["house"]), a.isoformat(),
                                     f"ID{i:04d}", str(start_at)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
                   for i, a in enumerate(arrivals)]
        results = []
        for worker in workers:
            out, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
        given = [r for r in results if "code" in r]
        refused = [r for r in results if "error" in r]
        # Every arrival overlaps every other on some night, so at most one per bed can be given.
        assert len(given) == BEDS
        assert len({r["bed"] for r in given}) == BEDS
        assert {r["error"] for r in refused} == {"house_full"} and len(refused) == WORKERS - BEDS
        house = info["house"]
        assert _sql(env, f"SELECT COUNT(*) FROM isolation_bednight WHERE house_id = {house}") == [[BEDS * 14]]
        assert _sql(env, "SELECT bed_id, night, COUNT(*) FROM isolation_bednight GROUP BY bed_id, night HAVING COUNT(*) > 1") == []
        assert _sql(env, f"SELECT COUNT(*) FROM isolation_reservation WHERE house_id = {house}") == [[BEDS]]
