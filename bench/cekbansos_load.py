#!/usr/bin/env python3
"""Headline figure: the public Cek Bansos check under a regency-wide rush (issue #5). Goal: at least
1,000 checks/s with p99 under 100 ms and no errors, against `smartkampung serve`, at full scale.

    .venv/bin/python bench/cekbansos_load.py --database-url sqlite:////path/full.sqlite3 [--duration 30]

The database must hold the synthetic regency (migrated). The script samples --sample living residents
from it, writes one request per line (a distinct client address per request, sent as X-Forwarded-For
with SMARTKAMPUNG_CLIENT_IP_HEADER set, as behind the regency's reverse proxy; a --wrong share of them
with a wrong birth date), starts `smartkampung serve`, warms it up, and drives it with wrk (Debian's
`wrk` package: C, one event loop per thread, far cheaper per request than the server) through a Lua
script that replays the lines. Server and load generator share the machine's cores: the figures are
for both together. After the run it checks that every answered request left its lookup log row (the
logging and the rate limiting are on the measured path, never switched off).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import COMMAND, env_for, machine  # noqa: E402

SAMPLE = """
import json, random
from smartkampung.registry.models import Person
rng = random.Random({seed})
last = Person.objects.order_by('-id').values_list('id', flat=True).first()
ids = [rng.randint(1, last) for _ in range({n})]
rows = Person.objects.filter(id__in=ids, date_of_death__isnull=True).values_list('nik', 'birth_date')
print(json.dumps([(nik, born.isoformat()) for nik, born in rows]))
"""

COUNT_LOGS = "from smartkampung.cekbansos.models import LookupLog; print(LookupLog.objects.filter(kind='check').count())"

LUA = r"""
-- Replays one request per line of the file given after "--": "<client address>\t<json body>".
local addresses, bodies = {}, {}
local next_index = 0
local counters = {found = 0, not_found = 0, throttled = 0, other = 0}

