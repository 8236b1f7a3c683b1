"""A burst of concurrent reservations on one isolation house (issue #9): many clients for few beds, through
`smartkampung serve` over HTTP on 127.0.0.1. The number of places given must equal the beds available;
throughput and latency are recorded.

    .venv/bin/python bench/isolation_burst.py [--clients 400] [--concurrency 32] [--beds 12] [--workers 4]
    scripts/with_postgres.py --durable -- .venv/bin/python bench/isolation_burst.py     # on PostgreSQL

Without SMARTKAMPUNG_DATABASE_URL it builds a fresh SQLite database in a temp folder (migrate + areas);
with it (PostgreSQL from with_postgres.py) it migrates that database. Every arrival date lies within six
days of the first, so every two reservations overlap on some night: at most one per bed can be given.
Each client is a different traveller (name + identity number), POSTing /api/v1/isolation/reservations.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import COMMAND, ROOT, env_for, machine, percentile  # noqa: E402

SETUP = """
from smartkampung.core.audit import Actor
from smartkampung.core.models import Area
from smartkampung.isolation import services
from smartkampung.isolation.models import Puskesmas
import json
actor = Actor.system("bench")
village = Area.objects.get(code="35.10.15.2004")
services.puskesmas_load(actor=actor)
house = services.house_create(actor=actor, village=village, name="Rumah Isolasi Bench", address="Balai Desa Kemiren", latitude=-8.2,
                              longitude=114.33, puskesmas=Puskesmas.objects.get(kecamatan=village.parent), rooms=[("Kamar A", {beds})])
print(json.dumps({{"house": house.pk}}))
"""
CHECK = """
import json
from django.db import connection
c = connection.cursor()
c.execute("SELECT COUNT(*), COUNT(DISTINCT bed_id) FROM isolation_reservation WHERE house_id = %s", [{house}])
reservations, beds = c.fetchone()
c.execute("SELECT COUNT(*) FROM (SELECT bed_id, night FROM isolation_bednight GROUP BY bed_id, night HAVING COUNT(*) > 1) d")
doubled = c.fetchone()[0]
c.execute("SELECT COUNT(*) FROM isolation_bednight WHERE house_id = %s", [{house}])
print(json.dumps({{"reservations": reservations, "distinct_beds": beds, "doubled_bed_nights": doubled, "bed_nights": c.fetchone()[0]}}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _shell(env: dict, code: str) -> dict:
    out = subprocess.run([*COMMAND, "shell", "-c", code], env=env, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--beds", type=int, default=12)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="isolation-burst-"))
    url = os.environ.get("SMARTKAMPUNG_DATABASE_URL") or f"sqlite:///{tmp / 'burst.sqlite3'}"
    env = env_for(url, tmp / "var")
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    subprocess.run([*COMMAND, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*COMMAND, "load_areas"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    house = _shell(env, SETUP.format(beds=args.beds))["house"]
    port = _free_port()
    server = subprocess.Popen([*COMMAND, "serve", "--port", str(port), "--workers", str(args.workers)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("smartkampung serve did not start") from None
                time.sleep(0.3)
        today = dt.date.fromisoformat(_shell(env, "import json; from django.utils import timezone; print(json.dumps({'d': timezone.localdate().isoformat()}))")["d"])
        limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
        with httpx.Client(base_url=base, timeout=60, limits=limits) as client:
            client.get("/api/v1/health")  # warm the workers' connections

            def reserve(i: int) -> tuple[int, str, float]:
                body = {"house_id": house, "arrival_date": (today + dt.timedelta(days=i % 7)).isoformat(), "origin": "Surabaya",
                        "full_name": f"Pendatang {i}", "id_number": f"BENCH{i:06d}", "home_village_code": "35.10.15.2004"}
                started = time.perf_counter()
                response = client.post("/api/v1/isolation/reservations", json=body)
                elapsed = time.perf_counter() - started
                return response.status_code, response.json().get("code", ""), elapsed

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
                results = list(pool.map(reserve, range(args.clients)))
            wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    given = sum(1 for status, _c, _t in results if status == 201)
    full = sum(1 for status, code, _t in results if status == 400 and code == "house_full")
    other = [(status, code) for status, code, _t in results if status != 201 and not (status == 400 and code == "house_full")]
    latencies = [t * 1000 for _s, _c, t in results]
    check = _shell(env, CHECK.format(house=house))
    report = {
        "database": database, "machine": machine(), "date": dt.date.today().isoformat(), "clients": args.clients,
        "concurrency": args.concurrency, "workers": args.workers, "beds": args.beds, "given": given, "house_full": full,
        "other_answers": other[:10], "other_count": len(other), "seconds": round(wall, 2), "requests_per_second": round(args.clients / wall, 1),
        "p50_ms": round(percentile(latencies, 50), 1), "p95_ms": round(percentile(latencies, 95), 1), "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1), "database_check": check,
        "beds_given_equal_beds": given == args.beds and check["reservations"] == args.beds and check["distinct_beds"] == args.beds
        and check["doubled_bed_nights"] == 0 and check["bed_nights"] == args.beds * 14,
    }
    print(json.dumps(report, indent=2))
    if not report["beds_given_equal_beds"]:
        raise SystemExit("FAILED: the beds given differ from the beds available")


if __name__ == "__main__":
    main()
