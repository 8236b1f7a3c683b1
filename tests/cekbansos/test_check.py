"""The public check: what a resident receives, masked, and the same answer for every kind of miss."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client

from smartkampung.cekbansos import guard
from smartkampung.cekbansos.masking import mask_name
from smartkampung.cekbansos.models import LookupLog, Throttle
from smartkampung.registry.models import Person
from smartkampung.registry.services import death_register
from tests.cekbansos.conftest import check
from tests.conftest import actor

pytestmark = pytest.mark.django_db


def test_masked_names():
    assert mask_name("Siti Nurjanah") == "SIT* NUR*****"
    assert mask_name("Moch. Rizky Pratama") == "MOC* RIZ** PRA****"
    assert mask_name("Ani") == "AN*"
    assert mask_name("M. Ali") == "M AL*"
    assert mask_name("") == "***"


def test_a_resident_sees_what_they_and_their_family_receive(poor_family, enrol):
    household, head, wife, child = poor_family
    enrol("BPNT", household=household)
    enrol("PBI_JKN", person=wife)
    response = check(Client(), wife.nik, wife.birth_date)
    assert response.status_code == 200
    body = response.json()
    assert body["found"] is True
    assert body["name"] == "SIT* AMI***"
    assert (body["village"], body["kecamatan"]) == ("Kemiren", "Glagah")
    assert [(r["programme_code"], r["unit"], r["status"], r["start_date"], r["amount"]) for r in body["receives"]] == [
        ("BPNT", "household", "active", "2026-02-01", 200_000), ("PBI_JKN", "person", "active", "2026-02-01", 42_000)]
    assert body["excluded_from_new_aid"] is True and body["excluded_because"] == ["BPNT"]
    text = response.content.decode()
    assert wife.nik not in text and "Aminah" not in text and "Krajan" not in text  # no NIK, no name, nothing below the village
    # The husband sees the family's BPNT, not his wife's own PBI-JKN.
    assert [r["programme_code"] for r in check(Client(), head.nik, head.birth_date).json()["receives"]] == ["BPNT"]


def test_nothing_received_is_said_plainly(poor_family):
    _, head, _, _ = poor_family
    body = check(Client(), head.nik, head.birth_date).json()
    assert body["found"] is True and body["receives"] == [] and body["excluded_from_new_aid"] is False
    assert body["message"].startswith("Saat ini tidak tercatat menerima bantuan sosial.")


def test_wrong_birth_date_unknown_nik_and_deceased_look_exactly_alike(poor_family, users):
    _, head, _, child = poor_family
    death_register(actor=actor(users["admin"]), person=child, date_of_death=dt.date(2026, 10, 1))
    unknown = "3510150101990001"
    assert not Person.objects.filter(nik=unknown).exists()
    answers = [
        check(Client(), head.nik, head.birth_date + dt.timedelta(days=1), ip="203.0.113.1"),
        check(Client(), unknown, head.birth_date, ip="203.0.113.2"),
        check(Client(), child.nik, child.birth_date, ip="203.0.113.3"),
    ]
    assert {r.status_code for r in answers} == {200}
    assert answers[0].content == answers[1].content == answers[2].content
    assert answers[0].json() == {"found": False, "name": None, "village": None, "kecamatan": None, "receives": [],
                                 "excluded_from_new_aid": False, "excluded_because": [], "message": answers[0].json()["message"]}
    assert sorted(h for h, v in answers[0].headers.items()) == sorted(h for h, v in answers[1].headers.items())


def test_failures_lock_the_nik_for_everyone_known_or_not(poor_family):
    _, head, _, _ = poor_family
    unknown = "3510150101990001"
    for i in range(guard.CHECK_NIK.max_hits):
        assert check(Client(), head.nik, dt.date(1901, 1, 1), ip=f"192.0.2.{i + 1}").json()["found"] is False
        assert check(Client(), unknown, dt.date(1901, 1, 1), ip=f"192.0.2.{i + 1}").json()["found"] is False
    # Now even the right birth date, from a new client, is refused for a while: and alike for both NIKs.
    locked = check(Client(), head.nik, head.birth_date, ip="192.0.2.200")
    locked_unknown = check(Client(), unknown, head.birth_date, ip="192.0.2.201")
    assert locked.status_code == locked_unknown.status_code == 429
    assert locked.json()["code"] == locked_unknown.json()["code"] == "nik_locked"
    assert locked.content == locked_unknown.content
    assert locked["Retry-After"] == str(guard.CHECK_NIK.window_seconds * guard.CHECK_NIK.windows)
    # Another resident is not affected.
    _, _, wife, _ = poor_family
    assert check(Client(), wife.nik, wife.birth_date, ip="192.0.2.200").json()["found"] is True


def test_failures_limit_the_client_not_others(poor_family):
    _, head, wife, _ = poor_family
    for i in range(guard.CHECK_CLIENT.max_hits):
        # Different NIKs each time: a script walking NIKs from one address.
        assert check(Client(), f"35101501019{i:05d}", dt.date(1990, 1, 1), ip="198.51.100.66").status_code == 200
    refused = check(Client(), wife.nik, wife.birth_date, ip="198.51.100.66")
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_attempts"
    assert check(Client(), wife.nik, wife.birth_date, ip="198.51.100.67").json()["found"] is True


def test_the_client_address_comes_from_the_proxy_header_when_configured(settings, poor_family):
    settings.AUDIT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    _, head, _, _ = poor_family
    for i in range(guard.CHECK_CLIENT.max_hits):
        Client().post("/api/v1/cekbansos/check", {"nik": f"35101501019{i:05d}", "birth_date": "1990-01-01"}, content_type="application/json",
                      HTTP_X_FORWARDED_FOR="100.64.0.9, 10.0.0.1")
    blocked = Client().post("/api/v1/cekbansos/check", {"nik": head.nik, "birth_date": str(head.birth_date)}, content_type="application/json",
                            HTTP_X_FORWARDED_FOR="100.64.0.9")
    other = Client().post("/api/v1/cekbansos/check", {"nik": head.nik, "birth_date": str(head.birth_date)}, content_type="application/json",
                          HTTP_X_FORWARDED_FOR="100.64.0.10")
    assert (blocked.status_code, other.status_code) == (429, 200)


def test_every_lookup_is_logged_without_the_nik_or_the_address(poor_family):
    _, head, _, _ = poor_family
    before = LookupLog.objects.count()
    check(Client(), head.nik, head.birth_date, ip="198.51.100.5")
    check(Client(), head.nik, dt.date(2000, 1, 1), ip="198.51.100.5")
    logs = list(LookupLog.objects.order_by("-id")[:2])
    assert LookupLog.objects.count() == before + 2
    assert [(log.kind, log.outcome, log.via) for log in logs] == [("check", "not_found", "api"), ("check", "found", "api")]
    assert logs[0].nik_hash == logs[1].nik_hash == guard.keyed_hash("nik", head.nik)
    assert logs[0].client_hash == guard.keyed_hash("client", "198.51.100.5")
    stored = [str(v) for log in LookupLog.objects.all() for v in log.__dict__.values()]
    stored += [str(v) for t in Throttle.objects.all() for v in t.__dict__.values()]
    assert not any(head.nik in v or "198.51.100.5" in v for v in stored)
    # The failure was counted for the client and the NIK, under keyed hashes.
    assert Throttle.objects.filter(key=guard._counter_key(guard.CHECK_NIK, head.nik), hits=1).count() == 1


def test_bad_input_is_a_clear_error_and_not_counted():
    counters = list(Throttle.objects.values_list("key", "window", "hits"))
    response = Client().post("/api/v1/cekbansos/check", {"nik": "12ab", "birth_date": "1990-01-01"}, content_type="application/json")
    assert response.status_code == 400 and response.json() == {"code": "invalid", "message": "NIK harus 16 angka.", "field": "nik"}
    response = Client().post("/api/v1/cekbansos/check", {"nik": "3510150101990001", "birth_date": "1990-13-45"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "invalid" and response.json()["field"] == "birth_date"
    assert list(Throttle.objects.values_list("key", "window", "hits")) == counters


def test_health_data_never_shows(poor_family, enrol):
    from smartkampung.programmes.models import Enrolment, ProgrammeComponent

    household, _, wife, _ = poor_family
    enrolment = enrol("PKH", household=household)
    Enrolment.objects.filter(pk=enrolment.pk).update(component=ProgrammeComponent.objects.get(programme__code="PKH", code="disabilitas_berat"))
    text = check(Client(), wife.nik, wife.birth_date).content.decode()
    assert "PKH" in text and "disabilitas" not in text.lower() and "hamil" not in text.lower()


def test_the_page_works_without_javascript_and_sets_no_session(poor_family, enrol):
    household, _, wife, _ = poor_family
    enrol("BPNT", household=household)
    client = Client(enforce_csrf_checks=True)
    page = client.get("/cekbansos/")
    assert page.status_code == 200 and 'name="nik"' in page.content.decode()
    token = client.cookies["csrftoken"].value
    answer = client.post("/cekbansos/", {"nik": wife.nik, "birth_date": wife.birth_date.strftime("%d-%m-%Y"), "csrfmiddlewaretoken": token})
    text = answer.content.decode()
    assert answer.status_code == 200
    assert "SIT* AMI***" in text and "Bantuan Pangan Non Tunai" in text and wife.nik not in text
    assert "sessionid" not in answer.cookies
    miss = client.post("/cekbansos/", {"nik": wife.nik, "birth_date": "01-01-1901", "csrfmiddlewaretoken": token})
    assert "Data tidak ditemukan" in miss.content.decode()
    english = Client()
    english.cookies["django_language"] = "en"
    assert "Check" in english.get("/cekbansos/").content.decode()



def _pg_value(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's own mechanisms")
def test_on_postgresql_the_check_statements_are_prepared_and_its_log_skips_the_wal_flush(poor_family, enrol):
    # The rush depends on both (bench/RESULTS.md section 5): the hot statements planned once per
    # connection, and the lookup's own write committed without waiting for the disk.
    household, head, wife, child = poor_family
    enrol("PBI_JKN", person=wife)
    # (the throwaway test cluster itself runs without synchronous commits: start from a durable setting)
    assert _pg_value("SELECT set_config('synchronous_commit', 'on', true)") == "on"
    logs_before = LookupLog.objects.count()
    for _ in range(2):
        assert check(Client(), wife.nik, wife.birth_date).json()["found"] is True
    assert LookupLog.objects.count() == logs_before + 2
    # The test runs inside one transaction, so the lookup's transaction-local setting is still visible.
    assert _pg_value("SELECT current_setting('synchronous_commit')") == "off"
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    hot = ('"cekbansos_throttle"', 'FROM "registry_person" p', 'FROM "programmes_enrolment" e', '"cekbansos_lookuplog"')
    assert all(any(marker in sql for sql in prepared) for marker in hot)
    # Only the hot path prepares: the ORM's queries of this test (the counts above) were not.
    assert all(any(marker in sql for marker in hot) for sql in prepared)
