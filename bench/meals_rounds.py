"""Rantang Kasih rounds benchmark (issue #7): every provider's daily round as the app plans it (VROOM,
exploration level 5, one thread), against the better of VROOM level 5 and OR-Tools guided local search
run for --reference-seconds per provider.

    .venv/bin/python bench/meals_rounds.py [--providers 109] [--stops 30] [--reference-seconds 30] [--workers 2] [--sample N] [--levels 5,4,3]

Each provider sits near a real village centre (the bundled area table) with --stops recipients around it
(~1.2 km spread); leaves at 09:30, every meal before 12:00, back by 13:00, 40 rantang on the motorbike,
2 minutes per stop, 25 km/h. A plan always lists every stop; stops that cannot be served before the
deadline are counted as late. Plans are compared first by late stops, then by distance.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from smartkampung.meals.routing import EXPLORATION_LEVEL, RoundSpec, plan_ortools, plan_vroom

AREAS = Path(__file__).resolve().parents[1] / "src/smartkampung/core/data/banyuwangi_areas.csv"
START, DEADLINE, RETURN_BY, LOAD = 9 * 3600 + 1800, 12 * 3600, 13 * 3600, 40


def specs(providers: int, stops: int, seed: int) -> list[RoundSpec]:
    with AREAS.open() as f:
        centres = np.array([(float(r["latitude"]), float(r["longitude"])) for r in csv.DictReader(f) if r["kind"] in ("desa", "kelurahan")])
    rng = np.random.default_rng(seed)
    at = rng.choice(len(centres), size=providers, replace=providers > len(centres))
    out = []
    for i in at:
        lat, lon = centres[i] + rng.normal(0, 0.003, 2)
        out.append(RoundSpec(lat, lon, lat + rng.normal(0, 0.011, stops), lon + rng.normal(0, 0.011, stops), START, DEADLINE, RETURN_BY, LOAD))
    return out


def reference(args) -> tuple[int, int, float]:
    spec, seconds = args
    started = time.perf_counter()
    plan = plan_ortools(spec, seconds_limit=seconds)
    return len(plan.late), plan.distance_m, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=109)
    parser.add_argument("--stops", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reference-seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=0, help="compare only the first N providers with the reference (0 = all)")
    parser.add_argument("--levels", default=str(EXPLORATION_LEVEL), help="VROOM exploration levels to time and compare, e.g. 5,4,3")
    args = parser.parse_args()
    rounds = specs(args.providers, args.stops, args.seed)
    compared = rounds[: args.sample] if args.sample else rounds
    ours_by_level = {}
    for level in (int(x) for x in args.levels.split(",")):
        started = time.perf_counter()
        plans = [plan_vroom(spec, exploration_level=level) for spec in rounds]  # what rounds_plan runs (two VROOM threads)
        ours_by_level[level] = (plans, time.perf_counter() - started)
    vroom5 = ours_by_level[5][0] if 5 in ours_by_level else [plan_vroom(spec, exploration_level=5) for spec in compared]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        refs = list(pool.map(reference, [(spec, args.reference_seconds) for spec in compared]))
    # The reference of each round: the better (fewer late stops, then shorter) of VROOM level 5 and OR-Tools.
    best = [min((len(v.late), v.distance_m), (r[0], r[1])) for v, r in zip(vroom5, refs, strict=False)]
    for level, (plans, seconds) in ours_by_level.items():
        mine = [(len(p.late), p.distance_m) for p in plans[: len(compared)]]
        same_late = [(m, b) for m, b in zip(mine, best, strict=True) if m[0] == b[0]]
        print(json.dumps({
            "level": level, "providers": args.providers, "stops_each": args.stops, "stops": sum(len(s.stop_lat) for s in rounds),
            "seconds_all_providers": round(seconds, 2), "compared": len(compared), "reference_seconds_each": args.reference_seconds,
            "late_ours": sum(m[0] for m in mine), "late_best": sum(b[0] for b in best), "late_ortools": sum(r[0] for r in refs),
            "ours_km": round(sum(m[1] for m in mine) / 1000, 2), "best_km": round(sum(b[1] for b in best) / 1000, 2),
            "ratio": round(sum(m[1] for m in mine) / sum(b[1] for b in best), 5),
            "rounds_equal_to_best": sum(1 for m, b in zip(mine, best, strict=True) if m == b),
            "rounds_more_late_than_best": sum(1 for m, b in zip(mine, best, strict=True) if m[0] > b[0]),
            "worst_single_ratio": round(max((m[1] / b[1] for m, b in same_late), default=1.0), 4),
            "ortools_better_than_vroom5": sum(1 for v, r in zip(vroom5, refs, strict=False) if (r[0], r[1]) < (len(v.late), v.distance_m)),
        }), flush=True)


if __name__ == "__main__":
    main()
