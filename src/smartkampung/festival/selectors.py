"""Reads of the festival calendar: public lists, the month grid, the feed, the staff programme."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.errors import DomainError

from .models import Event, EventImage, EventStatus
from .services import WIB

PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)
FEED_PAST_DAYS = 370  # a year back, so a phone that subscribes in January still sees last year's festival


def _public():
    return Event.objects.filter(status__in=PUBLIC_STATUSES).select_related("village__parent")


def _month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise DomainError("not_found", _("Bulan tidak dikenal."))
    start = dt.datetime(year, month, 1, tzinfo=WIB)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=WIB)
    return start, end


def upcoming(*, category: str = "", q: str = "", limit: int = 200) -> list[Event]:
    events = _public().filter(ends_at__gte=timezone.now())
    if category:
        events = events.filter(category=category)
    if q:
        events = events.filter(Q(title__icontains=q) | Q(venue__icontains=q) | Q(village__name__icontains=q))
    return list(events.order_by("starts_at", "id")[:limit])


def month_events(*, year: int, month: int, category: str = "") -> list[Event]:
    start, end = _month_bounds(year, month)
    events = _public().filter(starts_at__lt=end, ends_at__gt=start)
    if category:
        events = events.filter(category=category)
    return list(events.order_by("starts_at", "id"))


@dataclass(frozen=True)
class Day:
    date: dt.date | None
    events: list[Event]
    today: bool = False


def month_grid(*, year: int, month: int, category: str = "") -> list[list[Day]]:
    """Weeks (Monday first) of days with the events running on each day."""
    events = month_events(year=year, month=month, category=category)
    today = timezone.localdate()
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            if day.month != month:
                row.append(Day(None, []))
                continue
            day_start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=WIB)
            day_end = day_start + dt.timedelta(days=1)
            row.append(Day(day, [e for e in events if e.starts_at < day_end and e.ends_at > day_start], today=day == today))
        weeks.append(row)
    return weeks


def event_public(*, slug: str) -> Event:
    event = _public().filter(slug=slug).first()
    if event is None:
        raise DomainError("not_found", _("Acara tidak ditemukan."))
    return event


def image_public(*, image_id: int, staff: bool = False) -> EventImage:
    image = EventImage.objects.select_related("event").filter(pk=image_id).first()
    if image is None or (image.event.status == EventStatus.DRAFT and not staff):
        raise DomainError("not_found", _("Gambar tidak ditemukan."))
    return image


def feed_events() -> list[Event]:
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    return list(_public().filter(ends_at__gte=since).order_by("starts_at", "id"))


def feed_last_modified() -> dt.datetime | None:
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    latest = Event.objects.filter(status__in=PUBLIC_STATUSES, ends_at__gte=since).order_by("-updated_at").values_list("updated_at", flat=True).first()
    return latest


def programme(*, year: int, status: str = "", category: str = "") -> list[Event]:
    start, end = dt.datetime(year, 1, 1, tzinfo=WIB), dt.datetime(year + 1, 1, 1, tzinfo=WIB)
    events = Event.objects.select_related("village__parent").filter(starts_at__gte=start, starts_at__lt=end).annotate(image_count=Count("images"))
    if status:
        events = events.filter(status=status)
    if category:
        events = events.filter(category=category)
    return list(events.order_by("starts_at", "id"))


def event_for_staff(*, event_id: int) -> Event:
    event = Event.objects.select_related("village__parent").filter(pk=event_id).first()
    if event is None:
        raise DomainError("not_found", _("Acara tidak ditemukan."))
    return event


def app_stats() -> dict:
    counts = dict(Event.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {"festival": {
        "events": sum(counts.values()),
        "published": counts.get(EventStatus.PUBLISHED, 0),
        "draft": counts.get(EventStatus.DRAFT, 0),
        "cancelled": counts.get(EventStatus.CANCELLED, 0),
        "upcoming": Event.objects.filter(status=EventStatus.PUBLISHED, ends_at__gte=timezone.now()).count(),
    }}
