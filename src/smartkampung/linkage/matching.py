"""The probabilistic model: Splink (Fellegi-Sunter, DuckDB backend) tuned for Indonesian lists.

One model serves the three jobs (a list against the registry, duplicates inside the registry, duplicates
inside one list). Records are first reduced to `MatchRecord` columns by `prepare()`; names go through
registry.names.match_tokens so Moch./Muhammad, Sitti/Siti, Djoko/Joko already agree before scoring.

Household members are the main source of false matches: they share the KK, the address, the village and
often a surname. The model therefore
  * compares the full canonical name and the first name (the given name of a Javanese name) and never the
    surname alone;
  * scores the KK together with the birth date: "same KK, same birth date" is strong evidence, "same KK,
    different birth date" is a household member and counts AGAINST a match (its m is learnt by EM, and is
    tiny because a true duplicate rarely changes both the KK and the birth date);
  * blocks only on combinations that include a personal field (NIK, birth date, given name), so two
    members of one household are never compared just because they share an address.

Blocking rules are a union of equi-joins (Splink runs each rule as its own join and removes repeats), not
an OR inside one join, which DuckDB cannot hash. NIK digits are compared with Hamming distance (equal
length), which is far cheaper than (Damerau-)Levenshtein and is what a one-digit typo is.

Nothing is cached between calls: each job opens its own in-memory DuckDB and trains its own model.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from smartkampung.registry.names import match_tokens

# Default thresholds on the match probability (docs/linkage-guide.md explains them to analysts).
ACCEPT_AT = 0.99  # at or above: the same person, linked without review
REVIEW_AT = 0.80  # from here up to ACCEPT_AT: a person decides; below: a new or unknown person
CLUSTER_AT = 0.95  # `dedup` joins records into one cluster at or above this

# Words that open many names (Muhammad Rizky, Siti Aminah, Nur Hidayah): the given name is the first word
# after them, and the "core" name leaves them out, so "Muhammad Arsyad" and "Muhammad Rafa" do not look
# alike just because they share their first nine letters.
COMMON_PREFIXES = frozenset({"MUHAMMAD", "SITI", "NUR", "ABDUL", "AHMAD", "M", "NI", "I", "GUSTI", "NYOMAN", "MADE", "KETUT", "PUTU", "KADEK", "WAYAN"})

COLUMNS = ("unique_id", "raw_name", "match_name", "core_name", "name_tokens", "given", "birth_date", "dob_key", "birth_year", "sex", "nik", "nik12",
           "nik_ok", "kk", "village", "kecamatan", "address", "rt_rw", "birth_place")


@dataclass(frozen=True)
class MatchRecord:
    unique_id: str
    name: str
    birth_date: dt.date | None = None
    sex: str = ""
    nik: str = ""
    kk: str = ""
    village: str = ""  # a village code or normalised name
    kecamatan: str = ""  # a kecamatan code or normalised name
    address: str = ""
    rt: str = ""
    rw: str = ""
    birth_place: str = ""


def _digits16(values: list) -> pd.Series:
    """A NIK or KK as written, kept only when it is exactly 16 digits (None otherwise)."""
    text = pd.Series(values, dtype=object).fillna("").astype(str).str.strip()
    digits = text.where((text.str.len() == 16) & text.str.isdigit())
    return digits.astype(object).where(digits.notna(), None)


def _name_columns(name: str) -> tuple:
    """raw_name, match_name, core_name, name_tokens, given."""
    tokens = match_tokens(name) if name else []
    core = [t for t in tokens if t not in COMMON_PREFIXES] or tokens
    return " ".join(name.upper().split()) or None, " ".join(tokens) or None, " ".join(core) or None, tokens or None, core[0] if core else None


def _date_columns(iso: str) -> tuple:
    """birth_date, dob_key (the year with day and month in either order: a day/month swap keeps the key),
    birth_year, and the NIK's six date digits for a man and for a woman (DDMMYY, day + 40 for women)."""
    if not iso:
        return None, None, None, None, None
    born = dt.date.fromisoformat(iso)
    low, high = sorted((born.day, born.month))
    tail = f"{born.month:02d}{born.year % 100:02d}"
    return iso, f"{born.year}-{low:02d}-{high:02d}", born.year, f"{born.day:02d}{tail}", f"{born.day + 40:02d}{tail}"


def _address_key(address: str) -> str | None:
    words = "".join(c if c.isalnum() else " " for c in (address or "").upper()).split()
    # "Jl." / "Jalan" / "Dusun" carry no information
    words = [w for w in words if w not in {"JL", "JLN", "JALAN", "DSN", "DUSUN", "DS", "DESA", "GG", "GANG", "NO"}]
    return " ".join(words) or None


# Words a birth place is written with that do not tell one place from another, and the short forms of
# the places lists abbreviate ("Kab. Banyuwangi", "BWI", "Kota Surabaya": the same places as the registry's).
_PLACE_WORDS = frozenset({"KAB", "KABUPATEN", "KOTA", "KEC", "KECAMATAN", "DESA", "DS", "KEL", "KELURAHAN"})
_PLACE_SHORT = {"BWI": "BANYUWANGI", "BYW": "BANYUWANGI", "SBY": "SURABAYA", "JKT": "JAKARTA", "DPS": "DENPASAR", "JBR": "JEMBER"}


def _place_key(place: str) -> str | None:
    words = "".join(c if c.isalpha() else " " for c in (place or "").upper()).split()
    words = [_PLACE_SHORT.get(w, w) for w in words if w not in _PLACE_WORDS]
    return " ".join(words) or None


