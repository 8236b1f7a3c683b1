"""Benchmark: import and link an agency list against the full registry.

    .venv/bin/python bench/linkage_import.py --rows 100000 [--db /work/bench-data/linkage.sqlite3] [--seed 5] [--warm]
    .venv/bin/python bench/linkage_import.py --rows 1000000 --warm --database-url postgres://postgres@127.0.0.1:55432/full

Copies the full-scale database (/work/bench-data/full.sqlite3, 1,791,789 people) to --db once, migrates
it, draws a list of --rows residents from the registry with agency errors (linkage/synthetic.py:
registry_list: ~25% corrupted rows, ~4% people the registry does not know, ~2% broken rows), then times
`smartkampung import` and `smartkampung link --run-id N --no-registry` as separate processes (wall time
and peak RSS of each), and checks every accepted link against the truth. `--warm` first brings the stored
registry features up to date in a separate, timed process (what the previous link run or the nightly
task leaves behind), so the link figure is a steady-state run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import COMMAND, machine  # noqa: E402

FULL = Path("/work/bench-data/full.sqlite3")


# Linux keeps a process's peak RSS across fork and exec, so a command started straight from this process
# (which holds the list and its truth) would report this process's size. A small wrapper starts it and
# reports the largest of its descendants (the command, or one of its staging workers).
_WRAP = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
         "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(code)")


def _run(args: list[str], env: dict, log: Path | None = None) -> tuple[float, float, str]:
    import tempfile

    started = time.monotonic()
    err = log.open("w") if log else subprocess.DEVNULL
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        process = subprocess.run([sys.executable, "-c", _WRAP, peak.name, *args], env=env, stdout=subprocess.PIPE, stderr=err, text=True)
        kib = float(peak.read() or 0)
    out = process.stdout
    if log:
        err.close()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{out[-3000:]}")
    return time.monotonic() - started, kib / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/work/bench-data/linkage.sqlite3"))
    parser.add_argument("--database-url", help="run against this database instead (e.g. the PostgreSQL full-scale copy); --db is then unused")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--programme", default="PBI_JKN")
    parser.add_argument("--warm", action="store_true",
                        help="bring the stored registry features up to date first (timed apart), as a previous run or the nightly task would")
    args = parser.parse_args()
    if not args.database_url and not args.db.exists():
        shutil.copyfile(FULL, args.db)
    url = args.database_url or f"sqlite:///{args.db}"
    env = {**os.environ, "SMARTKAMPUNG_DATABASE_URL": url, "SMARTKAMPUNG_VAR_DIR": str(args.db.parent / "linkage-var"), "PYTHONWARNINGS": "ignore"}
    subprocess.run([*COMMAND, "migrate", "-v0"], env=env, check=True)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
    import django

    django.setup()
    from smartkampung.linkage.models import ImportBatch, StagedRow
    from smartkampung.linkage.synthetic import registry_list, registry_sample, write_rows

    print(f"machine: {machine()}\ndate: {dt.date.today()}\ndatabase: {args.database_url or f'{args.db} (SQLite)'}", flush=True)
    started = time.monotonic()
    people = registry_sample(rows=args.rows, seed=args.seed)
    pairs = list(registry_list(people, seed=args.seed))
    folder = args.db.parent / "linkage"
    folder.mkdir(exist_ok=True)
    path = folder / f"agency_{args.rows}_s{args.seed}_{int(time.time())}.csv"
    write_rows(path, (row for row, _ in pairs))
    truth_path = path.with_suffix(".truth.csv")
    with truth_path.open("w", newline="") as fh:
        csv.writer(fh).writerows([(i + 1, t or "") for i, (_r, t) in enumerate(pairs)])
    print(f"list of {len(pairs):,} rows written in {time.monotonic() - started:.1f} s: {path}", flush=True)
    if args.warm:
        # In its own process: a child's peak RSS counts the parent's memory it was forked from.
        prime = ("import django; django.setup(); from smartkampung.linkage import linking; "
                 "print(f'{len(linking.registry_table()):,} residents')")
        wall, peak, out = _run([sys.executable, "-c", prime], {**env, "DJANGO_SETTINGS_MODULE": "smartkampung.settings"})
        print(f"registry features brought up to date ({out.strip()}): {wall:.1f} s, peak {peak:,.0f} MiB", flush=True)

    wall, peak, out = _run([*COMMAND, "import", str(path), "--programme", args.programme, "--no-progress"], env)
    print(f"import: {wall:.1f} s, peak {peak:,.0f} MiB — {out.strip()}", flush=True)
    batch = ImportBatch.objects.get(file_name=path.name)
    wall_link, peak_link, out = _run([*COMMAND, "link", "--run-id", str(batch.pk), "--no-registry"], env, path.with_suffix(".link.log"))
    print(f"link: {wall_link:.1f} s, peak {peak_link:,.0f} MiB\n{out.strip()}", flush=True)
    steps = [line.strip() for line in path.with_suffix(".link.log").read_text().splitlines() if line.strip().startswith("batch ")]
    print("link steps (elapsed at the start of each):\n  " + "\n  ".join(steps), flush=True)
    truth = {i + 1: t for i, (_r, t) in enumerate(pairs)}
    linked = StagedRow.objects.filter(batch=batch, link_status__in=("exact", "matched")).values_list("row_number", "person_id")
    right = wrong = 0
    for number, person in linked.iterator():
        if truth[number] == person:
            right += 1
        else:
            wrong += 1
    known = sum(1 for t in truth.values() if t)
    print(f"accepted links: {right + wrong:,} ({wrong:,} wrong, precision {right / max(1, right + wrong):.4f}); "
          f"residents in the list: {known:,}, linked right {right / max(1, known):.4f}", flush=True)
    print(f"import + link: {wall + wall_link:.1f} s", flush=True)


if __name__ == "__main__":
    main()
