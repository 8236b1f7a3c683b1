"""Fixtures for linkage: agency lists drawn from the baseline registry, written as CSV or XLSX."""

from __future__ import annotations

import pytest

from smartkampung.linkage.models import ImportBatch
from smartkampung.linkage.synthetic import registry_list, registry_sample, write_rows


@pytest.fixture
def agency_list(db, tmp_path):
    """make(rows=, seed=, suffix=) -> (path, truth list of person ids or None per row)."""

    def make(*, rows: int = 60, seed: int = 5, suffix: str = ".csv", corrupt: float = 0.25, unknown: float = 0.04, broken: float = 0.02, name: str = "daftar"):
        people = registry_sample(rows=rows, seed=seed)
        pairs = list(registry_list(people, seed=seed, corrupt=corrupt, unknown=unknown, broken=broken))
        path = tmp_path / f"{name}{suffix}"
        write_rows(path, (row for row, _truth in pairs))
        return path, [truth for _row, truth in pairs]

    return make


def new_batches():
    """Imports made by the test, not the demo list the baseline seed staged (linkage/synth.py)."""
    return ImportBatch.objects.exclude(file_name__startswith="daftar_bpnt_seed")
