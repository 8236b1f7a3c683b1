"""Mall fixtures: citizen accounts, a resident to own a shop, a verified shop with products."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from smartkampung.market import services
from smartkampung.market.models import Category, SellerStatus
from smartkampung.registry.models import Person
from tests.conftest import actor


def png_bytes(size=(64, 48), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def citizen(db):
    def make(username: str):
        return get_user_model().objects.create_user(username=username, password="rahasia-panjang-1", first_name=username.title())
    return make


@pytest.fixture
def office_user(db):
    return get_user_model().objects.get(username="dinkop.umkm")


@pytest.fixture
def resident(db):
    """Living adult residents of the baseline who own no shop yet."""
    def pick(n: int = 0) -> Person:
        return (Person.objects.filter(date_of_death__isnull=True, birth_date__lte=dt.date(1990, 1, 1), birth_date__gte=dt.date(1950, 1, 1),
                                      mall_seller__isnull=True).order_by("id")[n])
    return pick


@pytest.fixture
def shop(citizen, resident, office_user):
    """A verified shop of a new citizen account with a product of the given stock."""
    def make(name: str = "Batik Sekar Jagad", *, stock: int = 5, price: int = 150_000, n: int = 0, transfer: bool = True, verified: bool = True):
        user = citizen(f"penjual{n}")
        owner = resident(n)
        seller = services.seller_register(
            actor=actor(user), user=user, nik=owner.nik, birth_date=owner.birth_date, business_name=name,
            village=owner.village, category=Category.objects.get(code="batik"), phone="081234567890",
            bank_name="BRI" if transfer else "", bank_account="0123456789" if transfer else "", bank_holder=owner.name if transfer else "",
        )
        if verified:
            seller = services.seller_decide(actor=actor(office_user), seller=seller, decision="verify")
        assert seller.status == (SellerStatus.VERIFIED if verified else SellerStatus.PENDING)
        product = services.product_create(actor=actor(user), seller=seller, name="Kain Batik Tulis Gajah Oling", category=seller.category,
                                          price=price, stock=stock, weight_grams=300, description="Pewarna alam")
        return seller, product
    return make
