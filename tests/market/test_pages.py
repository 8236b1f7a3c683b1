"""Mall pages: shop front filters and pagination, cart and checkout, the seller's and the office's pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from smartkampung.core.models import AuditEvent
from smartkampung.market import services
from smartkampung.market.models import Category, Order, Product, Seller
from tests.conftest import actor

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def test_shop_front_lists_only_verified_active_products_and_filters(shop):
    seller, product = shop(stock=5)
    pending_seller, hidden = shop("Toko Menunggu", n=1, verified=False)
    page = Client().get("/mall/").content.decode()
    assert product.name in page and "Rp150.000" in page
    assert f"/mall/produk/{hidden.pk}/" not in page
    found = Client().get("/mall/", {"q": "gajah oling", "kategori": "batik", "kecamatan": seller.village.parent.code}).content.decode()
    assert f"/mall/produk/{product.pk}/" in found
    other = Client().get("/mall/", {"q": "gajah oling", "kategori": "furnitur"}).content.decode()
    assert f"/mall/produk/{product.pk}/" not in other
    assert Client().get(f"/mall/produk/{hidden.pk}/").status_code == 404


def test_shop_front_pages_through_results():
    listed = Product.objects.filter(listed=True).count()
    assert listed > 24  # the seed has more than one page
    first = Client().get("/mall/").content.decode()
    assert "hal=2" in first
    last = Client().get("/mall/", {"hal": 99}).context["page"]
    assert (last.page, last.total) == (-(-listed // 24), listed)
    assert len(last.products) == listed - 24 * (last.page - 1)


def test_cart_checkout_and_order_page(shop, citizen):
    _seller, product = shop(stock=3)
    buyer = Client()
    buyer.force_login(citizen("pembeli.web"))
    buyer.post("/mall/keranjang/", {"product": product.pk, "quantity": 2, "action": "add"})
    too_many = buyer.post("/mall/keranjang/", {"product": product.pk, "quantity": 2, "action": "add"}, follow=True).content.decode()
    assert "Stok Kain Batik Tulis Gajah Oling tinggal 3." in too_many
    assert buyer.session["mall_cart"] == {str(product.pk): 2}
    bad = buyer.post("/mall/keranjang/pesan/", {"buyer_name": "Sri", "buyer_phone": "12345", "shipping_address": "Jl. Kopi 1", "payment_method": "cod"})
    assert bad.status_code == 400 and "Tulis nomor HP seperti 081234567890." in bad.content.decode()
    assert Product.objects.get(pk=product.pk).stock == 3
    placed = buyer.post("/mall/keranjang/pesan/", {"buyer_name": "Sri", "buyer_phone": "081234567890", "shipping_address": "Jl. Kopi 1", "payment_method": "cod"})
    order = Order.objects.get(buyer__username="pembeli.web")
    assert placed.status_code == 302 and placed["Location"] == f"/mall/pesanan/{order.code}/"
    assert (order.total, Product.objects.get(pk=product.pk).stock, buyer.session["mall_cart"]) == (300_000, 1, {})
    page = buyer.get(f"/mall/pesanan/{order.code}/").content.decode()
    assert "Menunggu konfirmasi penjual" in page and "Rp300.000" in page
    stranger = Client()
    stranger.force_login(citizen("orang.asing"))
    assert stranger.get(f"/mall/pesanan/{order.code}/").status_code == 404
    assert stranger.post(f"/mall/pesanan/{order.code}/", {"action": "cancel", "note": "iseng"}).status_code == 404
    assert Order.objects.get(pk=order.pk).status == "pending"


def test_checkout_needs_a_login():
    response = Client().get("/mall/keranjang/pesan/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/mall/keranjang/pesan/")


def test_signup_then_register_a_shop(resident):
    person = resident(3)
    browser = Client()
    signed = browser.post("/mall/daftar/", {"full_name": "Wahyu Hidayat", "username": "wahyu.h", "password": "kopi-osing-2026",
                                             "password_again": "kopi-osing-2026", "next": "/mall/penjual/"})
    assert signed.status_code == 302 and signed["Location"] == "/mall/penjual/"
    assert browser.get("/mall/penjual/")["Location"] == "/mall/penjual/daftar/"
    form = {"nik": person.nik, "birth_date": "1901-01-01", "business_name": "Kopi Wahyu", "village": person.village.code,
            "category": "makanan-olahan", "phone": "081234567890"}
    wrong = browser.post("/mall/penjual/daftar/", form)
    assert wrong.status_code == 400 and "NIK dan tanggal lahir tidak cocok" in wrong.content.decode()
    assert not Seller.objects.filter(user__username="wahyu.h").exists()
    done = browser.post("/mall/penjual/daftar/", {**form, "birth_date": person.birth_date.isoformat()})
    assert done.status_code == 302
    home = browser.get("/mall/penjual/").content.decode()
    assert "Menunggu verifikasi" in home and "Kopi Wahyu" in home


def test_seller_adds_a_product_with_a_photo_and_bad_numbers_show_on_the_form(shop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seller, _product = shop()
    client = Client()
    client.force_login(seller.user)
    negative = client.post("/mall/penjual/produk/baru/", {"name": "Udeng Osing", "category": "fashion", "price": -1, "stock": 3, "weight_grams": 80})
    assert negative.status_code == 400 and "Harga tidak boleh negatif." in negative.content.decode()
    created = client.post("/mall/penjual/produk/baru/", {"name": "Udeng Osing", "category": "fashion", "price": 35000, "stock": 3, "weight_grams": 80, "active": "on"})
    product = Product.objects.get(seller=seller, name="Udeng Osing")
    assert created["Location"] == f"/mall/penjual/produk/{product.pk}/"
    not_image = client.post(created["Location"], {"action": "photo", "photo": SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not an image")})
    assert not_image.status_code == 400 and "bukan gambar" in not_image.content.decode()
    client.post(created["Location"], {"action": "photo", "photo": SimpleUploadedFile("udeng.png", png_bytes())})
    photo = product.photos.get()
    served = Client().get(f"/mall/foto/{photo.pk}/kecil.jpg")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"


def test_seller_confirms_and_ships_from_the_order_page(shop, citizen):
    seller, product = shop(stock=3)
    [order] = services.order_place(actor=actor(citizen("pembeli.x")), lines=[services.CartLine(product.pk, 1)], buyer_name="X",
                                   buyer_phone="081234567890", shipping_address="Jl. A", shipping_village=None, payment_method="cod")
    client = Client()
    client.force_login(seller.user)
    client.post(f"/mall/pesanan/{order.code}/", {"action": "confirm"})
    client.post(f"/mall/pesanan/{order.code}/", {"action": "ship", "tracking_number": "JNT-99"})
    again = client.post(f"/mall/pesanan/{order.code}/", {"action": "confirm"})
    assert again.status_code == 400
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.status, fresh.tracking_number) == ("shipped", "JNT-99")
    sales = client.get("/mall/penjual/").context["sales"]
    assert (sales["units_sold"], sales["in_progress"], sales["revenue"]) == (1, 150_000, 0)
    assert sales["top_products"] == [{"product_id": product.pk, "product_name": "Kain Batik Tulis Gajah Oling", "units": 1, "amount": 150_000}]
    client.post(f"/mall/pesanan/{order.code}/", {"action": "complete"})
    assert client.get("/mall/penjual/").context["sales"]["revenue"] == 150_000


def test_office_pages_are_for_the_office_only(shop, users, citizen, office_user):
    seller, _product = shop(verified=False)
    for outsider in (users["operator"], users["admin"].__class__.objects.get(username="dispar.festival"), citizen("warga.biasa")):
        client = Client()
        client.force_login(outsider)
        assert client.get("/mall/kantor/").status_code == 403
        assert client.post(f"/mall/kantor/penjual/{seller.pk}/", {"decision": "verify"}).status_code == 403
    assert Seller.objects.get(pk=seller.pk).status == "pending"
    office = Client()
    office.force_login(office_user)
    figures = office.get("/mall/kantor/").context["figures"]
    assert figures["sellers"]["pending"] == Seller.objects.filter(status="pending").count()
    assert figures["products_listed"] == Product.objects.filter(listed=True).count()
    detail = office.get(f"/mall/kantor/penjual/{seller.pk}/").content.decode()
    assert seller.owner.nik not in detail and seller.owner.nik[-4:] in detail
    assert AuditEvent.objects.filter(action="mall.seller_view", object_id=str(seller.pk), actor=office_user).count() == 1
    office.post(f"/mall/kantor/penjual/{seller.pk}/", {"decision": "verify"})
    assert Seller.objects.get(pk=seller.pk).status == "verified"


def test_public_pages_never_show_a_nik(shop):
    seller, product = shop()
    for url in ("/mall/", f"/mall/produk/{product.pk}/", f"/mall/toko/{seller.slug}/", "/api/v1/mall/products", f"/api/v1/mall/products/{product.pk}"):
        body = Client().get(url).content.decode()
        assert seller.owner.nik not in body and seller.owner.name not in body


def test_english_switch(shop):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/mall/"})
    page = client.get("/mall/").content.decode()
    assert "Cart" in page and "Category" in page
    assert Category.objects.get(code="batik").name_en == "Batik"
