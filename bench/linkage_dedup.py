"""Benchmark: `smartkampung dedup` on an Indonesian-style synthetic list with known duplicates.

    .venv/bin/python bench/linkage_dedup.py --records 100000 1000000 [--seed 7] [--dir /work/bench-data/linkage]

For each size: writes the list (linkage/synthetic.py: households from the synthetic Banyuwangi, duplicates
with name variants, NIK typos and gaps, KK numbers typed as NIKs, day/month swaps, moved addresses, birth places
left out, mistyped or written at another level) and its
ground truth; runs, one after another on the same file,
  1. `smartkampung dedup` (our model),
  2. `smartkampung dedup --standard` (Splink's standard comparisons on the same blocking and training),
  3. exact-NIK matching (records with the same 16-digit NIK are one person);
and prints pairwise precision, recall and F1, wall time and peak memory (max RSS of the child process), plus
the pair completeness of our blocking rules (the ceiling on recall). `--write-priors` also refreshes
linkage/priors.py from the 100k run's trained m values.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import COMMAND, machine  # noqa: E402


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
    import django

    django.setup()


def _run(args: list[str]) -> tuple[float, float]:
    """Run a command; returns (wall seconds, peak RSS of that child in MiB, from wait4's own rusage)."""
    started = time.monotonic()
    process = subprocess.Popen(args, env={**os.environ, "PYTHONWARNINGS": "ignore"}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    stderr = process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{stderr[-3000:]}")
    return wall, usage.ru_maxrss / 1024


def list_paths(folder: Path, size: int, seed: int) -> tuple[Path, Path]:
    """Where the list of this size and seed and its truth are kept, by the generator's version (version 1's
    lists kept their first names)."""
    from smartkampung.linkage.synthetic import LIST_VERSION

    stem = f"{size}_s{seed}" + (f"_v{LIST_VERSION}" if LIST_VERSION > 1 else "")
    return folder / f"list_{stem}.csv", folder / f"truth_{stem}.csv"


def _read(path: Path, key: str, value: str) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {r[key]: r[value] for r in csv.DictReader(fh)}


def pair_completeness(list_path: Path, truth: dict[str, str]) -> dict[str, float]:
    """Share of true duplicate pairs that at least one blocking rule puts side by side (per rule, and all)."""
    import itertools

    import pandas as pd

    from smartkampung.linkage import dedup, matching

    frame = dedup.read_frame(list_path).set_index("unique_id")
    groups: dict[str, list[str]] = {}
    for record_id, entity in truth.items():
        groups.setdefault(entity, []).append(record_id)
    pairs = [(a, b) for ids in groups.values() if len(ids) > 1 for a, b in itertools.combinations(ids, 2)]
    left, right = frame.loc[[a for a, _ in pairs]].reset_index(drop=True), frame.loc[[b for _, b in pairs]].reset_index(drop=True)

    def same(column: str) -> pd.Series:
        return (left[column] == right[column]) & left[column].notna()

    rules = {
        "nik": same("nik"), "nik12": same("nik12"), "birth_date+given": same("birth_date") & same("given"),
        "birth_date+village": same("birth_date") & same("village"), "name+birth_year": same("match_name") & same("birth_year"),
        "name+village": same("match_name") & same("village"), "dob_key+village": same("dob_key") & same("village"),
        "birth_date+initial": same("birth_date") & ((left["match_name"].str[:1] == right["match_name"].str[:1]) & left["match_name"].notna()),
        "kk+sex": same("kk") & same("sex"),
        "kk-in-nik+given": (((left["nik"] == right["kk"]) | (left["kk"] == right["nik"])) & same("given")).fillna(False),
    }
    out = {name: round(float(hit.mean()), 4) for name, hit in rules.items()}
    out["all rules"] = round(float(pd.concat(rules.values(), axis=1).any(axis=1).mean()), 4)
    out["true pairs"] = len(pairs)
    del matching
    return out


def bench(size: int, *, seed: int, folder: Path, write_priors: bool, methods: tuple[str, ...] = ("ours", "splink standard")) -> dict:
    from smartkampung.linkage.evaluation import exact_nik_clusters, pairwise_scores
    from smartkampung.linkage.synthetic import write_list

    folder.mkdir(parents=True, exist_ok=True)
    list_path, truth_path = list_paths(folder, size, seed)
    started = time.monotonic()
    rows = write_list(list_path, records=size, seed=seed, truth_path=truth_path) if not list_path.exists() else sum(1 for _ in truth_path.open()) - 1
    generated = time.monotonic() - started
    truth = _read(truth_path, "id", "entity")
    result = {"size": size, "rows": rows, "generate_s": round(generated, 1), "runs": {}}
    for label, extra in (("ours", []), ("splink standard", ["--standard"])):
        if label not in methods:
            continue
        out, pairs = folder / f"clusters_{size}_{label.replace(' ', '_')}.csv", folder / f"pairs_{size}_{label.replace(' ', '_')}.csv"
        wall, peak = _run([*COMMAND, "dedup", str(list_path), "--out", str(out), "--pairs", str(pairs), *extra])
        scores = pairwise_scores(_read(out, "record_id", "cluster_id"), truth)
        result["runs"][label] = {"wall_s": round(wall, 1), "peak_mib": round(peak), **vars(scores)}
        print(label, result["runs"][label], flush=True)
    started = time.monotonic()
    niks = _read(list_path, "id", "nik")
    scores = pairwise_scores(exact_nik_clusters(niks), truth)
    result["runs"]["exact NIK"] = {"wall_s": round(time.monotonic() - started, 1), "peak_mib": None, **vars(scores)}
    print("exact NIK", result["runs"]["exact NIK"], flush=True)
    result["pair_completeness"] = pair_completeness(list_path, truth)
    print("pair completeness", result["pair_completeness"], flush=True)
    if write_priors and size == 100_000:
        _write_priors(list_path)
    return result


def _write_priors(list_path: Path) -> None:
    from smartkampung.linkage import dedup, matching

    model = matching.Model([dedup.read_frame(list_path)], link_type="dedupe_only")
    model.train()
    lines = [
        '"""Prior m probabilities of each comparison level, for lists too small to train on (EM needs many pairs).',
        "",
        "Learnt by EM on the synthetic 100,000-record benchmark list (bench/linkage_dedup.py, seed 7) and",
        "written by `python bench/linkage_dedup.py --write-priors`; u is always measured on the data at hand.",
        '"""',
        "",
        "M_PROBABILITIES: dict[tuple[str, str], float] = {",
        *(f"    {key!r}: {value}," for key, value in model.m_probabilities().items()),
        "}",
        "",
    ]
    model.close()
    Path(__file__).resolve().parent.parent.joinpath("src/smartkampung/linkage/priors.py").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=Path("/work/bench-data/linkage"))
    parser.add_argument("--write-priors", action="store_true")
    parser.add_argument("--skip-standard", action="store_true", help="run only our model and exact NIK")
    args = parser.parse_args()
    _setup_django()
    print(f"machine: {machine()}\ndate: {dt.date.today()}", flush=True)
    for size in args.records:
        print(f"\n== {size:,} records", flush=True)
        methods = ("ours",) if args.skip_standard else ("ours", "splink standard")
        result = bench(size, seed=args.seed, folder=args.dir, write_priors=args.write_priors, methods=methods)
        print(f"rows {result['rows']:,} generated in {result['generate_s']} s", flush=True)
        print("| method | precision | recall | F1 | wall | peak memory |\n|---|---|---|---|---|---|")
        for label, r in result["runs"].items():
            peak = f"{r['peak_mib']:,} MiB" if r["peak_mib"] else "—"
            print(f"| {label} | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | {r['wall_s']} s | {peak} |", flush=True)


if __name__ == "__main__":
    main()
