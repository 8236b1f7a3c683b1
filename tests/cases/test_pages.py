"""Public report and ticket pages; staff queue, case page, map, stats; scoping route by route."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from smartkampung.cases import services
from smartkampung.cases.models import Case, CaseEvent
from smartkampung.core.audit import Actor
from smartkampung.core.models import AuditEvent
from tests.conftest import actor

PUBLIC = Actor(user=None, ip="198.51.100.7", via="web")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 30), (1, 2, 3)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_public_report_two_steps_then_ticket_with_reply_code(jambewangi, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    first = client.get("/cases/report/")
    assert first.status_code == 200 and "Barisan Siap: pengaduan masyarakat" in first.content.decode()
    assert "Usul: warga layak" not in first.content.decode()  # system categories are not offered
    details = client.get("/cases/report/", {"step": "1", "category": "barisan_siap", "village": jambewangi.code})
    assert details.status_code == 200 and "Jenis pengaduan" in details.content.decode()
    response = client.post("/cases/report/", {
        "category": "barisan_siap", "village": jambewangi.code, "lat": "", "lon": "", "title": "Pencurian ternak",
        "description": "Dua kambing hilang semalam", "q_complaint_kind": "security", "reporter_name": "Pak Hadi", "anonymous": "1",
        "photos": SimpleUploadedFile("kambing.png", png(), content_type="image/png"),
    })
    case = Case.objects.get(title="Pencurian ternak")
    assert response.status_code == 302 and response["Location"] == f"/cases/t/{case.ticket}/?baru=1"
    assert (case.team.name, case.anonymous, case.reporter_name, case.photos.count()) == ("Bhabinkamtibmas Jambewangi", True, "Pak Hadi", 1)
    page = client.get(response["Location"]).content.decode()
    assert case.ticket in page and "Kode balasan" in page and "Pak Hadi" not in page
    code = page.split('data-testid="reply-code">')[1].split("<")[0]
    assert len(code) == 6
    again = client.get(response["Location"]).content.decode()
    assert code not in again  # shown once


@pytest.mark.django_db
def test_report_shows_likely_duplicates_before_filing(jambewangi, kemiren):
    near = services.case_raise(actor=PUBLIC, category_code="general", village=jambewangi, title="Jalan berlubang besar",
                               latitude=jambewangi.latitude, longitude=jambewangi.longitude)
    services.case_raise(actor=PUBLIC, category_code="general", village=jambewangi, title="Jauh", latitude=jambewangi.latitude + 0.01, longitude=jambewangi.longitude)
    services.case_raise(actor=PUBLIC, category_code="barisan_siap", village=jambewangi, title="Lain jenis", latitude=jambewangi.latitude,
                        longitude=jambewangi.longitude, answers={"complaint_kind": "order"})
    secret = services.case_raise(actor=PUBLIC, category_code="general", village=jambewangi, title="Rahasia dekat", latitude=jambewangi.latitude,
                                 longitude=jambewangi.longitude, confidential=True)
    page = Client().get("/cases/report/", {"category": "general", "lat": f"{jambewangi.latitude + 0.0005:.6f}", "lon": f"{jambewangi.longitude:.6f}"}).content.decode()
    block = page.split('data-testid="duplicates"')[1].split("</div>")[0]
    assert near.ticket in block and "Jauh" not in block and "Lain jenis" not in block and secret.ticket not in block
    assert "± 56 m" in block


@pytest.mark.django_db
def test_public_report_error_keeps_what_was_typed_and_stores_nothing(jambewangi):
    before = Case.objects.count()
    response = Client().post("/cases/report/", {"category": "barisan_siap", "village": jambewangi.code, "title": "Ribut", "description": "Tetangga ribut",
                                                "q_complaint_kind": "", "photos": SimpleUploadedFile("a.jpg", b"nope", content_type="image/jpeg")})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Jawab pertanyaan: Jenis pengaduan." in page and "Tetangga ribut" in page
    english = Client()
    english.cookies["django_language"] = "en"  # the English switch
    in_english = english.post("/cases/report/", {"category": "barisan_siap", "village": jambewangi.code, "title": "Ribut", "description": "Tetangga ribut",
                                                 "q_complaint_kind": ""})
    assert in_english.status_code == 400 and "Answer the question: Jenis pengaduan." in in_english.content.decode()
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_ticket_page_public_view_and_reply(jambewangi, users):
    secret = services.case_raise(actor=PUBLIC, category_code="chips", village=jambewangi, title="Mbah Sarip sakit", answers={"condition": "bedridden"})
    page = Client().get(f"/cases/t/{secret.ticket}/").content.decode()
    assert "Puskesmas Sempu" in page and "Mbah Sarip" not in page and "Laporan rahasia" in page
    services.case_resolve(actor=actor(users["puskesmas"]), case=secret, resolution="resolved", note="Dikunjungi dr. Rina")
    client = Client()
    wrong = client.post(f"/cases/t/{secret.ticket}/", {"reply_code": "XXXXXX", "message": "", "satisfied": "0"})
    assert wrong.status_code == 400 and Case.objects.get(pk=secret.pk).state == "resolved"
    ok = client.post(f"/cases/t/{secret.ticket}/", {"reply_code": secret.reply_code, "message": "Belum sembuh", "satisfied": "0"})
    assert ok.status_code == 302
    case = Case.objects.get(pk=secret.pk)
    assert (case.state, case.is_open, case.resolution) == ("in_progress", True, "")
    assert Client().get("/cases/t/BWI-00-000000/").status_code == 404


@pytest.mark.django_db
def test_queue_shows_only_the_team_cases(client_for, users, jambewangi, kemiren):
    chips = services.case_raise(actor=PUBLIC, category_code="chips", village=jambewangi, title="Sakit di Jambewangi", answers={"condition": "bedridden"})
    police = services.case_raise(actor=PUBLIC, category_code="barisan_siap", village=jambewangi, title="Maling di Jambewangi", answers={"complaint_kind": "security"})
    lamp = services.case_raise(actor=PUBLIC, category_code="general", village=kemiren, title="Lampu Kemiren mati")
    pages = {name: client_for(users[name]).get("/cases/").content.decode() for name in ("puskesmas", "bhabin", "operator")}
    assert chips.ticket in pages["puskesmas"] and police.ticket not in pages["puskesmas"] and lamp.ticket not in pages["puskesmas"]
    assert police.ticket in pages["bhabin"] and chips.ticket not in pages["bhabin"] and lamp.ticket not in pages["bhabin"]
    assert lamp.ticket in pages["operator"] and chips.ticket not in pages["operator"] and police.ticket not in pages["operator"]
    admin_page = client_for(users["admin"]).get("/cases/").content.decode()
    assert all(c.ticket in admin_page for c in (chips, police, lamp))


@pytest.mark.django_db
def test_case_page_is_404_outside_the_team_and_a_post_changes_nothing(client_for, users, jambewangi):
    chips = services.case_raise(actor=PUBLIC, category_code="chips", village=jambewangi, title="Sakit", answers={"condition": "bedridden"})
    before = (CaseEvent.objects.count(), AuditEvent.objects.count())
    for name in ("bhabin", "operator", "kecamatan"):  # same village's police; another village; another kecamatan's staff
        client = client_for(users[name])
        assert client.get(f"/cases/{chips.pk}/").status_code == 404
        assert client.post(f"/cases/{chips.pk}/", {"action": "resolve", "resolution": "resolved"}).status_code == 404
        assert client.get("/cases/map/points.json").json()["points"] == [] or chips.ticket not in client.get("/cases/map/points.json").content.decode()
    chips.refresh_from_db()
    assert (chips.state, CaseEvent.objects.count(), AuditEvent.objects.count()) == ("new", *before)
    assert Client().get(f"/cases/{chips.pk}/").status_code == 302  # to the login page


@pytest.mark.django_db
def test_office_roles_without_a_team_cannot_open_case_pages(client_for, db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="dispar.festival")
    assert client_for(user).get("/cases/").status_code == 403


@pytest.mark.django_db
def test_team_works_a_case_through_the_page(client_for, users, jambewangi):
    chips = services.case_raise(actor=PUBLIC, category_code="chips", village=jambewangi, title="Sakit", answers={"condition": "bedridden", "patient_age": 71})
    client = client_for(users["puskesmas"])
    page = client.get(f"/cases/{chips.pk}/").content.decode()
    assert "Terbaring, tidak bisa bangun" in page and "71" in page
    assert client.post(f"/cases/{chips.pk}/", {"action": "acknowledge"}).status_code == 302
    today = timezone.localdate()
    assert client.post(f"/cases/{chips.pk}/", {"action": "visit", "visited_on": today.isoformat(), "visitors": "dr. Rina, Agus (relawan)",
                                               "findings": "Tekanan darah 180/100", "outcome": "referred_puskesmas", "follow_up": "Antar ke Puskesmas",
                                               "follow_up_on": (today + dt.timedelta(days=2)).isoformat()}).status_code == 302
    bad = client.post(f"/cases/{chips.pk}/", {"action": "visit", "visited_on": (today + dt.timedelta(days=1)).isoformat(), "visitors": "x", "findings": "y", "outcome": "treated_at_home"})
    assert bad.status_code == 400 and "Tanggal kunjungan tidak boleh di masa depan." in bad.content.decode()
    assert client.post(f"/cases/{chips.pk}/", {"action": "resolve", "resolution": "resolved", "note": "Dirawat"}).status_code == 302
    chips.refresh_from_db()
    assert (chips.state, chips.visits.count()) == ("resolved", 1)
    assert list(chips.events.values_list("kind", flat=True)) == ["created", "acknowledged", "visit", "resolved"]


@pytest.mark.django_db
def test_staff_can_merge_duplicates(client_for, users, kemiren):
    a = services.case_raise(actor=PUBLIC, category_code="general", village=kemiren, title="Lampu mati", latitude=kemiren.latitude, longitude=kemiren.longitude)
    b = services.case_raise(actor=PUBLIC, category_code="general", village=kemiren, title="Lampu jalan mati", latitude=kemiren.latitude, longitude=kemiren.longitude)
    client = client_for(users["operator"])
    assert a.ticket in client.get(f"/cases/{b.pk}/").content.decode()  # offered as a likely duplicate
    assert client.post(f"/cases/{b.pk}/", {"action": "merge", "into": a.ticket}).status_code == 302
    b.refresh_from_db()
    assert (b.state, b.is_open, b.merged_into_id) == ("closed", False, a.pk)
    assert a.ticket in Client().get(f"/cases/t/{b.ticket}/").content.decode()


@pytest.mark.django_db
def test_map_points_and_stats(client_for, users, jambewangi, kemiren):
    police = services.case_raise(actor=PUBLIC, category_code="barisan_siap", village=jambewangi, title="Maling", answers={"complaint_kind": "security"},
                                 latitude=jambewangi.latitude, longitude=jambewangi.longitude)
    client = client_for(users["bhabin"])
    assert client.get("/cases/map/").status_code == 200
    points = client.get("/cases/map/points.json?category=barisan_siap").json()["points"]
    tickets = {p["ticket"] for p in points}
    assert police.ticket in tickets
    assert all(p["category"] == "barisan_siap" for p in points)
    assert client.get("/cases/map/points.json?category=chips").json()["points"] == []
    resolved = client.get("/cases/map/points.json?state=resolved").json()["points"]
    assert police.ticket not in {p["ticket"] for p in resolved}
    stats = client_for(users["admin"]).get("/cases/stats/").content.decode()
    assert "Bhabinkamtibmas Jambewangi" in stats and "Sempu" in stats


@pytest.mark.django_db
def test_photos_are_served_to_the_team_only(client_for, users, jambewangi, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = services.case_raise(actor=PUBLIC, category_code="barisan_siap", village=jambewangi, title="Coretan", answers={"complaint_kind": "order"},
                               photos=[SimpleUploadedFile("a.png", png(), content_type="image/png")])
    photo = case.photos.get()
    url = f"/cases/{case.pk}/photo/{photo.pk}/"
    response = client_for(users["bhabin"]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client_for(users["operator"]).get(url).status_code == 404
    assert Client().get(url).status_code == 302


@pytest.mark.django_db
def test_english_switch(jambewangi):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/cases/report/"})
    page = client.get("/cases/report/").content.decode()
    assert "Report to the Banyuwangi Regency Government" in page and "Use my location" in page


@pytest.mark.django_db
def test_opening_a_case_about_a_resident_is_audited(client_for, users, jambewangi):
    from smartkampung.registry.models import Person

    woman = Person.objects.filter(village=jambewangi, sex="F").order_by("id").first()
    case = services.case_raise(actor=actor(users["puskesmas"]), category_code="high_risk_pregnancy", village=jambewangi, title="Bumil risti",
                               subject_person=woman, answers={"due_date": "2026-12-24"})
    before = AuditEvent.objects.filter(action="case.view", object_id=str(case.pk)).count()
    page = client_for(users["puskesmas"]).get(f"/cases/{case.pk}/").content.decode()
    assert woman.name in page
    views = AuditEvent.objects.filter(action="case.view", object_id=str(case.pk))
    assert (before, views.count(), views.get().actor.username, views.get().changes) == (0, 1, "puskesmas.sempu", {"subject_person": woman.pk})
    assert woman.name not in Client().get(f"/cases/t/{case.ticket}/").content.decode()
