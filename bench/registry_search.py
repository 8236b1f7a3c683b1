#!/usr/bin/env python3
"""Headline figure: registry search through the API at full scale, by NIK and by name: median and p99.
Goal (issue #2): p99 under 50 ms.

    .venv/bin/python bench/registry_search.py --database-url sqlite:////path/full.sqlite3 [--requests 2000]

The database must already hold the synthetic regency (bench/synth_full.py --keep PATH makes one). The
script adds the demo logins and a token if missing, starts `smartkampung serve` on 127.0.0.1, and sends
requests from --clients threads, each with its own keep-alive connection.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import COMMAND, env_for, machine, percentile, smartkampung  # noqa: E402

SAMPLE = """
import json, random
from smartkampung.registry.models import Person
from smartkampung.core.models import Area
rng = random.Random(7)
last = Person.objects.order_by('-id').values_list('id', flat=True).first()
ids = [rng.randint(1, last) for _ in range({n})]
people = list(Person.objects.filter(id__in=ids).values_list('nik', 'name', 'village__code'))
print(json.dumps(people))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _queries(people: list, kind: str, rng: random.Random) -> list[dict]:
    out = []
    for nik, name, village in people:
        words = [w for w in name.replace(".", " ").split() if len(w) > 1]
        if kind == "nik":
            out.append({"nik": nik})
        elif kind == "name2" and len(words) >= 2:
            out.append({"q": " ".join(words[:2])})
        elif kind == "name1":
            out.append({"q": rng.choice(words or [name])})
        elif kind == "village_name":
            out.append({"q": (words or [name])[0], "village": village})
    return out


def _run(port: int, token: str, queries: list[dict], clients: int) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    chunks = [queries[i::clients] for i in range(clients)]

    def worker(chunk):
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], 0
        for params in chunk:
            path = "/api/v1/registry/people?" + urllib.parse.urlencode(params)
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            body = response.read()
            mine.append((time.perf_counter() - t0) * 1000)
            if response.status != 200 or not body.startswith(b"["):
                bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("SMARTKAMPUNG_DATABASE_URL"), required="SMARTKAMPUNG_DATABASE_URL" not in os.environ)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sk-bench-search-"))
    env = env_for(args.database_url, tmp / "var")
    smartkampung(env, "demo_users", stdout=subprocess.DEVNULL)
    token = smartkampung(env, "token", "issue", "analis.dinsos", "--name", f"bench {time.time():.0f}", capture_output=True).stdout.strip()
    shell = smartkampung(env, "shell", "-c", SAMPLE.format(n=args.requests * 2), capture_output=True).stdout
    people = json.loads(shell.strip().splitlines()[-1])  # Django 5.2 may print a line about auto-imports first
    rng = random.Random(11)
    port = _free_port()
    server = subprocess.Popen([*COMMAND, "serve", "--port", str(port), "--workers", str(args.workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/api/v1/health")
                break
            except OSError:
                time.sleep(0.3)
        print(f"date: {dt.date.today()}  machine: {machine()}")
        print(f"database: {args.database_url.split('://')[0]}  server: smartkampung serve --workers {args.workers}  clients: {args.clients}")
        _run(port, token, _queries(people[:200], "nik", rng), args.clients)  # warm-up: workers, connections, caches
        for kind, label in (("nik", "by NIK"), ("name2", "by name, 2 words"), ("name1", "by name, 1 word"), ("village_name", "by name within a village")):
            queries = _queries(people, kind, rng)[: args.requests]
            latencies, errors, seconds = _run(port, token, queries, args.clients)
            print(f"{label:<28} n={len(latencies):>5}  median {percentile(latencies, 50):6.1f} ms  p99 {percentile(latencies, 99):6.1f} ms  "
                  f"max {max(latencies):6.1f} ms  {len(latencies) / seconds:7.0f} req/s  errors {errors}")
    finally:
        server.terminate()
        server.wait(timeout=20)
        smartkampung(env, "token", "revoke", token[:10], stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