def _rt_rw(rt: str, rw: str) -> str | None:
    rt, rw = (rt or "").strip().lstrip("0"), (rw or "").strip().lstrip("0")
    return f"{rt}/{rw}" if rt and rw else None


def _iso(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10] if value else ""


def prepare(records: Iterable[MatchRecord]) -> pd.DataFrame:
    """Turn records into the model's columns (prepare_columns on their fields)."""
    records = list(records)
    return prepare_columns(**{f: [getattr(r, f) for r in records] for f in MatchRecord.__dataclass_fields__})


def prepare_columns(*, unique_id: list, name: list, birth_date: list, sex: list, nik: list, kk: list, village: list, kecamatan: list,
                    address: list, rt: list, rw: list, birth_place: list | None = None) -> pd.DataFrame:
    """The model's columns from the records' fields (one list per MatchRecord field, in record order).

    Each derived column is computed once per distinct value (a name, a date, a place, an address) and
    spread back over the records: a list or a registry has far fewer distinct values than records, and the
    name canonicaliser is the costly part. The NIK/KK checks and the NIK's date check are per record, as
    column operations."""
    out: dict[str, object] = {"unique_id": pd.Series(unique_id, dtype=object).to_numpy(dtype=object)}

    def spread(values: list, derive, columns: tuple[str, ...]) -> None:
        codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
        derived = [derive(value) for value in uniques]
        for index, column in enumerate(columns):
            # fromiter: a list value (the name's tokens) stays one element instead of becoming a dimension
            out[column] = np.fromiter((d[index] for d in derived), dtype=object, count=len(derived))[codes]

    spread([n or "" for n in name], _name_columns, ("raw_name", "match_name", "core_name", "name_tokens", "given"))
    spread([_iso(b) for b in birth_date], _date_columns, ("birth_date", "dob_key", "birth_year", "_nik_date_m", "_nik_date_f"))
    spread([x or "" for x in sex], lambda x: (x or None,), ("sex",))
    spread([(v or "").strip() for v in village], lambda v: (v or None,), ("village",))
    spread([(k or "").strip() for k in kecamatan], lambda k: (k or None,), ("kecamatan",))
    sep = "\x1f"
    spread([f"{a or ''}{sep}{t or ''}{sep}{w or ''}" for a, t, w in zip(address, rt, rw, strict=True)],
           lambda p: (_address_key(p.split(sep)[0]), _rt_rw(*p.split(sep)[1:])), ("address", "rt_rw"))
    # Many lists have no birth place column at all: every record then reaches the comparison's null level.
    spread([b or "" for b in birth_place] if birth_place is not None else [""] * len(out["unique_id"]), lambda b: (_place_key(b),), ("birth_place",))
    niks = _digits16(nik)
    out["nik"], out["kk"] = niks.to_numpy(dtype=object), _digits16(kk).to_numpy(dtype=object)
    out["nik12"] = niks.str[:12].astype(object).where(niks.notna(), None).to_numpy(dtype=object)
    # Whether the NIK's date digits say this record's birth date (either sex's form when the sex is
    # unknown). A typo in the date part of a NIK breaks this on one record of a pair and not the other;
    # two different people born on nearby days each keep it. None when the NIK or the date is missing.
    digits = niks.str[6:12].astype(object).where(niks.notna(), None).to_numpy(dtype=object)
    men, women, sexes = out.pop("_nik_date_m"), out.pop("_nik_date_f"), out["sex"]
    out["nik_ok"] = np.array([None if d is None or m is None else (d == m if s == "M" else d == w if s == "F" else d in (m, w))
                              for d, m, w, s in zip(digits, men, women, sexes, strict=True)], dtype=object)
    frame = pd.DataFrame({c: out[c] for c in COLUMNS})
    frame["birth_year"] = frame["birth_year"].astype("Int64")
    return frame


def _null(column: str):
    return cll.NullLevel(column)


def _within_two(column: str) -> str:
    """SQL: the two values are at most two edits apart (Levenshtein), the cheap length test first."""
    return f"(abs(length({column}_l) - length({column}_r)) <= 2 AND levenshtein({column}_l, {column}_r) <= 2)"


def _comparison(priors: dict | None, *, output_column_name: str, comparison_levels: list):
    """A CustomComparison whose levels take their m from `priors` (keyed by (comparison, label)) when given."""
    if priors:
        for level in comparison_levels:
            configured = getattr(level, "label_for_charts", None)
            label = configured if isinstance(configured, str) else level.create_label_for_charts()
            m = priors.get((output_column_name, label))
            if m is not None and not level.is_null_level and getattr(level, "fix_m_probability", None) is not True:
                level.configure(m_probability=m)
    return cl.CustomComparison(output_column_name=output_column_name, comparison_levels=comparison_levels)


NAME_TF = {"tf_adjustment_column": "match_name", "tf_adjustment_weight": 1.0, "tf_minimum_u_value": 1e-5}
SLIP_TF = {**NAME_TF, "tf_minimum_u_value": 2e-6}


