"""Synthetic population of Banyuwangi (pure Python + numpy, no Django, no database).

``generate(areas, people=..., seed=...)`` yields one :class:`VillageBatch` per village (in the order of
the village codes) with households, people, household memberships and a ``truth`` list of planted
facts (poor households, deceased people still on record, duplicated people, elderly living alone)
that later features (targeting, linkage, Rantang Kasih) can be tested against.

Conventions (see also the brief in the project docs):

* ``person_no`` and ``household_no`` are 0-based, dense and unique over the whole run, in the order
  the batches are yielded.  A writer adds its own offset to make primary keys.
* A village allocated 0 people yields **no batch** (``people=0`` yields nothing at all).
* Deterministic: the same ``(areas, people, seed, today)`` gives identical batches.  Every village
  draws from its own ``numpy.random.Generator(PCG64(SeedSequence(seed, spawn_key=(1, i))))`` where
  ``i`` is the village's index in code order.  A village's fixed "character" (its size weight,
  religion mix, welfare effect) comes from the CRC-32 of its code and so does not change with the seed.
  Two things run across villages: the NIK and KK serial counters (global, so numbers are unique over
  the run) and planted duplicates carried to the next village of the same kecamatan.
* Deaths (~0.6% of records, 1-5 years before ``today``, mostly old people): only non-heads die, so
  every household keeps a living head.  When a spouse dies the survivor becomes ``cerai_mati``; the
  deceased keeps one membership in the household that ended on the date of death, and the household's
  KK was issued before that death.
* Planted duplicates (~0.3% of records): a second record of a living person (same sex, birth date,
  birth place, NIK area and date part; a new NIK serial; a name variant) joined as ``famili_lain`` or
  ``lainnya`` to another household with at least two living members, in the same village or (about a
  third) the next village of the same kecamatan.  Truth: ``("duplicate_person", original, duplicate,
  None, "name variant: <kind> (<name> -> <variant>)")``.
* ``elderly_alone`` truth: every household whose only *living* current member is its head, aged 60+
  (a deceased spouse may still be on record).  ``poor_household``: households whose welfare score is
  under ``POOR_CUT`` (~6.5% of living people; all of them are in desil 1).
* Household size, shares and desil cut points are calibrated on full-scale runs for
  ``today = 2026-01-01``; another ``today`` only shifts birth dates.  ``calibrate_welfare_cuts()``
  recomputes the cut points after a change to the model.
* NIK/KK serials are counters per (area, date part); the generator raises ``RuntimeError`` if one would
  pass 9999 (at full scale the largest is far below that).
* ``python -m smartkampung.synth.population --people N --seed S [--stats]`` generates and discards a
  population (a benchmark), optionally printing the realised shares.
"""

from __future__ import annotations

import csv
import math
import zlib
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate
from pathlib import Path
from statistics import NormalDist

import numpy as np

from . import names as N

FULL_PEOPLE = 1_791_789

# --------------------------------------------------------------------------------------------------
# Codes (exact strings the writer validates)
# --------------------------------------------------------------------------------------------------

SEXES = ("M", "F")
RELATIONSHIPS = (
    "kepala",
    "suami",
    "istri",
    "anak",
    "menantu",
    "cucu",
    "orang_tua",
    "mertua",
    "famili_lain",
    "pembantu",
    "lainnya",
)
MARITAL = ("belum_kawin", "kawin", "cerai_hidup", "cerai_mati")
EDUCATION = ("tidak_sekolah", "belum_tamat_sd", "sd", "smp", "sma", "d1_d2", "d3", "d4_s1", "s2", "s3")
OCCUPATIONS = (
    "Belum/Tidak Bekerja",
    "Pelajar/Mahasiswa",
    "Mengurus Rumah Tangga",
    "Petani/Pekebun",
    "Buruh Tani/Perkebunan",
    "Nelayan/Perikanan",
    "Buruh Harian Lepas",
    "Karyawan Swasta",
    "Wiraswasta",
    "Pedagang",
    "Pegawai Negeri Sipil",
    "Guru",
    "Sopir",
    "Pensiunan",
    "Perangkat Desa",
    "Tukang Bangunan",
)
RELIGIONS = ("islam", "hindu", "kristen", "katolik", "buddha", "konghucu", "kepercayaan")
DISABILITIES = ("none", "physical", "visual", "hearing", "speech", "intellectual", "mental", "multiple")
HOUSE_CONDITIONS = ("layak", "kurang_layak", "tidak_layak")

TRUTH_POOR = "poor_household"
TRUTH_DECEASED = "deceased"
TRUTH_DUPLICATE = "duplicate_person"
TRUTH_ELDERLY_ALONE = "elderly_alone"

# relationship indices
KEPALA, SUAMI, ISTRI, ANAK, MENANTU, CUCU, ORANG_TUA, MERTUA, FAMILI, PEMBANTU, LAINNYA = range(11)
# marital indices
BK, KAWIN, CH, CM = range(4)
# occupation indices
(
    O_BTB,
    O_PELAJAR,
    O_MRT,
    O_PETANI,
    O_BURUH_TANI,
    O_NELAYAN,
    O_BHL,
    O_KARYAWAN,
    O_WIRASWASTA,
    O_PEDAGANG,
    O_PNS,
    O_GURU,
    O_SOPIR,
    O_PENSIUN,
    O_PERANGKAT,
    O_TUKANG,
) = range(16)

# --------------------------------------------------------------------------------------------------
# Rates and calibrated constants
# --------------------------------------------------------------------------------------------------

DECEASED_RATE = 0.006  # share of person records that are deceased (still on record)
DUPLICATE_RATE = 0.003  # share of person records that are planted duplicates
DUPLICATE_CARRY = 0.35  # share of duplicates placed in the next village of the same kecamatan
BORN_ELSEWHERE = 0.04  # adults whose NIK was issued outside Banyuwangi
OTHER_KECAMATAN = 0.08  # adults whose NIK was issued in another Banyuwangi kecamatan

# Household types and their shares (calibrated: 60+ ~18.8% of the living, ~3.3 people per household).
(
    T_ELDER,
    T_SINGLE_YOUNG,
    T_SINGLE_MID,
    T_COUPLE_OLD,
    T_COUPLE_YOUNG,
    T_NUCLEAR,
    T_SINGLE_PARENT,
    T_EXTENDED,
    T_THREE_GEN,
) = range(9)
TYPE_WEIGHTS = (0.063, 0.028, 0.020, 0.165, 0.045, 0.364, 0.065, 0.110, 0.140)

# Welfare score cut points (person-weighted, calibrated on full-scale runs): a household with score
# below DESIL_CUTS[k] is in desil k+1; below POOR_CUT it is poor (~6.5% of people).
DESIL_CUTS = (-2.085, -1.537, -1.143, -0.809, -0.497, -0.184, 0.151, 0.544, 1.095)
POOR_CUT = -2.382

BLIMBINGSARI = "25"
BLIMBINGSARI_YEAR = 2017
# Villages of Blimbingsari (35.10.25) and the kecamatan they were split from in 2017.  The postal
# codes in the area table (68461 is Kabat's) put Badean and Sukojati in Kabat; the rest came from
# Rogojampi.  Unknown villages fall back to the nearer of the two kecamatan centroids.
BLIMBINGSARI_ORIGIN = {"35.10.25.2009": "14", "35.10.25.2010": "14"}

COASTAL = {"01", "05", "18"}  # Pesanggaran, Muncar, Wongsorejo: fishing villages
MILD_COASTAL = {"03", "04", "16", "21"}  # Purwoharjo (Grajagan), Tegaldlimo, Banyuwangi, Kalipuro
PLANTATION = {"10", "11", "19", "24"}  # Glenmore, Kalibaru, Songgon, Licin
OSING = {"12", "13", "14", "15", "16", "17", "19", "24", "25"}
MADURESE = {"05", "18", "21"}
HINDU_AREAS = {"01", "02", "03", "04", "05", "06", "10", "20", "22"}

_EPOCH_ORD = date(1970, 1, 1).toordinal()
_YEAR = 365.2425


# --------------------------------------------------------------------------------------------------
# Public data structures
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    kind: str
    parent_code: str
    latitude: float
    longitude: float


def read_area_rows(path) -> list[AreaRow]:
    """Read the area table CSV (code,name,kind,parent_code,latitude,longitude,...)."""
    rows: list[AreaRow] = []
    with Path(path).open(newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            lat = rec.get("latitude") or "nan"
            lon = rec.get("longitude") or "nan"
            rows.append(
                AreaRow(
                    code=rec["code"].strip(),
                    name=rec["name"].strip(),
                    kind=rec["kind"].strip(),
                    parent_code=(rec.get("parent_code") or "").strip(),
                    latitude=float(lat),
                    longitude=float(lon),
                )
            )
    return rows


@dataclass
class VillageBatch:
    village_code: str
    # (household_no, kk_number, kk_issued_on, head_person_no, village_code, dusun, rw, rt, street,
    #  latitude, longitude, desil, house_condition)
    households: list[tuple] = field(default_factory=list)
    # (person_no, nik, name, sex, birth_place, birth_date, religion, marital_status, education,
    #  occupation, disability, disability_severe, phone, date_of_death, village_code)
    people: list[tuple] = field(default_factory=list)
    # (person_no, household_no, relationship, start_date, end_date)
    memberships: list[tuple] = field(default_factory=list)
    # (kind, person_no, other_person_no, household_no, detail)
    truth: list[tuple] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def _cum(weights) -> list[float]:
    return list(accumulate(float(w) for w in weights))


def _crc_rng(code: str, salt: int = 0) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(zlib.crc32(code.encode("utf-8")) + (salt << 32)))


class _Stream:
    """Uniform and normal numbers drawn from a Generator in blocks (cheap scalar draws)."""

    __slots__ = ("_rng", "_u", "_ui", "_n", "_ni")

    def __init__(self, rng: np.random.Generator):
        self._rng = rng
        self._u = rng.random(8192).tolist()
        self._ui = 0
        self._n = rng.standard_normal(2048).tolist()
        self._ni = 0

    def u(self) -> float:
        i = self._ui
        if i == 8192:
            self._u = self._rng.random(8192).tolist()
            i = 0
        self._ui = i + 1
        return self._u[i]

    def n(self) -> float:
        i = self._ni
        if i == 2048:
            self._n = self._rng.standard_normal(2048).tolist()
            i = 0
        self._ni = i + 1
        return self._n[i]


