"""Parse and check NIK (personal) and KK (family card) numbers against our own area table.

We do not use a PyPI validator: the ones we tried accept impossible days and regency codes, or reject
valid NIKs that carry a post-2017 Banyuwangi kecamatan (design notes, DOMAIN.md "NIK and KK").

Layout of both numbers (16 ASCII digits):
    NIK: PP RR CC DDMMYY SSSS - province, regency, kecamatan where first issued; birth date with 40 added
         to the day for women; serial 0001-9999.
    KK:  PP RR CC DDMMYY SSSS - kecamatan where issued; date of issue (no +40); serial 0001-9999.

This module knows nothing about Banyuwangi: the caller builds an AreaCodes from the database and passes
it in, so a change in the area table never needs a code change here. Apart from Django's gettext (messages
are in Bahasa Indonesia, or English when that is the active language) it is pure Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NoReturn

from django.utils.translation import gettext as _

# The 38 provinces in Kemendagri's current code list (Kepmendagri 2022 added 93-96 for the Papua split).
# Codes of provinces that no longer exist are not listed: no NIK was issued under them.
PROVINCE_CODES: frozenset[str] = frozenset(
    {"11", "12", "13", "14", "15", "16", "17", "18", "19", "21"}
    | {"31", "32", "33", "34", "35", "36", "51", "52", "53"}
    | {"61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
    | {"81", "82", "91", "92", "93", "94", "95", "96"}
)

SEXES = ("M", "F")
_DIGITS = frozenset("0123456789")  # str.isdigit() would also accept Arabic-Indic and other digits


@dataclass(frozen=True)
class IdentityIssue:
    """One broken rule (inside IdentityError) or one warning (in ParsedNik/ParsedKK.warnings)."""

    field: str  # the input it is about: "nik", "kk_number", "sex", "birth_date"
    rule: str  # short machine code, stable for tests and translations
    message: str  # sentence for staff, in the language active when the number was checked


class IdentityError(ValueError):
    """Raised when a NIK or KK number is refused; `.issue` says which rule, about which field."""

    def __init__(self, issue: IdentityIssue) -> None:
        super().__init__(issue.message)
        self.issue = issue


@dataclass(frozen=True)
class AreaCodes:
    """What the parser knows about areas; built by the caller from the area table."""

    regency_code: str  # "3510": 4 digits, no dots - the regency this registry serves
    kecamatan_codes: frozenset[str]  # 2-digit codes of that regency's current kecamatan
    province_codes: frozenset[str] = PROVINCE_CODES
    # Split history: new kecamatan code -> (codes it was split from, year of the split).
    # Banyuwangi: {"25": (("13", "14"), 2017)}. Excluded from the hash so AreaCodes stays hashable.
    split_from: Mapping[str, tuple[tuple[str, ...], int]] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        # A dotted "35.10" here would make every NIK look foreign: fail loudly at construction instead.
        if len(self.regency_code) != 4 or not set(self.regency_code) <= _DIGITS:
            raise ValueError(f"regency_code must be 4 digits without dots, got {self.regency_code!r}")
        bad = [c for c in self.kecamatan_codes if len(c) != 2 or not set(c) <= _DIGITS]
        if bad:
            raise ValueError(f"kecamatan_codes must be 2-digit strings, got {sorted(bad)!r}")
        object.__setattr__(self, "kecamatan_codes", frozenset(self.kecamatan_codes))

    @classmethod
    def from_codes(
        cls,
        regency_code: str,
        area_codes: Iterable[str],
        *,
        split_from: Mapping[str, tuple[tuple[str, ...], int]] | None = None,
    ) -> AreaCodes:
        """Build from dotted area codes as stored in the database ("35.10", "35.10.07", "35.10.07.2003"...).

        Only the kecamatan directly under `regency_code` ("35.10" or "3510") are kept.
        """
        regency = regency_code.replace(".", "")
        dotted = f"{regency[:2]}.{regency[2:]}."
        kecamatan = {c[len(dotted) :] for c in area_codes if c.startswith(dotted) and c.count(".") == 2}
        return cls(regency_code=regency, kecamatan_codes=frozenset(kecamatan), split_from=split_from or {})


@dataclass(frozen=True)
class ParsedNik:
    nik: str
    province: str  # "35"
    regency: str  # "10" (the two regency digits only)
    kecamatan: str  # "07"
    area_code: str  # "35.10.07", the dotted form used by the area table
    sex: str  # "M" or "F"
    day: int  # the real day: 40 already removed for women
    month: int
    yy: int
    # The recorded birth date when one was given, else the NIK's date read as 20YY unless that is after
    # `today`, else 19YY. That reading picks the younger person when both are possible (a newborn and a
    # 100-year-old share YY): pass the recorded birth date whenever there is one.
    birth_date: dt.date | None
    serial: int
    warnings: tuple[IdentityIssue, ...]


@dataclass(frozen=True)
class ParsedKK:
    kk_number: str
    area_code: str  # "35.10.07"
    issued_on: dt.date
    serial: int
    warnings: tuple[IdentityIssue, ...]


# --- parsing ---------------------------------------------------------------------------------------


def parse_nik(
    nik: str,
    *,
    areas: AreaCodes,
    sex: str | None = None,
    birth_date: dt.date | None = None,
    residence_kecamatan: str | None = None,
    today: dt.date | None = None,
) -> ParsedNik:
    """Check a NIK and return its parts; raise IdentityError at the first refused rule.

    `sex`, `birth_date` and `residence_kecamatan` are what the registry records for the person; when given
    they are checked against the NIK. `residence_kecamatan` may be "25", "351025" or "35.10.25".
    """
    today = today or dt.date.today()
    sex = _normalise_sex(sex)
    digits = _sixteen_digits(nik, field_name="nik")
    warnings = list(_check_area(digits, field_name="nik", areas=areas))

    dd, mm, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    birth_part = digits[6:12]
    if not 1 <= mm <= 12:
        _refuse(
            "nik",
            "month",
            _("Bulan lahir pada NIK (%(month)s dalam DDMMYY %(part)s) tidak di antara 01-12.")
            % {"month": digits[8:10], "part": birth_part},
        )
    if 1 <= dd <= 31:
        nik_sex, day = "M", dd
    elif 41 <= dd <= 71:
        nik_sex, day = "F", dd - 40
    else:
        _refuse(
            "nik",
            "day",
            _(
                "Hari lahir pada NIK (%(day)s dalam DDMMYY %(part)s) tidak sah: harus 01-31 untuk laki-laki "
                "atau 41-71 untuk perempuan (hari + 40)."
            )
            % {"day": digits[6:8], "part": birth_part},
        )
    candidates = _dates_in_either_century(day, mm, yy)
    if not candidates:
        _refuse("nik", "date", _no_such_date("nik", day, mm, yy, birth_part))

    if birth_date is not None:
        if birth_date > today:
            _refuse(
                "birth_date",
                "future",
                _("Tanggal lahir %(date)s setelah hari ini (%(today)s).")
                % {"date": f"{birth_date:%d-%m-%Y}", "today": f"{today:%d-%m-%Y}"},
            )
        resolved: dt.date | None = birth_date
    else:
        resolved = _latest_not_after(candidates, today)
        if resolved is None:
            _refuse(
                "nik",
                "future",
                _("Tanggal lahir pada NIK %(date)s (DDMMYY %(part)s) jatuh setelah hari ini (%(today)s).")
                % {"date": f"{day:02d}-{mm:02d}-{yy:02d}", "part": birth_part, "today": f"{today:%d-%m-%Y}"},
            )

    serial = _serial(digits, field_name="nik")

    # Consistency with what is recorded for the person.
    if sex is not None and sex != nik_sex:
        if nik_sex == "F":  # recorded as a man
            message = _(
                "Jenis kelamin tercatat laki-laki, tetapi hari %(day)s pada NIK menunjukkan perempuan (hari + 40)."
            ) % {"day": f"{dd:02d}"}
        else:
            message = _(
                "Jenis kelamin tercatat perempuan, tetapi hari %(day)s pada NIK menunjukkan laki-laki (untuk "
                "perempuan harinya %(woman_day)s)."
            ) % {"day": f"{dd:02d}", "woman_day": dd + 40}
        _refuse("sex", "sex_mismatch", message)
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) != (day, mm, yy):
        _refuse(
            "nik",
            "birth_date_mismatch",
            _(
                "Tanggal lahir pada NIK %(date)s (DDMMYY %(part)s) tidak cocok dengan tanggal lahir yang "
                "tercatat, %(recorded)s."
            )
            % {
                "date": f"{day:02d}-{mm:02d}-{yy:02d}",
                "part": birth_part,
                "recorded": f"{birth_date:%d-%m-%Y}",
            },
        )

    warning = _pre_split_warning(digits, areas=areas, residence_kecamatan=residence_kecamatan)
    if warning:
        warnings.append(warning)

    return ParsedNik(
        nik=digits,
        province=digits[0:2],
        regency=digits[2:4],
        kecamatan=digits[4:6],
        area_code=_dotted(digits[:6]),
        sex=nik_sex,
        day=day,
        month=mm,
        yy=yy,
        birth_date=resolved,
        serial=serial,
        warnings=tuple(warnings),
    )


def parse_kk(kk_number: str, *, areas: AreaCodes, today: dt.date | None = None) -> ParsedKK:
    """Check a KK number and return its parts; raise IdentityError at the first refused rule."""
    today = today or dt.date.today()
    digits = _sixteen_digits(kk_number, field_name="kk_number")
    warnings = _check_area(digits, field_name="kk_number", areas=areas)

    dd, mm, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    part = digits[6:12]
    if not 1 <= mm <= 12:
        _refuse(
            "kk_number",
            "month",
            _("Bulan terbit pada nomor KK (%(month)s dalam DDMMYY %(part)s) tidak di antara 01-12.")
            % {"month": digits[8:10], "part": part},
        )
    if not 1 <= dd <= 31:
        # No +40 on a KK: the date is when the card was issued, not anyone's birthday.
        _refuse(
            "kk_number",
            "day",
            _("Hari terbit pada nomor KK (%(day)s dalam DDMMYY %(part)s) tidak di antara 01-31.")
            % {"day": digits[6:8], "part": part},
        )
    candidates = _dates_in_either_century(dd, mm, yy)
    if not candidates:
        _refuse("kk_number", "date", _no_such_date("kk_number", dd, mm, yy, part))
    issued_on = _latest_not_after(candidates, today)
    if issued_on is None:
        _refuse(
            "kk_number",
            "future",
            _("Tanggal terbit pada nomor KK %(date)s (DDMMYY %(part)s) jatuh setelah hari ini (%(today)s).")
            % {"date": f"{dd:02d}-{mm:02d}-{yy:02d}", "part": part, "today": f"{today:%d-%m-%Y}"},
        )
    serial = _serial(digits, field_name="kk_number")
    return ParsedKK(
        kk_number=digits,
        area_code=_dotted(digits[:6]),
        issued_on=issued_on,
        serial=serial,
        warnings=warnings,
    )


# --- composing (for generators and tests) ----------------------------------------------------------


def nik_birth_part(*, sex: str, birth_date: dt.date) -> str:
    """The DDMMYY part of a NIK: a woman's day has 40 added."""
    day = birth_date.day + (40 if _normalise_sex(sex) == "F" else 0)
    return f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"