def comparisons(priors: dict | None = None) -> list:
    """The comparison of each field, level by level (labels are what reviewers see as evidence).

    Every level carries a label; `priors.M_PROBABILITIES` keys on (comparison, label)."""
    name = _comparison(
        priors,
        output_column_name="name",
        comparison_levels=[
            _null("match_name"),
            # Term-frequency adjusted: "Nur Indah" shared by two records says less than "Fitri Dwi Ningtyas".
            cll.ExactMatchLevel("match_name", term_frequency_adjustments=True).configure(label_for_charts="nama sama persis"),
            # "Siti Kholifah" / "Nur Kholifah", "Inayah" / "Siti Inayah": the same core name under another
            # (or no) opening word. Often two people, sometimes "M. Yusuf" written "Yusuf": its own level,
            # so it does not borrow the weight of a one-letter slip in the core name (the next level).
            cll.CustomLevel("core_name_l = core_name_r", label_for_charts="nama inti sama, kata depan berbeda"),
            # A slip in a rare name ("Sanemah" / "Saneemah") is far stronger evidence than one between two common
            # names ("Nur Hasanah" / "Nur Khasanah"): the slip levels are adjusted by the frequency of the
            # commoner of the two names, floored like the level below.
            cll.JaroWinklerLevel("core_name", 0.95).configure(label_for_charts="nama hampir sama (Jaro-Winkler ≥ 0.95)", **SLIP_TF),
            cll.CustomLevel(
                "len(list_intersect(name_tokens_l, name_tokens_r)) = least(len(name_tokens_l), len(name_tokens_r))",
                label_for_charts="semua kata nama pendek ada di nama panjang",
                # "Nur" inside "Nur Khasanah" says little (the short name is everywhere); "Siti Maulida"
                # inside "Siti Dinda Maulida" says more. The frequency of the commoner of the two names
                # adjusts the level; the floor keeps a rare name from counting as much as an exact match.
            ).configure(**NAME_TF),
            # A typo anywhere, also in the word the core name leaves out ("Stii Aminah", "Muhaimad Rizky"):
            # the core name cannot see it, the whole canonical name can.
            # The name as written too: a slip inside an opening word ("Mochammda Taufik") stops the canonicaliser
            # from recognising the word, so the canonical names differ by more than the slip.
            # The length test first: the distance is at least the difference in length (both count code points),
            # and it spares the costly distance on most pairs (2M random pairs: 1.2 s -> 0.4 s).
            cll.CustomLevel(f"{_within_two('match_name')} OR {_within_two('raw_name')}").configure(
                label_for_charts="nama beda 1-2 huruf (salah ketik)", **SLIP_TF),
            cll.JaroWinklerLevel("core_name", 0.88).configure(label_for_charts="nama mirip (Jaro-Winkler ≥ 0.88)"),
            cll.ElseLevel().configure(label_for_charts="nama berbeda"),
        ],
    )
    given = _comparison(
        priors,
        output_column_name="given",
        comparison_levels=[
            _null("given"),
            cll.ExactMatchLevel("given").configure(label_for_charts="nama depan sama"),
            cll.JaroWinklerLevel("given", 0.9).configure(label_for_charts="nama depan mirip"),
            cll.ElseLevel().configure(label_for_charts="nama depan berbeda"),
        ],
    )
    birth_date = _comparison(
        priors,
        output_column_name="birth_date",
        comparison_levels=[
            _null("birth_date"),
            cll.ExactMatchLevel("birth_date").configure(label_for_charts="tanggal lahir sama"),
            # Each record's NIK spells its own (different) birth date: two people, not a typo. A typo in the
            # date, or a day/month swap, leaves the NIK (copied from the card) telling the true date, so it
            # disagrees on the record with the slip. m is fixed: no EM pass can see the level (passes that
            # share a NIK never reach it), and a true duplicate reaches it only if the NIK was re-issued
            # with the wrong date as well.
            cll.CustomLevel("nik_ok_l AND nik_ok_r", label_for_charts=NIK_SPELLS_DATE_LABEL).configure(
                m_probability=0.001, fix_m_probability=True),
            cll.CustomLevel(
                "substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4) AND substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2) "
                "AND substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2)",
                label_for_charts="hari dan bulan tertukar",
            ),
            cll.CustomLevel("hamming(birth_date_l, birth_date_r) <= 1", label_for_charts="beda satu angka"),
            cll.CustomLevel("substr(birth_date_l, 1, 7) = substr(birth_date_r, 1, 7)", label_for_charts="bulan dan tahun sama"),
            cll.CustomLevel("abs(birth_year_l - birth_year_r) <= 1", label_for_charts="tahun beda ≤ 1"),
            cll.ElseLevel().configure(label_for_charts="tanggal lahir berbeda"),
        ],
    )
    sex = _comparison(
        priors,
        output_column_name="sex",
        comparison_levels=[_null("sex"), cll.ExactMatchLevel("sex").configure(label_for_charts="jenis kelamin sama"),
                           # A typed L/P slip happens; never let EM make it impossible (m = 0).
                           cll.ElseLevel().configure(label_for_charts="jenis kelamin berbeda", m_probability=0.01, fix_m_probability=True)],
    )
    # Serials are counters per (kecamatan, birth date): two people born the same day in one kecamatan
    # have NIKs ...0001 and ...0002, and two born on nearby days in one kecamatan differ in a digit or two
    # of the date part. Such near-NIKs are no evidence of a typo. What tells a typo apart is the NIK's own
    # birth date: a slip (or two digits transposed) in the date part leaves one record's NIK disagreeing
    # with that record's birth date, while each of two different people keeps a NIK that agrees with hers.
    nik = _comparison(
        priors,
        output_column_name="nik",
        comparison_levels=[
            # Not a null level: a list row without a valid NIK is more often a second listing, written
            # from memory, than a first one, so its absence is evidence of its own, learnt like any other
            # (also when both are missing: keeping that case as a null level cost F1 at 1M).
            cll.CustomLevel("nik_l IS NULL OR nik_r IS NULL", label_for_charts="NIK kosong/tidak sah"),
            cll.ExactMatchLevel("nik").configure(label_for_charts="NIK sama"),
            cll.CustomLevel(
                "substr(nik_l, 1, 6) = substr(nik_r, 1, 6) AND substr(nik_l, 13, 4) = substr(nik_r, 13, 4) AND hamming(nik_l, nik_r) <= 2 "
                "AND nik_ok_l <> nik_ok_r",
                label_for_charts="NIK beda 1-2 angka di bagian tanggal (salah ketik)",
            ),
            # A slip in the province/regency digits (1-4) keeps the kecamatan, the date and the serial;
            # another person with all twelve of those digits equal comes from another regency, which few do.
            cll.CustomLevel(NIK_REGENCY_TYPO, label_for_charts=NIK_REGENCY_TYPO_LABEL),
            # A resident registered twice gets a new serial in the same kecamatan of issue. Only the
            # kecamatan is scored here: the date digits say the birth date, which the birth date comparison
            # already counts (scoring all 12 digits counted it twice and joined strangers born the same day).
            cll.CustomLevel("substr(nik_l, 1, 6) = substr(nik_r, 1, 6)", label_for_charts="NIK berbeda, kecamatan penerbit sama"),
            cll.ElseLevel().configure(label_for_charts="NIK berbeda"),
        ],
    )
    # The KK is household evidence, never personal: a pair that shares a KK is a family, and whether it is
    # one person is for the name and the birth date to say. So the KK only ever counts AGAINST a match:
    # "same KK (or one record's KK typed in the other's NIK column), different birth date" is another
    # member of the family. Both m and u are fixed, not learnt: against random pairs, sharing a KK is so
    # rare that EM would take every household member for a duplicate (the main false match of these lists).
    same_kk = "(kk_l = kk_r OR nik_l = kk_r OR kk_l = nik_r)"
    household = _comparison(
        priors,
        output_column_name="kk",
        comparison_levels=[
            cll.CustomLevel("(kk_l IS NULL OR kk_r IS NULL) AND (nik_l IS NULL OR nik_r IS NULL)", label_for_charts="KK kosong").configure(is_null_level=True),
            cll.CustomLevel(f"{same_kk} AND birth_date_l <> birth_date_r", label_for_charts="KK sama, tanggal lahir berbeda (anggota keluarga?)").configure(
                m_probability=0.02, u_probability=0.25, fix_m_probability=True, fix_u_probability=True),
            # One record's NIK column holds the other's KK, and the birth date agrees: the listed person
            # belongs to that household and was born that day, i.e. is that member (an agency error the
            # issue names). Its u is counted on the data (random sampling never meets it); its m is fixed,
            # a few in a hundred duplicates, because no EM pass owns the household comparison.
            cll.CustomLevel(f"{KK_IN_NIK} AND birth_date_l = birth_date_r", label_for_charts=KK_IN_NIK_LABEL).configure(
                m_probability=0.02, u_probability=1e-6, fix_m_probability=True, fix_u_probability=True),
            cll.ElseLevel().configure(label_for_charts="KK tidak membedakan", m_probability=0.96, u_probability=0.75, fix_m_probability=True, fix_u_probability=True),
        ],
    )
    # Where the two rows live, and (when they live apart) whether both carry a KK. A resident who moved and is listed again at
    # the new address is typically written without a KK (the family card is still the old household's),
    # so "another village" and "no KK" are one event, not two pieces of evidence: scored apart (a
    # comparison of their own, 2026-12-03) naive Bayes multiplied their m and undercounted that event by
    # some 3 bits, keeping moved relistings of common names under the threshold. Joined, EM learns how
    # often a duplicate moved without its KK. The kecamatan level is not split: a registry duplicate
    # carried to the next village keeps a KK there (another household's), and EM, which sees registry
    # duplicates in no pass (their NIKs differ), would have taken "next village with a KK" for a stranger.
    village = _comparison(
        priors,
        output_column_name="village",
        comparison_levels=[
            _null("village"),
            # Not split by the KK: a row without a KK in its own village is no sign of a move, and a list with no
            # KK column at all (common) would find "same village, no KK" rare among the priors' matches.
            cll.ExactMatchLevel("village").configure(label_for_charts="desa sama"),
            cll.CustomLevel("kecamatan_l = kecamatan_r", label_for_charts="kecamatan sama"),
            cll.CustomLevel("kk_l IS NOT NULL AND kk_r IS NOT NULL", label_for_charts="desa berbeda"),
            cll.ElseLevel().configure(label_for_charts="desa berbeda, KK kosong (pindah?)"),
        ],
    )
    address = _comparison(
        priors,
        output_column_name="address",
        comparison_levels=[
            cll.CustomLevel("(address_l IS NULL OR address_r IS NULL) AND (rt_rw_l IS NULL OR rt_rw_r IS NULL)",
                            label_for_charts="alamat kosong").configure(is_null_level=True),
            cll.CustomLevel("address_l = address_r AND rt_rw_l = rt_rw_r", label_for_charts="alamat dan RT/RW sama"),
            cll.CustomLevel("jaro_winkler_similarity(address_l, address_r) >= 0.9", label_for_charts="alamat mirip"),
            # "Dusun Krajan Gg. Mawar" / "Gg. Mawar Dusun Krajan": the same words, written in another order
            # (the same words have the same length in all: the cheap test spares the sorting on most pairs)
            cll.CustomLevel("length(address_l) = length(address_r) AND list_sort(string_split(address_l, ' ')) = list_sort(string_split(address_r, ' '))",
                            label_for_charts="alamat sama, urutan kata lain"),
            cll.CustomLevel("rt_rw_l = rt_rw_r", label_for_charts="RT/RW sama"),
            cll.ElseLevel().configure(label_for_charts="alamat berbeda"),
        ],
    )
    # Where the person was born, as each record writes it (the place on the KTP; many lists carry no such
    # column, and every pair then reaches the null level). "Banyuwangi" stands for two residents in five and
    # says little; a village, or a town far away, says much: the exact level is adjusted by the place's
    # frequency. What it separates is what the other fields cannot: a resident registered twice keeps the
    # place on the card, two people born the same day in one kecamatan often do not share it.
    birth_place = _comparison(
        priors,
        output_column_name="birth_place",
        comparison_levels=[
            _null("birth_place"),
            cll.ExactMatchLevel("birth_place", term_frequency_adjustments=True).configure(label_for_charts="tempat lahir sama"),
            cll.JaroWinklerLevel("birth_place", 0.9).configure(label_for_charts="tempat lahir mirip (salah ketik)"),
            cll.ElseLevel().configure(label_for_charts="tempat lahir berbeda"),
        ],
    )
    # The given name is a blocking key only: as a comparison it would count the name twice.
    del given
    return [name, birth_date, sex, nik, household, village, address, birth_place]