def _bands(spec):
    """[(lo, hi, weight), ...] -> (cum weights, lows, widths)."""
    return _cum(w for _, _, w in spec), [lo for lo, _, _ in spec], [hi - lo for lo, hi, _ in spec]


ELDER_BANDS = _bands(
    [(60, 65, 0.17), (65, 70, 0.22), (70, 75, 0.23), (75, 80, 0.18), (80, 85, 0.12), (85, 96, 0.08)]
)
COUPLE_OLD_BANDS = _bands(
    [
        (50, 55, 0.10),
        (55, 60, 0.18),
        (60, 65, 0.22),
        (65, 70, 0.19),
        (70, 75, 0.14),
        (75, 80, 0.10),
        (80, 90, 0.07),
    ]
)
NUCLEAR_BANDS = _bands(
    [
        (20, 25, 0.09),
        (25, 30, 0.12),
        (30, 35, 0.14),
        (35, 40, 0.15),
        (40, 45, 0.15),
        (45, 50, 0.14),
        (50, 55, 0.12),
        (55, 60, 0.09),
    ]
)
SINGLE_PARENT_BANDS = _bands([(24, 30, 0.10), (30, 40, 0.30), (40, 50, 0.30), (50, 65, 0.30)])
EXTENDED_BANDS = _bands([(22, 30, 0.25), (30, 40, 0.35), (40, 50, 0.28), (50, 56, 0.12)])
THREE_GEN_BANDS = _bands(
    [
        (50, 55, 0.08),
        (55, 60, 0.14),
        (60, 65, 0.20),
        (65, 70, 0.20),
        (70, 75, 0.16),
        (75, 80, 0.12),
        (80, 90, 0.10),
    ]
)

# completed fertility (children ever born, 1..7) by the mother's birth year
_FERT_YOUNG = _cum([0.18, 0.46, 0.25, 0.08, 0.03])
_FERT_MID = _cum([0.15, 0.43, 0.28, 0.10, 0.04])
_FERT_OLD = _cum([0.06, 0.18, 0.26, 0.20, 0.14, 0.10, 0.06])


# --------------------------------------------------------------------------------------------------
# Household composition (Python loop over households; everything else is vectorised)
# --------------------------------------------------------------------------------------------------


class _People:
    """Parallel lists of the people of one village while households are being built."""

    def __init__(self):
        self.age: list[float] = []
        self.sex: list[int] = []
        self.rel: list[int] = []
        self.mar: list[int] = []
        self.hh: list[int] = []
        self.father: list[int] = []
        self.spouse: list[int] = []
        self.h_first: list[int] = []


def _build_households(budget: int, st: _Stream, today_year: int) -> _People:
    P = _People()
    age_l, sex_l, rel_l, mar_l, hh_l, fa_l, sp_l = P.age, P.sex, P.rel, P.mar, P.hh, P.father, P.spouse
    u, nz = st.u, st.n
    type_cum = _cum(TYPE_WEIGHTS)
    type_tot = type_cum[-1]
    h = -1

    def add(age, sex, rel, mar, fa=-1):
        age_l.append(age)
        sex_l.append(sex)
        rel_l.append(rel)
        mar_l.append(mar)
        hh_l.append(h)
        fa_l.append(fa)
        sp_l.append(-1)
        return len(age_l) - 1

    def band(b):
        cum, lows, widths = b
        i = bisect_right(cum, u() * cum[-1])
        return lows[i] + u() * widths[i]

    def couple(wife_age, husband_head=True, husband_rel=SUAMI, wife_rel=ISTRI, head=True):
        gap = 4.0 + 3.5 * nz() + (1.0 if wife_age > 60 else 0.0)
        gap = -3.0 if gap < -3.0 else (16.0 if gap > 16.0 else gap)
        hage = min(wife_age + gap, 99.0)
        if hage < 17.5:
            hage = 17.5 + u()
        if not head:
            hi = add(hage, 0, husband_rel, KAWIN)
            wi = add(wife_age, 1, wife_rel, KAWIN)
        elif husband_head:
            hi = add(hage, 0, KEPALA, KAWIN)
            wi = add(wife_age, 1, ISTRI, KAWIN)
        else:
            wi = add(wife_age, 1, KEPALA, KAWIN)
            hi = add(hage, 0, SUAMI, KAWIN)
        sp_l[hi] = wi
        sp_l[wi] = hi
        return hi, wi

    def children(mother_age, fa, rel=ANAK):
        by = today_year - mother_age
        cum = _FERT_YOUNG if by >= 1985 else (_FERT_MID if by >= 1970 else _FERT_OLD)
        k = bisect_right(cum, u() * cum[-1]) + 1
        ba = 17.0 + 13.0 * u() ** 1.5
        added = 0
        for _ in range(k):
            if ba > 45.0:
                break
            ca = mother_age - ba
            if ca <= 0.02:
                break
            ba += 1.3 + 5.0 * u() ** 1.4
            if ca >= 17.0:
                p = 0.90 if ca < 20 else 0.60 if ca < 25 else 0.32 if ca < 30 else 0.14 if ca < 40 else 0.05
                if u() >= p:
                    continue
                mar = CH if (ca >= 20 and u() < 0.03) else BK
            else:
                mar = BK
            add(ca, 0 if u() < 0.53 else 1, rel, mar, fa)
            added += 1
        return added

    n_people = 0
    while n_people < budget:
        h += 1
        first = len(age_l)
        P.h_first.append(first)
        t = bisect_right(type_cum, u() * type_tot)
        if t == T_ELDER:
            age = band(ELDER_BANDS)
            r = u()
            if u() < 0.70:
                mar = CM if r < 0.86 else CH if r < 0.94 else BK if r < 0.97 else KAWIN
                add(age, 1, KEPALA, mar)
            else:
                mar = CM if r < 0.70 else CH if r < 0.88 else BK if r < 0.94 else KAWIN
                add(age, 0, KEPALA, mar)
        elif t == T_SINGLE_YOUNG:
            add(18.0 + 16.0 * u(), 0 if u() < 0.80 else 1, KEPALA, BK if u() < 0.9 else CH)
        elif t == T_SINGLE_MID:
            r = u()
            add(35.0 + 25.0 * u(), 0 if u() < 0.65 else 1, KEPALA, BK if r < 0.2 else CH if r < 0.65 else CM)
        elif t == T_COUPLE_OLD:
            couple(band(COUPLE_OLD_BANDS))
        elif t == T_COUPLE_YOUNG:  # young couple, possibly with a baby
            wage = 18.0 + 12.0 * u()
            hi, wi = couple(wage, husband_head=u() >= 0.03)
            children(wage, hi)
        elif t == T_NUCLEAR:
            wage = band(NUCLEAR_BANDS)
            hi, wi = couple(wage, husband_head=u() >= 0.03)
            children(wage, hi)
        elif t == T_SINGLE_PARENT:
            if u() < 0.85:
                mage = band(SINGLE_PARENT_BANDS)
                r = u()
                mar = (CM if r < 0.7 else CH) if mage > 50 else (CH if r < 0.6 else CM)
                add(mage, 1, KEPALA, mar)
                children(mage, -1)
            else:
                fage = 27.0 + 35.0 * u()
                fi = add(fage, 0, KEPALA, CM if u() < 0.55 else CH)
                children(max(fage - 4.0, 17.0), fi)
        elif t == T_EXTENDED:
            wage = band(EXTENDED_BANDS)
            hi, wi = couple(wage, husband_head=u() >= 0.03)
            children(wage, hi)
            own_side = u() < 0.55
            base = age_l[hi] if own_side else wage
            prel = ORANG_TUA if own_side else MERTUA
            mage = base + 18.0 + 14.0 * u() ** 1.3
            if mage > 98.0:
                mage = 98.0 - 2.0 * u()
            if mage - base >= 17.0:
                r = u()
                if r < 0.62:
                    add(mage, 1, prel, CM)
                elif r < 0.77:
                    add(min(mage + 3.0 + 3.0 * nz(), 99.0), 0, prel, CM)
                else:
                    couple(mage, husband_rel=prel, wife_rel=prel, head=False)
        else:  # T_THREE_GEN
            mage = band(THREE_GEN_BANDS)
            r = u()
            if r < 0.55:
                hi, wi = couple(mage)
                father = hi
            elif r < 0.86:
                add(mage, 1, KEPALA, CM)
                father = -1
            else:
                hi = add(min(mage + 4.0 + 3.0 * nz(), 99.0), 0, KEPALA, CM)
                father = hi
            ba = 18.0 + 17.0 * u() ** 1.2
            if ba > mage - 19.0:
                ba = mage - 19.0
            ca = mage - ba
            if u() < 0.62:  # married daughter stays with her parents
                di = add(ca, 1, ANAK, KAWIN, father)
                if u() < 0.88:
                    gap = 4.0 + 3.0 * nz()
                    mi = add(max(ca + gap, 18.0), 0, MENANTU, KAWIN)
                    sp_l[di] = mi
                    sp_l[mi] = di
                    children(ca, mi, CUCU)
                else:
                    mar_l[di] = CH if u() < 0.6 else KAWIN
                    children(ca, -1, CUCU)
            else:
                si = add(ca, 0, ANAK, KAWIN, father)
                wage = ca - (4.0 + 3.0 * nz())
                if wage < 17.0:
                    wage = 17.0 + u() * 2.0
                wi = add(wage, 1, MENANTU, KAWIN)
                sp_l[si] = wi
                sp_l[wi] = si
                children(wage, si, CUCU)
            if u() < 0.3:
                ba2 = ba + 2.0 + 10.0 * u()
                if ba2 <= 45.0 and mage - ba2 > 0.5:
                    ca2 = mage - ba2
                    add(ca2, 0 if u() < 0.5 else 1, ANAK, BK, father)
        if t > T_SINGLE_MID:
            r = u()
            if r < 0.035:
                if u() < 0.5:
                    add(6.0 + 14.0 * u(), 0 if u() < 0.6 else 1, FAMILI, BK)
                else:
                    a = 20.0 + 50.0 * u()
                    r2 = u()
                    add(
                        a,
                        0 if u() < 0.6 else 1,
                        FAMILI,
                        BK if r2 < 0.5 else KAWIN if r2 < 0.7 else CH if r2 < 0.85 else CM,
                    )
            elif r < 0.039:
                add(18.0 + 40.0 * u(), 1 if u() < 0.85 else 0, PEMBANTU, BK if u() < 0.6 else KAWIN)
            elif r < 0.042:
                add(18.0 + 50.0 * u(), 0 if u() < 0.7 else 1, LAINNYA, BK if u() < 0.5 else KAWIN)
        n_people += len(age_l) - first

    # trim the last household to the exact budget (never its head, which is its first member)
    excess = n_people - budget
    if excess > 0:
        keep = len(age_l) - excess
        for lst in (age_l, sex_l, rel_l, mar_l, hh_l, fa_l, sp_l):
            del lst[keep:]
        for i in range(P.h_first[-1], keep):
            if sp_l[i] >= keep:
                sp_l[i] = -1
    return P


