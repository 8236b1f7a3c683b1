"""The synthetic population generator: determinism, totals, identity numbers, consistency, realism.

Pure Python + numpy, no database: runs with `pytest tests/synth/test_population.py -p no:django`.
"""

from __future__ import annotations

import collections
import functools
from datetime import date
from pathlib import Path

import pytest

from smartkampung.synth import names as N
from smartkampung.synth import population as pop
from smartkampung.synth.population import (
    DISABILITIES,
    EDUCATION,
    HOUSE_CONDITIONS,
    MARITAL,
    OCCUPATIONS,
    RELATIONSHIPS,
    RELIGIONS,
    AreaRow,
    generate,
    name_variant,
    read_area_rows,
)

AREAS_CSV = Path(pop.__file__).resolve().parents[1] / "core" / "data" / "banyuwangi_areas.csv"
TODAY = date(2026, 1, 1)
OTHER_AREA4 = {r[0] for r in N.OTHER_REGENCIES}


@functools.cache
def areas() -> tuple[AreaRow, ...]:
    return tuple(read_area_rows(AREAS_CSV))


@functools.cache
def run(people: int, seed: int = 1) -> tuple[pop.VillageBatch, ...]:
    return tuple(generate(list(areas()), people=people, seed=seed, today=TODAY))


def all_rows(batches, attr):
    return [row for b in batches for row in getattr(b, attr)]


def age(birth: date, on: date = TODAY) -> float:
    return (on - birth).days / 365.2425


# --- areas -------------------------------------------------------------------------------------------


def test_read_area_rows():
    rows = areas()
    assert len(rows) == 243
    kinds = collections.Counter(r.kind for r in rows)
    assert kinds["desa"] + kinds["kelurahan"] == 217
    assert kinds["kecamatan"] == 25
    first = next(r for r in rows if r.code == "35.10.01")
    assert first.name == "Pesanggaran" and first.parent_code == "35.10"
    assert isinstance(first.latitude, float) and -9 < first.latitude < -7


# --- determinism and totals --------------------------------------------------------------------------


def test_same_seed_same_batches():
    a = list(generate(list(areas()), people=5000, seed=3, today=TODAY))
    b = list(generate(list(areas()), people=5000, seed=3, today=TODAY))
    assert a == b
    assert [x.village_code for x in a] == [x.village_code for x in b]


def test_different_seed_differs():
    a = run(5000, 1)
    b = run(5000, 2)
    assert all_rows(a, "people") != all_rows(b, "people")
    # village sizes come from the village's own character, not the seed
    assert [len(x.people) for x in a] == [len(x.people) for x in b]


@pytest.mark.parametrize("people", [0, 1, 217, 500, 5000, 20000])
def test_total_people_exact(people):
    batches = run(people)
    assert sum(len(b.people) for b in batches) == people
    assert all(b.people for b in batches)  # villages allocated 0 people yield no batch
    if people == 0:
        assert batches == ()


def test_allocation_weights_town_denser():
    batches = run(200_000)
    kind = {a.code: a.kind for a in areas()}
    sizes = collections.defaultdict(list)
    for b in batches:
        sizes[kind[b.village_code]].append(len(b.people))
    assert len(batches) == 217
    mean = {k: sum(v) / len(v) for k, v in sizes.items()}
    assert mean["kelurahan"] > 1.3 * mean["desa"]


# --- identity numbers --------------------------------------------------------------------------------


def _valid_area6(area6: str) -> bool:
    if area6[:4] == "3510":
        return 1 <= int(area6[4:]) <= 25
    return area6[:4] in OTHER_AREA4 and 1 <= int(area6[4:]) <= 20


