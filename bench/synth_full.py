#!/usr/bin/env python3
"""Headline figure: `smartkampung synth --people full` into SQLite (or --database-url): wall time and peak
memory. Goal (issue #2): under 3 minutes and under 2 GB.

    .venv/bin/python bench/synth_full.py [--people full] [--keep PATH]

With --keep, the filled SQLite database is kept at PATH (bench/registry_search.py can reuse it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import COMMAND, env_for, machine, smartkampung  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", default="full")
    parser.add_argument("--seed", default="1")
    parser.add_argument("--keep", help="keep the SQLite database at this path")
    parser.add_argument("--database-url", default=os.environ.get("SMARTKAMPUNG_DATABASE_URL"), help="an empty database to use instead of a temp SQLite file (default: $SMARTKAMPUNG_DATABASE_URL if set)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sk-bench-synth-"))
    db_path = Path(args.keep).resolve() if args.keep else tmp / "synth.sqlite3"
    if db_path.exists():
        sys.exit(f"{db_path} exists; remove it first")
    url = args.database_url or f"sqlite:///{db_path}"
    env = env_for(url, tmp / "var")
    smartkampung(env, "migrate", "-v0")
    smartkampung(env, "load_areas", stdout=subprocess.DEVNULL)
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run([*COMMAND, "synth", "--people", args.people, "--seed", args.seed, "--no-progress"], env=env, text=True, capture_output=True)
    wall = time.monotonic() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        sys.exit(result.stderr)
    size = db_path.stat().st_size / 2**20 if db_path.exists() else float("nan")
    print(result.stdout.strip())
    print(f"date: {dt.date.today()}  machine: {machine()}")
    print(f"database: {url.split('://')[0]}  people: {args.people}  seed: {args.seed}")
    print(f"wall time: {wall:.1f} s   peak RSS of the synth process: {peak_kib / 1024:.0f} MiB   database file: {size:.0f} MiB")
    if before > peak_kib:
        print("(note: an earlier child process had a larger RSS; the figure above is the maximum over children)")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
