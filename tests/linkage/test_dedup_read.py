"""How `smartkampung dedup` reads a list: the same frame from CSV and XLSX, blank and short rows, bad ids."""

from __future__ import annotations

import datetime as dt

import pytest
import xlsxwriter

from smartkampung.core.errors import DomainError
from smartkampung.linkage import matching
from smartkampung.linkage.dedup import read_frame

HEADER = ["id", "nama", "tgl_lahir", "jk", "nik", "no_kk", "alamat", "rt", "rw", "desa", "kecamatan"]
ROWS = [
    ["A1", "  Moch. Sholeh ", "01-02-1970", "L", "3510150102700001", "3510151212100003", "Dsn. Krajan", "001", "002", "Sarongan", "Pesanggaran"],
    ["", "", "  ", "", "", "", "", "", "", "", ""],  # blank (spaces only): skipped, row numbers stay the file's
    ["A2", "Hj. Sitti Aminah, S.Pd", "1981-06-05", "P", "3510 1545 0681 0002", "", "Jl. Raya 3", "", "", "Sarongan", "Pesanggaran"],
    ["A3", "Bambang"],  # a short row: the missing cells are blank
]


def _write_csv(path, rows):
    path.write_text("\n".join(",".join(f'"{v}"' for v in row) for row in [HEADER, *rows]) + "\n", encoding="utf-8")


def _write_xlsx(path, rows):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for index, row in enumerate([HEADER, *rows]):
        sheet.write_row(index, 0, row)
    book.close()


@pytest.mark.parametrize("write", [_write_csv, _write_xlsx], ids=["csv", "xlsx"])
def test_the_list_reads_into_the_model_columns(tmp_path, write):
    path = tmp_path / ("l.csv" if write is _write_csv else "l.xlsx")
    write(path, ROWS)
    frame = read_frame(path, today=dt.date(2026, 12, 1))
    assert list(frame.columns) == list(matching.COLUMNS)
    assert list(frame["unique_id"]) == ["A1", "A2", "A3"]
    first, second, third = (frame.iloc[i] for i in range(3))
    assert first["match_name"] == "MUHAMMAD SHOLEH" and first["raw_name"] == "MOCH. SHOLEH"
    assert first["birth_date"] == "1970-02-01" and first["sex"] == "M" and bool(first["nik_ok"]) is True
    assert first["kk"] == "3510151212100003" and first["rt_rw"] == "1/2"
    assert second["match_name"] == "SITI AMINAH" and second["nik"] == "3510154506810002" and bool(second["nik_ok"]) is True
    assert second["birth_date"] == "1981-06-05" and second["sex"] == "F" and second["village"] == first["village"] != ""
    assert third["match_name"] == "BAMBANG" and frame["birth_date"].isna().iloc[2] and frame["nik"].isna().iloc[2]


def test_an_empty_or_repeated_id_names_its_row(tmp_path):
    path = tmp_path / "l.csv"
    _write_csv(path, [ROWS[0], ROWS[1], ["", *ROWS[2][1:]]])
    with pytest.raises(DomainError, match=r"Row 4: the record id \(id\) is empty"):
        read_frame(path)
    _write_csv(path, [ROWS[0], ROWS[1], ["A1", *ROWS[2][1:]]])
    with pytest.raises(DomainError, match=r"Row 4: record id 'A1' appears twice"):
        read_frame(path)
