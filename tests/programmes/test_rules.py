"""The eligibility rule language (programmes/rules.py): pure tests, no database.

Error messages are checked in Bahasa Indonesia (the default) and in English (translation.override).
Compiled rules are compared with Q objects built by hand (Q supports ==), and evaluated in Python by a
small Q interpreter (`matches`) against rows of facts, to check what they mean: ages around 29 February,
and that an unknown fact (NULL desil, household size or house condition) never makes anyone eligible,
not even through `not`.
"""

from __future__ import annotations

import datetime as dt
import string

import pytest
from django.db.models import Q
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartkampung.programmes.rules import FACTS, FUNCTIONS, CheckedRule, RuleError, check, compile_rule

TODAY = dt.date(2026, 2, 28)
LEAP_DAY = dt.date(2024, 2, 29)
PROGRAMMES = ("PKH", "BPNT", "PBI_JKN", "BLT_DD", "RTLH")
AREAS = ("35.10", "35.10.15", "35.10.15.2004", "35.10.15.2005", "35.10.20", "35.10.20.2002")


def receives(code: str) -> Q:
    return Q(programmes__contains=code)


def rule(text: str, *, today: dt.date = TODAY, area_codes=None) -> Q:
    return compile_rule(text, programme_codes=PROGRAMMES, today=today, receives=receives, area_codes=area_codes)


def error(text: str, **kwargs) -> RuleError:
    with pytest.raises(RuleError) as info:
        check(text, programme_codes=PROGRAMMES, **kwargs)
    return info.value


# --- Compiled Q, by hand -----------------------------------------------------------------------------

COMPILED = [
    # The brief's examples.
    ('age >= 60 and lives_alone and desil <= 4 and not receives("PKH")',
     Q(birth_date__lte=dt.date(1966, 2, 28)) & Q(hh_size=1) & Q(hh_desil__lte=4) & ~receives("PKH")),
    ("desil <= 4 and (pregnant or household_size >= 5) and not deceased",
     Q(hh_desil__lte=4) & (Q(pregnancy_due_date__gte=TODAY) | Q(hh_size__gte=5)) & Q(date_of_death__isnull=True)),
    ('house_condition in ["tidak_layak", "kurang_layak"] and area("35.10.15")',
     Q(hh_house_condition__in=["tidak_layak", "kurang_layak"]) & Q(village__code__startswith="35.10.15.")),
    ('birth_date < 2000-01-01 and sex == "F"', Q(birth_date__lt=dt.date(2000, 1, 1)) & Q(sex="F")),
    # Areas: a village is one code, a kecamatan or the kabupaten every code below it.
    ('area("35.10.15.2004")', Q(village__code="35.10.15.2004")),
    ('area("35.10")', Q(village__code__startswith="35.10.")),
    ('not area("35.10.20")', ~Q(village__code__startswith="35.10.20.")),
    # Precedence: not > and > or; parentheses; keywords in any case; comments and newlines.
    ('sex == "F" or desil <= 2 and lives_alone', Q(sex="F") | (Q(hh_desil__lte=2) & Q(hh_size=1))),
    ('(sex == "F" or desil <= 2) and lives_alone', (Q(sex="F") | Q(hh_desil__lte=2)) & Q(hh_size=1)),
    ('NOT deceased AND pregnant Or severe_disability',
     (Q(date_of_death__isnull=True) & Q(pregnancy_due_date__gte=TODAY)) | Q(disability_severe=True)),
    ('# PKH lansia\ndesil <= 4   # DTSEN\n  and\n\tage >= 70', Q(hh_desil__lte=4) & Q(birth_date__lte=dt.date(1956, 2, 28))),
    # not is pushed down to the facts (De Morgan), each with a complement that never matches NULL.
    ("not (desil <= 4 or lives_alone)", Q(hh_desil__gt=4) & (Q(hh_size__lt=1) | Q(hh_size__gt=1))),
    ('not (sex == "F" and not receives("PKH"))', Q(sex="M") | receives("PKH")),
    ("not not disability", ~Q(disability="none")),
    ("not disability", Q(disability="none")),
    ("desil != 4", Q(hh_desil__lt=4) | Q(hh_desil__gt=4)),
    ("household_size == 3", Q(hh_size=3)),
    ('house_condition != "layak"', Q(hh_house_condition__in=["kurang_layak", "tidak_layak"])),
    ('sex != "F"', Q(sex="M")),
    ('house_condition not in ["layak", "kurang_layak"]', Q(hh_house_condition="tidak_layak")),
    ('sex not in ["M", "F"]', Q(pk__in=[])),
    ("desil in [1, 2, 2, 3]", Q(hh_desil__in=[1, 2, 3])),
    ("desil not in [1, 2]", Q(hh_desil__isnull=False) & ~Q(hh_desil__in=[1, 2])),
    ("birth_date in [2000-01-01, 2001-02-03]", Q(birth_date__in=[dt.date(2000, 1, 1), dt.date(2001, 2, 3)])),
    # true/false comparisons, literal on the left.
    ("lives_alone == false", Q(hh_size__lt=1) | Q(hh_size__gt=1)),
    ("severe_disability != false", Q(disability_severe=True)),
    ('receives("BPNT") == false', ~receives("BPNT")),
    ("4 >= desil", Q(hh_desil__lte=4)),
    ("1990-06-01 <= birth_date", Q(birth_date__gte=dt.date(1990, 6, 1))),
    ("not pregnant", Q(pregnancy_due_date__isnull=True) | Q(pregnancy_due_date__lt=TODAY)),
    # Ages on 28 Feb 2026 (a common year).
    ("age >= 18", Q(birth_date__lte=dt.date(2008, 2, 28))),
    ("age > 17", Q(birth_date__lte=dt.date(2008, 2, 28))),
    ("age < 18", Q(birth_date__gt=dt.date(2008, 2, 28))),
    ("age <= 17", Q(birth_date__gt=dt.date(2008, 2, 28))),
    ("age >= 2", Q(birth_date__lte=dt.date(2024, 2, 28))),  # born 29 Feb 2024: turns 2 on 1 Mar 2026
    ("age == 6", Q(birth_date__gt=dt.date(2019, 2, 28), birth_date__lte=dt.date(2020, 2, 28))),
    ("age != 6", Q(birth_date__gt=dt.date(2020, 2, 28)) | Q(birth_date__lte=dt.date(2019, 2, 28))),
    ("age in [0, 1]", Q(birth_date__gt=dt.date(2025, 2, 28), birth_date__lte=TODAY)
     | Q(birth_date__gt=dt.date(2024, 2, 28), birth_date__lte=dt.date(2025, 2, 28))),
    ("age not in [60]", ~Q(birth_date__gt=dt.date(1965, 2, 28), birth_date__lte=dt.date(1966, 2, 28))),
]


