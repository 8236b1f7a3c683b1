"""The registry's JSON API: answers, error shapes, authentication and area scoping route by route."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from smartkampung.core.audit import Actor
from smartkampung.core.models import AuditEvent
from smartkampung.core.services import token_issue, token_revoke
from smartkampung.registry.models import Household, Membership, Person
from tests.conftest import compose_kk, compose_nik

pytestmark = pytest.mark.django_db


def _json(response):
    return json.loads(response.content)


def test_health_answers_without_login():
    response = Client().get("/api/v1/health")
    assert (response.status_code, _json(response)) == (200, {"status": "ok"})


def test_openapi_schema_lists_the_registry():
    schema = _json(Client().get("/api/v1/openapi.json"))
    assert schema["info"]["title"] == "Smart Kampung API"
    assert {"/api/v1/registry/people", "/api/v1/registry/people/{person_id}", "/api/v1/registry/households/{household_id}/births"} <= set(schema["paths"])


def test_anonymous_gets_401_and_nothing(family, kemiren):
    _, head, *_ = family(kemiren)
    response = Client().get(f"/api/v1/registry/people/{head.pk}")
    assert response.status_code == 401
    assert _json(response)["code"] == "unauthorized"
    assert not AuditEvent.objects.filter(action="person.view").exists()


def test_search_by_nik_and_by_name_variant(client_for, users, family, kemiren):
    _, head, wife, child = family(kemiren)
    api = client_for(users["operator"])
    by_nik = _json(api.get("/api/v1/registry/people", {"nik": wife.nik}))
    assert [(p["id"], p["name"], p["village"], p["kecamatan"]) for p in by_nik] == [(wife.pk, "Siti Aminah", "Kemiren", "Glagah")]
    # "Muhammad Rizky" finds "Moch. Rizky Pratama": the name index canonicalises both sides.
    by_name = _json(api.get("/api/v1/registry/people", {"q": "muhammad rizky", "village": kemiren.code}))
    assert child.pk in [p["id"] for p in by_name]


def test_person_detail_is_audited_with_who_and_where(client_for, users, family, kemiren):
    _, head, *_ = family(kemiren)
    api = client_for(users["operator"])
    response = api.get(f"/api/v1/registry/people/{head.pk}", REMOTE_ADDR="203.0.113.7")
    body = _json(response)
    assert (response.status_code, body["nik"], body["household"]["relationship"]) == (200, head.nik, "kepala")
    view = AuditEvent.objects.filter(action="person.view", object_id=str(head.pk)).get()
    assert (view.actor, view.ip_address, view.via) == (users["operator"], "203.0.113.7", "api")


@pytest.mark.parametrize("who", ["operator", "bhabin", "kecamatan"])
def test_other_village_is_not_found_by_any_api_route(client_for, users, family, area, who):
    other = area("35.10.01.2001")  # a village in Pesanggaran: outside every one of these scopes
    household, head, *_ = family(other)
    api = client_for(users[who])
    views_before = AuditEvent.objects.filter(action__in=["person.view", "household.view"]).count()
    assert api.get(f"/api/v1/registry/people/{head.pk}").status_code == 404
    assert api.get(f"/api/v1/registry/households/{household.pk}").status_code == 404
    assert _json(api.get("/api/v1/registry/people", {"nik": head.nik})) == []
    assert api.get("/api/v1/registry/people", {"village": other.code}).status_code == 404
    assert api.get(f"/api/v1/areas/{other.code}").status_code == 404
    death = api.post(f"/api/v1/registry/people/{head.pk}/death", {"date_of_death": "2026-01-01"}, content_type="application/json")
    assert death.status_code == 404
    assert AuditEvent.objects.filter(action__in=["person.view", "household.view"]).count() == views_before
    head.refresh_from_db()
    assert head.date_of_death is None


def test_analyst_reads_everywhere_but_cannot_write(client_for, users, family, kemiren):
    household, head, *_ = family(kemiren)
    api = client_for(users["analyst"])
    assert api.get(f"/api/v1/registry/people/{head.pk}").status_code == 200
    response = api.post(f"/api/v1/registry/people/{head.pk}/death", {"date_of_death": "2026-01-01"}, content_type="application/json")
    assert (response.status_code, _json(response)["code"]) == (403, "forbidden")
    head.refresh_from_db()
    assert head.date_of_death is None
    assert not AuditEvent.objects.filter(action="person.death").exists()


def test_life_events_through_the_api(client_for, users, kemiren):
    api = client_for(users["operator"])
    kk = compose_kk(kemiren)
    created = api.post("/api/v1/registry/households", {"kk_number": kk, "village_code": kemiren.code, "rw": "4", "rt": "12", "dusun": "Krajan", "desil": 2}, content_type="application/json")
    assert created.status_code == 201, created.content
    household = _json(created)
    assert (household["kk_number"], household["rw"], household["rt"], household["desil"], household["members"]) == (kk, "004", "012", 2, [])
    born = dt.date(1970, 8, 17)
    head = api.post(f"/api/v1/registry/households/{household['id']}/members", {
        "nik": compose_nik(kemiren, sex="M", birth_date=born), "name": "Paiman", "sex": "M", "birth_date": born.isoformat(), "relationship": "kepala",
    }, content_type="application/json")
    assert head.status_code == 201, head.content
    baby_born = dt.date(2026, 11, 1)
    baby = api.post(f"/api/v1/registry/households/{household['id']}/births", {
        "nik": compose_nik(kemiren, sex="F", birth_date=baby_born), "name": "Dewi Sartika", "sex": "F", "birth_date": baby_born.isoformat(), "relationship": "cucu",
    }, content_type="application/json")
    assert baby.status_code == 201, baby.content
    final = _json(api.get(f"/api/v1/registry/households/{household['id']}"))
    assert [(m["name"], m["relationship"]) for m in final["members"]] == [("Paiman", "kepala"), ("Dewi Sartika", "cucu")]


def test_errors_are_json_with_code_message_field(client_for, users, family, kemiren):
    household, head, *_ = family(kemiren)
    api = client_for(users["operator"])
    before = Person.objects.count()
    bad_nik = api.post(f"/api/v1/registry/households/{household.pk}/members", {
        "nik": "12345", "name": "Budi", "sex": "M", "birth_date": "1990-01-01", "relationship": "anak"}, content_type="application/json")
    assert bad_nik.status_code == 400
    assert _json(bad_nik) == {"code": "invalid_nik", "message": "NIK harus tepat 16 digit (terisi 5).", "field": "nik"}
    api.cookies["django_language"] = "en"  # the message follows the language of the request
    bad_nik = api.post(f"/api/v1/registry/households/{household.pk}/members", {
        "nik": "12345", "name": "Budi", "sex": "M", "birth_date": "1990-01-01", "relationship": "anak"}, content_type="application/json")
    assert _json(bad_nik) == {"code": "invalid_nik", "message": "NIK must be exactly 16 digits (got 5).", "field": "nik"}
    del api.cookies["django_language"]
    unknown_village = api.post("/api/v1/registry/households", {"kk_number": compose_kk(kemiren), "village_code": "35.10.15.2999", "rw": "1", "rt": "1"}, content_type="application/json")
    assert (unknown_village.status_code, _json(unknown_village)["field"]) == (404, "village_code")
    missing = api.post(f"/api/v1/registry/people/{head.pk}/death", {}, content_type="application/json")
    assert (missing.status_code, _json(missing)["code"], _json(missing)["field"]) == (422, "invalid", "date_of_death")
    duplicate = api.post(f"/api/v1/registry/households/{household.pk}/members", {
        "nik": head.nik, "name": "Budi", "sex": "M", "birth_date": head.birth_date.isoformat(), "relationship": "anak"}, content_type="application/json")
    assert (duplicate.status_code, _json(duplicate)["code"]) == (409, "duplicate")
    assert Person.objects.count() == before


def test_bearer_token_works_until_revoked(users, family, kemiren):
    _, head, *_ = family(kemiren)
    token, secret = token_issue(actor=Actor.system("tests"), user=users["operator"], name="laptop desa")
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert bearer.get(f"/api/v1/registry/people/{head.pk}").status_code == 200
    assert AuditEvent.objects.filter(action="person.view", actor=users["operator"], via="api").count() == 1
    token_revoke(actor=Actor.system("tests"), token=token)
    assert bearer.get(f"/api/v1/registry/people/{head.pk}").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer sk_not-a-token").get("/api/v1/registry/people").status_code == 401
    assert AuditEvent.objects.filter(action="person.view", actor=users["operator"]).count() == 1


def test_session_writes_need_csrf(users, family, kemiren):
    _, head, *_ = family(kemiren)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users["operator"])
    response = strict.post(f"/api/v1/registry/people/{head.pk}/death", {"date_of_death": "2026-01-01"}, content_type="application/json")
    assert response.status_code in (401, 403)
    head.refresh_from_db()
    assert head.date_of_death is None


def test_area_counts_match_the_registry(client_for, users, area):
    glagah = area("35.10.15")
    body = _json(client_for(users["analyst"]).get(f"/api/v1/areas/{glagah.code}"))
    alive = Person.objects.filter(village__parent=glagah, date_of_death__isnull=True).count()
    households = Household.objects.filter(village__parent=glagah, dissolved_on__isnull=True).count()
    assert (body["counts"]["people_alive"], body["counts"]["households"]) == (alive, households)
    assert len(body["children"]) == area("35.10.15").children.count()
    assert sum(c["counts"]["people_alive"] for c in body["children"]) == alive


def test_export_is_scoped_and_audited(client_for, users, family, kemiren, jambewangi):
    family(kemiren)
    operator = client_for(users["operator"])
    response = operator.get(f"/registry/export/{kemiren.code}.csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    expected = Membership.objects.filter(end_date__isnull=True, household__village=kemiren).count()
    assert (response.status_code, len(lines) - 1) == (200, expected)
    assert lines[0].startswith("nik,name,sex")
    assert AuditEvent.objects.filter(action="registry.export", object_id=str(kemiren.pk)).count() == 1
    refused = operator.get(f"/registry/export/{jambewangi.code}.csv")
    assert refused.status_code == 404
    assert not AuditEvent.objects.filter(action="registry.export", object_id=str(jambewangi.pk)).exists()


def test_written_by_the_api_is_audited_as_api(client_for, users, family, kemiren):
    _, head, *_ = family(kemiren)
    api = client_for(users["operator"])
    response = api.patch(f"/api/v1/registry/people/{head.pk}", {"phone": "085236000111"}, content_type="application/json")
    assert (response.status_code, _json(response)["phone"]) == (200, "085236000111")
    update = AuditEvent.objects.get(action="person.update")
    assert (update.via, update.changes) == ("api", {"phone": ["", "085236000111"]})


def test_elderly_alone_counts_households_of_one_living_person_aged_60_plus(client_for, users, area):
    from django.utils import timezone

    regency = area("35.10")
    today = timezone.localdate()
    cutoff = today.replace(year=today.year - 60) if (today.month, today.day) != (2, 29) else today.replace(year=today.year - 60, day=28)
    expected = 0
    for household in Household.objects.filter(dissolved_on__isnull=True):
        members = [m.person for m in Membership.objects.filter(household=household, end_date__isnull=True).select_related("person")]
        if len(members) == 1 and members[0].date_of_death is None and members[0].birth_date <= cutoff:
            expected += 1
    body = _json(client_for(users["analyst"]).get(f"/api/v1/areas/{regency.code}"))
    assert expected > 0
    assert body["counts"]["elderly_alone"] == expected
