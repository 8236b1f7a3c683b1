"""A full targeting run and rule previews at Banyuwangi scale (issue #3).

Goals: a run over the whole registry and every programme in under 60 s and under 1 GB; a rule preview
(eligible per kecamatan for an unsaved rule) in under 2 s.

    python bench/targeting_full.py --database-url sqlite:////path/full.sqlite3     # a synthesised regency
    python bench/targeting_full.py --database-url postgres://...                   # the same on PostgreSQL
    python bench/targeting_full.py --people 100000                                 # builds a temp SQLite first

The run is the `smartkampung target --json` process (wall time and its peak RSS); the previews run in a
second process after it (the preview reads the facts snapshot the run refreshed), each rule timed over
several repetitions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import COMMAND, env_for, machine, percentile, smartkampung  # noqa: E402

PREVIEW_RULES = {
    "RANTANG_KASIH": "age >= 60 and lives_alone and desil <= 2",
    "PKH": 'desil <= 3 and (pregnant or household_size >= 5) and not receives("BPNT")',
    "PBI_JKN": "desil <= 4 or disability",
    "RTLH": 'desil <= 4 and house_condition in ["tidak_layak", "kurang_layak"]',
}
PREVIEW_SCRIPT = """
import json, sys, time
import django
django.setup()
from smartkampung.programmes.models import Programme
from smartkampung.programmes.selectors import rule_preview
rules, repeats, as_of = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
import datetime as dt
out = {}
for code, text in rules.items():
    programme = Programme.objects.get(code=code)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        preview = rule_preview(programme=programme, text=text, as_of=dt.date.fromisoformat(as_of))
        times.append(time.perf_counter() - t)
    out[code] = {"rule": text, "total": preview.total, "seconds": times}
print(json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("SMARTKAMPUNG_DATABASE_URL"),
                        help="a database that `synth` filled (default: build a temp SQLite with --people)")
    parser.add_argument("--people", default="100000", help="when building a temp database")
    parser.add_argument("--as-of", default="2026-01-01", help="the date the synthetic enrolments were planted for")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sk-bench-target-"))
    url = args.database_url or f"sqlite:///{tmp / 'target.sqlite3'}"
    env = {**env_for(url, tmp / "var"), "DJANGO_SETTINGS_MODULE": "smartkampung.settings"}
    if not args.database_url:
        smartkampung(env, "migrate", "-v0")
        smartkampung(env, "load_areas", stdout=subprocess.DEVNULL)
        smartkampung(env, "synth", "--people", args.people, "--seed", "1", "--no-progress", stdout=subprocess.DEVNULL)

    started = time.monotonic()
    result = subprocess.run([*COMMAND, "target", "--as-of", args.as_of, "--json"], env=env, text=True, capture_output=True)
    wall = time.monotonic() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if result.returncode != 0:
        sys.exit(result.stderr)
    run = json.loads(result.stdout)
    preview = subprocess.run([sys.executable, "-c", PREVIEW_SCRIPT, json.dumps(PREVIEW_RULES), str(args.repeats), args.as_of],
                             env=env, text=True, capture_output=True)
    if preview.returncode != 0:
        sys.exit(preview.stderr)
    previews = json.loads(preview.stdout)

    print(f"date: {dt.date.today()}  machine: {machine()}")
    print(f"database: {url.split('://')[0]}")
    print(f"targeting run {run['run']}: wall {wall:.1f} s (run itself {run['seconds']:.1f} s), peak RSS {peak_mib:.0f} MiB, "
          f"{len(run['programmes'])} programmes")
    for code, r in run["programmes"].items():
        errors = r["not_eligible"] + r["deceased"] + r["duplicate"] + r["unknown_nik"]
        print(f"  {code:<14} eligible {r['eligible']:>9,}  recipients {r['recipients']:>8,}  exclusion {r['exclusion']:>8,}  inclusion errors {errors:>7,}")
    for code, p in previews.items():
        times = p["seconds"]
        print(f"preview {code:<14} eligible {p['total']:>9,}  median {percentile(times, 50):.3f} s  max {max(times):.3f} s  ({len(times)} runs: {p['rule']})")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