# Lists small enough that scoring more pairs costs seconds get broader rules on top, while the pairs they
# would add stay within BROAD_PAIRS (every pair, when there are no more than that): a list of a few
# thousand records whose duplicates carry several errors at once (FEBRL's: the date and the first name
# mistyped, the words of the name swapped) escapes the narrow rules. At a million records each of these
# keys alone makes millions of pairs, so none is added there.
BROAD_PAIRS = 2_000_000
BROAD_KEYS = (
    ("birth_date",),
    ("array_to_string(list_sort(name_tokens), ' ')",),  # the same words in another order
    ("address",),
    ("given", "village"),
    ("substr(match_name, 1, 3)",),
    ("village",),
)


def _key_pairs(connection, tables: list[str], keys: tuple[str, ...]) -> float:
    """How many pairs an equi-join on `keys` makes (pairs sharing a value; a missing value joins nothing)."""
    present = " AND ".join(f"({k}) IS NOT NULL" for k in keys)
    grouped = "SELECT {k}, count(*) AS n FROM {t} WHERE " + present + " GROUP BY ALL"
    select = ", ".join(f"{k} AS k{i}" for i, k in enumerate(keys))
    if len(tables) == 1:
        return connection.execute(f"SELECT coalesce(sum(n * (n - 1) / 2), 0)::DOUBLE FROM ({grouped.format(k=select, t=tables[0])})").fetchall()[0][0]
    left, right = (grouped.format(k=select, t=t) for t in tables)
    on = " AND ".join(f"l.k{i} = r.k{i}" for i in range(len(keys)))
    return connection.execute(f"SELECT coalesce(sum(l.n * r.n), 0)::DOUBLE FROM ({left}) l JOIN ({right}) r ON {on}").fetchall()[0][0]


