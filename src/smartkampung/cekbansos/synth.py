"""Cek Bansos's part of the synthetic Banyuwangi: the excluding list, and a few usul and sanggah waiting
for verification so the staff pages have something to show. The same handful at any population size
(a few queries each), deterministic by seed."""

from __future__ import annotations

import datetime as dt
import random

from smartkampung.core.audit import Actor
from smartkampung.core.models import Area
from smartkampung.programmes.models import Enrolment
from smartkampung.registry.models import Person

from . import services
from .models import Relation, SanggahReason

USUL_COUNT = 4
SANGGAH_COUNT = 2
_USUL_REASONS = (
    "Suami sudah meninggal, saya mengurus tiga anak sendiri dan tidak punya pekerjaan tetap.",
    "Tetangga saya lansia tinggal sendiri, rumahnya hampir roboh dan belum pernah menerima bantuan.",
    "Usaha warung kami tutup sejak tahun lalu; penghasilan tidak cukup untuk makan sehari-hari.",
    "Anak saya penyandang disabilitas dan kami belum terdaftar di program mana pun.",
)
_SANGGAH_REASONS = (
    "Penerima ini memiliki toko besar dan dua mobil, menurut kami tidak layak menerima.",
    "Penerima ini sudah pindah ke luar kota sejak dua tahun lalu.",
)


def seed(*, actor: Actor, seed: int, as_of: dt.date) -> dict[str, int]:
    rng = random.Random(f"cekbansos-{seed}")
    excluding = services.excluding_load(actor=actor)
    villages = list(Area.objects.filter(kind__in=("desa", "kelurahan")).order_by("code").values_list("id", flat=True))
    made_usul = made_sanggah = 0
    if not villages or not Person.objects.exists():
        return {"excluding_programmes": excluding, "usul": 0, "sanggah": 0}
    tried = 0
    while made_usul < USUL_COUNT and tried < USUL_COUNT * 10:
        tried += 1
        village = rng.choice(villages)
        # A living resident with no enrolment of their own: the kind of person an usul is about.
        ids = list(Person.objects.filter(village_id=village, date_of_death__isnull=True).exclude(
            pk__in=Enrolment.objects.filter(person__isnull=False, person__village_id=village).values("person_id")).order_by("pk").values_list("pk", flat=True)[:200])
        if not ids:
            continue
        person = Person.objects.get(pk=rng.choice(ids))
        services.usul_submit(
            nik=person.nik, relation=rng.choice([Relation.SELF, Relation.NEIGHBOUR]), reporter_contact=f"08{rng.randrange(10**9, 10**10)}",
            reason=_USUL_REASONS[made_usul % len(_USUL_REASONS)], client=f"192.0.2.{made_usul + 1}", via="web", today=as_of,
        )
        made_usul += 1
    enrolments = list(Enrolment.objects.filter(person__isnull=False, person__date_of_death__isnull=True, end_date__isnull=True,
                                               start_date__lte=as_of, programme__unit="person").order_by("pk").values_list("person_id", "programme__code")[:500])
    rng.shuffle(enrolments)
    for person_id, code in enrolments[:SANGGAH_COUNT]:
        services.sanggah_submit(
            person_id=person_id, programme_code=code, reason_kind=[SanggahReason.WELL_OFF, SanggahReason.MOVED][made_sanggah % 2],
            reason=_SANGGAH_REASONS[made_sanggah % 2], client=f"192.0.2.{made_sanggah + 101}", via="web", today=as_of,
        )
        made_sanggah += 1
    return {"excluding_programmes": excluding, "usul": made_usul, "sanggah": made_sanggah}
