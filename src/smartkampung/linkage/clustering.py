"""Records into people: scored pairs joined strongest first, never joining two people the data tells apart.

Plain connected components (Splink's clustering) join A and C whenever A-B and B-C score above the
threshold, so one wrong pair chains two whole people together. Here the pairs are taken from the most to
the least likely, and a pair is skipped when joining its two clusters would put two records in one person
that cannot be one person: both with a NIK that agrees with its own birth date, and different NIKs and
birth dates (the same rule as the model's "tanggal lahir berbeda, NIK masing-masing sesuai tanggalnya"
level; a duplicate with a typo in the date always has one NIK disagreeing with its date).
"""

from __future__ import annotations

from collections.abc import Iterable


def cluster(pairs: Iterable[tuple[str, str, float]], identity: dict[str, tuple[str, str]]) -> dict[str, str]:
    """pairs: (record, record, probability), any order; identity: record -> (NIK, birth date) for records
    whose NIK agrees with their birth date. Returns record -> cluster id (the cluster's smallest record id)
    for every record in a pair."""
    parent: dict[str, str] = {}
    # per root: the distinct (NIK, birth date) identities inside the cluster (a few at most)
    identities: dict[str, set[tuple[str, str]]] = {}

    def root(x: str) -> str:
        if x not in parent:
            parent[x] = x
            identities[x] = {identity[x]} if x in identity else set()
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def conflict(a: set, b: set) -> bool:
        return any(na != nb and da != db for na, da in a for nb, db in b)

    for left, right, _p in sorted(pairs, key=lambda p: (-p[2], p[0], p[1])):
        ra, rb = root(left), root(right)
        if ra == rb:
            continue
        if conflict(identities[ra], identities[rb]):
            continue
        parent[rb] = ra
        identities[ra] |= identities.pop(rb)
    members: dict[str, list[str]] = {}
    for record in parent:
        members.setdefault(root(record), []).append(record)
    return {record: min(group) for group in members.values() for record in group}
