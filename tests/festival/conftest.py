from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from smartkampung.festival import services
from tests.conftest import actor


@pytest.fixture
def tourism(db):
    return get_user_model().objects.get(username="dispar.festival")


@pytest.fixture
def new_event(tourism, kemiren):
    def make(title: str = "Festival Ngopi Sepuluh Ewu", *, day: dt.date = dt.date(2027, 10, 9), publish: bool = True, **extra):
        data = {"title": title, "category": "kuliner", "start_date": day, "start_time": dt.time(18, 0), "end_time": dt.time(23, 0),
                "venue": "Jalan Desa Wisata Osing", "village": kemiren, "description": "Sepuluh ribu cangkir kopi.", "publish": publish}
        data.update(extra)
        return services.event_create(actor=actor(tourism), **data)
    return make
