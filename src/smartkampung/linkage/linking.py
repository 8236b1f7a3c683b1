"""Linking staged rows to registry people, and registry people to each other (duplicates).

1. Exact: a row whose NIK is valid and belongs to a registry person whose name and birth date agree is
   that person (no model needed; most of a clean list).
2. Probabilistic: every other linkable row is scored against the whole registry with the Splink model
   (matching.py). The best candidate at or above `accept_at` is accepted; from `review_at` up, or when
   two candidates are nearly as likely, the pair goes to review; below, the row is a new or unknown
   person.
3. Enrolments follow the accepted links (enrolling.py).
All reads and writes are set-based: the registry is read in one query, rows are updated in chunks.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable

import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.models import Area
from smartkampung.registry.models import Household, Membership, Person
from smartkampung.registry.names import match_key

from . import enrolling, matching
from .models import Decision, ImportBatch, LinkRun, LinkStatus, ReviewItem, ReviewKind, RowOutcome, StagedRow

MIN_ROWS_FOR_EM = 1000  # smaller lists use the model's priors for m (u is always measured on the data)
AMBIGUOUS_GAP = 0.05  # a runner-up this close to the best candidate sends the row to review
UPDATE_CHUNK = 2000


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def registry_records(*, exclude_ids: set[int] | None = None) -> list[matching.MatchRecord]:
    """Every living, unmerged resident with the current household's KK and address, in one query."""
    q = connection.ops.quote_name
    person, membership, household, area = (q(m._meta.db_table) for m in (Person, Membership, Household, Area))
    sql = (
        f"SELECT p.id, p.name, p.birth_date, p.sex, p.nik, h.kk_number, a.code, h.street, h.dusun, h.rt, h.rw "
        f"FROM {person} p JOIN {area} a ON a.id = p.village_id "
        f"LEFT JOIN {membership} m ON m.person_id = p.id AND m.end_date IS NULL "
        f"LEFT JOIN {household} h ON h.id = m.household_id "
        f"WHERE p.date_of_death IS NULL AND p.merged_into_id IS NULL"
    )
    out = []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(20000):
            for pk, name, born, sex, nik, kk, code, street, dusun, rt, rw in rows:
                if exclude_ids and pk in exclude_ids:
                    continue
                out.append(matching.MatchRecord(
                    unique_id=f"p{pk}", name=name, birth_date=_as_date(born), sex=sex, nik=nik, kk=kk or "", village=code, kecamatan=code[:8],
                    address=" ".join(x for x in (street, f"Dsn. {dusun}" if dusun else "") if x), rt=rt or "", rw=rw or "",
                ))
    return out


def names_agree(a: str, b: str) -> bool:
    """Listed and registry name agree: same canonical name, one's words inside the other's, or a close spelling."""
    ka, kb = match_key(a), match_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    ta, tb = ka.split(), kb.split()
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    # "Siti Aminah" inside "Siti Aminah Rahayu" agrees; "Siti" alone inside it says nothing.
    if set(short) <= set(long_) and any(t not in matching.COMMON_PREFIXES for t in short):
        return True
    return difflib.SequenceMatcher(None, ka, kb).ratio() >= 0.88


def _exact(batch: ImportBatch) -> dict[int, tuple[int, dict]]:
    """Rows linked by a valid NIK that agrees with name and birth date: row id -> (person id, evidence)."""
    rows = list(StagedRow.objects.filter(batch=batch, link_status=LinkStatus.PENDING, nik_valid=True).values_list("id", "nik", "name", "birth_date"))
    found: dict[int, tuple[int, dict]] = {}
    for start in range(0, len(rows), 900):
        chunk = rows[start : start + 900]
        people = {p.nik: p for p in Person.objects.filter(nik__in=[r[1] for r in chunk]).only("id", "nik", "name", "birth_date", "merged_into_id", "date_of_death")}
        for row_id, nik, name, born in chunk:
            person = people.get(nik)
            if person is None or born is None or person.birth_date != born or not names_agree(name, person.name):
                continue
            evidence = {"method": "exact", "fields": [
                {"field": "nik", "level": "NIK sama", "weight": None},
                {"field": "name", "level": "nama sesuai", "weight": None},
                {"field": "birth_date", "level": "tanggal lahir sama", "weight": None},
            ]}
            target = person.merged_into_id or person.pk
            if person.merged_into_id:
                evidence["merged_record"] = person.pk
            found[row_id] = (target, evidence)
    return found