@pytest.mark.parametrize(("text", "expected"), COMPILED, ids=[t for t, _ in COMPILED])
def test_compiles_to(text, expected):
    assert rule(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # On 29 Feb 2024 the same day of a common year does not exist: 28 Feb is the latest birth date that counts.
    ("age >= 1", Q(birth_date__lte=dt.date(2023, 2, 28))),
    ("age >= 4", Q(birth_date__lte=dt.date(2020, 2, 29))),  # 2020 is a leap year
    ("age >= 60", Q(birth_date__lte=dt.date(1964, 2, 29))),
    ("age < 1", Q(birth_date__gt=dt.date(2023, 2, 28))),
    ("age == 3", Q(birth_date__gt=dt.date(2020, 2, 29), birth_date__lte=dt.date(2021, 2, 28))),
    ("age > 99", Q(birth_date__lte=dt.date(1924, 2, 29))),
])
def test_ages_on_a_leap_day(text, expected):
    assert rule(text, today=LEAP_DAY) == expected


def test_check_reports_what_the_rule_uses():
    text = 'age >= 60 and not receives("PKH") and (area("35.10.15") or area("35.10.20.2002")) and lives_alone'
    assert check(text, programme_codes=PROGRAMMES, area_codes=AREAS) == CheckedRule(
        text=text, facts=frozenset({"age", "lives_alone"}), programmes=frozenset({"PKH"}),
        areas=frozenset({"35.10.15", "35.10.20.2002"}))


def test_facts_and_functions_are_described():
    assert set(FACTS) == {"age", "sex", "desil", "household_size", "lives_alone", "disability", "severe_disability",
                          "pregnant", "house_condition", "deceased", "birth_date"}
    assert {f.type for f in FACTS.values()} == {"int", "str", "bool", "date"}
    assert FACTS["house_condition"].choices == ("layak", "kurang_layak", "tidak_layak")
    assert all(f.description for f in FACTS.values()) and set(FUNCTIONS) == {"receives", "area", "affected"}
    with pytest.raises(TypeError):
        FACTS["income"] = FACTS["age"]  # read-only


