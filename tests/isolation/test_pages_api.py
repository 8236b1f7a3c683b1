"""Isolation pages and API: public reservation with masked answers, staff pages scoped to their villages,
JSON errors, the map data and the CSV import page."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from smartkampung.core.models import AuditEvent
from smartkampung.isolation import services
from smartkampung.isolation.models import AffectedImport, AffectedResident, BedNight, DailyCheck, Reservation
from tests.conftest import actor


def test_the_public_page_lists_free_places_nearest_first_and_reserves(house, family, kemiren, today):
    _h, head, _w, _c = family(kemiren)
    client = Client()
    page = client.get("/isolasi/", {"village": kemiren.code, "arrival": today.isoformat()})
    assert page.status_code == 200
    places = page.context["places"]
    assert places[0][0].house.village_id == kemiren.pk  # the village's own houses first
    assert house.pk in [p.house.pk for p, _f in places]
    response = client.post("/isolasi/", {"village": kemiren.code, "arrival": today.isoformat(), "house": house.pk, "who": "resident",
                                         "nik": head.nik, "birth_date": head.birth_date.isoformat(), "origin": "Jakarta", "phone": "081233344455"})
    r = Reservation.objects.get(person=head)
    assert response.status_code == 302 and response["Location"] == f"/isolasi/r/{r.code}/"
    status = client.get(response["Location"])
    body = status.content.decode()
    assert status.status_code == 200 and r.code in body and "S***** R*****" in body
    assert head.nik not in body and "Slamet" not in body and head.nik[:4] + "*" * 10 + head.nik[-2:] in body


def test_the_public_page_shows_a_clear_error_and_saves_nothing(house, family, kemiren, today):
    _h, head, _w, _c = family(kemiren)
    response = Client().post("/isolasi/", {"village": kemiren.code, "arrival": today.isoformat(), "house": house.pk, "who": "resident",
                                           "nik": head.nik, "birth_date": "1990-01-01", "origin": "Jakarta"})
    assert response.status_code == 400
    assert "NIK dan tanggal lahir ini tidak cocok" in response.content.decode()
    assert not Reservation.objects.filter(house=house).exists()
    past = Client().get("/isolasi/", {"village": kemiren.code, "arrival": (today - dt.timedelta(days=2)).isoformat()})
    assert past.context["places"] is None and past.context["error"].code == "past"


def test_the_public_api_reserves_and_answers_masked(house, kemiren, today):
    client = Client()
    free = client.get("/api/v1/isolation/free-places", {"village_code": kemiren.code, "arrival_date": today.isoformat()})
    assert free.status_code == 200
    ours = next(p for p in free.json() if p["house_id"] == house.pk)
    assert (ours["free_beds"], ours["beds"], ours["puskesmas"]) == (2, 2, "Puskesmas Glagah")
    created = client.post("/api/v1/isolation/reservations", {"house_id": house.pk, "arrival_date": today.isoformat(), "origin": "Denpasar",
                                                            "full_name": "Made Wirawan", "id_number": "DL1234567", "home_village_code": kemiren.code},
                          content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["identity"], body["status"], body["end_date"]) == ("M*** W******", "******567", "reserved",
                                                                                 (today + dt.timedelta(days=14)).isoformat())
    again = client.post("/api/v1/isolation/reservations", {"house_id": house.pk, "arrival_date": today.isoformat(), "origin": "Denpasar",
                                                          "full_name": "Made Wirawan", "id_number": "DL1234567", "home_village_code": kemiren.code},
                        content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "overlap" and again.json()["field"] == "nik"
    cancel = client.post(f"/api/v1/isolation/reservations/{body['code']}/cancel", {"identity": "DL1234567", "reason": "batal"},
                         content_type="application/json")
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"
    assert BedNight.objects.filter(house=house).count() == 0


def test_staff_api_checks_in_records_a_check_and_refuses_outside_scope(house, family, kemiren, reserve, client_for, users, today):
    _h, head, _w, _c = family(kemiren)
    r = reserve(house, head)
    outsider = client_for(users["puskesmas"])  # Sempu, not Glagah
    refused = outsider.post(f"/api/v1/isolation/houses/{house.pk}/check-in", {"code_or_nik": r.code}, content_type="application/json")
    assert refused.status_code == 404
    assert Reservation.objects.get(pk=r.pk).status == "reserved"
    op = client_for(users["operator"])
    missing = op.post(f"/api/v1/isolation/houses/{house.pk}/check-in", {"code_or_nik": "ISO-XXXX-XXXX"}, content_type="application/json")
    assert missing.status_code == 400 and missing.json() == {"code": "no_reservation", "field": "code", "message": missing.json()["message"]}
    checked = op.post(f"/api/v1/isolation/houses/{house.pk}/check-in", {"code_or_nik": head.nik}, content_type="application/json")
    assert checked.status_code == 200 and checked.json()["status"] == "checked_in" and checked.json()["nik"] == head.nik
    check = op.post(f"/api/v1/isolation/stays/{r.pk}/checks", {"temperature": 36.9, "symptoms": ["cough"]}, content_type="application/json")
    assert check.status_code == 201 and (check.json()["day_number"], check.json()["worsening"]) == (1, False)
    bad = op.post(f"/api/v1/isolation/stays/{r.pk}/checks", {"temperature": 36.9, "symptoms": ["hiccups"]}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "symptoms"
    assert DailyCheck.objects.filter(reservation=r).count() == 1
    assert AuditEvent.objects.filter(action="isolation.stay_view", object_id=str(r.pk), actor=users["operator"]).exists()


def test_the_dashboard_and_map_are_scoped(house, family, kemiren, reserve, client_for, users):
    _h, head, _w, _c = family(kemiren)
    services.stay_check_in(actor=actor(users["operator"]), reservation=reserve(house, head))
    page = client_for(users["operator"]).get("/isolasi/staf/", {"area": kemiren.code})
    assert page.status_code == 200
    total = page.context["total"]
    seeded = [h for h in total.children if h.house_id != house.pk]
    assert (total.houses, total.in_isolation, total.checks_due) == (1 + len(seeded), 1, 1)
    assert next(h for h in total.children if h.house_id == house.pk).occupied == 1
    data = client_for(users["operator"]).get("/isolasi/staf/peta/data.json").json()
    assert {h["village"] for h in data["houses"]} == {"Kemiren"}
    assert next(h for h in data["houses"] if h["id"] == house.pk) | {} == {
        "id": house.pk, "name": "Rumah Isolasi Uji", "village": "Kemiren", "kecamatan": "Glagah", "lat": house.latitude, "lon": house.longitude,
        "beds": 2, "occupied": 1, "puskesmas": "Puskesmas Glagah"}
    assert client_for(users["puskesmas"]).get(f"/isolasi/staf/rumah/{house.pk}/").status_code == 404
    analyst = client_for(users["analyst"]).get("/isolasi/staf/")
    assert analyst.status_code == 403
    regency = client_for(users["admin"]).get("/isolasi/staf/")
    assert regency.status_code == 200 and len(regency.context["total"].children) == 25
    page = client_for(users["operator"]).get("/isolasi/staf/peta/")
    assert page.status_code == 200 and b"leaflet/leaflet.js" in page.content and b"unpkg" not in page.content


def test_the_stay_page_records_a_check_and_a_transfer(house, family, kemiren, reserve, client_for, users):
    _h, head, _w, _c = family(kemiren)
    r = services.stay_check_in(actor=actor(users["operator"]), reservation=reserve(house, head))
    op = client_for(users["operator"])
    bad = op.post(f"/isolasi/staf/tinggal/{r.pk}/", {"action": "check", "temperature": "panas"})
    assert bad.status_code == 400 and not DailyCheck.objects.filter(reservation=r).exists()
    ok = op.post(f"/isolasi/staf/tinggal/{r.pk}/", {"action": "check", "temperature": "37,2", "symptoms": ["cough"]})
    assert ok.status_code == 302 and str(DailyCheck.objects.get(reservation=r).temperature) == "37.2"
    moved = op.post(f"/isolasi/staf/tinggal/{r.pk}/", {"action": "transfer", "hospital": "RSUD Genteng", "reason": "Sesak"})
    assert moved.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.hospital) == ("transferred", "RSUD Genteng")


def test_affected_pages_record_and_import(family, kemiren, client_for, users):
    _h, head, wife, _c = family(kemiren)
    op = client_for(users["operator"])
    saved = op.post("/isolasi/staf/terdampak/", {"nik": head.nik, "sector": "tourism", "affected_on": "2026-04-01", "income_lost": "2500000"})
    assert saved.status_code == 302 and AffectedResident.objects.filter(person=head, sector="tourism").exists()
    refused = op.post("/isolasi/staf/terdampak/", {"nik": "3510150101800009", "sector": "tourism", "affected_on": "2026-04-01", "income_lost": "1"})
    assert refused.status_code == 400 and "tidak terdaftar" in refused.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("daftar.csv", f"nik;sektor;tanggal;penghasilan_hilang\n{wife.nik};informal;2026-05-01;900000\n"
                                f"{head.nik};tourism;2026-04-01;2500000\n".encode())
    response = op.post("/isolasi/staf/terdampak/impor/", {"file": upload})
    batch = AffectedImport.objects.get(uploaded_by=users["operator"])
    assert response.status_code == 302 and response["Location"] == f"/isolasi/staf/terdampak/impor/{batch.pk}/"
    assert (batch.rows, batch.created, batch.duplicates, batch.errors) == (2, 1, 1, 0)
    assert client_for(users["analyst"]).get(f"/isolasi/staf/terdampak/impor/{batch.pk}/").status_code == 200  # regency-wide reader
    assert client_for(users["puskesmas"]).get(f"/isolasi/staf/terdampak/impor/{batch.pk}/").status_code == 404
    listing = client_for(users["puskesmas"]).get("/isolasi/staf/terdampak/")
    assert head.nik not in listing.content.decode()  # Sempu's Puskesmas does not see Kemiren's residents


def test_staff_api_adds_a_house_rooms_pillars_and_takes_a_bed_out(family, kemiren, reserve, client_for, users):
    op = client_for(users["operator"])
    created = op.post("/api/v1/isolation/houses", {
        "village_code": kemiren.code, "name": "Rumah Isolasi Balai RW 2", "address": "Dusun Krajan", "latitude": -8.2, "longitude": 114.33,
        "puskesmas_code": "PKM-351015", "rooms": [{"name": "Kamar 1", "beds": 2}], "facilities": ["bathroom"],
        "pillars": [{"kind": "babinsa", "name": "Serda Wahyudi", "phone": "081234500002"}]}, content_type="application/json")
    assert created.status_code == 201
    house = created.json()
    assert (house["rooms"], house["beds"], house["pillars"]) == (1, 2, [{"kind": "babinsa", "name": "Serda Wahyudi", "phone": "081234500002"}])
    more = op.post(f"/api/v1/isolation/houses/{house['id']}/rooms", {"name": "Kamar 2", "beds": 1}, content_type="application/json")
    assert more.status_code == 201 and more.json()["beds"] == 3
    pillar = op.put(f"/api/v1/isolation/houses/{house['id']}/pillars", {"kind": "bhabinkamtibmas", "name": "Bripka Hartono", "phone": "0812 345 0003"},
                    content_type="application/json")
    assert pillar.status_code == 200 and {"kind": "bhabinkamtibmas", "name": "Bripka Hartono", "phone": "08123450003"} in pillar.json()["pillars"]
    from smartkampung.isolation.models import Bed, IsolationHouse

    _h, head, _w, _c = family(kemiren)
    r = reserve(IsolationHouse.objects.get(pk=house["id"]), head)
    busy = op.post(f"/api/v1/isolation/houses/{house['id']}/beds/{r.bed_id}/active", {"active": False}, content_type="application/json")
    assert busy.status_code == 409 and busy.json()["code"] == "conflict" and Bed.objects.get(pk=r.bed_id).active
    free_bed = Bed.objects.filter(house_id=house["id"]).exclude(pk=r.bed_id).first()
    off = op.post(f"/api/v1/isolation/houses/{house['id']}/beds/{free_bed.pk}/active", {"active": False}, content_type="application/json")
    assert off.status_code == 200 and off.json()["beds"] == 2
    outsider = client_for(users["puskesmas"]).post(f"/api/v1/isolation/houses/{house['id']}/rooms", {"name": "Kamar 9", "beds": 1},
                                                   content_type="application/json")
    assert outsider.status_code == 404 and not IsolationHouse.objects.get(pk=house["id"]).rooms.filter(name="Kamar 9").exists()


def test_an_unknown_reservation_code_says_so_in_indonesian_and_in_english(db):
    client = Client()
    response = client.get("/api/v1/isolation/reservations/TIDAKADA")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Kode pemesanan tidak ditemukan.", "field": "code"}
    client.cookies["django_language"] = "en"
    response = client.get("/api/v1/isolation/reservations/TIDAKADA")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Reservation code not found.", "field": "code"}
