"""Registry pages through Django's test client: language, scoping, audit."""

from __future__ import annotations

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.test import Client
from django.utils import translation

from smartkampung.core.models import AuditEvent
from smartkampung.registry.models import Person

pytestmark = pytest.mark.django_db


def test_login_page_is_indonesian_and_switches_to_english():
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert "Masuk petugas" in page and 'lang="id"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    english = client.get("/accounts/login/").content.decode()
    assert "Staff login" in english and 'lang="en"' in english


def test_pages_need_login():
    response = Client().get("/registry/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/registry/")


def test_login_with_a_demo_account(users):
    client = Client()
    response = client.post("/accounts/login/", {"username": "operator.kemiren", "password": "demo-operator.kemiren"})
    assert (response.status_code, response["Location"]) == (302, "/registry/")
    wrong = Client().post("/accounts/login/", {"username": "operator.kemiren", "password": "salah-sekali"})
    assert "Nama pengguna atau kata sandi salah." in wrong.content.decode()


def test_search_person_household_and_area_pages(client_for, users, family, kemiren):
    household, head, wife, child = family(kemiren)
    client = client_for(users["operator"])
    results = client.post("/registry/", {"q": "siti aminah"}).content.decode()
    assert f"/registry/people/{wife.pk}/" in results and wife.nik in results
    person = client.get(f"/registry/people/{head.pk}/").content.decode()
    assert "Slamet Riyadi" in person and "Kepala keluarga" in person and household.kk_number in person
    assert AuditEvent.objects.filter(action="person.view", object_id=str(head.pk), via="web").count() == 1
    kk = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert all(name in kk for name in ("Slamet Riyadi", "Siti Aminah", "Moch. Rizky Pratama"))
    area = client.get(f"/areas/{kemiren.code}/").content.decode()
    alive = Person.objects.filter(village=kemiren, date_of_death__isnull=True).count()
    with translation.override("id"):
        assert f'data-testid="count-people">{intcomma(alive)}<' in area


def test_person_of_another_village_is_a_404_page_and_not_audited(client_for, users, family, jambewangi):
    _, head, *_ = family(jambewangi)
    client = client_for(users["operator"])
    response = client.get(f"/registry/people/{head.pk}/")
    assert response.status_code == 404
    assert "Data tidak ditemukan di wilayah Anda." in response.content.decode()
    assert not AuditEvent.objects.filter(action="person.view", object_id=str(head.pk)).exists()
    search = client.post("/registry/", {"nik": head.nik}).content.decode()
    assert "Tidak ada penduduk yang cocok di wilayah Anda." in search and head.name not in search


def test_a_login_without_a_role_sees_nothing(db):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("warga.biasa", password="x" * 12)
    client = Client()
    client.force_login(nobody)
    assert client.get("/registry/").status_code == 403
    assert client.get("/api/v1/registry/people", {"q": "siti"}).status_code == 401


def test_village_picker_lists_only_readable_villages(client_for, users):
    page = client_for(users["puskesmas"]).get("/registry/").content.decode()
    assert 'value="35.10.20.2002"' in page  # Jambewangi, in Kec. Sempu
    assert 'value="35.10.15.2004"' not in page  # Kemiren, Kec. Glagah


def test_operator_records_a_birth_and_a_death_on_pages(client_for, users, family, kemiren):
    import datetime as dt

    from tests.conftest import compose_nik

    household, head, *_ = family(kemiren)
    client = client_for(users["operator"])
    assert "Catat kelahiran" in client.get(f"/registry/households/{household.pk}/").content.decode()
    born = dt.date(2026, 11, 2)
    nik = compose_nik(kemiren, sex="F", birth_date=born)
    response = client.post(f"/registry/households/{household.pk}/birth/", {
        "nik": nik, "name": "Ayu Lestari", "sex": "F", "birth_date": born.isoformat(), "religion": "islam", "relationship": "anak"})
    baby = Person.objects.get(nik=nik)
    assert (response.status_code, response["Location"]) == (302, f"/registry/people/{baby.pk}/")
    before = Person.objects.count()
    wrong = client.post(f"/registry/households/{household.pk}/birth/", {
        "nik": nik, "name": "Kembar", "sex": "F", "birth_date": born.isoformat(), "religion": "islam", "relationship": "anak"})
    assert wrong.status_code == 400
    assert f"NIK {nik} sudah terdaftar." in wrong.content.decode()
    client.cookies["django_language"] = "en"
    wrong_en = client.post(f"/registry/households/{household.pk}/birth/", {
        "nik": nik, "name": "Kembar", "sex": "F", "birth_date": born.isoformat(), "religion": "islam", "relationship": "anak"})
    assert wrong_en.status_code == 400
    assert f"NIK {nik} is already in the registry." in wrong_en.content.decode()
    del client.cookies["django_language"]
    assert Person.objects.count() == before
    died = client.post(f"/registry/people/{head.pk}/death/", {"date_of_death": "2026-11-01"})
    assert died.status_code == 302
    head.refresh_from_db()
    assert head.date_of_death == dt.date(2026, 11, 1)