# --- Errors: message and exact position ---------------------------------------------------------------

ERRORS = [
    # (rule, message, the message in English, position, end, line, column)
    ("",
     "Aturan masih kosong. Tulis syarat seperti: desil <= 4",
     "The rule is empty. Write a condition such as: desil <= 4", 0, 0, 1, 1),
    ("  # nothing yet\n",
     "Aturan masih kosong. Tulis syarat seperti: desil <= 4",
     "The rule is empty. Write a condition such as: desil <= 4", 0, 0, 1, 1),
    ("age >= 60 and desil <= ",
     "Setelah '<=' seharusnya ada nilai, tetapi aturan sudah berakhir.",
     "Expected a value after '<=', but the rule ends there.", 22, 22, 1, 23),
    ("age >= 60 and desil <= and lives_alone",
     "Setelah '<=' seharusnya ada nilai, tetapi yang tertulis 'and'.",
     "Expected a value after '<=', but found 'and'.", 23, 26, 1, 24),
    ("age >= 60 lives_alone",
     "Setelah '60' seharusnya ada 'and', 'or' atau akhir aturan, tetapi yang tertulis 'lives_alone'.",
     "Expected 'and', 'or' or the end of the rule after '60', but found 'lives_alone'.", 10, 21, 1, 11),
    ("age 60",
     "Setelah 'age' seharusnya ada operator seperti >= atau in, 'and', 'or' atau akhir aturan, "
     "tetapi yang tertulis '60'.",
     "Expected an operator such as >= or in, 'and', 'or' or the end of the rule after 'age', "
     "but found '60'.", 4, 6, 1, 5),
    ("(age > 5 or pregnant",
     "Setelah 'pregnant' seharusnya ada ')', tetapi aturan sudah berakhir.",
     "Expected ')' after 'pregnant', but the rule ends there.", 20, 20, 1, 21),
    ("desil <= 4 dan pregnant",
     "Setelah '4' seharusnya ada 'and', 'or' atau akhir aturan, tetapi yang tertulis 'dan'. Tulis 'and', bukan 'dan'.",
     "Expected 'and', 'or' or the end of the rule after '4', but found 'dan'. "
     "Write 'and' instead of 'dan'.", 11, 14, 1, 12),
    ("age = 60",
     "Karakter '=' tidak bisa dipakai di sini. Gunakan '==' untuk menguji kesamaan, mis. sex == \"F\".",
     "Unexpected character '='. Use '==' to test equality, e.g. sex == \"F\".", 4, 5, 1, 5),
    ('sex == "F\nand pregnant',
     'Teks ini tidak punya tanda kutip penutup ".',
     'This text has no closing ".', 7, 9, 1, 8),
    ("desil <= 4\nand umur >= 60",
     "Fakta 'umur' tidak dikenal. Maksud Anda 'age'?",
     "Unknown fact 'umur'. Did you mean 'age'?", 15, 19, 2, 5),
    ("desil <= 4 and\n  housecondition == 'layak'",
     "Fakta 'housecondition' tidak dikenal. Maksud Anda 'house_condition'?",
     "Unknown fact 'housecondition'. Did you mean 'house_condition'?", 17, 31, 2, 3),
    ("hamil",
     "Fakta 'hamil' tidak dikenal. Maksud Anda 'pregnant'?",
     "Unknown fact 'hamil'. Did you mean 'pregnant'?", 0, 5, 1, 1),
    ("Desil <= 4",
     "Fakta 'Desil' tidak dikenal. Maksud Anda 'desil'?",
     "Unknown fact 'Desil'. Did you mean 'desil'?", 0, 5, 1, 1),
    ("sex == F",
     "Fakta 'F' tidak dikenal. Jika ini nilai 'sex', beri tanda kutip: \"F\"",
     "Unknown fact 'F'. If this is a value of 'sex', put it in quotes: \"F\"", 7, 8, 1, 8),
    ('desil <= 4 and not receives("PHK")',
     "Program 'PHK' tidak dikenal. Maksud Anda 'PKH'?",
     "Unknown programme 'PHK'. Did you mean 'PKH'?", 28, 33, 1, 29),
    ('receives("ZZZ")',
     "Program 'ZZZ' tidak dikenal. Program yang ada: BLT_DD, BPNT, PBI_JKN, PKH, RTLH.",
     "Unknown programme 'ZZZ'. Known programmes: BLT_DD, BPNT, PBI_JKN, PKH, RTLH.", 9, 14, 1, 10),
    ("receives(PKH)",
     'receives() diisi kode program dalam tanda kutip, mis. receives("PKH")',
     'receives() takes a programme code in quotes, e.g. receives("PKH")', 9, 12, 1, 10),
    ('receives("PKH", "BPNT")',
     'receives() diisi kode program dalam tanda kutip, mis. receives("PKH") (tertulis 2 argumen).',
     'receives() takes a programme code in quotes, e.g. receives("PKH") (got 2 arguments).', 16, 22, 1, 17),
    ("area()",
     'area() diisi kode wilayah dalam tanda kutip, mis. area("35.10.15") (tertulis 0 argumen).',
     'area() takes an area code in quotes, e.g. area("35.10.15") (got 0 arguments).', 0, 4, 1, 1),
    ("area('3510')",
     "'3510' bukan kode wilayah: "
     'tulis kode desa ("35.10.15.2004"), kecamatan ("35.10.15") atau kabupaten ("35.10").',
     "'3510' is not an area code: "
     'write a village ("35.10.15.2004"), a kecamatan ("35.10.15") or the kabupaten ("35.10").', 5, 11, 1, 6),
    ("umur('x')",
     "Fungsi 'umur' tidak dikenal. Fungsi yang ada: receives, area, affected.",
     "Unknown function 'umur'. The functions are: receives, area, affected.", 0, 4, 1, 1),
    ("birth_date < 2000",
     "Tidak bisa membandingkan 'birth_date' (tanggal) dengan angka. "
     "Tulis tanggal sebagai YYYY-MM-DD tanpa tanda kutip, mis. 2000-01-31.",
     "Cannot compare 'birth_date' (a date) with a number. Write dates as YYYY-MM-DD without quotes, e.g. "
     "2000-01-31.", 13, 17, 1, 14),
    ("age >= 1960-01-01",
     "Tidak bisa membandingkan 'age' (angka) dengan tanggal. Untuk membandingkan dengan tanggal, gunakan 'birth_date'.",
     "Cannot compare 'age' (a number) with a date. To compare with a date, use 'birth_date'.", 7, 17, 1, 8),
    ("age >= '60'",
     "Tidak bisa membandingkan 'age' (angka) dengan teks. Tulis angka tanpa tanda kutip, mis. 60.",
     "Cannot compare 'age' (a number) with text. Write numbers without quotes, e.g. 60.", 7, 11, 1, 8),
    ("sex == 1",
     "Tidak bisa membandingkan 'sex' (teks) dengan angka. Nilai yang boleh: \"M\", \"F\".",
     "Cannot compare 'sex' (text) with a number. Allowed values: \"M\", \"F\".", 7, 8, 1, 8),
    ("household_size >= 2.5",
     "'household_size' berupa bilangan bulat; 2.5 bukan bilangan bulat.",
     "'household_size' is a whole number; 2.5 is not.", 18, 21, 1, 19),
    ("sex == 'X' and age > 5",
     "'X' bukan salah satu nilai 'sex'. Nilai yang boleh: \"M\", \"F\".",
     "'X' is not a value of 'sex'. Allowed values: \"M\", \"F\".", 7, 10, 1, 8),
    ('house_condition in ["layak", "rusak"]',
     "'rusak' bukan salah satu nilai 'house_condition'. "
     'Nilai yang boleh: "layak", "kurang_layak", "tidak_layak".',
     "'rusak' is not a value of 'house_condition'. "
     'Allowed values: "layak", "kurang_layak", "tidak_layak".', 29, 36, 1, 30),
    ("desil <= 40",
     "'desil' bernilai 1 sampai 10; 40 di luar rentang itu.",
     "'desil' goes from 1 to 10; 40 is out of range.", 9, 11, 1, 10),
    ("birth_date > 2000-02-30",
     "2000-02-30 bukan tanggal yang sah (YYYY-MM-DD).",
     "2000-02-30 is not a valid date (YYYY-MM-DD).", 13, 23, 1, 14),
    ("desil <= 4 and age",
     "'age' berupa angka, bukan syarat: bandingkan dengan sebuah nilai, mis. age >= 5",
     "'age' is a number, not a condition: compare it with a value, e.g. age >= 5", 15, 18, 1, 16),
    ("not house_condition",
     "'house_condition' berupa teks, bukan syarat: bandingkan dengan sebuah nilai, mis. house_condition == \"layak\"",
     "'house_condition' is text, not a condition: compare it with a value, e.g. "
     'house_condition == "layak"', 4, 19, 1, 5),
    ("60",
     "Nilai 60 saja bukan syarat: bandingkan sebuah fakta dengannya, mis. age >= 60",
     "The value 60 on its own is not a condition: compare a fact with it, e.g. age >= 60", 0, 2, 1, 1),
    ("desil in [1, 2, '3']",
     "Semua nilai dalam daftar harus sejenis: yang ini teks, yang pertama angka.",
     "All values of a list must be of one type: this is text, the first is a number.", 16, 19, 1, 17),
    ("desil in ['1', '2']",
     "Tidak bisa membandingkan 'desil' (angka) dengan teks. Tulis angka tanpa tanda kutip, mis. 60.",
     "Cannot compare 'desil' (a number) with text. Write numbers without quotes, e.g. 60.", 10, 13, 1, 11),
    ("sex in [F]",
     'Daftar hanya berisi nilai (angka, teks bertanda kutip, tanggal). Beri tanda kutip pada teks: "F".',
     'A list holds values only (numbers, quoted text, dates). Put text in quotes: "F".', 8, 9, 1, 9),
    ("desil in []",
     "Daftarnya kosong: isi paling sedikit satu nilai.",
     "The list is empty: give at least one value.", 9, 11, 1, 10),
    ("lives_alone > false",
     "'>' tidak bisa dipakai untuk 'lives_alone' (benar/salah): gunakan == atau !=.",
     "'>' cannot be used with 'lives_alone' (true/false): use == or !=.", 12, 13, 1, 13),
    ("sex >= 'F'",
     "'>=' tidak bisa dipakai untuk 'sex' (teks): gunakan ==, != atau in.",
     "'>=' cannot be used with 'sex' (text): use ==, != or in.", 4, 6, 1, 5),
    ("pregnant == 1",
     "Tidak bisa membandingkan 'pregnant' (benar/salah) dengan angka. Bandingkan dengan true atau false.",
     "Cannot compare 'pregnant' (true/false) with a number. Compare it with true or false.", 12, 13, 1, 13),
    ("age < desil",
     "Bandingkan 'age' (angka) dengan sebuah nilai, bukan dengan fakta atau syarat lain.",
     "Compare 'age' (a number) with a value, not with another fact or condition.", 6, 11, 1, 7),
    ("5 < 6",
     "Perbandingan perlu sebuah fakta di salah satu sisinya, mis. age >= 60",
     "A comparison needs a fact on one side, e.g. age >= 60", 0, 1, 1, 1),
    ("receives",
     "'receives' adalah fungsi: isi dengan kode program, mis. receives(\"PKH\")",
     "'receives' is a function: give it a programme code, e.g. receives(\"PKH\")", 0, 8, 1, 1),
    ("age(5)",
     "'age' adalah fakta, bukan fungsi: tulis tanpa tanda kurung.",
     "'age' is a fact, not a function: use it without parentheses.", 0, 3, 1, 1),
    (")",
     "Di awal aturan seharusnya ada syarat, tetapi yang tertulis ')'.",
     "Expected a condition at the start of the rule, but found ')'.", 0, 1, 1, 1),
    ("pregnant & lives_alone",
     "Karakter '&' tidak bisa dipakai di sini. Gunakan 'and' untuk menggabungkan syarat.",
     "Unexpected character '&'. Use 'and' to combine conditions.", 9, 10, 1, 10),
    ("desil in [1] or not (" * 40 + "pregnant" + ")" * 40,
     "Aturan ini bertingkat lebih dari 64 lapis (tanda kurung atau 'not').",
     "The rule is nested more than 64 levels deep.", None, None, 1, None),
]


