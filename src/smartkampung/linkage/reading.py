"""Reading agency files: CSV or XLSX, streamed row by row, headers in Bahasa Indonesia or English.

Nothing here touches the database. `open_rows(path)` gives the header and an iterator of rows (lists
of strings/values), `column_map(header, overrides)` decides which column feeds which field.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

from smartkampung.core.errors import DomainError

# Fields a list can carry, and the headers that name them (after _header_key: lower case, words
# joined by "_"). Agencies write them many ways; `--map column=field` covers the rest.
FIELDS: dict[str, tuple[str, ...]] = {
    "nik": ("nik", "no_nik", "nomor_nik", "nik_ktp", "no_ktp", "nomor_ktp", "ktp", "nik_penerima", "nik_kpm", "national_id", "id_number", "nin"),
    "kk_number": ("no_kk", "nomor_kk", "kk", "nkk", "no_kartu_keluarga", "nomor_kartu_keluarga", "kk_number", "family_card", "family_card_number"),
    "name": ("nama", "nama_lengkap", "nama_penerima", "nama_kpm", "nama_penduduk", "name", "full_name", "fullname"),
    "birth_date": ("tgl_lahir", "tanggal_lahir", "tgl_lhr", "tanggal_lhr", "tgllahir", "birth_date", "date_of_birth", "dob", "birthdate"),
    "birth_place": ("tempat_lahir", "tmp_lahir", "tpt_lahir", "birth_place", "place_of_birth"),
    "sex": ("jk", "jenis_kelamin", "kelamin", "l_p", "lp", "sex", "gender"),
    "address": ("alamat", "alamat_lengkap", "jalan", "address", "street", "street_address"),
    "rt": ("rt",),
    "rw": ("rw",),
    "dusun": ("dusun", "dukuh", "lingkungan", "hamlet"),
    "village": ("desa", "kelurahan", "desa_kelurahan", "kel_desa", "desa_kel", "nama_desa", "kode_desa", "village", "village_code", "village_name"),
    "kecamatan": ("kecamatan", "kec", "nama_kecamatan", "district", "subdistrict", "sub_district"),
}
_ALIAS = {alias: field for field, aliases in FIELDS.items() for alias in aliases}


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).strip().lower()).strip("_")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_format(path: Path, name: str | None = None) -> str:
    suffix = Path(name or path.name).suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    raise DomainError("invalid", f"{Path(name or path.name).name}: only .csv and .xlsx files can be imported.", field="file")


def _csv_text(path: Path) -> io.TextIOBase:
    # Excel in Indonesia saves CSV as UTF-8 with a BOM or as Windows-1252; try UTF-8 first.
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    try:
        head.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    return path.open(newline="", encoding=encoding, errors="replace")


def _csv_dialect(path: Path):
    with _csv_text(path) as fh:
        sample = fh.read(1 << 15)
    first = sample.splitlines()[0] if sample else ""
    delimiter = max((";", ",", "\t", "|"), key=first.count) if first else ","
    return delimiter


def open_rows(path: Path, fmt: str, *, count: bool = True) -> tuple[list[str], int | None, Iterator[list]]:
    """The header, the number of data rows and an iterator over the data rows (blank rows included,
    so row numbers stay the file's own). `count=False` skips the extra pass a CSV needs to count its
    rows (the number is then None)."""
    if fmt == "csv":
        delimiter = _csv_dialect(path)
        with _csv_text(path) as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            header = next(reader, None)
            total = sum(1 for _ in reader) if count else None
        if header is None:
            raise DomainError("invalid", "The file is empty: no header row.", field="file")

        def rows() -> Iterator[list]:
            with _csv_text(path) as fh:
                reader = csv.reader(fh, delimiter=delimiter)
                next(reader, None)
                yield from reader

        return [str(h) for h in header], total, rows()
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except Exception as error:  # calamine raises its own error types for broken workbooks
        raise DomainError("invalid", f"The workbook cannot be read: {error}", field="file") from None
    iterator = iter(sheet.iter_rows())
    header = next(iterator, None)
    if header is None:
        raise DomainError("invalid", "The workbook's first sheet is empty: no header row.", field="file")
    total = max(0, sheet.height - 1)
    return [_cell_text(h) for h in header], total, iterator


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a NIK typed as a number: 3.510072e15 is exact below 2**53
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def cell(value) -> str:
    if type(value) is str:  # every cell of a CSV: the one case worth a shortcut
        return value.strip()
    return _cell_text(value)


def column_map(header: list[str], overrides: dict[str, str] | None = None) -> dict[str, int]:
    """field -> column index. Overrides map a file header (as written) to a field and win over aliases."""
    mapping: dict[str, int] = {}
    keys = [_header_key(h) for h in header]
    for index, key in enumerate(keys):
        field = _ALIAS.get(key)
        if field and field not in mapping:
            mapping[field] = index
    for column, field in (overrides or {}).items():
        if field not in FIELDS:
            raise DomainError("invalid", f"--map {column}={field}: unknown field {field!r}; fields are {', '.join(FIELDS)}.", field="map")
        wanted = _header_key(column)
        if wanted not in keys:
            raise DomainError("invalid", f"--map {column}={field}: the file has no column {column!r}.", field="map")
        mapping = {f: i for f, i in mapping.items() if f != field}
        mapping[field] = keys.index(wanted)
    if "name" not in mapping:
        raise DomainError("invalid", f"No name column (nama/name) among: {', '.join(header)}. Use --map COLUMN=name.", field="map")
    if "nik" not in mapping and "birth_date" not in mapping:
        raise DomainError("invalid", "The list needs a NIK or a birth date column (nik / tgl_lahir) to be linked.", field="map")
    return mapping


def parse_overrides(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        column, sep, field = item.partition("=")
        if not sep or not column.strip() or not field.strip():
            raise DomainError("invalid", f"--map {item!r}: write it as COLUMN=field.", field="map")
        out[column.strip()] = field.strip()
    return out
