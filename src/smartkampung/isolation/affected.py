"""Writes for affected residents: one record from a page, or a whole list imported from CSV.

An import stages every row with its outcome (recorded, already recorded, refused and why) in the same
transaction as the records it creates: nothing is silently dropped, a crash leaves nothing behind, and a
re-run of the same file records nothing twice. The work is set-based (NIKs looked up in chunks, records
bulk-inserted), so a regency-wide list of thousands of rows takes a handful of queries.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.scoping import area_scope
from smartkampung.registry.models import Person

from .access import is_system
from .models import AffectedImport, AffectedImportRow, AffectedResident, AffectedSource, RowOutcome
from .sectors import AFFECTED_SECTORS

EARLIEST = dt.date(2019, 1, 1)  # the pandemic and the crises since; older losses are not "affected now"
MAX_INCOME_LOST = 1_000_000_000  # rupiah per month: anything above is a typo
MAX_IMPORT_ROWS = 50_000
# Accepted column names (Indonesian first) -> our field.
COLUMNS = {
    "nik": "nik",
    "sektor": "sector", "sector": "sector",
    "tanggal": "affected_on", "tanggal_terdampak": "affected_on", "date": "affected_on", "affected_on": "affected_on",
    "penghasilan_hilang": "income_lost", "income_lost": "income_lost",
    "tempat_kerja": "workplace", "workplace": "workplace",
    "keterangan": "notes", "notes": "notes",
}
REQUIRED = ("nik", "sector", "affected_on", "income_lost")


def _today() -> dt.date:
    return timezone.localdate()


def _may_write(actor: Actor, village_id: int) -> bool:
    return is_system(actor) or area_scope(actor.user).can_write_village(village_id)


def _clean(*, sector: str, affected_on, income_lost) -> tuple[str, dt.date, int]:
    """The checked values of one record; DomainError names the field."""
    sector = (sector or "").strip().lower()
    if sector not in AFFECTED_SECTORS:
        raise DomainError("invalid", _("Sektor %(value)r tidak dikenal; pilih salah satu: %(codes)s.")
                          % {"value": sector, "codes": ", ".join(AFFECTED_SECTORS)}, field="sector")
    if isinstance(affected_on, str):
        try:
            affected_on = dt.date.fromisoformat(affected_on.strip())
        except ValueError:
            raise DomainError("invalid", _("Tanggal %(value)r harus ditulis TTTT-BB-HH.") % {"value": affected_on}, field="affected_on") from None
    if not isinstance(affected_on, dt.date):
        raise DomainError("invalid", _("Tanggal terdampak wajib diisi."), field="affected_on")
    if affected_on > _today() or affected_on < EARLIEST:
        raise DomainError("invalid", _("Tanggal terdampak %(date)s harus antara %(first)s dan hari ini.")
                          % {"date": affected_on.isoformat(), "first": EARLIEST.isoformat()}, field="affected_on")
    if isinstance(income_lost, str):
        text = income_lost.strip().replace(".", "").replace(",", "").replace("Rp", "").strip()
        if not text.isdigit():
            raise DomainError("invalid", _("Penghasilan yang hilang %(value)r harus angka rupiah per bulan.") % {"value": income_lost},
                              field="income_lost")
        income_lost = int(text)
    if not isinstance(income_lost, int) or not 0 <= income_lost <= MAX_INCOME_LOST:
        raise DomainError("invalid", _("Penghasilan yang hilang harus antara 0 dan 1 miliar rupiah per bulan."), field="income_lost")
    return sector, affected_on, income_lost


def _unknown_nik(nik: str) -> DomainError:
    # The same answer for a NIK that does not exist and one outside the operator's villages, so nobody can
    # probe which NIKs live elsewhere.
    return DomainError("unknown_nik", _("NIK %(nik)s tidak terdaftar sebagai penduduk (hidup) di wilayah Anda.") % {"nik": nik}, field="nik")


@transaction.atomic
def affected_record(
    *, actor: Actor, nik: str, sector: str, affected_on, income_lost, workplace: str = "", notes: str = "",
    source: str = AffectedSource.PAGE,
) -> AffectedResident:
    """Record one affected resident by NIK, within the villages the actor may change."""
    nik = (nik or "").strip()
    if len(nik) != 16 or not nik.isdigit():
        raise DomainError("invalid_nik", _("NIK harus 16 angka."), field="nik")
    sector, affected_on, income_lost = _clean(sector=sector, affected_on=affected_on, income_lost=income_lost)
    person = Person.objects.filter(nik=nik, date_of_death__isnull=True).first()
    if person is None or not _may_write(actor, person.village_id):
        raise _unknown_nik(nik)
    if AffectedResident.objects.filter(person=person, sector=sector).exists():
        raise DomainError("duplicate", _("Penduduk ini sudah tercatat terdampak di sektor %(sector)s.") % {"sector": sector}, field="sector")
    try:
        with transaction.atomic():
            record = AffectedResident.objects.create(
                person=person, village_id=person.village_id, sector=sector, affected_on=affected_on, income_lost=income_lost,
                workplace=(workplace or "").strip()[:120], notes=(notes or "").strip()[:300], source=source, recorded_by=actor.user_or_none)
    except IntegrityError:
        raise DomainError("duplicate", _("Penduduk ini sudah tercatat terdampak di sektor %(sector)s.") % {"sector": sector}, field="sector") from None
    audit_record(actor=actor, action="affected.record", obj=record, village=person.village_id,
                 changes={"sector": sector, "affected_on": affected_on.isoformat(), "income_lost": income_lost, "source": source})
    return record


@transaction.atomic
def affected_recovered(*, actor: Actor, record: AffectedResident, on: dt.date) -> AffectedResident:
    """The resident is back at work: from `on` they no longer count as affected for rules."""
    record = AffectedResident.objects.select_for_update().get(pk=record.pk)
    if not _may_write(actor, record.village_id):
        raise DomainError("forbidden", _("Anda tidak berwenang mengubah data desa ini."), field="village")
    if on < record.affected_on or on > _today():
        raise DomainError("invalid", _("Tanggal pulih harus antara tanggal terdampak dan hari ini."), field="recovered_on")
    record.recovered_on = on
    record.save(update_fields=["recovered_on"])
    audit_record(actor=actor, action="affected.recovered", obj=record, village=record.village_id, changes={"on": on.isoformat()})
    return record


def _read_csv(content: bytes) -> tuple[list[str], list[dict]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("invalid_file", _("Berkas harus CSV dengan pengodean UTF-8."), field="file") from None
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise DomainError("invalid_file", _("Berkas kosong."), field="file")
    fields = [COLUMNS.get(h.strip().lower().replace(" ", "_"), "") for h in header]
    missing = [c for c in REQUIRED if c not in fields]
    if missing:
        raise DomainError("invalid_file", _("Kolom wajib tidak ada: %(cols)s (dibutuhkan nik, sektor, tanggal, penghasilan_hilang).")
                          % {"cols": ", ".join(missing)}, field="file")
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue  # a blank line is no row
        raw = {header[i].strip(): values[i] if i < len(values) else "" for i in range(len(header))}
        mapped = {fields[i]: values[i] if i < len(values) else "" for i in range(len(header)) if fields[i]}
        rows.append({"line": reader.line_num, "raw": raw, "extra": values[len(header):], **mapped})
        if len(rows) > MAX_IMPORT_ROWS:
            raise DomainError("invalid_file", _("Paling banyak %(n)d baris per berkas.") % {"n": MAX_IMPORT_ROWS}, field="file")
    return header, rows


@transaction.atomic
def affected_import(*, actor: Actor, filename: str, content: bytes) -> AffectedImport:
    """Import a CSV list (columns nik, sektor, tanggal, penghasilan_hilang[, tempat_kerja, keterangan])."""
    if not is_system(actor) and not (area_scope(actor.user).write_all or area_scope(actor.user).write_village_ids):
        raise DomainError("forbidden", _("Anda tidak berwenang mencatat warga terdampak."))
    _header, rows = _read_csv(content)
    batch = AffectedImport.objects.create(filename=(filename or "upload.csv")[:200], uploaded_by=actor.user_or_none, uploaded_by_label=actor.display[:150])
    niks = {r.get("nik", "").strip() for r in rows}
    people: dict[str, tuple[int, int]] = {}
    nik_list = sorted(n for n in niks if len(n) == 16 and n.isdigit())
    for start in range(0, len(nik_list), 500):
        chunk = nik_list[start:start + 500]
        for pid, nik, village_id in Person.objects.filter(nik__in=chunk, date_of_death__isnull=True).values_list("id", "nik", "village_id"):
            people[nik] = (pid, village_id)
    existing = set(AffectedResident.objects.filter(person_id__in=[p for p, _v in people.values()]).values_list("person_id", "sector"))
    staged: list[AffectedImportRow] = []
    new_records: list[tuple[AffectedImportRow, AffectedResident]] = []
    seen: set[tuple[int, str]] = set()
    for row in rows:
        nik = row.get("nik", "").strip()
        staged_row = AffectedImportRow(batch=batch, line=row["line"], raw=row["raw"], nik=nik[:40], outcome=RowOutcome.ERROR)
        staged.append(staged_row)
        try:
            if row["extra"] and any(v.strip() for v in row["extra"]):
                raise DomainError("invalid", _("Baris ini punya lebih banyak kolom daripada judul."), field="file")
            if len(nik) != 16 or not nik.isdigit():
                raise DomainError("invalid_nik", _("NIK harus 16 angka."), field="nik")
            sector, affected_on, income_lost = _clean(sector=row.get("sector", ""), affected_on=row.get("affected_on", ""),
                                                      income_lost=row.get("income_lost", ""))
            found = people.get(nik)
            if found is None or not _may_write(actor, found[1]):
                raise _unknown_nik(nik)
        except DomainError as error:
            staged_row.field, staged_row.message = error.field or "", error.message[:300]
            continue
        person_id, village_id = found
        staged_row.village_id = village_id
        if (person_id, sector) in existing or (person_id, sector) in seen:
            staged_row.outcome = RowOutcome.DUPLICATE
            staged_row.message = _("Sudah tercatat terdampak di sektor ini; tidak dicatat dua kali.")
            continue
        seen.add((person_id, sector))
        staged_row.outcome = RowOutcome.CREATED
        new_records.append((staged_row, AffectedResident(
            person_id=person_id, village_id=village_id, sector=sector, affected_on=affected_on, income_lost=income_lost,
            workplace=row.get("workplace", "").strip()[:120], notes=row.get("notes", "").strip()[:300], source=AffectedSource.IMPORT,
            recorded_by=actor.user_or_none)))
    created = AffectedResident.objects.bulk_create([record for _row, record in new_records], batch_size=500)
    for (staged_row, _record), saved in zip(new_records, created, strict=True):
        staged_row.affected = saved
    if created and created[0].pk is None:  # backends without RETURNING on bulk insert: look the rows up again
        ids = {(p, s): pk for pk, p, s in AffectedResident.objects.filter(
            person_id__in=[r.person_id for r in created]).values_list("pk", "person_id", "sector")}
        for staged_row, record in new_records:
            staged_row.affected_id = ids[(record.person_id, record.sector)]
    AffectedImportRow.objects.bulk_create(staged, batch_size=500)
    batch.rows = len(staged)
    batch.created = len(created)
    batch.duplicates = sum(1 for r in staged if r.outcome == RowOutcome.DUPLICATE)
    batch.errors = sum(1 for r in staged if r.outcome == RowOutcome.ERROR)
    batch.save(update_fields=["rows", "created", "duplicates", "errors"])
    audit_record(actor=actor, action="affected.import", obj=batch,
                 changes={"filename": batch.filename, "rows": batch.rows, "created": batch.created, "duplicates": batch.duplicates, "errors": batch.errors})
    return batch