@pytest.mark.parametrize(("text", "message", "english", "position", "end", "line", "column"), ERRORS,
                         ids=[e[0][:40] for e in ERRORS])
def test_rule_errors(text, message, english, position, end, line, column):
    # In Bahasa Indonesia by default; in English when that is the active language as the error is made.
    e = error(text)
    assert e.message == message
    if position is not None:
        assert (e.position, e.end, e.line, e.column) == (position, end, line, column)
        assert str(e) == f"baris {line}, kolom {column}: {message}"
    with translation.override("en"):
        e = error(text)
        assert e.message == english
        if position is not None:
            assert (e.position, e.end, e.line, e.column) == (position, end, line, column)
            assert str(e) == f"line {line}, column {column}: {english}"
    assert message != english


def test_unknown_area_only_when_the_areas_are_given():
    assert check('area("35.10.99")', programme_codes=()).areas == {"35.10.99"}
    e = error('desil <= 4 and area("35.10.99")', area_codes=AREAS)
    assert (e.message, e.position, e.end) == ("Wilayah '35.10.99' tidak dikenal. Maksud Anda '35.10.20'?", 20, 30)
    with translation.override("en"):
        e = error('desil <= 4 and area("35.10.99")', area_codes=AREAS)
    assert (e.message, e.position, e.end) == ("Unknown area '35.10.99'. Did you mean '35.10.20'?", 20, 30)
    assert error('area("35.10.99")', area_codes=()).message == "Wilayah '35.10.99' tidak dikenal: belum ada wilayah satu pun."


