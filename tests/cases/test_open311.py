"""Open311 GeoReport v2: answers validated against the GeoReport v2 JSON schemas (tests/cases/open311_schemas,
Draft 4, read with jsonschema) and XML parsed back with xmltodict (over defusedxml's expat)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import jsonschema
import pytest
import xmltodict
from defusedxml.ElementTree import fromstring as safe_xml
from django.utils import timezone
from PIL import Image
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from smartkampung.cases import services
from smartkampung.cases.models import Case, CaseEvent, Open311Key
from smartkampung.core.audit import Actor
from tests.conftest import actor

SCHEMAS = Path(__file__).parent / "open311_schemas"
PUBLIC = Actor(user=None, ip="198.51.100.7", via="web")


def _registry() -> Registry:
    resources = [(path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT4)) for path in SCHEMAS.glob("*.json")]
    return Registry().with_resources(resources)


def validate(instance, name: str) -> None:
    schema = json.loads((SCHEMAS / name).read_text())
    jsonschema.Draft4Validator(schema, registry=_registry(), format_checker=jsonschema.FormatChecker()).validate(instance)


def xml(response) -> dict:
    safe_xml(response.content)  # refuses entities and DTD tricks: the answer is plain, safe XML
    return xmltodict.parse(response.content)


@pytest.fixture
def api_key(db):
    _key, raw = services.open311_key_create(actor=Actor.system("tests"), name="Aplikasi Banyuwangi Smart Kampung")
    return raw


@pytest.fixture
def open_cases(jambewangi, kemiren):
    made = {
        "complaint": services.case_raise(actor=PUBLIC, category_code="barisan_siap", village=jambewangi, title="Balap liar tiap malam",
                                         description="Di jalan dusun Krajan setiap malam Minggu.", latitude=jambewangi.latitude, longitude=jambewangi.longitude,
                                         answers={"complaint_kind": "traffic"}, reporter_name="Sutrisno", reporter_contact="0812-3456-7890", anonymous=True),
        "secret": services.case_raise(actor=PUBLIC, category_code="barisan_siap", village=jambewangi, title="Pungli di pasar",
                                      answers={"complaint_kind": "order"}, confidential=True),
        "chips": services.case_raise(actor=PUBLIC, category_code="chips", village=jambewangi, title="Mbah Sarip sakit", answers={"condition": "bedridden"}),
        "usul": services.case_raise(actor=PUBLIC, category_code="usul", village=kemiren, title="Usul bansos", source="cekbansos", source_ref="usul:9"),
        "lamp": services.case_raise(actor=PUBLIC, category_code="general", village=kemiren, title="Lampu jalan mati", description="Depan balai desa."),
    }
    return made


def test_discovery_json_and_xml(client):
    body = client.get("/open311/v2/discovery.json").json()
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert body["endpoints"][0]["url"] == "http://testserver/open311/v2/"
    assert body["endpoints"][0]["formats"] == ["application/json", "text/xml"]
    parsed = xml(client.get("/open311/v2/discovery.xml"))
    assert parsed["discovery"]["endpoints"]["endpoint"]["formats"]["format"] == ["application/json", "text/xml"]


@pytest.mark.django_db
def test_services_are_the_public_categories_only(client):
    body = client.get("/open311/v2/services.json").json()
    validate(body, "services.json")
    assert [s["service_code"] for s in body] == ["chips", "barisan_siap", "high_risk_pregnancy", "rtlh", "general"]
    assert {s["service_code"]: s["metadata"] for s in body} == {"chips": True, "barisan_siap": True, "high_risk_pregnancy": True, "rtlh": True, "general": False}
    parsed = xml(client.get("/open311/v2/services.xml"))
    assert [s["service_code"] for s in parsed["services"]["service"]] == ["chips", "barisan_siap", "high_risk_pregnancy", "rtlh", "general"]
    assert parsed["services"]["service"][0]["metadata"] == "true"


@pytest.mark.django_db
def test_service_definition_carries_the_questions(client):
    body = client.get("/open311/v2/services/rtlh.json").json()
    validate(body, "service-definition.json")
    damage = body["attributes"][0]
    assert (damage["code"], damage["datatype"], damage["required"], damage["variable"], damage["order"]) == ("damage", "multivaluelist", True, True, 1)
    assert [v["key"] for v in damage["values"]] == ["roof", "wall", "floor", "toilet", "water"]
    parsed = xml(client.get("/open311/v2/services/rtlh.xml"))
    values = parsed["service_definition"]["attributes"]["attribute"][0]["values"]["value"]
    assert [v["key"] for v in values] == ["roof", "wall", "floor", "toilet", "water"]
    for missing in ("usul", "nothing"):
        response = client.get(f"/open311/v2/services/{missing}.json")
        assert response.status_code == 404
        validate(response.json(), "errors.json")
        assert response.json() == [{"code": 404, "description": f"service_code tidak ditemukan: {missing}"}]


@pytest.mark.django_db
def test_get_requests_hides_confidential_system_and_personal_data(client, open_cases):
    response = client.get("/open311/v2/requests.json")
    body = response.json()
    validate(body, "requests.json")
    tickets = [r["service_request_id"] for r in body]
    assert tickets == [open_cases["lamp"].ticket, open_cases["complaint"].ticket]  # newest first; no secret, chips or usul
    complaint = body[1]
    assert complaint["status"] == "open" and complaint["service_code"] == "barisan_siap"
    assert complaint["agency_responsible"] == "Bhabinkamtibmas Jambewangi"
    assert complaint["address_id"] == "35.10.20.2002"
    assert complaint["requested_datetime"].endswith("+07:00")
    text = response.content.decode()
    for private in ("Sutrisno", "0812-3456-7890", "Pungli", "Mbah Sarip", "Usul bansos"):
        assert private not in text
    parsed = xml(client.get("/open311/v2/requests.xml"))
    assert [r["service_request_id"] for r in parsed["service_requests"]["request"]] == tickets


@pytest.mark.django_db
def test_get_requests_filters(client, open_cases):
    lamp, complaint = open_cases["lamp"].ticket, open_cases["complaint"].ticket
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json?service_code=general").json()] == [lamp]
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json?service_code=general,barisan_siap&status=open").json()] == [lamp, complaint]
    assert client.get("/open311/v2/requests.json?status=closed").json() == []
    services.case_resolve(actor=actor_for("operator"), case=open_cases["lamp"], resolution="resolved", note="Lampu diganti")
    closed = client.get("/open311/v2/requests.json?status=closed").json()
    assert [(r["service_request_id"], r["status"], r["expected_datetime"]) for r in closed] == [(lamp, "closed", None)]
    ids = client.get(f"/open311/v2/requests.json?service_request_id={complaint},{open_cases['secret'].ticket}&status=closed").json()
    assert [r["service_request_id"] for r in ids] == [complaint]  # ids ignore the other filters; the confidential one stays hidden
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert client.get(f"/open311/v2/requests.json?start_date={tomorrow}T00:00:00%2B07:00").json() == []
    old = client.get("/open311/v2/requests.json?start_date=2020-01-01T00:00:00+07:00&end_date=2020-03-01T00:00:00+07:00").json()
    assert old == []


def actor_for(key):
    from django.contrib.auth import get_user_model

    names = {"operator": "operator.kemiren"}
    return actor(get_user_model().objects.get(username=names[key]))


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "description", "english"), [
    ("start_date=2026-01-01T00:00:00%2B07:00&end_date=2026-06-01T00:00:00%2B07:00", "Rentang antara start_date dan end_date paling lama 90 hari.",
     "The window between start_date and end_date is at most 90 days."),
    ("start_date=yesterday", "start_date harus berupa tanggal-waktu ISO-8601, misalnya 2026-11-01T00:00:00+07:00",
     "start_date must be an ISO-8601 date-time, e.g. 2026-11-01T00:00:00+07:00"),
    ("status=pending", "status berisi open, closed, atau keduanya dipisah koma.", "status is open, closed, or both separated by a comma."),
    ("end_date=2026-01-01T00:00:00%2B07:00&start_date=2026-02-01T00:00:00%2B07:00", "end_date lebih awal dari start_date.", "end_date is before start_date."),
])
def test_get_requests_refuses_bad_filters(client, query, description, english):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    validate(response.json(), "errors.json")
    assert response.json() == [{"code": 400, "description": description}]
    parsed = xml(client.get(f"/open311/v2/requests.xml?{query}"))
    assert parsed["errors"]["error"] == {"code": "400", "description": description}
    client.cookies["django_language"] = "en"  # the English switch: the description follows it, the protocol's names do not
    assert client.get(f"/open311/v2/requests.json?{query}").json() == [{"code": 400, "description": english}]
    assert xml(client.get(f"/open311/v2/requests.xml?{query}"))["errors"]["error"] == {"code": "400", "description": english}


@pytest.mark.django_db
def test_window_is_90_days_and_1000_rows(client, jambewangi, monkeypatch):
    from smartkampung.cases import open311

    case = services.case_raise(actor=PUBLIC, category_code="general", village=jambewangi, title="Jalan rusak")
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - dt.timedelta(days=91))
    recent = services.case_raise(actor=PUBLIC, category_code="general", village=jambewangi, title="Jalan rusak lagi")
    tickets = [r["service_request_id"] for r in client.get("/open311/v2/requests.json?service_code=general").json()]
    assert case.ticket not in tickets and recent.ticket in tickets
    monkeypatch.setattr(open311, "MAX_RESULTS", 1)
    assert len(client.get("/open311/v2/requests.json").json()) == 1


@pytest.mark.django_db
def test_single_request_and_404(client, open_cases):
    ticket = open_cases["complaint"].ticket
    body = client.get(f"/open311/v2/requests/{ticket}.json").json()
    validate(body, "requests.json")
    assert [r["service_request_id"] for r in body] == [ticket]
    assert xml(client.get(f"/open311/v2/requests/{ticket}.xml"))["service_requests"]["request"]["service_request_id"] == ticket
    for hidden in (open_cases["secret"].ticket, open_cases["chips"].ticket, "BWI-26-999999"):
        response = client.get(f"/open311/v2/requests/{hidden}.json")
        assert response.status_code == 404 and response.json() == [{"code": 404, "description": f"service_request_id tidak ditemukan: {hidden}"}]


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 200, 10)).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.django_db
def test_post_request_with_key_attributes_and_token(client, api_key, jambewangi, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    media = io.BytesIO(jpeg())
    media.name = "foto.jpg"
    response = client.post("/open311/v2/requests.json", {
        "api_key": api_key, "service_code": "rtlh", "lat": str(jambewangi.latitude + 0.002), "long": str(jambewangi.longitude),
        "description": "Rumah Mbok Sumi hampir roboh\nAtap bocor, dinding bambu lapuk.", "attribute[damage][]": ["roof", "wall"],
        "attribute[owns_land]": "ya", "first_name": "Hadi", "last_name": "S", "email": "hadi@example.org", "media": media,
    })
    assert response.status_code == 201, response.content
    body = response.json()
    validate(body, "post-response.json")
    case = Case.objects.get(ticket=body[0]["service_request_id"])
    assert (case.category.code, case.village, case.source, case.answers) == ("rtlh", jambewangi, "open311", {"damage": ["roof", "wall"], "owns_land": "ya"})
    assert (case.title, case.reporter_name, case.reporter_contact, case.photos.count()) == ("Rumah Mbok Sumi hampir roboh", "Hadi S", "hadi@example.org", 1)
    assert body[0]["token"] == case.token
    token = client.get(f"/open311/v2/tokens/{case.token}.json").json()
    assert token == [{"service_request_id": case.ticket, "token": case.token}]
    assert client.get("/open311/v2/tokens/nope.json").status_code == 404
    assert Open311Key.objects.get().last_used_at is not None
    parsed = xml(client.post("/open311/v2/requests.xml", {"api_key": api_key, "service_code": "general", "address_id": "35.10.20.2002", "description": "Got"}))
    assert parsed["service_requests"]["request"]["service_request_id"].startswith("BWI-")


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "status", "description", "english"), [
    ({"api_key": "wrong"}, 403, "api_key tidak ada atau tidak sah", "api_key is missing or not valid"),
    ({"api_key": ""}, 403, "api_key tidak ada atau tidak sah", "api_key is missing or not valid"),
    ({"service_code": ""}, 400, "service_code wajib diisi", "service_code is required"),
    ({"service_code": "usul"}, 400, "service_code tidak ditemukan: usul", "service_code not found: usul"),
    ({"service_code": "barisan_siap", "address_id": "35.10.20.2002"}, 400, "Jawab pertanyaan: Jenis pengaduan. (answers.complaint_kind)",
     "Answer the question: Jenis pengaduan. (answers.complaint_kind)"),
    ({"service_code": "general", "lat": "-6.2", "long": "106.8"}, 400, "Titik ini berada di luar Kabupaten Banyuwangi. (lat)",
     "The point is outside Kabupaten Banyuwangi. (lat)"),
    ({"service_code": "general"}, 400, "Lokasi wajib diisi: lat dan long, atau address_id (kode desa)",
     "Location is required: lat and long, or address_id (a village code)"),
    ({"service_code": "general", "address_id": "35.10.20"}, 400, "address_id berisi kode Kemendagri sebuah desa di Banyuwangi, misalnya 35.10.20.2002",
     "address_id is the Kemendagri code of a village in Banyuwangi, e.g. 35.10.20.2002"),
    ({"service_code": "general", "address_id": "35.10.20.2002", "media": "notafile"}, 201, None, None),
])
def test_post_request_errors_store_nothing(client, api_key, data, status, description, english):
    payload = {"api_key": api_key, "description": "Laporan", **data}
    before = (Case.objects.count(), CaseEvent.objects.count())
    response = client.post("/open311/v2/requests.json", payload)
    assert response.status_code == status
    if description is not None:
        validate(response.json(), "errors.json")
        assert response.json() == [{"code": status, "description": description}]
        client.cookies["django_language"] = "en"
        in_english = client.post("/open311/v2/requests.json", payload)
        assert (in_english.status_code, in_english.json()) == (status, [{"code": status, "description": english}])
        assert (Case.objects.count(), CaseEvent.objects.count()) == before


@pytest.mark.django_db
def test_post_rejects_a_fake_image(client, api_key):
    fake = io.BytesIO(b"GIF89a but not really")
    fake.name = "x.jpg"
    before = Case.objects.count()
    form = {"api_key": api_key, "service_code": "general", "address_id": "35.10.20.2002", "description": "x", "media": fake}
    response = client.post("/open311/v2/requests.json", form)
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": "Berkas ini bukan gambar (JPEG, PNG atau WebP). (photos)"}]
    fake.seek(0)
    client.cookies["django_language"] = "en"
    in_english = client.post("/open311/v2/requests.json", form)
    assert in_english.json() == [{"code": 400, "description": "The file is not an image (JPEG, PNG or WebP). (photos)"}]
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_revoked_key_is_refused(client, api_key):
    services.open311_key_revoke(actor=Actor.system("tests"), key=Open311Key.objects.get())
    response = client.post("/open311/v2/requests.json", {"api_key": api_key, "service_code": "general", "address_id": "35.10.20.2002"})
    assert response.status_code == 403


def test_unknown_jurisdiction_is_404(client):
    response = client.get("/open311/v2/services.json?jurisdiction_id=example.org")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "jurisdiction_id tidak ditemukan: layanan ini hanya melayani banyuwangikab.go.id"}]


@pytest.mark.django_db
def test_service_request_updates(client, open_cases, users):
    a = actor(users["operator"])
    lamp = open_cases["lamp"]
    services.case_acknowledge(actor=a, case=lamp)
    services.case_note_add(actor=a, case=lamp, note="Petugas PLN dijadwalkan Kamis", public=True)
    services.case_note_add(actor=a, case=lamp, note="Catatan internal: kabel dicuri", public=False)
    services.case_resolve(actor=a, case=lamp, resolution="resolved", note="Lampu sudah menyala")
    bhabin = actor(users["bhabin"])
    services.case_acknowledge(actor=bhabin, case=open_cases["secret"])
    body = client.get("/open311/v2/servicerequestupdates.json").json()
    validate(body, "servicerequestupdates.json")
    assert [(u["service_request_id"], u["status"], u["description"]) for u in body] == [
        (lamp.ticket, "action_scheduled", "Diterima oleh tim"),
        (lamp.ticket, "action_scheduled", "Petugas PLN dijadwalkan Kamis"),
        (lamp.ticket, "fixed", "Lampu sudah menyala"),
    ]
    assert all(u["updated_datetime"].endswith("+07:00") for u in body)
    parsed = xml(client.get("/open311/v2/servicerequestupdates.xml"))
    assert [u["description"] for u in parsed["service_requests_updates"]["request_update"]] == [u["description"] for u in body]


def test_wrong_method_and_format(client):
    assert client.delete("/open311/v2/requests.json").status_code == 405
    assert client.get("/open311/v2/requests.csv").status_code == 404
