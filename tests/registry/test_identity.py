"""NIK and KK parsing: every rule, valid and refused, with exact values. No database.

Messages are in Bahasa Indonesia (the default language) and in English under translation.override("en")."""

from __future__ import annotations

import csv
import inspect
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from smartkampung.registry import identity
from smartkampung.registry.identity import (
    PROVINCE_CODES,
    AreaCodes,
    IdentityError,
    IdentityIssue,
    kk_compose,
    mask_nik,
    nik_birth_part,
    nik_compose,
    parse_kk,
    parse_nik,
)

AREA_CSV = Path(__file__).resolve().parents[2] / "src/smartkampung/core/data/banyuwangi_areas.csv"
TODAY = date(2025, 6, 15)  # fixed, so century decisions do not drift with the calendar


def _banyuwangi() -> AreaCodes:
    with AREA_CSV.open(newline="", encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    # Blimbingsari (25) was split from Rogojampi (13) and Kabat (14) in 2017.
    return AreaCodes.from_codes("35.10", codes, split_from={"25": (("13", "14"), 2017)})


AREAS = _banyuwangi()


def refused(number: str, *, kk: bool = False, **kwargs) -> IdentityIssue:
    kwargs.setdefault("today", TODAY)
    with pytest.raises(IdentityError) as caught:
        if kk:
            parse_kk(number, areas=AREAS, **kwargs)
        else:
            parse_nik(number, areas=AREAS, **kwargs)
    assert str(caught.value) == caught.value.issue.message
    return caught.value.issue


def nik(number: str, **kwargs):
    kwargs.setdefault("today", TODAY)
    return parse_nik(number, areas=AREAS, **kwargs)


# --- area table ------------------------------------------------------------------------------------


def test_area_codes_from_the_csv():
    assert AREAS.regency_code == "3510"
    assert AREAS.kecamatan_codes == frozenset(f"{n:02d}" for n in range(1, 26))
    assert hash(AREAS)  # usable as a cache key despite the split_from mapping


def test_area_codes_refuse_a_dotted_regency():
    with pytest.raises(ValueError):
        AreaCodes(regency_code="35.10", kecamatan_codes=frozenset({"01"}))
    with pytest.raises(ValueError):
        AreaCodes(regency_code="3510", kecamatan_codes=frozenset({"1"}))


def test_province_codes_are_the_38_current_provinces():
    assert len(PROVINCE_CODES) == 38
    assert {"35", "21", "65", "96"} <= PROVINCE_CODES
    assert not {"00", "20", "54", "97", "99"} & PROVINCE_CODES


# --- valid NIKs ------------------------------------------------------------------------------------


def test_man():
    parsed = nik("3510071203850001")
    assert parsed.nik == "3510071203850001"
    assert (parsed.province, parsed.regency, parsed.kecamatan) == ("35", "10", "07")
    assert parsed.area_code == "35.10.07"
    assert parsed.sex == "M"
    assert (parsed.day, parsed.month, parsed.yy) == (12, 3, 85)
    assert parsed.birth_date == date(1985, 3, 12)
    assert parsed.serial == 1
    assert parsed.warnings == ()


def test_woman_has_40_added_to_the_day():
    parsed = nik("3510075203850023", sex="F")
    assert parsed.sex == "F"
    assert parsed.day == 12
    assert parsed.birth_date == date(1985, 3, 12)
    assert parsed.serial == 23


def test_woman_born_on_the_31st_has_day_71():
    assert nik("3510097101900001").birth_date == date(1990, 1, 31)


def test_surrounding_whitespace_is_ignored():
    assert nik("  3510071203850001\n").nik == "3510071203850001"


def test_29_february_2000_is_accepted_although_1900_was_not_a_leap_year():
    parsed = nik("3510026902000001")  # woman, 29+40
    assert parsed.birth_date == date(2000, 2, 29)
    assert parsed.sex == "F"


def test_29_february_2000_with_recorded_birth_date():
    assert nik("3510022902000001", birth_date=date(2000, 2, 29)).birth_date == date(2000, 2, 29)


def test_century_is_this_one_unless_that_is_after_today():
    assert nik("3510071506250001").birth_date == date(2025, 6, 15)  # today: a newborn
    assert nik("3510071606250001").birth_date == date(1925, 6, 16)  # tomorrow in 2025, so 1925


def test_recorded_birth_date_decides_the_century():
    # A 100-year-old shares YY with a newborn; the record says which.
    assert nik("3510071506250001", birth_date=date(1925, 6, 15)).birth_date == date(1925, 6, 15)


def test_outside_regency_is_accepted_with_a_warning():
    parsed = nik("3509071203850001")  # Jember
    assert parsed.area_code == "35.09.07"
    (warning,) = parsed.warnings
    assert (warning.field, warning.rule) == ("nik", "outside_regency")
    assert warning.message == (
        "NIK diterbitkan di kabupaten/kota 35.09, di luar kabupaten ini (35.10), "
        "sehingga kode kecamatannya, 07, tidak bisa diperiksa."
    )
    with translation.override("en"):
        (warning,) = nik("3509071203850001").warnings
    assert warning.message == (
        "NIK was issued in regency 35.09, outside this regency (35.10), "
        "so its kecamatan code 07 could not be checked."
    )


def test_outside_regency_kecamatan_is_not_checked():
    (warning,) = nik("5171991203850001").warnings  # Denpasar, kecamatan 99 unknown to us
    assert warning.rule == "outside_regency"


def test_blimbingsari_resident_with_rogojampi_nik_gets_a_pre_split_warning():
    parsed = nik("3510131203850001", residence_kecamatan="25")
    (warning,) = parsed.warnings
    assert (warning.field, warning.rule) == ("nik", "pre_split_kecamatan")
    assert warning.message == (
        "NIK memuat kecamatan 35.10.13, dari sebelum kecamatan 35.10.25 dimekarkan darinya pada 2017; "
        "hal ini wajar bagi penduduk 35.10.25."
    )
    with translation.override("en"):
        (warning,) = nik("3510131203850001", residence_kecamatan="25").warnings
    assert warning.message == (
        "NIK carries kecamatan 35.10.13, from before kecamatan 35.10.25 was split from it in 2017; "
        "this is expected for a resident of 35.10.25."
    )


@pytest.mark.parametrize("residence", ["25", "351025", "35.10.25"])
def test_residence_may_be_given_in_any_code_form(residence):
    (warning,) = nik("3510141203850001", residence_kecamatan=residence).warnings  # Kabat
    assert warning.rule == "pre_split_kecamatan"


@pytest.mark.parametrize(
    ("number", "residence"),
    [
        ("3510251203850001", "25"),  # issued in Blimbingsari itself
        ("3510091203850001", "25"),  # moved from Genteng: people move, nothing to say
        ("3510131203850001", "09"),  # Rogojampi NIK living in Genteng
        ("3510131203850001", None),
    ],
)
def test_no_warning_for_ordinary_moves(number, residence):
    assert nik(number, residence_kecamatan=residence).warnings == ()


# --- refused NIKs ----------------------------------------------------------------------------------


def test_too_short():
    issue = refused("351007120385001")
    assert (issue.field, issue.rule) == ("nik", "length")
    assert issue.message == "NIK harus tepat 16 digit (terisi 15)."
    with translation.override("en"):
        assert refused("351007120385001").message == "NIK must be exactly 16 digits (got 15)."


@pytest.mark.parametrize("number", ["35100712038500011", ""])
def test_wrong_length(number):
    issue = refused(number)
    assert (issue.field, issue.rule) == ("nik", "length")


@pytest.mark.parametrize(
    "number",
    ["3510 071203850001", "35.10.07.120385.0001", "351007120385000A", "351007120385000\u0661"],
)
def test_non_digits_inside(number):
    issue = refused(number)
    assert (issue.field, issue.rule) == ("nik", "digits")


def test_non_digit_message_names_the_character_and_position():
    assert refused("3510 071203850001").message == "NIK hanya boleh berisi angka 0-9 (ada ' ' di posisi 5)."
    with translation.override("en"):
        assert (
            refused("3510 071203850001").message
            == "NIK must contain only the digits 0-9 (found ' ' at position 5)."
        )


@pytest.mark.parametrize("number", ["9910071203850001", "0010071203850001", "2010071203850001"])
def test_unknown_province(number):
    issue = refused(number)
    assert (issue.field, issue.rule) == ("nik", "province")
    assert issue.message == f"NIK diawali {number[:2]}, yang bukan kode provinsi Indonesia."


def test_regency_00():
    issue = refused("3500071203850001")
    assert (issue.field, issue.rule) == ("nik", "regency")
    assert issue.message == (
        "NIK memuat kode kabupaten/kota 00 setelah provinsi 35; tidak ada kabupaten/kota berkode 00."
    )


def test_unknown_banyuwangi_kecamatan_26():
    issue = refused("3510261203850001")
    assert (issue.field, issue.rule) == ("nik", "kecamatan")
    assert issue.message == (
        "NIK memuat kode kecamatan 26, tetapi kabupaten 35.10 tidak punya kecamatan 35.10.26."
    )
    with translation.override("en"):
        assert (
            refused("3510261203850001").message
            == "NIK has kecamatan code 26, but regency 35.10 has no kecamatan 35.10.26."
        )


@pytest.mark.parametrize("number", ["3510001203850001", "3509001203850001"])
def test_kecamatan_00_is_refused_even_outside_the_regency(number):
    issue = refused(number)
    assert (issue.field, issue.rule) == ("nik", "kecamatan")


@pytest.mark.parametrize("number", ["3510071213850001", "3510071200850001", "3510075213850001"])
def test_bad_month(number):
    issue = refused(number)
    assert (issue.field, issue.rule) == ("nik", "month")
    assert f"({number[8:10]} dalam DDMMYY {number[6:12]})" in issue.message


def test_bad_month_message():
    assert (
        refused("3510071213850001").message
        == "Bulan lahir pada NIK (13 dalam DDMMYY 121385) tidak di antara 01-12."
    )
    with translation.override("en"):
        assert refused("3510071213850001").message == "NIK birth month 13 (in DDMMYY 121385) is not 01-12."


@pytest.mark.parametrize("dd", ["00", "32", "40", "72", "81", "99"])
def test_bad_day(dd):
    issue = refused(f"351007{dd}03850001")
    assert (issue.field, issue.rule) == ("nik", "day")
    assert issue.message == (
        f"Hari lahir pada NIK ({dd} dalam DDMMYY {dd}0385) tidak sah: harus 01-31 untuk laki-laki "
        "atau 41-71 untuk perempuan (hari + 40)."
    )
    with translation.override("en"):
        assert refused(f"351007{dd}03850001").message == (
            f"NIK birth day {dd} (in DDMMYY {dd}0385) is not valid: it must be 01-31 for a man "
            "or 41-71 for a woman (day + 40)."
        )


@pytest.mark.parametrize("dd", ["01", "31", "41", "71"])
def test_day_limits_accepted(dd):
    nik(f"351007{dd}01850001")


@pytest.mark.parametrize("birth", ["310285", "710285", "310485", "300285"])
def test_date_that_does_not_exist(birth):
    issue = refused(f"351007{birth}0001")
    assert (issue.field, issue.rule) == ("nik", "date")
    assert issue.message.startswith("Tanggal lahir pada NIK ") and f"(DDMMYY {birth})" in issue.message
    assert issue.message.endswith(" tidak ada di kalender.")


def test_29_february_in_a_year_that_is_never_leap():
    issue = refused("3510072902010001")
    assert (issue.field, issue.rule) == ("nik", "date")
    assert issue.message == (
        "Tanggal lahir pada NIK 29-02-01 (DDMMYY 290201) tidak ada di kalender: "
        "29 Februari hanya ada pada tahun kabisat, dan 1901 maupun 2001 bukan tahun kabisat."
    )
    with translation.override("en"):
        assert refused("3510072902010001").message == (
            "NIK birth date 29-02-01 (DDMMYY 290201) is not a real calendar date: "
            "29 February exists only in leap years, and neither 1901 nor 2001 is one."
        )


def test_future_birth_date():
    issue = refused("3510070107990001", today=date(1999, 6, 1))  # 1999-07-01 and 2099-07-01 both ahead
    assert (issue.field, issue.rule) == ("nik", "future")
    assert issue.message == (
        "Tanggal lahir pada NIK 01-07-99 (DDMMYY 010799) jatuh setelah hari ini (01-06-1999)."
    )
    with translation.override("en"):
        assert refused("3510070107990001", today=date(1999, 6, 1)).message == (
            "NIK birth date 01-07-99 (DDMMYY 010799) would be after today (01-06-1999)."
        )


def test_29_february_00_before_2000_is_in_the_future():
    # 1900 was not a leap year, and 2000-02-29 had not come yet.
    issue = refused("3510072902000001", today=date(1999, 12, 31))
    assert (issue.field, issue.rule) == ("nik", "future")


def test_recorded_birth_date_in_the_future():
    issue = refused("3510071506250001", birth_date=date(2025, 6, 16))
    assert (issue.field, issue.rule) == ("birth_date", "future")
    assert issue.message == "Tanggal lahir 16-06-2025 setelah hari ini (15-06-2025)."
    with translation.override("en"):
        assert (
            refused("3510071506250001", birth_date=date(2025, 6, 16)).message
            == "Birth date 16-06-2025 is after today (15-06-2025)."
        )


def test_serial_0000():
    issue = refused("3510071203850000")
    assert (issue.field, issue.rule) == ("nik", "serial")
    assert issue.message == "Nomor urut NIK 0000 (4 digit terakhir) tidak sah: nomor urut dimulai dari 0001."


def test_sex_recorded_male_but_nik_says_female():
    issue = refused("3510074503850001", sex="M")
    assert (issue.field, issue.rule) == ("sex", "sex_mismatch")
    assert issue.message == (
        "Jenis kelamin tercatat laki-laki, tetapi hari 45 pada NIK menunjukkan perempuan (hari + 40)."
    )
    with translation.override("en"):
        assert (
            refused("3510074503850001", sex="M").message
            == "Sex is recorded as male but the NIK's day 45 says female (day + 40)."
        )


def test_sex_recorded_female_but_nik_says_male():
    issue = refused("3510070503850001", sex="F")
    assert (issue.field, issue.rule) == ("sex", "sex_mismatch")
    assert issue.message == (
        "Jenis kelamin tercatat perempuan, tetapi hari 05 pada NIK menunjukkan laki-laki "
        "(untuk perempuan harinya 45)."
    )
    with translation.override("en"):
        assert (
            refused("3510070503850001", sex="F").message
            == "Sex is recorded as female but the NIK's day 05 says male (a woman's day would be 45)."
        )


@pytest.mark.parametrize(
    "recorded", [date(1985, 3, 13), date(1985, 4, 12), date(1984, 3, 12), date(1986, 3, 12)]
)
def test_birth_date_mismatch(recorded):
    issue = refused("3510071203850001", birth_date=recorded)
    assert (issue.field, issue.rule) == ("nik", "birth_date_mismatch")
    assert "12-03-85" in issue.message
    assert f"{recorded:%d-%m-%Y}" in issue.message


def test_birth_date_mismatch_message():
    issue = refused("3510075203850001", birth_date=date(1985, 3, 13))
    assert issue.message == (
        "Tanggal lahir pada NIK 12-03-85 (DDMMYY 520385) tidak cocok dengan tanggal lahir yang tercatat, "
        "13-03-1985."
    )
    with translation.override("en"):
        assert refused("3510075203850001", birth_date=date(1985, 3, 13)).message == (
            "NIK birth date 12-03-85 (DDMMYY 520385) does not match the recorded birth date 13-03-1985."
        )


def test_first_broken_rule_wins():
    assert refused("9926991303850000").rule == "province"
    assert refused("3510269913850000").rule == "kecamatan"
    assert refused("3510079913850000").rule == "month"
    assert refused("3510079903850000").rule == "day"
    assert refused("3510074503850000", sex="M").rule == "serial"


def test_unknown_sex_value_is_a_programming_error():
    with pytest.raises(ValueError) as caught:
        nik("3510071203850001", sex="L")
    assert not isinstance(caught.value, IdentityError)


def test_default_today_is_the_real_today():
    assert parse_nik("3510071203850001", areas=AREAS).birth_date == date(1985, 3, 12)


# --- KK --------------------------------------------------------------------------------------------


def test_kk_valid():
    parsed = parse_kk("3510072005190012", areas=AREAS, today=TODAY)
    assert parsed.kk_number == "3510072005190012"
    assert parsed.area_code == "35.10.07"
    assert parsed.issued_on == date(2019, 5, 20)
    assert parsed.serial == 12
    assert parsed.warnings == ()


def test_kk_century():
    assert parse_kk("3510071508980001", areas=AREAS, today=TODAY).issued_on == date(1998, 8, 15)
    assert parse_kk("3510071506250001", areas=AREAS, today=TODAY).issued_on == date(2025, 6, 15)


def test_kk_outside_regency_warning():
    (warning,) = parse_kk("3509072005190012", areas=AREAS, today=TODAY).warnings
    assert (warning.field, warning.rule) == ("kk_number", "outside_regency")
    assert warning.message == (
        "Nomor KK diterbitkan di kabupaten/kota 35.09, di luar kabupaten ini (35.10), "
        "sehingga kode kecamatannya, 07, tidak bisa diperiksa."
    )
    with translation.override("en"):
        (warning,) = parse_kk("3509072005190012", areas=AREAS, today=TODAY).warnings
    assert warning.message.startswith("KK number was issued in regency 35.09")


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        ("351007200519001", "length"),
        ("3510-07200519001", "digits"),
        ("9910072005190012", "province"),
        ("3500072005190012", "regency"),
        ("3510262005190012", "kecamatan"),
        ("3510002005190012", "kecamatan"),
        ("3510072013190012", "month"),
        ("3510070005190012", "day"),
        ("3510074505190012", "day"),  # no +40 on a KK
        ("3510073102190012", "date"),
        ("3510072902190012", "date"),
        ("3510072005190000", "serial"),
    ],
)
def test_kk_refused(number, rule):
    issue = refused(number, kk=True)
    assert (issue.field, issue.rule) == ("kk_number", rule)
    assert re.search(r"\b[Nn]omor KK\b", issue.message) and "NIK" not in issue.message
    with translation.override("en"):
        assert refused(number, kk=True).message.startswith("KK number")


