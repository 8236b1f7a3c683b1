"""Name normalisation for search: exact outputs for real-looking Banyuwangi names. Pure Python."""

from __future__ import annotations

import pytest

from smartkampung.registry.names import name_key, name_tokens, search_tokens


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Moch. Ali", "MUHAMMAD ALI"),
        ("  siti   aminah ", "SITI AMINAH"),
        ("M.Ali", "M ALI"),  # a dot separates words even without a space
        ("Ma'ruf", "MARUF"),  # an apostrophe does not
        ("Ma\u2019ruf", "MARUF"),
        ("Nur-Aini", "NUR AINI"),
        ("José Rizal", "JOSE RIZAL"),
        ("Hj. Sitti Aminah, S.Pd", "SITI AMINAH"),
        ("Soekarno", "SUKARNO"),
        ("", ""),
    ],
)
def test_name_key(name, key):
    assert name_key(name) == key


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Moch. Sholeh", ["MUHAMMAD", "SHOLEH"]),
        ("Hj. Sitti Aminah, S.Pd", ["SITI", "AMINAH"]),
        ("Soekarno", ["SUKARNO"]),
        ("Djoko Tjahjono", ["JOKO", "CAHJONO"]),
        ("St. Khotijah", ["SITI", "KHOTIJAH"]),  # St. at the start is Siti
        ("H. St. Maryam", ["SITI", "MARYAM"]),  # ...also right after a title
        ("Eko Prasetyo ST", ["EKO", "PRASETYO"]),  # ST at the end is Sarjana Teknik
        ("Mohammad Hasan", ["MUHAMMAD", "HASAN"]),
        ("Muchammad Ridwan", ["MUHAMMAD", "RIDWAN"]),
        ("Mhd. Iqbal", ["MUHAMMAD", "IQBAL"]),
        ("M. Faisal", ["M", "FAISAL"]),  # a lone M is not guessed
        ("Achmad Fauzi", ["AHMAD", "FAUZI"]),
        ("H. Achmat Choirul Anam, S.H., M.H.", ["AHMAD", "KHOIRUL", "ANAM"]),
        ("Noor Hidayati", ["NUR", "HIDAYATI"]),
        ("Noer Aini", ["NUR", "AINI"]),
        ("Abd. Rohim", ["ABDUL", "ROHIM"]),
        ("Chandra Wijaya", ["CHANDRA", "WIJAYA"]),  # CH stays CH outside the known list
        ("Chusnul Chotimah", ["KHUSNUL", "KHOTIMAH"]),
        ("Dr. Ir. Bambang Soeprapto, M.M.", ["BAMBANG", "SUPRAPTO"]),
        ("Drs. Sutrisno", ["SUTRISNO"]),
        ("Sri Wahyuni, S.Pd.I", ["SRI", "WAHYUNI"]),
        ("Rina Puspitasari, A.Md.Keb.", ["RINA", "PUSPITASARI"]),
        ("KH. Moh. Cholil", ["MUHAMMAD", "KHOLIL"]),
        ("Ny. Poniyem", ["PONIYEM"]),
        ("Muhammad Moch. Ali", ["MUHAMMAD", "ALI"]),  # deduplicated
        ("Ma'ruf Amin", ["MARUF", "AMIN"]),
        ("Nur-Aini", ["NUR", "AINI"]),
        ("Soetjipto", ["SUCIPTO"]),  # TJ inside a word too
        ("Soedjono", ["SUJONO"]),
        ("Moechammad Abdoel Gani", ["MUHAMMAD", "ABDUL", "GANI"]),  # OE first, then the variant table
        ("José Rizal", ["JOSE", "RIZAL"]),
        ("Siti Aminah binti Sarmo", ["SITI", "AMINAH", "BINTI", "SARMO"]),
    ],
)
def test_name_tokens(name, tokens):
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Dr", ["DR"]),  # one word always stays, even when it looks like a title
        ("Se", ["SE"]),
        ("St", ["SITI"]),
        ("M", ["M"]),
        ("", []),
        ("  ,  ", []),
    ],
)
def test_name_tokens_edge_cases(name, tokens):
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("muhammad sholeh", "Moch. Sholeh"),
        ("siti aminah", "Hj. Sitti Aminah, S.Pd"),
        ("sukarno", "Soekarno"),
        ("joko", "Djoko Tjahjono"),
        ("khoirul anam", "H. Achmat Choirul Anam, S.H., M.H."),
        ("MOCH SHOLEH", "Muhammad Sholeh"),
    ],
)
def test_search_tokens_meet_name_tokens(query, name):
    assert set(search_tokens(query)) <= set(name_tokens(name))


def test_search_tokens_use_the_same_rules():
    assert search_tokens("Hj. Sitti Aminah, S.Pd") == name_tokens("Hj. Sitti Aminah, S.Pd")
