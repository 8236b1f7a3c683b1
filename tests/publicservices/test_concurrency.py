"""Capacity and numbering under real concurrency: separate `smartkampung` processes on a fresh database of
the suite's kind (a SQLite file, or a PostgreSQL database), released at the same instant."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.fresh_db import COMMAND, fresh_database, run

WORKERS = 6
SEATS = 3

SETUP = f"""
from django.core.management import call_command
from smartkampung.publicservices.models import Counter
call_command("load_areas")
call_command("load_publicservices")
Counter.objects.filter(code="A01").update(slot_capacity={SEATS})
"""

# Each worker signs in at a barrier (a file per worker) and waits until all have started Django, then in one go: books the last seats of one slot, takes a
# ticket number at one counter, and takes a letter number of one village (holding its transaction a moment,
# as a real issue does while it draws the PDF).
WORKER = """
import datetime as dt, json, time
from django.db import transaction
from django.utils import timezone
from smartkampung.core.audit import Actor
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area
from smartkampung.publicservices import services
from smartkampung.publicservices.models import Counter, Service
import os, pathlib
barrier = pathlib.Path(%r)
(barrier / str(os.getpid())).touch()
deadline = time.time() + 120
while len(list(barrier.iterdir())) < %d and time.time() < deadline:
    time.sleep(0.002)
now = dt.datetime(2026, 11, 23, 9, 10, tzinfo=timezone.get_fixed_timezone(420))
out = {}
try:
    a = services.appointment_book(actor=Actor.system("race"), service=Service.objects.get(code="dukcapil-ktp-cetak"), date=dt.date(2026, 11, 24),
                                  starts_at=dt.time(10, 0), name="Warga", phone="081200000000", now=now)
    out["booking"] = a.code
except DomainError as error:
    out["booking"] = error.code
with transaction.atomic():
    out["ticket"] = services._next_ticket_number(Counter.objects.get(code="A01"), dt.date(2026, 11, 23))
with transaction.atomic():
    out["serial"] = services.letter_serial_take(village=Area.objects.get(code="35.10.15.2004"), year=2026)
    time.sleep(0.05)
print("RESULT" + json.dumps(out))
"""

CHECK = """
import json
from smartkampung.publicservices.models import Appointment, LetterSequence, Slot, TicketDay
slot = Slot.objects.get(counter__code="A01", date="2026-11-24", starts_at="10:00")
print("RESULT" + json.dumps({"booked": slot.booked, "appointments": Appointment.objects.filter(slot=slot).count(),
      "last_ticket": TicketDay.objects.get(counter__code="A01", date="2026-11-23").last_number,
      "last_serial": LetterSequence.objects.get(village__code="35.10.15.2004", year=2026).last_number}))
"""


def _result(output: str) -> dict:
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    return json.loads(line[len("RESULT"):])


@pytest.mark.django_db
def test_last_seats_ticket_numbers_and_letter_numbers_under_concurrency(tmp_path):
    with fresh_database(tmp_path) as env:
        for args in (("migrate", "-v0"), ("shell", "-c", SETUP)):
            run(env, *args)
        barrier = tmp_path / "barrier"
        barrier.mkdir()
        workers = [subprocess.Popen([*COMMAND, "shell", "-c", WORKER % (str(barrier), WORKERS)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(WORKERS)]
        results = []
        for worker in workers:
            out, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err
            results.append(_result(out))
        final = _result(run(env, "shell", "-c", CHECK).stdout)

    bookings = [r["booking"] for r in results]
    assert sum(b.startswith("MPP-") for b in bookings) == SEATS
    assert sorted(b for b in bookings if not b.startswith("MPP-")) == ["slot_full"] * (WORKERS - SEATS)
    assert sorted(r["ticket"] for r in results) == list(range(1, WORKERS + 1))
    assert sorted(r["serial"] for r in results) == list(range(1, WORKERS + 1))
    assert final == {"booked": SEATS, "appointments": SEATS, "last_ticket": WORKERS, "last_serial": WORKERS}
