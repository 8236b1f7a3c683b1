"""Each role sees its own links and lands on its own first page; citizens get the public portal."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db


def _nav(html: str) -> list[str]:
    nav = html[html.index("<nav>"):html.index("</nav>")]
    return [part.split('"', 1)[0] for part in nav.split('<a href="')[1:]]


def _user(username):
    return get_user_model().objects.get(username=username)


@pytest.mark.parametrize(("username", "landing", "must", "never"), [
    ("operator.kemiren", "/registry/", {"/cases/", "/meals/", "/layanan/staf/surat/"}, {"/linkage/", "/mall/kantor/", "/festival/staf/"}),
    ("analis.dinsos", "/registry/", {"/linkage/", "/targeting/", "/programmes/map/"}, {"/mall/kantor/"}),
    ("dinkop.umkm", "/mall/kantor/", {"/mall/kantor/"}, {"/registry/", "/targeting/", "/cases/", "/festival/staf/"}),
    ("dispar.festival", "/festival/staf/", {"/festival/staf/"}, {"/registry/", "/mall/kantor/"}),
    ("petugas.mpp", "/layanan/staf/", {"/layanan/staf/"}, {"/registry/", "/layanan/staf/surat/"}),
])
def test_each_role_lands_on_its_page_and_sees_only_its_links(client_for, username, landing, must, never):
    client = client_for(_user(username))
    response = client.get("/")
    assert (response.status_code, response.url) == (302, landing)
    links = set(_nav(client.get(landing).content.decode()))
    assert must <= links and not (never & links)


def test_citizens_and_visitors_get_the_portal(db):
    visitor = Client()
    assert visitor.get("/").url == "/warga/"
    portal = visitor.get("/warga/").content.decode()
    for url in ("/cekbansos/", "/cases/report/", "/layanan/", "/isolasi/", "/mall/", "/festival/"):
        assert f'href="{url}"' in portal
    citizen = get_user_model().objects.create_user(username="warga.biasa", password="rahasia-panjang-1")
    client = Client()
    client.force_login(citizen)
    assert client.get("/").url == "/warga/"
    assert "/registry/" not in _nav(client.get("/warga/").content.decode())


def test_login_form_sends_staff_to_their_landing_page(db):
    client = Client()
    response = client.post("/accounts/login/", {"username": "dinkop.umkm", "password": "demo-dinkop.umkm"})
    assert (response.status_code, response.url) == (302, "/mall/kantor/")


def test_a_warung_rider_lands_on_today_round_and_a_seller_on_the_shop(db):
    from smartkampung.market.models import Seller
    from smartkampung.meals.models import Provider

    provider = Provider.objects.exclude(user=None).select_related("user").first()
    seller = Seller.objects.select_related("user").first()
    assert provider is not None and seller is not None  # the baseline seed makes both
    for user, landing in ((provider.user, "/meals/provider/"), (seller.user, "/mall/penjual/")):
        client = Client()
        client.force_login(user)
        assert client.get("/").url == landing
        assert landing in _nav(client.get("/warga/").content.decode())
