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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

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

COLUMNS = ("unique_id", "match_name", "core_name", "name_tokens", "given", "birth_date", "birth_year", "sex", "nik", "nik12", "kk", "village", "kecamatan", "address", "rt_rw")


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


def _digits16(value: str) -> str | None:
    value = (value or "").strip()
    return value if len(value) == 16 and value.isdigit() else None


def _address_key(address: str) -> str | None:
    words = "".join(c if c.isalnum() else " " for c in (address or "").upper()).split()
    # "Jl." / "Jalan" / "Dusun" carry no information
    words = [w for w in words if w not in {"JL", "JLN", "JALAN", "DSN", "DUSUN", "DS", "DESA", "GG", "GANG", "NO"}]
    return " ".join(words) or None


def _rt_rw(rt: str, rw: str) -> str | None:
    rt, rw = (rt or "").strip().lstrip("0"), (rw or "").strip().lstrip("0")
    return f"{rt}/{rw}" if rt and rw else None


def prepare(records: Iterable[MatchRecord]) -> pd.DataFrame:
    """Turn records into the model's columns (one pass; names canonicalised once per distinct spelling)."""
    canonical: dict[str, list[str]] = {}  # local to this call: no cache outlives the job
    rows = []
    for r in records:
        tokens = canonical.get(r.name)
        if tokens is None:
            tokens = canonical[r.name] = match_tokens(r.name) if r.name else []
        nik, kk = _digits16(r.nik), _digits16(r.kk)
        core = [t for t in tokens if t not in COMMON_PREFIXES] or tokens
        village = (r.village or "").strip() or None
        rows.append((
            r.unique_id, " ".join(tokens) or None, " ".join(core) or None, tokens or None, core[0] if core else None,
            r.birth_date.isoformat() if r.birth_date else None, r.birth_date.year if r.birth_date else None,
            r.sex or None, nik, nik[:12] if nik else None, kk, village,
            (r.kecamatan or "").strip() or None, _address_key(r.address), _rt_rw(r.rt, r.rw),
        ))
    frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    frame["birth_year"] = frame["birth_year"].astype("Int64")
    return frame


def _null(column: str):
    return cll.NullLevel(column)


