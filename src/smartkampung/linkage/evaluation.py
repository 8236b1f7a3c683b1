"""Pairwise precision, recall and F1 of a clustering against ground truth (for tests and bench/)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(predicted: dict[str, object], truth: dict[str, object]) -> Scores:
    """Both map record id -> cluster id; a pair is "matched" when both records share a cluster."""
    ids = truth.keys()
    predicted_sizes = Counter(predicted.get(i, ("alone", i)) for i in ids)
    truth_sizes = Counter(truth[i] for i in ids)
    both = Counter((predicted.get(i, ("alone", i)), truth[i]) for i in ids)
    p = sum(_pairs(n) for n in predicted_sizes.values())
    t = sum(_pairs(n) for n in truth_sizes.values())
    c = sum(_pairs(n) for n in both.values())
    precision = c / p if p else 1.0
    recall = c / t if t else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(round(precision, 4), round(recall, 4), round(f1, 4), t, p, c)


def exact_nik_clusters(niks: dict[str, str]) -> dict[str, object]:
    """The baseline: records with the same 16-digit NIK are one person; any other record stands alone."""
    return {i: (nik if len(nik) == 16 and nik.isdigit() else ("alone", i)) for i, nik in niks.items()}
