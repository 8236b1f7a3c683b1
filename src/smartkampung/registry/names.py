"""Name normalisation for search.

Javanese and Osing names in Banyuwangi are written many ways for one spoken name: "Moch.", "Mochammad"
and "Muhammad"; old Dutch-era spellings ("Soekarno", "Djoko"); titles and degrees glued to the name
("Hj. ... , S.Pd"). The registry and the search box must reduce both sides to the same tokens, so
name_tokens() (for the index) and search_tokens() (for what users type) share one pipeline.

Every rule here is deliberately small and explicit: a wrong merge makes two different people look alike,
which is worse for a registry than a missed variant.
"""

from __future__ import annotations

import re
import unicodedata

# Apostrophe-like marks write the Arabic 'ain inside one word (Ma'ruf, Syafi'i): drop them, joining the
# word, rather than splitting it in two.
_APOSTROPHES = str.maketrans("", "", "'`\u2018\u2019\u02bc\u00b4")
# Any other punctuation (dots of abbreviations, hyphens, slashes) separates words: "M.Ali" is "M ALI".
_PUNCTUATION = re.compile(r"[^\w\s]|_")

# Honorifics written before a name: Haji/Hajjah, Kyai Haji, doctor, engineer, professor, Nyonya.
# Dropped only from the start of a name, where they cannot be part of it.
PREFIX_TITLES = frozenset({"H", "HJ", "KH", "DR", "DRS", "DRA", "IR", "PROF", "NY"})

# Academic degrees written after a name (dots removed: "S.Pd." -> "SPD"). Dropped when they follow a comma
# or form the end of the name. "ST" (Sarjana Teknik) is here too; at the start it means Siti (see below).
DEGREES = frozenset(
    {
        "AMD", "AMDKEB", "AMDKEP", "AMK", "AMKEB", "AMPD", "APT", "BSC", "MAG", "MBA", "MH", "MKES", "MKOM",
        "MM", "MPD", "MPDI", "MSC", "MSI", "MT", "NERS", "PHD", "SAG", "SAK", "SE", "SFARM", "SH", "SHI",
        "SHUT", "SIKOM", "SIP", "SKED", "SKEP", "SKG", "SKM", "SKOM", "SP", "SPD", "SPDI", "SPSI", "SS",
        "SSI", "SSOS", "SST", "SSTP", "ST", "STP", "SSY",
    }
)  # fmt: skip

# "CH" for the Arabic kha, only in these known Arabic-derived words: a blanket CH -> KH rule would turn
# CHANDRA or CHRISTINA into nonsense.
_CH_FOR_KH = (
    "CHOIRUL", "CHOIRUN", "CHOIRI", "CHOIRIYAH", "CHUSNUL", "CHUSNUN", "CHOLIQ", "CHOLIK", "CHOLIL",
    "CHOLIFAH", "CHOTIMAH", "CHAIRUL", "CHAIRUNNISA",
)  # fmt: skip

# Muhammad: the many transliterations and the abbreviations Moch./Moh./Muh./Mhd. are one name.
# A lone "M" is not here: it may as well be another name, so we do not guess.
_MUHAMMAD = (
    "MOHAMMAD", "MOHAMAD", "MUHAMAD", "MUCHAMMAD", "MUCHAMAD", "MOCHAMMAD", "MOCHAMAD", "MOKHAMAD",
    "MOKHAMMAD", "MUKHAMAD", "MUKHAMMAD", "MOHAMMED", "MUHAMMED", "MOCH", "MUCH", "MOH", "MUH", "MUHD", "MHD",
)  # fmt: skip

# Whole-word variants of common names, keyed by the spelling after the old-spelling rules below
# (so "MOECHAMMAD" -> "MUCHAMMAD" -> "MUHAMMAD").
_VARIANTS: dict[str, str] = {
    **dict.fromkeys(_MUHAMMAD, "MUHAMMAD"),
    # Ahmad: "ch" for /h/ and a final "t" for /d/ are Javanese habits.
    **dict.fromkeys(("ACHMAD", "ACHMAT", "AHMAT"), "AHMAD"),
    "SITTI": "SITI",  # doubled consonant in older records
    "NOOR": "NUR",  # Arabic long vowel written Dutch-style; NOER is caught by OE -> U
    "ABD": "ABDUL",  # the usual abbreviation: "Abd. Rahman"
    **{word: "KH" + word[2:] for word in _CH_FOR_KH},
}

# Pre-1972 (Van Ophuijsen / Soewandi) spellings still found on old records and in older people's names:
#   OE -> U (Soekarno = Sukarno), DJ -> J (Djoko = Joko), TJ -> C (Tjahjono = Cahjono).
# DJ and TJ never occur in current Indonesian spelling, so they are rewritten anywhere in the word
# (Soedjono, Soetjipto), not only at its start. Old J -> Y is NOT applied: J is also a current letter.
_OLD_SPELLINGS = (("OE", "U"), ("DJ", "J"), ("TJ", "C"))