def nik_compose(*, area6: str, sex: str, birth_date: dt.date, serial: int) -> str:
    """Build a NIK from a kecamatan code ("351007" or "35.10.07"), sex, birth date and serial."""
    return _area6(area6) + nik_birth_part(sex=sex, birth_date=birth_date) + _serial4(serial)


def kk_compose(*, area6: str, issued_on: dt.date, serial: int) -> str:
    """Build a KK number from a kecamatan code ("351007" or "35.10.07"), issue date and serial."""
    return _area6(area6) + f"{issued_on:%d%m}{issued_on.year % 100:02d}" + _serial4(serial)


def mask_nik(nik: str) -> str:
    """Mask a NIK (or KK number) for public pages: "3510**********01".

    We keep the first 4 digits (province and regency: shared by everyone in the regency, so they say
    nothing about the person) and the last 2 (enough for staff to tell two people apart on one page), and
    hide the kecamatan, the birth date, the sex (day + 40) and most of the serial. Anything that is not
    16 digits is fully starred so a malformed value never leaks.
    """
    value = nik.strip()
    if len(value) != 16 or not set(value) <= _DIGITS:
        return "*" * len(value)
    return value[:4] + "*" * 10 + value[-2:]


# --- helpers ---------------------------------------------------------------------------------------


