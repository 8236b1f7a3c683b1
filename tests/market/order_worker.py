"""One buyer in its own process, for the concurrency test: waits at a start line, then orders.

Run as `python -m tests.market.order_worker <product id> <quantity> <username> <start file>`; prints one
JSON line: {"ok": true, "code": ...} or {"ok": false, "code": <DomainError code>}."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    product_id, quantity, username, start = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from smartkampung.core.audit import Actor
    from smartkampung.core.errors import DomainError
    from smartkampung.market import services

    user = get_user_model().objects.get(username=username)
    connection.ensure_connection()
    Path(f"{start}.{username}.ready").touch()
    while not start.exists():
        time.sleep(0.005)
    try:
        orders = services.order_place(
            actor=Actor(user=user, ip="192.0.2.20", via="api"), lines=[services.CartLine(product_id, quantity)],
            buyer_name=username, buyer_phone="081234567890", shipping_address="Jl. Uji Coba 1", shipping_village=None, payment_method="cod",
        )
        print(json.dumps({"ok": True, "code": orders[0].code}))
    except DomainError as error:
        print(json.dumps({"ok": False, "code": error.code}))


if __name__ == "__main__":
    main()