def blocking_rules(connection=None, tables: list[str] | None = None) -> list:
    """Candidate pairs: each rule includes a personal field, so households alone never make pairs.

    Given the job's connection and tables, the broad rules that fit in BROAD_PAIRS are added (see above)."""
    rules = _narrow_rules()
    if connection is None:
        return rules
    if _pairs(connection, tables) <= BROAD_PAIRS:
        return ["1 = 1"]  # every pair
    budget = BROAD_PAIRS
    for keys in BROAD_KEYS:
        added = _key_pairs(connection, tables, keys)
        if added <= budget:
            rules.append(block_on(*keys))
            budget -= added
    return rules


def _narrow_rules() -> list:
    return [
        block_on("nik"),
        block_on("nik12"),
        block_on("birth_date", "given"),
        block_on("birth_date", "village"),
        block_on("match_name", "birth_year"),
        block_on("match_name", "village"),
        block_on("dob_key", "village"),  # day and month swapped, and the name written otherwise
        # Moved and the given name mistyped or dropped, with no NIK (or another one) to find it by: the
        # birth date and the first letter of the name (about 2 pairs a record at 1M records; not the sex
        # too, which many lists leave out).
        block_on("birth_date", "substr(match_name, 1, 1)"),
        # Mistyped date and name inside one household: the same-sex members of a KK.
        block_on("kk", "sex"),
        "l.nik = r.kk AND l.given = r.given",  # a KK number typed into the NIK column
        "l.kk = r.nik AND l.given = r.given",
    ]


def standard_comparisons() -> list:
    """Splink's standard comparisons on raw fields: the benchmark's reference model."""
    return [
        cl.NameComparison("raw_name"),
        cl.DateOfBirthComparison("birth_date", input_is_string=True),
        cl.ExactMatch("sex"),
        cl.LevenshteinAtThresholds("nik", [1, 2]),
        cl.ExactMatch("kk"),
        cl.ExactMatch("village"),
        cl.LevenshteinAtThresholds("address", [2]),
        cl.ExactMatch("birth_place"),
    ]


def _settings(link_type: str, *, rules: list, standard: bool = False, priors: bool = False, prior_match_rate: float = 0.0001) -> SettingsCreator:
    if standard:
        chosen = standard_comparisons()
    else:
        from .priors import M_PROBABILITIES

        chosen = comparisons(M_PROBABILITIES if priors else None)
    return SettingsCreator(
        link_type=link_type,
        comparisons=chosen,
        probability_two_random_records_match=prior_match_rate,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        max_iterations=20,
    )


def _estimate_match_rate(linker: Linker) -> bool:
    """The prior match rate from pairs sharing a NIK; returns False (the default from the list's size
    stays) when no two records share one."""
    settings = linker._settings_obj  # Splink has no public getter for the prior
    default = settings._probability_two_random_records_match
    try:
        linker.training.estimate_probability_two_random_records_match(["l.nik = r.nik"], recall=0.8)
    except (ValueError, ZeroDivisionError):
        pass
    if not settings._probability_two_random_records_match > 0:  # no two records share a NIK
        settings._probability_two_random_records_match = default
        return False
    return True


