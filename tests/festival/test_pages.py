"""Festival pages: the public list and month calendar, the event page, the staff programme."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from smartkampung.festival import services
from smartkampung.festival.models import Event
from tests.conftest import actor
from tests.market.conftest import png_bytes

pytestmark = pytest.mark.django_db


def _soon(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_list_shows_upcoming_public_events_not_drafts(new_event):
    coming = new_event("Festival Kuwung Uji", day=_soon(10))
    new_event("Draf Rahasia", day=_soon(11), publish=False)
    new_event("Sudah Lewat", day=_soon(-30))
    page = Client().get("/festival/").content.decode()
    assert "Festival Kuwung Uji" in page and "Draf Rahasia" not in page and "Sudah Lewat" not in page
    assert f"/festival/acara/{coming.slug}/" in page and "webcal://" in page
    by_category = Client().get("/festival/", {"kategori": "olahraga"}).content.decode()
    assert "Festival Kuwung Uji" not in by_category


def test_month_calendar_puts_multi_day_events_on_each_day(new_event):
    event = new_event("Tour Uji", day=dt.date(2027, 9, 24), start_time=None, end_time=None, end_date=dt.date(2027, 9, 26))
    response = Client().get("/festival/kalender/2027/9/")
    days = {d.date.day: [e.pk for e in d.events] for week in response.context["weeks"] for d in week if d.date}
    assert [day for day, ids in days.items() if event.pk in ids] == [24, 25, 26]
    assert "September 2027" in response.content.decode()
    assert Client().get("/festival/kalender/2027/13/").status_code == 404


def test_event_page_with_map_and_cancelled_banner(new_event, tourism):
    event = new_event()
    page = Client().get(f"/festival/acara/{event.slug}/").content.decode()
    assert "Festival Ngopi Sepuluh Ewu" in page and "18.00–23.00 WIB" in page and "leaflet/leaflet" in page
    config = json.loads(page.split('id="festival-map-config" type="application/json">')[1].split("</script>")[0])
    assert (config["lat"], config["lon"], config["tiles"]) == (event.latitude, event.longitude, "")
    services.event_cancel(actor=actor(tourism), event=event, reason="Hujan deras")
    assert "Acara ini dibatalkan. Hujan deras" in Client().get(f"/festival/acara/{event.slug}/").content.decode()
    draft = new_event("Draf", publish=False)
    assert Client().get(f"/festival/acara/{draft.slug}/").status_code == 404


def test_staff_create_edit_and_bad_input_on_the_form(tourism, kemiren, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(tourism)
    form = {"title": "Festival Uji Sego Tempong", "category": "kuliner", "start_date": "2027-06-12", "end_date": "2027-06-11",
            "start_time": "", "end_time": "", "venue": "Taman Sritanjung", "village": kemiren.code}
    bad = client.post("/festival/staf/acara/baru/", form)
    assert bad.status_code == 400 and "Acara tidak bisa selesai sebelum dimulai." in bad.content.decode()
    assert not Event.objects.filter(title="Festival Uji Sego Tempong").exists()
    made = client.post("/festival/staf/acara/baru/", {**form, "end_date": "2027-06-12", "start_time": "10:00", "end_time": "15:00", "publish": "1"})
    event = Event.objects.get(title="Festival Uji Sego Tempong")
    assert made["Location"] == f"/festival/staf/acara/{event.pk}/" and event.status == "published"
    not_image = client.post(made["Location"], {"action": "image", "image": SimpleUploadedFile("a.jpg", b"hello")})
    assert not_image.status_code == 400 and "bukan gambar" in not_image.content.decode()
    client.post(made["Location"], {"action": "image", "image": SimpleUploadedFile("a.png", png_bytes()), "caption": "Sego tempong"})
    image = event.images.get()
    assert Client().get(f"/festival/gambar/{image.pk}/kecil.jpg").status_code == 200
    client.post(made["Location"], {**form, "end_date": "2027-06-12", "start_time": "11:00", "end_time": "16:00", "action": "save"})
    event.refresh_from_db()
    assert (event.sequence, timezone.localtime(event.starts_at).hour) == (1, 11)
    programme = client.get("/festival/staf/", {"tahun": 2027}).content.decode()
    assert "Festival Uji Sego Tempong" in programme


def test_staff_pages_refuse_others_and_change_nothing(new_event, users, client_for):
    from django.contrib.auth import get_user_model

    event = new_event()
    for outsider in (users["operator"], get_user_model().objects.get(username="dinkop.umkm")):
        client = client_for(outsider)
        assert client.get("/festival/staf/").status_code == 403
        assert client.post(f"/festival/staf/acara/{event.pk}/", {"action": "cancel", "reason": "iseng"}).status_code == 403
    assert Event.objects.get(pk=event.pk).status == "published"
    assert Client().get("/festival/staf/").status_code == 302


def test_english_switch():
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/festival/"})
    page = client.get("/festival/").content.decode()
    assert "Banyuwangi Festival events" in page and "Subscribe on your phone" in page
