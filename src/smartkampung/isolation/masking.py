"""Masking personal data for public answers (names here; NIKs with registry.identity.mask_nik)."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """"Slamet Riyadi" -> "S***** R*****": each word keeps its first letter, so a family recognises its
    own booking without the page telling a stranger who is in isolation."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in (name or "").split())


def mask_id(value: str) -> str:
    """An identity number with only its last 3 characters shown."""
    value = (value or "").strip()
    return "*" * max(0, len(value) - 3) + value[-3:]
