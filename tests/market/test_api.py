"""Mall API: public catalogue, orders as JSON with clear errors, the office's endpoints."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from smartkampung.market.models import Order, Product, Seller

pytestmark = pytest.mark.django_db


def _json(client: Client, method: str, url: str, body: dict):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_catalogue_is_public_and_paginated(shop):
    _seller, product = shop()
    page = Client().get("/api/v1/mall/products", {"q": "gajah", "category": "batik", "page_size": 5}).json()
    assert page["page"] == 1 and page["total"] >= 1
    mine = next(p for p in page["items"] + Client().get("/api/v1/mall/products", {"q": "sekar jagad"}).json()["items"] if p["id"] == product.pk)
    assert (mine["price"], mine["stock"], mine["weight_grams"], mine["category"]) == (150_000, 5, 300, "batik")
    assert [c["code"] for c in Client().get("/api/v1/mall/categories").json()][:2] == ["batik", "fashion"]


def test_orders_need_an_account_and_refuse_more_than_stock_as_json(shop, citizen):
    _seller, product = shop(stock=2)
    body = {"lines": [{"product_id": product.pk, "quantity": 3}], "buyer_name": "Sri", "buyer_phone": "081234567890",
            "shipping_address": "Jl. Kopi 1", "payment_method": "cod"}
    assert _json(Client(), "post", "/api/v1/mall/orders", body).status_code == 401
    client = Client()
    client.force_login(citizen("api.buyer"))
    too_many = _json(client, "post", "/api/v1/mall/orders", body)
    assert too_many.status_code == 400
    assert too_many.json() == {"code": "out_of_stock", "message": "Stok Kain Batik Tulis Gajah Oling tinggal 2; Anda memesan 3.", "field": "quantity"}
    negative = _json(client, "post", "/api/v1/mall/orders", {**body, "lines": [{"product_id": product.pk, "quantity": -1}]})
    assert (negative.status_code, negative.json()["field"]) == (400, "quantity")
    assert Product.objects.get(pk=product.pk).stock == 2 and not Order.objects.filter(buyer__username="api.buyer").exists()
    placed = _json(client, "post", "/api/v1/mall/orders", {**body, "lines": [{"product_id": product.pk, "quantity": 2}]})
    assert placed.status_code == 201
    [order] = placed.json()
    assert (order["status"], order["total"], order["actions"]) == ("pending", 300_000, ["cancel"])
    assert [e["action"] for e in order["timeline"]] == ["place"]


def test_seller_api_refuses_negative_price(shop):
    seller, product = shop()
    client = Client()
    client.force_login(seller.user)
    refused = _json(client, "patch", f"/api/v1/mall/seller/products/{product.pk}", {"price": -10})
    assert (refused.status_code, refused.json()["field"]) == (400, "price")
    assert Product.objects.get(pk=product.pk).price == 150_000
    changed = _json(client, "patch", f"/api/v1/mall/seller/products/{product.pk}", {"stock": 9})
    assert changed.json()["stock"] == 9


def test_office_endpoints(shop, citizen, office_user):
    seller, _product = shop(verified=False)
    stranger = Client()
    stranger.force_login(citizen("bukan.dinas"))
    refused = stranger.get("/api/v1/mall/office/figures")
    assert refused.status_code == 403
    assert refused.json() == {"code": "forbidden", "message": "Khusus untuk Dinas Koperasi dan UMKM."}
    stranger.cookies["django_language"] = "en"
    refused = stranger.get("/api/v1/mall/office/figures")
    assert refused.json() == {"code": "forbidden", "message": "For the Cooperatives and UMKM Office only."}
    del stranger.cookies["django_language"]
    assert _json(stranger, "post", f"/api/v1/mall/office/sellers/{seller.pk}/decision", {"decision": "verify"}).status_code == 403
    assert Seller.objects.get(pk=seller.pk).status == "pending"
    office = Client()
    office.force_login(office_user)
    listed = office.get("/api/v1/mall/office/sellers", {"status": "pending"}).json()
    row = next(r for r in listed if r["id"] == seller.pk)
    assert row["owner_nik_masked"] == seller.owner.nik[:4] + "********" + seller.owner.nik[-4:]
    decided = _json(office, "post", f"/api/v1/mall/office/sellers/{seller.pk}/decision", {"decision": "verify"})
    assert decided.json()["status"] == "verified"
    figures = office.get("/api/v1/mall/office/figures").json()
    assert figures["sellers"]["verified"] == Seller.objects.filter(status="verified").count()