def test_nik_and_kk_unique_and_well_formed():
    batches = run(50_000)
    people = all_rows(batches, "people")
    niks = [p[1] for p in people]
    assert len(set(niks)) == len(niks)
    for p in people:
        nik, sex, birth = p[1], p[3], p[5]
        assert len(nik) == 16 and nik.isdigit(), nik
        assert _valid_area6(nik[:6]), nik
        dd, mm, yy, serial = int(nik[6:8]), int(nik[8:10]), int(nik[10:12]), int(nik[12:])
        assert 1 <= serial <= 9999
        assert 1 <= mm <= 12
        if sex == "F":
            assert 41 <= dd <= 71
            dd -= 40
        else:
            assert sex == "M" and 1 <= dd <= 31
        assert (dd, mm, yy) == (birth.day, birth.month, birth.year % 100)
        assert birth < TODAY
    households = all_rows(batches, "households")
    kks = [h[1] for h in households]
    assert len(set(kks)) == len(kks)
    for h in households:
        kk, issued = h[1], h[2]
        assert len(kk) == 16 and kk.isdigit()
        assert kk[:4] == "3510" and 1 <= int(kk[4:6]) <= 25
        assert kk[4:6] == h[4].split(".")[2] or (h[4].split(".")[2] == "25" and kk[4:6] in ("13", "14"))
        assert (int(kk[6:8]), int(kk[8:10]), int(kk[10:12])) == (issued.day, issued.month, issued.year % 100)
        assert 1 <= int(kk[12:]) <= 9999
        assert issued <= TODAY


def test_blimbingsari_old_codes():
    batches = [b for b in run(200_000) if b.village_code.startswith("35.10.25.")]
    assert batches
    old_nik = new_nik = 0
    for b in batches:
        for p in b.people:
            nik, birth = p[1], p[5]
            if nik[:4] != "3510":
                continue
            if birth.year < 2017:
                assert nik[4:6] != "25"
                old_nik += nik[4:6] in ("13", "14")
            else:
                new_nik += nik[4:6] == "25"
        for h in b.households:
            kk, issued = h[1], h[2]
            assert (kk[4:6] in ("13", "14")) == (issued.year < 2017)
    assert old_nik > 0 and new_nik > 0


def test_some_adults_registered_elsewhere():
    people = all_rows(run(50_000), "people")
    adults = [p for p in people if age(p[5]) >= 17]
    outside = sum(p[1][:4] != "3510" for p in adults) / len(adults)
    assert 0.025 < outside < 0.07


# --- consistency -------------------------------------------------------------------------------------


def test_household_and_membership_consistency():
    batches = run(50_000)
    people = {p[0]: p for p in all_rows(batches, "people")}
    households = {h[0]: h for h in all_rows(batches, "households")}
    memberships = all_rows(batches, "memberships")
    assert sorted(people) == list(range(len(people)))  # dense 0..n-1
    assert sorted(households) == list(range(len(households)))

    current = collections.defaultdict(list)
    ended = collections.defaultdict(list)
    by_household = collections.defaultdict(list)
    for m in memberships:
        pno, hno, rel, start, end = m
        assert pno in people and hno in households
        assert rel in RELATIONSHIPS
        assert start >= people[pno][5]  # not before birth
        assert start >= households[hno][2] or start == people[pno][5]
        if end is None:
            current[pno].append(m)
            by_household[hno].append(m)
        else:
            assert start <= end
            ended[pno].append(m)
    for pno, p in people.items():
        dod = p[13]
        if dod is None:
            assert len(current[pno]) == 1, pno
        else:
            assert not current[pno]
            assert len(ended[pno]) == 1 and ended[pno][0][4] == dod
            assert date(TODAY.year - 6, 1, 1) <= dod < TODAY
    for hno, h in households.items():
        heads = [m for m in by_household[hno] if m[2] == "kepala"]
        assert len(heads) == 1, hno
        assert heads[0][0] == h[3]
        assert people[h[3]][13] is None
        assert h[4] == people[h[3]][14]