def test_kk_future():
    issue = refused("3510070107990001", kk=True, today=date(1999, 6, 1))
    assert (issue.field, issue.rule) == ("kk_number", "future")
    assert issue.message == (
        "Tanggal terbit pada nomor KK 01-07-99 (DDMMYY 010799) jatuh setelah hari ini (01-06-1999)."
    )


def test_kk_day_message():
    assert (
        refused("3510074505190012", kk=True).message
        == "Hari terbit pada nomor KK (45 dalam DDMMYY 450519) tidak di antara 01-31."
    )
    with translation.override("en"):
        assert (
            refused("3510074505190012", kk=True).message
            == "KK number issue day 45 (in DDMMYY 450519) is not 01-31."
        )


# Every message the module makes, refusals and warnings, for the NIK and the KK number:
# (what, number, kk, keyword arguments).
EVERY_MESSAGE = [
    ("length", "351007120385001", False, {}),
    ("digits", "351007120385000A", False, {}),
    ("province", "9910071203850001", False, {}),
    ("regency", "3500071203850001", False, {}),
    ("kecamatan 00", "3510001203850001", False, {}),
    ("kecamatan unknown", "3510261203850001", False, {}),
    ("month", "3510071213850001", False, {}),
    ("day", "3510073203850001", False, {}),
    ("date", "3510073102850001", False, {}),
    ("date 29 February", "3510072902010001", False, {}),
    ("future", "3510070107990001", False, {"today": date(1999, 6, 1)}),
    ("serial", "3510071203850000", False, {}),
    ("recorded birth date in the future", "3510071506250001", False, {"birth_date": date(2025, 6, 16)}),
    ("recorded male", "3510074503850001", False, {"sex": "M"}),
    ("recorded female", "3510070503850001", False, {"sex": "F"}),
    ("birth date mismatch", "3510071203850001", False, {"birth_date": date(1985, 3, 13)}),
    ("outside regency", "3509071203850001", False, {}),
    ("pre-split kecamatan", "3510131203850001", False, {"residence_kecamatan": "25"}),
    ("kk length", "351007200519001", True, {}),
    ("kk digits", "3510-07200519001", True, {}),
    ("kk province", "9910072005190012", True, {}),
    ("kk regency", "3500072005190012", True, {}),
    ("kk kecamatan 00", "3510002005190012", True, {}),
    ("kk kecamatan unknown", "3510262005190012", True, {}),
    ("kk month", "3510072013190012", True, {}),
    ("kk day", "3510070005190012", True, {}),
    ("kk date", "3510073102190012", True, {}),
    ("kk date 29 February", "3510072902190012", True, {}),
    ("kk future", "3510070107990001", True, {"today": date(1999, 6, 1)}),
    ("kk serial", "3510072005190000", True, {}),
    ("kk outside regency", "3509072005190012", True, {}),
]


