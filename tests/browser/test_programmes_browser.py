"""A Dinas Sosial analyst in a real Chromium: a rule with a mistake is pointed at, a preview per kecamatan,
a targeting run started with the button and followed to the end (the task worker that `serve` starts
does the work), then the map and the dashboard of that run."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser



def test_analyst_checks_a_rule_runs_targeting_and_reads_the_map(served, page):
    base, db = served["base"], served["db"]
    log_in(page, base, "analis.dinsos")

    page.goto(f"{base}/programmes/RTLH/rule/")
    page.fill("#rule_text", "desil <= 4 and umur > 5")
    page.click("button[value=preview]")
    error = page.locator("[data-testid=rule-error]").inner_text()
    assert "kolom 16" in error and "umur" in error
    page.fill("#rule_text", "desil <= 2")
    page.click("button[value=preview]")
    rows = page.locator("[data-testid=preview] tr")
    assert rows.count() == 25  # every kecamatan, even those with nobody eligible
    shown = sum(int(rows.nth(i).locator("td").nth(1).inner_text().replace(".", "").replace(",", "")) for i in range(25))
    (expected,) = db.execute(
        "SELECT COUNT(DISTINCT h.id) FROM registry_household h JOIN registry_membership m ON m.household_id = h.id AND m.end_date IS NULL "
        "JOIN registry_person p ON p.id = m.person_id AND p.date_of_death IS NULL WHERE h.desil <= 2"
    ).fetchone()
    assert shown == expected  # RTLH is given to households

    before = db.execute("SELECT COUNT(*) FROM programmes_targetingrun").fetchone()[0]
    page.goto(f"{base}/targeting/")
    page.click("[data-testid=run-targeting]")
    page.wait_for_url(f"{base}/targeting/*/")
    # The run page follows the run until the worker has finished it, then shows its figures.
    page.wait_for_selector("[data-testid=run-stats] tbody tr", timeout=120_000)
    run_id, status, steps_done, steps_total = db.execute(
        "SELECT id, status, steps_done, steps_total FROM programmes_targetingrun ORDER BY id DESC LIMIT 1").fetchone()
    assert db.execute("SELECT COUNT(*) FROM programmes_targetingrun").fetchone()[0] == before + 1
    assert (status, steps_done) == ("done", steps_total)
    programmes_in_run = db.execute("SELECT COUNT(*) FROM programmes_runprogrammestat WHERE run_id = ?", (run_id,)).fetchone()[0]
    assert page.locator("[data-testid=run-stats] tbody tr").count() == programmes_in_run == steps_total - 1

    page.goto(f"{base}/programmes/map/?run={run_id}")
    page.wait_for_selector("#map .leaflet-overlay-pane canvas")  # villages are drawn on a canvas
    page.wait_for_function("document.getElementById('map-status').textContent.includes('zoom')")
    data = page.request.get(f"{base}/programmes/map/data.json?run={run_id}").json()
    (with_figures,) = db.execute(
        "SELECT COUNT(*) FROM programmes_runvillagestat s JOIN programmes_programme p ON p.id = s.programme_id "
        "WHERE s.run_id = ? AND p.code = ?", (run_id, data["programme"]["code"])).fetchone()
    assert data["run"]["id"] == run_id and len(data["villages"]) == with_figures > 0
    page.goto(f"{base}/programmes/dashboard/")
    assert page.locator("[data-testid=dashboard-area]").inner_text().endswith("Banyuwangi")
    assert page.locator("[data-testid=coverage-chart]").count() == 1