def _refuse(field_name: str, rule: str, message: str) -> NoReturn:
    raise IdentityError(IdentityIssue(field=field_name, rule=rule, message=message))


def _normalise_sex(sex: str | None) -> str | None:
    if sex is None:
        return None
    value = sex.strip().upper()
    if value not in SEXES:
        # A programming error in the caller, not bad user data: not an IdentityError.
        raise ValueError(f"sex must be 'M' or 'F', got {sex!r}")
    return value


def _sixteen_digits(value: str, *, field_name: str) -> str:
    # Only surrounding whitespace is forgiven: "3510 0701..." or "35.10.07..." is refused, because
    # guessing which separators are harmless would hide typing errors.
    digits = value.strip()
    nik = field_name == "nik"
    for position, char in enumerate(digits, start=1):
        if char not in _DIGITS:
            found = {"char": repr(char), "position": position}
            _refuse(
                field_name,
                "digits",
                (
                    _("NIK hanya boleh berisi angka 0-9 (ada %(char)s di posisi %(position)d).")
                    if nik
                    else _("Nomor KK hanya boleh berisi angka 0-9 (ada %(char)s di posisi %(position)d).")
                )
                % found,
            )
    if len(digits) != 16:
        _refuse(
            field_name,
            "length",
            (
                _("NIK harus tepat 16 digit (terisi %(count)d).")
                if nik
                else _("Nomor KK harus tepat 16 digit (terisi %(count)d).")
            )
            % {"count": len(digits)},
        )
    return digits