def _row_records(batch: ImportBatch, exclude: set[int]) -> list[matching.MatchRecord]:
    codes = dict(Area.objects.filter(kind__in=("desa", "kelurahan")).values_list("id", "code"))
    out = []
    rows = StagedRow.objects.filter(batch=batch, link_status=LinkStatus.PENDING).exclude(outcome=RowOutcome.INVALID).values_list(
        "id", "name", "birth_date", "sex", "nik", "kk_number", "village_id", "address", "rt", "rw")
    for pk, name, born, sex, nik, kk, village_id, address, rt, rw in rows.iterator(chunk_size=5000):
        if pk in exclude:
            continue
        code = codes.get(village_id, "")
        out.append(matching.MatchRecord(unique_id=f"r{pk}", name=name, birth_date=born, sex=sex, nik=nik, kk=kk, village=code,
                                        kecamatan=code[:8], address=address, rt=rt, rw=rw))
    return out


def _predict(frames: list[pd.DataFrame], *, link_type: str, threshold: float, rows_in_list: int) -> tuple[pd.DataFrame, matching.Model]:
    model = matching.Model(frames, link_type=link_type, priors=rows_in_list < MIN_ROWS_FOR_EM)
    model.train()
    return model.predict(threshold), model


def link_batch(*, actor: Actor, batch: ImportBatch, run: LinkRun, progress: Callable[[str], None] | None = None,
               accept_at: float | None = None, review_at: float | None = None) -> dict:
    accept_at = matching.ACCEPT_AT if accept_at is None else accept_at
    review_at = matching.REVIEW_AT if review_at is None else review_at
    say = progress or (lambda _s: None)
    say(f"batch {batch.pk}: exact NIK")
    exact = _exact(batch)
    _save_links({row_id: (person_id, LinkStatus.EXACT, 1.0, evidence) for row_id, (person_id, evidence) in exact.items()})
    rows = _row_records(batch, exclude=set(exact))
    decided: dict[int, tuple] = {}
    review: list[ReviewItem] = []
    if rows:
        say(f"batch {batch.pk}: scoring {len(rows):,} rows against the registry")
        registry = registry_records()
        predictions, model = _predict([matching.prepare(rows), matching.prepare(registry)], link_type="link_only", threshold=review_at, rows_in_list=len(rows))
        try:
            decided, review = _choose(batch=batch, run=run, predictions=predictions, model=model, accept_at=accept_at)
        finally:
            model.close()
    _save_links(decided)
    # Every row still pending after scoring has no candidate at all: a new or unknown person.
    StagedRow.objects.filter(batch=batch, link_status=LinkStatus.PENDING).update(link_status=LinkStatus.NEW)
    say(f"batch {batch.pk}: enrolments")
    row_ids = list(StagedRow.objects.filter(batch=batch, enrolment__isnull=True, link_status__in=(LinkStatus.EXACT, LinkStatus.MATCHED, LinkStatus.NEW))
                   .exclude(outcome=RowOutcome.INVALID).values_list("id", flat=True))
    enrolled = enrolling.enrol_rows(actor=actor, batch=batch, row_ids=row_ids)
    counts = {s: StagedRow.objects.filter(batch=batch, link_status=s).count() for s in LinkStatus.values}
    summary = {"rows": sum(counts.values()), **{k: v for k, v in counts.items() if v}, "review_items": len(review), "enrolments": enrolled}
    audit_record(actor=actor, action="linkage.link_batch", obj=batch, changes=summary)
    return summary


def _choose(*, batch, run, predictions: pd.DataFrame, model: matching.Model, accept_at: float) -> tuple[dict, list]:
    """Best candidate per row; accepted, reviewed or (no candidate above review_at) left for NEW."""
    if predictions.empty:
        return {}, []
    left_is_row = predictions["unique_id_l"].str.startswith("r")
    predictions = predictions.assign(
        row=predictions["unique_id_l"].where(left_is_row, predictions["unique_id_r"]).str[1:].astype(int),
        person=predictions["unique_id_r"].where(left_is_row, predictions["unique_id_l"]).str[1:].astype(int),
    ).sort_values(["row", "match_probability"], ascending=[True, False])
    previous = {k: d for k, d in ReviewItem.objects.filter(kind=ReviewKind.ROW_PERSON, row__batch__programme_id=batch.programme_id)
                .exclude(decision=Decision.PENDING).values_list("pair_key", "decision")}
    wanted = predictions["row"].unique().tolist()
    rows: dict[int, tuple] = {}
    for start in range(0, len(wanted), 900):
        rows.update((r[0], r[1:]) for r in StagedRow.objects.filter(pk__in=wanted[start : start + 900]).values_list("id", "nik", "match_name", "birth_date"))
    decided: dict[int, tuple] = {}
    items: list[ReviewItem] = []
    from .services import row_pair_key

    for row_id, group in predictions.groupby("row", sort=False):
        nik, name, born = rows[row_id]
        candidates = []
        for record in group.to_dict("records"):
            key = row_pair_key(programme_id=batch.programme_id, nik=nik, match_name=name, birth_date=born, person_id=record["person"])
            verdict = previous.get(key)
            if verdict == Decision.REJECTED:
                continue  # decided before: never asked twice, never linked against the decision
            candidates.append((record, key, verdict))
        if not candidates:
            continue
        best, best_key, verdict = candidates[0]
        evidence = model.evidence(best)
        runner_up = candidates[1][0]["match_probability"] if len(candidates) > 1 else 0.0
        clear = best["match_probability"] >= accept_at and best["match_probability"] - runner_up > AMBIGUOUS_GAP
        if verdict == Decision.ACCEPTED or clear:
            evidence["method"] = "accepted before" if verdict == Decision.ACCEPTED else "probabilistic"
            decided[row_id] = (int(best["person"]), LinkStatus.MATCHED, float(best["match_probability"]), evidence)
            continue
        decided[row_id] = (None, LinkStatus.REVIEW, float(best["match_probability"]), evidence)
        for record, key, _verdict in candidates[:3]:
            items.append(ReviewItem(kind=ReviewKind.ROW_PERSON, pair_key=key, row_id=row_id, person_id=int(record["person"]),
                                    match_probability=float(record["match_probability"]), evidence=model.evidence(record), run=run))
    wanted_people = list({i.person_id for i in items})
    people = {}
    for start in range(0, len(wanted_people), 900):
        people.update(Person.objects.filter(pk__in=wanted_people[start : start + 900]).values_list("id", "village_id"))
    for item in items:
        item.village_id = people.get(item.person_id)
    with transaction.atomic():
        ReviewItem.objects.bulk_create(items, batch_size=500, ignore_conflicts=True)
    return decided, items


