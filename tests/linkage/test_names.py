"""Name canonicalisation for linkage (registry.names.match_key) and name agreement for exact links."""

import pytest

from smartkampung.linkage.linking import names_agree
from smartkampung.registry.names import match_key, name_key


@pytest.mark.parametrize(("written", "canonical"), [
    ("M. Yusuf", "MUHAMMAD YUSUF"),
    ("Moch. Sholeh", "MUHAMMAD SHOLEH"),
    ("Mohammad Ali", "MUHAMMAD ALI"),
    ("Moh. Ali", "MUHAMMAD ALI"),
    ("Achmad Fauzi", "AHMAD FAUZI"),
    ("Hj. Sitti Aminah, S.Pd", "SITI AMINAH"),
    ("St. Aminah", "SITI AMINAH"),
    ("Nurul Hidayah", "NUR HIDAYAH"),
    ("Noor Hidayah", "NUR HIDAYAH"),
    ("Abd. Rahman", "ABDUL RAHMAN"),
    ("Djoko Soetjipto", "JOKO SUCIPTO"),
    ("Choirul Anam", "KHOIRUL ANAM"),
    ("Chandra", "KHANDRA"),  # both sides alike: Chandra still agrees with Chandra
    ("H. Ahmad Dahlan", "AHMAD DAHLAN"),
])
def test_match_key(written, canonical):
    assert match_key(written) == canonical


def test_search_key_unchanged_by_linkage_rules():
    # The search index keeps its stricter rules: a lone "M" is not guessed there.
    assert name_key("M. Yusuf") == "M YUSUF"
    assert name_key("Nurul Hidayah") == "NURUL HIDAYAH"


@pytest.mark.parametrize(("a", "b", "agree"), [
    ("Moch. Rizky Pratama", "Muhammad Rizky Pratama", True),
    ("Siti Aminah", "Hj. Sitti Aminah", True),
    ("Siti Aminah", "Siti Aminah Rahayu", True),
    ("Siti", "Siti Aminah", False),
    ("Slamet Riyadi", "Slamet Riyadhi", True),
    ("Slamet Riyadi", "Budi Santoso", False),
])
def test_names_agree(a, b, agree):
    assert names_agree(a, b) is agree