def _check_area(digits: str, *, field_name: str, areas: AreaCodes) -> tuple[IdentityIssue, ...]:
    # Whole sentences for the NIK and for the KK number, so that each reads right in both languages.
    province, regency, kecamatan = digits[0:2], digits[2:4], digits[4:6]
    nik = field_name == "nik"
    if province not in areas.province_codes:
        _refuse(
            field_name,
            "province",
            (
                _("NIK diawali %(province)s, yang bukan kode provinsi Indonesia.")
                if nik
                else _("Nomor KK diawali %(province)s, yang bukan kode provinsi Indonesia.")
            )
            % {"province": province},
        )
    if regency == "00":
        _refuse(
            field_name,
            "regency",
            (
                _(
                    "NIK memuat kode kabupaten/kota 00 setelah provinsi %(province)s; tidak ada "
                    "kabupaten/kota berkode 00."
                )
                if nik
                else _(
                    "Nomor KK memuat kode kabupaten/kota 00 setelah provinsi %(province)s; tidak ada "
                    "kabupaten/kota berkode 00."
                )
            )
            % {"province": province},
        )
    if kecamatan == "00":
        _refuse(
            field_name,
            "kecamatan",
            _("NIK memuat kode kecamatan 00; tidak ada kecamatan berkode 00.")
            if nik
            else _("Nomor KK memuat kode kecamatan 00; tidak ada kecamatan berkode 00."),
        )
    if province + regency == areas.regency_code:
        if kecamatan not in areas.kecamatan_codes:
            _refuse(
                field_name,
                "kecamatan",
                (
                    _(
                        "NIK memuat kode kecamatan %(kecamatan)s, tetapi kabupaten %(regency)s tidak punya "
                        "kecamatan %(code)s."
                    )
                    if nik
                    else _(
                        "Nomor KK memuat kode kecamatan %(kecamatan)s, tetapi kabupaten %(regency)s tidak punya "
                        "kecamatan %(code)s."
                    )
                )
                % {
                    "kecamatan": kecamatan,
                    "regency": f"{province}.{regency}",
                    "code": f"{province}.{regency}.{kecamatan}",
                },
            )
        return ()
    # Issued elsewhere: people move in from other regencies. We hold no kecamatan list for them.
    message = (
        _(
            "NIK diterbitkan di kabupaten/kota %(regency)s, di luar kabupaten ini (%(here)s), sehingga kode "
            "kecamatannya, %(kecamatan)s, tidak bisa diperiksa."
        )
        if nik
        else _(
            "Nomor KK diterbitkan di kabupaten/kota %(regency)s, di luar kabupaten ini (%(here)s), sehingga "
            "kode kecamatannya, %(kecamatan)s, tidak bisa diperiksa."
        )
    ) % {"regency": f"{province}.{regency}", "here": _dotted(areas.regency_code), "kecamatan": kecamatan}
    return (IdentityIssue(field=field_name, rule="outside_regency", message=message),)


