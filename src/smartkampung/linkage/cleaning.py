"""Cleaning one listed row: dates, sex, NIK/KK (registry.identity), village; every problem becomes a reason.

Outcomes: "valid" (nothing to say), "flagged" (usable for linking, with reasons: a bad NIK is exactly
what probabilistic linking is for), "invalid" (nothing to link on: no name, or neither a usable NIK nor a
birth date). No row is dropped: every one is staged with its outcome and reasons.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from smartkampung.registry.identity import AreaCodes, IdentityError, parse_kk, parse_nik
from smartkampung.registry.names import match_key

_DATE = re.compile(r"^\s*(\d{1,4})[-/. ](\d{1,2})[-/. ](\d{1,4})\s*$")
_SEX = {"L": "M", "LK": "M", "LAKI": "M", "LAKI LAKI": "M", "LAKI-LAKI": "M", "PRIA": "M", "M": "M", "MALE": "M", "1": "M",
        "P": "F", "PR": "F", "PEREMPUAN": "F", "WANITA": "F", "F": "F", "W": "F", "FEMALE": "F", "2": "F"}
_VILLAGE_WORDS = re.compile(r"^(DESA|DS|KELURAHAN|KEL|KEC|KECAMATAN)\b\.?\s*")


def reason(field_name: str, code: str, message: str) -> dict:
    return {"field": field_name, "code": code, "message": message}


def parse_date(text: str, *, today: dt.date) -> tuple[dt.date | None, dict | None]:
    """dd-mm-yyyy (also / . and space), yyyy-mm-dd, dd-mm-yy. Returns (date, reason)."""
    text = (text or "").strip()
    if not text:
        return None, None
    if "T" in text or " 00:00" in text:
        text = text.split("T")[0].split(" ")[0]
    m = _DATE.match(text)
    if not m:
        return None, reason("birth_date", "unreadable_date", f"Tanggal lahir {text!r} tidak terbaca (pakai DD-MM-YYYY).")
    a, b, c = m.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        day, month, year = int(a), int(b), int(c)
        if len(c) == 2:
            year += 2000 if 2000 + year <= today.year else 1900
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None, reason("birth_date", "impossible_date", f"Tanggal lahir {text} tidak ada di kalender.")
    if value > today:
        return None, reason("birth_date", "future_date", f"Tanggal lahir {text} setelah hari ini.")
    if value.year < today.year - 125:
        return None, reason("birth_date", "impossible_date", f"Tanggal lahir {text}: umur lebih dari 125 tahun.")
    return value, None


def parse_sex(text: str) -> tuple[str, dict | None]:
    value = re.sub(r"[^A-Z0-9 -]", "", (text or "").strip().upper())
    if not value:
        return "", None
    sex = _SEX.get(value)
    if sex is None:
        return "", reason("sex", "unknown_sex", f"Jenis kelamin {text!r} tidak dikenal (L/P).")
    return sex, None


def village_key(text: str) -> str:
    value = _VILLAGE_WORDS.sub("", (text or "").strip().upper())
    return re.sub(r"[^A-Z0-9]", "", value)


@dataclass
class Villages:
    """The area table as the importer needs it: codes and loose names (built per import, never cached)."""

    by_code: dict[str, int]
    by_name: dict[str, list[tuple[int, str]]]  # village_key -> [(id, kecamatan code)]
    kecamatan_by_name: dict[str, str]  # village_key(kecamatan name) -> code
    code_of: dict[int, str] = field(default_factory=dict)

    def resolve(self, village: str, kecamatan: str) -> tuple[int | None, dict | None]:
        village, kecamatan = (village or "").strip(), (kecamatan or "").strip()
        if not village:
            return None, None
        code = village.replace(" ", "")
        if code in self.by_code:
            return self.by_code[code], None
        if len(code) == 10 and code.isdigit():  # "3510152004" without dots
            dotted = f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}"
            if dotted in self.by_code:
                return self.by_code[dotted], None
        candidates = self.by_name.get(village_key(village), [])
        if kecamatan and len(candidates) > 1:
            kec = self.kecamatan_by_name.get(village_key(kecamatan)) or (kecamatan if kecamatan.count(".") == 2 else None)
            candidates = [c for c in candidates if c[1] == kec] or candidates
        if len(candidates) == 1:
            return candidates[0][0], None
        if not candidates:
            return None, reason("village", "unknown_village", f"Desa/kelurahan {village!r} tidak dikenal di kabupaten ini.")
        return None, reason("village", "ambiguous_village", f"Ada {len(candidates)} desa bernama {village!r}: tulis kecamatannya.")


@dataclass
class CleanRow:
    nik: str = ""
    nik_valid: bool = False
    kk_number: str = ""
    name: str = ""
    match_name: str = ""
    birth_date: dt.date | None = None
    birth_place: str = ""
    sex: str = ""
    address: str = ""
    rt: str = ""
    rw: str = ""
    village_id: int | None = None
    outcome: str = "valid"
    reasons: list = field(default_factory=list)


def _digits(text: str) -> str:
    return re.sub(r"[\s.\-']", "", (text or "").strip())


def clean_row(values: dict[str, str], *, areas: AreaCodes, villages: Villages, today: dt.date) -> CleanRow:
    row = CleanRow()
    reasons = row.reasons
    row.name = " ".join((values.get("name") or "").split())[:200]
    row.match_name = match_key(row.name)[:200] if row.name else ""
    if not row.match_name:
        reasons.append(reason("name", "missing_name", "Nama kosong."))
    row.birth_date, problem = parse_date(values.get("birth_date", ""), today=today)
    if problem:
        reasons.append(problem)
    row.sex, problem = parse_sex(values.get("sex", ""))
    if problem:
        reasons.append(problem)
    row.birth_place = (values.get("birth_place") or "").strip()[:80]
    street = (values.get("address") or "").strip()
    dusun = (values.get("dusun") or "").strip()
    row.address = ", ".join(p for p in (street, f"Dsn. {dusun}" if dusun else "") if p)[:200]
    row.rt = (values.get("rt") or "").strip().lstrip("0")[:3]
    row.rw = (values.get("rw") or "").strip().lstrip("0")[:3]
    row.village_id, problem = villages.resolve(values.get("village", ""), values.get("kecamatan", ""))
    if problem:
        reasons.append(problem)

    row.kk_number = _digits(values.get("kk_number", ""))[:32]
    if row.kk_number:
        try:
            parse_kk(row.kk_number, areas=areas, today=today)
        except IdentityError as error:
            reasons.append(reason("kk_number", f"kk_{error.issue.rule}", error.issue.message))
    row.nik = _digits(values.get("nik", ""))[:32]
    if not row.nik:
        reasons.append(reason("nik", "missing_nik", "NIK kosong."))
    else:
        if row.kk_number and row.nik == row.kk_number:
            reasons.append(reason("nik", "nik_is_kk", "NIK sama dengan nomor KK: kemungkinan nomor KK ditulis di kolom NIK."))
        else:
            try:
                parsed = parse_nik(row.nik, areas=areas, sex=row.sex or None, birth_date=row.birth_date, today=today)
                row.nik_valid = True
                reasons.extend(reason("nik", w.rule, w.message) for w in parsed.warnings if w.rule != "outside_regency")
                if not row.sex:
                    row.sex = parsed.sex  # the NIK says it (day + 40 for women)
            except IdentityError as error:
                reasons.append(reason(error.issue.field, f"nik_{error.issue.rule}", error.issue.message))
    if not row.match_name or (not row.nik_valid and row.birth_date is None):
        row.outcome = "invalid"
        if row.match_name:
            reasons.append(reason("row", "nothing_to_link", "Tanpa NIK yang sah dan tanpa tanggal lahir, baris ini tidak dapat dicocokkan."))
    elif reasons:
        row.outcome = "flagged"
    return row
