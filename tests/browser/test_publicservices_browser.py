"""Public services in a real Chromium: a resident finds a service by a synonym and books a slot; a resident
requests a village letter, the operator checks it, the village head approves it, the resident downloads it
and anyone verifies it at /verify/<code>; the queue screen draws itself from its JSON endpoint."""

from __future__ import annotations

import datetime as dt
import io
import re
import urllib.request

import holidays
import pytest
import zxingcpp
from pypdf import PdfReader

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def _next_weekday_open() -> dt.date:
    day = dt.date.today() + dt.timedelta(days=1)
    closed = holidays.Indonesia(years=[day.year, day.year + 1], categories=("public", "government"))
    while day.weekday() >= 5 or day in closed or day == dt.date(day.year, 12, 18):
        day += dt.timedelta(days=1)
    return day



def _logout(page) -> None:
    page.context.clear_cookies()


def test_resident_finds_a_service_by_synonym_and_books(served, page):
    base = served["base"]
    page.goto(f"{base}/layanan/")
    page.fill("#q", "e-KTP hilang")
    page.click("form.search button[type=submit]")
    first = page.locator("[data-testid=services] li a").first
    assert first.inner_text() == "Penggantian KTP-el hilang"
    first.click()
    page.wait_for_url(f"{base}/layanan/jenis/dukcapil-ktp-hilang/")
    assert "Surat keterangan kehilangan dari kepolisian" in page.locator("main").inner_text()
    day = _next_weekday_open()
    page.fill("#date", day.isoformat())
    page.click("text=Lihat jam")
    page.locator("[data-testid=booking-form] input[name=starts_at]:not([disabled])").first.check()
    page.fill("#name", "Siti Aminah")
    page.fill("#phone", "081234567890")
    page.click("[data-testid=booking-form] button[type=submit]")
    page.wait_for_url(re.compile(rf"{base}/layanan/janji/MPP-[A-Z0-9]{{6}}/"))
    code = page.locator("[data-testid=booking-code]").inner_text()
    assert page.locator("[data-testid=booking-state]").inner_text() == "Terjadwal"
    booked = served["db"].execute("SELECT s.date, s.booked FROM publicservices_appointment a JOIN publicservices_slot s ON s.id = a.slot_id "
                                  "WHERE a.code = ?", (code,)).fetchone()
    assert booked[0] == day.isoformat() and booked[1] >= 1
    assert "Si** Am****" in page.locator("main").inner_text()


def test_letter_from_request_to_verification(served, page, tmp_path):
    base, db = served["base"], served["db"]
    nik, birth_date, name = db.execute(
        "SELECT p.nik, p.birth_date, p.name FROM registry_person p JOIN core_area a ON a.id = p.village_id "
        "WHERE a.code = '35.10.15.2004' AND p.date_of_death IS NULL AND p.birth_date < '2000-01-01' AND NOT EXISTS "
        "(SELECT 1 FROM publicservices_letterrequest r WHERE r.person_id = p.id) ORDER BY p.id LIMIT 1").fetchone()

    page.goto(f"{base}/layanan/surat/?jenis=domisili")
    page.select_option("#village_code", "35.10.15.2004")
    page.fill("#nik", nik)
    page.fill("#birth_date", birth_date)
    page.fill("#purpose", "Melamar pekerjaan")
    page.click("[data-testid=letter-form] button[type=submit]")
    request_code = page.locator("[data-testid=request-code]").inner_text()
    assert re.fullmatch(r"SRT-[A-Z0-9]{6}", request_code)

    log_in(page, base, "operator.kemiren")
    page.goto(f"{base}/layanan/staf/surat/?state=submitted")
    page.click(f"text={request_code}")
    page.fill("#note", "Data cocok dengan registri")
    page.click("[data-testid=check]")
    assert page.locator("[data-testid=state]").inner_text() == "Diperiksa operator, menunggu kepala desa"
    assert page.locator("[data-testid=approve]").count() == 0  # the operator cannot approve
    _logout(page)

    log_in(page, base, "kades.kemiren")
    page.goto(f"{base}/layanan/staf/surat/{request_code}/")
    page.click("[data-testid=approve]")
    number = page.locator("[data-testid=letter-number]").inner_text()
    assert re.fullmatch(r"470/\d{3}/429\.515\.04/\d{4}", number)
    _logout(page)

    page.goto(f"{base}/layanan/surat/status/?kode={request_code}")
    page.fill("#nik", nik)
    page.fill("#birth_date", birth_date)
    page.click("form.search button[type=submit]")
    assert page.locator("[data-testid=request-state]").inner_text() == "Terbit"
    pdf_url = page.locator("[data-testid=letter-pdf]").get_attribute("href")
    with urllib.request.urlopen(base + pdf_url) as response:
        pdf = response.read()
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(reader.pages[0].extract_text().split())
    assert number in text and name in text and "DESA KEMIREN" in text
    qr = zxingcpp.read_barcodes(reader.pages[0].images[0].image)[0].text
    verify_path = qr.split("://", 1)[1].split("/", 1)[1]  # the QR names the configured public host; open it here

    page.goto(f"{base}/{verify_path}")
    result = page.locator("[data-testid=verify-result]")
    assert result.get_attribute("data-status") == "valid"
    assert page.locator("[data-testid=verify-number]").inner_text() == number
    assert nik not in page.content()
    page.screenshot(path=str(tmp_path / "verified.png"), full_page=True)

    page.goto(f"{base}/verify/ABCDEFGHJK")
    assert page.locator("[data-testid=verify-result]").get_attribute("data-status") == "not_found"


def test_queue_screen_polls_its_endpoint(served, page):
    base = served["base"]
    with page.expect_response(lambda r: r.url.endswith("/api/v1/layanan/queue/screen") and r.status == 200):
        page.goto(f"{base}/layanan/antrean/layar/")
    page.wait_for_function("document.getElementById('clock').textContent.length > 0")
    assert page.locator("[data-testid=called] li").count() >= 1