def _pre_split_warning(
    digits: str, *, areas: AreaCodes, residence_kecamatan: str | None
) -> IdentityIssue | None:
    # A NIK never changes, so a resident of a kecamatan created by a split often carries the code of the
    # kecamatan it was split from. That is expected, but worth a note so staff do not "correct" it.
    if residence_kecamatan is None or digits[:4] != areas.regency_code:
        return None
    residence = _kecamatan_part(residence_kecamatan, areas.regency_code)
    split = areas.split_from.get(residence) if residence else None
    if split is None or digits[4:6] not in split[0]:
        return None
    old, year = digits[4:6], split[1]
    region = _dotted(areas.regency_code)
    return IdentityIssue(
        field="nik",
        rule="pre_split_kecamatan",
        message=_(
            "NIK memuat kecamatan %(old)s, dari sebelum kecamatan %(new)s dimekarkan darinya pada %(year)s; "
            "hal ini wajar bagi penduduk %(new)s."
        )
        % {"old": f"{region}.{old}", "new": f"{region}.{residence}", "year": year},
    )


def _kecamatan_part(code: str, regency_code: str) -> str | None:
    """'25', '351025' or '35.10.25' -> '25'; a code of another regency -> None."""
    plain = code.strip().replace(".", "")
    if len(plain) == 2:
        return plain
    if len(plain) == 6 and plain[:4] == regency_code:
        return plain[4:]
    return None


def _dates_in_either_century(day: int, month: int, yy: int) -> list[dt.date]:
    """The real dates DD-MM-YY can be, 20YY first (29 February only exists in leap years)."""
    dates = []
    for century in (2000, 1900):
        try:
            dates.append(dt.date(century + yy, month, day))
        except ValueError:
            pass
    return dates


def _latest_not_after(candidates: list[dt.date], today: dt.date) -> dt.date | None:
    return next((d for d in candidates if d <= today), None)


def _no_such_date(field_name: str, day: int, month: int, yy: int, part: str) -> str:
    values = {
        "date": f"{day:02d}-{month:02d}-{yy:02d}",
        "part": part,
        "y19": f"19{yy:02d}",
        "y20": f"20{yy:02d}",
    }
    nik = field_name == "nik"
    if (day, month) == (29, 2):
        if nik:
            text = _(
                "Tanggal lahir pada NIK %(date)s (DDMMYY %(part)s) tidak ada di kalender: 29 Februari hanya ada "
                "pada tahun kabisat, dan %(y19)s maupun %(y20)s bukan tahun kabisat."
            )
        else:
            text = _(
                "Tanggal terbit pada nomor KK %(date)s (DDMMYY %(part)s) tidak ada di kalender: 29 Februari "
                "hanya ada pada tahun kabisat, dan %(y19)s maupun %(y20)s bukan tahun kabisat."
            )
    elif nik:
        text = _("Tanggal lahir pada NIK %(date)s (DDMMYY %(part)s) tidak ada di kalender.")
    else:
        text = _("Tanggal terbit pada nomor KK %(date)s (DDMMYY %(part)s) tidak ada di kalender.")
    return text % values


def _serial(digits: str, *, field_name: str) -> int:
    serial = int(digits[12:])
    if serial == 0:
        _refuse(
            field_name,
            "serial",
            _("Nomor urut NIK 0000 (4 digit terakhir) tidak sah: nomor urut dimulai dari 0001.")
            if field_name == "nik"
            else _(
                "Nomor urut pada nomor KK 0000 (4 digit terakhir) tidak sah: nomor urut dimulai dari 0001."
            ),
        )
    return serial


def _dotted(code: str) -> str:
    """'351007' -> '35.10.07'; '3510' -> '35.10'."""
    return ".".join(code[i : i + 2] for i in range(0, len(code), 2))


def _area6(area6: str) -> str:
    plain = area6.replace(".", "")
    if len(plain) != 6 or not set(plain) <= _DIGITS:
        raise ValueError(f"area6 must be a 6-digit kecamatan code like '351007' or '35.10.07', got {area6!r}")
    return plain


def _serial4(serial: int) -> str:
    if not 1 <= serial <= 9999:
        raise ValueError(f"serial must be 1-9999, got {serial}")
    return f"{serial:04d}"
