"""The API under /api/v1/layanan/ and the pages under /layanan/ and /verify/: answers, errors, permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from smartkampung.core.models import AuditEvent
from smartkampung.publicservices import services
from smartkampung.publicservices.calendar import closed_reason
from smartkampung.publicservices.models import Appointment, Counter, LetterRequest, RequestState, Slot, Ticket
from tests.conftest import actor


def _next_open_day(counter_code: str = "A01") -> dt.date:
    counter = Counter.objects.get(code=counter_code)
    day = timezone.localdate() + dt.timedelta(days=1)
    while closed_reason(counter=counter, day=day) or day.weekday() == 5:
        day += dt.timedelta(days=1)
    return day


def test_search_api_with_synonyms(loaded):
    answer = Client().get("/api/v1/layanan/services", {"q": "passport hilang"})
    assert answer.status_code == 200
    body = answer.json()
    assert body[0]["code"] == "imigrasi-paspor-hilang"
    assert body[0]["fee"] == 350000 and body[0]["mode"] == "appointment" and body[0]["counter"] == "G01" and body[0]["needs_visit"] is True
    assert Client().get("/api/v1/layanan/services/nope").status_code == 404


def test_booking_api_and_its_errors(loaded):
    client = Client()
    day = _next_open_day()
    slots = client.get("/api/v1/layanan/services/dukcapil-ktp-cetak/slots", {"date": day.isoformat()}).json()
    assert slots["closed"] is None and [s["starts_at"] for s in slots["slots"]][:2] == ["08:00", "09:00"] and slots["slots"][0]["free"] == 12
    made = client.post("/api/v1/layanan/appointments", {"service": "dukcapil-ktp-cetak", "date": day.isoformat(), "starts_at": "10:00",
                                                        "name": "Siti Aminah", "phone": "081234567890"}, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["name"] == "Si** Am****" and made.json()["state"] == "booked"
    slots = client.get("/api/v1/layanan/services/dukcapil-ktp-cetak/slots", {"date": day.isoformat()}).json()
    assert next(s for s in slots["slots"] if s["starts_at"] == "10:00")["free"] == 11

    sunday = day + dt.timedelta(days=(6 - day.weekday()))
    refused = client.post("/api/v1/layanan/appointments", {"service": "dukcapil-ktp-cetak", "date": sunday.isoformat(), "starts_at": "10:00",
                                                           "name": "Siti", "phone": "081234567890"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "closed_day" and refused.json()["field"] == "date"
    online = client.post("/api/v1/layanan/appointments", {"service": "kpp-npwp-op", "date": day.isoformat(), "starts_at": "10:00",
                                                          "name": "Siti", "phone": "081234567890"}, content_type="application/json")
    assert online.status_code == 400 and online.json()["code"] == "online_service"
    assert Appointment.objects.filter(name="Siti").count() == 0


def test_full_slot_answer(loaded):
    day = _next_open_day()
    Slot.objects.create(counter=Counter.objects.get(code="A01"), date=day, starts_at=dt.time(9, 0), capacity=1, booked=1)
    answer = Client().post("/api/v1/layanan/appointments", {"service": "dukcapil-ktp-cetak", "date": day.isoformat(), "starts_at": "09:00",
                                                            "name": "Budi", "phone": "081234567890"}, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "slot_full"
    assert not Appointment.objects.filter(name="Budi").exists()


def test_staff_queue_api_needs_a_mall_role(loaded, mall_staff, users, client_for):
    counter = Counter.objects.get(code="A01")
    ticket = Ticket.objects.create(counter=counter, service=counter.services.first(), date=timezone.localdate(), number=901, source="walk_in",
                                   issued_at=timezone.now())
    assert Client().post("/api/v1/layanan/staff/counters/A01/call-next").status_code == 401
    refused = client_for(users["operator"]).post("/api/v1/layanan/staff/counters/A01/call-next")
    assert refused.status_code == 403
    ticket.refresh_from_db()
    assert ticket.state == "waiting"
    called = client_for(mall_staff).post("/api/v1/layanan/staff/counters/A01/call-next")
    assert called.status_code == 200 and called.json()["ticket"] == "A01-901"
    screen = Client().get("/api/v1/layanan/queue/screen").json()
    assert screen["called"][0]["ticket"] == "A01-901"
    done = client_for(mall_staff).post(f"/api/v1/layanan/staff/tickets/{ticket.pk}/finish", {"outcome": "served"}, content_type="application/json")
    assert done.json()["state"] == "served"
    stats = client_for(mall_staff).get("/api/v1/layanan/staff/stats", {"date": timezone.localdate().isoformat()}).json()
    assert next(r for r in stats["counters"] if r["key"] == "A01")["served"] == 1
    assert client_for(users["operator"]).get("/api/v1/layanan/staff/stats", {"date": "2026-11-23"}).status_code == 403


def test_letter_request_api_and_status(loaded, family, kemiren, jambewangi):
    _household, head, _wife, _child = family(kemiren)
    client = Client()
    payload = {"letter_type": "usaha", "village_code": kemiren.code, "nik": head.nik, "birth_date": head.birth_date.isoformat(), "purpose": "Pengajuan KUR",
               "details": {"business_name": "Warung Slamet", "business_kind": "warung makan", "business_address": "Dusun Krajan"}}
    made = client.post("/api/v1/layanan/letters/requests", payload, content_type="application/json")
    assert made.status_code == 201 and made.json()["state"] == "submitted"
    code = made.json()["code"]
    status = client.post(f"/api/v1/layanan/letters/requests/{code}/status", {"nik": head.nik, "birth_date": head.birth_date.isoformat()},
                         content_type="application/json")
    assert status.json()["state_label"] == "Diajukan"
    wrong = client.post(f"/api/v1/layanan/letters/requests/{code}/status", {"nik": head.nik, "birth_date": "1990-01-01"}, content_type="application/json")
    assert wrong.status_code == 404
    outside = client.post("/api/v1/layanan/letters/requests", {**payload, "village_code": jambewangi.code}, content_type="application/json")
    assert outside.status_code == 400 and outside.json() | {"message": ""} == {"code": "outside_village", "message": "", "field": "nik"}
    assert LetterRequest.objects.filter(person=head).count() == 1


def test_letter_desk_pages_and_public_verification(loaded, family, kemiren, kades, users, client_for):
    _household, head, _wife, _child = family(kemiren)
    request = services.letter_request_submit(actor=actor(None), letter_type_code="domisili", village_code=kemiren.code, nik=head.nik,
                                             birth_date=head.birth_date, purpose="Melamar pekerjaan")
    operator = client_for(users["operator"])
    listing = operator.get("/layanan/staf/surat/")
    assert listing.status_code == 200 and request.code in listing.content.decode()
    assert AuditEvent.objects.filter(action="letter_request.view", object_id=str(request.pk), actor=users["operator"]).exists()
    # Another village's staff do not see it, by page or API.
    assert request.code not in client_for(users["bhabin"]).get("/layanan/staf/surat/").content.decode()
    assert client_for(users["bhabin"]).get(f"/layanan/staf/surat/{request.code}/").status_code == 404
    assert client_for(users["bhabin"]).post(f"/api/v1/layanan/staff/letters/requests/{request.code}/check", {}, content_type="application/json").status_code == 404

    operator.post(f"/layanan/staf/surat/{request.code}/", {"action": "check", "note": "Data cocok"})
    request.refresh_from_db()
    assert request.state == RequestState.CHECKED
    # The operator's approve is refused with nothing issued; the village head's works.
    assert operator.post(f"/layanan/staf/surat/{request.code}/", {"action": "approve"}).status_code == 403
    request.refresh_from_db()
    assert request.state == RequestState.CHECKED
    client_for(kades).post(f"/layanan/staf/surat/{request.code}/", {"action": "approve"})
    request.refresh_from_db()
    letter = request.letter
    assert request.state == RequestState.ISSUED

    pdf = client_for(kades).get(f"/layanan/staf/surat/{request.code}/surat.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="letter_request.view", object_id=str(request.pk), actor=kades).exists()
    public_pdf = Client().get(f"/layanan/surat/{request.code}/{letter.code}.pdf")
    assert public_pdf.status_code == 200 and bytes(public_pdf.content) == bytes(letter.pdf)
    assert Client().get(f"/layanan/surat/SRT-XXXXXX/{letter.code}.pdf").status_code == 404

    page = Client().get(f"/verify/{letter.code}")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-status="valid"' in html and letter.number in html
    assert head.nik not in html and "Slamet Riyadi" not in html and "Sl**** Ri****" in html
    missing = Client().get("/verify/QQQQQQQQQQ")
    assert missing.status_code == 404 and "tidak pernah diterbitkan" in missing.content.decode()
    api = Client().get(f"/api/v1/layanan/letters/verify/{letter.code}").json()
    assert api["status"] == "valid" and api["letter"]["subject_nik"] == head.nik[:4] + "**********" + head.nik[-2:]


@pytest.mark.parametrize("path", ["/layanan/", "/layanan/?q=e-KTP", "/layanan/jenis/dukcapil-ktp-cetak/", "/layanan/antrean/", "/layanan/antrean/layar/",
                                  "/layanan/surat/", "/layanan/surat/?jenis=kelahiran", "/layanan/surat/status/", "/verify/"])
def test_public_pages_open_without_login(loaded, path):
    assert Client().get(path).status_code == 200


def test_catalogue_page_in_english(loaded):
    client = Client()
    client.cookies["django_language"] = "en"
    html = client.get("/layanan/", {"q": "paspor"}).content.decode()
    assert "Search services" in html and "Paspor elektronik" in html


def test_booking_page_posts_and_refuses_a_full_slot(loaded):
    day = _next_open_day()
    Slot.objects.create(counter=Counter.objects.get(code="A01"), date=day, starts_at=dt.time(8, 0), capacity=1, booked=1)
    client = Client()
    full = client.post("/layanan/jenis/dukcapil-ktp-cetak/", {"date": day.isoformat(), "starts_at": "08:00", "name": "Budi", "phone": "081234567890"})
    assert full.status_code == 400 and "sudah penuh" in full.content.decode()
    ok = client.post("/layanan/jenis/dukcapil-ktp-cetak/", {"date": day.isoformat(), "starts_at": "09:00", "name": "Budi", "phone": "081234567890"})
    appointment = Appointment.objects.get(name="Budi")
    assert ok.status_code == 302 and ok["Location"] == f"/layanan/janji/{appointment.code}/"


def test_staff_pages_by_role(loaded, mall_staff, users, client_for):
    assert client_for(mall_staff).get("/layanan/staf/antrean/").status_code == 200
    assert client_for(mall_staff).get("/layanan/staf/statistik/").status_code == 200
    assert client_for(users["operator"]).get("/layanan/staf/antrean/").status_code == 403
    assert client_for(mall_staff).get("/layanan/staf/surat/").content.decode().count("<tr>") == 2  # header + "no requests": no registry scope
    assert Client().get("/layanan/staf/").status_code == 302
