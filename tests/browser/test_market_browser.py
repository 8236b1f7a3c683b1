"""Banyuwangi Mall in a real Chromium on a phone-sized screen: a visitor finds a product, signs up,
orders cash on delivery; a resident opens a shop, the cooperatives office verifies it, the seller adds a
product with a photo and it appears in the shop."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser



def test_visitor_finds_a_product_signs_up_and_orders(served, page):
    base, db = served["base"], served["db"]
    page.goto(f"{base}/mall/")
    assert page.locator("h1").inner_text() == "Produk UMKM Banyuwangi"
    page.select_option("#kategori", "makanan-olahan")
    page.check("input[name=tersedia]")
    page.click("form.market-filter button[type=submit]")
    page.wait_for_url(re.compile(r".*kategori=makanan-olahan.*"))
    first = page.locator("[data-testid=products] li a").first
    first.click()
    page.wait_for_url(re.compile(rf"{base}/mall/produk/\d+/"))
    product_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    stock_before = db.execute("SELECT stock FROM market_product WHERE id = ?", (product_id,)).fetchone()[0]
    page.click("[data-testid=add-to-cart]")
    page.wait_for_url(f"{base}/mall/keranjang/")
    assert page.locator("[data-testid=cart] tbody tr").count() == 1
    page.click("[data-testid=checkout]")
    page.wait_for_url(re.compile(rf"{base}/accounts/login/.*"))
    page.goto(f"{base}/mall/daftar/?next=/mall/keranjang/pesan/")
    page.fill("#id_full_name", "Dewi Lestari")
    page.fill("#id_username", "dewi.lestari")
    page.fill("#id_password", "gandrung-sewu-2026")
    page.fill("#id_password_again", "gandrung-sewu-2026")
    page.click("[data-testid=signup]")
    page.wait_for_url(f"{base}/mall/keranjang/pesan/")
    page.fill("#id_buyer_name", "Dewi Lestari")
    page.fill("#id_buyer_phone", "0812")
    page.fill("#id_shipping_address", "Jl. Gajah Mada 12, RT 1 RW 3")
    page.click("[data-testid=place-order]")
    assert "Tulis nomor HP seperti 081234567890." in page.locator("[data-testid=error-buyer_phone]").inner_text()
    page.fill("#id_buyer_phone", "081234567890")
    page.click("[data-testid=place-order]")
    page.wait_for_url(re.compile(rf"{base}/mall/pesanan/BWM-.+/"))
    assert page.locator("[data-testid=order-status]").inner_text() == "Menunggu konfirmasi penjual"
    assert db.execute("SELECT stock FROM market_product WHERE id = ?", (product_id,)).fetchone()[0] == stock_before - 1
    assert "Menunggu konfirmasi penjual" in page.locator("[data-testid=timeline]").inner_text()


def test_a_resident_opens_a_shop_the_office_verifies_it_and_a_product_appears(served, browser, tmp_path):
    base, db = served["base"], served["db"]
    nik, born, village = db.execute(
        "SELECT p.nik, p.birth_date, a.code FROM registry_person p JOIN core_area a ON a.id = p.village_id "
        "LEFT JOIN market_seller s ON s.owner_id = p.id WHERE s.id IS NULL AND p.date_of_death IS NULL "
        "AND p.birth_date < '1995-01-01' AND p.birth_date > '1960-01-01' ORDER BY p.id LIMIT 1").fetchone()
    seller = browser.new_context(locale="id-ID", viewport={"width": 412, "height": 915}).new_page()
    seller.goto(f"{base}/mall/daftar/?next=/mall/penjual/")
    seller.fill("#id_full_name", "Pak Harto")
    seller.fill("#id_username", "harto.batik")
    seller.fill("#id_password", "batik-gajah-oling")
    seller.fill("#id_password_again", "batik-gajah-oling")
    seller.click("[data-testid=signup]")
    seller.wait_for_url(f"{base}/mall/penjual/daftar/")
    seller.fill("#id_nik", nik)
    seller.fill("#id_birth_date", born)
    seller.fill("#id_business_name", "Batik Harto Jaya")
    seller.select_option("#id_village", village)
    seller.select_option("#id_category", "batik")
    seller.fill("#id_phone", "081355577799")
    seller.click("[data-testid=register-shop]")
    seller.wait_for_url(f"{base}/mall/penjual/")
    assert seller.locator("[data-testid=seller-status]").inner_text() == "Menunggu verifikasi"

    office = browser.new_context(locale="id-ID").new_page()
    log_in(office, base, "dinkop.umkm", next_url="/mall/kantor/")
    office.click("[data-testid=pending-link]")
    office.locator("[data-testid=sellers] a", has_text="Batik Harto Jaya").click()
    assert nik not in office.content() and nik[-4:] in office.content()
    office.click("[data-testid=decide-verify]")
    assert office.locator("[data-testid=seller-status]").inner_text().startswith("Terverifikasi")

    seller.reload()
    assert seller.locator("[data-testid=seller-status]").inner_text() == "Terverifikasi"
    seller.click("[data-testid=new-product]")
    seller.fill("#id_name", "Kain Batik Tulis Kangkung Setingkes")
    seller.select_option("#id_category", "batik")
    seller.fill("#id_price", "-350000")
    seller.fill("#id_stock", "4")
    seller.fill("#id_weight_grams", "350")
    seller.click("[data-testid=save]")
    assert seller.locator("[data-testid=error-price]").inner_text() == "Harga tidak boleh negatif."
    seller.fill("#id_price", "350000")
    seller.click("[data-testid=save]")
    seller.wait_for_url(re.compile(rf"{base}/mall/penjual/produk/\d+/"))
    picture = tmp_path / "kain.png"
    Image.new("RGB", (900, 600), (120, 40, 20)).save(picture)
    not_picture = tmp_path / "kain.jpg"
    not_picture.write_bytes(b"this is a text file pretending to be a JPEG")
    seller.set_input_files("#id_photo", str(not_picture))
    seller.click("[data-testid=upload-photo]")
    assert "bukan gambar" in seller.locator("[data-testid=error-photo]").inner_text()
    seller.set_input_files("#id_photo", str(picture))
    seller.click("[data-testid=upload-photo]")
    assert seller.locator(".market-photos img").count() == 1

    buyer = browser.new_context(locale="id-ID", viewport={"width": 412, "height": 915}).new_page()
    buyer.goto(f"{base}/mall/?q=kangkung+setingkes")
    card = buyer.locator("[data-testid=products] li", has_text="Batik Harto Jaya")
    assert "Rp350.000" in card.inner_text() and "Batik Harto Jaya" in card.inner_text()
    image = card.locator("img")
    # served by the app itself (not whitenoise), re-encoded to a 400 px thumbnail
    assert image.evaluate("img => img.complete && img.naturalWidth") == 400
