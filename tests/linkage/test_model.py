"""The matching model's own parts: the counted NIK u, and the levels a pair reaches (what reviewers see)."""

from __future__ import annotations

import collections
import datetime as dt

import duckdb
import pandas as pd
import pytest

from smartkampung.linkage import matching


def _u(tables: dict[str, list]) -> float | None:
    connection = duckdb.connect(":memory:")
    try:
        for name, niks in tables.items():
            frame = pd.DataFrame({"nik": pd.Series(niks, dtype=object)})
            connection.register(f"{name}_frame", frame)
            connection.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_frame")
        return matching._nik_equal_u(connection, list(tables))
    finally:
        connection.close()


def test_nik_equal_u_is_the_share_of_pairs_sharing_a_nik():
    a, b, c = "3510010101900001", "3510010101900002", "3510010101900003"
    # one list: 4 NIKs present -> 4 * 3 ordered pairs, of which 2 (a,a) share a NIK; the missing NIK is left out
    assert _u({"records": [a, a, b, c, None]}) == pytest.approx(2 / 12)
    # a list against the registry: 2 * 3 pairs, a on the left meets two a's on the right
    assert _u({"records_left": [a, b], "records_right": [a, a, c]}) == pytest.approx(2 / 6)
    # nobody shares a NIK: one pair's worth, never zero (a zero u is an infinite weight)
    assert _u({"records": [a, b, c]}) == pytest.approx(1 / 6)
    assert _u({"records": [None, None]}) is None


def test_kk_in_nik_u_counts_pairs_whose_nik_is_the_others_kk_on_the_same_birth_date():
    kk, nik = "3510012202060001", "3510013004040001"
    frame = pd.DataFrame({
        "unique_id": ["a", "b", "c", "d"],
        "nik": [nik, kk, kk, None],  # b and c carry the KK in the NIK column
        "kk": [kk, None, None, kk],
        "birth_date": ["2004-04-30", "2004-04-30", "1999-01-01", "2004-04-30"],
    })
    connection = duckdb.connect(":memory:")
    try:
        connection.register("frame", frame)
        connection.execute("CREATE TABLE records AS SELECT * FROM frame")
        # b meets a and d (their KK, her birth date); c has another birth date: 2 of 6 pairs
        assert matching._kk_in_nik_u(connection, ["records"]) == pytest.approx(2 / 6)
    finally:
        connection.close()


def test_regency_typo_u_counts_nik_pairs_one_digit_apart_in_the_first_four():
    connection = duckdb.connect(":memory:")
    try:
        niks = ["3510012808710001", "3910012808710001", "3515012808710001", "3510022808710001", None]
        connection.register("frame", pd.DataFrame({"nik": pd.Series(niks, dtype=object)}))
        connection.execute("CREATE TABLE records AS SELECT * FROM frame")
        # 3510/3910 and 3510/3515 (one digit in 1-4, the rest equal) but not 3910/3515 (two digits) nor the
        # kecamatan-02 NIK (digit 6): 2 of the 6 pairs of four NIKs
        assert matching._nik_regency_typo_u(connection, ["records"]) == pytest.approx(2 / 6)
    finally:
        connection.close()


def _record(uid, name, born, nik, *, sex="F", village="3510010001", address="Dsn. Krajan", rt="010", rw="003", kk="", place=""):
    return matching.MatchRecord(unique_id=uid, name=name, birth_date=born, sex=sex, nik=nik, kk=kk, village=village,
                                kecamatan=village[:8], address=address, rt=rt, rw=rw, birth_place=place)