def test_compile_checks_too():
    with pytest.raises(RuleError, match="Program 'PKH' tidak dikenal: belum ada program satu pun."):
        compile_rule('receives("PKH")', programme_codes=[], today=TODAY, receives=receives)
    with translation.override("en"), pytest.raises(RuleError, match="Unknown programme 'PKH': there are none yet."):
        compile_rule('receives("PKH")', programme_codes=[], today=TODAY, receives=receives)


def test_a_long_list_of_known_codes_is_cut_short():
    codes = [f"P{n:02d}" for n in range(15)]
    with pytest.raises(RuleError) as info:
        check('receives("X")', programme_codes=codes)
    assert info.value.message == ("Program 'X' tidak dikenal. Program yang ada: P00, P01, P02, P03, P04, P05, P06, P07, "
                                  "P08, P09, P10, P11 dan 3 lainnya.")
    with translation.override("en"), pytest.raises(RuleError) as info:
        check('receives("X")', programme_codes=codes)
    assert info.value.message == ("Unknown programme 'X'. Known programmes: P00, P01, P02, P03, P04, P05, P06, P07, "
                                  "P08, P09, P10, P11 and 3 more.")


# --- What compiled rules mean: a small Q interpreter --------------------------------------------------

LOOKUPS = {"exact", "lt", "lte", "gt", "gte", "in", "isnull", "startswith", "contains"}