def _issue(number: str, kk: bool, kwargs: dict) -> IdentityIssue:
    kwargs = {"today": TODAY, **kwargs}
    try:
        parsed = (parse_kk if kk else parse_nik)(number, areas=AREAS, **kwargs)
    except IdentityError as error:
        return error.issue
    (warning,) = parsed.warnings
    return warning


def test_every_message_is_translated():
    # Each message in Indonesian differs from its English translation: no msgid was left out of the
    # catalogue. And every rule code the module uses is covered, for the NIK and the KK number alike.
    seen = set()
    for what, number, kk, kwargs in EVERY_MESSAGE:
        indonesian = _issue(number, kk, kwargs)
        with translation.override("en"):
            english = _issue(number, kk, kwargs)
        assert (indonesian.field, indonesian.rule) == (english.field, english.rule), what
        assert indonesian.message != english.message, what
        assert ("KK" in english.message) == kk and ("KK" in indonesian.message) == kk, what
        seen.add((indonesian.rule, kk))
    source = inspect.getsource(identity)
    codes = set(re.findall(r'_refuse\(\s*(?:\w+|"\w+"),\s*"(\w+)"', source))
    codes |= set(re.findall(r'rule="(\w+)"', source))
    assert codes == {rule for rule, _ in seen}
    shared = set(
        "length digits province regency kecamatan month day date future serial outside_regency".split()
    )
    assert shared <= {rule for rule, kk in seen if kk} and shared <= {rule for rule, kk in seen if not kk}