# --------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------


class _Comp:
    __slots__ = ("values", "cum")

    def __init__(self, values, weights=None):
        self.values = list(values)
        self.cum = None if weights is None else np.cumsum(np.asarray(weights, dtype=float))

    def draw(self, rng, k):
        if self.cum is None:
            idx = rng.integers(0, len(self.values), k)
        else:
            idx = np.searchsorted(self.cum, rng.random(k) * self.cum[-1], side="right")
        v = self.values
        return [v[i] for i in idx.tolist()]


def _wcomp(pairs, col=1):
    return _Comp([p[0] for p in pairs], [p[col] for p in pairs])


def _name_specs():
    """(group, sex, cohort) -> list of (weight, [components]).

    groups: 0 Javanese, 1 Osing, 2 Madurese, 3 Balinese (Hindu), 4 Christian, 5 Chinese-Indonesian,
    6 Javanese without Islamic elements (Javanese Hindu / Kepercayaan households).
    cohorts by birth year: 0 <1950, 1 1950-69, 2 1970-84, 3 1985-2004, 4 >=2005.
    """
    C = _Comp
    muh = [_wcomp(N.MUHAMMAD_VARIANTS, c) for c in (1, 2, 3)]
    siti = [_wcomp(N.SITI_VARIANTS, c) for c in (1, 2, 3)]
    nur, ahmad = _wcomp(N.NUR_VARIANTS), _wcomp(N.AHMAD_VARIANTS)
    abdul = C(["Abdul", "Abd."], [85, 15])
    haji_m, haji_f = C(["H."]), C(["Hj."])
    isl_m, isl_f, abd_suf, nur_suf = (
        C(N.ISLAMIC_MALE),
        C(N.ISLAMIC_FEMALE),
        C(N.ABDUL_SUFFIXES),
        C(N.NUR_SUFFIXES_F),
    )
    m_oldest, f_oldest = C(N.MALE_OLDEST), C(N.FEMALE_OLDEST)
    m_old, f_old = C(N.MALE_OLD_SINGLE), C(N.FEMALE_OLD_SINGLE)
    m_mf, m_ml, f_mf, f_ml = (
        C(N.MALE_MIDDLE_FIRST),
        C(N.MALE_MIDDLE_LAST),
        C(N.FEMALE_MIDDLE_FIRST),
        C(N.FEMALE_MIDDLE_LAST),
    )
    m_yf, m_ym, m_yl = C(N.MALE_YOUNG_FIRST), C(N.MALE_YOUNG_MID), C(N.MALE_YOUNG_LAST)
    f_yf, f_ym, f_yl = C(N.FEMALE_YOUNG_FIRST), C(N.FEMALE_YOUNG_MID), C(N.FEMALE_YOUNG_LAST)
    m_nf, m_nl, f_nf, f_nl = (
        C(N.MALE_NEW_FIRST),
        C(N.MALE_NEW_LAST),
        C(N.FEMALE_NEW_FIRST),
        C(N.FEMALE_NEW_LAST),
    )
    os_m, os_f, md_m, md_f = C(N.OSING_MALE), C(N.OSING_FEMALE), C(N.MADURESE_MALE), C(N.MADURESE_FEMALE)

    jav = {
        (0, 0): [
            (20, [m_oldest]),
            (16, [m_old]),
            (4, [isl_m]),
            (9, [muh[0], isl_m]),
            (4, [abdul, abd_suf]),
            (9, [m_old, m_ml]),
            (9, [m_oldest, m_ml]),
            (5, [ahmad, isl_m]),
            (3, [haji_m, m_old]),
            (3, [haji_m, muh[0], isl_m]),
            (7, [isl_m, m_ml]),
        ],
        (0, 1): [
            (18, [m_old]),
            (2, [m_oldest]),
            (3, [isl_m]),
            (13, [muh[0], isl_m]),
            (5, [abdul, abd_suf]),
            (16, [m_mf, m_ml]),
            (12, [m_old, m_ml]),
            (6, [ahmad, isl_m]),
            (3, [haji_m, m_old]),
            (2, [haji_m, muh[0], isl_m]),
            (9, [isl_m, m_ml]),
            (4, [m_mf, isl_m]),
        ],
        (0, 2): [
            (8, [m_old]),
            (6, [m_mf]),
            (30, [m_mf, m_ml]),
            (16, [muh[1], isl_m]),
            (6, [ahmad, isl_m]),
            (5, [abdul, abd_suf]),
            (10, [isl_m, m_ml]),
            (8, [m_mf, isl_m]),
            (5, [muh[1], isl_m, m_ml]),
            (4, [m_yf, m_ml]),
        ],
        (0, 3): [
            (4, [m_yf]),
            (30, [m_yf, m_yl]),
            (22, [m_yf, m_ym, m_yl]),
            (12, [muh[2], isl_m]),
            (8, [muh[2], isl_m, m_yl]),
            (6, [ahmad, isl_m, m_yl]),
            (8, [isl_m, m_yl]),
            (6, [muh[2], m_yf, m_yl]),
            (4, [abdul, abd_suf]),
        ],
        (0, 4): [
            (2, [m_nf]),
            (40, [m_nf, m_nl]),
            (25, [muh[2], m_nf, m_nl]),
            (15, [m_nf, m_ym, m_nl]),
            (10, [muh[2], isl_m, m_nl]),
            (8, [ahmad, m_nf, m_nl]),
        ],
        (1, 0): [
            (20, [f_oldest]),
            (18, [f_old]),
            (4, [isl_f]),
            (10, [siti[0], isl_f]),
            (8, [siti[0], f_old]),
            (4, [nur, nur_suf]),
            (3, [haji_f, f_old]),
            (8, [f_old, f_ml]),
            (4, [f_mf]),
        ],
        (1, 1): [
            (18, [f_old]),
            (2, [f_oldest]),
            (4, [isl_f]),
            (14, [siti[0], isl_f]),
            (8, [siti[0], f_old]),
            (18, [f_mf, f_ml]),
            (6, [nur, nur_suf]),
            (3, [haji_f, f_old]),
            (5, [f_mf]),
            (6, [f_old, f_ml]),
        ],
        (1, 2): [
            (7, [f_old]),
            (7, [f_mf]),
            (32, [f_mf, f_ml]),
            (16, [siti[1], isl_f]),
            (6, [siti[1], f_ml]),
            (10, [nur, nur_suf]),
            (6, [isl_f]),
            (6, [f_mf, isl_f]),
            (6, [f_yf, f_ml]),
        ],
        (1, 3): [
            (4, [f_yf]),
            (32, [f_yf, f_yl]),
            (25, [f_yf, f_ym, f_yl]),
            (10, [siti[2], isl_f]),
            (6, [siti[2], f_yl]),
            (10, [nur, nur_suf]),
            (6, [isl_f, f_yl]),
            (5, [f_yf, nur_suf]),
        ],
        (1, 4): [
            (3, [f_nf]),
            (45, [f_nf, f_nl]),
            (25, [f_nf, f_ym, f_nl]),
            (8, [siti[2], f_nf, f_nl]),
            (8, [nur, nur_suf, f_nl]),
            (10, [f_nf, isl_f]),
        ],
    }
    specs = {}
    for (sex, coh), pats in jav.items():
        specs[(0, sex, coh)] = pats
        extra_os = (
            [(8, [os_m if sex == 0 else os_f])]
            if coh <= 1
            else ([(5, [os_m if sex == 0 else os_f])] if coh == 2 else [])
        )
        specs[(1, sex, coh)] = pats + extra_os
        if coh <= 2:
            mad = [(p[0], [muh[0] if c in muh else siti[0] if c in siti else c for c in p[1]]) for p in pats]
            specs[(2, sex, coh)] = mad + [(20 if coh <= 1 else 10, [md_m if sex == 0 else md_f])]
        else:
            specs[(2, sex, coh)] = pats
        islamic = {
            id(x) for x in (*muh, *siti, nur, ahmad, abdul, haji_m, haji_f, isl_m, isl_f, abd_suf, nur_suf)
        }
        plain = [p for p in pats if not any(id(c) in islamic for c in p[1])]
        specs[(6, sex, coh)] = plain
        last = (m_ml if sex == 0 else f_ml) if coh <= 2 else (m_yl if sex == 0 else f_yl)
        last = C([x for x in last.values if x not in _ISLAMIC_LOOKING])
        chr_c = C(N.CHRISTIAN_MALE if sex == 0 else N.CHRISTIAN_FEMALE)
        specs[(4, sex, coh)] = [(45, [chr_c, last]), (15, [chr_c])] + [
            (w * 40 / sum(q[0] for q in plain), c) for w, c in plain
        ]
        bali_pref = C(N.BALI_MALE_PREFIX if sex == 0 else N.BALI_FEMALE_PREFIX)
        bali = C(N.BALI_MALE if sex == 0 else N.BALI_FEMALE)
        young = (m_yf if sex == 0 else f_yf) if coh >= 3 else (m_mf if sex == 0 else f_mf)
        specs[(3, sex, coh)] = [(65, [bali_pref, bali]), (20, [bali_pref, young, bali]), (15, [bali])]
        chn = C(N.CHINESE_MALE if sex == 0 else N.CHINESE_FEMALE)
        specs[(5, sex, coh)] = [(70, [chn]), (30, [chr_c, chn])]
    out = {}
    for key, pats in specs.items():
        out[key] = (np.cumsum([float(w) for w, _ in pats]), [c for _, c in pats])
    return out


