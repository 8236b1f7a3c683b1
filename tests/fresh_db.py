"""A fresh, empty database of the same kind as the suite's (a temp SQLite file, or a new database on the
suite's PostgreSQL server), for tests that drive the `smartkampung` command as a separate process."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

COMMAND = [sys.executable, "-m", "smartkampung"]


@contextlib.contextmanager
def fresh_database(tmp_path: Path) -> Iterator[dict]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    db = settings.DATABASES["default"]
    env = {**os.environ, "SMARTKAMPUNG_VAR_DIR": str(tmp_path / "var"), "PYTHONWARNINGS": "ignore"}
    if db["ENGINE"] == "django.db.backends.postgresql":
        import psycopg

        name = f"sk_cli_{uuid.uuid4().hex[:10]}"
        dsn = f"host={db['HOST']} port={db['PORT']} user={db['USER']} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["SMARTKAMPUNG_DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"
        try:
            yield env
        finally:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env["SMARTKAMPUNG_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
        yield env


def run(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([*COMMAND, *args], env=env, capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"smartkampung {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result
