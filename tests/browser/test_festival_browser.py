"""Banyuwangi Festival in a real Chromium: a visitor browses the calendar and opens an event; the tourism
office adds an event (refused first: it ends before it starts), publishes it, and the feed carries it."""

from __future__ import annotations

import re

import pytest
import vobject

pytestmark = pytest.mark.browser


def test_visitor_browses_the_month_calendar_and_opens_an_event(served, page):
    base, db = served["base"], served["db"]
    year, month = db.execute("SELECT strftime('%Y', starts_at), strftime('%m', starts_at) FROM festival_event "
                             "WHERE status = 'published' AND title = 'Gandrung Sewu'").fetchone()
    page.goto(f"{base}/festival/kalender/{int(year)}/{int(month)}/")
    assert page.locator("[data-testid=grid] .festival-dot").count() >= 1
    page.locator("[data-testid=events] a", has_text="Gandrung Sewu").first.click()
    page.wait_for_url(re.compile(rf"{base}/festival/acara/gandrung-sewu-.+/"))
    assert page.locator("[data-testid=event-title]").inner_text() == "Gandrung Sewu"
    assert "WIB" in page.locator("[data-testid=when]").inner_text()
    assert page.locator("#festival-map.leaflet-container").count() == 1  # Leaflet ran, from local static files


def test_tourism_office_adds_and_publishes_an_event_that_the_feed_carries(served, page):
    base = served["base"]
    page.goto(f"{base}/accounts/login/?next=/festival/staf/")
    page.fill("#id_username", "dispar.festival")
    page.fill("#id_password", "demo-dispar.festival")
    page.click("#login-submit")
    page.wait_for_url(f"{base}/festival/staf/")
    page.click("[data-testid=new-event]")
    page.fill("#id_title", "Festival Uji Jazz Pantai")
    page.select_option("#id_category", "seni")
    page.fill("#id_start_date", "2027-07-17")
    page.fill("#id_end_date", "2027-07-17")
    page.fill("#id_start_time", "19:00")
    page.fill("#id_end_time", "18:00")
    page.fill("#id_venue", "Pantai Marina Boom")
    page.select_option("#id_village", "35.10.16.1013")
    page.click("[data-testid=save]")
    assert page.locator("[data-testid=error-end_time]").inner_text() == "Acara tidak bisa selesai sebelum dimulai."
    page.fill("#id_end_time", "23:30")
    page.click("[data-testid=save]")
    page.wait_for_url(re.compile(rf"{base}/festival/staf/acara/\d+/"))
    assert page.locator("[data-testid=event-status]").inner_text() == "Draf"
    page.click("[data-testid=publish]")
    assert page.locator("[data-testid=event-status]").inner_text() == "Terbit"
    feed = page.request.get(f"{base}/festival/calendar.ics")
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    events = {e.summary.value: e for e in vobject.readOne(feed.text()).vevent_list}
    jazz = events["Festival Uji Jazz Pantai"]
    assert (jazz.dtstart.value.isoformat(), jazz.sequence.value, jazz.status.value) == ("2027-07-17T19:00:00+07:00", "1", "CONFIRMED")