_ISLAMIC_LOOKING = {
    "Zubaidah",
    "Masruroh",
    "Sholikhah",
    "Khasanah",
    "Syafii",
    "Hidayat",
    "Hidayati",
    "Saifuddin",
    "Hidayatullah",
    "Maulana",
    "Maulidi",
    "Akbar",
    "Fauzi",
    "Ramadhan",
    "Ramadan",
    "Fadilah",
    "Azzahra",
    "Ramadhani",
    "Khoirunnisa",
    "Nuraini",
    "Nurhaliza",
    "Maulida",
    "Rizkiyah",
    "Arifah",
    "Hakim",
    "Firmansyah",
    "Nurhayati",
    "Fatmawati",
}
_NAME_SPECS = None


def _specs():
    global _NAME_SPECS
    if _NAME_SPECS is None:
        _NAME_SPECS = _name_specs()
    return _NAME_SPECS


def _compose_names(rng, k, spec) -> list[str]:
    cum, pats = spec
    which = np.searchsorted(cum, rng.random(k) * cum[-1], side="right")
    out: list[str] = [""] * k
    for j, comps in enumerate(pats):
        idx = np.flatnonzero(which == j)
        if idx.size == 0:
            continue
        n = idx.size
        if len(comps) == 1:
            names = comps[0].draw(rng, n)
        else:
            parts = [c.draw(rng, n) for c in comps]
            names = [" ".join(dict.fromkeys(t)) for t in zip(*parts, strict=True)]
        for i, s in zip(idx.tolist(), names, strict=True):
            out[i] = s
    return out


# Name variants for planted duplicates ---------------------------------------------------------------

_VARIANT_GROUPS = (
    ("Muhammad", "Moch.", "Moh.", "M.", "Mochammad", "Muhamad", "Mohammad", "Mochamad", "Mukhammad"),
    ("Siti", "Sitti", "St.", "Sity"),
    ("Nur", "Noor"),
    ("Ahmad", "Achmad", "Akhmad"),
    ("Abdul", "Abd."),
    ("Khoirul", "Choirul"),
    ("Syaiful", "Saiful"),
    ("Kholil", "Holil"),
    ("Khotijah", "Khadijah"),
    ("Zainab", "Zaenab"),
    ("Ramadhan", "Ramadan"),
    ("Rizky", "Rizki"),
    ("Effendi", "Efendi"),
)
_VARIANT_OF = {w: g for g in _VARIANT_GROUPS for w in g}
_OLD_SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("Oe", "U"), ("Dj", "J"), ("Tj", "C"))


def name_variant(name: str, u) -> tuple[str, str]:
    """A plausible variant of ``name`` (spelling, dropped word, typo). ``u()`` gives uniforms."""
    tokens = name.split(" ")
    options = []
    for i, t in enumerate(tokens):
        if t in _VARIANT_OF:
            options.append(("spelling", i))
        if any(a in t for a, _ in _OLD_SPELLING):
            options.append(("old spelling", i))
    if len(tokens) >= 2:
        options.append(("dropped word", -1))
    options.append(("typo", -1))
    kind, i = options[int(u() * len(options))]
    new = list(tokens)
    if kind == "spelling":
        group = [w for w in _VARIANT_OF[tokens[i]] if w != tokens[i]]
        new[i] = group[int(u() * len(group))]
    elif kind == "old spelling":
        t = tokens[i]
        for a, b in _OLD_SPELLING:
            t = t.replace(a, b)
        new[i] = t
    elif kind == "dropped word":
        j = len(tokens) - 1 if (len(tokens) == 2 or u() < 0.6) else 1 + int(u() * (len(tokens) - 2))
        if tokens[0].endswith(".") and len(tokens) == 2:  # "M. Yusuf" -> "Yusuf"
            j = 0
        del new[j]
    else:
        cand = [k for k, t in enumerate(tokens) if len(t) >= 4 and t.isalpha()]
        if not cand:
            new = [t + "h" if not t.endswith(".") else t for t in tokens]
        else:
            k = cand[int(u() * len(cand))]
            t = tokens[k]
            r = u()
            p = 1 + int(u() * (len(t) - 2))
            if r < 0.3:  # swap two letters
                t = t[:p] + t[p + 1] + t[p] + t[p + 2 :]
            elif r < 0.55:  # drop a letter
                t = t[:p] + t[p + 1 :]
            elif r < 0.75:  # double a letter
                t = t[:p] + t[p] + t[p:]
            elif t.endswith("h"):
                t = t[:-1]
            elif "y" in t[1:]:
                t = t[0] + t[1:].replace("y", "i", 1)
            else:
                t = t[:p] + ("i" if t[p] != "i" else "e") + t[p + 1 :]
            new[k] = t
    out = " ".join(new)
    if out == name:
        out = name + "h" if not name.endswith("h") else name[:-1]
        kind = "typo"
    return out, f"name variant: {kind} ({name} -> {out})"


# --------------------------------------------------------------------------------------------------
# Villages
# --------------------------------------------------------------------------------------------------


@dataclass
class _Village:
    index: int
    code: str
    name: str
    kind: str
    kec: str  # 2-digit kecamatan code
    kec_name: str
    lat: float
    lon: float
    weight: float
    zone: str  # urban | coastal | mild_coastal | plantation | rural
    religion_p: np.ndarray
    ethnic_p: np.ndarray  # Javanese, Osing, Madurese (for Muslim households)
    welfare_effect: float
    origin_kec: str  # Blimbingsari villages: the pre-2017 kecamatan (13/14); else same as kec


def _villages(areas: list[AreaRow]) -> list[_Village]:
    kec_rows = {a.code: a for a in areas if a.kind == "kecamatan"}
    rows = sorted((a for a in areas if a.kind in ("desa", "kelurahan")), key=lambda a: a.code)
    out = []
    for i, a in enumerate(rows):
        parts = a.code.split(".")
        kec = parts[2] if len(parts) > 2 else "01"
        kec_code = ".".join(parts[:3])
        kec_name = kec_rows[kec_code].name if kec_code in kec_rows else a.name
        crng = _crc_rng(a.code)
        urban = a.kind == "kelurahan"
        weight = (1.8 if urban else 1.0) * float(np.exp(0.45 * crng.standard_normal()))
        zone = (
            "urban"
            if urban
            else "coastal"
            if kec in COASTAL
            else "mild_coastal"
            if kec in MILD_COASTAL
            else "plantation"
            if kec in PLANTATION
            else "rural"
        )
        # religion mix: islam, hindu, kristen, katolik, buddha, konghucu, kepercayaan
        rp = np.array([0.0, 0.004, 0.007, 0.003, 0.0005, 0.0001, 0.001])
        if kec in HINDU_AREAS and crng.random() < 0.2:
            rp[1] += crng.uniform(0.05, 0.25)
        elif crng.random() < 0.02:
            rp[1] += crng.uniform(0.03, 0.10)
        if crng.random() < 0.05:
            rp[2] += crng.uniform(0.03, 0.12)
            rp[3] += crng.uniform(0.01, 0.05)
        if urban:
            rp[2:6] += (0.025, 0.012, 0.012, 0.003)
        rp[0] = 1.0 - rp[1:].sum()
        if kec in OSING:
            ep = np.array([0.40, 0.55, 0.05])
        elif kec in MADURESE:
            ep = np.array([0.42, 0.10, 0.48])
        else:
            ep = np.array([0.87, 0.07, 0.06])
        eff = (
            0.33 * float(crng.standard_normal())
            + (0.35 if urban else 0.0)
            + (-0.12 if zone == "coastal" else -0.12 if zone == "plantation" else 0.0)
        )
        origin = kec
        if kec == BLIMBINGSARI:
            origin = BLIMBINGSARI_ORIGIN.get(a.code)
            if origin is None:
                best, origin = None, "13"
                for cc in ("13", "14"):
                    k = kec_rows.get(".".join(parts[:2] + [cc]))
                    if k is not None:
                        d = (k.latitude - a.latitude) ** 2 + (k.longitude - a.longitude) ** 2
                        if best is None or d < best:
                            best, origin = d, cc
        out.append(
            _Village(
                i,
                a.code,
                a.name,
                a.kind,
                kec,
                kec_name,
                a.latitude,
                a.longitude,
                weight,
                zone,
                rp,
                ep,
                eff,
                origin,
            )
        )
    return out


def allocate(weights: list[float], people: int) -> list[int]:
    """Largest-remainder apportionment of ``people`` over ``weights`` (exact total, deterministic)."""
    if people <= 0 or not weights:
        return [0] * len(weights)
    w = np.asarray(weights, dtype=float)
    quota = w / w.sum() * people
    base = np.floor(quota).astype(np.int64)
    rem = people - int(base.sum())
    if rem > 0:
        order = np.lexsort((np.arange(len(w)), -(quota - base)))
        base[order[:rem]] += 1
    return base.tolist()


# --------------------------------------------------------------------------------------------------
# Run-wide state: NIK and KK serial counters
# --------------------------------------------------------------------------------------------------

_OTHER_REG_CODES = [r[0] for r in N.OTHER_REGENCIES]
_OTHER_REG_NKEC = np.array([min(r[1], 20) for r in N.OTHER_REGENCIES])
_OTHER_REG_CUM = np.cumsum([r[2] for r in N.OTHER_REGENCIES])
_OTHER_REG_BALI = np.array([c.startswith("51") for c in _OTHER_REG_CODES])
_N_AREA = 25 + 20 * len(N.OTHER_REGENCIES)  # area index: 0..24 Banyuwangi kecamatan, then 20 per regency