def _match_rate_from_scores(linker: Linker, *, connection, tables: list[str]) -> None:
    """The prior match rate of a list without NIKs: the expected number of matches among the candidate
    pairs, as the trained model scores them, over all pairs. This is EM's update of the prior, run to
    its fixed point on one prediction (a pair's weight less the prior it was scored with is its Bayes
    factor). The default from the list's size was five times too low on FEBRL, whose records have up to
    nine duplicates each, and every true pair with one field against it fell below the threshold."""
    settings = linker._settings_obj
    scored_with = settings._probability_two_random_records_match
    predictions = linker.inference.predict()
    factor = f"(match_weight - {math.log2(scored_with / (1 - scored_with))})"  # log2 of the Bayes factor
    pairs = _pairs(connection, tables)
    rate = scored_with
    for _ in range(100):
        odds = math.log2(rate / (1 - rate))
        expected = connection.execute(f"SELECT coalesce(sum(1 / (1 + pow(2, -({factor} + {odds})))), 0) FROM {predictions.physical_name}").fetchall()[0][0]
        updated = min(0.5, max(expected, 1.0) / pairs)
        if abs(updated - rate) <= 1e-3 * rate:
            break
        rate = updated
    predictions.drop_table_from_database_and_remove_from_cache()
    settings._probability_two_random_records_match = updated


# EM passes. Each pass must be a set of pairs that are nearly all one person, or EM takes the strangers
# in it for duplicates with errors: "same name in the same village" (a pass used before) holds thousands
# of different people at 1M records and taught the model that a true duplicate's birth date differs one
# time in five. The NIK is learnt on "same birth date, same full name, same village": "same birth date
# and first name" (used before) holds the strangers born one day with serial 0001 in another kecamatan,
# whose NIKs differ in two digits only. Each comparison takes Splink's median over the passes that could
# estimate it (those that do not block on its columns). Keeping only one "owner" pass per comparison was
# tried (2026-12-02): neutral for `dedup`, but linking a list against the registry then sent fifteen
# times more rows to review (1.0% of a 100k list instead of 0.07%), so the median stays.
_EM_PASSES = (
    block_on("nik", "birth_date"),
    block_on("nik", "given"),
    block_on("birth_date", "match_name", "village"),
)


NIK_REGENCY_TYPO = "substr(nik_l, 5, 12) = substr(nik_r, 5, 12) AND hamming(substr(nik_l, 1, 4), substr(nik_r, 1, 4)) = 1"
NIK_SPELLS_DATE_LABEL = "tanggal lahir berbeda, NIK masing-masing sesuai tanggalnya"
NIK_REGENCY_TYPO_LABEL = "NIK beda 1 angka di kode kabupaten (salah ketik)"
KK_IN_NIK = "(nik_l = kk_r OR kk_l = nik_r)"
KK_IN_NIK_LABEL = "NIK yang satu adalah KK yang lain, tanggal lahir sama"


# Levels whose u is counted on the data instead of sampled: two million random pairs of a million records
# hardly ever meet them, and Splink then falls back to a default u. For "NIK sama" that default was about
# a thousand times too high, which made an equal NIK count for almost nothing. True duplicates are counted
# too, as random sampling would count them.


def _pairs(connection, tables: list[str], column: str | None = None) -> float:
    """Pairs the model could form (one list: unordered pairs; a list and the registry: the product), of
    records where `column` is present (every record when None)."""
    counted = f"count({column})" if column else "count(*)"
    sizes = [connection.execute(f"SELECT {counted}::DOUBLE FROM {t}").fetchall()[0][0] for t in tables]
    return sizes[0] * (sizes[0] - 1) / 2 if len(tables) == 1 else sizes[0] * sizes[1]


def _share(found: float | None, pairs: float) -> float | None:
    # at least one pair's worth: a u of 0 would make the level's weight infinite
    return max(found or 0.0, 1.0) / pairs if pairs > 0 else None


def _nik_equal_u(connection, tables: list[str]) -> float | None:
    """u of "NIK sama": the share of pairs (both NIKs present) that share a NIK, from the value counts
    (ordered pairs in one list, so the floor is one ordered pair)."""
    counts = "SELECT nik, count(*) AS n FROM {t} WHERE nik IS NOT NULL GROUP BY nik"
    if len(tables) == 1:
        shared, present = connection.execute(
            f"SELECT sum(n * (n - 1))::DOUBLE, sum(n)::DOUBLE FROM ({counts.format(t=tables[0])})").fetchall()[0]
        pairs = (present or 0) * ((present or 0) - 1)
    else:
        left, right = (counts.format(t=t) for t in tables)
        shared = connection.execute(f"SELECT sum(l.n * r.n)::DOUBLE FROM ({left}) l JOIN ({right}) r USING (nik)").fetchall()[0][0]
        pairs = _pairs(connection, tables, "nik")
    return _share(shared, pairs)


def _nik_regency_typo_u(connection, tables: list[str]) -> float | None:
    """u of NIK_REGENCY_TYPO_LABEL, counted over the pairs that share the NIK's last twelve digits."""
    side = "SELECT nik AS nik_{s}, substr(nik, 5, 12) AS tail FROM {t} WHERE nik IS NOT NULL"
    a, b = (tables[0], tables[0]) if len(tables) == 1 else tables
    found = connection.execute(
        f"SELECT count(*)::DOUBLE FROM ({side.format(s='l', t=a)}) JOIN ({side.format(s='r', t=b)}) USING (tail) WHERE {NIK_REGENCY_TYPO}").fetchall()[0][0]
    if len(tables) == 1:
        found /= 2  # the self-join meets each pair twice
    return _share(found, _pairs(connection, tables, "nik"))


