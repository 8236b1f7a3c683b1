"""Pages and API: upload with background task and status, review queue scoped by village, decisions."""

from __future__ import annotations

import pytest
from django.test import override_settings

from smartkampung.core.models import AuditEvent
from smartkampung.linkage import services
from smartkampung.linkage.models import BatchStatus, Decision, ReviewItem, ReviewKind, StagedRow
from smartkampung.registry.models import Person
from tests.conftest import actor
from tests.linkage.conftest import new_batches

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
def test_upload_runs_the_import_in_the_background_and_shows_status(users, client_for, agency_list, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    path, truth = agency_list(rows=40, seed=8)
    client = client_for(users["analyst"])
    page = client.get("/linkage/")
    assert page.status_code == 200 and b'data-testid="upload"' in page.content
    with path.open("rb") as fh:
        response = client.post("/linkage/", {"programme": "PKH", "file": fh, "map": ""})
    batch = new_batches().get()
    assert response.status_code == 302 and response["Location"] == f"/linkage/imports/{batch.pk}/"
    assert (batch.status, batch.rows_committed, batch.created_by) == (BatchStatus.LINKED, len(truth), users["analyst"])
    status = client.get(f"/api/v1/linkage/imports/{batch.pk}").json()
    assert (status["status"], status["rows_committed"], status["percent"]) == ("linked", len(truth), 100.0)
    assert sum(status["links"].values()) == len(truth)
    assert client.get(f"/linkage/imports/{batch.pk}/status").json() == status
    page = client.get(f"/linkage/imports/{batch.pk}/")
    assert page.status_code == 200 and page.content.count(b"data-row=") == len(truth)
    rows = client.get(f"/api/v1/linkage/imports/{batch.pk}/rows?outcome=invalid").json()
    assert rows["total"] == batch.rows_invalid and all(r["outcome"] == "invalid" and r["reasons"] for r in rows["rows"])
    # The same file again: recognised, nothing changes.
    with path.open("rb") as fh:
        again = client.post("/linkage/", {"programme": "PKH", "file": fh})
    assert again["Location"] == f"/linkage/imports/{batch.pk}/"
    assert (new_batches().count(), StagedRow.objects.filter(batch__in=new_batches()).count()) == (1, len(truth))


def test_upload_refuses_bad_files_and_non_analysts(users, client_for, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    bad = tmp_path / "list.pdf"
    bad.write_bytes(b"%PDF-1.4")
    client = client_for(users["analyst"])
    with bad.open("rb") as fh:
        response = client.post("/linkage/", {"programme": "PKH", "file": fh})
    assert response.status_code == 400 and b"only .csv and .xlsx" in response.content
    csv = tmp_path / "x.csv"
    csv.write_text("kode,penerima\n1,Budi\n", encoding="utf-8")
    with csv.open("rb") as fh:
        response = client.post("/linkage/", {"programme": "PKH", "file": fh})
    assert response.status_code == 400 and b"No name column" in response.content
    operator = client_for(users["operator"])
    assert b'data-testid="upload"' not in operator.get("/linkage/").content
    with csv.open("rb") as fh:
        response = operator.post("/linkage/", {"programme": "PKH", "file": fh})
    assert response.status_code == 403
    assert operator.get("/api/v1/linkage/imports/1").status_code == 403
    assert new_batches().count() == 0


def _pair_in(village, users, family, *, probability=0.9):
    household, head, wife, child = family(village)
    _h2, other, _w2, _c2 = family(village, rt="7")
    Person.objects.filter(pk=head.pk).update(birth_place="Glagah")
    return ReviewItem.objects.create(kind=ReviewKind.PERSON_PERSON, pair_key=services.person_pair_key(head.pk, other.pk), left_person=other, person=head,
                                     village=village, match_probability=probability, evidence={"match_weight": 3.1, "fields": [{"field": "name", "level": "nama sama persis", "weight": 9.5}]})


def test_village_operator_sees_only_their_village(users, client_for, family, kemiren, jambewangi):
    mine = _pair_in(kemiren, users, family)
    theirs = _pair_in(jambewangi, users, family, probability=0.95)
    operator = client_for(users["operator"])
    listed = operator.get("/api/v1/linkage/review").json()
    assert [i["id"] for i in listed] == [mine.pk]
    assert operator.get(f"/linkage/review/{theirs.pk}/").status_code == 404
    before = AuditEvent.objects.count()
    response = operator.post(f"/api/v1/linkage/review/{theirs.pk}/decision", {"decision": "accepted"}, content_type="application/json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert (theirs.decision, theirs.left_person.merged_into_id, AuditEvent.objects.count()) == (Decision.PENDING, None, before)
    page = operator.get(f"/linkage/review/{mine.pk}/")
    assert page.status_code == 200
    assert mine.person.name.encode() in page.content and b'data-testid="evidence"' in page.content
    assert b'data-field="birth_place">Glagah</dd>' in page.content and b'data-field="birth_place">\xe2\x80\x94</dd>' in page.content
    assert AuditEvent.objects.filter(action="linkage.review_view", object_id=str(mine.pk), actor=users["operator"]).count() == 1
    analyst = client_for(users["analyst"])
    assert sorted(i["id"] for i in analyst.get("/api/v1/linkage/review").json()) == sorted([mine.pk, theirs.pk])


def test_decision_by_page_and_never_twice(users, client_for, family, kemiren):
    item = _pair_in(kemiren, users, family)
    operator = client_for(users["operator"])
    response = operator.post(f"/linkage/review/{item.pk}/", {"decision": "unsure", "note": "cek KTP"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.decision, item.note, item.decided_by) == (Decision.UNSURE, "cek KTP", users["operator"])
    assert operator.get("/api/v1/linkage/review").json() == []
    assert [i["id"] for i in operator.get("/api/v1/linkage/review?decision=unsure").json()] == [item.pk]
    response = operator.post(f"/api/v1/linkage/review/{item.pk}/decision", {"decision": "unsure"}, content_type="application/json")
    assert response.status_code == 409
    response = operator.post(f"/api/v1/linkage/review/{item.pk}/decision", {"decision": "accepted"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["decision"] == "accepted"
    item.left_person.refresh_from_db()
    assert item.left_person.merged_into_id == item.person_id
    response = operator.post(f"/api/v1/linkage/review/{item.pk}/decision", {"decision": "rejected"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    response = operator.post(f"/api/v1/linkage/review/{item.pk}/decision", {"decision": "maybe"}, content_type="application/json")
    assert (response.status_code, response.json()["field"]) == (400, "decision")


@pytest.mark.parametrize("user", ["dinkop", "anonymous"])
def test_no_registry_access_no_linkage(user, client_for, db):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client() if user == "anonymous" else client_for(get_user_model().objects.get(username="dinkop.umkm"))
    response = client.get("/api/v1/linkage/review")
    assert (response.status_code, response.json() if response.status_code == 200 else None) == ((401, None) if user == "anonymous" else (200, []))
    page = client.get("/linkage/review/")
    assert page.status_code == (302 if user == "anonymous" else 403)


def test_english_switch(users, client_for):
    client = client_for(users["analyst"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/linkage/"})
    page = client.get("/linkage/")
    assert b"Import a list from an agency" in page.content


def test_stats_section(users, agency_list):
    from smartkampung.linkage.selectors import app_stats

    path, truth = agency_list(rows=10)
    services.import_file(actor=actor(users["analyst"]), path=path, programme_code="PKH")
    before = app_stats()
    services.import_file(actor=actor(users["analyst"]), path=path, programme_code="RTLH")
    stats = app_stats()
    assert (stats["imports"] - before["imports"], stats["staged_rows"] - before["staged_rows"], stats["imports_linked"]) == (1, len(truth), 0)