def _area6_of_index(idx: np.ndarray) -> np.ndarray:
    idx = np.asarray(idx, dtype=np.int64)
    out = np.empty(idx.shape, dtype=np.int64)
    bwi = idx < 25
    out[bwi] = 351000 + idx[bwi] + 1
    o = idx[~bwi] - 25
    regs = np.array([int(c) for c in _OTHER_REG_CODES], dtype=np.int64)
    out[~bwi] = regs[o // 20] * 100 + (o % 20) + 1
    return out


class _Counters:
    def __init__(self):
        # NIK: (area, YY, (month-1)*31 + day-1, sex)
        self.nik = np.zeros(_N_AREA * 100 * 372 * 2, dtype=np.uint16)
        # KK: (Banyuwangi kecamatan, YY, (month-1)*31 + day-1)
        self.kk = np.zeros(25 * 100 * 372, dtype=np.uint16)

    @staticmethod
    def _take(counter, keys):
        if keys.size == 0:
            return np.zeros(0, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        start = np.r_[True, sk[1:] != sk[:-1]]
        grp_start = np.maximum.accumulate(np.where(start, np.arange(sk.size), 0))
        rank = np.arange(sk.size) - grp_start
        serial_sorted = counter[sk].astype(np.int64) + rank + 1
        serial = np.empty_like(serial_sorted)
        serial[order] = serial_sorted
        if serial.max() > 9999:
            raise RuntimeError("NIK/KK serial counter exceeded 9999 for one area and date")
        uk, cnt = np.unique(sk, return_counts=True)
        counter[uk] += cnt.astype(np.uint16)
        return serial


def _ymd(ords: np.ndarray):
    d = (np.asarray(ords, dtype=np.int64) - _EPOCH_ORD).astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m_ = d.astype("datetime64[M]")
    m = m_.astype(np.int64) % 12 + 1
    dd = (d - m_.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, dd


def _dates(ords) -> list[date]:
    fo = date.fromordinal
    return [fo(o) for o in ords]


# --------------------------------------------------------------------------------------------------
# Occupation tables
# --------------------------------------------------------------------------------------------------

_OCC_BASE = {
    # (sex, edu group 0 low / 1 mid / 2 high) -> {occupation: weight}
    (0, 0): {
        O_PETANI: 28,
        O_BURUH_TANI: 24,
        O_BHL: 16,
        O_TUKANG: 9,
        O_PEDAGANG: 5,
        O_WIRASWASTA: 7,
        O_SOPIR: 3,
        O_KARYAWAN: 4,
        O_NELAYAN: 1,
        O_BTB: 3,
    },
    (0, 1): {
        O_PETANI: 15,
        O_BURUH_TANI: 10,
        O_BHL: 12,
        O_TUKANG: 6,
        O_PEDAGANG: 8,
        O_WIRASWASTA: 16,
        O_SOPIR: 6,
        O_KARYAWAN: 20,
        O_PERANGKAT: 1.2,
        O_PNS: 1.5,
        O_GURU: 0.8,
        O_NELAYAN: 1,
        O_BTB: 3,
    },
    (0, 2): {
        O_KARYAWAN: 28,
        O_PNS: 18,
        O_GURU: 18,
        O_WIRASWASTA: 16,
        O_PEDAGANG: 5,
        O_PETANI: 5,
        O_PERANGKAT: 3,
        O_BTB: 3,
    },
    (1, 0): {
        O_PETANI: 18,
        O_BURUH_TANI: 26,
        O_PEDAGANG: 22,
        O_BHL: 10,
        O_WIRASWASTA: 10,
        O_KARYAWAN: 8,
        O_BTB: 6,
    },
    (1, 1): {
        O_PEDAGANG: 20,
        O_WIRASWASTA: 18,
        O_KARYAWAN: 30,
        O_BURUH_TANI: 8,
        O_PETANI: 6,
        O_BHL: 6,
        O_GURU: 3,
        O_PNS: 2,
        O_PERANGKAT: 0.5,
        O_BTB: 6,
    },
    (1, 2): {O_GURU: 32, O_PNS: 20, O_KARYAWAN: 25, O_WIRASWASTA: 12, O_PEDAGANG: 5, O_BTB: 6},
}
_ZONE_MULT = {
    "urban": {
        O_PETANI: 0.15,
        O_BURUH_TANI: 0.2,
        O_KARYAWAN: 1.8,
        O_WIRASWASTA: 1.4,
        O_PEDAGANG: 1.4,
        O_PNS: 1.5,
        O_PERANGKAT: 0.0,
        O_NELAYAN: 0.5,
    },
    "coastal": {O_PETANI: 0.6, O_BURUH_TANI: 0.8},
    "mild_coastal": {},
    "plantation": {O_BURUH_TANI: 1.9, O_PETANI: 1.1},
    "rural": {},
}
_ZONE_NELAYAN = {
    "urban": (0.5, 0.5),
    "coastal": (26.0, 14.0),
    "mild_coastal": (6.0, 3.0),
    "plantation": (0.2, 0.2),
    "rural": (0.5, 0.5),
}


def _occ_tables(zone):
    out = {}
    for (sex, eg), base in _OCC_BASE.items():
        w = np.zeros(len(OCCUPATIONS))
        for o, v in base.items():
            w[o] = v
        for o, m in _ZONE_MULT[zone].items():
            w[o] *= m
        if sex == 0:
            w[O_NELAYAN] = _ZONE_NELAYAN[zone][min(eg, 1)] if eg < 2 else 0.0
        out[(sex, eg)] = np.cumsum(w)
    return out


_OCC_CACHE: dict = {}
_SCORE_SINK: list | None = None  # set by calibrate_welfare_cuts()

# education attainment (final) by birth cohort, ordered probit thresholds
_EDU_COHORT_P = (
    (1950, [40, 25, 28, 4, 2.5, 0.2, 0.1, 0.2, 0, 0]),
    (1965, [18, 20, 42, 10, 8, 0.6, 0.5, 0.9, 0, 0]),
    (1980, [5, 10, 40, 20, 20, 1, 1, 2.9, 0.1, 0.0]),
    (1995, [2, 4, 25, 25, 33.5, 1, 2, 7, 0.45, 0.05]),
    (9999, [1, 2, 12, 23, 47, 1, 3, 10.4, 0.55, 0.05]),
)


def _edu_thresholds():
    nd = NormalDist()
    out = []
    for _, p in _EDU_COHORT_P:
        c = np.cumsum(np.asarray(p, float) / sum(p))[:-1]
        out.append([nd.inv_cdf(min(max(x, 1e-9), 1 - 1e-9)) for x in c])
    return np.array(out)


_EDU_THR = _edu_thresholds()
_EDU_BOUNDS = np.array([b for b, _ in _EDU_COHORT_P[:-1]])

# --------------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------------

_PHONE_PREFIX = [p for p, _ in N.PHONE_PREFIXES]
_PHONE_CUM = np.cumsum([w for _, w in N.PHONE_PREFIXES])
_DUSUN_NAMES = [n for n, _ in N.DUSUN_NAMES]
_DUSUN_P = np.array([w for _, w in N.DUSUN_NAMES], dtype=float)
_DUSUN_P = _DUSUN_P / _DUSUN_P.sum()
_FAR_NAMES = [n for n, _ in N.BIRTH_PLACES_FAR]
_FAR_CUM = np.cumsum([w for _, w in N.BIRTH_PLACES_FAR])


@dataclass
class _Carry:
    """A planted duplicate waiting to be placed in the next village."""

    original_no: int
    name: str
    detail: str
    sex: int
    bord: int
    birth_place: str
    religion: str
    marital: str
    education: str
    occupation: str
    disability: str
    severe: bool
    phone: str
    area_idx: int


def generate(
    areas: list[AreaRow], *, people: int, seed: int, today: date = date(2026, 1, 1)
) -> Iterator[VillageBatch]:
    """Yield one VillageBatch per village with people (see the module docstring)."""
    if people < 0:
        raise ValueError("people must be >= 0")
    villages = _villages(areas)
    if people == 0 or not villages:
        return
    counts = allocate([v.weight for v in villages], people)
    kec_names = {}
    for a in areas:
        if a.kind == "kecamatan":
            kec_names[a.code.split(".")[-1]] = a.name
    for v in villages:
        kec_names.setdefault(v.kec, v.kec_name)
    state = _RunState(today, kec_names)
    carry: list[_Carry] = []
    for i, v in enumerate(villages):
        n_v = counts[i]
        nxt = villages[i + 1] if i + 1 < len(villages) else None
        next_room = counts[i + 1] if (nxt is not None and nxt.kec == v.kec) else 0
        incoming, carry = carry, []
        if n_v == 0:
            continue
        batch, carry = _generate_village(v, n_v, incoming, next_room, seed, state)
        yield batch


class _RunState:
    def __init__(self, today: date, kec_names: dict[str, str]):
        self.today = today
        self.today_ord = today.toordinal()
        self.counters = _Counters()
        self.next_person = 0
        self.next_household = 0
        self.kec_names = kec_names
        self.kec_list = sorted(kec_names)


def _generate_village(v: _Village, n_v: int, incoming: list[_Carry], next_room: int, seed: int, S: _RunState):
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(1, v.index))))
    st = _Stream(rng)
    today, today_ord = S.today, S.today_ord
    today_year = today.year + (today.timetuple().tm_yday - 1) / 365.25

    n_in = len(incoming)
    room = n_v - n_in
    n_dup = int(rng.binomial(room, DUPLICATE_RATE)) if room >= 60 else 0
    n_out = int(rng.binomial(n_dup, DUPLICATE_CARRY)) if (n_dup and next_room >= 60) else 0
    n_out = min(n_out, next_room // 20)
    n_same = n_dup - n_out
    budget = room - n_same

    P = _build_households(budget, st, today_year)
    n = len(P.age)
    age = np.asarray(P.age)
    sex = np.asarray(P.sex, dtype=np.int64)
    rel = np.asarray(P.rel, dtype=np.int8)
    mar = np.asarray(P.mar, dtype=np.int8)
    hh = np.asarray(P.hh, dtype=np.int64)
    spouse = np.asarray(P.spouse, dtype=np.int64)
    father = np.asarray(P.father, dtype=np.int64)
    h_first = np.asarray(P.h_first, dtype=np.int64)
    nh = h_first.size
    head = h_first  # the head is always the first member

    # birth dates
    bord = today_ord - 1 - np.floor(age * _YEAR).astype(np.int64)
    by, bm, bd = _ymd(bord)
    age = (today_ord - bord) / _YEAR

    # deaths (non-heads only; household heads aged 23+ so a KK can predate the death)
    alive = np.ones(n, dtype=bool)
    dod = np.full(n, -1, dtype=np.int64)
    n_dead = int(rng.binomial(n, DECEASED_RATE))
    if n_dead:
        w = np.exp(0.085 * (age - 70.0)) + 0.02
        w[rel == KEPALA] = 0.0
        w[age < 1.3] = 0.0
        w[age[head[hh]] < 23.0] = 0.0
        cand = np.flatnonzero(w > 0)
        n_dead = min(n_dead, cand.size)
        if n_dead:
            dead = np.sort(rng.choice(cand, size=n_dead, replace=False, p=w[cand] / w[cand].sum()))
            alive[dead] = False
            yrs = 1.0 + 4.0 * rng.random(n_dead)
            yrs = np.minimum(yrs, age[dead] - 0.2)
            dod[dead] = today_ord - np.maximum(np.round(yrs * _YEAR).astype(np.int64), 1)
            sp = spouse[dead]
            ok = sp >= 0
            widowed = sp[ok]
            widowed = widowed[alive[widowed]]
            mar[widowed] = CM

    # household-level latent attributes
    religion_h = np.searchsorted(np.cumsum(v.religion_p), rng.random(nh) * 1.0, side="right")
    religion_h = np.minimum(religion_h, len(RELIGIONS) - 1)
    ethnic_h = np.searchsorted(np.cumsum(v.ethnic_p), rng.random(nh) * v.ethnic_p.sum(), side="right")
    ethnic_h = np.minimum(ethnic_h, 2)
    r2 = rng.random(nh)
    group_h = ethnic_h.copy()
    group_h[religion_h == 1] = np.where(r2[religion_h == 1] < 0.55, 3, 6)
    group_h[(religion_h == 2) | (religion_h == 3)] = 4
    group_h[(religion_h == 4) | (religion_h == 5)] = 5
    group_h[religion_h == 6] = 6
    ses = rng.standard_normal(nh)

    # education: ordered probit on a latent correlated with household SES, then age caps
    coh = np.searchsorted(_EDU_BOUNDS, by, side="right")
    lat = 0.55 * ses[hh] + 0.835 * rng.standard_normal(n) - np.where((sex == 1) & (by < 1970), 0.25, 0.0)
    thr = _EDU_THR[coh]
    edu = (lat[:, None] > thr).sum(axis=1).astype(np.int64)
    edu = np.where(age < 7, 0, edu)
    edu = np.where((age >= 7) & (age < 13), 1, edu)
    edu = np.where((age >= 13) & (age < 16), np.minimum(np.maximum(edu, 1), 2), edu)
    edu = np.where((age >= 16) & (age < 19), np.minimum(np.maximum(edu, 1), 3), edu)
    edu = np.where((age >= 19) & (age < 22), np.minimum(edu, 4), edu)
    edu = np.where((age >= 22) & (age < 25), np.minimum(edu, 7), edu)
    edu = np.where((age >= 25) & (age < 29), np.minimum(edu, 8), edu)
    eg = np.where(edu <= 2, 0, np.where(edu <= 4, 1, 2))

    # occupation
    tables = _OCC_CACHE.get(v.zone)
    if tables is None:
        tables = _OCC_CACHE[v.zone] = _occ_tables(v.zone)
    ru = rng.random(n)
    occ = np.zeros(n, dtype=np.int64)
    for (sx, g), cum in tables.items():
        m = (sex == sx) & (eg == g)
        if m.any():
            occ[m] = np.searchsorted(cum, ru[m] * cum[-1], side="right")
    r_occ = rng.random(n)
    # women: housewives
    wife_like = (sex == 1) & (mar == KAWIN)
    occ = np.where((sex == 1) & (age >= 17) & (r_occ < np.where(wife_like, 0.5, 0.2)), O_MRT, occ)
    # retirement
    occ = np.where(((occ == O_PNS) & (age >= 58)) | ((occ == O_GURU) & (age >= 60)), O_PENSIUN, occ)
    old_keep = np.isin(occ, (O_PETANI, O_PEDAGANG, O_WIRASWASTA, O_BURUH_TANI, O_NELAYAN, O_PENSIUN, O_MRT))
    r_old = rng.random(n)
    occ = np.where((age >= 65) & ~old_keep & (r_old < 0.85), np.where(sex == 1, O_MRT, O_BTB), occ)
    occ = np.where(
        (age >= 65) & old_keep & (occ != O_PENSIUN) & (occ != O_MRT) & (r_old < (age - 60.0) / 30.0),
        np.where(sex == 1, O_MRT, O_BTB),
        occ,
    )
    occ = np.where((occ == O_PERANGKAT) & ((age < 25) | (age > 60)), O_WIRASWASTA, occ)
    occ = np.where(
        ((occ == O_PNS) | (occ == O_GURU) | (occ == O_PENSIUN)) & (edu < 4),
        np.where(age >= 65, O_BTB, O_KARYAWAN),
        occ,
    )  # civil servants and teachers: SMA or more
    # young people
    stud_p = np.where(age < 19, 0.8, np.where((edu >= 4) & (age < 23), 0.3 + 0.2 * (ses[hh] > 0.5), 0.0))
    young = (age >= 17) & (age < 25)
    r_y = rng.random(n)
    occ = np.where(
        young & (r_y < stud_p),
        O_PELAJAR,
        np.where(young & (r_y > 0.75), np.where(sex == 1, np.where(mar == KAWIN, O_MRT, O_BTB), O_BTB), occ),
    )
    occ = np.where((age >= 7) & (age < 17), np.where(r_y < 0.97, O_PELAJAR, O_BTB), occ)
    occ = np.where(age < 7, O_BTB, occ)

    # disability (more common with age)
    pdis = np.where(
        age < 18, 0.008, np.where(age < 45, 0.018, np.where(age < 60, 0.035, np.where(age < 75, 0.08, 0.17)))
    )
    rd = rng.random(n)
    disabled = rd < pdis
    dtype_young = np.cumsum([0, 25, 8, 10, 10, 25, 12, 10])
    dtype_old = np.cumsum([0, 40, 25, 20, 2, 0, 3, 10])
    rt = rng.random(n)
    dis = np.where(
        age < 50,
        np.searchsorted(dtype_young, rt * dtype_young[-1], side="right"),
        np.searchsorted(dtype_old, rt * dtype_old[-1], side="right"),
    )
    dis = np.where(disabled, np.clip(dis, 1, 7), 0)
    severe = disabled & (rng.random(n) < np.where(dis == 7, 0.6, np.where(age >= 75, 0.35, 0.25)))

    # welfare score and desil
    alive_size = np.bincount(hh, weights=alive, minlength=nh)
    kids = np.bincount(hh, weights=alive & (age < 15), minlength=nh)
    any_dis = np.bincount(hh, weights=alive & disabled, minlength=nh) > 0
    head_sp = spouse[head]
    head_has_spouse = (head_sp >= 0) & alive[np.maximum(head_sp, 0)]
    head_occ = occ[head]
    occ_eff = np.zeros(len(OCCUPATIONS))
    for o, e in (
        (O_NELAYAN, -0.35),
        (O_BURUH_TANI, -0.45),
        (O_BHL, -0.35),
        (O_TUKANG, -0.15),
        (O_PETANI, -0.1),
        (O_WIRASWASTA, 0.15),
        (O_SOPIR, -0.05),
        (O_KARYAWAN, 0.3),
        (O_PNS, 0.9),
        (O_GURU, 0.7),
        (O_PERANGKAT, 0.5),
        (O_PENSIUN, 0.6),
        (O_BTB, -0.3),
        (O_MRT, -0.3),
    ):
        occ_eff[o] = e
    elderly_alone_h = (alive_size == 1) & (age[head] >= 60)
    score = (
        v.welfare_effect
        + ses
        + occ_eff[head_occ]
        - 0.5 * elderly_alone_h
        - 0.3 * np.maximum(kids - 1, 0)
        - 0.28 * np.maximum(alive_size - 4, 0)
        - 0.25 * ((sex[head] == 1) & ~head_has_spouse)
        - 0.2 * any_dis
    )
    if _SCORE_SINK is not None:
        _SCORE_SINK.append((score.copy(), alive_size.copy()))
    desil = np.searchsorted(np.asarray(DESIL_CUTS), score, side="right") + 1
    poor = score < POOR_CUT
    hc_p = np.array(
        [
            [0.32, 0.40],
            [0.18, 0.40],
            [0.10, 0.35],
            [0.06, 0.28],
            [0.04, 0.22],
            [0.025, 0.16],
            [0.015, 0.12],
            [0.01, 0.08],
            [0.005, 0.05],
            [0.002, 0.03],
        ]
    )
    rh = rng.random(nh)
    p_tl = np.where(poor, 0.42, hc_p[desil - 1, 0])
    house = np.where(rh < p_tl, 2, np.where(rh < p_tl + hc_p[desil - 1, 1], 1, 0))

    # NIK area: own kecamatan (Blimbingsari pre-2017: origin), another Banyuwangi kecamatan, or outside
    adult = age >= 17
    ra = rng.random(n)
    own_idx = int(v.kec) - 1
    origin_idx = int(v.origin_kec) - 1
    area_idx = np.full(n, own_idx, dtype=np.int64)
    if v.kec == BLIMBINGSARI:
        area_idx[by < BLIMBINGSARI_YEAR] = origin_idx
    hindu = religion_h[hh] == 1
    p_out = np.where(hindu, 0.15, BORN_ELSEWHERE)
    outside = adult & (ra < p_out)
    other_bwi = adult & ~outside & (ra < p_out + OTHER_KECAMATAN)
    n_oth = int(other_bwi.sum())
    if n_oth:
        # another kecamatan 01..24 (never 25: these adults were registered before the 2017 split)
        own = int(v.kec)
        if own <= 24:
            k = rng.integers(1, 24, n_oth)
            k = k + (k >= own)
        else:
            k = rng.integers(1, 25, n_oth)
        area_idx[other_bwi] = k - 1
    n_out_r = int(outside.sum())
    if n_out_r:
        reg = np.searchsorted(_OTHER_REG_CUM, rng.random(n_out_r) * _OTHER_REG_CUM[-1], side="right")
        bali = rng.random(n_out_r) < 0.7
        hin = hindu[outside]
        bali_regs = np.flatnonzero(_OTHER_REG_BALI)
        reg = np.where(hin & bali, bali_regs[rng.integers(0, bali_regs.size, n_out_r)], reg)
        kk_ = (rng.random(n_out_r) * _OTHER_REG_NKEC[reg]).astype(np.int64)
        area_idx[outside] = 25 + reg * 20 + kk_
    area6 = _area6_of_index(area_idx)

    # NIK serials
    yy = by % 100
    dkey = (bm - 1) * 31 + (bd - 1)
    nik_keys = ((area_idx * 100 + yy) * 372 + dkey) * 2 + sex
    serial = S.counters._take(S.counters.nik, nik_keys)
    nik = area6 * 10**10 + (bd + 40 * sex) * 10**8 + bm * 10**6 + yy * 10**4 + serial

    # birth places
    rb = rng.random(n)
    bp_idx = np.searchsorted(_FAR_CUM, rng.random(n) * _FAR_CUM[-1], side="right")
    bwi_kec_names = S.kec_list
    rk = rng.integers(0, len(bwi_kec_names), n)

    # phones
    p_phone = np.where(
        age < 17, 0.0, np.where(age < 60, 0.9, np.where(age < 70, 0.55, np.where(age < 80, 0.25, 0.08)))
    )
    has_phone = rng.random(n) < p_phone
    pref = np.searchsorted(_PHONE_CUM, rng.random(n) * _PHONE_CUM[-1], side="right")
    ndig = 7 + np.searchsorted([0.25, 0.75], rng.random(n), side="right")
    num = rng.integers(10 ** (ndig - 1), 10**ndig)

    # names by (group, sex, cohort)
    name_coh = np.where(
        by < 1950, 0, np.where(by < 1970, 1, np.where(by < 1985, 2, np.where(by < 2005, 3, 4)))
    )
    group = group_h[hh]
    cell = (group * 2 + sex) * 5 + name_coh
    names_arr: list[str] = [""] * n
    specs = _specs()
    order = np.argsort(cell, kind="stable")
    cs = cell[order]
    bounds = np.flatnonzero(np.r_[True, cs[1:] != cs[:-1], True])
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        c = int(cs[a])
        g, rest = divmod(c, 10)
        sx, ch = divmod(rest, 5)
        idx = order[a:b].tolist()
        for i, s in zip(idx, _compose_names(rng, b - a, specs[(g, sx, ch)]), strict=True):
            names_arr[i] = s
    # some children carry the father's name as their last word
    rf = rng.random(n)
    cand = np.flatnonzero((father >= 0) & (name_coh >= 3) & (rf < 0.12) & ((rel == ANAK) | (rel == CUCU)))
    for i in cand.tolist():
        ft = names_arr[father[i]].split(" ")[-1]
        if len(ft) >= 3 and ft.isalpha() and ft not in ("Muhammad", "Ahmad", "Nur", "Siti", "Abdul"):
            toks = names_arr[i].split(" ")[:2]
            if ft not in toks:
                names_arr[i] = " ".join(toks + [ft])

    # ----- village geography: dusun / RW / RT, streets and coordinates
    n_rt = max(1, int(round(nh / 52.0)))
    n_rw = max(1, int(round(n_rt / 3.5)))
    n_dusun = max(1, min(n_rw, int(round(n_rw / 3.3))))
    rw_of_rt = (np.arange(n_rt) * n_rw) // n_rt
    dusun_of_rw = (np.arange(n_rw) * n_dusun) // n_rw
    if n_dusun > 1 or rng.random() < 0.85:
        first_krajan = True
    else:
        first_krajan = False
    k_other = n_dusun - (1 if first_krajan else 0)
    pool = rng.choice(len(_DUSUN_NAMES), size=min(k_other, len(_DUSUN_NAMES)), replace=False, p=_DUSUN_P)
    dnames = (["Krajan"] if first_krajan else []) + [_DUSUN_NAMES[j] for j in pool.tolist()]
    while len(dnames) < n_dusun:
        dnames.append(f"Krajan {len(dnames)}")
    urban = v.kind == "kelurahan"
    km_lat, km_lon = 1 / 110.6, 1 / (111.32 * math.cos(math.radians(v.lat if v.lat == v.lat else -8.3)))
    spread = 0.5 if urban else 1.3
    d_off = rng.standard_normal((n_dusun, 2)) * spread
    rt_off = d_off[dusun_of_rw[rw_of_rt]] + rng.standard_normal((n_rt, 2)) * (0.15 if urban else 0.3)
    rt_street = []
    for _ in range(n_rt):
        r = rng.random()
        if urban or r < 0.35:
            rt_street.append(N.STREET_NAMES[int(rng.integers(len(N.STREET_NAMES)))])
        elif r < 0.5:
            rt_street.append(f"Jl. Raya {v.name}")
        else:
            rt_street.append("")
    h_rt = np.sort(rng.integers(0, n_rt, nh))
    h_off = rt_off[h_rt] + rng.standard_normal((nh, 2)) * (0.08 if urban else 0.12)
    h_lat = np.round(v.lat + h_off[:, 0] * km_lat, 6).tolist()
    h_lon = np.round(v.lon + h_off[:, 1] * km_lon, 6).tolist()
    hno = rng.integers(1, 160, nh).tolist()
    gang = rng.random(nh)
    gang_name = rng.integers(0, len(N.GANG_NAMES), nh).tolist()

    # ----- KK number and issue date
    head_bord = bord[head]
    head17 = head_bord + int(17 * _YEAR)
    rk_ = rng.random(nh)
    lo = np.where(
        rk_ < 0.80,
        date(2010, 1, 1).toordinal(),
        np.where(rk_ < 0.95, date(2000, 1, 1).toordinal(), date(1990, 1, 1).toordinal()),
    )
    hi = np.where(
        rk_ < 0.80,
        today_ord,
        np.where(rk_ < 0.95, date(2010, 1, 1).toordinal(), date(2000, 1, 1).toordinal()),
    )
    kk_ord = lo + (rng.random(nh) * (hi - lo)).astype(np.int64)
    rr = rng.random(nh)
    redraw = kk_ord < head17
    kk_ord = np.where(redraw, head17 + (rr * (today_ord - head17)).astype(np.int64), kk_ord)
    dead_idx = np.flatnonzero(~alive)
    if dead_idx.size:
        first_dod = np.full(nh, today_ord + 1, dtype=np.int64)
        np.minimum.at(first_dod, hh[dead_idx], dod[dead_idx])
        late = kk_ord >= first_dod
        lo2 = np.maximum(head17, date(1990, 1, 1).toordinal())
        lo2 = np.where(lo2 >= first_dod, head17, lo2)
        kk_ord = np.where(late, lo2 + (rr * (first_dod - lo2)).astype(np.int64), kk_ord)
        kk_ord = np.minimum(kk_ord, first_dod - 1)
    kk_ord = np.minimum(kk_ord, today_ord)
    ky, km, kd = _ymd(kk_ord)
    kk_area = np.full(nh, own_idx, dtype=np.int64)
    if v.kec == BLIMBINGSARI:
        kk_area[ky < BLIMBINGSARI_YEAR] = origin_idx
    kk_serial = S.counters._take(S.counters.kk, (kk_area * 100 + ky % 100) * 372 + (km - 1) * 31 + (kd - 1))
    kk_num = (351000 + kk_area + 1) * 10**10 + kd * 10**8 + km * 10**6 + (ky % 100) * 10**4 + kk_serial

    # ----- numbering
    p0, h0 = S.next_person, S.next_household
    pno = p0 + np.arange(n)
    hno_g = h0 + np.arange(nh)

    # ----- assemble tuples
    code = v.code
    kec_name = S.kec_names.get(v.kec, v.kec_name)
    rel_names = RELATIONSHIPS
    bdates = _dates(bord.tolist())
    kk_dates = _dates(kk_ord.tolist())
    dod_l = dod.tolist()
    ddates = [date.fromordinal(d) if d >= 0 else None for d in dod_l]
    area_l = area_idx.tolist()
    rb_l = rb.tolist()
    bp_l = bp_idx.tolist()
    rk_l = rk.tolist()
    name_reg = {i: r[3] for i, r in enumerate(N.OTHER_REGENCIES)}
    birth_place = []
    for i in range(n):
        a = area_l[i]
        r = rb_l[i]
        if a >= 25:
            places = name_reg[(a - 25) // 20]
            birth_place.append(
                places[int(r * 10 * len(places)) % len(places)] if r < 0.9 else _FAR_NAMES[bp_l[i]]
            )
        elif r < 0.03:
            birth_place.append(_FAR_NAMES[bp_l[i]])
        elif r < 0.43:
            birth_place.append("Banyuwangi")
        elif r < 0.73 or a != own_idx:
            birth_place.append(S.kec_names.get(f"{a + 1:02d}", kec_name))
        elif r < 0.92:
            birth_place.append(v.name)
        else:
            birth_place.append(S.kec_names[bwi_kec_names[rk_l[i]]])
    hp_l = has_phone.tolist()
    phones = [
        (_PHONE_PREFIX[p] + str(x)) if f else ""
        for f, p, x in zip(hp_l, pref.tolist(), num.tolist(), strict=True)
    ]
    sex_s = [SEXES[s] for s in sex.tolist()]
    rel_h = religion_h[hh]
    people_rows = list(
        zip(
            pno.tolist(),
            [str(x) for x in nik.tolist()],
            names_arr,
            sex_s,
            birth_place,
            bdates,
            [RELIGIONS[r] for r in rel_h.tolist()],
            [MARITAL[m] for m in mar.tolist()],
            [EDUCATION[e] for e in edu.tolist()],
            [OCCUPATIONS[o] for o in occ.tolist()],
            [DISABILITIES[d] for d in dis.tolist()],
            severe.tolist(),
            phones,
            ddates,
            [code] * n,
            strict=True,
        )
    )
    kk_start = kk_ord[hh]
    start = np.maximum(kk_start, bord)
    start_dates = _dates(start.tolist())
    hh_g = (h0 + hh).tolist()
    memberships = list(
        zip(pno.tolist(), hh_g, [rel_names[r] for r in rel.tolist()], start_dates, ddates, strict=True)
    )

    rt_l = h_rt.tolist()
    rw_l = rw_of_rt[h_rt].tolist()
    du_l = dusun_of_rw[rw_of_rt[h_rt]].tolist()
    streets = []
    g_l = gang.tolist()
    for j in range(nh):
        s = rt_street[rt_l[j]]
        if urban:
            s = f"{s} {N.GANG_NAMES[gang_name[j]]} No. {hno[j]}" if g_l[j] < 0.3 else f"{s} No. {hno[j]}"
        elif s and g_l[j] < 0.3:
            s = f"{s} No. {hno[j]}"
        streets.append(s)
    households = list(
        zip(
            hno_g.tolist(),
            [str(x) for x in kk_num.tolist()],
            kk_dates,
            (p0 + head).tolist(),
            [code] * nh,
            [dnames[d] for d in du_l],
            [f"{r + 1:03d}" for r in rw_l],
            [f"{r + 1:03d}" for r in rt_l],
            streets,
            h_lat,
            h_lon,
            desil.tolist(),
            [HOUSE_CONDITIONS[c] for c in house.tolist()],
            strict=True,
        )
    )

    truth: list[tuple] = []
    for j in np.flatnonzero(poor).tolist():
        truth.append((TRUTH_POOR, None, None, h0 + j, ""))
    for i in dead_idx.tolist():
        truth.append((TRUTH_DECEASED, p0 + i, None, h0 + int(hh[i]), ""))

    # ----- planted duplicates: same village (now) and next village (carried)
    extra_hh_count = np.zeros(nh, dtype=np.int64)  # members added to each household
    dup_targets = np.flatnonzero(alive_size >= 2)  # never turn an elderly-alone household into two
    carry_out: list[_Carry] = []
    local_next = n

    def place(c: _Carry, exclude_h: int) -> None:
        nonlocal local_next
        _place_duplicate(
            c, v, S, rng, st, people_rows, memberships, truth, households, h0, p0, nh,
            exclude_h=exclude_h, local_index=local_next, extra=extra_hh_count, targets=dup_targets,
        )  # fmt: skip
        local_next += 1

    cand_orig = np.flatnonzero(alive & (age >= 1))
    if n_dup and cand_orig.size:
        wts = np.where(age[cand_orig] >= 17, 1.0, 0.2)
        n_pick = min(n_dup, cand_orig.size)
        picks = rng.choice(cand_orig, size=n_pick, replace=False, p=wts / wts.sum())
        for j, oi in enumerate(picks.tolist()):
            orig = people_rows[oi]
            new_name, detail = name_variant(orig[2], st.u)
            r = st.u()
            phone = (
                orig[12]
                if r < 0.5
                else ("" if r < 0.8 else (orig[12][:-2] + f"{int(st.u() * 100):02d}" if orig[12] else ""))
            )
            c = _Carry(
                p0 + oi,
                new_name,
                detail,
                int(sex[oi]),
                int(bord[oi]),
                orig[4],
                orig[6],
                orig[7],
                orig[8],
                orig[9],
                orig[10],
                orig[11],
                phone,
                int(area_idx[oi]),
            )
            if j < n_out:
                carry_out.append(c)
            else:
                place(c, int(hh[oi]))
    for c in incoming:
        place(c, -1)

    # elderly living alone (alive, 60+, only alive member of the household)
    alone = np.flatnonzero((alive_size + extra_hh_count == 1) & (age[head] >= 60) & alive[head])
    for j in alone.tolist():
        truth.append((TRUTH_ELDERLY_ALONE, p0 + int(head[j]), None, h0 + j, ""))

    S.next_person = p0 + len(people_rows)
    S.next_household = h0 + len(households)
    return VillageBatch(code, households, people_rows, memberships, truth), carry_out


def _place_duplicate(
    c: _Carry,
    v: _Village,
    S: _RunState,
    rng,
    st,
    people_rows,
    memberships,
    truth,
    households,
    h0,
    p0,
    nh,
    exclude_h,
    local_index,
    extra,
    targets,
):
    """Append duplicate person ``c`` to a household of this village (never the original's)."""
    pno = p0 + local_index
    by, bm, bd = _ymd(np.array([c.bord]))
    yy = int(by[0]) % 100
    key = np.array([((c.area_idx * 100 + yy) * 372 + (int(bm[0]) - 1) * 31 + int(bd[0]) - 1) * 2 + c.sex])
    serial = int(S.counters._take(S.counters.nik, key)[0])
    area6 = int(_area6_of_index(np.array([c.area_idx]))[0])
    nik = f"{area6}{int(bd[0]) + 40 * c.sex:02d}{int(bm[0]):02d}{yy:02d}{serial:04d}"
    bdate = date.fromordinal(c.bord)
    people_rows.append(
        (
            pno,
            nik,
            c.name,
            SEXES[c.sex],
            c.birth_place,
            bdate,
            c.religion,
            c.marital,
            c.education,
            c.occupation,
            c.disability,
            c.severe,
            c.phone,
            None,
            v.code,
        )
    )
    pool = targets if targets.size else np.arange(nh)
    j = int(pool[int(st.u() * pool.size)])
    if j == exclude_h:
        others = pool[pool != exclude_h]
        if others.size == 0:
            others = np.flatnonzero(np.arange(nh) != exclude_h)
        if others.size == 0:
            raise RuntimeError("no household to place a duplicate in")  # guarded by the room checks
        j = int(others[int(st.u() * others.size)])
    kk_date = households[j][2]
    start = max(kk_date, bdate)
    span = S.today_ord - start.toordinal()
    start = date.fromordinal(start.toordinal() + int(st.u() * max(span, 0)))
    memberships.append((pno, h0 + j, "famili_lain" if st.u() < 0.7 else "lainnya", start, None))
    extra[j] += 1
    truth.append((TRUTH_DUPLICATE, c.original_no, pno, None, c.detail))


def calibrate_welfare_cuts(
    areas: list[AreaRow],
    *,
    people: int = FULL_PEOPLE,
    seeds=(1, 2, 3),
    today: date = date(2026, 1, 1),
    poor_share: float = 0.065,
):
    """Recompute DESIL_CUTS and POOR_CUT (person-weighted quantiles of the welfare score).

    Run this after changing anything that moves the score distribution and paste the result into
    the constants above.  Returns (desil_cuts, poor_cut).
    """
    global _SCORE_SINK
    _SCORE_SINK = []
    try:
        for s in seeds:
            for _ in generate(areas, people=people, seed=s, today=today):
                pass
        score = np.concatenate([a for a, _ in _SCORE_SINK])
        weight = np.concatenate([b for _, b in _SCORE_SINK])
    finally:
        _SCORE_SINK = None
    order = np.argsort(score)
    cw = np.cumsum(weight[order]) / weight.sum()
    cuts = tuple(round(float(score[order][np.searchsorted(cw, q)]), 3) for q in np.arange(0.1, 0.95, 0.1))
    poor = round(float(score[order][np.searchsorted(cw, poor_share)]), 3)
    return cuts, poor


def _summary(batches, today: date = date(2026, 1, 1)) -> dict:
    """Realised shares of a run (used by ``python -m smartkampung.synth.population --stats``)."""
    old_cutoff = 60 * 365.2425
    n_people = n_households = n_alive = old = poor_people = 0
    kinds: dict[str, int] = {}
    for b in batches:
        n_people += len(b.people)
        n_households += len(b.households)
        size: dict[int, int] = {}
        for m in b.memberships:
            if m[4] is None:
                size[m[1]] = size.get(m[1], 0) + 1
        for t in b.truth:
            kinds[t[0]] = kinds.get(t[0], 0) + 1
            if t[0] == TRUTH_POOR:
                poor_people += size.get(t[3], 0)
        for p in b.people:
            if p[13] is None:
                n_alive += 1
                old += (today - p[5]).days >= old_cutoff
    return {
        "people": n_people,
        "households": n_households,
        "alive": n_alive,
        "share_60_plus": old / max(n_alive, 1),
        "share_poor_people": poor_people / max(n_alive, 1),
        "elderly_alone_households": kinds.get(TRUTH_ELDERLY_ALONE, 0),
        "share_elderly_alone_households": kinds.get(TRUTH_ELDERLY_ALONE, 0) / max(n_households, 1),
        "avg_household_size_alive": n_alive / max(n_households, 1),
        "deceased": kinds.get(TRUTH_DECEASED, 0),
        "share_deceased": kinds.get(TRUTH_DECEASED, 0) / max(n_people, 1),
        "duplicates": kinds.get(TRUTH_DUPLICATE, 0),
        "share_duplicates": kinds.get(TRUTH_DUPLICATE, 0) / max(n_people, 1),
        "poor_households": kinds.get(TRUTH_POOR, 0),
    }


def _main(argv=None) -> None:
    import argparse
    import time

    ap = argparse.ArgumentParser(description="Generate the synthetic population and discard it (benchmark).")
    ap.add_argument("--people", type=int, default=FULL_PEOPLE)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--areas", default=str(Path(__file__).resolve().parents[1] / "core" / "data" / "banyuwangi_areas.csv")
    )
    ap.add_argument("--stats", action="store_true", help="also compute the realised shares (slower)")
    args = ap.parse_args(argv)
    rows = read_area_rows(args.areas)
    t0 = time.perf_counter()
    if args.stats:
        out = _summary(generate(rows, people=args.people, seed=args.seed))
    else:
        n = h = 0
        for b in generate(rows, people=args.people, seed=args.seed):
            n += len(b.people)
            h += len(b.households)
        out = {"people": n, "households": h}
    out["seconds"] = f"{time.perf_counter() - t0:.1f}"
    for k, v in out.items():
        print(f"{k}: {v:.4f}" if isinstance(v, float) else f"{k}: {v}")


if __name__ == "__main__":
    _main()
