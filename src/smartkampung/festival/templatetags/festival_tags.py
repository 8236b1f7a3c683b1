"""When an event happens, as people say it: in WIB, with an all-day event's last day (not its exclusive end)."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.formats import date_format

from smartkampung.festival.services import WIB

register = template.Library()


@register.filter
def event_when(event) -> str:
    start = timezone.localtime(event.starts_at, WIB)
    end = timezone.localtime(event.ends_at, WIB)
    if event.all_day:
        last = (end - dt.timedelta(days=1)).date()
        if last == start.date():
            return date_format(start.date(), "D, j M Y")
        if (last.year, last.month) == (start.year, start.month):
            return f"{start.day}–{date_format(last, 'j M Y')}"
        return f"{date_format(start.date(), 'j M')} – {date_format(last, 'j M Y')}"
    if end.date() == start.date():
        return f"{date_format(start, 'D, j M Y')} {start:%H.%M}–{end:%H.%M} WIB"
    return f"{date_format(start, 'j M Y')} {start:%H.%M} – {date_format(end, 'j M Y')} {end:%H.%M} WIB"
