"""Escalation to the kecamatan and auto-close (service and command); the JSON API under /api/v1/cases/."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from smartkampung.cases import services
from smartkampung.cases.models import Case, CaseEvent
from smartkampung.core.audit import Actor
from smartkampung.core.models import Area, AuditEvent
from tests.conftest import actor

PUBLIC = Actor(user=None, ip="198.51.100.7", via="web")
SYSTEM = Actor.system("tests")


@pytest.mark.django_db
def test_overdue_cases_escalate_to_the_kecamatan_once(jambewangi, kemiren, users, client_for):
    late = services.case_raise(actor=PUBLIC, category_code="barisan_siap", village=jambewangi, title="Maling", answers={"complaint_kind": "security"})
    fresh = services.case_raise(actor=PUBLIC, category_code="general", village=kemiren, title="Lampu")
    at = late.respond_due_at + dt.timedelta(minutes=1)
    Case.objects.filter(pk=fresh.pk).update(respond_due_at=at + dt.timedelta(days=1), due_at=at + dt.timedelta(days=3))
    # the synthetic baseline's own overdue cases are set aside, so the counts are ours
    Case.objects.exclude(pk__in=[late.pk, fresh.pk]).update(escalated_at=timezone.now(), close_due_at=None)
    assert services.cases_escalate(actor=SYSTEM, now=late.created_at) == {"escalated": 0, "closed": 0}  # nothing is due yet
    assert services.cases_escalate(actor=SYSTEM, now=at) == {"escalated": 1, "closed": 0}
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert (late.escalated_to.name, late.escalated_at, fresh.escalated_at) == ("Sempu", at, None)
    assert list(late.events.filter(kind="escalated").values_list("note", flat=True)) == ["Melewati tenggat: dieskalasi ke kecamatan"]
    assert services.cases_escalate(actor=SYSTEM, now=at)["escalated"] == 0  # once only
    late.refresh_from_db()
    assert late.events.filter(kind="escalated").count() == 1


@pytest.mark.django_db
def test_followed_up_case_closes_after_ten_working_days_without_reply(kemiren, users):
    case = services.case_raise(actor=PUBLIC, category_code="general", village=kemiren, title="Jalan")
    services.case_resolve(actor=actor(users["operator"]), case=case, resolution="resolved", note="Ditambal")
    case.refresh_from_db()
    services.cases_escalate(actor=SYSTEM, now=case.close_due_at - dt.timedelta(minutes=1))
    case.refresh_from_db()
    assert case.state == "resolved"
    services.cases_escalate(actor=SYSTEM, now=case.close_due_at + dt.timedelta(minutes=1))
    case.refresh_from_db()
    assert (case.state, case.is_open, case.closed_at) == ("closed", False, case.close_due_at + dt.timedelta(minutes=1))
    assert case.events.last().note == "Ditutup otomatis: tidak ada balasan pelapor"


@pytest.mark.django_db
def test_escalate_command(kemiren, capsys):
    case = services.case_raise(actor=PUBLIC, category_code="general", village=kemiren, title="Jalan")
    Case.objects.exclude(pk=case.pk).update(escalated_at=timezone.now(), close_due_at=None)
    moment = timezone.localtime(case.due_at + dt.timedelta(hours=1)).isoformat()
    call_command("cases", "escalate", "--now", moment, "--json")
    assert json.loads(capsys.readouterr().out) == {"escalated": 1, "closed": 0}
    with pytest.raises(CommandError) as bad:
        call_command("cases", "escalate", "--now", "soon")
    assert bad.value.returncode == 2


@pytest.mark.django_db
def test_open311_key_command_prints_the_key_once_and_stores_its_hash(capsys):
    from smartkampung.cases.models import Open311Key
    from smartkampung.cases.services import open311_key_check

    call_command("cases", "open311-key", "Aplikasi Desa")
    raw = capsys.readouterr().out.strip()
    key = Open311Key.objects.get(name="Aplikasi Desa")
    assert raw.startswith("o311_") and key.key_hash != raw and raw not in key.key_hash
    assert open311_key_check(raw) == key
    with pytest.raises(CommandError):
        call_command("cases", "open311-key", "Aplikasi Desa")


# --- API ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_api_raise_work_and_read(client_for, users, jambewangi):
    client = client_for(users["bhabin"])
    created = client.post("/api/v1/cases", {"category_code": "barisan_siap", "village_code": jambewangi.code, "title": "Ribut di pos ronda",
                                            "answers": {"complaint_kind": "dispute"}}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["team"], body["state"], body["events"][0]["kind"]) == ("Bhabinkamtibmas Jambewangi", "new", "created")
    case_id = body["id"]
    assert client.post(f"/api/v1/cases/{case_id}/acknowledge", {}, content_type="application/json").json()["state"] == "acknowledged"
    note = client.post(f"/api/v1/cases/{case_id}/notes", {"note": "Dimediasi di balai desa", "public": True}, content_type="application/json")
    assert note.status_code == 201 and note.json()["public"] is True
    done = client.post(f"/api/v1/cases/{case_id}/resolve", {"resolution": "resolved", "note": "Damai"}, content_type="application/json").json()
    assert (done["state"], [e["kind"] for e in done["events"]]) == ("resolved", ["created", "acknowledged", "note", "resolved"])
    queue = client.get("/api/v1/cases?category=barisan_siap").json()
    assert case_id not in [c["id"] for c in queue]  # no longer open


@pytest.mark.django_db
def test_api_errors_are_json_and_store_nothing(client_for, users, jambewangi, kemiren):
    client = client_for(users["bhabin"])
    before = (Case.objects.count(), CaseEvent.objects.count(), AuditEvent.objects.count())
    cases = [
        ({"category_code": "nope", "village_code": jambewangi.code, "title": "x"}, 400, "unknown_category", "category_code"),
        ({"category_code": "barisan_siap", "village_code": jambewangi.code, "title": "x"}, 400, "missing_answer", "answers.complaint_kind"),
        ({"category_code": "general", "village_code": kemiren.code, "title": "x"}, 404, "not_found", "village_code"),  # not his village
        ({"category_code": "general", "latitude": -6.2, "longitude": 106.8, "title": "x"}, 400, "outside_regency", "lat"),
    ]
    for payload, status, code, field in cases:
        response = client.post("/api/v1/cases", payload, content_type="application/json")
        assert (response.status_code, response.json()["code"], response.json()["field"]) == (status, code, field)
    other_village = {"category_code": "general", "village_code": kemiren.code, "title": "x"}
    assert client.post("/api/v1/cases", other_village, content_type="application/json").json()["message"] == f"Desa {kemiren.code} tidak ada di wilayah Anda."
    client.cookies["django_language"] = "en"
    assert client.post("/api/v1/cases", other_village, content_type="application/json").json()["message"] == f"No village {kemiren.code} in your areas."
    assert (Case.objects.count(), CaseEvent.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_api_scoping_refuses_and_changes_nothing(client_for, users, jambewangi):
    chips = services.case_raise(actor=PUBLIC, category_code="chips", village=jambewangi, title="Sakit", answers={"condition": "bedridden"})
    events = CaseEvent.objects.count()
    for name in ("bhabin", "operator"):
        client = client_for(users[name])
        assert client.get(f"/api/v1/cases/{chips.pk}").status_code == 404
        assert client.post(f"/api/v1/cases/{chips.pk}/resolve", {"resolution": "resolved"}, content_type="application/json").status_code == 404
        assert chips.pk not in [c["id"] for c in client.get("/api/v1/cases").json()]
    chips.refresh_from_db()
    assert (chips.state, CaseEvent.objects.count()) == ("new", events)
    assert client_for(users["puskesmas"]).get(f"/api/v1/cases/{chips.pk}").json()["ticket"] == chips.ticket


@pytest.mark.django_db
def test_api_hides_anonymous_reporters_from_the_team(client_for, users, jambewangi):
    case = services.case_raise(actor=PUBLIC, category_code="barisan_siap", village=jambewangi, title="Pungli", answers={"complaint_kind": "order"},
                               reporter_name="Bu Sri", reporter_contact="0813", anonymous=True)
    team_view = client_for(users["bhabin"]).get(f"/api/v1/cases/{case.pk}").json()
    assert (team_view["reporter_name"], team_view["reporter_contact"]) == (None, None)
    admin_view = client_for(users["admin"]).get(f"/api/v1/cases/{case.pk}").json()
    assert (admin_view["reporter_name"], admin_view["reporter_contact"]) == ("Bu Sri", "0813")


@pytest.mark.django_db
def test_api_categories_and_stats(client_for, users):
    client = client_for(users["puskesmas"])
    categories = {c["code"]: c for c in client.get("/api/v1/cases/categories").json()}
    assert (categories["chips"]["team_kind"], categories["chips"]["respond_days"], categories["chips"]["always_confidential"]) == ("puskesmas", 1, True)
    assert categories["general"]["respond_days"] == 3 and categories["general"]["resolve_days"] == 5 and categories["general"]["autoclose_days"] == 10
    before = {s["name"]: s for s in client.get("/api/v1/cases/stats").json()}
    services.case_raise(actor=PUBLIC, category_code="chips", village=Area.objects.get(code="35.10.20.2002"), title="Sakit", answers={"condition": "bedridden"})
    after = {s["name"]: s for s in client.get("/api/v1/cases/stats").json()}
    assert set(after) == {"Sempu"}  # a Puskesmas Sempu member sees Sempu only
    sempu_before = before.get("Sempu", {"open": 0, "total": 0})
    assert (after["Sempu"]["open"] - sempu_before["open"], after["Sempu"]["total"] - sempu_before["total"]) == (1, 1)
    assert client.get("/api/v1/cases/categories").status_code == 200
    from django.test import Client

    assert Client().get("/api/v1/cases").status_code == 401