@pytest.fixture
def scored():
    """A small list scored with the priors: every pair a blocking rule compares, with its evidence."""
    records = [
        # two women of one name at one address, born five years apart, each NIK spelling her own date
        _record("a1", "Nur Fadilah", dt.date(1985, 11, 21), "3510056111850001"),
        _record("a2", "Nur Fadilah", dt.date(1980, 11, 21), "3510056111800001"),
        # one man, the second time with a typo in "Muhammad" (which the core name leaves out)
        _record("b1", "Muhammad Zidan Arrasyid", dt.date(2007, 8, 12), "3510141208070001", sex="M", village="3510140001"),
        _record("b2", "Muiammad Zidan Arrasyid", dt.date(2007, 8, 12), "3510141208070001", sex="M", village="3510140002",
                address="Dsn. Kidul", rt="8", rw="1"),
        # the same core name under another opening word, born the same day in one village: two women
        _record("c1", "Siti Kholifah", dt.date(1981, 10, 26), "3510016610810001", village="3510010003"),
        _record("c2", "Nur Kholifah", dt.date(1981, 10, 26), "3510016610810002", village="3510010003", address="Dsn. Kulon"),
        # a slip inside "Mochammad", which the canonicaliser then no longer recognises
        _record("d1", "Mochammad Taufik", dt.date(1955, 2, 10), "3510011002550001", sex="M", village="3510010004"),
        _record("d2", "Mochammda Taufik", dt.date(1955, 2, 10), "3510011002550001", sex="M", village="3510010004"),
        # moved, no NIK, and a slip in the given name: only "birth date + first letter of the name" brings them together
        _record("e1", "Sanemah", dt.date(1970, 3, 27), "3510016703700001", village="3510010005", kk="3510011503100001"),
        _record("e2", "Saneemah", dt.date(1970, 3, 27), "", village="3510050001", address="Dsn. Lor"),
        # the same address words in another order
        _record("f1", "Sri Wahyuni", dt.date(1966, 4, 2), "", address="Dsn. Krajan Gg. Mawar", rt="", rw=""),
        _record("f2", "Sri Wahyuni", dt.date(1966, 4, 2), "", address="Gg. Mawar Dsn. Krajan", rt="", rw=""),
        # birth places: a rare one shared (g), the regency most residents write shared (h), two different (i)
        _record("g1", "Dwi Lestari", dt.date(1990, 5, 5), "", village="3510010006", place="Kemiren"),
        _record("g2", "Dwi Lestari", dt.date(1990, 5, 5), "", village="3510010007", place="Ds. KEMIREN"),
        _record("h1", "Eko Prasetyo", dt.date(1991, 6, 6), "", sex="M", village="3510010006", place="Banyuwangi"),
        _record("h2", "Eko Prasetyo", dt.date(1991, 6, 6), "", sex="M", village="3510010007", place="Kab. Banyuwangi"),
        _record("h3", "Tri Wahyudi", dt.date(1960, 1, 9), "", sex="M", village="3510010008", place="BWI"),
        _record("h4", "Yuli Astutik", dt.date(1961, 2, 8), "", village="3510010009", place="Banyuwangi"),
        _record("i1", "Rina Wati", dt.date(1992, 7, 7), "", village="3510010006", place="Genteng"),
        _record("i2", "Rina Wati", dt.date(1992, 7, 7), "", village="3510010007", place="Surabaya"),
    ]
    model = matching.Model([matching.prepare(records)], link_type="dedupe_only", priors=True)
    try:
        model.train()
        nik_level = next(level for c in model.linker._settings_obj.comparisons if c.output_column_name == "nik"
                         for level in c.comparison_levels if level.label_for_charts == "NIK sama")
        predictions = model.predict(0.0)
        pairs = {frozenset((r["unique_id_l"], r["unique_id_r"])): (r["match_probability"], model.evidence(r)) for r in predictions.to_dict("records")}
        yield pairs, nik_level.u_probability
    finally:
        model.close()


def _levels(evidence: dict) -> dict[str, str]:
    return {f["field"]: f["level"] for f in evidence["fields"]}


def _pair_levels(scored, a: str, b: str) -> dict[str, str]:
    pairs, _u = scored
    _probability, evidence = pairs[frozenset((a, b))]
    return _levels(evidence)


def test_nik_equality_is_weighed_with_the_counted_u(scored):
    _pairs, u = scored
    # 9 NIKs present, two shared pairs (b1, b2) and (d1, d2): 4 of 72 ordered pairs
    assert u == pytest.approx(4 / 72)


