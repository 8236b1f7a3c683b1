"""The festival calendar as iCalendar (RFC 5545), written with the `icalendar` package.

What phone calendars need to subscribe and stay current:
- a stable UID per event (its UUID), so an update replaces the old copy instead of adding a second one;
- SEQUENCE and LAST-MODIFIED raised on every change, DTSTAMP (we use the last change, so an unchanged
  feed is byte-for-byte the same and answers 304 to conditional requests);
- times with TZID=Asia/Jakarta and a VTIMEZONE for it; all-day events as DATE values;
- X-WR-CALNAME / X-WR-TIMEZONE / REFRESH-INTERVAL for Google, Apple and Outlook;
- cancelled events kept, with STATUS:CANCELLED, so subscribers remove them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, vDuration, vText
from icalendar import Event as VEvent

from .models import Event, EventStatus
from .services import WIB

PRODID = "-//Pemerintah Kabupaten Banyuwangi//Smart Kampung Festival//ID"
CALENDAR_NAME = "Banyuwangi Festival"
UID_DOMAIN = "festival.smartkampung"


def event_uid(event: Event) -> str:
    return f"{event.uid}@{UID_DOMAIN}"


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(microsecond=0)


def _vevent(event: Event, *, base_url: str) -> VEvent:
    item = VEvent()
    item.add("uid", event_uid(event))
    item.add("dtstamp", _utc(event.updated_at))
    item.add("created", _utc(event.created_at))
    item.add("last-modified", _utc(event.updated_at))
    item.add("sequence", event.sequence)
    item.add("summary", event.title)
    if event.all_day:
        item.add("dtstart", event.starts_at.astimezone(WIB).date())
        item.add("dtend", event.ends_at.astimezone(WIB).date())  # exclusive: the day after the last day
        item.add("transp", "TRANSPARENT")
    else:
        item.add("dtstart", event.starts_at.astimezone(WIB).replace(microsecond=0))
        item.add("dtend", event.ends_at.astimezone(WIB).replace(microsecond=0))
    village = event.village
    location = f"{event.venue}, {village.get_kind_display()} {village.name}"
    if village.parent_id:
        location += f", Kec. {village.parent.name}"
    item.add("location", location + ", Banyuwangi")
    if event.latitude is not None and event.longitude is not None:
        item.add("geo", (round(event.latitude, 6), round(event.longitude, 6)))
    description = event.description
    if event.status == EventStatus.CANCELLED and event.cancel_reason:
        description = f"DIBATALKAN: {event.cancel_reason}\n\n{description}".strip()
    if description:
        item.add("description", description)
    item.add("categories", [event.get_category_display()])
    item.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    if event.organizer:
        item.add("x-organizer-name", vText(event.organizer))
    item.add("url", f"{base_url}/festival/acara/{event.slug}/")
    return item


def calendar_bytes(events: Iterable[Event], *, base_url: str, name: str = CALENDAR_NAME) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-caldesc", "Agenda Banyuwangi Festival dari Dinas Kebudayaan dan Pariwisata Kabupaten Banyuwangi")
    cal.add("x-wr-timezone", "Asia/Jakarta")
    cal.add("name", name)
    cal.add("refresh-interval", vDuration(dt.timedelta(hours=12)), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(dt.timedelta(hours=12)))
    for event in events:
        cal.add_component(_vevent(event, base_url=base_url))
    cal.add_missing_timezones()  # the VTIMEZONE for Asia/Jakarta that the TZID parameters refer to
    return cal.to_ical()
