"""Linkage endpoints: thin — an import's status and rows (analysts), the review queue and decisions (scoped)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from smartkampung.core.audit import actor_from_request
from smartkampung.core.auth import STAFF_AUTH

from . import selectors, services

router = Router(auth=STAFF_AUTH, tags=["linkage"])
ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


class ImportStatusOut(Schema):
    id: int
    status: str
    status_label: str
    programme: str
    file_name: str
    rows_total: int
    rows_committed: int
    percent: float
    valid: int
    flagged: int
    invalid: int
    links: dict[str, int]
    error: str


class ReasonOut(Schema):
    field: str
    code: str
    message: str


class RowOut(Schema):
    row_number: int
    name: str
    nik: str
    birth_date: dt.date | None
    outcome: str
    reasons: list[ReasonOut]
    link_status: str
    person_id: int | None
    match_probability: float | None


class RowsQuery(Schema):
    outcome: str = ""
    link_status: str = ""
    offset: int = 0


class RowsOut(Schema):
    total: int
    rows: list[RowOut]


class EvidenceField(Schema):
    field: str
    level: str
    weight: float | None


class ReviewItemOut(Schema):
    id: int
    kind: str
    decision: str
    match_probability: float
    village_code: str | None
    person_id: int
    left_person_id: int | None
    row_id: int | None
    evidence: list[EvidenceField]


class DecisionIn(Schema):
    decision: str
    note: str = ""


class ReviewQuery(Schema):
    decision: str = "pending"
    limit: int = 100


def _item_out(item) -> dict:
    return {
        "id": item.pk, "kind": item.kind, "decision": item.decision, "match_probability": item.match_probability,
        "village_code": item.village.code if item.village_id else None, "person_id": item.person_id, "left_person_id": item.left_person_id,
        "row_id": item.row_id, "evidence": item.evidence.get("fields", []),
    }


@router.get("/linkage/imports/{batch_id}", response={200: ImportStatusOut, **ERRORS}, summary="An import's progress and outcome (analysts)")
def import_status(request: HttpRequest, batch_id: int):
    return selectors.batch_status(selectors.batch_get(user=request.user, batch_id=batch_id))


@router.get("/linkage/imports/{batch_id}/rows", response={200: RowsOut, **ERRORS}, summary="Staged rows with their outcome, reasons and link (analysts)")
def import_rows(request: HttpRequest, batch_id: int, query: Query[RowsQuery]):
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    rows, total = selectors.batch_rows(batch=batch, outcome=query.outcome, link_status=query.link_status, offset=max(0, query.offset), limit=100)
    return {"total": total, "rows": rows}


@router.get("/linkage/review", response={200: list[ReviewItemOut], **ERRORS}, summary="Pairs waiting for review in your area")
def review_queue(request: HttpRequest, query: Query[ReviewQuery]):
    items = selectors.review_queue(user=request.user, decision=query.decision, limit=max(1, min(query.limit, 500)))
    return [_item_out(i) for i in items]


@router.post("/linkage/review/{item_id}/decision", response={200: ReviewItemOut, **ERRORS}, summary="Decide a pair: accepted, rejected or unsure (audited)")
def review_decision(request: HttpRequest, item_id: int, payload: DecisionIn):
    item = selectors.review_item_get(user=request.user, item_id=item_id)
    item = services.review_decide(actor=actor_from_request(request, via="api"), item=item, decision=payload.decision, note=payload.note)
    return _item_out(item)
