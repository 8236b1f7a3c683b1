"""An analyst uploads an agency list in a real Chromium and follows the background import to its links;
then the village operator of Kemiren reviews a doubtful pair side by side and accepts it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser



def test_analyst_uploads_a_list_and_operator_reviews_a_pair(served, page, tmp_path):
    base, db = served["base"], served["db"]
    kemiren = db.execute("SELECT id FROM core_area WHERE code = '35.10.15.2004'").fetchone()[0]
    living = "FROM registry_person WHERE village_id = ? AND date_of_death IS NULL AND merged_into_id IS NULL"
    people = db.execute(f"SELECT nik, name, birth_date, sex {living} ORDER BY id LIMIT 8", (kemiren,)).fetchall()
    # The doubtful one is born on a day that can be read as a month (so the swapped date stays a date).
    people += db.execute(
        f"SELECT nik, name, birth_date, sex {living} AND CAST(strftime('%d', birth_date) AS INTEGER) <= 12 "
        "AND strftime('%d', birth_date) <> strftime('%m', birth_date) AND name LIKE '% %' ORDER BY id DESC LIMIT 1", (kemiren,)).fetchall()
    lines = ["NIK;Nama Lengkap;Tgl Lahir;JK;Desa;Kecamatan"]
    for nik, name, born, sex in people[:8]:
        lines.append(f"{nik};{name};{dt.date.fromisoformat(born):%d-%m-%Y};{'L' if sex == 'M' else 'P'};Kemiren;Glagah")
    # A doubtful row: no NIK, the birth date's day and month typed the other way round, first word dropped.
    nik, name, born, sex = people[8]
    born = dt.date.fromisoformat(born)
    shorter = " ".join(name.split()[1:]) or name
    lines.append(f";{shorter};{born:%m-%d-%Y};{'L' if sex == 'M' else 'P'};Kemiren;Glagah")
    lines.append(";;;;;")  # an empty row is staged too, as not linkable
    path = tmp_path / "daftar_pkh_kemiren.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    log_in(page, base, "analis.dinsos")
    page.goto(f"{base}/linkage/")
    page.select_option("[data-testid=programme]", "PKH")
    page.set_input_files("[data-testid=file]", str(path))
    page.click("[data-testid=upload]")
    page.wait_for_url(f"{base}/linkage/imports/*/")
    # The page follows the background task until the list is linked, then shows the outcome.
    page.wait_for_selector("[data-testid=batch-links]", timeout=180_000)
    batch_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    status, rows, invalid = db.execute("SELECT status, rows_committed, rows_invalid FROM linkage_importbatch WHERE id = ?", (batch_id,)).fetchone()
    assert (status, rows, invalid) == ("linked", 10, 1)
    assert page.locator("[data-testid=rows] tbody tr").count() == 10
    exact = db.execute("SELECT COUNT(*) FROM linkage_stagedrow WHERE batch_id = ? AND link_status = 'exact'", (batch_id,)).fetchone()[0]
    assert exact == 8
    assert page.locator("[data-link=exact] strong").inner_text() == "8"
    doubtful = db.execute("SELECT id, link_status FROM linkage_stagedrow WHERE batch_id = ? AND row_number = 9", (batch_id,)).fetchone()
    assert doubtful[1] in ("review", "matched"), doubtful

    if doubtful[1] == "review":
        page.context.clear_cookies()
        log_in(page, base, "operator.kemiren")
        page.goto(f"{base}/linkage/review/")
        page.locator(f"[data-testid=review-items] a:has-text('{shorter}')").first.click()
        assert page.locator("[data-side='1'] [data-field=name]").inner_text() == shorter
        assert page.locator("[data-side='2'] [data-field=nik]").inner_text() in {p[0] for p in people}
        assert page.locator("[data-testid=evidence] tbody tr").count() == 7
        page.click("[data-testid=accept]")
        page.wait_for_url(f"{base}/linkage/review/**")
        row = db.execute("SELECT link_status, person_id, enrolment_id FROM linkage_stagedrow WHERE id = ?", (doubtful[0],)).fetchone()
        assert row[0] == "matched" and row[1] is not None
        assert db.execute("SELECT nik FROM registry_person WHERE id = ?", (row[1],)).fetchone()[0] == nik
        decided = db.execute("SELECT COUNT(*) FROM core_auditevent WHERE action = 'linkage.review' AND actor_label = 'operator.kemiren'").fetchone()[0]
        assert decided == 1
    else:
        person = db.execute("SELECT p.nik FROM linkage_stagedrow r JOIN registry_person p ON p.id = r.person_id WHERE r.id = ?", (doubtful[0],)).fetchone()
        assert person[0] == nik

    page.goto(f"{base}/linkage/")
    page.click("[data-testid=lang-switch]")
    assert page.locator("h1").first.inner_text() == "Linking beneficiary lists"
