"""The isolation seed at full scale: houses, beds, stays and ~7,000 affected residents over a registry of
1,791,789 people, timed, inside a transaction that is rolled back (so it can be re-run on the same copy).

    cp /work/bench-data/full.sqlite3 /work/bench-data/isolation.sqlite3
    SMARTKAMPUNG_DATABASE_URL=sqlite:////work/bench-data/isolation.sqlite3 .venv/bin/smartkampung migrate
    SMARTKAMPUNG_DATABASE_URL=sqlite:////work/bench-data/isolation.sqlite3 .venv/bin/python bench/isolation_seed_full.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine  # noqa: E402


class _Rollback(Exception):
    pass


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
    import django

    django.setup()
    from django.db import transaction

    from smartkampung.core.audit import Actor
    from smartkampung.isolation import synth
    from smartkampung.registry.models import Person

    people = Person.objects.count()
    started = time.monotonic()
    try:
        with transaction.atomic():
            counts = synth.seed(actor=Actor.system("bench"), seed=1, as_of=dt.date(2026, 1, 1))
            seconds = round(time.monotonic() - started, 1)
            raise _Rollback
    except _Rollback:
        pass
    print(json.dumps({"people": people, "seconds": seconds, **counts, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                      "machine": machine(), "date": dt.date.today().isoformat()}, indent=2))


if __name__ == "__main__":
    main()
