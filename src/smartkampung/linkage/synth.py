"""Demo seed for linkage: one agency list (BPNT) drawn from the synthetic registry, staged and waiting to
be linked, so an analyst sees the whole journey (`smartkampung link` or the page) on a fresh demo.

Set-based and small: at most 200 rows whatever the population (the benchmark builds big lists itself)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings

from smartkampung.core.audit import Actor

from . import services
from .synthetic import registry_list, registry_sample, write_rows

DEMO_PROGRAMME = "BPNT"
MAX_ROWS = 200


def seed(*, actor: Actor, seed: int, as_of: dt.date) -> dict[str, int]:
    people = registry_sample(rows=MAX_ROWS, seed=seed)
    if not people:
        return {"imports": 0, "staged_rows": 0}
    folder = Path(settings.VAR_DIR) / "linkage" / "seed"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"daftar_bpnt_seed{seed}.csv"
    write_rows(path, (row for row, _truth in registry_list(people, seed=seed)))
    result = services.import_file(actor=actor, path=path, programme_code=DEMO_PROGRAMME, starts_on=as_of)
    return {"imports": 0 if result.already else 1, "staged_rows": result.batch.rows_committed}
