"""Working days in Indonesia: Monday to Friday, except national public holidays (the `holidays` package's
Indonesia calendar, which includes the Islamic holidays by their expected dates)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=32)  # a calendar per year: public data computed by the library, not registry data
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("ID", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The moment `days` working days after `start`, at the same local time of day. A start on a weekend
    or holiday counts from the next working day (a report on Saturday is due as if made on Monday)."""
    local = timezone.localtime(start)
    day = local.date()
    while not is_working_day(day):
        day += dt.timedelta(days=1)
        local = local.replace(hour=8, minute=0, second=0, microsecond=0)
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return timezone.make_aware(dt.datetime.combine(day, local.time().replace(tzinfo=None)), timezone.get_current_timezone())


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count