# --- composing and masking -------------------------------------------------------------------------


def test_nik_birth_part():
    assert nik_birth_part(sex="M", birth_date=date(1985, 3, 2)) == "020385"
    assert nik_birth_part(sex="F", birth_date=date(1990, 1, 31)) == "710190"
    assert nik_birth_part(sex="F", birth_date=date(2000, 2, 29)) == "690200"


def test_compose():
    assert nik_compose(area6="351007", sex="F", birth_date=date(1985, 3, 12), serial=23) == "3510075203850023"
    assert (
        nik_compose(area6="35.10.07", sex="M", birth_date=date(1985, 3, 12), serial=1) == "3510071203850001"
    )
    assert kk_compose(area6="35.10.07", issued_on=date(2019, 5, 20), serial=12) == "3510072005190012"


@pytest.mark.parametrize(
    "kwargs",
    [{"serial": 0}, {"serial": 10000}, {"area6": "35100"}, {"area6": "35.10.7a"}, {"sex": "X"}],
)
def test_compose_refuses_bad_arguments(kwargs):
    arguments = {"area6": "351007", "sex": "M", "birth_date": date(1985, 3, 12), "serial": 1} | kwargs
    with pytest.raises(ValueError):
        nik_compose(**arguments)


def test_mask_nik():
    assert mask_nik("3510075203850023") == "3510**********23"
    assert mask_nik(" 3510075203850023 ") == "3510**********23"
    assert mask_nik("35100752038500") == "*" * 14  # malformed: hide everything