def matches(q: Q, row: dict) -> bool:
    """Whether a row passes the filter `q`, reading a comparison with NULL as false and ~ as a plain
    boolean not. That is how Django compiles ~Q over a nullable column (NOT (x <= 4 AND x IS NOT NULL)):
    the least forgiving reading of a NULL, so a rule that keeps unknown facts out here keeps them out in SQL."""
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(matches(child, row))
            continue
        key, expected = child
        parts = key.split("__")
        lookup = parts.pop() if len(parts) > 1 and parts[-1] in LOOKUPS else "exact"
        actual = row["__".join(parts)]
        if lookup == "isnull":
            results.append((actual is None) == expected)
        elif actual is None:
            results.append(False)
        else:
            results.append({
                "exact": lambda a, e: a == e, "lt": lambda a, e: a < e, "lte": lambda a, e: a <= e,
                "gt": lambda a, e: a > e, "gte": lambda a, e: a >= e, "in": lambda a, e: a in e,
                "startswith": lambda a, e: a.startswith(e), "contains": lambda a, e: e in a,
            }[lookup](actual, expected))
    result = all(results) if q.connector == Q.AND else any(results)
    return result != q.negated


def age_on(birth_date: dt.date, today: dt.date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


@pytest.mark.parametrize("today", [dt.date(2026, 2, 28), dt.date(2024, 2, 29), dt.date(2024, 2, 28), dt.date(2025, 3, 1),
                                   dt.date(2028, 2, 29), dt.date(2026, 12, 31)])
def test_age_agrees_with_birthdays_day_by_day(today):
    # Every birth date in a window around each boundary, against the usual age arithmetic (29 February
    # birthdays come on 1 March in common years).
    for years in (0, 1, 2, 4, 17, 60, 100):
        window = [today.replace(year=today.year - years - 2, month=1, day=1) + dt.timedelta(days=d) for d in range(3 * 366 + 2)]
        window = [b for b in window if b <= today]
        for op in ("==", "!=", "<", "<=", ">", ">="):
            q = rule(f"age {op} {years}", today=today)
            for born in window:
                age = age_on(born, today)
                expected = {"==": age == years, "!=": age != years, "<": age < years, "<=": age <= years,
                            ">": age > years, ">=": age >= years}[op]
                assert matches(q, {"birth_date": born}) == expected, (op, years, born)


# --- Hypothesis: random rules from the grammar -------------------------------------------------------

# Each strategy draws (text, meaning) pairs: `meaning(row, today)` is the rule's truth in three-valued
# logic (None = unknown, when a fact it needs is NULL). Rules come out well-formed and well-typed.

def kleene_and(a, b):
    return False if a is False or b is False else (None if a is None or b is None else True)


def kleene_or(a, b):
    return True if a is True or b is True else (None if a is None or b is None else False)


def kleene_not(a):
    return None if a is None else not a


def compare(a, op, b):
    if a is None:
        return None
    return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def keyword(word: str):
    return st.sampled_from([word, word.upper(), word.capitalize()])


spaces = st.sampled_from([" ", "  ", "\n", " \t", " # note\n"])
int_ops = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
eq_ops = st.sampled_from(["==", "!="])

FACT_VALUE = {
    "age": lambda row, today: age_on(row["birth_date"], today),
    "desil": lambda row, today: row["hh_desil"],
    "household_size": lambda row, today: row["hh_size"],
    "sex": lambda row, today: row["sex"],
    "house_condition": lambda row, today: row["hh_house_condition"],
    "birth_date": lambda row, today: row["birth_date"],
    "lives_alone": lambda row, today: None if row["hh_size"] is None else row["hh_size"] == 1,
    "disability": lambda row, today: row["disability"] != "none",
    "severe_disability": lambda row, today: row["disability_severe"],
    "pregnant": lambda row, today: row["pregnancy_due_date"] is not None and row["pregnancy_due_date"] >= today,
    "deceased": lambda row, today: row["date_of_death"] is not None,
}


def quoted(value: str):
    return st.sampled_from([f'"{value}"', f"'{value}'"])


@st.composite
def comparisons(draw):
    fact = draw(st.sampled_from(sorted(FACTS)))
    kind = FACTS[fact]
    value_of = FACT_VALUE[fact]
    if kind.type == "int":
        op, n = draw(int_ops), draw(st.integers(kind.minimum, kind.maximum))
        flip = draw(st.booleans())
        flipped = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
        text = f"{n} {flipped} {fact}" if flip else f"{fact} {op} {n}"
        return text, lambda row, today: compare(value_of(row, today), op, n)
    if kind.type == "str":
        op, value = draw(eq_ops), draw(st.sampled_from(kind.choices))
        return f"{fact} {op} {draw(quoted(value))}", lambda row, today: compare(value_of(row, today), op, value)
    if kind.type == "date":
        op, day = draw(int_ops), draw(st.dates(dt.date(1920, 1, 1), dt.date(2030, 12, 31)))
        return f"{fact} {op} {day.isoformat()}", lambda row, today: compare(value_of(row, today), op, day)
    op, value = draw(eq_ops), draw(st.booleans())
    return (f"{fact} {op} {draw(keyword(str(value).lower()))}",
            lambda row, today: compare(value_of(row, today), op, value))


@st.composite
def memberships(draw):
    fact = draw(st.sampled_from(["age", "desil", "household_size", "sex", "house_condition", "birth_date"]))
    kind = FACTS[fact]
    if kind.type == "int":
        values = draw(st.lists(st.integers(kind.minimum, min(kind.maximum, 20)), min_size=1, max_size=4))
        items = [str(v) for v in values]
    elif kind.type == "str":
        values = draw(st.lists(st.sampled_from(kind.choices), min_size=1, max_size=3))
        items = [draw(quoted(v)) for v in values]
    else:
        values = draw(st.lists(st.dates(dt.date(1950, 1, 1), dt.date(2026, 12, 31)), min_size=1, max_size=3))
        items = [v.isoformat() for v in values]
    negated = draw(st.booleans())
    value_of = FACT_VALUE[fact]

    def meaning(row, today):
        value = value_of(row, today)
        inside = None if value is None else value in values
        return kleene_not(inside) if negated else inside

    operator = f"{draw(keyword('not'))} {draw(keyword('in'))}" if negated else draw(keyword("in"))
    return f"{fact} {operator} [{', '.join(items)}]", meaning


@st.composite
def flags(draw):
    fact = draw(st.sampled_from([f for f in sorted(FACTS) if FACTS[f].type == "bool"]))
    return fact, FACT_VALUE[fact]


@st.composite
def calls(draw):
    if draw(st.booleans()):
        code = draw(st.sampled_from(PROGRAMMES))
        return f"receives({draw(quoted(code))})", lambda row, today: code in row["programmes"]
    code = draw(st.sampled_from(AREAS))
    return (f"area({draw(quoted(code))})",
            lambda row, today: row["village__code"] == code or row["village__code"].startswith(code + "."))


@st.composite
def combined(draw, children):
    how = draw(st.sampled_from(["and", "or", "not", "parens"]))
    left_text, left = draw(children)
    if how == "not":
        return f"{draw(keyword('not'))} ({left_text})", lambda row, today: kleene_not(left(row, today))
    if how == "parens":
        return f"({draw(spaces)}{left_text}{draw(spaces)})", left
    right_text, right = draw(children)
    # Parentheses keep the drawn structure whatever the precedence; the precedence tests are above.
    text = f"({left_text}){draw(spaces)}{draw(keyword(how))}{draw(spaces)}({right_text})"
    combine = kleene_and if how == "and" else kleene_or
    return text, lambda row, today: combine(left(row, today), right(row, today))


rules_with_meaning = st.recursive(st.one_of(comparisons(), memberships(), flags(), calls()), combined, max_leaves=12)

rows = st.fixed_dictionaries({
    "pk": st.integers(1, 10**6),
    "birth_date": st.dates(dt.date(1920, 1, 1), dt.date(2026, 12, 31)),
    "sex": st.sampled_from(["M", "F"]),
    "hh_desil": st.none() | st.integers(1, 10),
    "hh_size": st.none() | st.integers(0, 8),
    "hh_house_condition": st.none() | st.sampled_from(FACTS["house_condition"].choices),
    "disability": st.sampled_from(["none", "physical", "visual"]),
    "disability_severe": st.booleans(),
    "pregnancy_due_date": st.none() | st.dates(dt.date(2025, 6, 1), dt.date(2026, 9, 30)),
    "date_of_death": st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2026, 2, 1)),
    "village__code": st.sampled_from(["35.10.15.2004", "35.10.15.2005", "35.10.20.2002", "35.10.01.2001"]),
    "programmes": st.sets(st.sampled_from(PROGRAMMES), max_size=3),
})
todays = st.sampled_from([TODAY, LEAP_DAY, dt.date(2025, 3, 1), dt.date(2026, 11, 23)])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules_with_meaning, st.lists(rows, min_size=1, max_size=5), todays)
def test_random_rules_compile_and_mean_what_they_say(drawn, people, today):
    text, meaning = drawn
    q = rule(text, today=today, area_codes=AREAS)
    for row in people:
        # Eligible only when the rule is true; unknown (NULL facts) counts as not eligible, even under `not`.
        assert matches(q, row) == (meaning(row, today) is True), (text, row)