setup_threads = {}
function setup(thread)
  table.insert(setup_threads, thread)
  thread:set("offset", #setup_threads)
end

function init(args)
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    addresses[#addresses + 1] = line:sub(1, tab - 1)
    bodies[#bodies + 1] = line:sub(tab + 1)
  end
  -- threads start at different places of the file
  next_index = math.floor(#bodies * (offset - 1) / 8)
end

function request()
  next_index = next_index % #bodies + 1
  return wrk.format("POST", "/api/v1/cekbansos/check",
    {["Content-Type"] = "application/json", ["X-Forwarded-For"] = addresses[next_index]}, bodies[next_index])
end

function response(status, headers, body)
  if status == 200 then
    if body:find('"found": true', 1, true) then counters.found = counters.found + 1
    else counters.not_found = counters.not_found + 1 end
  elseif status == 429 then counters.throttled = counters.throttled + 1
  else counters.other = counters.other + 1 end
  found, not_found, throttled, other = counters.found, counters.not_found, counters.throttled, counters.other
end

function done(summary, latency, requests)
  local totals = {found = 0, not_found = 0, throttled = 0, other = 0}
  for _, thread in ipairs(setup_threads) do
    for key, _ in pairs(totals) do totals[key] = totals[key] + (thread:get(key) or 0) end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, ' ..
    '"found": %d, "not_found": %d, "throttled": %d, "other_status": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, e.connect, e.read, e.write, e.status, e.timeout, totals.found, totals.not_found, totals.throttled, totals.other))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _shell(env: dict, code: str) -> str:
    return subprocess.run([*COMMAND, "shell", "-c", code], env=env, check=True, text=True, capture_output=True).stdout


def _wait_healthy(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit(f"smartkampung serve did not start:\n{server.stdout.read() if server.stdout else ''}") from None
            time.sleep(0.5)


def _cpu_seconds(parent: int) -> float:
    """User + system CPU of `parent` and its direct children (the server's main process and its workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == parent or ppid == parent:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _wrk(args, port: int, lua: Path, requests_file: Path, seconds: int) -> dict:
    command = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(lua),
               f"http://127.0.0.1:{port}", "--", str(requests_file)]
    out = subprocess.run(command, check=True, text=True, capture_output=True).stdout
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--duration", type=int, default=30, help="seconds measured (after --warmup)")
    parser.add_argument("--warmup", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32, help="concurrent clients (wrk connections)")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (`serve --workers`)")
    parser.add_argument("--server-threads", type=int, default=1, help="Python threads per worker (`serve --threads`)")
    parser.add_argument("--sample", type=int, default=60000, help="residents drawn from the database")
    parser.add_argument("--wrong", type=float, default=0.05, help="share of requests with a wrong birth date")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")

    tmp = Path(tempfile.mkdtemp(prefix="cekbansos-load-"))
    env = {**env_for(args.database_url, tmp / "var"), "SMARTKAMPUNG_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
           "SMARTKAMPUNG_SECRET_KEY": secrets.token_urlsafe(40), "SMARTKAMPUNG_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    pairs = json.loads(_shell(env, SAMPLE.format(seed=args.seed, n=args.sample)).strip().splitlines()[-1])
    rng = random.Random(args.seed)
    requests_file = tmp / "requests.tsv"
    wrong = 0
    with requests_file.open("w") as f:
        for i, (nik, born) in enumerate(pairs):
            if rng.random() < args.wrong:
                born = (dt.date.fromisoformat(born) + dt.timedelta(days=1)).isoformat()
                wrong += 1
            # A distinct client per request: 10.x.y.z from the line number (60,000 lines < 2^24).
            address = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
            f.write(f"{address}\t{json.dumps({'nik': nik, 'birth_date': born})}\n")
    lua = tmp / "check.lua"
    lua.write_text(LUA)

    port = _free_port()
    server = subprocess.Popen([*COMMAND, "serve", "--port", str(port), "--workers", str(args.workers), "--threads", str(args.server_threads)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", server)
        _wrk(args, port, lua, requests_file, args.warmup)
        load_before = os.getloadavg()[0]
        logs_before = int(_shell(env, COUNT_LOGS).split()[-1])
        server_cpu = _cpu_seconds(server.pid)
        client_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = _wrk(args, port, lua, requests_file, args.duration)
        server_cpu = _cpu_seconds(server.pid) - server_cpu
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        wrk_cpu = (after.ru_utime - client_cpu.ru_utime) + (after.ru_stime - client_cpu.ru_stime)
        time.sleep(1)
        load_after = os.getloadavg()[0]
        logs_after = int(_shell(env, COUNT_LOGS).split()[-1])
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    seconds = result["duration_us"] / 1e6
    errors = (result["connect_errors"] + result["read_errors"] + result["write_errors"] + result["status_errors"]
              + result["timeouts"] + result["other_status"])
    report = {
        "date": dt.date.today().isoformat(), "machine": machine(), "database": args.database_url.split(":", 1)[0],
        "workers": args.workers, "server_threads": args.server_threads, "connections": args.connections, "wrk_threads": args.wrk_threads,
        "distinct_clients": len(pairs), "wrong_birth_date_share": round(wrong / max(1, len(pairs)), 3),
        "requests": result["requests"], "seconds": round(seconds, 1), "checks_per_second": round(result["requests"] / seconds),
        "median_ms": round(result["p50_us"] / 1000, 1), "p90_ms": round(result["p90_us"] / 1000, 1), "p99_ms": round(result["p99_us"] / 1000, 1),
        "max_ms": round(result["max_us"] / 1000, 1), "found": result["found"], "not_found": result["not_found"],
        "throttled": result["throttled"], "errors": errors, "lookup_logs_written": logs_after - logs_before,
        # CPU per check, which the other work on the machine does not inflate much: what the server and
        # the load generator each spent, divided by the checks answered.
        "server_cpu_ms_per_check": round(server_cpu * 1000 / max(1, result["requests"]), 2),
        "wrk_cpu_ms_per_check": round(wrk_cpu * 1000 / max(1, result["requests"]), 3),
        # The machine is shared: its 1-minute load average around the measured run says how much.
        "load_average_before_after": [round(load_before, 1), round(load_after, 1)],
    }
    report["goal_met"] = report["checks_per_second"] >= 1000 and report["p99_ms"] < 100 and errors == 0
    print(json.dumps(report, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
