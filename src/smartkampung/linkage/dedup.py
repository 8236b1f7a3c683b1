"""Duplicates inside one list on its own (`smartkampung dedup`): no database, the same model as linking.

The first column (or `--id COL`) is the record id. Output: every record id with a cluster id (records in
one cluster are one person; a record alone is its own cluster), and optionally the scored pairs with
their match probability.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from smartkampung.core.bulk import paused_gc
from smartkampung.core.errors import DomainError

from . import clustering, matching, reading
from .cleaning import parse_date, parse_sex, village_key

PAIRS_AT = 0.5  # scored pairs written to --pairs from this probability up


@dataclass(frozen=True)
class DedupResult:
    records: int
    clusters: int
    records_in_clusters: int  # records that share their cluster with at least one other
    pairs: int
    seconds: float


@paused_gc()
def read_frame(path: Path, *, id_column: str | None = None, overrides: dict[str, str] | None = None, today: dt.date | None = None):
    """The list as the model's columns (matching.prepare_columns), read column by column: each date, sex and
    place is parsed once per distinct spelling, not once per row. Blank rows are skipped; an empty or repeated
    record id stops the run with its row number."""
    if not path.exists():
        raise DomainError("invalid", f"{path}: no such file.", field="path")
    today = today or dt.date.today()
    header, _total, rows = reading.open_rows(path, reading.file_format(path), count=False)
    mapping = reading.column_map(header, overrides or {})
    if id_column:
        keys = [h.strip() for h in header]
        if id_column not in keys:
            raise DomainError("invalid", f"--id {id_column}: the file has no column {id_column!r}.", field="id")
        id_index = keys.index(id_column)
    else:
        id_index = 0
    cell = reading.cell
    kept, numbers = [], []
    for number, row in enumerate(rows, start=2):
        row = [cell(v) for v in row]
        if any(row):
            kept.append(row)
            numbers.append(number)

    def column(index: int | None) -> list[str]:
        return [""] * len(kept) if index is None else [r[index] if index < len(r) else "" for r in kept]

    ids = column(id_index)
    if len(set(ids)) < len(ids) or "" in ids:
        seen: set[str] = set()
        for number, record_id in zip(numbers, ids, strict=True):
            if not record_id:
                raise DomainError("invalid", f"Row {number}: the record id ({header[id_index]}) is empty.", field="id")
            if record_id in seen:
                raise DomainError("invalid", f"Row {number}: record id {record_id!r} appears twice; ids must be unique (--id COL).", field="id")
            seen.add(record_id)
    field = {name: column(mapping.get(name)) for name in ("name", "birth_date", "sex", "nik", "kk_number", "village", "kecamatan", "address",
                                                          "dusun", "rt", "rw", "birth_place")}
    kept.clear()  # the columns hold the cells now

    def parsed(values: list[str], parse) -> list:
        once: dict[str, object] = {}
        return [once[v] if v in once else once.setdefault(v, parse(v)) for v in values]

    villages = parsed(field["village"], village_key)
    kecamatans = parsed(field["kecamatan"], village_key)
    return matching.prepare_columns(
        unique_id=ids, name=field["name"], birth_date=parsed(field["birth_date"], lambda v: parse_date(v, today=today)[0]),
        sex=parsed(field["sex"], lambda v: parse_sex(v)[0]), nik=["".join(v.split()) for v in field["nik"]],
        kk=["".join(v.split()) for v in field["kk_number"]],
        village=[f"{k}|{v}" if v else "" for v, k in zip(villages, kecamatans, strict=True)], kecamatan=kecamatans,
        address=[" ".join(p) for p in zip(field["address"], field["dusun"], strict=True)], rt=field["rt"], rw=field["rw"],
        birth_place=field["birth_place"],
    )


def dedup_file(
    path: Path, *, out: Path, pairs: Path | None = None, id_column: str | None = None, overrides: dict[str, str] | None = None,
    standard: bool = False, threshold: float = matching.CLUSTER_AT, progress: Callable[[str], None] | None = None,
    today: dt.date | None = None,
) -> DedupResult:
    started = time.monotonic()
    say = progress or (lambda _stage: None)
    say("read")
    frame = read_frame(path, id_column=id_column, overrides=overrides, today=today)
    if len(frame) < 2:
        raise DomainError("invalid", "The list has fewer than two records: nothing to compare.", field="path")
    model = matching.Model([frame], link_type="dedupe_only", standard=standard)
    try:
        say("train")
        model.train()
        say("predict")
        predictions = model.predict_table(PAIRS_AT if pairs else threshold)
        say("cluster")
        con = model.connection
        if standard:  # Splink's own connected components: the reference run stays Splink's
            clusters_table = model.linker.clustering.cluster_pairwise_predictions_at_threshold(
                predictions, threshold_match_probability=threshold).physical_name
        else:
            clusters_table = _cluster(con, predictions=predictions.physical_name, records=model.table_names[0], threshold=threshold)
        con.execute(f"COPY (SELECT unique_id AS record_id, cluster_id FROM {clusters_table} ORDER BY unique_id) TO '{_sql_path(out)}' (HEADER, DELIMITER ',')")
        stats = con.execute(
            f"SELECT count(*), count(DISTINCT cluster_id), count(*) FILTER (WHERE n > 1) FROM "
            f"(SELECT cluster_id, count(*) OVER (PARTITION BY cluster_id) AS n FROM {clusters_table})"
        ).fetchone()
        pair_count = 0
        if pairs:
            table = predictions.physical_name
            con.execute(
                f"COPY (SELECT unique_id_l AS record_id_l, unique_id_r AS record_id_r, round(match_probability, 6) AS match_probability, "
                f"round(match_weight, 3) AS match_weight FROM {table} ORDER BY match_probability DESC, unique_id_l, unique_id_r) "
                f"TO '{_sql_path(pairs)}' (HEADER, DELIMITER ',')"
            )
            pair_count = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        model.close()
    return DedupResult(records=int(stats[0]), clusters=int(stats[1]), records_in_clusters=int(stats[2]), pairs=int(pair_count),
                       seconds=round(time.monotonic() - started, 2))


def _cluster(con, *, predictions: str, records: str, threshold: float) -> str:
    """clustering.cluster() over the pairs at or above the threshold; a table of every record and its cluster."""
    import pandas as pd

    edges = con.execute(f"SELECT unique_id_l, unique_id_r, match_probability FROM {predictions} WHERE match_probability >= ?", [threshold]).fetchall()
    identity = {uid: (nik, born) for uid, nik, born in con.execute(
        f"SELECT unique_id, nik, birth_date FROM {records} WHERE nik_ok AND unique_id IN "
        f"(SELECT unique_id_l FROM {predictions} WHERE match_probability >= ? UNION SELECT unique_id_r FROM {predictions} WHERE match_probability >= ?)",
        [threshold, threshold]).fetchall()}
    assigned = clustering.cluster(edges, identity)
    frame = pd.DataFrame({"unique_id": list(assigned), "cluster_id": list(assigned.values())}, dtype=object)
    con.register("assigned_clusters", frame)
    con.execute(f"CREATE TABLE record_clusters AS SELECT r.unique_id, coalesce(a.cluster_id, r.unique_id) AS cluster_id "
                f"FROM {records} r LEFT JOIN assigned_clusters a USING (unique_id)")
    con.unregister("assigned_clusters")
    return "record_clusters"


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def read_clusters(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {r["record_id"]: r["cluster_id"] for r in csv.DictReader(fh)}