def name_key(name: str) -> str:
    """The canonical full name, for sorting and whole-name prefix search: "Moch. Ali" -> "MUHAMMAD ALI".

    It is the name's canonical tokens in order, so "Hj. Sitti Aminah, S.Pd" and "Siti Aminah" share a key.
    """
    return " ".join(name_tokens(name))


def name_tokens(name: str) -> list[str]:
    """Canonical tokens of a name for the search index, deduplicated, in order.

    "Hj. Sitti Aminah, S.Pd" -> ["SITI", "AMINAH"]; "Moch. Sholeh" -> ["MUHAMMAD", "SHOLEH"].
    """
    words = _words(name)
    # Titles go only from the start and degrees only from the end, and one word always stays, so a
    # name that happens to be spelled like a title ("Se", "Dr") is still searchable.
    while len(words) > 1 and words[0][0] in PREFIX_TITLES:
        words.pop(0)
    words = [w for i, w in enumerate(words) if i == 0 or not (w[1] and w[0] in DEGREES)]
    while len(words) > 1 and words[-1][0] in DEGREES:
        words.pop()

    tokens: list[str] = []
    for index, (word, _after_comma) in enumerate(words):
        if index == 0 and word == "ST":
            token = "SITI"  # "St. Aminah": at the start, St. is Siti, not the Sarjana Teknik degree
        else:
            token = _canonical(word)
        if token not in tokens:
            tokens.append(token)
    return tokens


def search_tokens(query: str) -> list[str]:
    """Canonical tokens of what a user typed; the same rules as name_tokens so both sides meet."""
    return name_tokens(query)


def _fold(text: str) -> str:
    """Uppercase without accents or apostrophes: "Ma'rûf" -> "MARUF"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def _words(name: str) -> list[tuple[str, bool]]:
    """Split into (word, after_comma) pairs.

    A whole abbreviation that spells a title or degree once its dots go ("S.Pd.", "A.Md", "Hj.") stays one
    word; any other dotted run is split ("M.Ali" -> "M", "ALI").
    """
    words: list[tuple[str, bool]] = []
    for segment_index, segment in enumerate(_fold(name).split(",")):
        after_comma = segment_index > 0  # Indonesian style puts degrees after a comma: "Aminah, S.Pd."
        for raw in segment.split():
            compact = _PUNCTUATION.sub("", raw)
            if compact in PREFIX_TITLES or compact in DEGREES:
                parts = [compact]
            else:
                parts = _PUNCTUATION.sub(" ", raw).split()
            words.extend((part, after_comma) for part in parts)
    return words


def _canonical(word: str) -> str:
    for old, new in _OLD_SPELLINGS:
        word = word.replace(old, new)
    return _VARIANTS.get(word, word)


# --- record linkage ----------------------------------------------------------------------------------
# Matching an agency list against the registry may be looser than the search index: both sides go
# through the same rules, and Splink weighs the name together with the birth date, NIK, KK and address,
# so a merged spelling can only add evidence, never decide a link alone. These rules are NOT used by
# name_key()/name_tokens(): in a search box a lone "M" may be any name.
_MATCH_VARIANTS: dict[str, str] = {
    "NURUL": "NUR",  # "Nurul Hidayah" / "Nur Hidayah": the Arabic article glued on
    "NURUN": "NUR",
    "AKHMAD": "AHMAD",
    "AHMED": "AHMAD",
    "SITY": "SITI",
}


def match_tokens(name: str) -> list[str]:
    """Canonical tokens for record linkage: name_tokens() plus looser merges.

    "M. Yusuf" -> ["MUHAMMAD", "YUSUF"]; "Nurul Hidayah" -> ["NUR", "HIDAYAH"]; "Choiri" -> ["KHOIRI"].
    """
    tokens = name_tokens(name)
    out: list[str] = []
    for index, token in enumerate(tokens):
        if index == 0 and token == "M" and len(tokens) > 1:
            token = "MUHAMMAD"  # a leading "M." before another word is Muhammad in Javanese lists
        # CH for the Arabic kha anywhere (Chusnul, Cholifah): both sides are rewritten alike, so a
        # CHANDRA on both sides still agrees.
        token = token.replace("CH", "KH")
        token = _MATCH_VARIANTS.get(token, token)
        if token not in out:
            out.append(token)
    return out


def match_key(name: str) -> str:
    """The canonical full name for record linkage (see match_tokens)."""
    return " ".join(match_tokens(name))
