"""When the mall's counters are open: Sundays, Indonesian public holidays and cuti bersama (the `holidays`
package), counters closed on Saturdays, and closures kept as data (Closure rows)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.db.models import Q
from django.utils import timezone

from .models import Closure, Counter

BOOKING_HORIZON_DAYS = 30


@lru_cache(maxsize=16)  # national calendar per year: public law, not registry data; the same in every process
def _national(year: int) -> dict[dt.date, str]:
    return dict(holidays.Indonesia(years=year, categories=("public", "government"), language="id").items())


def holiday_name(day: dt.date) -> str | None:
    return _national(day.year).get(day)


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    return timezone.localtime(now) if now is not None else timezone.localtime()


def closed_reason(*, counter: Counter, day: dt.date) -> str | None:
    """Why `counter` is closed on `day`, or None when it serves."""
    if day.weekday() == 6:
        return "hari Minggu"
    holiday = holiday_name(day)
    if holiday:
        return f"libur nasional ({holiday})"
    closure = Closure.objects.filter(date=day).filter(Q(counter__isnull=True) | Q(counter=counter)).order_by("counter_id").first()
    if closure is not None:
        return closure.reason
    if day.weekday() == 5 and counter.saturday_closes_at is None:
        return "loket ini tidak buka hari Sabtu"
    if not counter.active:
        return "loket tidak aktif"
    return None


def slot_times(counter: Counter, day: dt.date) -> list[dt.time]:
    """Start times of the counter's slots that day (Saturday hours end earlier)."""
    closes = counter.saturday_closes_at if day.weekday() == 5 and counter.saturday_closes_at else counter.closes_at
    start = dt.datetime.combine(day, counter.opens_at)
    end = dt.datetime.combine(day, closes)
    step = dt.timedelta(minutes=counter.slot_minutes)
    times = []
    while start + step <= end:
        times.append(start.time())
        start += step
    return times
