"""An Indonesian-style agency list with known duplicates, for tests, the demo seed and the benchmark.

The people come from the synthetic Banyuwangi (synth.population.generate), so households are real
households: members share the KK, the address and often a name, which is what makes linkage hard. On top
of the registry's own planted duplicates (a second record with another NIK serial and a name variant),
a share of people appear again in the list with the errors agencies make: name variants, NIK typos and
gaps, the KK number typed into the NIK column, day and month swapped, a moved address, a birth place left
out, mistyped or written as the regency (or the kecamatan) instead of the place on the card.

`agency_list()` yields rows (dicts with Bahasa Indonesia headers) and the ground-truth entity of each row.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

from smartkampung.core.services import BANYUWANGI_AREAS
from smartkampung.synth.population import TRUTH_DUPLICATE, generate, name_variant, read_area_rows

# Bumped whenever the rows change for the same seed (benchmarks keep written lists under this version).
LIST_VERSION = 2  # 2: with the birth place (tempat_lahir) and its errors
HEADER = ("id", "nik", "no_kk", "nama", "tempat_lahir", "tgl_lahir", "jk", "alamat", "rt", "rw", "desa", "kecamatan")
DUPLICATE_SHARE = 0.12  # extra records per person in the list
ERRORS = {  # probability of each error on a duplicate record (several may apply)
    "name variant": 0.5,
    "nik typo": 0.08,
    "nik missing": 0.06,
    "kk as nik": 0.04,
    "nik transposed": 0.02,
    "day/month swap": 0.08,
    "date typo": 0.04,
    "moved": 0.15,
    "birth place missing": 0.08,
    "birth place as regency or kecamatan": 0.08,
    "birth place typo": 0.04,
}
BASE_NIK_MISSING = 0.02  # share of first records listed without a NIK
BASE_PLACE_MISSING = 0.05  # share of first records listed without a birth place


def _typo_digit(value: str, rng: random.Random) -> str:
    i = rng.randrange(len(value))
    return value[:i] + str((int(value[i]) + rng.randrange(1, 10)) % 10) + value[i + 1 :]


def _drop_letter(value: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(value))
    return value[:i] + value[i + 1 :]


def _transpose(value: str, rng: random.Random) -> str:
    i = rng.randrange(len(value) - 1)
    if value[i] == value[i + 1]:
        return _typo_digit(value, rng) if value.isdigit() else _drop_letter(value, rng)
    return value[:i] + value[i + 1] + value[i] + value[i + 2 :]


def agency_list(*, records: int, seed: int, today: dt.date = dt.date(2026, 1, 1)) -> Iterator[tuple[dict, int]]:
    """Yield about `records` (row, entity) pairs, shuffled within each village."""
    areas = read_area_rows(BANYUWANGI_AREAS)
    names = {a.code: a.name for a in areas}
    villages = [a.code for a in areas if a.kind in ("desa", "kelurahan")]
    rng = random.Random(seed)
    people = max(1, round(records / (1 + DUPLICATE_SHARE)))
    row_id = 0
    entity_of: dict[int, int] = {}
    for batch in generate(areas, people=people, seed=seed, today=today):
        household_of = {p: h for (p, h, _rel, _start, end) in batch.memberships if end is None}
        homes = {h[0]: h for h in batch.households}
        for kind, original, duplicate, _h, _detail in batch.truth:
            if kind == TRUTH_DUPLICATE:
                entity_of[duplicate] = entity_of.get(original, original)
        rows = []
        for (no, nik, name, sex, place, born, *_rest, died, vcode) in batch.people:
            if died is not None:
                continue
            home = homes.get(household_of.get(no))
            if home is None:
                continue
            _hno, kk, _issued, _head, _v, dusun, rw, rt, street, *_ = home
            base = {
                "nik": "" if rng.random() < BASE_NIK_MISSING else nik, "no_kk": kk, "nama": name,
                "tempat_lahir": "" if rng.random() < BASE_PLACE_MISSING else place,
                "tgl_lahir": born.strftime("%d-%m-%Y"), "jk": "L" if sex == "M" else "P",
                "alamat": f"{street}, Dsn. {dusun}" if street else f"Dsn. {dusun}", "rt": rt, "rw": rw,
                "desa": names[vcode], "kecamatan": names[vcode[:8]],
            }
            entity = entity_of.get(no, no)
            rows.append((base, entity))
            if rng.random() < DUPLICATE_SHARE:
                rows.append((_corrupt(dict(base), nik=nik, kk=kk, born=born, rng=rng, villages=villages, names=names), entity))
        rng.shuffle(rows)
        for row, entity in rows:
            row_id += 1
            yield {"id": f"R{row_id:07d}", **row}, entity


def _corrupt(row: dict, *, nik: str, kk: str, born: dt.date, rng: random.Random, villages: list[str], names: dict) -> dict:
    errors = [e for e, p in ERRORS.items() if rng.random() < p] or [rng.choice(list(ERRORS))]
    for error in errors:
        if error == "name variant":
            row["nama"] = name_variant(row["nama"], rng.random)[0]
        elif error == "nik typo" and row["nik"]:
            row["nik"] = _typo_digit(nik, rng)
        elif error == "nik missing":
            row["nik"] = ""
        elif error == "kk as nik":
            row["nik"] = kk
        elif error == "nik transposed" and row["nik"]:
            row["nik"] = _transpose(nik, rng)
        elif error == "day/month swap" and born.day <= 12 and born.day != born.month:
            row["tgl_lahir"] = f"{born.month:02d}-{born.day:02d}-{born.year}"
        elif error == "date typo":
            text = row["tgl_lahir"]
            i = rng.choice([1, 4, 9])  # last digit of day, month or year
            row["tgl_lahir"] = text[:i] + str((int(text[i]) + 1) % 10) + text[i + 1 :]
        elif error == "moved" and villages:
            village = rng.choice(villages)
            row.update(desa=names[village], kecamatan=names[village[:8]], rt=str(rng.randint(1, 12)), rw=str(rng.randint(1, 6)),
                       alamat=f"Dsn. {rng.choice(['Krajan', 'Kidul', 'Lor', 'Wetan', 'Kulon', 'Tengah'])}", no_kk="")
        elif error == "birth place missing":
            row["tempat_lahir"] = ""
        elif error == "birth place as regency or kecamatan" and row["tempat_lahir"]:
            # "Genteng" on the card, "Banyuwangi" on the list; or the other way: the kecamatan the person lives in
            place = row["tempat_lahir"]
            row["tempat_lahir"] = row["kecamatan"] if place.upper() == "BANYUWANGI" and row["kecamatan"] else "Banyuwangi"
        elif error == "birth place typo" and len(row["tempat_lahir"]) > 3:
            row["tempat_lahir"] = _transpose(row["tempat_lahir"], rng) if rng.random() < 0.5 else _drop_letter(row["tempat_lahir"], rng)
    return row


def write_list(path: Path, *, records: int, seed: int, truth_path: Path | None = None) -> int:
    """Write the list as CSV (and `id,entity` ground truth); returns the number of rows."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        truth = truth_path.open("w", newline="", encoding="utf-8") if truth_path else None
        truth_writer = csv.writer(truth) if truth else None
        if truth_writer:
            truth_writer.writerow(("id", "entity"))
        try:
            for row, entity in agency_list(records=records, seed=seed):
                writer.writerow([row[h] for h in HEADER])
                if truth_writer:
                    truth_writer.writerow((row["id"], entity))
                count += 1
        finally:
            if truth:
                truth.close()
    return count


