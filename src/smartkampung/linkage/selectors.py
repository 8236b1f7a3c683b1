"""Reads for linkage: imports (analysts), the review queue (scoped like the registry), counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.scoping import scoped
from smartkampung.registry.models import Membership, Person

from .models import (
    BatchStatus,
    Decision,
    ImportBatch,
    LinkRun,
    LinkStatus,
    ReviewItem,
    ReviewKind,
    RowOutcome,
    StagedRow,
)
from .services import is_analyst


def batches(*, user) -> list[ImportBatch]:
    if not is_analyst(user):
        return []
    return list(ImportBatch.objects.select_related("programme").order_by("-created_at")[:50])


def batch_get(*, user, batch_id: int) -> ImportBatch:
    if not is_analyst(user):
        raise DomainError("forbidden", "Only the regency's admins and Dinas Sosial analysts see imports.")
    batch = ImportBatch.objects.select_related("programme").filter(pk=batch_id).first()
    if batch is None:
        raise DomainError("not_found", f"No import {batch_id}.")
    return batch


def batch_status(batch: ImportBatch) -> dict:
    """What the upload page polls: the stage, rows staged so far, and the link outcome once linked."""
    links = dict(StagedRow.objects.filter(batch=batch).values_list("link_status").annotate(n=Count("id"))) if batch.status in (BatchStatus.LINKED,) else {}
    total = batch.rows_total or 0
    return {
        "id": batch.pk, "status": batch.status, "status_label": str(batch.get_status_display()), "programme": batch.programme.code,
        "file_name": batch.file_name, "rows_total": total, "rows_committed": batch.rows_committed,
        "percent": round(100 * batch.rows_committed / total, 1) if total else (100.0 if batch.status != BatchStatus.STAGING else 0.0),
        "valid": batch.rows_valid, "flagged": batch.rows_flagged, "invalid": batch.rows_invalid,
        "links": {s: links.get(s, 0) for s in LinkStatus.values} if links else {}, "error": batch.error,
    }


def batch_rows(*, batch: ImportBatch, outcome: str = "", link_status: str = "", offset: int = 0, limit: int = 50) -> tuple[list[StagedRow], int]:
    rows = StagedRow.objects.filter(batch=batch).select_related("person", "village").order_by("row_number")
    if outcome in RowOutcome.values:
        rows = rows.filter(outcome=outcome)
    if link_status in LinkStatus.values:
        rows = rows.filter(link_status=link_status)
    return list(rows[offset : offset + limit]), rows.count()


def review_queue(*, user, decision: str = Decision.PENDING, limit: int = 100) -> list[ReviewItem]:
    """Pending (or unsure) pairs the user may see: a village operator sees only their village's."""
    items = scoped(ReviewItem.objects.all(), user).filter(decision=decision)
    return list(items.select_related("person", "left_person", "row__batch__programme", "village").order_by("-match_probability", "id")[:limit])


def review_counts(*, user) -> dict[str, int]:
    items = scoped(ReviewItem.objects.all(), user)
    counts = items.aggregate(
        pending=Count("id", filter=Q(decision=Decision.PENDING)), unsure=Count("id", filter=Q(decision=Decision.UNSURE)),
        decided=Count("id", filter=Q(decision__in=(Decision.ACCEPTED, Decision.REJECTED))),
    )
    return {k: v or 0 for k, v in counts.items()}


@dataclass(frozen=True)
class Side:
    """One record of a pair, as the reviewer sees it."""

    title: str
    nik: str
    kk_number: str
    name: str
    birth_date: object
    birth_place: str
    sex: str
    address: str
    village: str
    extra: dict


def _person_side(person: Person, title: str) -> Side:
    membership = Membership.objects.filter(person=person, end_date__isnull=True).select_related("household").first()
    household = membership.household if membership else None
    address = ", ".join(x for x in (household.street, f"Dsn. {household.dusun}" if household.dusun else "", f"RT {household.rt}/RW {household.rw}") if x) if household else ""
    return Side(title=title, nik=person.nik, kk_number=household.kk_number if household else "", name=person.name, birth_date=person.birth_date,
                birth_place=person.birth_place, sex=person.get_sex_display(), address=address, village=person.village.name,
                extra={"id": person.pk, "deceased": person.date_of_death, "merged_into": person.merged_into_id})


def review_item_get(*, user, item_id: int) -> ReviewItem:
    """One pair in the user's area (outside it, it does not exist for them)."""
    item = scoped(ReviewItem.objects.all(), user).filter(pk=item_id).first()
    if item is None:
        raise DomainError("not_found", f"No review item {item_id} in your area.")
    return item


def review_item_open(*, actor: Actor, item_id: int) -> tuple[ReviewItem, Side, Side]:
    """The pair side by side; opening it is a staff read of personal data, so it is audited."""
    item = scoped(ReviewItem.objects.all(), actor.user).select_related("person__village", "left_person__village", "row__village", "row__batch__programme").filter(pk=item_id).first()
    if item is None:
        raise DomainError("not_found", f"No review item {item_id} in your area.")
    if item.kind == ReviewKind.ROW_PERSON:
        row = item.row
        address = ", ".join(x for x in (row.address, f"RT {row.rt}/RW {row.rw}" if row.rt or row.rw else "") if x)
        left = Side(title=f"{row.batch.programme.code} · {row.batch.file_name} #{row.row_number}", nik=row.nik, kk_number=row.kk_number, name=row.name,
                    birth_date=row.birth_date, birth_place=row.birth_place, sex={"M": "Laki-laki", "F": "Perempuan"}.get(row.sex, ""), address=address,
                    village=row.village.name if row.village else row.raw.get("desa", "") or "", extra={"reasons": row.reasons, "raw": row.raw})
    else:
        left = _person_side(item.left_person, "Penduduk (catatan lebih baru)")
    right = _person_side(item.person, "Penduduk di registri")
    audit_record(actor=actor, action="linkage.review_view", obj=item, village=item.village_id, changes={"kind": item.kind})
    return item, left, right


def app_stats() -> dict:
    return {
        "imports": ImportBatch.objects.count(),
        "imports_linked": ImportBatch.objects.filter(status=BatchStatus.LINKED).count(),
        "staged_rows": StagedRow.objects.count(),
        "rows_linked": StagedRow.objects.filter(link_status__in=(LinkStatus.EXACT, LinkStatus.MATCHED)).count(),
        "rows_in_review": StagedRow.objects.filter(link_status=LinkStatus.REVIEW).count(),
        "review_pending": ReviewItem.objects.filter(decision=Decision.PENDING).count(),
        "review_decided": ReviewItem.objects.filter(decision__in=(Decision.ACCEPTED, Decision.REJECTED)).count(),
        "merged_people": Person.objects.filter(merged_into__isnull=False).count(),
        "link_runs": LinkRun.objects.count(),
    }