def test_read_only_staff_get_no_event_forms(client_for, users, family, jambewangi):
    household, head, *_ = family(jambewangi)
    client = client_for(users["bhabin"])
    assert "Catat kelahiran" not in client.get(f"/registry/households/{household.pk}/").content.decode()
    refused = client.post(f"/registry/people/{head.pk}/death/", {"date_of_death": "2026-11-01"})
    assert refused.status_code == 403 and "Anda tidak berwenang mengubah data kependudukan Jambewangi." in refused.content.decode()
    head.refresh_from_db()
    assert head.date_of_death is None


def test_indonesian_even_when_the_browser_asks_for_english():
    page = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Masuk petugas" in page


def test_every_text_has_an_english_translation():
    from pathlib import Path

    import smartkampung

    # One catalogue for core, registry and programmes (smartkampung/locale) and one per newer app
    # (smartkampung/<app>/locale); each must be complete and compiled.
    catalogues = sorted(Path(smartkampung.__file__).parent.glob("**/locale/en/LC_MESSAGES/django.po"))
    assert len(catalogues) >= 9

    def translation_of(entry: str) -> str:
        # msgstr (or msgstr[n]) and its continuation lines, joined: long texts wrap over several lines
        lines = entry.split("\n")
        start = next(i for i, line in enumerate(lines) if line.startswith("msgstr"))
        parts = [lines[start].split(" ", 1)[1]] + [line for line in lines[start + 1 :] if line.startswith('"')]
        return "".join(part.strip('"') for part in parts)

    for path in catalogues:
        po = path.read_text(encoding="utf-8")
        entries = po.split("\n\n")[1:]  # the first block is the header
        untranslated = [e for e in entries if "msgid" in e and not translation_of(e)]
        assert (path, untranslated) == (path, [])
        assert "#, fuzzy" not in po, path
        compiled = path.with_suffix(".mo")
        assert compiled.exists() and compiled.stat().st_mtime >= path.stat().st_mtime - 1, f"{compiled} is missing or older than its .po"


def test_operator_creates_a_household_adds_a_member_splits_and_reissues_a_kk(client_for, users, kemiren):
    import datetime as dt

    from smartkampung.registry.models import Household, KkHistory, Membership
    from tests.conftest import compose_kk, compose_nik

    client = client_for(users["operator"])
    form = client.get("/registry/households/new/").content.decode()
    assert 'value="35.10.15.2004"' in form and 'value="35.10.20.2002"' not in form  # only the operator's village
    kk = compose_kk(kemiren)
    created = client.post("/registry/households/new/", {"kk_number": kk, "village": kemiren.code, "rw": "3", "rt": "7", "dusun": "Krajan", "house_condition": "layak", "desil": "4"})
    household = Household.objects.get(kk_number=kk)
    assert (created.status_code, household.rt, household.desil, household.village_id) == (302, "007", 4, kemiren.id)
    people = {}
    for name, sex, born, relationship in (("Paimin", "M", dt.date(1960, 1, 5), "kepala"), ("Sutinah", "F", dt.date(1963, 4, 9), "istri"),
                                          ("Eko Prasetyo", "M", dt.date(1990, 6, 1), "anak"), ("Rina Wati", "F", dt.date(1992, 2, 2), "menantu")):
        nik = compose_nik(kemiren, sex=sex, birth_date=born)
        response = client.post(f"/registry/households/{household.pk}/members/new/", {
            "nik": nik, "name": name, "sex": sex, "birth_date": born.isoformat(), "relationship": relationship, "religion": "islam",
            "marital_status": "kawin", "education": "sd", "disability": "none"})
        assert response.status_code == 302, response.content.decode()[:3000]
        people[name] = Person.objects.get(nik=nik)
    new_kk = compose_kk(kemiren, issued_on=dt.date(2026, 10, 10))
    split = client.post(f"/registry/households/{household.pk}/split/", {
        "members": [people["Eko Prasetyo"].pk, people["Rina Wati"].pk], "head": people["Eko Prasetyo"].pk, "kk_number": new_kk,
        "split_on": "2026-10-10", "rt": "8"})
    new = Household.objects.get(kk_number=new_kk)
    assert (split.status_code, new.head_id, new.rt) == (302, people["Eko Prasetyo"].pk, "008")
    assert Membership.objects.get(person=people["Rina Wati"], end_date__isnull=True).relationship == "istri"
    replacement = compose_kk(kemiren, issued_on=dt.date(2026, 11, 1))
    reissued = client.post(f"/registry/households/{household.pk}/kk/", {"kk_number": replacement, "reason": "kartu hilang", "new_head": ""})
    household.refresh_from_db()
    assert (reissued.status_code, household.kk_number) == (302, replacement)
    assert KkHistory.objects.get(household=household).kk_number == kk


def test_a_refused_member_form_keeps_the_input_and_names_the_field(client_for, users, family, kemiren):
    household, *_ = family(kemiren)
    client = client_for(users["operator"])
    before = Person.objects.count()
    response = client.post(f"/registry/households/{household.pk}/members/new/", {
        "nik": "3510155501900001", "name": "Ani", "sex": "M", "birth_date": "1990-01-15", "relationship": "anak", "religion": "islam",
        "marital_status": "belum_kawin", "education": "sma", "disability": "none"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-sex"' in page and 'value="Ani"' in page
    assert Person.objects.count() == before
