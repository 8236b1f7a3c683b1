"""Where the dedup model's errors are, by the levels a pair reached, and how many a perfect decision could avoid.

    .venv/bin/python bench/linkage_dedup_levels.py [--records 1000000] [--seed 7] [--top 25]

Runs the same train / predict / cluster as `smartkampung dedup` on the list bench/linkage_dedup.py wrote
(/work/bench-data/linkage/list_<records>_s<seed>.csv and its truth), then groups every scored pair
(probability >= 0.05) by its pattern: the weight of the level each comparison reached (name, birth date,
sex, NIK, KK, KK present, village, address), which names the level. Per pattern: pairs, true pairs, the
mean probability, the pairs the 0.95 threshold gets wrong (false above, true below) and the fewest errors
any decision on that pattern alone could make (all in or all out: min(true, false)); "excess" is the
difference. The sum of those minima is a floor for a model with these levels: pairwise errors below it
need evidence the levels do not carry (the name's frequency, a finer level, another field), not better
weights. Pair-level counts: the F1 of bench/linkage_dedup.py counts pairs of clusters, which differ a little.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine  # noqa: E402
from linkage_dedup import _read, _setup_django, list_paths  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=Path("/work/bench-data/linkage"))
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    _setup_django()
    list_path, truth_path = list_paths(args.dir, args.records, args.seed)
    if not list_path.exists():
        raise SystemExit(f"{list_path}: run bench/linkage_dedup.py --records {args.records} first (it writes the list)")
    import numpy as np
    import pandas as pd

    from smartkampung.linkage import dedup, matching
    from smartkampung.linkage.evaluation import pairwise_scores

    print(f"machine: {machine()}\ndate: {dt.date.today()}", flush=True)
    started = time.monotonic()
    model = matching.Model([dedup.read_frame(list_path)], link_type="dedupe_only")
    try:
        model.train()
        predictions = model.predict_table(0.05)
        table = predictions.physical_name
        clusters = dedup._cluster(model.connection, predictions=table, records=model.table_names[0], threshold=matching.CLUSTER_AT)
        assigned = dict(model.connection.execute(f"SELECT unique_id, cluster_id FROM {clusters}").fetchall())
        columns = [c[0] for c in model.connection.execute(f"SELECT * FROM {table} LIMIT 0").description]
        weights = [c for c in columns if c.startswith("mw_") and not c.startswith("mw_tf")]
        pairs = model.connection.execute(f"SELECT unique_id_l, unique_id_r, match_probability, {', '.join(weights)} FROM {table}").df()
        labels = model._level_weights()
    finally:
        model.close()
    truth = _read(truth_path, "id", "entity")
    print(f"model run in {time.monotonic() - started:.1f} s; clusters: {pairwise_scores(assigned, truth)}", flush=True)

    entity = pd.Series(truth)
    pairs["true"] = entity.loc[pairs.unique_id_l].to_numpy() == entity.loc[pairs.unique_id_r].to_numpy()
    pairs["pattern"] = pairs[weights].round(1).astype(str).agg(" ".join, axis=1)
    pairs["fp"] = (pairs.match_probability >= matching.CLUSTER_AT) & ~pairs["true"]
    pairs["fn"] = (pairs.match_probability < matching.CLUSTER_AT) & pairs["true"]
    cells = pairs.groupby("pattern").agg(pairs=("true", "size"), true=("true", "sum"), mean_p=("match_probability", "mean"),
                                         false_in=("fp", "sum"), true_out=("fn", "sum"))
    cells["floor"] = np.minimum(cells["true"], cells["pairs"] - cells["true"])
    cells["excess"] = cells.false_in + cells.true_out - cells["floor"]
    print("\nlevels (weight -> label), per comparison:")
    for column, levels in labels.items():
        print(f"  {column}: " + "; ".join(f"{w:.1f} {label}" for label, w in levels))
    print(f"\npattern columns: {' '.join(w[3:] for w in weights)}")
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(cells.sort_values("excess", ascending=False).head(args.top).round(3).to_string())
    unscored = sum(n * (n - 1) // 2 for n in entity.value_counts()) - int(pairs["true"].sum())
    print(f"\nscored pairs: {len(pairs):,}; errors at {matching.CLUSTER_AT}: {int(cells.false_in.sum()):,} false in, "
          f"{int(cells.true_out.sum()):,} true out; floor with these levels: {int(cells['floor'].sum()):,} "
          f"(+ {unscored:,} true pairs scored under 0.05 or never compared)")


if __name__ == "__main__":
    main()
