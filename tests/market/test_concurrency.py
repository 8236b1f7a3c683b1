"""Two (here: eight) buyers take the last items at the same moment, each in its own process with its own
database connection, on a real database file (SQLite) or server (PostgreSQL): sold never exceeds stock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.fresh_db import COMMAND, fresh_database

ROOT = Path(__file__).resolve().parents[2]
BUYERS = 8
STOCK = 3

SETUP = """
import datetime as dt, django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
django.setup()
from django.contrib.auth import get_user_model
from smartkampung.core.audit import Actor
from smartkampung.core.models import Area
from smartkampung.market import services
from smartkampung.market.models import Category, Product
from smartkampung.registry.models import Person
User = get_user_model()
prefix = "{prefix}"
product = Product.objects.filter(seller__business_name="Batik Rebutan").first()
if product is None:  # one shop with one product, made through the services (no other app's seed needed)
    village = Area.objects.get(code="35.10.15.2004")
    owner = Person.objects.create(nik="3510154107800001", name="Siti Rebutan", name_key="SITI REBUTAN", sex="F",
                                  birth_date=dt.date(1980, 7, 1), religion="islam", marital_status="kawin", education="sma", village=village)
    services.categories_load(actor=Actor.system("test"))
    seller_user = User.objects.create_user(username="penjual.rebutan", password="rahasia-panjang-1")
    seller = services.seller_register(actor=Actor(user=seller_user), user=seller_user, nik=owner.nik, birth_date=owner.birth_date,
                                      business_name="Batik Rebutan", village=village, category=Category.objects.get(code="batik"), phone="081234567890")
    office = User.objects.create_superuser(username="kantor.rebutan", password="rahasia-panjang-1")
    services.seller_decide(actor=Actor(user=office), seller=seller, decision="verify")
    product = services.product_create(actor=Actor(user=seller_user), seller=seller, name="Kain Batik Gajah Oling", category=seller.category,
                                      price=250000, stock=0, weight_grams=300)
Product.objects.filter(pk=product.pk).update(stock={stock})
for n in range({buyers}):
    User.objects.create_user(username=f"{{prefix}}{{n}}", password="rahasia-panjang-1")
print(product.pk)
"""
COUNT = """
import django, os, json
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
django.setup()
from django.db.models import Sum
from smartkampung.market.models import OrderItem, Product
pid = int(os.environ["PRODUCT"])
sold = OrderItem.objects.filter(product_id=pid, order__buyer__username__startswith=os.environ["PREFIX"]).aggregate(s=Sum("quantity"))["s"] or 0
print(json.dumps({"stock": Product.objects.get(pk=pid).stock, "sold": sold}))
"""


def _python(env: dict, code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def _round(env: dict, tmp_path: Path, *, quantity: int, prefix: str) -> None:
    product_id = int(_python(env, SETUP.format(stock=STOCK, buyers=BUYERS, prefix=prefix)).splitlines()[-1])
    start = tmp_path / f"start-{prefix}"
    workers = [subprocess.Popen([sys.executable, "-m", "tests.market.order_worker", str(product_id), str(quantity), f"{prefix}{n}", str(start)],
                                env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(BUYERS)]
    deadline = time.monotonic() + 300
    while len(list(tmp_path.glob(f"start-{prefix}.*.ready"))) < BUYERS:
        assert time.monotonic() < deadline, "workers did not start"
        assert all(w.poll() is None for w in workers), [w.communicate() for w in workers if w.poll() is not None]
        time.sleep(0.02)
    start.touch()  # every buyer is connected and waiting: they now order at the same moment
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    won = [r for r in results if r["ok"]]
    assert len(won) == STOCK // quantity
    assert {r["code"] for r in results if not r["ok"]} == {"out_of_stock"}
    after = json.loads(_python({**env, "PRODUCT": str(product_id), "PREFIX": prefix}, COUNT))
    assert after == {"stock": STOCK - len(won) * quantity, "sold": len(won) * quantity}


def test_concurrent_buyers_never_take_more_than_the_stock(tmp_path):
    with fresh_database(tmp_path) as env:
        env = {**env, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
        for args in (("migrate", "-v0"), ("load_areas",)):
            done = subprocess.run([*COMMAND, *args], env=env, cwd=ROOT, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr[-3000:]
        _round(env, tmp_path, quantity=1, prefix="rebutan")  # 8 buyers, 3 left: exactly 3 win
        _round(env, tmp_path, quantity=2, prefix="borong")  # 8 buyers of 2, 3 left: exactly 1 wins, 1 stays
