"""The programmes API: catalogue, rule preview and save with positioned errors, enrolments scoped like
the registry, targeting runs queued for the worker and their findings."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import override_settings
from django.utils import translation

from smartkampung.core.models import AuditEvent
from smartkampung.programmes.models import Enrolment, Programme, TargetingRun
from smartkampung.programmes.services import enrolment_create, targeting_run
from tests.conftest import actor

pytestmark = pytest.mark.django_db
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _post(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_catalogue_lists_every_programme_with_rules_components_and_exclusions(client_for, users):
    body = client_for(users["operator"]).get("/api/v1/programmes").json()
    by_code = {p["code"]: p for p in body}
    assert sorted(by_code) == sorted(Programme.objects.values_list("code", flat=True))
    assert by_code["BLT_DD"]["excludes"] == ["BPNT", "PKH"]
    assert by_code["PBI_JKN"]["amount"] == 42_000 and by_code["PBI_JKN"]["period"] == "month"
    assert {c["code"]: c["amount"] for c in by_code["PKH"]["components"]} == {
        "hamil": 3_000_000, "anak_usia_dini": 3_000_000, "sd": 900_000, "smp": 1_500_000, "sma": 2_000_000,
        "disabilitas_berat": 2_400_000, "lansia": 2_400_000}
    assert client_for(users["operator"]).get("/api/v1/programmes/NOPE").json()["code"] == "not_found"


def test_rule_preview_points_at_errors_and_counts_per_kecamatan(client_for, users):
    client = client_for(users["analyst"])
    bad = _post(client, "/api/v1/programmes/RTLH/rule/preview", {"text": "desil <= 4 and umur > 5"})
    assert bad.status_code == 400
    assert {k: bad.json()[k] for k in ("code", "field", "position", "line", "column")} == {"code": "rule_error", "field": "text", "position": 15, "line": 1, "column": 16}
    assert bad.json()["message"] == "Fakta 'umur' tidak dikenal. Maksud Anda 'age'?"
    good = _post(client, "/api/v1/programmes/PBI_JKN/rule/preview", {"text": "desil <= 2", "as_of": "2026-01-01"})
    body = good.json()
    assert good.status_code == 200 and len(body["by_kecamatan"]) == 25
    assert body["eligible"] == sum(k["eligible"] for k in body["by_kecamatan"]) > 0
    assert Programme.objects.get(code="PBI_JKN").rule_text == "desil <= 4"  # a preview saves nothing


def test_only_analysts_save_rules_and_a_refusal_changes_nothing(client_for, users):
    refused = _post(client_for(users["kecamatan"]), "/api/v1/programmes/RTLH/rule", {"text": "desil <= 1"}, method="put")
    assert refused.status_code == 403
    assert Programme.objects.get(code="RTLH").rule_text == 'desil <= 4 and house_condition == "tidak_layak"'
    saved = _post(client_for(users["analyst"]), "/api/v1/programmes/RTLH/rule", {"text": "desil <= 3", "note": "lebih sempit"}, method="put")
    assert saved.status_code == 200 and saved.json()["text"] == "desil <= 3"
    assert Programme.objects.get(code="RTLH").rule_text == "desil <= 3"


def test_enrolments_through_the_api_are_scoped_and_audited(client_for, users, family, kemiren, jambewangi):
    household, head, wife, child = family(kemiren)
    other, other_head, _w, _c = family(jambewangi)
    operator = client_for(users["operator"])
    created = _post(operator, "/api/v1/enrolments", {"programme": "PBI_JKN", "person_id": wife.pk, "start_date": "2026-02-01", "source": "manual"})
    assert created.status_code == 201 and created.json()["village_code"] == kemiren.code
    assert AuditEvent.objects.filter(action="enrolment.create", object_id=str(created.json()["id"]), via="api").count() == 1
    assert [e["programme"] for e in operator.get(f"/api/v1/registry/people/{wife.pk}/enrolments").json()] == ["PBI_JKN"]
    assert [e["programme"] for e in operator.get(f"/api/v1/registry/households/{household.pk}/enrolments").json()] == ["PBI_JKN"]

    before = Enrolment.objects.count()
    outside = _post(operator, "/api/v1/enrolments", {"programme": "PBI_JKN", "person_id": other_head.pk, "start_date": "2026-02-01"})
    assert outside.status_code == 404 and Enrolment.objects.count() == before
    assert operator.get(f"/api/v1/registry/households/{other.pk}/enrolments").status_code == 404
    twice = _post(operator, "/api/v1/enrolments", {"programme": "PBI_JKN", "person_id": wife.pk, "start_date": "2026-03-01"})
    assert twice.status_code == 409 and Enrolment.objects.count() == before
    analyst = _post(client_for(users["analyst"]), "/api/v1/enrolments", {"programme": "PBI_JKN", "person_id": head.pk, "start_date": "2026-02-01"})
    assert analyst.status_code == 403 and Enrolment.objects.count() == before

    ended = _post(operator, f"/api/v1/enrolments/{created.json()['id']}/end", {"end_date": "2026-06-30", "reason": "pindah ke luar kabupaten"})
    assert ended.status_code == 200 and ended.json()["end_date"] == "2026-06-30"


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_a_queued_run_is_done_by_the_task_and_its_findings_are_scoped(client_for, users, kemiren):
    analyst = client_for(users["analyst"])
    refused = _post(client_for(users["operator"]), "/api/v1/targeting/runs", {})
    assert refused.status_code == 403 and TargetingRun.objects.count() == 0
    queued = _post(analyst, "/api/v1/targeting/runs", {"as_of": "2026-01-01"})
    assert queued.status_code == 202
    run = analyst.get(f"/api/v1/targeting/runs/{queued.json()['id']}").json()
    assert (run["status"], run["steps_done"], run["steps_total"], run["step"]) == ("done", 7, 7, "")
    assert [p["programme"] for p in run["programmes"]] == ["BLT_DD", "BPNT", "PBI_JKN", "PKH", "RANTANG_KASIH", "RTLH"]
    regency = analyst.get(f"/api/v1/targeting/runs/{run['id']}/findings", {"limit": 1000}).json()
    assert len(regency) > 0 and {f["kind"] for f in regency} <= {"exclusion", "not_eligible", "deceased", "duplicate", "unknown_nik"}
    operator = client_for(users["operator"])
    assert operator.get(f"/api/v1/targeting/runs/{run['id']}/findings").status_code == 403  # must choose a village
    own = operator.get(f"/api/v1/targeting/runs/{run['id']}/findings", {"village": kemiren.code, "limit": 1000}).json()
    assert {f["village_code"] for f in own} <= {kemiren.code}
    assert len(own) == sum(1 for f in regency if f["village_code"] == kemiren.code)
    assert operator.get(f"/api/v1/targeting/runs/{run['id']}/findings", {"village": "35.10.20.2002"}).status_code == 404


def test_a_second_run_while_one_is_active_is_refused_and_a_stale_one_is_failed(users):
    from django.utils import timezone

    from smartkampung.core.errors import DomainError
    from smartkampung.programmes.services import STALE_AFTER, targeting_run_queue

    first = targeting_run_queue(actor=actor(users["analyst"]), as_of=dt.date(2026, 1, 1))  # the database backend: nobody runs it here
    assert first.status == "queued"
    with pytest.raises(DomainError) as refused:
        targeting_run(actor=actor(users["analyst"]), as_of=dt.date(2026, 1, 1))
    assert refused.value.code == "conflict" and f"Proses penargetan {first.pk} masih menunggu" in refused.value.message
    with translation.override("en"), pytest.raises(DomainError) as refused_en:
        targeting_run(actor=actor(users["analyst"]), as_of=dt.date(2026, 1, 1))
    assert refused_en.value.message == f"Targeting run {first.pk} is already queued; wait for it to finish."
    assert TargetingRun.objects.count() == 1
    TargetingRun.objects.filter(pk=first.pk).update(heartbeat_at=timezone.now() - STALE_AFTER - dt.timedelta(seconds=1))
    second = targeting_run(actor=actor(users["analyst"]), as_of=dt.date(2026, 1, 1))
    first.refresh_from_db()
    assert (first.status, first.active_slot, second.status) == ("failed", None, "done")
    assert "db_worker" in first.error


def test_a_failing_run_leaves_only_its_failed_row(users, monkeypatch):
    from smartkampung.programmes import services
    from smartkampung.programmes.models import RunProgrammeStat, TargetingFinding

    real = services._target_programme
    calls = []

    def fail_on_third(**kwargs):
        calls.append(kwargs["programme"].code)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services, "_target_programme", fail_on_third)
    with pytest.raises(RuntimeError):
        targeting_run(actor=actor(users["analyst"]), as_of=dt.date(2026, 1, 1))
    run = TargetingRun.objects.get()
    assert (run.status, run.error, run.active_slot) == ("failed", "disk full", None)
    assert TargetingFinding.objects.filter(run=run).count() == 0 and RunProgrammeStat.objects.filter(run=run).count() == 0


def test_office_roles_get_no_targeting_or_enrolments(client_for, users, family, kemiren):
    from django.contrib.auth import get_user_model

    household, head, wife, child = family(kemiren)
    enrolment_create(actor=actor(users["admin"]), programme=Programme.objects.get(code="PBI_JKN"), person=wife, start_date=dt.date(2025, 1, 1), source="manual")
    office = client_for(get_user_model().objects.get(username="dispar.festival"))
    assert office.get("/api/v1/targeting/runs").status_code == 403
    assert office.get(f"/api/v1/registry/people/{wife.pk}/enrolments").status_code == 404
    assert _post(office, "/api/v1/programmes/RTLH/rule/preview", {"text": "desil <= 2"}).status_code == 403
