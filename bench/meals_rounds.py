"""Rantang Kasih rounds benchmark (issue #7): every provider's daily round as the app plans it (VROOM,
exploration level 5, one thread), against the better of VROOM level 5 and OR-Tools guided local search
run for --reference-seconds per provider.

    .venv/bin/python bench/meals_rounds.py [--providers 109] [--stops 30] [--reference-seconds 30] [--workers 2] [--sample N]

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

from smartkampung.meals.routing import RoundSpec, plan_ortools, plan_vroom

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
    args = parser.parse_args()
    rounds = specs(args.providers, args.stops, args.seed)
    started = time.perf_counter()
    ours = [plan_vroom(spec) for spec in rounds]  # exactly what rounds_plan runs (level 5, two threads)
    ours_seconds = time.perf_counter() - started
    compared = rounds[: args.sample] if args.sample else rounds
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        refs = list(pool.map(reference, [(spec, args.reference_seconds) for spec in compared]))
    better = worse = ties = 0
    ours_m = best_m = 0
    worst = 1.0
    for plan, (ref_late, ref_m, _s) in zip(ours, refs, strict=False):
        mine = (len(plan.late), plan.distance_m)
        best = min(mine, (ref_late, ref_m))
        ours_m += plan.distance_m
        best_m += best[1]
        if mine == best and mine != (ref_late, ref_m):
            better += 1
        elif mine == (ref_late, ref_m):
            ties += 1
        else:
            worse += 1
            if mine[0] == best[0]:
                worst = max(worst, plan.distance_m / best[1])
    print(json.dumps({
        "providers": args.providers, "stops_each": args.stops, "stops": sum(len(s.stop_lat) for s in rounds),
        "late_ours": sum(len(p.late) for p in ours), "late_reference": sum(r[0] for r in refs),
        "ours_seconds_all_providers": round(ours_seconds, 2), "compared": len(compared), "reference_seconds_each": args.reference_seconds,
        "ours_km": round(ours_m / 1000, 2), "better_of_km": round(best_m / 1000, 2), "ratio": round(ours_m / best_m, 5) if best_m else None,
        "ours_better": better, "ties": ties, "reference_better": worse, "worst_single_ratio": round(worst, 4),
    }), flush=True)


if __name__ == "__main__":
    main()