def test_birth_dates_that_each_agree_with_their_own_nik_are_two_people(scored):
    pairs, _u = scored
    probability, evidence = pairs[frozenset(("a1", "a2"))]
    levels = _levels(evidence)
    assert levels["birth_date"] == "tanggal lahir berbeda, NIK masing-masing sesuai tanggalnya"
    assert levels["name"] == "nama sama persis"
    birth_weight = next(f["weight"] for f in evidence["fields"] if f["field"] == "birth_date")
    assert birth_weight < -5
    assert probability < matching.REVIEW_AT


def test_a_typo_in_the_leading_word_is_a_typo_not_another_name(scored):
    # (the level, not the probability: on a few records the measured u values mean nothing)
    levels = _pair_levels(scored, "b1", "b2")
    assert levels["name"] == "nama beda 1-2 huruf (salah ketik)"
    assert levels["nik"] == "NIK sama"


def test_the_same_core_name_under_another_opening_word_is_its_own_level(scored):
    assert _pair_levels(scored, "c1", "c2")["name"] == "nama inti sama, kata depan berbeda"


def test_a_slip_inside_an_opening_word_is_read_on_the_name_as_written(scored):
    # canonically "MOCHAMMDA TAUFIK" against "MUHAMMAD TAUFIK" (3 edits); as written, one swap
    assert _pair_levels(scored, "d1", "d2")["name"] == "nama beda 1-2 huruf (salah ketik)"


def test_a_moved_record_without_nik_and_with_a_slip_in_the_given_name_is_compared(scored):
    levels = _pair_levels(scored, "e1", "e2")
    assert levels["nik"] == "NIK kosong/tidak sah"
    assert levels["village"] == "desa berbeda, KK kosong (pindah?)"  # listed again after a move, without the old KK
    assert levels["birth_date"] == "tanggal lahir sama"


def _records_without_nik(records: int, seed: int) -> list[tuple[matching.MatchRecord, str]]:
    from smartkampung.linkage.cleaning import parse_date
    from smartkampung.linkage.synthetic import agency_list

    return [
        (matching.MatchRecord(unique_id=row["id"], name=row["nama"], birth_date=parse_date(row["tgl_lahir"], today=dt.date(2026, 1, 1))[0],
                              sex="M" if row["jk"] == "L" else "F", village=row["desa"], kecamatan=row["kecamatan"], address=row["alamat"]), entity)
        for row, entity in agency_list(records=records, seed=seed)
    ]


def test_a_list_without_niks_still_trains_the_name_birth_date_and_village():
    """Without NIKs only the last main EM pass runs; the passes without the NIK train the rest."""
    records = [record for record, _entity in _records_without_nik(3000, seed=3)]
    model = matching.Model([matching.prepare(records)], link_type="dedupe_only")
    try:
        passes = matching._train(model.linker, seed=1, connection=model.connection, tables=model.table_names)
        trained = model.m_probabilities()  # levels with an m: Splink leaves an untrained level's m empty
    finally:
        model.close()
    assert passes >= 2  # the NIK passes found nothing; at least one pass without the NIK ran besides the last
    for key in (("name", "nama sama persis"), ("birth_date", "tanggal lahir sama"), ("village", "desa sama")):
        assert 0 < trained.get(key, 0) < 1, key


def _agency_records(records: int, seed: int) -> list[matching.MatchRecord]:
    from smartkampung.linkage.cleaning import parse_date
    from smartkampung.linkage.synthetic import agency_list

    return [matching.MatchRecord(unique_id=row["id"], name=row["nama"], birth_date=parse_date(row["tgl_lahir"], today=dt.date(2026, 1, 1))[0],
                                 sex="M" if row["jk"] == "L" else "F", nik=row["nik"], kk=row["no_kk"], village=row["desa"],
                                 kecamatan=row["kecamatan"], address=row["alamat"], rt=row["rt"], rw=row["rw"], birth_place=row["tempat_lahir"])
            for row, _entity in agency_list(records=records, seed=seed)]


