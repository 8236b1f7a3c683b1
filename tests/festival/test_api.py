"""Festival API: the public programme and the tourism office's writes, errors as JSON."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from smartkampung.festival.models import Event

pytestmark = pytest.mark.django_db


def _post(client, url, body, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_public_month_and_one_event(new_event):
    event = new_event()
    month = Client().get("/api/v1/festival/events", {"year": 2027, "month": 10}).json()
    assert [e["slug"] for e in month if e["slug"] == event.slug] == [event.slug]
    one = Client().get(f"/api/v1/festival/events/{event.slug}").json()
    assert (one["uid"], one["starts_at"], one["status"]) == (f"{event.uid}@festival.smartkampung", "2027-10-09T18:00:00+07:00", "published")


def test_staff_writes_with_clear_errors(tourism, users, kemiren):
    body = {"title": "Jazz Pantai Boom", "category": "seni", "start_date": "2027-06-20", "start_time": "19:00", "end_time": "18:00",
            "venue": "Pantai Marina Boom", "village_code": kemiren.code, "publish": True}
    outsider = Client()
    outsider.force_login(users["operator"])
    assert _post(outsider, "/api/v1/festival/staff/events", body).status_code == 401
    client = Client()
    client.force_login(tourism)
    refused = _post(client, "/api/v1/festival/staff/events", body)
    assert refused.status_code == 400
    assert refused.json() == {"code": "ends_before_start", "message": "Acara tidak bisa selesai sebelum dimulai.", "field": "end_time"}
    unknown = _post(client, "/api/v1/festival/staff/events", {**body, "end_time": "23:00", "village_code": "35.10.99.9999"})
    assert unknown.status_code == 400
    assert unknown.json() == {"code": "invalid", "message": "Desa 35.10.99.9999 tidak dikenal.", "field": "village_code"}
    client.cookies["django_language"] = "en"
    unknown = _post(client, "/api/v1/festival/staff/events", {**body, "end_time": "23:00", "village_code": "35.10.99.9999"})
    assert unknown.json() == {"code": "invalid", "message": "Unknown village 35.10.99.9999.", "field": "village_code"}
    del client.cookies["django_language"]
    assert not Event.objects.filter(title="Jazz Pantai Boom").exists()
    created = _post(client, "/api/v1/festival/staff/events", {**body, "end_time": "23:00"})
    assert created.status_code == 201
    event_id = created.json()["id"]
    changed = _post(client, f"/api/v1/festival/staff/events/{event_id}", {"venue": "Pantai Boom Marina"}, method="patch").json()
    assert (changed["venue"], changed["sequence"]) == ("Pantai Boom Marina", 1)
    cancelled = _post(client, f"/api/v1/festival/staff/events/{event_id}/cancel", {"reason": "Gelombang tinggi"}).json()
    assert (cancelled["status"], cancelled["sequence"]) == ("cancelled", 2)
