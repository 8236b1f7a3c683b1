"""A separate process for the concurrency test (not a test module): `setup` makes a house with a few beds
in an empty, migrated database; `reserve` waits for a common start time, then reserves a place, and prints
what happened as JSON. Run as `python -m tests.isolation.race_worker ...` with SMARTKAMPUNG_DATABASE_URL set."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from smartkampung.core.audit import Actor
    from smartkampung.core.errors import DomainError
    from smartkampung.core.models import Area
    from smartkampung.isolation import services
    from smartkampung.isolation.models import IsolationHouse, Puskesmas

    if argv[0] == "setup":
        beds = int(argv[1])
        village = Area.objects.get(code="35.10.15.2004")
        services.puskesmas_load(actor=Actor.system("race"))
        house = services.house_create(actor=Actor.system("race"), village=village, name="Rumah Isolasi Balapan", address="Balai Desa Kemiren",
                                      latitude=-8.2, longitude=114.3, puskesmas=Puskesmas.objects.get(kecamatan=village.parent),
                                      rooms=[("Kamar A", beds)])
        print(json.dumps({"house": house.pk, "today": timezone.localdate().isoformat()}))
        return
    _cmd, house_id, arrival, id_number, start_at = argv
    house = IsolationHouse.objects.get(pk=int(house_id))
    village = house.village
    connection.ensure_connection()
    time.sleep(max(0.0, float(start_at) - time.time()))
    try:
        r = services.reservation_create(actor=Actor.system("race"), house=house, arrival_date=dt.date.fromisoformat(arrival), origin="Surabaya",
                                        full_name=f"Pendatang {id_number}", id_number=id_number, home_village=village)
    except DomainError as error:
        print(json.dumps({"error": error.code}))
    else:
        print(json.dumps({"code": r.code, "bed": r.bed_id}))


if __name__ == "__main__":
    main(sys.argv[1:])
