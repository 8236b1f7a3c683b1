"""Run as a separate process by test_transit_houses.py: `setup` makes a tiny world in a fresh database;
`place N DIR` waits at a file barrier with the others, then tries to place woman N in the same house for
the same nights at the same moment."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")

import django  # noqa: E402

django.setup()

from smartkampung.cases.models import TransitHouse  # noqa: E402
from smartkampung.cases.services import placement_create, transit_house_create  # noqa: E402
from smartkampung.core.audit import Actor  # noqa: E402
from smartkampung.core.errors import DomainError  # noqa: E402
from smartkampung.core.models import Area  # noqa: E402
from smartkampung.registry.models import Person  # noqa: E402

WOMEN = 5
BEDS = 2
DUE = dt.date(2030, 3, 20)
START, END = dt.date(2030, 3, 6), dt.date(2030, 3, 23)


def setup() -> None:
    regency = Area.objects.create(code="35.10", name="Banyuwangi", kind="kabupaten")
    sempu = Area.objects.create(code="35.10.20", name="Sempu", kind="kecamatan", parent=regency)
    village = Area.objects.create(code="35.10.20.2002", name="Jambewangi", kind="desa", parent=sempu, latitude=-8.26, longitude=114.12)
    for n in range(WOMEN):
        Person.objects.create(nik=f"35102041029{n:05d}", name=f"Ibu {n}", name_key=f"IBU {n}", sex="F", birth_date=dt.date(1995, 2, 1),
                              religion="islam", marital_status="kawin", education="sma", village=village, pregnancy_due_date=DUE)
    transit_house_create(actor=Actor.system("race"), name="Rumah Singgah Jambewangi", village=village, beds=BEDS)
    print("ready")


def place(index: int, barrier: Path) -> None:
    house = TransitHouse.objects.get()
    person = Person.objects.order_by("id")[index]
    Person.objects.count()  # open the connection before the start
    (barrier / f"ready-{index}").touch()
    while not (barrier / "go").exists():
        time.sleep(0.005)
    try:
        placement = placement_create(actor=Actor.system("race"), house=house, person=person, start_date=START, end_date=END)
        print(f"ok {placement.bed.label}")
    except DomainError as error:
        print(f"refused {error.code}")


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup()
    else:
        place(int(sys.argv[2]), Path(sys.argv[3]))
