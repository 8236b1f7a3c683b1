#!/usr/bin/env python3
"""Headline figures of the cases app (issue #4), at full scale with 200,000 cases on record: p99 latency of
GET /open311/v2/requests.json with filters, and of a team's queue page. Goal: under 100 ms.

    .venv/bin/python bench/cases_open311.py --database-url sqlite:////work/bench-data/cases.sqlite3 --prepare
    .venv/bin/python bench/cases_open311.py --database-url sqlite:////work/bench-data/cases.sqlite3

--prepare (once, on a COPY of the full-scale database): migrates, loads teams and categories, adds the demo
logins, and writes 200,000 synthetic cases over two years set-based (bulk inserts in batches, the same
generator as `synth`), proportional to each village's population. The measuring run starts
`smartkampung serve`, logs puskesmas.sempu in (a session row made directly), warms up, and sends requests
from --clients threads with keep-alive connections. Server and clients share the machine's cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import COMMAND, env_for, machine, percentile, smartkampung  # noqa: E402

PREPARE = """
import datetime as dt, time
from django.db import transaction
from django.db.models import Count
from smartkampung.cases.models import Case, TicketCounter
from smartkampung.cases.synth import build_cases, cases_bulk_insert
from smartkampung.core.models import Area
from smartkampung.registry.models import Person
target = {cases}
have = Case.objects.count()
started = time.monotonic()
population = dict(Person.objects.filter(date_of_death__isnull=True).values("village_id").annotate(n=Count("id")).values_list("village_id", "n"))
villages = [v for v in Area.objects.filter(kind__in=("desa", "kelurahan")).order_by("code") if population.get(v.id)]
weights = [population[v.id] for v in villages]
as_of = dt.date.today()
batch = 20000
n = 0
while have + n < target:
    count = min(batch, target - have - n)
    with transaction.atomic():
        TicketCounter.objects.get_or_create(year=as_of.year)
        counter = TicketCounter.objects.select_for_update().get(year=as_of.year)
        cases, steps = build_cases(seed=1000 + (have + n) // batch, count=count, as_of=as_of, villages=villages, weights=weights,
                                   ticket_start=counter.last + 1, days=730)
        cases_bulk_insert(cases, steps)
        TicketCounter.objects.filter(year=as_of.year).update(last=counter.last + count)
    n += count
    print(f"  {{have + n:,}} cases", flush=True)
print(f"added {{n:,}} cases in {{time.monotonic() - started:.0f}} s")
"""

SESSION = """
from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from smartkampung.cases.models import Team
user = get_user_model().objects.get(username="{username}")
s = SessionStore()
s[SESSION_KEY] = str(user.pk); s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"; s[HASH_SESSION_KEY] = user.get_session_auth_hash()
s.save()
team = Team.objects.get(kind="puskesmas", area__code="35.10.20")
print(s.session_key, team.pk)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(port: int, paths: list[str], clients: int, headers: dict) -> tuple[list[float], int, float, int]:
    latencies: list[float] = []
    errors = 0
    rows = 0
    lock = threading.Lock()
    chunks = [paths[i::clients] for i in range(clients)]

    def worker(chunk):
        nonlocal errors, rows
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad, count = [], 0, 0
        for path in chunk:
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            mine.append((time.perf_counter() - t0) * 1000)
            if response.status != 200:
                bad += 1
            elif path.startswith("/open311/"):
                count += len(json.loads(body))
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad
            rows += count

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - started, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("SMARTKAMPUNG_DATABASE_URL"), required="SMARTKAMPUNG_DATABASE_URL" not in os.environ)
    parser.add_argument("--prepare", action="store_true", help="migrate, load, and add cases up to --cases first")
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sk-bench-cases-"))
    env = env_for(args.database_url, tmp / "var")
    if args.prepare:
        smartkampung(env, "migrate", "-v0")
        smartkampung(env, "demo_users", stdout=subprocess.DEVNULL)
        smartkampung(env, "cases", "load")
        smartkampung(env, "shell", "-c", PREPARE.format(cases=args.cases))
    session, team = smartkampung(env, "shell", "-c", SESSION.format(username="puskesmas.sempu"), capture_output=True).stdout.strip().splitlines()[-1].split()
    on_record = smartkampung(env, "shell", "-c", "from smartkampung.cases.models import Case; print(Case.objects.count())", capture_output=True).stdout.strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen([*COMMAND, "serve", "--port", str(port), "--workers", str(args.workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    today = dt.date.today()
    try:
        for _ in range(300):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/api/v1/health")
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit("smartkampung serve did not start (unapplied migrations? run with --prepare or `smartkampung migrate`)") from None
                time.sleep(0.3)
        print(f"date: {today}  machine: {machine()}")
        print(f"database: {args.database_url.split('://')[0]}  cases on record: {int(on_record):,}  server: smartkampung serve --workers {args.workers}  clients: {args.clients}")
        cookie = {"Cookie": f"sessionid={session}"}
        week = (today - dt.timedelta(days=7)).isoformat()
        month = (today - dt.timedelta(days=30)).isoformat()
        codes = ("barisan_siap", "general", "rtlh")
        scenarios = [
            ("open311: service_code + status=open, last 7 days",
             [f"/open311/v2/requests.json?service_code={codes[i % 3]}&status=open&start_date={week}T00:00:00%2B07:00" for i in range(args.requests)], {}),
            ("open311: service_code, 30-day window",
             [f"/open311/v2/requests.json?service_code={codes[i % 3]}&start_date={month}T00:00:00%2B07:00&end_date={today}T23:59:59%2B07:00" for i in range(args.requests)], {}),
            ("open311: status=open, default 90 days (1,000 rows)", ["/open311/v2/requests.json?status=open"] * args.requests, {}),
            ("queue page: Puskesmas Sempu", [f"/cases/?team={team}"] * args.requests, cookie),
            ("queue page: Puskesmas Sempu, overdue only", [f"/cases/?team={team}&overdue=1"] * args.requests, cookie),
        ]
        for _label, paths, headers in scenarios:  # warm-up: workers, connections, page cache
            _run(port, paths[:40], args.clients, headers)
        for label, paths, headers in scenarios:
            latencies, errors, seconds, rows = _run(port, paths, args.clients, headers)
            extra = f"  rows/answer {rows / max(1, len(latencies) - errors):6.0f}" if label.startswith("open311") else ""
            print(f"{label:<52} n={len(latencies):>5}  median {percentile(latencies, 50):6.1f} ms  p99 {percentile(latencies, 99):6.1f} ms  "
                  f"max {max(latencies):6.1f} ms  {len(latencies) / seconds:6.0f} req/s  errors {errors}{extra}")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