def test_codes_and_formats():
    batches = run(20_000)
    for b in batches:
        for p in b.people:
            assert p[3] in ("M", "F")
            assert p[6] in RELIGIONS and p[7] in MARITAL and p[8] in EDUCATION and p[9] in OCCUPATIONS
            assert p[10] in DISABILITIES and isinstance(p[11], bool)
            assert not (p[11] and p[10] == "none")
            assert p[2] and p[2] == p[2].strip() and "  " not in p[2]
            assert p[4]
            assert p[12] == "" or (p[12].startswith("08") and p[12].isdigit() and 11 <= len(p[12]) <= 13)
            assert p[14] == b.village_code
            a = age(p[5])
            if a < 17:
                assert p[12] == ""
                assert p[7] == "belum_kawin"
            if a < 7:
                assert p[8] == "tidak_sekolah"
            elif a < 13:
                assert p[8] == "belum_tamat_sd"
            if a < 22:
                assert p[8] not in ("d4_s1", "s2", "s3")
            if a < 15:
                assert p[9] in ("Belum/Tidak Bekerja", "Pelajar/Mahasiswa")
        for h in b.households:
            assert h[4] == b.village_code
            assert len(h[6]) == 3 and h[6].isdigit() and h[6] != "000"
            assert len(h[7]) == 3 and h[7].isdigit() and h[7] != "000"
            assert h[5]
            assert 1 <= h[11] <= 10 and h[12] in HOUSE_CONDITIONS
            assert isinstance(h[9], float) and isinstance(h[10], float)


def test_households_are_near_their_village():
    centroid = {a.code: (a.latitude, a.longitude) for a in areas()}
    for b in run(20_000):
        lat0, lon0 = centroid[b.village_code]
        for h in b.households:
            assert abs(h[9] - lat0) < 0.1 and abs(h[10] - lon0) < 0.1


def test_family_ages_plausible():
    batches = run(50_000)
    people = {p[0]: p for p in all_rows(batches, "people")}
    members = collections.defaultdict(list)
    for m in all_rows(batches, "memberships"):
        members[m[1]].append(m)
    checked = 0
    for ms in members.values():
        by_rel = collections.defaultdict(list)
        for m in ms:
            by_rel[m[2]].append(people[m[0]])
        head = by_rel["kepala"][0]
        spouse = (by_rel["istri"] or by_rel["suami"] or [None])[0]
        if spouse is not None:
            husband, wife = (head, spouse) if head[3] == "M" else (spouse, head)
            gap = age(husband[5]) - age(wife[5])
            assert -4 <= gap <= 17, (husband, wife)
        mothers = [p for p in [head, spouse] if p is not None and p[3] == "F"]
        if mothers and "famili_lain" not in by_rel and "lainnya" not in by_rel:
            mother_age = age(mothers[0][5])
            for child in by_rel["anak"]:
                assert 16.9 <= mother_age - age(child[5]) <= 45.1
                checked += 1
    assert checked > 1000


def test_truth_records():
    batches = run(50_000)
    people = {p[0]: p for p in all_rows(batches, "people")}
    households = {h[0]: h for h in all_rows(batches, "households")}
    current = collections.defaultdict(list)
    for m in all_rows(batches, "memberships"):
        if m[4] is None:
            current[m[1]].append(m[0])
    truth = all_rows(batches, "truth")
    kinds = collections.Counter(t[0] for t in truth)
    assert set(kinds) == {"poor_household", "deceased", "duplicate_person", "elderly_alone"}

    deceased = {t[1] for t in truth if t[0] == "deceased"}
    assert deceased == {p for p, row in people.items() if row[13] is not None}
    for t in truth:
        if t[0] == "poor_household":
            assert t[1] is None and households[t[3]][11] == 1
        elif t[0] == "duplicate_person":
            a, b = people[t[1]], people[t[2]]
            assert t[1] < t[2] and t[3] is None and t[4].startswith("name variant:")
            assert a[5] == b[5] and a[3] == b[3] and a[1] != b[1] and a[1][:12] == b[1][:12]
            assert a[2] != b[2]
            assert a[13] is None and b[13] is None
        elif t[0] == "elderly_alone":
            assert current[t[3]] == [t[1]]
            assert age(people[t[1]][5]) >= 60
    alone = {t[1] for t in truth if t[0] == "elderly_alone"}
    for alive in current.values():
        if len(alive) == 1 and age(people[alive[0]][5]) >= 60:
            assert alive[0] in alone
    n = len(people)
    assert 0.004 < kinds["deceased"] / n < 0.008
    assert 0.002 < kinds["duplicate_person"] / n < 0.004


