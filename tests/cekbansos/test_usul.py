"""Usul: the NIK is checked at once, the rules are evaluated, a verification case goes to the village,
and the village's confirmation enrols the resident."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import translation
from PIL import Image

from smartkampung.cases.models import Case
from smartkampung.cekbansos import services
from smartkampung.cekbansos.models import LookupLog, Usul, UsulStatus
from smartkampung.core.errors import DomainError
from smartkampung.programmes.models import Enrolment, Programme
from smartkampung.registry.services import death_register
from tests.conftest import actor

pytestmark = pytest.mark.django_db
USUL = "/api/v1/cekbansos/usul"
REASON = "Keluarga ini kehilangan pekerjaan dan belum menerima bantuan apa pun."


def _usul(nik, *, ip="198.51.100.20", relation="neighbour"):
    return Client().post(USUL, {"nik": nik, "relation": relation, "reporter_contact": "081234567890", "reason": REASON},
                         content_type="application/json", REMOTE_ADDR=ip)


def test_an_eligible_resident_goes_to_the_village_for_a_visit(poor_family, kemiren):
    household, head, wife, child = poor_family
    response = _usul(child.nik)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "verifying" and body["programmes_met"] == ["BPNT", "PBI_JKN", "PKH"] and body["excluded_by"] == []
    assert body["ticket"] in body["next_step"] and "kunjungan verifikasi" in body["next_step"]
    usul = Usul.objects.get(ticket=body["ticket"])
    case = Case.objects.get(pk=usul.case_id)
    assert (case.category.code, case.source, case.source_ref, case.village, case.subject_person, case.confidential, case.ticket) == (
        "usul", "cekbansos", f"usul:{usul.pk}", kemiren, child, True, usul.case_ticket)
    assert child.nik not in case.title and child.name not in case.title


def test_an_already_receiving_resident_is_told_they_are_excluded(poor_family, enrol):
    household, head, _, _ = poor_family
    enrol("PKH", household=household)
    cases_before = Case.objects.count()
    body = _usul(head.nik, relation="self").json()
    assert body["status"] == "excluded" and body["excluded_by"] == ["PKH"]
    assert "PKH" in body["next_step"] and "tidak diteruskan" in body["next_step"]
    assert Case.objects.count() == cases_before
    assert Usul.objects.get(ticket=body["ticket"]).case_id is None


def test_unknown_and_deceased_niks_are_refused_alike_and_counted(poor_family, users):
    _, _, _, child = poor_family
    death_register(actor=actor(users["admin"]), person=child, date_of_death=dt.date(2026, 10, 1))
    before = Usul.objects.count(), Case.objects.count()
    dead = _usul(child.nik, ip="198.51.100.21")
    unknown = _usul("3510150101990001", ip="198.51.100.22")
    assert dead.status_code == unknown.status_code == 400
    assert dead.json() == unknown.json() and dead.json()["code"] == "not_resident" and dead.json()["field"] == "nik"
    assert (Usul.objects.count(), Case.objects.count()) == before
    assert LookupLog.objects.filter(kind="usul", outcome="not_found").count() == 2


def test_a_second_usul_for_the_same_resident_joins_the_open_case(poor_family):
    _, _, _, child = poor_family
    first = Usul.objects.get(ticket=_usul(child.nik, ip="198.51.100.30").json()["ticket"])
    second = Usul.objects.get(ticket=_usul(child.nik, ip="198.51.100.31").json()["ticket"])
    assert first.ticket != second.ticket and first.case_id == second.case_id


def test_the_village_confirms_and_the_enrolment_follows(poor_family, users, client_for):
    household, _, _, child = poor_family
    usul = Usul.objects.get(ticket=_usul(child.nik).json()["ticket"])
    operator = client_for(users["operator"])
    page = operator.get(f"/cekbansos/staf/usul/{usul.pk}/")
    assert page.status_code == 200 and child.nik in page.content.decode()
    response = operator.post(f"/cekbansos/staf/usul/{usul.pk}/", {"action": "confirm", "programme": "BPNT", "start_date": "2026-12-01", "note": "Dikunjungi 30/11."})
    assert response.status_code == 302
    usul.refresh_from_db()
    assert usul.status == UsulStatus.CONFIRMED
    enrolment = usul.enrolment
    assert (enrolment.programme.code, enrolment.household, enrolment.source, enrolment.start_date, enrolment.source_ref) == (
        "BPNT", household, "usul", dt.date(2026, 12, 1), f"usul:{usul.ticket}")
    case = Case.objects.get(pk=usul.case_id)
    assert (case.state, case.resolution, case.is_open) == ("resolved", "resolved", False)
    # The reporter follows it by ticket.
    follow = Client().get(f"/api/v1/cekbansos/tickets/{usul.ticket}").json()
    assert (follow["status"], follow["status_label"], follow["village"]) == ("confirmed", "Dikonfirmasi: didaftarkan sebagai penerima", "Kemiren")
    assert follow["note"].startswith("Bantuan Pangan Non Tunai")


def test_a_programme_whose_rule_is_not_met_cannot_be_confirmed(poor_family, users):
    _, _, _, child = poor_family
    usul = Usul.objects.get(ticket=_usul(child.nik).json()["ticket"])
    with pytest.raises(DomainError) as refused:
        services.usul_confirm(actor=actor(users["operator"]), usul=usul, programme=Programme.objects.get(code="RTLH"), start_date=dt.date(2026, 12, 1))
    assert refused.value.code == "not_eligible"
    assert refused.value.message == ("Menurut data registrasi saat ini, warga ini tidak memenuhi aturan RTLH. Perbarui dulu data keluarga "
                                     "(mis. desil, kondisi rumah) bila kunjungan menemukan data yang salah.")
    with translation.override("en"), pytest.raises(DomainError) as refused:
        services.usul_confirm(actor=actor(users["operator"]), usul=usul, programme=Programme.objects.get(code="RTLH"), start_date=dt.date(2026, 12, 1))
    assert refused.value.message == ("By the current registry data, this resident does not meet the rules of RTLH. First update the "
                                     "family's data (e.g. decile, housing condition) if the visit found the data wrong.")
    usul.refresh_from_db()
    assert usul.status == UsulStatus.VERIFYING and Case.objects.get(pk=usul.case_id).is_open
    assert not Enrolment.objects.filter(source="usul", source_ref=f"usul:{usul.ticket}").exists()


def test_another_villages_operator_can_neither_read_nor_decide(poor_family, users, client_for, jambewangi, family):
    _, _, _, child = poor_family
    usul = Usul.objects.get(ticket=_usul(child.nik).json()["ticket"])
    bhabin = client_for(users["bhabin"])  # Desa Jambewangi
    assert bhabin.get(f"/cekbansos/staf/usul/{usul.pk}/").status_code == 404
    assert bhabin.post(f"/cekbansos/staf/usul/{usul.pk}/", {"action": "confirm", "programme": "BPNT", "start_date": "2026-12-01"}).status_code == 404
    # A read-only role of the village itself (the Puskesmas of Sempu cannot see Kemiren at all either).
    with pytest.raises(DomainError) as refused:
        services.usul_confirm(actor=actor(users["puskesmas"]), usul=usul, programme=Programme.objects.get(code="BPNT"), start_date=dt.date(2026, 12, 1))
    assert refused.value.code == "forbidden"
    usul.refresh_from_db()
    assert usul.status == UsulStatus.VERIFYING and usul.enrolment is None
    assert not Enrolment.objects.filter(source="usul").exists()
    assert "Kemiren" not in client_for(users["bhabin"]).get("/cekbansos/staf/").content.decode()


def test_rejecting_tells_the_reporter_why(poor_family, users, client_for):
    _, _, _, child = poor_family
    usul = Usul.objects.get(ticket=_usul(child.nik).json()["ticket"])
    operator = client_for(users["operator"])
    assert operator.post(f"/cekbansos/staf/usul/{usul.pk}/", {"action": "reject", "note": "pendek"}).status_code == 400
    usul.refresh_from_db()
    assert usul.status == UsulStatus.VERIFYING
    assert operator.post(f"/cekbansos/staf/usul/{usul.pk}/", {"action": "reject", "note": "Keluarga memiliki usaha toko yang ramai."}).status_code == 302
    usul.refresh_from_db()
    assert usul.status == UsulStatus.REJECTED and Case.objects.get(pk=usul.case_id).resolution == "rejected"
    page = Client().post("/cekbansos/tiket/", {"ticket": usul.ticket.lower().replace("-", " ")})
    assert "Keluarga memiliki usaha toko yang ramai." in page.content.decode()


def _png(size=(40, 30)) -> io.BytesIO:
    from PIL.PngImagePlugin import PngInfo

    out = io.BytesIO()
    info = PngInfo()
    info.add_text("Comment", "GPS -8.2,114.3")
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG", pnginfo=info)
    out.seek(0)
    out.name = "rumah.png"
    return out


def test_the_page_takes_a_photo_re_encoded_and_refuses_a_fake_one(poor_family, users, client_for):
    _, _, _, child = poor_family
    form = {"nik": child.nik, "relation": "neighbour", "reason": REASON, "reporter_contact": "081234567890"}
    fake = io.BytesIO(b"<?php echo 'not an image'; ?>")
    fake.name = "foto.jpg"
    before = Usul.objects.count()
    refused = Client().post("/cekbansos/usul/", {**form, "photo": fake}, REMOTE_ADDR="198.51.100.40")
    assert refused.status_code == 400 and "bukan gambar" in refused.content.decode()
    assert Usul.objects.count() == before
    done = Client().post("/cekbansos/usul/", {**form, "photo": _png()}, REMOTE_ADDR="198.51.100.40")
    assert done.status_code == 201
    usul = Usul.objects.latest("pk")
    assert usul.ticket in done.content.decode()
    with usul.photo.open("rb") as f:
        stored = Image.open(io.BytesIO(f.read()))
        assert stored.format == "JPEG" and stored.size == (40, 30) and "Comment" not in stored.info
    photo = client_for(users["operator"]).get(f"/cekbansos/staf/usul/{usul.pk}/foto/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert Client().get(f"/cekbansos/staf/usul/{usul.pk}/foto/").status_code == 302  # to the login page


def test_reports_per_client_are_limited(poor_family, settings):
    from smartkampung.cekbansos import guard

    _, head, wife, child = poor_family
    for _i in range(guard.REPORT_CLIENT.max_hits):
        assert _usul(child.nik, ip="198.51.100.50").status_code == 201
    before = Usul.objects.count()
    refused = _usul(wife.nik, ip="198.51.100.50")
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_attempts"
    assert Usul.objects.count() == before