@settings(max_examples=200, deadline=None)
@given(rules_with_meaning, rows, st.sampled_from(["hh_desil", "hh_size", "hh_house_condition"]))
def test_an_unknown_fact_never_makes_anyone_eligible(drawn, row, column):
    text, _ = drawn
    q = rule(text)
    unknown = {**row, column: None}
    values = {"hh_desil": range(1, 11), "hh_size": range(0, 9), "hh_house_condition": FACTS["house_condition"].choices}[column]
    if matches(q, unknown):  # then the fact did not matter: every known value is eligible too
        assert all(matches(q, {**row, column: v}) for v in values), text


TOKENS = ["age", "desil", "sex", "lives_alone", "house_condition", "birth_date", "pregnant", "receives", "area", "umur",
          "and", "OR", "not", "in", "true", "False", "==", "!=", "<", "<=", ">", ">=", "=", "(", ")", "[", "]", ",",
          '"PKH"', "'F'", '"35.10.15"', "60", "4", "6.5", "35.10.15", "2000-01-01", "2000-13-01", "#", "\n", " ", '"', "-"]


@settings(max_examples=500, deadline=None)
@given(st.one_of(
    st.text(max_size=60),
    st.text(alphabet=string.ascii_letters + string.digits + " ()[],.'\"#=<>!-_\n", max_size=60),
    st.lists(st.sampled_from(TOKENS), max_size=14).map(" ".join),
    st.lists(st.sampled_from(TOKENS), max_size=14).map("".join),
))
def test_junk_compiles_or_raises_rule_error(text):
    try:
        assert isinstance(rule(text), Q)
    except RuleError as e:
        assert 0 <= e.position <= e.end <= len(text) + 1
        assert e.line == text.count("\n", 0, e.position) + 1
        assert e.column == e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        assert e.message and str(e).startswith(f"baris {e.line}, kolom {e.column}: ")