def comparisons() -> list:
    """The comparison of each field, level by level (labels are what reviewers see as evidence).

    Every level carries a label; `priors.M_PROBABILITIES` keys on (comparison, label)."""
    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            _null("match_name"),
            # Term-frequency adjusted: "Nur Indah" shared by two records says less than "Fitri Dwi Ningtyas".
            cll.ExactMatchLevel("match_name", term_frequency_adjustments=True).configure(label_for_charts="nama sama persis"),
            cll.JaroWinklerLevel("core_name", 0.95).configure(label_for_charts="nama hampir sama (Jaro-Winkler ≥ 0.95)"),
            cll.CustomLevel(
                "len(list_intersect(name_tokens_l, name_tokens_r)) = least(len(name_tokens_l), len(name_tokens_r))",
                label_for_charts="semua kata nama pendek ada di nama panjang",
            ),
            cll.JaroWinklerLevel("core_name", 0.88).configure(label_for_charts="nama mirip (Jaro-Winkler ≥ 0.88)"),
            cll.ElseLevel().configure(label_for_charts="nama berbeda"),
        ],
    )
    given = cl.CustomComparison(
        output_column_name="given",
        comparison_levels=[
            _null("given"),
            cll.ExactMatchLevel("given").configure(label_for_charts="nama depan sama"),
            cll.JaroWinklerLevel("given", 0.9).configure(label_for_charts="nama depan mirip"),
            cll.ElseLevel().configure(label_for_charts="nama depan berbeda"),
        ],
    )
    birth_date = cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            _null("birth_date"),
            # The NIK's first 12 digits are the kecamatan of issue and the birth date: scored here, with
            # the birth date, rather than in the NIK comparison, so the date is not counted twice. A
            # resident registered twice gets a new serial but keeps these 12 digits.
            cll.CustomLevel("birth_date_l = birth_date_r AND nik12_l = nik12_r", label_for_charts="tanggal lahir sama, NIK sama kecuali nomor urut"),
            cll.ExactMatchLevel("birth_date").configure(label_for_charts="tanggal lahir sama"),
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
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[_null("sex"), cll.ExactMatchLevel("sex").configure(label_for_charts="jenis kelamin sama"),
                           # A typed L/P slip happens; never let EM make it impossible (m = 0).
                           cll.ElseLevel().configure(label_for_charts="jenis kelamin berbeda", m_probability=0.01, fix_m_probability=True)],
    )
    # Serials are counters per (kecamatan, birth date): two people born the same day in one kecamatan
    # have NIKs ...0001 and ...0002, and two born the same day in neighbouring kecamatan differ only in
    # the area digits. Such near-NIKs are no evidence of a typo (and the birth date already counts), so
    # only a slip inside the date part, with area and serial intact, earns the typo level.
    nik = cl.CustomComparison(
        output_column_name="nik",
        comparison_levels=[
            cll.CustomLevel("nik_l IS NULL OR nik_r IS NULL", label_for_charts="NIK kosong/tidak sah").configure(is_null_level=True),
            cll.ExactMatchLevel("nik").configure(label_for_charts="NIK sama"),
            cll.CustomLevel(
                "substr(nik_l, 1, 6) = substr(nik_r, 1, 6) AND substr(nik_l, 13, 4) = substr(nik_r, 13, 4) AND hamming(nik_l, nik_r) <= 2",
                label_for_charts="NIK beda 1-2 angka di bagian tanggal (salah ketik)",
            ),
            cll.ElseLevel().configure(label_for_charts="NIK berbeda"),
        ],
    )
    # The KK is household evidence, never personal: "same KK" (or one record's KK typed in the other's NIK
    # column) with a different birth date is another member of the family.
    same_kk = "(kk_l = kk_r OR nik_l = kk_r OR kk_l = nik_r)"
    household = cl.CustomComparison(
        output_column_name="kk",
        comparison_levels=[
            cll.CustomLevel("(kk_l IS NULL OR kk_r IS NULL) AND (nik_l IS NULL OR nik_r IS NULL)", label_for_charts="KK kosong").configure(is_null_level=True),
            cll.CustomLevel(f"{same_kk} AND birth_date_l = birth_date_r", label_for_charts="KK sama, tanggal lahir sama"),
            # Fixed, not learnt: EM would otherwise take household members for duplicates (relative to
            # random pairs, sharing a KK is rare), the main false match of Indonesian lists.
            cll.CustomLevel(same_kk, label_for_charts="KK sama, tanggal lahir berbeda (anggota keluarga?)").configure(m_probability=0.02, fix_m_probability=True),
            cll.ElseLevel().configure(label_for_charts="KK berbeda"),
        ],
    )
    village = cl.CustomComparison(
        output_column_name="village",
        comparison_levels=[
            _null("village"),
            cll.ExactMatchLevel("village").configure(label_for_charts="desa sama"),
            cll.CustomLevel("kecamatan_l = kecamatan_r", label_for_charts="kecamatan sama"),
            cll.ElseLevel().configure(label_for_charts="desa berbeda (pindah?)"),
        ],
    )
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.CustomLevel("(address_l IS NULL OR address_r IS NULL) AND (rt_rw_l IS NULL OR rt_rw_r IS NULL)",
                            label_for_charts="alamat kosong").configure(is_null_level=True),
            cll.CustomLevel("address_l = address_r AND rt_rw_l = rt_rw_r", label_for_charts="alamat dan RT/RW sama"),
            cll.CustomLevel("jaro_winkler_similarity(address_l, address_r) >= 0.9", label_for_charts="alamat mirip"),
            cll.CustomLevel("rt_rw_l = rt_rw_r", label_for_charts="RT/RW sama"),
            cll.ElseLevel().configure(label_for_charts="alamat berbeda"),
        ],
    )
    # The given name is a blocking key only: as a comparison it would count the name twice.
    del given
    return [name, birth_date, sex, nik, household, village, address]