# --- a list drawn from the registry (for the demo seed, tests and the import benchmark) ---------------

LIST_HEADER = ("nik", "no_kk", "nama", "tempat_lahir", "tgl_lahir", "jk", "alamat", "rt", "rw", "desa", "kecamatan")


def registry_sample(*, rows: int, seed: int) -> list[dict]:
    """`rows` living residents picked evenly by id, with their current household.

    The pick is made on the membership ids alone, then only the picked rows are read with their joins:
    streaming the whole joined table through a server-side cursor made PostgreSQL choose a fast-start
    plan that took 74 s for 60,000 people (the synth of the full regency sat on it for many minutes)."""
    from smartkampung.core.models import Area
    from smartkampung.registry.models import Membership

    memberships = Membership.objects.filter(end_date__isnull=True, person__date_of_death__isnull=True, person__merged_into__isnull=True)
    ids = list(memberships.order_by("person_id", "id").values_list("id", flat=True))
    if not ids or rows <= 0:
        return []
    step = max(1, len(ids) // rows)
    picked_ids = ids[seed % step :: step][:rows]
    del ids
    names = dict(Area.objects.values_list("code", "name"))
    out = []
    for start in range(0, len(picked_ids), 5000):
        chunk = Membership.objects.filter(id__in=picked_ids[start : start + 5000]).order_by("person_id", "id").values_list(
            "person_id", "person__nik", "person__name", "person__sex", "person__birth_date", "person__birth_place", "household__kk_number",
            "household__village__code", "household__street", "household__dusun", "household__rt", "household__rw",
        )
        for pk, nik, name, sex, born, place, kk, code, street, dusun, rt, rw in chunk:
            out.append({"person_id": pk, "nik": nik, "name": name, "sex": sex, "born": born, "place": place, "kk": kk, "village": names[code],
                        "kecamatan": names[code[:8]], "street": street, "dusun": dusun, "rt": rt, "rw": rw})
    return out


def registry_list(people: list[dict], *, seed: int, corrupt: float = 0.25, unknown: float = 0.04, broken: float = 0.02) -> Iterator[tuple[dict, int | None]]:
    """An agency list naming these residents, with agency errors on a share of rows, some people the
    registry does not know, and some rows that cannot be used. Yields (row, true person id or None)."""
    rng = random.Random(seed)
    for person in people:
        born = person["born"]
        row = {
            "nik": person["nik"], "no_kk": person["kk"], "nama": person["name"], "tempat_lahir": person.get("place", ""), "tgl_lahir": born.strftime("%d-%m-%Y"),
            "jk": "L" if person["sex"] == "M" else "P", "alamat": f"{person['street']}, Dsn. {person['dusun']}" if person["street"] else f"Dsn. {person['dusun']}",
            "rt": person["rt"], "rw": person["rw"], "desa": person["village"], "kecamatan": person["kecamatan"],
        }
        draw = rng.random()
        if draw < broken:
            row["tgl_lahir"] = "31-02-" + str(born.year) if rng.random() < 0.5 else ""
            row["nik"] = "" if rng.random() < 0.5 else row["nik"][:10]
            yield row, person["person_id"]  # that person, with data too broken to use (often not linkable)
        elif draw < broken + unknown:
            # Someone the registry does not hold: a NIK issued elsewhere (Jember, 35.09).
            row.update(nik="3509" + row["nik"][4:12] + f"{rng.randint(5000, 9999):04d}", nama=rng.choice(("Samsul Arifin", "Dewi Lestari", "Yuliana")))
            yield row, None
        elif draw < broken + unknown + corrupt:
            yield _corrupt(dict(row), nik=person["nik"], kk=person["kk"], born=born, rng=rng, villages=[], names={}), person["person_id"]
        else:
            yield row, person["person_id"]


def write_rows(path: Path, rows, header=LIST_HEADER) -> int:
    """Write list rows as CSV (.csv) or XLSX (.xlsx, with xlsxwriter's constant-memory mode)."""
    count = 0
    if path.suffix.lower() == ".xlsx":
        import xlsxwriter

        workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = workbook.add_worksheet("Daftar")
        sheet.write_row(0, 0, header)
        for count, row in enumerate(rows, start=1):
            sheet.write_row(count, 0, [row.get(h, "") for h in header])
        workbook.close()
        return count
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, "") for h in header])
            count += 1
    return count
