"""Staged imports: headers, outcomes and reasons, recognising a file again, resuming after a crash."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from smartkampung.core.errors import DomainError
from smartkampung.core.models import AuditEvent
from smartkampung.linkage import reading, services
from smartkampung.linkage.models import BatchStatus, ImportBatch, StagedRow
from tests.conftest import actor
from tests.linkage.conftest import new_batches


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_indonesian_headers_outcomes_and_reasons(users, tmp_path, kemiren):
    person = kemiren.residents.filter(date_of_death__isnull=True).order_by("id").first()
    born = person.birth_date.strftime("%d-%m-%Y")
    path = _write(tmp_path / "pkh.csv", (
        "No;NIK;No. KK;Nama Lengkap;Tgl Lahir;JK;Alamat;RT;RW;Desa;Kecamatan\n"
        f"1;{person.nik};;{person.name};{born};{'L' if person.sex == 'M' else 'P'};Krajan;1;2;Kemiren;Glagah\n"
        "2;3510150101800001;;Budi;31-02-1980;L;;;;Kemiren;Glagah\n"
        "3;12345;;Siti Aminah;01-01-1970;P;;;;Desa Antah;Glagah\n"
        ";;;;;;;;;;\n"
        "5;;;Tanpa Data;;;;;;Kemiren;Glagah\n"
    ))
    result = services.import_file(actor=actor(users["analyst"]), path=path, programme_code="PKH")
    batch = result.batch
    assert (result.already, batch.status, batch.rows_total, batch.rows_committed) == (False, BatchStatus.STAGED, 5, 5)
    assert (batch.rows_valid, batch.rows_flagged, batch.rows_invalid) == (1, 2, 2)
    assert batch.column_map == {"nik": "NIK", "kk_number": "No. KK", "name": "Nama Lengkap", "birth_date": "Tgl Lahir", "sex": "JK",
                                "address": "Alamat", "rt": "RT", "rw": "RW", "village": "Desa", "kecamatan": "Kecamatan"}
    rows = {r.row_number: r for r in StagedRow.objects.filter(batch=batch)}
    assert (rows[1].outcome, rows[1].nik_valid, rows[1].village_id, rows[1].reasons) == ("valid", True, kemiren.id, [])
    assert [r["code"] for r in rows[2].reasons] == ["impossible_date"]
    assert rows[2].outcome == "flagged"  # a valid NIK still links it
    assert [r["code"] for r in rows[3].reasons] == ["unknown_village", "nik_length"]
    assert rows[3].outcome == "flagged"
    assert [r["code"] for r in rows[4].reasons] == ["empty_row"]
    assert (rows[5].outcome, [r["code"] for r in rows[5].reasons]) == ("invalid", ["missing_nik", "nothing_to_link"])
    assert AuditEvent.objects.filter(action="linkage.import_staged", object_id=str(batch.pk)).count() == 1


def test_same_file_again_changes_nothing(users, agency_list):
    path, _truth = agency_list(rows=40)
    first = services.import_file(actor=actor(users["analyst"]), path=path, programme_code="BPNT")
    rows, audits = StagedRow.objects.filter(batch__in=new_batches()).count(), AuditEvent.objects.count()
    again = services.import_file(actor=actor(users["analyst"]), path=path, programme_code="BPNT")
    assert (again.already, again.batch.pk) == (True, first.batch.pk)
    assert (StagedRow.objects.filter(batch__in=new_batches()).count(), AuditEvent.objects.count(), new_batches().count()) == (rows, audits, 1)


def test_crash_mid_way_leaves_whole_chunks_and_resumes(users, agency_list, monkeypatch):
    path, truth = agency_list(rows=50)
    a = actor(users["analyst"])
    opened = services.batch_open(actor=a, path=path, programme_code="PKH")
    real = services._stage_row
    calls = {"n": 0}

    def crash_at_row_23(batch, number, *args, **kwargs):
        calls["n"] += 1
        if number == 23:
            raise RuntimeError("power cut")
        return real(batch, number, *args, **kwargs)

    monkeypatch.setattr(services, "_stage_row", crash_at_row_23)
    with pytest.raises(RuntimeError, match="power cut"):
        services.batch_stage(actor=a, batch=opened.batch, chunk_rows=10)
    batch = ImportBatch.objects.get(pk=opened.batch.pk)
    # Chunks of 10: rows 1-20 committed, 21-22 were in the unfinished chunk and are not there.
    assert (batch.status, batch.rows_committed, StagedRow.objects.filter(batch=batch).count()) == (BatchStatus.FAILED, 20, 20)
    assert "power cut" in batch.error
    monkeypatch.setattr(services, "_stage_row", real)
    resumed = services.import_file(actor=a, path=path, programme_code="PKH")  # the same command again
    assert resumed.already is False
    batch.refresh_from_db()
    assert (batch.status, batch.rows_committed, batch.rows_total) == (BatchStatus.STAGED, len(truth), len(truth))
    numbers = list(StagedRow.objects.filter(batch=batch).order_by("row_number").values_list("row_number", flat=True))
    assert numbers == list(range(1, len(truth) + 1))
    assert batch.rows_valid + batch.rows_flagged + batch.rows_invalid == len(truth)


def test_xlsx_is_read_like_csv(users, agency_list):
    path, truth = agency_list(rows=30, suffix=".xlsx", seed=9)
    workbook = load_workbook(path, read_only=True)  # a reader that did not write it
    assert [c.value for c in next(workbook.active.iter_rows(max_row=1))][:5] == ["nik", "no_kk", "nama", "tempat_lahir", "tgl_lahir"]
    batch = services.import_file(actor=actor(users["analyst"]), path=path, programme_code="PKH").batch
    assert (batch.file_format, batch.rows_committed) == ("xlsx", len(truth))
    first = StagedRow.objects.get(batch=batch, row_number=1)
    assert first.raw["nama"] == workbook.active.cell(row=2, column=3).value
    assert first.birth_place == (workbook.active.cell(row=2, column=4).value or "")  # staged for the model to compare


def test_map_overrides_and_bad_headers(users, tmp_path):
    a = actor(users["analyst"])
    path = _write(tmp_path / "odd.csv", "kode,penerima,lahir\n3510150101800001,Budi,01-01-1980\n")
    with pytest.raises(DomainError, match="No name column"):
        services.import_file(actor=a, path=path, programme_code="PKH")
    with pytest.raises(DomainError, match="unknown field 'nama'"):
        services.import_file(actor=a, path=path, programme_code="PKH", overrides={"penerima": "nama"})
    with pytest.raises(DomainError, match="no column 'kosong'"):
        services.import_file(actor=a, path=path, programme_code="PKH", overrides={"kosong": "name"})
    assert new_batches().count() == 0
    batch = services.import_file(actor=a, path=path, programme_code="PKH", overrides={"kode": "nik", "penerima": "name", "lahir": "birth_date"}).batch
    row = StagedRow.objects.get(batch=batch)
    assert (row.nik, row.name, row.birth_date) == ("3510150101800001", "Budi", dt.date(1980, 1, 1))


def test_unknown_programme_and_file_type(users, tmp_path):
    a = actor(users["analyst"])
    path = _write(tmp_path / "x.csv", "nama,nik\nBudi,1\n")
    with pytest.raises(DomainError, match="Unknown programme 'NOPE'"):
        services.import_file(actor=a, path=path, programme_code="NOPE")
    with pytest.raises(DomainError, match="only .csv and .xlsx"):
        services.import_file(actor=a, path=_write(tmp_path / "x.pdf", "x"), programme_code="PKH")


@pytest.mark.parametrize("who", ["operator", "kecamatan", "puskesmas"])
def test_only_analysts_import(users, agency_list, who):
    path, _ = agency_list(rows=5)
    with pytest.raises(DomainError) as error:
        services.import_file(actor=actor(users[who]), path=path, programme_code="PKH")
    assert error.value.code == "forbidden"
    assert (new_batches().count(), StagedRow.objects.filter(batch__in=new_batches()).count()) == (0, 0)


def test_header_aliases_english():
    mapping = reading.column_map(["ID", "Full Name", "Date of Birth", "Gender", "NIK", "Village", "District"])
    assert mapping == {"name": 1, "birth_date": 2, "sex": 3, "nik": 4, "village": 5, "kecamatan": 6}


def test_worker_processes_stage_the_same_rows_and_a_crash_in_one_resumes(users, agency_list, monkeypatch):
    """Cleaning in two worker processes gives exactly the rows one process gives, in file order; a worker
    that fails mid-way leaves whole chunks only, and the import resumes from there."""
    path, truth = agency_list(rows=60, seed=13)
    a = actor(users["analyst"])
    fields = ("row_number", "raw", "nik", "nik_valid", "kk_number", "name", "match_name", "birth_date", "birth_place", "sex", "address",
              "rt", "rw", "village_id", "outcome", "reasons", "link_status", "evidence")
    alone = services.batch_stage(actor=a, batch=services.batch_open(actor=a, path=path, programme_code="PKH").batch, chunk_rows=7, workers=1)
    expected = list(StagedRow.objects.filter(batch=alone).order_by("row_number").values_list(*fields))

    opened = services.batch_open(actor=a, path=path, programme_code="BPNT")
    real = services._stage_row

    def crash_at_row_30(batch, number, *args, **kwargs):
        if number == 30:
            raise RuntimeError("worker lost")
        return real(batch, number, *args, **kwargs)

    monkeypatch.setattr(services, "_stage_row", crash_at_row_30)
    with pytest.raises(RuntimeError, match="worker lost"):
        services.batch_stage(actor=a, batch=opened.batch, chunk_rows=7, workers=2)
    batch = ImportBatch.objects.get(pk=opened.batch.pk)
    assert (batch.status, batch.rows_committed, StagedRow.objects.filter(batch=batch).count()) == (BatchStatus.FAILED, 28, 28)
    monkeypatch.setattr(services, "_stage_row", real)
    batch = services.batch_stage(actor=a, batch=batch, chunk_rows=7, workers=2)
    assert (batch.status, batch.rows_committed) == (BatchStatus.STAGED, len(truth))
    assert (batch.rows_valid, batch.rows_flagged, batch.rows_invalid) == (alone.rows_valid, alone.rows_flagged, alone.rows_invalid)
    assert list(StagedRow.objects.filter(batch=batch).order_by("row_number").values_list(*fields)) == expected