def test_a_move_without_the_kk_is_learnt_by_em_as_one_event():
    """Another village and no KK are scored together: EM learns how often a duplicate moved without its KK
    (scored apart, naive Bayes multiplied the two and undercounted the move)."""
    records = _agency_records(4000, seed=3)
    assert any(not r.kk for r in records) and any(r.kk for r in records)
    model = matching.Model([matching.prepare(records)], link_type="dedupe_only")
    try:
        model.train()
        levels = {level.label_for_charts: level for c in model.linker._settings_obj.comparisons if c.output_column_name == "village"
                  for level in c.comparison_levels if not level.is_null_level}
        trained = {label: level._trained_m_probabilities for label, level in levels.items()}
        moved, elsewhere = levels["desa berbeda, KK kosong (pindah?)"], levels["desa berbeda"]
        moved_m, moved_u, elsewhere_m, elsewhere_u = moved.m_probability, moved.u_probability, elsewhere.m_probability, elsewhere.u_probability
    finally:
        model.close()
    assert trained["desa berbeda, KK kosong (pindah?)"] and trained["desa sama"]  # estimated by EM, not Splink's defaults
    assert 0 < moved_u < moved_m < 1  # a move without the KK: evidence for a second listing
    assert elsewhere_m < elsewhere_u  # another village with a KK on both rows: evidence against
    assert elsewhere_m >= matching.M_FLOORS[("village", "desa berbeda")]  # never made impossible


def test_a_level_the_list_never_shows_keeps_its_floor():
    """The benchmark lists never move anyone with a KK; EM's m for that level goes to ~0 (50 bits against)."""
    model = matching.Model([matching.prepare(_agency_records(300, seed=2))], link_type="dedupe_only")
    try:
        level = next(level for c in model.linker._settings_obj.comparisons if c.output_column_name == "village"
                     for level in c.comparison_levels if level.label_for_charts == "desa berbeda")
        level.m_probability = 7e-18
        matching._floor_m(model.linker)
        floored = level.m_probability
        level.m_probability = 0.2
        matching._floor_m(model.linker)
        kept = level.m_probability
    finally:
        model.close()
    assert floored == matching.M_FLOORS[("village", "desa berbeda")]
    assert kept == 0.2


def test_u_set_on_the_data_survives_the_em_passes():
    """Every EM pass resets u to the median of the recorded estimates: the counted "NIK sama" and the birth date
    levels freed of the NIK check's share must be what predictions use after training, not the raw sample."""
    records = _agency_records(4000, seed=5)
    sampled = matching.Model([matching.prepare(records)], link_type="dedupe_only")
    try:
        sampled.linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
        raw = {level.label_for_charts: level.u_probability for c in sampled.linker._settings_obj.comparisons
               if c.output_column_name == "birth_date" for level in c.comparison_levels if not level.is_null_level}
    finally:
        sampled.close()
    model = matching.Model([matching.prepare(records)], link_type="dedupe_only")
    try:
        unchecked = matching._nik_unchecked_share(model.connection, model.table_names)
        nik_equal = matching._nik_equal_u(model.connection, model.table_names)
        passes = matching._train(model.linker, seed=1, connection=model.connection, tables=model.table_names)
        u = {(c.output_column_name, level.label_for_charts): level.u_probability for c in model.linker._settings_obj.comparisons
             for level in c.comparison_levels if not level.is_null_level}
    finally:
        model.close()
    assert passes >= 1 and 0 < unchecked < 0.5
    assert u[("nik", "NIK sama")] == pytest.approx(nik_equal)
    assert u[("birth_date", "beda satu angka")] == pytest.approx(raw["beda satu angka"] / unchecked)
    assert u[("birth_date", "tanggal lahir sama")] == pytest.approx(raw["tanggal lahir sama"])  # before the NIK check: as sampled
    assert u[("birth_date", matching.NIK_SPELLS_DATE_LABEL)] == pytest.approx(raw[matching.NIK_SPELLS_DATE_LABEL])


