"""Cek Bansos in a real Chromium on a phone-sized screen: a resident checks what they receive, proposes a
missed neighbour, the village operator confirms after the visit, and the reporter follows the ticket."""

from __future__ import annotations

import os
import re

import pytest

from smartkampung.cekbansos.masking import mask_name
from tests.fresh_db import run

pytestmark = pytest.mark.browser

KEMIREN = "35.10.15.2004"


def _recipient(db):
    """A living Kemiren resident with an active enrolment of their own."""
    return db.execute(
        "SELECT p.nik, p.birth_date, p.name, pr.name FROM registry_person p JOIN core_area a ON a.id = p.village_id "
        "JOIN programmes_enrolment e ON e.person_id = p.id JOIN programmes_programme pr ON pr.id = e.programme_id "
        "WHERE a.code = ? AND p.date_of_death IS NULL AND e.end_date IS NULL ORDER BY p.id LIMIT 1", (KEMIREN,)).fetchone()


def _missed(db):
    """A living resident of a desil 1-4 household that receives nothing, and who receives nothing of their
    own (PBI-JKN's rule, desil <= 4, holds), in Kemiren if there is one (its operator decides), else
    anywhere (the regency admin decides)."""
    return db.execute(
        "SELECT p.nik, p.name, a.code = ? FROM registry_person p JOIN core_area a ON a.id = p.village_id "
        "JOIN registry_membership m ON m.person_id = p.id AND m.end_date IS NULL JOIN registry_household h ON h.id = m.household_id "
        "WHERE p.date_of_death IS NULL AND h.desil <= 4 "
        "AND NOT EXISTS (SELECT 1 FROM programmes_enrolment e WHERE e.household_id = h.id) "
        "AND NOT EXISTS (SELECT 1 FROM programmes_enrolment e WHERE e.person_id = p.id) "
        "ORDER BY a.code = ? DESC, p.id LIMIT 1", (KEMIREN, KEMIREN)).fetchone()


def _sync_case_teams(db) -> None:
    # The served database got its demo logins after `synth` loaded the case teams; `cases load` (idempotent)
    # puts the village operator into Kemiren's village team, as a deployment does after adding staff.
    path = db.execute("PRAGMA database_list").fetchone()[2]
    env = {**os.environ, "SMARTKAMPUNG_DATABASE_URL": f"sqlite:///{path}", "PYTHONWARNINGS": "ignore"}
    run(env, "cases", "load")


def test_check_usul_confirm_and_follow(served, page, browser):
    base, db = served["base"], served["db"]
    nik, born, name, programme = _recipient(db)
    # 1. A resident checks, on a phone, with no JavaScript needed.
    page.goto(f"{base}/cekbansos/")
    assert page.locator("h1").inner_text() == "Cek Bansos"
    page.fill("#id_nik", nik)
    page.fill("#id_birth_date", born)
    page.click("[data-testid=check]")
    answer = page.locator("[data-testid=answer]")
    assert answer.locator("[data-testid=masked-name]").inner_text() == mask_name(name)
    assert name not in page.content() and nik not in page.content()
    assert programme in answer.inner_text()
    # A wrong birth date gets the plain not-found answer.
    page.fill("#id_nik", nik)
    page.fill("#id_birth_date", "1901-01-01")
    page.click("[data-testid=check]")
    assert page.locator("[data-testid=message]").inner_text().startswith("Data tidak ditemukan.")

    # 2. A neighbour proposes a missed resident.
    missed_nik, missed_name, in_kemiren = _missed(db)
    decider = "operator.kemiren" if in_kemiren else "admin.kabupaten"
    page.click("text=Usulkan")
    page.wait_for_url(f"{base}/cekbansos/usul/")
    page.fill("#id_nik", missed_nik)
    page.check("input[name=relation][value=neighbour]")
    page.fill("#id_reason", "Keluarga ini kehilangan pekerjaan dan belum menerima bantuan.")
    page.fill("#id_reporter_contact", "081234567890")
    page.click("[data-testid=submit]")
    ticket = page.locator("[data-testid=ticket]").inner_text()
    assert re.fullmatch(r"US-[2-9A-Z]{4}-[2-9A-Z]{4}", ticket)
    assert "Penerima Bantuan Iuran JKN" in page.locator("[data-testid=next-step]").inner_text()

    # 3. The village operator confirms after the visit.
    _sync_case_teams(db)
    staff = browser.new_context(locale="id-ID").new_page()
    staff.goto(f"{base}/accounts/login/")
    staff.fill("#id_username", decider)
    staff.fill("#id_password", f"demo-{decider}")
    staff.click("#login-submit")
    staff.goto(f"{base}/cekbansos/staf/")
    staff.click(f"text={ticket}")
    assert missed_name in staff.locator("main").inner_text()
    staff.select_option("#id_programme", "PBI_JKN")
    staff.click("[data-testid=confirm]")
    assert staff.locator("[data-testid=status]").inner_text() == "Dikonfirmasi, didaftarkan"
    staff.context.close()

    # 4. The reporter follows the ticket.
    page.click("text=Lacak tiket")
    page.fill("#id_ticket", ticket)
    page.click("[data-testid=follow]")
    assert page.locator("[data-testid=status]").inner_text() == "Dikonfirmasi: didaftarkan sebagai penerima"
    assert missed_name not in page.content()
