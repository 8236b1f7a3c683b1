"""Records into people: strongest pairs first, never two people the NIKs and birth dates tell apart."""

from smartkampung.linkage.clustering import cluster


def test_a_weak_pair_does_not_chain_two_people_together():
    identity = {"a": ("3510056111850001", "1985-11-21"), "c": ("3510056111800001", "1980-11-21")}
    # b has no NIK: it is a (0.999) and also looks like c (0.96); a and c are two people
    clusters = cluster([("b", "c", 0.96), ("a", "b", 0.999)], identity)
    assert clusters == {"a": "a", "b": "a", "c": "c"}


def test_pairs_without_a_conflict_join_as_connected_components():
    identity = {"a": ("3510056111850001", "1985-11-21"), "c": ("3510056111850001", "1985-11-21")}
    clusters = cluster([("a", "b", 0.97), ("b", "c", 0.96), ("d", "e", 0.99)], identity)
    assert clusters == {"a": "a", "b": "a", "c": "a", "d": "d", "e": "d"}


def test_same_birth_date_with_two_nik_serials_is_no_conflict():
    # a resident registered twice (another serial): the same date, so the NIKs alone do not separate them
    identity = {"a": ("3510056111850001", "1985-11-21"), "b": ("3510056111850002", "1985-11-21")}
    assert cluster([("a", "b", 0.99)], identity) == {"a": "a", "b": "a"}


def test_a_conflict_anywhere_in_the_two_clusters_stops_the_join():
    identity = {"a": ("3510056111850001", "1985-11-21"), "d": ("3510056111800001", "1980-11-21")}
    pairs = [("a", "b", 0.999), ("c", "d", 0.999), ("b", "c", 0.98)]  # b-c would put a and d in one person
    assert cluster(pairs, identity) == {"a": "a", "b": "a", "c": "c", "d": "c"}
