"""`smartkampung dedup PATH --out CLUSTERS.csv [--pairs PAIRS.csv] [--id COL]`: duplicates inside one list."""

from pathlib import Path

from smartkampung.core.commands import DomainCommand, bad_input
from smartkampung.linkage import reading
from smartkampung.linkage.dedup import dedup_file


class Command(DomainCommand):
    help = "Find duplicates inside one list (CSV or XLSX, the import's headers): writes record id -> cluster id, and optionally the scored pairs."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--out", required=True, help="CSV of record_id,cluster_id")
        parser.add_argument("--pairs", help="CSV of scored pairs (record_id_l, record_id_r, match_probability, match_weight)")
        parser.add_argument("--id", dest="id_column", help="the record id column (default: the first column)")
        parser.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD")
        parser.add_argument("--threshold", type=float, default=None, help="match probability that joins two records (default 0.95)")
        parser.add_argument("--standard", action="store_true", help="Splink's standard comparisons instead of ours (for comparison)")

    def handle(self, *args, path, out, pairs=None, id_column=None, map, threshold=None, standard=False, **options):  # noqa: A002
        if threshold is not None and not 0 < threshold < 1:
            raise bad_input(f"--threshold must be between 0 and 1 (got {threshold})")
        out_path = Path(out)
        if not out_path.parent.exists():
            raise bad_input(f"--out {out}: the folder {out_path.parent} does not exist")
        kwargs = {"threshold": threshold} if threshold is not None else {}
        result = dedup_file(Path(path), out=out_path, pairs=Path(pairs) if pairs else None, id_column=id_column,
                            overrides=reading.parse_overrides(map), standard=standard, progress=lambda s: self.stderr.write(f"  {s}…"), **kwargs)
        self.stdout.write(f"{result.records:,} records in {result.clusters:,} clusters; {result.records_in_clusters:,} records share a cluster; "
                          f"{result.pairs:,} scored pairs; {result.seconds:.1f} s")
