"""Where an import + link goes wrong: every accepted link that the truth contradicts, and what review holds.

    .venv/bin/python bench/linkage_import_errors.py LIST.csv --database-url postgres://postgres@127.0.0.1:55432/full

LIST.csv is a list bench/linkage_import.py wrote (its .truth.csv beside it), imported and linked in that database.
Each wrong link is printed with the listed row, the resident it went to, the true resident (or "unknown": someone
the registry does not hold) and the evidence; then the review rows counted by whom they are.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("list", type=Path)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    os.environ.update(SMARTKAMPUNG_DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="smartkampung.settings")
    import django

    django.setup()
    from smartkampung.linkage.models import ImportBatch, StagedRow
    from smartkampung.registry.models import Person

    with args.list.with_suffix(".truth.csv").open() as fh:
        truth = {int(row): int(person) if person else None for row, person in csv.reader(fh)}
    batch = ImportBatch.objects.filter(file_name=args.list.name).latest("pk")
    kinds = collections.Counter()
    for row in StagedRow.objects.filter(batch=batch, link_status__in=("exact", "matched")).iterator():
        true = truth[row.row_number]
        if true == row.person_id:
            continue
        kinds[(row.link_status, "unknown" if true is None else "another resident")] += 1
        linked = Person.objects.get(pk=row.person_id)
        print(f"row {row.row_number} {row.link_status} p={row.match_probability} truth={'unknown' if true is None else true}")
        print(f"  listed: {row.nik} {row.name!r} {row.birth_date} {row.birth_place!r} {row.sex} kk={row.kk_number} {row.address!r}")
        print(f"  linked: {linked.nik} {linked.name!r} {linked.birth_date} {linked.birth_place!r} {linked.sex}")
        if true is not None:
            person = Person.objects.get(pk=true)
            print(f"  truth : {person.nik} {person.name!r} {person.birth_date} {person.birth_place!r} {person.sex}")
        print("  evidence:", json.dumps(row.evidence.get("fields", []), ensure_ascii=False))
    print("wrong links by kind:", dict(kinds))
    review = collections.Counter("unknown" if truth[n] is None else "listed resident"
                                 for n in StagedRow.objects.filter(batch=batch, link_status="review").values_list("row_number", flat=True).iterator())
    print("review rows:", dict(review))


if __name__ == "__main__":
    main()
