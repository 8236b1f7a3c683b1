"""Mall services: registration against the registry, verification, products, orders and their states."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from smartkampung.core.models import AuditEvent
from smartkampung.market import services
from smartkampung.market.models import (
    Category,
    Order,
    OrderEvent,
    OrderItem,
    Product,
    ProductPhoto,
    Seller,
)
from smartkampung.registry.models import Person
from tests.conftest import actor

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def test_categories_are_the_real_ones_and_loading_is_idempotent():
    assert [c.code for c in Category.objects.all()] == ["batik", "fashion", "kerajinan", "makanan-olahan", "aksesoris", "suvenir", "furnitur"]
    audits = AuditEvent.objects.filter(action="mall.categories_load").count()
    assert services.categories_load(actor=actor(None)) == 7
    assert AuditEvent.objects.filter(action="mall.categories_load").count() == audits


def _register(user, person, **overrides):
    data = {"actor": actor(user), "user": user, "nik": person.nik, "birth_date": person.birth_date, "business_name": "Kopi Osing Lestari",
            "village": person.village, "category": Category.objects.get(code="makanan-olahan"), "phone": "0812 3456 7890"}
    data.update(overrides)
    return services.seller_register(**data)


def test_register_checks_nik_and_birth_date_against_the_registry(citizen, resident):
    user, person = citizen("warga1"), resident(0)
    seller = _register(user, person)
    assert (seller.owner_id, seller.status, seller.phone, seller.slug) == (person.pk, "pending", "081234567890", "kopi-osing-lestari")
    audit = AuditEvent.objects.get(action="mall.seller_register", object_id=str(seller.pk))
    assert audit.changes["owner_nik"] == person.nik[:4] + "********" + person.nik[-4:]
    assert person.nik not in str(audit.changes)


@pytest.mark.parametrize("case", ["wrong_birth_date", "unknown_nik", "deceased"])
def test_register_refuses_a_mismatch_with_one_answer_and_saves_nothing(citizen, resident, case):
    user, person = citizen("warga2"), resident(1)
    birth_date, nik = person.birth_date, person.nik
    if case == "wrong_birth_date":
        birth_date = birth_date + dt.timedelta(days=1)
    elif case == "unknown_nik":
        nik = "3510999999999999"
    else:
        dead = Person.objects.filter(date_of_death__isnull=False).order_by("id").first()
        nik, birth_date = dead.nik, dead.birth_date
    before = Seller.objects.count()
    with pytest.raises(services.DomainError) as refused:
        _register(user, person, nik=nik, birth_date=birth_date)
    assert (refused.value.code, refused.value.field) == ("identity_mismatch", "nik")
    assert Seller.objects.count() == before


def test_register_refuses_a_minor_a_second_shop_and_a_non_village(citizen, resident, area):
    child = Person.objects.filter(date_of_death__isnull=True, birth_date__gte=dt.date(2012, 1, 1)).order_by("id").first()
    with pytest.raises(services.DomainError) as young:
        _register(citizen("anak"), child)
    assert young.value.code == "too_young"
    user, person = citizen("warga3"), resident(2)
    with pytest.raises(services.DomainError) as kecamatan:
        _register(user, person, village=area("35.10.09"))
    assert kecamatan.value.field == "village"
    _register(user, person)
    with pytest.raises(services.DomainError) as twice:
        _register(user, person, business_name="Toko Kedua")
    assert twice.value.code == "duplicate"
    with pytest.raises(services.DomainError) as same_owner:
        _register(citizen("warga4"), person, business_name="Toko Ketiga")
    assert (same_owner.value.code, same_owner.value.field) == ("duplicate", "nik")
    assert Seller.objects.filter(owner=person).count() == 1


def test_only_the_office_verifies_and_verification_lists_the_products(shop, citizen, users, office_user):
    seller, product = shop(verified=False)
    assert (product.listed, Product.objects.get(pk=product.pk).listed) == (False, False)
    for outsider in (citizen("orang.lain"), users["operator"], seller.user):
        with pytest.raises(services.DomainError) as refused:
            services.seller_decide(actor=actor(outsider), seller=seller, decision="verify")
        assert refused.value.code == "forbidden"
    assert Seller.objects.get(pk=seller.pk).status == "pending"
    with pytest.raises(services.DomainError) as no_reason:
        services.seller_decide(actor=actor(office_user), seller=seller, decision="reject")
    assert no_reason.value.field == "reason"
    services.seller_decide(actor=actor(office_user), seller=seller, decision="verify")
    assert Product.objects.get(pk=product.pk).listed is True
    services.seller_decide(actor=actor(office_user), seller=seller, decision="suspend", reason="Pesanan tidak dikirim")
    assert (Seller.objects.get(pk=seller.pk).status, Product.objects.get(pk=product.pk).listed) == ("suspended", False)
    with pytest.raises(services.DomainError) as wrong_state:
        services.seller_decide(actor=actor(office_user), seller=seller, decision="reject", reason="x")
    assert wrong_state.value.code == "conflict"


@pytest.mark.parametrize(("field", "value", "code"), [
    ("price", -5000, "invalid"), ("price", 0, "invalid"), ("stock", -1, "invalid"), ("weight_grams", 0, "invalid"),
    ("price", "abc", "invalid"), ("price", 12.5, "invalid"), ("price", None, "required"),
])
def test_product_bad_numbers_are_refused_and_nothing_is_saved(shop, field, value, code):
    seller, _product = shop()
    count = Product.objects.count()
    data = {"name": "Sarung Tenun", "category": seller.category, "price": 90_000, "stock": 3, "weight_grams": 400, field: value}
    with pytest.raises(services.DomainError) as refused:
        services.product_create(actor=actor(seller.user), seller=seller, **data)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert Product.objects.count() == count


def test_product_update_refuses_negative_stock_and_keeps_the_old_values(shop):
    seller, product = shop(stock=5)
    with pytest.raises(services.DomainError):
        services.product_update(actor=actor(seller.user), product=product, stock=-3, price=1000)
    fresh = Product.objects.get(pk=product.pk)
    assert (fresh.stock, fresh.price) == (5, 150_000)


def test_another_account_cannot_change_a_product(shop, citizen):
    seller, product = shop()
    with pytest.raises(services.DomainError) as refused:
        services.product_update(actor=actor(citizen("pengganggu")), product=product, price=1)
    assert refused.value.code == "forbidden"
    assert Product.objects.get(pk=product.pk).price == 150_000


def test_the_database_refuses_negative_stock_even_without_the_services(shop):
    _seller, product = shop(stock=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(stock=-1)
    assert Product.objects.get(pk=product.pk).stock == 1


def test_photos_are_checked_reencoded_and_capped(shop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seller, product = shop()
    photo = services.product_photo_add(actor=actor(seller.user), product=product,
                                       upload=SimpleUploadedFile("kain.png", png_bytes((2000, 1000)), content_type="image/png"))
    assert (photo.width, photo.height) == (1280, 640)
    assert (tmp_path / photo.path).read_bytes()[:3] == b"\xff\xd8\xff"  # stored as JPEG whatever was sent
    with pytest.raises(services.DomainError) as not_image:
        services.product_photo_add(actor=actor(seller.user), product=product,
                                   upload=SimpleUploadedFile("kain.jpg", b"<?php echo 'bukan gambar'; ?>", content_type="image/jpeg"))
    assert (not_image.value.code, not_image.value.field) == ("invalid_image", "photo")
    with pytest.raises(services.DomainError) as too_big:
        services.product_photo_add(actor=actor(seller.user), product=product,
                                   upload=SimpleUploadedFile("besar.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 10), content_type="image/png"))
    assert too_big.value.field == "photo"
    assert ProductPhoto.objects.filter(product=product).count() == 1
    assert sorted(p.name for p in (tmp_path / f"mall/products/{product.pk}").iterdir()) == sorted([photo.path.rsplit("/", 1)[1], photo.thumb_path.rsplit("/", 1)[1]])


def _place(buyer, lines, **overrides):
    data = {"actor": actor(buyer), "lines": lines, "buyer_name": "Sri Wahyuni", "buyer_phone": "081331234567",
            "shipping_address": "Jl. Kopi No. 5, RT 2 RW 1", "shipping_village": None, "payment_method": "cod"}
    data.update(overrides)
    return services.order_place(**data)


def test_an_order_takes_stock_and_cod_goes_through_confirm_ship_complete(shop, citizen):
    seller, product = shop(stock=5)
    buyer = citizen("pembeli1")
    [order] = _place(buyer, [services.CartLine(product.pk, 2)])
    assert (order.status, order.total, Product.objects.get(pk=product.pk).stock) == ("pending", 300_000, 3)
    assert list(OrderItem.objects.filter(order=order).values_list("quantity", "unit_price", "subtotal")) == [(2, 150_000, 300_000)]
    with pytest.raises(services.DomainError) as buyer_confirms:
        services.order_act(actor=actor(buyer), order=order, action="confirm")
    assert buyer_confirms.value.code == "forbidden"
    assert Order.objects.get(pk=order.pk).status == "pending"
    services.order_act(actor=actor(seller.user), order=order, action="confirm")
    with pytest.raises(services.DomainError) as buyer_cancels_late:
        services.order_act(actor=actor(buyer), order=order, action="cancel", note="berubah pikiran")
    assert buyer_cancels_late.value.code == "conflict"  # buyers may cancel, but not once the seller confirmed
    services.order_act(actor=actor(seller.user), order=order, action="ship", tracking_number="JNE123")
    with pytest.raises(services.DomainError) as twice:
        services.order_act(actor=actor(seller.user), order=order, action="ship")
    assert twice.value.code == "conflict"
    services.order_act(actor=actor(buyer), order=order, action="complete")
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.status, fresh.tracking_number) == ("completed", "JNE123")
    assert list(OrderEvent.objects.filter(order=order).values_list("action", "status", "actor_role")) == [
        ("place", "pending", "buyer"), ("confirm", "confirmed", "seller"), ("ship", "shipped", "seller"), ("complete", "completed", "buyer")]


def test_cancelling_puts_the_stock_back(shop, citizen):
    seller, product = shop(stock=4)
    [order] = _place(citizen("pembeli2"), [services.CartLine(product.pk, 4)])
    assert Product.objects.get(pk=product.pk).stock == 0
    with pytest.raises(services.DomainError) as no_reason:
        services.order_act(actor=actor(seller.user), order=order, action="cancel")
    assert no_reason.value.field == "note"
    services.order_act(actor=actor(seller.user), order=order, action="cancel", note="Kain rusak")
    assert (Order.objects.get(pk=order.pk).status, Product.objects.get(pk=product.pk).stock) == ("cancelled", 4)


@pytest.mark.parametrize("quantity", [0, -2, 6])
def test_bad_quantities_and_more_than_stock_save_nothing(shop, citizen, quantity):
    _seller, product = shop(stock=5)
    other_seller, other = shop("Anyaman Pandan", stock=9, n=1)
    orders = Order.objects.count()
    with pytest.raises(services.DomainError) as refused:
        _place(citizen("pembeli3"), [services.CartLine(other.pk, 1), services.CartLine(product.pk, quantity)])
    assert refused.value.code == ("out_of_stock" if quantity == 6 else "invalid")
    assert refused.value.field == "quantity"
    assert (Product.objects.get(pk=product.pk).stock, Product.objects.get(pk=other.pk).stock, Order.objects.count()) == (5, 9, orders)


def test_a_cart_with_two_shops_makes_two_orders(shop, citizen):
    first_seller, first = shop(stock=5)
    second_seller, second = shop("Anyaman Pandan", stock=9, n=1, price=40_000)
    orders = _place(citizen("pembeli4"), [services.CartLine(first.pk, 1), services.CartLine(second.pk, 3)])
    assert sorted((o.seller_id, o.total) for o in orders) == sorted([(first_seller.pk, 150_000), (second_seller.pk, 120_000)])


def test_transfer_needs_a_proof_before_the_seller_confirms(shop, citizen, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seller, product = shop(stock=2)
    buyer = citizen("pembeli5")
    [order] = _place(buyer, [services.CartLine(product.pk, 1)], payment_method="transfer")
    assert order.status == "awaiting_payment"
    with pytest.raises(services.DomainError) as early:
        services.order_act(actor=actor(seller.user), order=order, action="confirm")
    assert early.value.code == "conflict"
    with pytest.raises(services.DomainError) as fake:
        services.order_payment_proof(actor=actor(buyer), order=order, upload=SimpleUploadedFile("bukti.jpg", b"not a picture"))
    assert fake.value.code == "invalid_image"
    assert Order.objects.get(pk=order.pk).status == "awaiting_payment"
    services.order_payment_proof(actor=actor(buyer), order=order, upload=SimpleUploadedFile("bukti.png", png_bytes()))
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.status == "pending" and (tmp_path / fresh.payment_proof_path).is_file()
    services.order_act(actor=actor(seller.user), order=fresh, action="confirm")
    assert Order.objects.get(pk=order.pk).status == "confirmed"


def test_transfer_refused_when_the_shop_has_no_account_and_own_shop_refused(shop, citizen):
    seller, product = shop(stock=2, transfer=False)
    with pytest.raises(services.DomainError) as no_bank:
        _place(citizen("pembeli6"), [services.CartLine(product.pk, 1)], payment_method="transfer")
    assert no_bank.value.field == "payment_method"
    with pytest.raises(services.DomainError) as own:
        _place(seller.user, [services.CartLine(product.pk, 1)])
    assert own.value.code == "invalid"
    assert Product.objects.get(pk=product.pk).stock == 2


def test_unlisted_products_cannot_be_ordered(shop, citizen):
    seller, product = shop(stock=3)
    services.product_update(actor=actor(seller.user), product=product, active=False)
    with pytest.raises(services.DomainError) as refused:
        _place(citizen("pembeli7"), [services.CartLine(product.pk, 1)])
    assert refused.value.code == "unavailable"
    assert Product.objects.get(pk=product.pk).stock == 3


def test_account_create_validates(db):
    with pytest.raises(services.DomainError) as short:
        services.account_create(actor=actor(None), username="budi", password="pendek", full_name="Budi")
    assert short.value.field == "password"
    with pytest.raises(services.DomainError) as bad_name:
        services.account_create(actor=actor(None), username="Budi Santoso!", password="rahasia-panjang-1", full_name="Budi")
    assert bad_name.value.field == "username"
    user = services.account_create(actor=actor(None), username="budi.s", password="rahasia-panjang-1", full_name="Budi Santoso")
    assert (user.first_name, user.last_name, user.staff_roles.count()) == ("Budi", "Santoso", 0)
    with pytest.raises(services.DomainError) as taken:
        services.account_create(actor=actor(None), username="budi.s", password="rahasia-panjang-1", full_name="Budi Lain")
    assert taken.value.code == "duplicate"


def test_load_mall_categories_command(tmp_path):
    import subprocess

    from tests.fresh_db import COMMAND, fresh_database

    with fresh_database(tmp_path) as env:
        subprocess.run([*COMMAND, "migrate", "-v0"], env=env, check=True, capture_output=True)
        first = subprocess.run([*COMMAND, "load_mall_categories"], env=env, check=True, capture_output=True, text=True)
        again = subprocess.run([*COMMAND, "load_mall_categories"], env=env, check=True, capture_output=True, text=True)
    assert (first.stdout, again.stdout) == ("Mall categories: 7.\n", "Mall categories: 7.\n")
