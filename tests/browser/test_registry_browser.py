"""A desa operator in a real Chromium: log in, find a resident, open the household, and be refused a
resident of another village."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser



def _kemiren_resident(db):
    return db.execute(
        "SELECT p.id, p.nik, p.name FROM registry_person p JOIN core_area a ON a.id = p.village_id "
        "WHERE a.code = '35.10.15.2004' AND p.date_of_death IS NULL ORDER BY p.id LIMIT 1"
    ).fetchone()


def test_operator_finds_a_resident_and_opens_the_household(served, page, tmp_path):
    base, db = served["base"], served["db"]
    person_id, nik, name = _kemiren_resident(db)
    log_in(page, base, "operator.kemiren")
    assert page.locator("h1").inner_text() == "Cari penduduk"
    page.fill("#nik", nik)
    page.click("form.search button[type=submit]")
    results = page.locator("[data-testid=results] tbody tr")
    assert results.count() == 1
    assert results.first.locator("td").first.inner_text() == nik
    results.first.locator("a").click()
    page.wait_for_url(f"{base}/registry/people/{person_id}/")
    assert page.locator("[data-testid=person-name]").inner_text().startswith(name)
    assert page.locator("[data-testid=person-nik]").inner_text() == nik
    kk_link = page.locator("[data-testid=household-link]").first
    kk_number = kk_link.inner_text()
    kk_link.click()
    page.wait_for_url(re.compile(rf"{base}/registry/households/\d+/"))
    assert page.locator("[data-testid=kk-number]").inner_text() == kk_number
    members = page.locator("[data-testid=members] tbody tr")
    household_size = db.execute(
        "SELECT COUNT(*) FROM registry_membership m JOIN registry_household h ON h.id = m.household_id "
        "WHERE h.kk_number = ? AND h.dissolved_on IS NULL AND m.end_date IS NULL", (kk_number,)).fetchone()[0]
    assert members.count() == household_size
    assert name in page.locator("[data-testid=members]").inner_text()
    page.screenshot(path=str(tmp_path / "household.png"), full_page=True)


def test_operator_searches_by_name_within_the_village(served, page):
    base, db = served["base"], served["db"]
    _, _, name = _kemiren_resident(db)
    log_in(page, base, "operator.kemiren")
    page.fill("#q", name.split()[-1].rstrip("."))
    page.click("form.search button[type=submit]")
    villages = page.locator("[data-testid=results] tbody tr td:nth-child(4)").all_inner_texts()
    assert villages and all(v.startswith("Kemiren,") for v in villages)


def test_operator_cannot_open_a_resident_of_another_village(served, page):
    base, db = served["base"], served["db"]
    other_id, other_nik, other_name = db.execute(
        "SELECT p.id, p.nik, p.name FROM registry_person p JOIN core_area a ON a.id = p.village_id "
        "WHERE a.code <> '35.10.15.2004' ORDER BY p.id LIMIT 1").fetchone()
    log_in(page, base, "operator.kemiren")
    response = page.goto(f"{base}/registry/people/{other_id}/")
    assert response.status == 404
    assert page.locator("[data-testid=error]").inner_text() == "Data tidak ditemukan di wilayah Anda."
    assert other_nik not in page.content()
    page.goto(f"{base}/registry/")
    page.fill("#nik", other_nik)
    page.click("form.search button[type=submit]")
    assert page.locator("[data-testid=results]").count() == 0
    assert other_name not in page.locator("main").inner_text()


def test_english_switch(served, page):
    base = served["base"]
    log_in(page, base, "operator.kemiren")
    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Find residents"
    assert page.locator("html").get_attribute("lang") == "en"
