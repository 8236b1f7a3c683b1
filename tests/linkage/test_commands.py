"""The commands: import, link and dedup; bad input exits 2 with a one-line reason."""

from __future__ import annotations

import csv
import io
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from smartkampung.linkage.evaluation import exact_nik_clusters, pairwise_scores
from smartkampung.linkage.models import BatchStatus, ImportBatch, LinkStatus, StagedRow
from smartkampung.linkage.synthetic import write_list


def _call(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_then_link_then_import_again(agency_list):
    path, truth = agency_list(rows=30, seed=12)
    out, _err = _call("import", str(path), "--programme", "PKH", "--no-progress")
    batch = ImportBatch.objects.get(file_name=path.name)
    assert out.startswith(f"Import {batch.pk}: {len(truth)} rows staged")
    out, _err = _call("link", "--run-id", str(batch.pk), "--no-registry")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.LINKED
    assert f"import {batch.pk}: {len(truth)} rows" in out
    exact = StagedRow.objects.filter(batch=batch, link_status=LinkStatus.EXACT).count()
    assert f"exact {exact}" in out
    out, _err = _call("import", str(path), "--programme", "PKH", "--no-progress")
    assert out.strip() == f"Already imported as import {batch.pk} (Selesai dicocokkan, {len(truth)} rows): nothing changed."


@pytest.mark.parametrize(("args", "message"), [
    (("import", "/nope.csv", "--programme", "PKH"), "/nope.csv: no such file."),
    (("import", "{csv}", "--programme", "NOPE"), "Unknown programme 'NOPE'"),
    (("import", "{csv}", "--programme", "PKH", "--map", "nama"), "--map 'nama': write it as COLUMN=field."),
    (("import", "{csv}", "--programme", "PKH", "--starts-on", "kemarin"), "--starts-on must be a date"),
    (("link", "--run-id", "999999"), "No import 999999."),
    (("link", "--accept-at", "1.5"), "--accept-at must be between 0 and 1"),
    (("dedup", "{csv}", "--out", "/no/such/dir/c.csv"), "--out /no/such/dir/c.csv: the folder /no/such/dir does not exist"),
    (("dedup", "{csv}", "--out", "{out}", "--id", "kode"), "--id kode: the file has no column 'kode'."),
])
def test_bad_input_exits_2(args, message, agency_list, tmp_path):
    path, _ = agency_list(rows=3)
    args = [a.replace("{csv}", str(path)).replace("{out}", str(tmp_path / "c.csv")) for a in args]
    batches = ImportBatch.objects.count()
    with pytest.raises(CommandError) as error:
        _call(*args)
    assert error.value.returncode == 2
    assert message in str(error.value) and "\n" not in str(error.value)
    assert ImportBatch.objects.count() == batches


def test_dedup_finds_the_planted_duplicates(tmp_path, caplog):
    source, truth_path = tmp_path / "list.csv", tmp_path / "truth.csv"
    rows = write_list(source, records=3000, seed=21, truth_path=truth_path)
    out, pairs = tmp_path / "clusters.csv", tmp_path / "pairs.csv"
    printed, _err = _call("dedup", str(source), "--out", str(out), "--pairs", str(pairs))
    with out.open(encoding="utf-8") as fh:
        clusters = {r["record_id"]: r["cluster_id"] for r in csv.DictReader(fh)}
    with truth_path.open(encoding="utf-8") as fh:
        truth = {r["id"]: r["entity"] for r in csv.DictReader(fh)}
    with source.open(encoding="utf-8") as fh:
        niks = {r["id"]: r["nik"] for r in csv.DictReader(fh)}
    assert len(clusters) == rows and set(clusters) == set(truth)
    assert printed.startswith(f"{rows:,} records in ")
    ours, baseline = pairwise_scores(clusters, truth), pairwise_scores(exact_nik_clusters(niks), truth)
    assert ours.f1 >= 0.9 and ours.f1 > baseline.f1, (ours, baseline)
    with pairs.open(encoding="utf-8") as fh:
        scored = list(csv.DictReader(fh))
    assert list(scored[0]) == ["record_id_l", "record_id_r", "match_probability", "match_weight"]
    assert all(0.5 <= float(p["match_probability"]) <= 1 for p in scored)
    # Splink's notices of levels a training pass cannot see reach nobody's terminal (the model handles them)
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("splink") and r.levelno >= logging.WARNING]


def test_dedup_uses_the_id_column(tmp_path):
    source = tmp_path / "l.csv"
    source.write_text(
        "no,kode,nama,tgl_lahir,nik\n"
        "1,A1,Moch. Sholeh,01-02-1970,3510150102700001\n"
        "2,A2,Muhammad Sholeh,01-02-1970,3510150102700001\n"
        "3,A3,Siti Aminah,05-06-1981,3510154506810002\n"
        # a few more people, so that the list's own u (random pairs) is not three pairs' worth of noise
        "4,A4,Bambang Sutrisno,12-12-1965,3510091212650001\n"
        "5,A5,Dewi Lestari,30-04-1990,3510077004900003\n"
        "6,A6,Joko Santoso,17-08-1978,3510211708780001\n",
        encoding="utf-8",
    )
    out = tmp_path / "c.csv"
    _call("dedup", str(source), "--out", str(out), "--id", "kode")
    with out.open(encoding="utf-8") as fh:
        clusters = {r["record_id"]: r["cluster_id"] for r in csv.DictReader(fh)}
    assert set(clusters) == {"A1", "A2", "A3", "A4", "A5", "A6"}
    assert clusters["A1"] == clusters["A2"]
    assert len({clusters[k] for k in ("A1", "A3", "A4", "A5", "A6")}) == 5


def test_link_refresh_registry_stores_the_registry_side_and_links_nothing(db):
    from smartkampung.linkage.models import LinkRun, RegistryFeatures
    from smartkampung.registry.models import Person

    runs = LinkRun.objects.count()
    out, _err = _call("link", "--refresh-registry")
    living = Person.objects.filter(date_of_death__isnull=True, merged_into__isnull=True).count()
    assert RegistryFeatures.objects.count() == living
    assert out == f"Registry side up to date: {living:,} residents.\n"
    assert LinkRun.objects.count() == runs
