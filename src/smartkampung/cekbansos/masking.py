"""Names as the public may see them: "Siti Nurjanah" -> "SIT* NUR*****" (as the national Cek Bansos site)."""

from __future__ import annotations


def mask_word(word: str) -> str:
    """Keep the first three letters of a word (one fewer for short words, never the whole word)."""
    keep = max(1, min(3, len(word) - 1))
    return word[:keep] + "*" * (len(word) - keep)


def mask_name(name: str) -> str:
    """Each word in capitals with all but its first letters starred; punctuation goes ("Moch." -> "MOC*")."""
    words = ["".join(ch for ch in w if ch.isalnum()) for w in (name or "").upper().split()]
    return " ".join(mask_word(w) for w in words if w) or "***"
