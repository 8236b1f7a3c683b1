"""The cases journey in a real Chromium on a phone-sized screen: a resident reports a Barisan Siap complaint
without an account and gets a ticket; the village's Bhabinkamtibmas finds it in the queue, acknowledges
and resolves it; the resident sees the follow-up on the ticket page; the staff map shows open cases."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser



def test_resident_reports_and_the_bhabinkamtibmas_follows_up(served, browser):
    base, db = served["base"], served["db"]
    resident = browser.new_context(locale="id-ID", viewport={"width": 412, "height": 915})
    phone = resident.new_page()
    phone.goto(f"{base}/cases/report/")
    assert phone.locator("h1").inner_text() == "Lapor ke Pemerintah Kabupaten Banyuwangi"
    phone.check("[data-testid=category-barisan_siap]")
    phone.select_option("[data-testid=village]", "35.10.20.2002")
    phone.click("[data-testid=next]")
    phone.wait_for_selector("[data-testid=title]")
    assert phone.locator("[data-testid=where]").inner_text() == "Desa Jambewangi, Kec. Sempu"
    phone.fill("[data-testid=title]", "Balap liar di jalan Krajan")
    phone.fill("[data-testid=description]", "Setiap malam Minggu, jam 11 malam.")
    phone.select_option("[data-testid=q-complaint_kind]", "traffic")
    phone.check("[data-testid=anonymous]")
    phone.click("[data-testid=submit]")
    phone.wait_for_selector("[data-testid=filed]")
    ticket = phone.locator("[data-testid=ticket]").inner_text()
    assert re.fullmatch(r"BWI-\d\d-\d{6}", ticket)
    assert phone.locator("[data-testid=state]").inner_text() == "Baru"
    assert phone.locator("[data-testid=team]").inner_text() == "Bhabinkamtibmas Jambewangi"
    row = db.execute("SELECT c.id, c.anonymous, c.state FROM cases_case c WHERE c.ticket = ?", (ticket,)).fetchone()
    assert row[1:] == (1, "new")
    case_id = row[0]

    staff = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900}).new_page()
    log_in(staff, base, "bhabin.jambewangi", landing=lambda url: "/accounts/login/" not in url)
    staff.goto(f"{base}/cases/")
    staff.locator(f"[data-testid=queue] a:text-is('{ticket}')").click()
    staff.wait_for_url(f"{base}/cases/{case_id}/")
    assert staff.locator("[data-testid=reporter]").inner_text() == "Anonim"
    staff.click("[data-testid=acknowledge]")
    staff.wait_for_selector("[data-testid=state]:text-is('Diterima')")
    staff.locator("summary", has_text="Selesaikan").click()
    staff.fill("[data-testid=resolve-note]", "Patroli malam Minggu dijadwalkan bersama karang taruna.")
    staff.click("[data-testid=resolve]")
    staff.wait_for_selector("[data-testid=state]:text-is('Selesai ditindaklanjuti')")
    assert db.execute("SELECT state FROM cases_case WHERE id = ?", (case_id,)).fetchone()[0] == "resolved"

    staff.goto(f"{base}/cases/map/")
    staff.wait_for_function("document.getElementById('map-status').dataset.count !== undefined")
    shown = int(staff.locator("[data-testid=map-status]").get_attribute("data-count"))
    expected = db.execute(
        "SELECT COUNT(*) FROM cases_case c JOIN cases_team t ON t.id = c.team_id LEFT JOIN cases_team s ON s.id = c.support_team_id "
        "JOIN core_area v ON v.id = c.village_id WHERE c.is_open = 1 AND c.latitude IS NOT NULL AND v.code = '35.10.20.2002' "
        "AND (t.code = 'bhabinkamtibmas-3510202002' OR s.code = 'bhabinkamtibmas-3510202002')").fetchone()[0]
    assert shown == expected

    phone.goto(f"{base}/cases/t/{ticket}/")
    assert phone.locator("[data-testid=state]").inner_text() == "Selesai ditindaklanjuti"
    assert "Patroli malam Minggu" in phone.locator("[data-testid=timeline]").inner_text()
    resident.close()
