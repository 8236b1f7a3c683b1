"""Name search by village answers masked recipients only; sanggah becomes an anonymous case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from smartkampung.cases.models import Case
from smartkampung.cekbansos import guard, selectors
from smartkampung.cekbansos.models import Sanggah, SanggahStatus
from smartkampung.programmes.models import Enrolment
from smartkampung.registry.models import Person

pytestmark = pytest.mark.django_db
SEARCH = "/api/v1/cekbansos/search"


def _search(village_code, name, ip="198.51.100.80"):
    return Client().post(SEARCH, {"village_code": village_code, "name": name}, content_type="application/json", REMOTE_ADDR=ip)


def test_search_answers_masked_recipients_never_a_nik(poor_family, enrol, kemiren):
    household, head, wife, child = poor_family
    enrol("PBI_JKN", person=wife)
    response = _search(kemiren.code, "siti aminah")
    assert response.status_code == 200
    body = response.json()
    mine = [r for r in body["results"] if guard.unseal(r["sanggah_token"]) == wife.pk]
    assert len(mine) == 1 and mine[0]["name"] == "SIT* AMI***" and mine[0]["programmes"] == ["Penerima Bantuan Iuran JKN"]
    text = response.content.decode()
    assert wife.nik not in text and "Aminah" not in text and str(wife.pk) not in [r["sanggah_token"] for r in body["results"]]
    # The husband receives nothing: he is not listed.
    assert not any(guard.unseal(r["sanggah_token"]) == head.pk for r in _search(kemiren.code, "slamet riyadi").json()["results"])


def test_household_programmes_list_every_member(poor_family, enrol, kemiren):
    household, head, _, _ = poor_family
    enrol("BPNT", household=household)
    hits = _search(kemiren.code, "slamet riyadi").json()["results"]
    assert [h["programmes"] for h in hits if guard.unseal(h["sanggah_token"]) == head.pk] == [["Bantuan Pangan Non Tunai / Program Sembako"]]


def test_too_many_matches_answer_none(kemiren, users, enrol):
    # Plant more than the maximum of recipients sharing a word, in Kemiren.
    people = list(Person.objects.filter(village=kemiren, date_of_death__isnull=True).order_by("pk")[: selectors.SEARCH_MAX_RESULTS + 1])
    from smartkampung.registry.models import NameToken

    for p in people:
        NameToken.objects.create(person=p, token="ZULKARNAEN", village=kemiren)
        if not Enrolment.objects.filter(person=p, programme__code="PBI_JKN", end_date__isnull=True).exists():
            enrol("PBI_JKN", person=p)
    body = _search(kemiren.code, "zulkarnaen").json()
    assert body == {"too_many": True, "results": []}
    NameToken.objects.filter(token="ZULKARNAEN", person=people[-1]).delete()
    assert len(_search(kemiren.code, "zulkarnaen", ip="198.51.100.81").json()["results"]) == selectors.SEARCH_MAX_RESULTS


def test_searches_need_three_letters_and_a_village_and_are_limited(kemiren):
    assert _search(kemiren.code, "si").json()["field"] == "name"
    assert _search("35.10.15", "siti").json()["field"] == "village"  # a kecamatan is not a village
    for _ in range(guard.SEARCH_CLIENT.max_hits):
        assert _search(kemiren.code, "siti", ip="198.51.100.90").status_code == 200
    assert _search(kemiren.code, "siti", ip="198.51.100.90").status_code == 429
    assert _search(kemiren.code, "siti", ip="198.51.100.91").status_code == 200


def test_sanggah_is_an_anonymous_case_and_the_village_decides(poor_family, enrol, kemiren, users, client_for):
    _, _, wife, _ = poor_family
    enrolment = enrol("PBI_JKN", person=wife)
    token = [r for r in _search(kemiren.code, "siti aminah").json()["results"] if guard.unseal(r["sanggah_token"]) == wife.pk][0]["sanggah_token"]
    page = Client().get(f"/cekbansos/sanggah/?t={token}")
    assert page.status_code == 200 and "SIT* AMI***" in page.content.decode() and wife.nik not in page.content.decode()
    response = Client().post("/cekbansos/sanggah/", {"t": token, "programme": "PBI_JKN", "reason_kind": "well_off",
                                                    "reason": "Suaminya pegawai pabrik dengan gaji tetap.", "objector_name": "Pak Darmo",
                                                    "objector_contact": "081299990000"})
    assert response.status_code == 201
    sanggah = Sanggah.objects.get(subject=wife)
    assert sanggah.ticket in response.content.decode()
    case = Case.objects.get(pk=sanggah.case_id)
    assert (case.category.code, case.source_ref, case.anonymous, case.confidential, case.subject_person) == (
        "sanggah", f"sanggah:{sanggah.pk}", True, True, wife)
    assert (case.reporter_name, case.reporter_contact) == ("", "")
    assert "Darmo" not in case.description + case.title and "081299990000" not in case.description
    operator = client_for(users["operator"])
    assert "Pak Darmo" in operator.get(f"/cekbansos/staf/sanggah/{sanggah.pk}/").content.decode()  # staff only
    decided = operator.post(f"/cekbansos/staf/sanggah/{sanggah.pk}/", {"decision": "upheld", "note": "Benar, keluarga mampu; diakhiri.",
                                                                      "end_enrolment": "on", "end_date": "2026-11-30"})
    assert decided.status_code == 302
    sanggah.refresh_from_db()
    enrolment.refresh_from_db()
    assert (sanggah.status, sanggah.enrolment_ended, enrolment.end_date) == (SanggahStatus.UPHELD, True, dt.date(2026, 11, 30))
    assert Case.objects.get(pk=sanggah.case_id).resolution == "resolved"
    follow = Client().get(f"/api/v1/cekbansos/tickets/{sanggah.ticket}").json()
    assert follow["status"] == "upheld" and "Darmo" not in str(follow)


def test_a_forged_or_stale_sanggah_token_is_refused(poor_family):
    _, _, wife, _ = poor_family
    assert Client().get("/cekbansos/sanggah/?t=abc").status_code == 404
    stale = guard._fernet().encrypt_at_time(str(wife.pk).encode(), current_time=1_000_000_000).decode()
    assert Client().get(f"/cekbansos/sanggah/?t={stale}").status_code == 404
    response = Client().post("/api/v1/cekbansos/sanggah", {"sanggah_token": stale, "programme_code": "PBI_JKN", "reason_kind": "other",
                                                           "reason": "Alasan yang cukup panjang."}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "sanggah_token"
    assert not Sanggah.objects.filter(subject=wife).exists()


def test_wrong_tickets_count_as_failures(poor_family):
    for _ in range(guard.CHECK_CLIENT.max_hits):
        assert Client().get("/api/v1/cekbansos/tickets/US-2222-2222", REMOTE_ADDR="198.51.100.95").status_code == 404
    assert Client().get("/api/v1/cekbansos/tickets/US-2222-2222", REMOTE_ADDR="198.51.100.95").status_code == 429