def test_duplicates_sometimes_in_the_next_village():
    batches = run(200_000)
    village_of = {p[0]: b.village_code for b in batches for p in b.people}
    dups = [t for b in batches for t in b.truth if t[0] == "duplicate_person"]
    moved = [t for t in dups if village_of[t[1]] != village_of[t[2]]]
    assert 0.15 < len(moved) / len(dups) < 0.5
    for t in moved:
        assert village_of[t[1]].split(".")[2] == village_of[t[2]].split(".")[2]  # same kecamatan


def test_name_variant():
    seq = iter([0.0, 0.5] * 50)
    new, detail = name_variant("Moch. Yusuf", lambda: next(seq))
    assert new != "Moch. Yusuf" and detail.startswith("name variant:")
    for name in ["Slamet", "Siti Aminah", "Soeparman", "Dimas Aditya Pratama", "M. Ali", "Sri"]:
        for k in range(20):
            vals = iter([(k * 0.137 + j * 0.311) % 1 for j in range(10)])
            new, _ = name_variant(name, lambda v=vals: next(v))
            assert new and new != name and "  " not in new


# --- realism at scale --------------------------------------------------------------------------------


def test_shares_at_200k():
    batches = run(200_000)
    people = {p[0]: p for p in all_rows(batches, "people")}
    households = all_rows(batches, "households")
    size = collections.Counter(m[1] for m in all_rows(batches, "memberships") if m[4] is None)
    alive = [p for p in people.values() if p[13] is None]
    truth = all_rows(batches, "truth")

    share_60 = sum(age(p[5]) >= 60 for p in alive) / len(alive)
    assert abs(share_60 - 0.188) <= 0.01, share_60

    poor = {t[3] for t in truth if t[0] == "poor_household"}
    poor_share = sum(size[h] for h in poor) / len(alive)
    assert abs(poor_share - 0.065) <= 0.005, poor_share

    desil_people = collections.Counter()
    for h in households:
        desil_people[h[11]] += size[h[0]]
    for d in range(1, 11):
        assert abs(desil_people[d] / len(alive) - 0.10) <= 0.02, (d, desil_people[d] / len(alive))

    alone = [t for t in truth if t[0] == "elderly_alone"]
    assert len(alone) / len(households) >= 0.03
    women = sum(people[t[1]][3] == "F" for t in alone) / len(alone)
    assert women > 0.6
    widowed = sum(people[t[1]][7] == "cerai_mati" for t in alone) / len(alone)
    assert widowed > 0.6

    avg = len(alive) / len(households)
    assert 3.2 <= avg <= 3.5, avg

    females = sum(p[3] == "F" for p in alive) / len(alive)
    assert 0.48 <= females <= 0.52
    islam = sum(p[6] == "islam" for p in alive) / len(alive)
    assert 0.93 <= islam <= 0.97
    disabled = sum(p[10] != "none" for p in alive) / len(alive)
    assert 0.02 <= disabled <= 0.045

    # poor households are worse housed than the rich
    cond = collections.defaultdict(collections.Counter)
    for h in households:
        cond[h[11]][h[12]] += 1
    bad = {d: cond[d]["tidak_layak"] / sum(cond[d].values()) for d in (1, 10)}
    assert bad[1] > 5 * bad[10]


def test_fishermen_on_the_coast():
    batches = run(200_000)
    kec = collections.Counter()
    workers = collections.Counter()
    for b in batches:
        k = b.village_code.split(".")[2]
        for p in b.people:
            if p[9] == "Nelayan/Perikanan":
                kec[k] += 1
            workers[k] += 1
    assert kec["05"] / workers["05"] > 5 * kec["09"] / workers["09"]  # Muncar vs Genteng


def test_single_names_among_older_people():
    people = all_rows(run(50_000), "people")
    old = [p for p in people if age(p[5]) > 55]
    single = sum(" " not in p[2] for p in old) / len(old)
    assert 0.25 <= single <= 0.45
    young = [p for p in people if age(p[5]) < 30]
    assert sum(" " not in p[2] for p in young) / len(young) < 0.1