def blocking_rules() -> list:
    """Candidate pairs: each rule includes a personal field, so households alone never make pairs."""
    return [
        block_on("nik"),
        block_on("nik12"),
        block_on("birth_date", "given"),
        block_on("birth_date", "village"),
        block_on("match_name", "birth_year"),
        block_on("match_name", "village"),
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
    ]


def _with_priors(items: list) -> list:
    """Set each level's m to the prior learnt on the synthetic benchmark list (for lists too small for EM)."""
    from .priors import M_PROBABILITIES

    for comparison in items:
        for level in comparison.comparison_levels:
            configured = getattr(level, "label_for_charts", None)
            label = configured if isinstance(configured, str) else level.create_label_for_charts()
            m = M_PROBABILITIES.get((comparison.output_column_name, label))
            if m is not None and not getattr(level, "is_null_level", False):
                level.configure(m_probability=m)
    return items


def _settings(link_type: str, *, standard: bool = False, priors: bool = False) -> SettingsCreator:
    chosen = standard_comparisons() if standard else comparisons()
    return SettingsCreator(
        link_type=link_type,
        comparisons=_with_priors(chosen) if priors else chosen,
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        max_iterations=20,
    )


def _train(linker: Linker, *, seed: int) -> None:
    linker.training.estimate_probability_two_random_records_match(["l.nik = r.nik"], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    # Each EM pass fixes the fields in its blocking rule and estimates the others' m.
    for rule in (block_on("nik"), block_on("match_name", "village"), block_on("birth_date", "given")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)


class Model:
    """One matching job: its own DuckDB connection, its own trained model."""

    def __init__(self, frames: list[pd.DataFrame], *, link_type: str, seed: int = 42, standard: bool = False, threads: int | None = None,
                 priors: bool = False):
        import duckdb

        logging.getLogger("splink").setLevel(logging.WARNING)
        self.connection = duckdb.connect(":memory:")
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        self.db = DuckDBAPI(connection=self.connection)
        names = ["left", "right"]
        tables = [self.db.register(frame, table_name=f"records_{names[i]}" if len(frames) > 1 else "records") for i, frame in enumerate(frames)]
        self.linker = Linker(tables if len(tables) > 1 else tables[0], _settings(link_type, standard=standard, priors=priors), log_level=logging.WARNING)
        self.priors = priors
        self.labels = {c.output_column_name: [level.label_for_charts for level in c.comparison_levels] for c in self.linker._settings_obj.comparisons}
        self.seed = seed
        self.trained = False

    def train(self) -> None:
        if self.priors:
            # m comes from the priors; u and the prior match rate are still measured on this data.
            self.linker.training.estimate_probability_two_random_records_match(["l.nik = r.nik"], recall=0.8)
            self.linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=self.seed)
        else:
            _train(self.linker, seed=self.seed)
        self.trained = True

    def m_probabilities(self) -> dict:
        return {(c.output_column_name, level.label_for_charts): round(level.m_probability, 6)
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

    def evidence(self, row) -> dict:
        """What each field said about a pair: the level reached and its match weight."""
        items = []
        for column, labels in self.labels.items():
            gamma = row.get(f"gamma_{column}")
            weight = row.get(f"bf_{column}")
            if gamma is None:
                continue
            gamma = int(gamma)
            # Splink numbers levels from the best (highest) down to 0; the null level is -1.
            non_null = [label for label in labels if label]
            label = "tidak ada data" if gamma < 0 else _level_label(labels, gamma)
            items.append({"field": column, "level": label, "weight": round(_log2(weight), 2) if weight is not None else 0.0})
            del non_null
        return {"match_weight": round(float(row.get("match_weight", 0.0)), 2), "fields": items}

    def close(self) -> None:
        self.connection.close()


def _level_label(labels: list[str], gamma: int) -> str:
    # comparison_levels are ordered: [null, best, ..., else]; gamma counts up from else = 0.
    non_null = labels[1:] if len(labels) > 1 else labels
    index = len(non_null) - 1 - gamma
    return non_null[index] if 0 <= index < len(non_null) else str(gamma)


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
