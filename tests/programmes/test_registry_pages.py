"""A resident's and a household's pages list everything they receive, scoped like the rest of the registry."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from smartkampung.programmes.models import Enrolment, EnrolmentEvent, Programme
from smartkampung.programmes.services import enrolment_create, enrolment_end
from tests.conftest import actor

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    start = html.index('data-testid="enrolments"')
    table = html[start:html.index("</table>", start)]
    return [part.split('"', 1)[0] for part in table.split('data-programme="')[1:]]


def test_person_and_household_pages_show_what_they_receive(users, client_for, family, kemiren):
    household, head, wife, child = family(kemiren)
    admin = actor(users["admin"])
    pkh = enrolment_create(actor=admin, programme=Programme.objects.get(code="PKH"), household=household, start_date=dt.date(2025, 1, 1), source="agency_list")
    enrolment_create(actor=admin, programme=Programme.objects.get(code="PBI_JKN"), person=wife, start_date=dt.date(2024, 7, 1), source="agency_list")
    ended = enrolment_create(actor=admin, programme=Programme.objects.get(code="BST"), household=household, start_date=dt.date(2020, 4, 1), source="agency_list")
    enrolment_end(actor=admin, enrolment=ended, end_date=dt.date(2020, 6, 30), reason="programme ended")

    operator = client_for(users["operator"])
    wife_page = operator.get(f"/registry/people/{wife.pk}/").content.decode()
    assert _rows(wife_page) == ["PKH", "PBI_JKN", "BST"]  # newest first: own and the household's
    pbi_row = wife_page[wife_page.index('data-programme="PBI_JKN"'):].split("</tr>", 1)[0]
    assert "Rp42.000 per bulan" in pbi_row and "01-07-2024" in pbi_row and "Daftar instansi" in pbi_row and "aktif" in pbi_row
    bst_row = wife_page[wife_page.index('data-programme="BST"'):].split("</tr>", 1)[0]
    assert "30-06-2020" in bst_row and "berakhir" in bst_row and "keluarga (KK)" in bst_row
    assert pkh.amount == 0 and "Uang tunai" in wife_page  # PKH's amounts are per component
    child_page = operator.get(f"/registry/people/{child.pk}/").content.decode()
    assert _rows(child_page) == ["PKH", "BST"]  # the wife's own PBI-JKN is not the child's
    household_page = operator.get(f"/registry/households/{household.pk}/").content.decode()
    assert _rows(household_page) == ["PKH", "PBI_JKN", "BST"]
    assert wife.name in household_page


def test_a_resident_without_programmes_says_so_and_other_villages_stay_closed(users, client_for, family, kemiren, jambewangi):
    household, head, _wife, _child = family(jambewangi)
    enrolment_create(actor=actor(users["admin"]), programme=Programme.objects.get(code="PKH"), household=household, start_date=dt.date(2025, 1, 1), source="agency_list")
    own_household, own_head, _w, _c = family(kemiren)
    operator = client_for(users["operator"])
    page = operator.get(f"/registry/people/{own_head.pk}/").content.decode()
    assert 'data-testid="no-enrolments"' in page
    assert operator.get(f"/registry/people/{head.pk}/").status_code == 404
    assert operator.get(f"/registry/households/{household.pk}/").status_code == 404


def test_programme_pages_speak_english_after_the_switch(users, client_for, family, kemiren):
    household, head, wife, child = family(kemiren)
    enrolment_create(actor=actor(users["admin"]), programme=Programme.objects.get(code="PBI_JKN"), person=wife, start_date=dt.date(2024, 7, 1), source="agency_list")
    client = client_for(users["analyst"])
    client.cookies["django_language"] = "en"
    rule = client.post("/programmes/RTLH/rule/", {"rule_text": "desil <= 4 and umur > 5", "action": "preview"}).content.decode()
    assert "Eligibility rule" in rule and "Line 1, column 16" in rule and "Aturan kelayakan" not in rule
    assert "Unknown fact 'umur'. Did you mean 'age'?" in html.unescape(rule)
    functions = rule[rule.index('data-testid="functions"'):].split("</ul>", 1)[0]
    assert all(f"{name}(" in functions for name in ("receives", "area", "affected"))
    assert "Run targeting" in client.get("/targeting/").content.decode()
    person = client.get(f"/registry/people/{wife.pk}/").content.decode()
    assert "Assistance received" in person and "Agency list" in person and "per month" in person


def test_an_enrolment_cannot_be_deleted_in_the_admin_its_history_stays(users, family, kemiren, client_for):
    household, head, *_ = family(kemiren)
    enrolment = enrolment_create(actor=actor(users["admin"]), programme=Programme.objects.get(code="PKH"), household=household,
                                 start_date=dt.date(2025, 1, 1), source="agency_list")
    client = client_for(users["admin"])  # the regency admin; StagedRow.enrolment has no index because of this
    page = client.get(f"/admin/programmes/enrolment/{enrolment.pk}/delete/")
    posted = client.post(f"/admin/programmes/enrolment/{enrolment.pk}/delete/", {"post": "yes"})
    listing = client.post("/admin/programmes/enrolment/", {"action": "delete_selected", "_selected_action": [enrolment.pk], "post": "yes"})
    assert (page.status_code, posted.status_code) == (403, 403)
    assert listing.status_code in (200, 302)  # the bulk action is not offered: nothing is done
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()
    assert EnrolmentEvent.objects.filter(enrolment=enrolment, kind="created").count() == 1
