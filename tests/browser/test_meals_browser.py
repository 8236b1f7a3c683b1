"""Rantang Kasih in a real Chromium: the programme office plans today's rounds on the page; the warung's
rider opens today's round on a phone (with its Leaflet map, served locally), marks a meal delivered, and a
second mark of the same meal is impossible; the office's map draws providers and recipients."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")



def test_office_plans_rounds_and_the_rider_marks_a_delivery(served, page, browser):
    base, db = served["base"], served["db"]
    today = dt.datetime.now(JAKARTA).date().isoformat()
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(base) and not r.url.startswith("data:") else None)

    log_in(page, base, "admin.kabupaten", next_url="/meals/rounds/", landing=f"{base}/meals/rounds/*")
    page.click("[data-testid=plan-rounds]")
    page.wait_for_selector("[data-testid=rounds] tbody tr")
    provider_id, stops = db.execute(
        "SELECT p.id, COUNT(s.id) FROM meals_provider p JOIN auth_user u ON u.id = p.user_id JOIN meals_round r ON r.provider_id = p.id "
        "JOIN meals_roundstop s ON s.round_id = r.id WHERE u.username = 'warung.demo' AND r.date = ? GROUP BY p.id", (today,)).fetchone()
    assert stops >= 1

    page.goto(f"{base}/meals/map/")
    page.wait_for_function("document.getElementById('meals-map-status').textContent.indexOf('Penyedia') > 0")
    providers = db.execute("SELECT COUNT(*) FROM meals_provider WHERE active = 1").fetchone()[0]
    assert page.locator("[data-testid=map-status]").inner_text().startswith(f"{providers} Penyedia")

    rider = browser.new_context(locale="id-ID", viewport={"width": 360, "height": 740})
    phone = rider.new_page()
    phone.on("request", lambda r: external.append(r.url) if not r.url.startswith(base) and not r.url.startswith("data:") else None)
    log_in(phone, base, "warung.demo", next_url="/meals/provider/", landing=f"{base}/meals/provider/*")
    cards = phone.locator("[data-testid=stop]")
    assert cards.count() == stops
    assert phone.locator("#meals-round-map.leaflet-container").count() == 1
    first = cards.first
    recipient_id = int(first.get_attribute("id").removeprefix("stop-"))
    first.locator("[data-testid=mark-delivered]").click()
    phone.wait_for_load_state()
    card = phone.locator(f"#stop-{recipient_id}")
    assert card.locator("[data-testid=stop-outcome]").inner_text().startswith("Diterima")
    assert card.locator("[data-testid=mark-delivered]").count() == 0  # a marked meal offers only a correction
    outcome, portions = db.execute("SELECT outcome, portions FROM meals_delivery WHERE recipient_id = ? AND date = ?", (recipient_id, today)).fetchone()
    meals_per_day = db.execute("SELECT meals_per_day FROM meals_recipient WHERE id = ?", (recipient_id,)).fetchone()[0]
    assert (outcome, portions) == ("delivered", meals_per_day)
    rider.close()
    assert external == []
