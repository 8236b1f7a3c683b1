"""Enrolments that follow linkage: the programme services this app needs, written here (not in
programmes/, which linkage calls but does not edit), set-based so that a list of a million rows is a few
bulk inserts and not a million service calls.

They keep programmes.services.enrolment_create's rules: source "agency_list", no second active enrolment
of one resident (or household) in one programme, nobody deceased, the listed NIK kept for a row the
registry does not know (person empty: targeting reports it as an unknown NIK instead of losing it).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from smartkampung.core.audit import Actor, audit_record
from smartkampung.programmes.models import Enrolment, EnrolmentEvent, Source, Unit
from smartkampung.registry.models import Membership, Person

from .models import ImportBatch, LinkStatus, StagedRow


def _active(queryset, on):
    return queryset.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


def _in_chunks(values, size=900):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


@transaction.atomic
def enrol_rows(*, actor: Actor, batch: ImportBatch, row_ids: list[int]) -> int:
    """Enrol the rows' people in the batch's programme; returns how many enrolments were made."""
    if not row_ids:
        return 0
    programme, on = batch.programme, batch.starts_on
    ref = f"linkage import {batch.pk}: {batch.file_name}"[:120]
    rows: list[StagedRow] = []
    for chunk in _in_chunks(row_ids):
        rows.extend(StagedRow.objects.filter(pk__in=chunk, enrolment__isnull=True).only("id", "person_id", "nik", "name", "link_status", "evidence"))
    person_ids = {r.person_id for r in rows if r.person_id}
    people: dict[int, tuple] = {}
    households: dict[int, int] = {}
    for chunk in _in_chunks(person_ids):
        people.update((p[0], p[1:]) for p in Person.objects.filter(pk__in=chunk).values_list("id", "nik", "name", "village_id", "date_of_death"))
        households.update(Membership.objects.filter(person_id__in=chunk, end_date__isnull=True).values_list("person_id", "household_id"))
    by_household = programme.unit == Unit.HOUSEHOLD
    active = _active(Enrolment.objects.filter(programme=programme), on)
    taken: set = set()
    if by_household:
        for chunk in _in_chunks(set(households.values())):
            taken.update(("h", h) for h in active.filter(household_id__in=chunk).values_list("household_id", flat=True))
    else:
        for chunk in _in_chunks(person_ids):
            taken.update(("p", p) for p in active.filter(person_id__in=chunk).values_list("person_id", flat=True))
    listed = [r.nik for r in rows if not r.person_id and len(r.nik) == 16 and r.nik.isdigit()]
    for chunk in _in_chunks(set(listed)):
        taken.update(("n", n) for n in active.filter(person__isnull=True, household__isnull=True, listed_nik__in=chunk).values_list("listed_nik", flat=True))

    made: list[tuple[StagedRow, Enrolment]] = []
    for row in rows:
        note = None
        if row.person_id:
            nik, name, village_id, died = people[row.person_id]
            household_id = households.get(row.person_id)
            key = ("h", household_id) if by_household else ("p", row.person_id)
            if died is not None:
                note = "meninggal: tidak didaftarkan"
            elif by_household and household_id is None:
                note = "tanpa KK aktif: tidak didaftarkan"
            elif key in taken:
                note = "sudah menerima program ini"
            else:
                taken.add(key)
                made.append((row, Enrolment(programme=programme, person_id=row.person_id, household_id=household_id if by_household else None,
                                            listed_nik=row.nik[:16] if row.nik else nik, listed_name=row.name[:120] or name, village_id=village_id,
                                            start_date=on, amount=programme.amount, source=Source.AGENCY_LIST, source_ref=ref)))
        elif row.link_status in (LinkStatus.NEW, LinkStatus.REJECTED):
            if not (len(row.nik) == 16 and row.nik.isdigit()):
                note = "tanpa NIK 16 angka: tidak dapat dicatat"
            elif ("n", row.nik) in taken:
                note = "NIK ini sudah tercatat di program ini"
            else:
                taken.add(("n", row.nik))
                made.append((row, Enrolment(programme=programme, listed_nik=row.nik, listed_name=row.name[:120], start_date=on,
                                            amount=programme.amount, source=Source.AGENCY_LIST, source_ref=ref)))
        if note:
            row.evidence = {**(row.evidence or {}), "enrolment": note}
    enrolments = Enrolment.objects.bulk_create([e for _r, e in made], batch_size=500)
    EnrolmentEvent.objects.bulk_create(
        [EnrolmentEvent(enrolment=e, kind="created", actor=actor.user_or_none, details={"source": Source.AGENCY_LIST, "ref": ref}) for e in enrolments],
        batch_size=500,
    )
    for (row, _e), enrolment in zip(made, enrolments, strict=True):
        row.enrolment_id = enrolment.pk
    StagedRow.objects.bulk_update(rows, ["enrolment", "evidence"], batch_size=500)
    if enrolments:
        audit_record(actor=actor, action="enrolment.create_from_list", obj=batch,
                     changes={"programme": programme.code, "enrolments": len(enrolments), "source": Source.AGENCY_LIST, "ref": ref})
    return len(enrolments)


@transaction.atomic
def enrolments_follow_merge(*, actor: Actor, keep: Person, duplicate: Person) -> int:
    """Move the duplicate record's enrolments to the kept resident; each keeps its history and gets a
    "moved" event. Two active enrolments in one programme then show up as a duplicate benefit."""
    moved = 0
    for enrolment in Enrolment.objects.select_for_update().filter(person=duplicate):
        enrolment.person = keep
        enrolment.village_id = keep.village_id
        enrolment.save(update_fields=["person", "village"])
        EnrolmentEvent.objects.create(enrolment=enrolment, kind="moved", actor=actor.user_or_none,
                                      details={"from_person": duplicate.pk, "to_person": keep.pk, "reason": "person_merge"})
        moved += 1
    if moved:
        audit_record(actor=actor, action="enrolment.follow_merge", obj=keep, village=keep.village_id, changes={"from_person": duplicate.pk, "moved": moved})
    return moved
