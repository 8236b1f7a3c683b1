#!/usr/bin/env python3
"""Headline figures of public services (issue #8): issuing a village letter (number, Ed25519 signature over
the canonical content, PDF with QR code, stored in one transaction) — goal p99 under 200 ms; and catalogue
search over all services (synonym rewrite + filter + ranking) — goal p99 under 50 ms.

    cp /work/bench-data/full.sqlite3 /work/bench-data/publicservices.sqlite3
    .venv/bin/python bench/publicservices_letters.py --database-url sqlite:////work/bench-data/publicservices.sqlite3
    scripts/with_postgres.py --durable -- .venv/bin/python bench/publicservices_letters.py --synth 20000

It runs in one process (Django set up on the given database): migrates, loads the catalogue and the demo
logins if missing (and, with --synth N, synthesises N people into an empty registry), then stages
--letters checked requests of Desa Kemiren residents (not timed) and times `letter_approve` for each, as
the village head's click does. Search is timed as `catalogue_search` and as GET /api/v1/layanan/services
through Django's test client (routing, serialisation; no network), for a fixed list of resident queries.
Wall time and this process's CPU time are both reported: on a shared machine the wall time includes waiting
for a core (on PostgreSQL the CPU time leaves out the server's own work).
The letter-signing key is a throwaway file (SMARTKAMPUNG_LETTER_KEY) so no development key is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, percentile  # noqa: E402

QUERIES = ["KTP", "e-KTP hilang", "ktp el", "kartu keluarga", "KK pisah", "akte kelahiran", "akta kematian", "SIM", "perpanjangan sim c",
           "sim a baru", "paspor", "passport", "bikin paspor anak", "SKCK", "surat kelakuan baik", "pajak motor", "balik nama kendaraan",
           "PBB", "sertifikat tanah", "balik nama sertifikat", "BPJS kesehatan", "daftar KIS", "JHT", "nikah", "cerai", "haji", "NIB",
           "izin usaha", "IMB", "izin praktik bidan", "listrik", "pasang baru air", "NPWP", "kartu kuning", "bansos", "legalisir ijazah",
           "tilang", "rekening bank", "pensiun", "sktm", "domisili", "halal", "pindah", "zzz tidak ada"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("SMARTKAMPUNG_DATABASE_URL"))
    parser.add_argument("--letters", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=20, help="times each search query is run")
    parser.add_argument("--synth", type=int, default=0, help="synthesise N people first when the registry is empty")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url or SMARTKAMPUNG_DATABASE_URL is required")
    tmp = Path(tempfile.mkdtemp(prefix="bench-publicservices-"))
    os.environ["SMARTKAMPUNG_DATABASE_URL"] = args.database_url
    os.environ.setdefault("SMARTKAMPUNG_VAR_DIR", str(tmp / "var"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "smartkampung.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from smartkampung.publicservices.signing import KEY_ENV, write_new_key

    write_new_key(tmp / "letter-key.pem")
    os.environ[KEY_ENV] = str(tmp / "letter-key.pem")

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from smartkampung.core.audit import Actor
    from smartkampung.core.models import Area
    from smartkampung.registry.models import Membership, Person

    if not Area.objects.exists():
        call_command("load_areas", verbosity=0)
    if args.synth and not Person.objects.exists():
        call_command("synth", "--people", str(args.synth), "--seed", "1", "--no-progress")
    call_command("load_publicservices", verbosity=0)
    if not get_user_model().objects.filter(username="kades.kemiren").exists():
        call_command("demo_users", verbosity=0)

    from django.db import connection, transaction

    from smartkampung.publicservices import selectors, services
    from smartkampung.publicservices.models import LetterRequest, LetterType, RequestState, Service

    kades = Actor(user=get_user_model().objects.get(username="kades.kemiren"), ip="127.0.0.1", via="web")
    kemiren = Area.objects.get(code="35.10.15.2004")
    people = list(Person.objects.filter(village=kemiren, date_of_death__isnull=True).order_by("id")[: args.letters])
    households = dict(Membership.objects.filter(person__in=people, end_date__isnull=True).values_list("person_id", "household_id"))
    domisili = LetterType.objects.get(code="domisili")
    stamp = f"{time.time_ns() % 10**6:06d}"
    with transaction.atomic():
        staged = LetterRequest.objects.bulk_create(
            LetterRequest(code=f"B{stamp}{i:05d}", letter_type=domisili, village=kemiren, person=p, household_id=households.get(p.pk),
                          purpose="Melamar pekerjaan", state=RequestState.CHECKED) for i, p in enumerate(people))
    staged = list(LetterRequest.objects.filter(code__startswith=f"B{stamp}").order_by("id"))

    issue_ms, issue_cpu_ms, numbers = [], [], []
    for request in staged:
        started, cpu = time.perf_counter(), time.process_time()
        letter = services.letter_approve(actor=kades, request=request)
        issue_ms.append((time.perf_counter() - started) * 1000)
        issue_cpu_ms.append((time.process_time() - cpu) * 1000)
        numbers.append(letter.serial)
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), "letter numbers must be gap-free"
    pdf_sizes = [len(bytes(letter.pdf))]

    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    selector_ms, selector_cpu_ms, api_ms = [], [], []
    for query in QUERIES:  # warm-up
        selectors.catalogue_search(q=query)
    for _ in range(args.rounds):
        for query in QUERIES:
            started, cpu = time.perf_counter(), time.process_time()
            selectors.catalogue_search(q=query)
            selector_ms.append((time.perf_counter() - started) * 1000)
            selector_cpu_ms.append((time.process_time() - cpu) * 1000)
            started = time.perf_counter()
            response = client.get("/api/v1/layanan/services", {"q": query})
            api_ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200

    def row(name: str, values: list[float]) -> str:
        return f"| {name} | {len(values)} | {percentile(values, 50):.1f} ms | {percentile(values, 95):.1f} ms | {percentile(values, 99):.1f} ms | {max(values):.1f} ms |"

    print(f"date: {dt.date.today()}  machine: {machine()}")
    print(f"database: {connection.vendor}  people: {Person.objects.count():,}  services: {Service.objects.filter(active=True).count()}  "
          f"letters issued this run: {len(issue_ms)} (serials {numbers[0]}-{numbers[-1]}), PDF ~{pdf_sizes[0] / 1024:.1f} KiB")
    print("| what | n | p50 | p95 | p99 | max |")
    print("|---|---|---|---|---|---|")
    print(row("issue a letter (letter_approve)", issue_ms))
    print(row("  the same, CPU time of this process", issue_cpu_ms))
    print(row("catalogue search (selector)", selector_ms))
    print(row("  the same, CPU time of this process", selector_cpu_ms))
    print(row("catalogue search (GET /api/v1/layanan/services)", api_ms))


if __name__ == "__main__":
    main()
