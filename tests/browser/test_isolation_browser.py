"""Isolation houses in a real Chromium on a phone-sized screen: a traveller reserves a place on the public
page, the village operator checks them in and records a daily check with a fever, which raises a case to
the Puskesmas; the occupancy map draws the houses from local Leaflet files."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser



def test_a_traveller_reserves_and_the_village_checks_them_in(served, page, browser):
    base, db = served["base"], served["db"]
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(base) else None)
    page.goto(f"{base}/isolasi/")
    assert page.locator("h1").inner_text() == "Pesan tempat di rumah isolasi"
    page.select_option("#village", "35.10.15.2004")
    today = dt.date.fromisoformat(page.locator("#arrival").get_attribute("min"))
    page.fill("#arrival", today.isoformat())
    page.click("[data-testid=find-form] button[type=submit]")
    places = page.locator("[data-testid=places] li")
    assert places.count() >= 1
    first = places.first.locator("strong").inner_text()
    assert first.startswith("Rumah Isolasi Kemiren")  # the village's own house comes first
    page.check("input[name=who][value=visitor]")
    page.fill("#full_name", "Made Wirawan")
    page.fill("#id_number", "DL7654321")
    page.fill("#origin", "Denpasar")
    page.fill("#phone", "081234567890")
    page.click("[data-testid=reserve]")
    page.wait_for_url(re.compile(rf"{base}/isolasi/r/ISO-[A-Z0-9]{{4}}-[A-Z0-9]{{4}}/"))
    code = page.locator("[data-testid=code]").inner_text()
    assert page.locator("[data-testid=status]").inner_text() == "Dipesan"
    assert page.locator("[data-testid=house]").inner_text() == first
    assert "Made Wirawan" not in page.content() and "M*** W******" in page.content()
    row = db.execute("SELECT r.status, COUNT(n.id) FROM isolation_reservation r JOIN isolation_bednight n ON n.reservation_id = r.id "
                     "WHERE r.code = ? GROUP BY r.id", (code,)).fetchone()
    assert row == ("reserved", 14)

    staff = browser.new_context(locale="id-ID", viewport={"width": 412, "height": 915}).new_page()
    staff.on("request", lambda r: external.append(r.url) if not r.url.startswith(base) else None)
    log_in(staff, base, "operator.kemiren")
    staff.goto(f"{base}/isolasi/staf/?area=35.10.15.2004")
    staff.locator("[data-testid=rows] a", has_text=first).first.click()
    staff.wait_for_url(re.compile(rf"{base}/isolasi/staf/rumah/\d+/"))
    staff.fill("#code_or_nik", "ISO-NONE-XXXX")
    staff.click("[data-testid=check-in]")
    assert "Tanpa pemesanan tidak bisa check-in" in staff.locator("[data-testid=error]").inner_text()
    staff.fill("#code_or_nik", code)
    staff.click("[data-testid=check-in]")
    staff.wait_for_url(re.compile(rf"{base}/isolasi/staf/tinggal/\d+/"))
    assert staff.locator("[data-testid=status]").inner_text() == "Sedang isolasi"
    staff.fill("#temperature", "38,6")
    staff.check("input[name=symptoms][value=fever]")
    staff.click("[data-testid=record-check]")
    staff.wait_for_selector("[data-testid=checked-today]")
    assert "memburuk" in staff.locator("[data-testid=checks]").inner_text()
    alert = staff.locator("[data-testid=alerts] li").first.inner_text()
    assert "Tanda perburukan" in alert and "BWI-" in alert
    case = db.execute("SELECT c.source, k.code FROM cases_case c JOIN cases_casecategory k ON k.id = c.category_id "
                      "WHERE c.source_ref LIKE ?", (f"isolation:{code}:%",)).fetchone()
    assert case == ("isolation", "isolation_alert")

    staff.goto(f"{base}/isolasi/staf/peta/")
    staff.wait_for_selector("[data-testid=map-status][data-count]")
    houses = int(staff.locator("[data-testid=map-status]").get_attribute("data-count"))
    assert houses == db.execute("SELECT COUNT(*) FROM isolation_isolationhouse h JOIN core_area a ON a.id = h.village_id "
                                "WHERE a.code = '35.10.15.2004'").fetchone()[0]
    assert staff.locator(".leaflet-interactive").count() == houses
    staff.click("[data-testid=lang-switch]")
    staff.wait_for_selector("[data-testid=map-status][data-count]")
    assert staff.locator("h1").inner_text() == "Isolation house occupancy tonight"
    staff.context.close()
    assert external == []