def test_blocking_widens_only_as_far_as_the_pairs_budget(monkeypatch):
    born = dt.date(1990, 5, 1)
    records = [
        # four share a birth date (6 pairs), three of them the same words in another order (3 pairs);
        # everyone shares the address (28 pairs) and the village
        _record("r1", "Siti Aminah", born, ""), _record("r2", "Aminah Siti", born, ""), _record("r3", "Siti Aminah", born, ""),
        _record("r4", "Budi Santoso", born, ""),
        *(_record(f"s{i}", f"Orang Lain {i}", dt.date(1960 + i, 1, 1), "") for i in range(4)),
    ]
    connection = duckdb.connect(":memory:")
    try:
        connection.register("frame", matching.prepare(records))
        connection.execute("CREATE TABLE records AS SELECT * FROM frame")
        narrow = len(matching.blocking_rules())
        assert matching.blocking_rules(connection, ["records"]) == ["1 = 1"]  # 28 pairs: every one is scored

        monkeypatch.setattr(matching, "BROAD_PAIRS", 10)  # fewer than all 28: only what fits
        rules = matching.blocking_rules(connection, ["records"])
        added = [r.get_blocking_rule("duckdb").blocking_rule_sql for r in rules[narrow:]]
        assert len(added) == 2, added
        assert "birth_date" in added[0] and "list_sort" in added[1].lower()  # 6 + 3 pairs; the address (28) would not fit

        monkeypatch.setattr(matching, "BROAD_PAIRS", 2)
        assert len(matching.blocking_rules(connection, ["records"])) == narrow
    finally:
        connection.close()


def test_a_list_without_niks_takes_its_prior_from_the_trained_scores():
    """No NIK says how many pairs are one person; the trained model's own scores do."""
    listed = _records_without_nik(3000, seed=5)
    counts = collections.Counter(entity for _record, entity in listed)
    # the people listed more than once and as many listed once: far more duplicates than the size suggests
    repeated = [(r, e) for r, e in listed if counts[e] > 1]
    once = [(r, e) for r, e in listed if counts[e] == 1][: len(repeated)]
    chosen = repeated + once
    true_pairs = sum(n * (n - 1) / 2 for n in counts.values() if n > 1)
    true_rate = true_pairs / (len(chosen) * (len(chosen) - 1) / 2)

    model = matching.Model([matching.prepare(r for r, _e in chosen)], link_type="dedupe_only")
    try:
        default = model.linker._settings_obj._probability_two_random_records_match
        model.train()
        estimated = model.linker._settings_obj._probability_two_random_records_match
    finally:
        model.close()
    assert default < true_rate / 2  # the default from the size alone is far off
    assert true_rate / 1.5 < estimated < true_rate * 1.5, (estimated, true_rate)


def test_an_address_written_in_another_word_order_is_its_own_level(scored):
    assert _pair_levels(scored, "f1", "f2")["address"] == "alamat sama, urutan kata lain"
    assert _pair_levels(scored, "c2", "f1")["address"] == "alamat berbeda"  # other words


def test_a_birth_place_is_compared_as_a_place_whatever_the_list_writes_around_it():
    assert matching._place_key("Kab. Banyuwangi") == matching._place_key("BWI") == matching._place_key("banyuwangi") == "BANYUWANGI"
    assert matching._place_key("Ds. Kemiren") == "KEMIREN" and matching._place_key("Kota Surabaya") == "SURABAYA"
    assert matching._place_key("") is None and matching._place_key(" - ") is None


def _place_weight(scored, a: str, b: str) -> tuple[str, float]:
    pairs, _u = scored
    _probability, evidence = pairs[frozenset((a, b))]
    field = next(f for f in evidence["fields"] if f["field"] == "birth_place")
    return field["level"], field["weight"]


def test_a_shared_rare_birth_place_says_more_than_the_regency_everyone_writes(scored):
    rare, common, different = _place_weight(scored, "g1", "g2"), _place_weight(scored, "h1", "h2"), _place_weight(scored, "i1", "i2")
    assert rare[0] == common[0] == "tempat lahir sama" and different[0] == "tempat lahir berbeda"
    assert rare[1] > common[1] > 0 > different[1]  # the frequency adjustment: "Banyuwangi" is on most records here
    assert _place_weight(scored, "a1", "a2") == ("tidak ada data", 0.0)  # no birth place on either record: no evidence either way