def _kk_in_nik_u(connection, tables: list[str]) -> float | None:
    """u of KK_IN_NIK_LABEL: the share of pairs where one record's NIK is the other's KK and the birth dates agree."""
    join = "SELECT count(*)::DOUBLE FROM {a} a JOIN {b} b ON a.nik = b.kk AND a.birth_date = b.birth_date AND a.unique_id <> b.unique_id"
    directions = [(tables[0], tables[0])] if len(tables) == 1 else [tuple(tables), tuple(tables[::-1])]
    found = sum(connection.execute(join.format(a=a, b=b)).fetchall()[0][0] for a, b in directions)
    return _share(found, _pairs(connection, tables))


def _nik_unchecked_share(connection, tables: list[str]) -> float | None:
    """The share of pairs (birth dates present) in which the NIKs cannot both be checked against the dates:
    one is missing, invalid or spells another date. Counted per record, as if each record's were independent."""
    shares = []
    for t in tables:
        ok, dated = connection.execute(f"SELECT count(*) FILTER (WHERE nik_ok)::DOUBLE, count(birth_date)::DOUBLE FROM {t}").fetchall()[0]
        if not dated:
            return None
        shares.append(ok / dated)
    both = shares[0] ** 2 if len(shares) == 1 else shares[0] * shares[1]
    return 1.0 - both if both < 1.0 else None


def _set_u(level, u: float, how: str) -> None:
    """Set a level's u for good: every EM pass ends by resetting u to the median of the level's recorded
    estimates (the random sample's), which would undo a u set on the attribute alone."""
    level.u_probability = u
    level._trained_u_probabilities = [{"probability": u, "description": how, "m_or_u": "u"}]


def _estimate_u(linker: Linker, *, seed: int, connection, tables: list[str]) -> None:
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    counted = {("nik", "NIK sama"): _nik_equal_u(connection, tables), ("nik", NIK_REGENCY_TYPO_LABEL): _nik_regency_typo_u(connection, tables),
               ("kk", KK_IN_NIK_LABEL): _kk_in_nik_u(connection, tables)}
    unchecked = _nik_unchecked_share(connection, tables)
    for comparison in linker._settings_obj.comparisons:
        gated = False
        for level in comparison.comparison_levels:
            u = counted.get((comparison.output_column_name, level.label_for_charts))
            if u is not None:
                _set_u(level, u, "counted on the data")
            elif gated and unchecked and not level.is_null_level and level.u_probability is not None:
                # The birth date levels after NIK_SPELLS_DATE_LABEL are only reached by pairs whose NIKs
                # cannot both be checked, so sampling counts P(date level AND NIK unchecked). The NIK
                # comparison already scores a missing or invalid NIK; leaving that factor in the date's
                # u as well counted it twice and made "one digit apart" between a record without NIK
                # and a stranger of the same name some 4 bits too strong. The date's u is the date's alone.
                _set_u(level, min(1.0, level.u_probability / unchecked), "sampled, without the NIK check's share")
            gated = gated or (comparison.output_column_name == "birth_date" and level.label_for_charts == NIK_SPELLS_DATE_LABEL)


def _train(linker: Linker, *, seed: int, connection, tables: list[str]) -> int:
    """u by random sampling (and NIK equality by counting), m by EM on blocking rules, the prior from the
    NIKs or else from the trained scores; returns how many EM passes ran."""
    from splink.internals.exceptions import EMTrainingException

    from_nik = _estimate_match_rate(linker)
    _estimate_u(linker, seed=seed, connection=connection, tables=tables)

    names = {c.output_column_name for c in linker._settings_obj.comparisons}
    estimated: set[str] = set()
    passes = 0
    # A list without NIKs runs only the last of _EM_PASSES, which cannot see the name, the birth date or
    # the village (its blocking columns): those would keep Splink's untrained defaults. The passes of
    # _EM_WITHOUT_NIK then train what no pass could, each on a pass that does not block on it.
    for rule, wanted in [(r, ()) for r in _EM_PASSES] + list(_EM_WITHOUT_NIK):
        if wanted and all(n in estimated for n in wanted if n in names):
            continue
        # Splink 5's training session drops the comparisons its rule blocks on from the linker's own
        # settings and puts them back only when the pass succeeds: a failed pass would leave the model
        # without them (no birth date comparison at all), so a copy is put back.
        saved = linker._settings_obj.core_model_settings.copy()
        try:
            session = linker.training.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)
        except (EMTrainingException, ValueError) as error:
            # No pairs (the registry never shares a NIK), or an m that underflows (a level EM never sees in
            # this pass) fails the whole pass in Splink 5; the other passes still estimate that comparison.
            if isinstance(error, ValueError) and "m_probability" not in str(error):
                raise
            linker._settings_obj.core_model_settings = saved
            continue
        passes += 1
        estimated |= {c.output_column_name for c in session.core_model_settings.comparisons}
    if passes:
        # A comparison no pass could estimate (a small list: a pass fails on a level it never sees) takes
        # the priors rather than Splink's untrained defaults.
        _use_priors(linker, skip=estimated)
    else:
        _use_priors(linker)
    if not from_nik:
        _match_rate_from_scores(linker, connection=connection, tables=tables)
    return passes


_EM_WITHOUT_NIK = (
    (block_on("birth_date", "match_name"), ("village", "address", "sex")),
    (block_on("match_name", "village"), ("birth_date",)),
    (block_on("birth_date", "village"), ("name",)),
)