# --- properties ------------------------------------------------------------------------------------

KECAMATAN = sorted(AREAS.kecamatan_codes)


@given(
    sex=st.sampled_from(["M", "F"]),
    birth_date=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    kecamatan=st.sampled_from(KECAMATAN),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_nik_round_trip(sex, birth_date, kecamatan, serial):
    number = nik_compose(area6=f"3510{kecamatan}", sex=sex, birth_date=birth_date, serial=serial)
    parsed = parse_nik(number, areas=AREAS, sex=sex, birth_date=birth_date, today=TODAY)
    assert (parsed.sex, parsed.birth_date, parsed.serial) == (sex, birth_date, serial)
    assert parsed.area_code == f"35.10.{kecamatan}"
    assert parsed.warnings == ()
    # Without the recorded date the parser picks the latest reading of YY that is not in the future.
    guessed = parse_nik(number, areas=AREAS, today=TODAY).birth_date
    assert guessed is not None
    assert guessed.year % 100 == birth_date.year % 100
    assert birth_date <= guessed <= TODAY
    assert guessed.year - birth_date.year in (0, 100)


@given(
    # A KK number more than 100 years old would read as this century by design: KK numbers began long after.
    issued_on=st.dates(
        min_value=date(TODAY.year - 100, TODAY.month, TODAY.day) + timedelta(days=1), max_value=TODAY
    ),
    kecamatan=st.sampled_from(KECAMATAN),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_kk_round_trip(issued_on, kecamatan, serial):
    number = kk_compose(area6=f"3510{kecamatan}", issued_on=issued_on, serial=serial)
    parsed = parse_kk(number, areas=AREAS, today=TODAY)
    assert (parsed.issued_on, parsed.serial, parsed.area_code) == (issued_on, serial, f"35.10.{kecamatan}")
    assert parsed.warnings == ()