def _save_links(links: dict[int, tuple]) -> None:
    """row id -> (person id or None, status, probability, evidence), written in chunks."""
    ids = list(links)
    for start in range(0, len(ids), UPDATE_CHUNK):
        chunk = StagedRow.objects.in_bulk(ids[start : start + UPDATE_CHUNK])
        people = {links[i][0] for i in chunk if links[i][0]}
        villages = {}
        for part in range(0, len(people), 900):
            villages.update(Person.objects.filter(pk__in=list(people)[part : part + 900]).values_list("id", "village_id"))
        for row_id, row in chunk.items():
            person_id, status, probability, evidence = links[row_id]
            row.person_id, row.link_status, row.match_probability, row.evidence = person_id, status, probability, evidence
            if person_id:
                row.village_id = villages[person_id]  # the row is scoped like the resident it names
        with transaction.atomic():
            StagedRow.objects.bulk_update(chunk.values(), ["person", "link_status", "match_probability", "evidence", "village"], batch_size=500)


def registry_duplicates(*, actor: Actor, run: LinkRun, progress: Callable[[str], None] | None = None, review_at: float | None = None) -> dict:
    """Residents recorded twice (another NIK serial, another spelling): every pair from `review_at` up goes
    to review; merging two residents is always a person's decision."""
    review_at = matching.REVIEW_AT if review_at is None else review_at
    say = progress or (lambda _s: None)
    say("registry: reading residents")
    records = registry_records()
    if len(records) < 2:
        return {"residents": len(records), "pairs": 0, "review_items": 0}
    say(f"registry: scoring {len(records):,} residents for duplicates")
    predictions, model = _predict([matching.prepare(records)], link_type="dedupe_only", threshold=review_at, rows_in_list=len(records))
    try:
        items = []
        for record in predictions.to_dict("records"):
            a, b = int(record["unique_id_l"][1:]), int(record["unique_id_r"][1:])
            keep, duplicate = min(a, b), max(a, b)  # the older record stays
            items.append(ReviewItem(kind=ReviewKind.PERSON_PERSON, pair_key=matching_key(a, b), left_person_id=duplicate, person_id=keep,
                                    match_probability=float(record["match_probability"]), evidence=model.evidence(record), run=run))
    finally:
        model.close()
    wanted = list({i.left_person_id for i in items})
    villages = {}
    for start in range(0, len(wanted), 900):
        villages.update(Person.objects.filter(pk__in=wanted[start : start + 900]).values_list("id", "village_id"))
    for item in items:
        item.village_id = villages.get(item.left_person_id)
    before = ReviewItem.objects.filter(kind=ReviewKind.PERSON_PERSON).count()
    with transaction.atomic():
        ReviewItem.objects.bulk_create(items, batch_size=500, ignore_conflicts=True)
    created = ReviewItem.objects.filter(kind=ReviewKind.PERSON_PERSON).count() - before
    summary = {"residents": len(records), "pairs": len(items), "review_items": created, "at": timezone.now().isoformat()}
    audit_record(actor=actor, action="linkage.registry_duplicates", obj=run, changes=summary)
    return summary


def matching_key(a: int, b: int) -> str:
    from .services import person_pair_key

    return person_pair_key(a, b)
