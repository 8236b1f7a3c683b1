"""The mall's catalogue as data (data/*.csv) and the text normalisation its search uses.

Search works on words, not letters: "e-KTP", "KTP-el" and "ektp" all normalise to phrases of the synonym
group "ktp", and every service whose text holds a phrase of a group also carries the token "syn:ktp".
A query is rewritten the same way, so a resident who types "bikin paspor" finds "Paspor elektronik" and
one who types "passport" finds it too. Pure functions, no Django imports: the loader (services.py)
and the search (selectors.py) share them.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
_WORD = re.compile(r"[0-9a-z]+")
SYN_PREFIX = "syn:"
STOP_GROUP = "_stop"  # filler words of a query ("cara bikin paspor"): dropped, never required


def normalise(text: str) -> str:
    """Lowercase ASCII words separated by single spaces: "KTP-el (Rusak)" -> "ktp el rusak"."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(_WORD.findall(folded))


@dataclass(frozen=True)
class SynonymTable:
    """phrase (normalised) -> group; longest phrases are matched first."""

    by_phrase: dict[str, str]

    @classmethod
    def from_rows(cls, rows) -> SynonymTable:
        return cls({normalise(phrase): group for group, phrase in rows if normalise(phrase)})

    def _ordered(self) -> list[tuple[str, str]]:
        return sorted(self.by_phrase.items(), key=lambda item: (-len(item[0].split()), -len(item[0]), item[0]))

    def groups_in(self, text: str) -> set[str]:
        padded = f" {normalise(text)} "
        return {group for phrase, group in self.by_phrase.items() if f" {phrase} " in padded}

    def rewrite_query(self, query: str) -> list[str]:
        """Query words, with every synonym phrase (longest first) replaced by its group token."""
        padded = f" {normalise(query)} "
        for phrase, group in self._ordered():
            needle = f" {phrase} "
            while needle in padded:
                padded = padded.replace(needle, f" {SYN_PREFIX}{group} ", 1)
        seen: list[str] = []
        for word in padded.split():
            if word != SYN_PREFIX + STOP_GROUP and word not in seen:
                seen.append(word)
        return seen


def search_text(*, parts: list[str], synonyms: SynonymTable) -> str:
    """The stored search column: " word word ... syn:group ... " (padded so ' word' matches word starts)."""
    text = normalise(" ".join(parts))
    groups = sorted(synonyms.groups_in(text) - {STOP_GROUP})
    return f" {text} " + "".join(f"{SYN_PREFIX}{g} " for g in groups)


# --- reading the data files ---------------------------------------------------------------------------------


def _csv(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def agency_rows() -> list[dict]:
    return _csv("agencies.csv")


def counter_rows() -> list[dict]:
    return _csv("counters.csv")


def service_rows() -> list[dict]:
    rows = _csv("services.csv")
    for row in rows:
        row["requirements"] = [r.strip() for r in row["requirements"].split("|") if r.strip()]
        row["fee"] = int(row["fee"] or 0)
    return rows


def synonym_rows() -> list[tuple[str, str]]:
    return [(row["group"], phrase) for row in _csv("synonyms.csv") for phrase in row["phrases"].split("|")]


def closure_rows() -> list[dict]:
    return _csv("closures.csv")


def letter_type_rows() -> list[dict]:
    return json.loads((DATA / "letter_types.json").read_text(encoding="utf-8"))