def _use_priors(linker: Linker, *, skip: set[str] | None = None) -> None:
    """Set m from priors.M_PROBABILITIES on every learnable level of the comparisons not named in `skip`."""
    from .priors import M_PROBABILITIES

    skip = skip or set()
    for comparison in linker._settings_obj.comparisons:
        if comparison.output_column_name in skip:
            continue
        for level in comparison.comparison_levels:
            m = M_PROBABILITIES.get((comparison.output_column_name, level.label_for_charts))
            if m is not None and not level.is_null_level and getattr(level, "fix_m_probability", None) is not True:
                level.m_probability = m


# Lowest m a learnt level may take. A list can lack an event entirely (in the benchmark lists a resident who
# moved is never written with a KK), and EM then sets its m to nearly zero: some 50 bits against any pair
# that shows it. Real lists do hold such rows (a move listed with the new family card), so the pair must
# stay a candidate for review, like a typed L/P slip (the sex comparison's fixed m).
M_FLOORS = {("village", "desa berbeda"): 0.01}


def _floor_m(linker: Linker) -> None:
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            floor = M_FLOORS.get((comparison.output_column_name, level.label_for_charts))
            if floor is not None and (level.m_probability is None or level.m_probability < floor):
                level.m_probability = floor


# Splink warns, in English, of every level one EM pass cannot see, of values left to defaults and of the NIK
# comparison's missing null level: passes are meant to miss the levels of the columns they block on, what no
# pass trains takes the priors (_train, _floor_m), and the NIK has no null level on purpose (comparisons()).
# On the command line those notices were pages of noise for staff. Set once here; Linker(log_level=None)
# leaves it as it is.
logging.getLogger("splink").setLevel(logging.ERROR)


class Model:
    """One matching job: its own DuckDB connection, its own trained model."""

    def __init__(self, frames: list[pd.DataFrame], *, link_type: str, seed: int = 42, standard: bool = False, threads: int | None = None,
                 priors: bool = False):
        import duckdb

        self.connection = duckdb.connect(":memory:")
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        self.db = DuckDBAPI(connection=self.connection)
        names = ["left", "right"]
        tables = [self.db.register(frame, table_name=f"records_{names[i]}" if len(frames) > 1 else "records") for i, frame in enumerate(frames)]
        self.table_names = [t.physical_name for t in tables]
        # Default prior before estimation: most rows of a list are in the registry (link), or a tenth of
        # the records have one duplicate (dedupe).
        sizes = [max(1, len(f)) for f in frames]
        rate = 0.9 / max(sizes) if link_type == "link_only" and len(sizes) > 1 else min(0.5, 0.2 / sizes[0])
        rules = blocking_rules(self.connection, self.table_names)
        settings = _settings(link_type, rules=rules, standard=standard, priors=priors, prior_match_rate=rate)
        self.linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=None)
        self.priors = priors
        self.seed = seed
        self.trained = False

    def train(self) -> None:
        if self.priors:
            # m comes from the priors; u and the prior match rate are still measured on this data.
            _estimate_match_rate(self.linker)
            _estimate_u(self.linker, seed=self.seed, connection=self.connection, tables=self.table_names)
        else:
            # With no pass able to run (a small registry with no repeated NIK and too few same-day pairs)
            # the priors stand in for m; u stays what this data measured.
            _train(self.linker, seed=self.seed, connection=self.connection, tables=self.table_names)
        _floor_m(self.linker)
        self.trained = True

    def m_probabilities(self) -> dict:
        return {(c.output_column_name, level.label_for_charts): float(f"{level.m_probability:.6g}")  # significant digits: a tiny m is not 0
                for c in self.linker._settings_obj.comparisons for level in c.comparison_levels
                if not level.is_null_level and level.m_probability is not None}

    def predict(self, threshold: float) -> pd.DataFrame:
        if not self.trained:
            self.train()
        result = self.linker.inference.predict(threshold_match_probability=threshold)
        return result.as_pandas_dataframe()

    def predict_table(self, threshold: float):
        """The predictions as a Splink table (stays inside DuckDB: for clustering big lists)."""
        if not self.trained:
            self.train()
        return self.linker.inference.predict(threshold_match_probability=threshold)

    def _level_weights(self) -> dict[str, list[tuple[str, float]]]:
        """Each comparison's levels with their trained match weight (Splink 5 reports the weight of the
        level a pair reached, mw_<field>, not the level itself: the level is the one with that weight)."""
        out = {}
        for comparison in self.linker._settings_obj.comparisons:
            levels = []
            for level in comparison.comparison_levels:
                if level.is_null_level:
                    levels.append(("tidak ada data", 0.0))
                    continue
                m, u = level.m_probability, level.u_probability
                weight = _log2(m / u) if m and u else 0.0
                levels.append((level.label_for_charts, weight))
            out[comparison.output_column_name] = levels
        return out

    def evidence(self, row) -> dict:
        """What each field said about a pair: the level it reached and that level's match weight."""
        if not hasattr(self, "_weights"):
            self._weights = self._level_weights()
        items = []
        for column, levels in self._weights.items():
            weight = row.get(f"mw_{column}")
            if weight is None:
                continue
            weight = float(weight)
            label = min(levels, key=lambda lw: abs(lw[1] - weight))[0]
            tf = row.get(f"mw_tf_adj_{column}")
            total = weight + (float(tf) if tf is not None and tf == tf else 0.0)
            items.append({"field": column, "level": label, "weight": round(total, 2)})
        return {"match_weight": round(float(row.get("match_weight", 0.0)), 2), "fields": items}

    def close(self) -> None:
        self.connection.close()


def _log2(value) -> float:
    import math

    try:
        value = float(value)
    except (TypeError, ValueError):
        return 0.0
    return math.log2(value) if value > 0 else -99.0


def chunks(iterable: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
