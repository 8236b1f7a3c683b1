"""Rantang Kasih pages and API: what each role sees, refusals that change nothing, the provider's phone
page, downloads parsed back, the map's JSON, the eligible-but-not-served list and the English switch."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.utils import timezone

from smartkampung.core.models import AuditEvent
from smartkampung.meals import services
from smartkampung.meals.models import Delivery, Provider
from smartkampung.programmes.services import person_facts_refresh
from tests.meals.conftest import SYSTEM, only_here

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def setup(provider_at, elder, kemiren, jambewangi):
    provider = provider_at(kemiren, capacity=5, login="warung.halaman")
    here, there = elder(kemiren), elder(jambewangi)
    only_here([provider], [here, there])
    services.assignment_run(actor=SYSTEM)  # Jambewangi is ~40 km away: unserved
    services.rounds_plan(actor=SYSTEM, date=TODAY)
    client = Client()
    client.login(username="warung.halaman", password="rahasia-warung")
    return provider, here, there, client


def test_staff_pages_render_for_the_office(client_for, users, setup):
    provider, here, there, _ = setup
    client = client_for(users["analyst"])
    for url in ("/meals/", "/meals/providers/", f"/meals/providers/{provider.pk}/", "/meals/recipients/", "/meals/assignment/",
                f"/meals/rounds/?date={TODAY.isoformat()}", f"/meals/rounds/{provider.pk}/{TODAY.isoformat()}/", "/meals/map/",
                "/meals/recap/", "/meals/coverage/", "/meals/deaths/", f"/meals/recipients/{here.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get("/meals/assignment/").content.decode()
    assert "Jambewangi" in page and "Tidak ada penyedia dekat" in page


def test_village_operator_sees_only_their_village(client_for, users, setup):
    _provider, here, there, _ = setup
    client = client_for(users["operator"])
    listing = client.get("/meals/recipients/").content.decode()
    assert here.person.name in listing and there.person.name not in listing
    views = AuditEvent.objects.filter(action="meals.recipient_view").count()
    assert client.get(f"/meals/recipients/{there.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="meals.recipient_view").count() == views
    assert client.get(f"/meals/recipients/{here.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="meals.recipient_view", object_id=str(here.pk)).count() == 1
    data = client.get("/meals/map/data.json").json()
    assert {r["id"] for r in data["recipients"]} == {here.pk}


def test_operator_cannot_register_a_provider(client_for, users, kemiren):
    before = Provider.objects.count()
    response = client_for(users["operator"]).post("/meals/providers/new/", {"name": "X", "owner_name": "Y", "address": "Z", "village": kemiren.code,
                                                                            "latitude": "-8.2", "longitude": "114.33", "daily_capacity": "5", "price_per_portion": "12000"})
    assert response.status_code == 403
    assert Provider.objects.count() == before


def test_provider_form_shows_a_clear_error_and_saves_nothing(client_for, users, kemiren):
    before = Provider.objects.count()
    response = client_for(users["analyst"]).post("/meals/providers/new/", {
        "name": "Warung Baru", "owner_name": "Bu Ani", "address": "Jl. Baru", "village": kemiren.code, "latitude": "", "longitude": "",
        "daily_capacity": "10", "price_per_portion": "12000", "days_served": ["1", "2"]})
    assert response.status_code == 400
    assert "Titik peta (lintang dan bujur) wajib diisi." in response.content.decode()
    assert Provider.objects.count() == before
    response = client_for(users["analyst"]).post("/meals/providers/new/", {
        "name": "Warung Baru", "owner_name": "Bu Ani", "address": "Jl. Baru", "village": kemiren.code, "latitude": "-8.2040", "longitude": "114.3280",
        "daily_capacity": "0", "price_per_portion": "12000", "days_served": ["1", "2"]})
    assert response.status_code == 400 and Provider.objects.count() == before
    response = client_for(users["analyst"]).post("/meals/providers/new/", {
        "name": "Warung Baru", "owner_name": "Bu Ani", "address": "Jl. Baru", "village": kemiren.code, "latitude": "-8.2040", "longitude": "114.3280",
        "daily_capacity": "10", "price_per_portion": "12000", "days_served": ["1", "2"]})
    assert response.status_code == 302
    made = Provider.objects.get(name="Warung Baru")
    assert (made.days_served, made.daily_capacity, made.village_id) == ("12", 10, kemiren.pk)


def test_provider_phone_page_marks_today_and_refuses_a_second_mark(setup):
    provider, here, _there, client = setup
    page = client.get("/meals/provider/").content.decode()
    assert here.person.name in page and "Diterima" in page
    response = client.post("/meals/provider/mark/", {"recipient": here.pk, "outcome": "delivered", "latitude": "-8.2031", "longitude": "114.3300"})
    assert response.status_code == 302
    entry = Delivery.objects.get(recipient=here)
    assert (entry.outcome, entry.portions, entry.latitude, entry.by_label) == ("delivered", 2, -8.2031, "warung.halaman")
    response = client.post("/meals/provider/mark/", {"recipient": here.pk, "outcome": "refused"}, follow=True)
    assert "Makanan ini sudah ditandai; koreksi tandanya, jangan menandai lagi." in response.content.decode()
    client.cookies["django_language"] = "en"
    response = client.post("/meals/provider/mark/", {"recipient": here.pk, "outcome": "refused"}, follow=True)
    assert "This meal is already marked; correct the mark instead of marking it again." in response.content.decode()
    assert Delivery.objects.filter(recipient=here).count() == 1


def test_provider_login_has_no_staff_or_registry_access(setup):
    _provider, _here, there, client = setup
    assert client.get("/meals/").status_code == 403
    assert client.get(f"/meals/recipients/{there.pk}/").status_code == 403
    assert client.get("/registry/").status_code == 403
    response = client.post("/api/v1/meals/deliveries", json.dumps({"recipient_id": there.pk, "outcome": "delivered"}), content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "not_on_round"
    assert not Delivery.objects.filter(recipient=there).exists()


def test_staff_page_refuses_a_provider_round_of_another_provider(setup, provider_at, kemiren):
    provider, _here, _there, _client = setup
    provider_at(kemiren, login="warung.intip")
    other = Client()
    other.login(username="warung.intip", password="rahasia-warung")
    response = other.get(f"/api/v1/meals/rounds/{provider.pk}/{TODAY.isoformat()}")
    assert response.status_code == 403


def test_api_marks_and_corrects_through_the_provider_session(setup):
    provider, here, _there, client = setup
    response = client.get(f"/api/v1/meals/rounds/{provider.pk}/{TODAY.isoformat()}")
    assert response.status_code == 200
    assert [s["recipient_id"] for s in response.json()["stops"]] == [here.pk]
    response = client.post("/api/v1/meals/deliveries", json.dumps({"recipient_id": here.pk, "outcome": "not_home"}), content_type="application/json")
    assert response.status_code == 201
    first = response.json()["id"]
    again = client.post("/api/v1/meals/deliveries", json.dumps({"recipient_id": here.pk, "outcome": "not_home"}), content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "duplicate"
    fixed = client.post(f"/api/v1/meals/deliveries/{first}/corrections", json.dumps({"outcome": "delivered", "note": "ada di kebun"}), content_type="application/json")
    assert fixed.status_code == 201 and fixed.json()["corrects_id"] == first
    assert list(Delivery.objects.filter(recipient=here).order_by("id").values_list("outcome", flat=True)) == ["not_home", "delivered"]


def test_api_provider_bad_input_is_json(client_for, users, kemiren):
    client = client_for(users["analyst"])
    before = Provider.objects.count()
    body = {"name": "W", "owner_name": "O", "address": "A", "village_code": kemiren.code, "daily_capacity": 5, "price_per_portion": 12000}
    response = client.post("/api/v1/meals/providers", json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and response.json() == {"code": "missing_point", "message": "Titik peta (lintang dan bujur) wajib diisi.", "field": "latitude"}
    client.cookies["django_language"] = "en"
    response = client.post("/api/v1/meals/providers", json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and response.json() == {"code": "missing_point", "message": "A map point (latitude and longitude) is required.", "field": "latitude"}
    client.cookies.pop("django_language")
    response = client.post("/api/v1/meals/providers", json.dumps({**body, "latitude": -8.204, "longitude": 114.328, "daily_capacity": 0}), content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "daily_capacity"
    assert Provider.objects.count() == before
    response = client.post("/api/v1/meals/providers", json.dumps({**body, "latitude": -8.204, "longitude": 114.328}), content_type="application/json")
    assert response.status_code == 201 and response.json()["daily_capacity"] == 5


def test_recap_download_parses_back_and_is_refused_to_others(client_for, users, setup):
    provider, here, _there, client = setup
    client.post("/meals/provider/mark/", {"recipient": here.pk, "outcome": "delivered"})
    month = TODAY.strftime("%Y-%m")
    office = client_for(users["analyst"])
    rows = list(csv.reader(io.StringIO(office.get(f"/meals/recap/{month}/{provider.pk}.csv").content.decode())))
    assert rows[1] == [TODAY.isoformat(), str(here.pk), here.village.name, "2", "12000", "24000"]
    assert rows[-1] == ["TOTAL", "1", "", "2", "", "24000"]
    assert office.get(f"/meals/recap/{month}/{provider.pk}.pdf")["Content-Type"] == "application/pdf"
    assert client.get(f"/meals/recap/{month}/{provider.pk}.csv").status_code == 200  # the provider itself
    assert client_for(users["operator"]).get(f"/meals/recap/{month}/{provider.pk}.csv").status_code == 403
    assert office.get(f"/meals/recap/2026-13/{provider.pk}.csv").status_code == 400


def test_eligible_but_not_served_lists_the_unassigned(client_for, users, setup):
    _provider, here, there, _ = setup
    person_facts_refresh()
    page = client_for(users["analyst"]).get("/meals/coverage/?village=" + there.village.code).content.decode()
    assert there.person.name in page and "terdaftar, belum ada penyedia" in page
    assert here.person.name not in page
    home = client_for(users["analyst"]).get("/meals/").content.decode()
    assert "Jambewangi" in home


def test_death_is_confirmed_by_the_village_on_the_page(client_for, users, setup):
    provider, here, _there, client = setup
    client.post("/meals/provider/mark/", {"recipient": here.pk, "outcome": "deceased"})
    operator = client_for(users["operator"])
    assert here.person.name in operator.get("/meals/deaths/").content.decode()
    response = operator.post(f"/meals/recipients/{here.pk}/", {"action": "confirm_death", "date_of_death": TODAY.isoformat()})
    assert response.status_code == 302
    here.refresh_from_db()
    provider.refresh_from_db()
    assert (here.state, here.provider_id, provider.assigned) == ("ended", None, 0)


def test_back_from_hospital_is_resumed_by_the_village_on_the_page(client_for, users, setup):
    provider, here, _there, client = setup
    client.post("/meals/provider/mark/", {"recipient": here.pk, "outcome": "in_hospital"})
    here.refresh_from_db()
    assert here.state == "in_hospital"
    operator = client_for(users["operator"])
    page = operator.get(f"/meals/recipients/{here.pk}/").content.decode()
    assert 'data-testid="resume"' in page and "Dirawat di rumah sakit (pengantaran berhenti)" in page
    assert client_for(users["puskesmas"]).post(f"/meals/recipients/{here.pk}/", {"action": "resume"}).status_code == 404  # not their area
    here.refresh_from_db()
    assert here.state == "in_hospital"  # refused: nothing changed
    response = operator.post(f"/meals/recipients/{here.pk}/", {"action": "resume"})
    assert response.status_code == 302
    here.refresh_from_db()
    provider.refresh_from_db()
    assert (here.state, here.provider_id) == ("active", provider.pk)


def test_english_switch(client_for, users):
    client = client_for(users["analyst"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/meals/"})
    page = client.get("/meals/").content.decode()
    assert "Providers" in page and "Penyedia" not in page.split("<main>")[1]


def test_rounds_page_plans_the_day(client_for, users, setup):
    provider, here, _there, _ = setup
    tomorrow = TODAY + dt.timedelta(days=1)
    response = client_for(users["analyst"]).post("/meals/rounds/", {"date": tomorrow.isoformat()})
    assert response.status_code == 302
    page = client_for(users["analyst"]).get(f"/meals/rounds/{provider.pk}/{tomorrow.isoformat()}/").content.decode()
    assert here.person.name in page
    assert client_for(users["operator"]).post("/meals/rounds/", {"date": tomorrow.isoformat()}).status_code == 403
