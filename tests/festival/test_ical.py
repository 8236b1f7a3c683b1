"""The iCalendar feed, checked with parsers that did not write it: a strict RFC 5545 line check of our own
and vobject (an independent implementation)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import vobject
from django.test import Client

from smartkampung.festival import services
from tests.conftest import actor

pytestmark = pytest.mark.django_db
WIB = dt.timezone(dt.timedelta(hours=7))
CONTENT_LINE = re.compile(r"^[A-Za-z0-9-]+(;[A-Za-z0-9-]+=(\"[^\"]*\"|[^;:,\"]*)(,(\"[^\"]*\"|[^;:,\"]*))*)*:.*$")


def strict_lines(body: bytes) -> list[str]:
    """RFC 5545 §3.1: CRLF line ends, lines at most 75 octets, folding by CRLF + one space; every unfolded
    line is NAME[;PARAM=VALUE...]:VALUE; BEGIN/END nest properly."""
    assert body.endswith(b"\r\n")
    raw = body.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(raw) and b"\r" not in b"".join(raw)
    assert all(len(line) <= 75 for line in raw), [line for line in raw if len(line) > 75][:1]
    unfolded: list[str] = []
    for line in raw:
        if line.startswith(b" "):
            unfolded[-1] += line[1:].decode("utf-8")
        else:
            unfolded.append(line.decode("utf-8"))
    stack = []
    for line in unfolded:
        assert CONTENT_LINE.match(line), line
        if line.startswith("BEGIN:"):
            stack.append(line[6:])
        elif line.startswith("END:"):
            assert stack.pop() == line[4:]
    assert stack == []
    return unfolded


def _feed() -> bytes:
    response = Client().get("/festival/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def test_the_feed_is_valid_rfc5545_with_what_phones_need(new_event, tourism):
    event = new_event(description="Kopi, gula & pisang goreng; " + "panjang " * 30)
    services.event_cancel(actor=actor(tourism), event=new_event("Festival Layang-layang", day=dt.date(2027, 4, 11)), reason="Angin kencang")
    new_event("Draf rahasia", publish=False)
    body = _feed()
    lines = strict_lines(body)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] or "VERSION:2.0" in lines
    assert "X-WR-CALNAME:Banyuwangi Festival" in lines and "X-WR-TIMEZONE:Asia/Jakarta" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H" in lines

    calendar = vobject.readOne(body.decode("utf-8"))
    assert calendar.vtimezone.tzid.value == "Asia/Jakarta"
    by_title = {e.summary.value: e for e in calendar.vevent_list}
    assert "Draf rahasia" not in by_title
    ngopi = by_title["Festival Ngopi Sepuluh Ewu"]
    assert ngopi.uid.value == f"{event.uid}@festival.smartkampung"
    assert ngopi.dtstart.value == dt.datetime(2027, 10, 9, 18, 0, tzinfo=WIB)
    assert ngopi.dtstart.value.utcoffset() == dt.timedelta(hours=7)
    assert ngopi.dtend.value == dt.datetime(2027, 10, 9, 23, 0, tzinfo=WIB)
    assert ngopi.dtstamp.value.tzinfo is not None and ngopi.sequence.value == "0"
    assert ngopi.status.value == "CONFIRMED"
    assert ngopi.description.value.startswith("Kopi, gula & pisang goreng; panjang")
    assert ngopi.location.value == "Jalan Desa Wisata Osing, Desa Kemiren, Kec. Glagah, Banyuwangi"
    assert ngopi.url.value.endswith(f"/festival/acara/{event.slug}/")
    cancelled = by_title["Festival Layang-layang"]
    assert (cancelled.status.value, cancelled.sequence.value) == ("CANCELLED", "1")
    assert cancelled.description.value.startswith("DIBATALKAN: Angin kencang")


def test_an_update_keeps_the_uid_and_raises_sequence_in_the_feed(new_event, tourism):
    event = new_event()
    before = {e.uid.value: e for e in vobject.readOne(_feed().decode()).vevent_list}[f"{event.uid}@festival.smartkampung"]
    services.event_update(actor=actor(tourism), event=event, start_time=dt.time(19, 30), venue="Balai Desa Kemiren")
    after = {e.uid.value: e for e in vobject.readOne(_feed().decode()).vevent_list}[f"{event.uid}@festival.smartkampung"]
    assert (before.sequence.value, after.sequence.value) == ("0", "1")
    assert after.dtstart.value == dt.datetime(2027, 10, 9, 19, 30, tzinfo=WIB)
    assert after.last_modified.value >= before.last_modified.value
    assert after.location.value.startswith("Balai Desa Kemiren")


def test_all_day_events_are_dates_with_an_exclusive_end(new_event):
    event = new_event("Tour de Ijen", day=dt.date(2027, 9, 24), start_time=None, end_time=None, end_date=dt.date(2027, 9, 27))
    parsed = {e.uid.value: e for e in vobject.readOne(_feed().decode()).vevent_list}[f"{event.uid}@festival.smartkampung"]
    assert (parsed.dtstart.value, parsed.dtend.value) == (dt.date(2027, 9, 24), dt.date(2027, 9, 28))


def test_conditional_get_answers_not_modified(new_event):
    new_event()
    first = Client().get("/festival/calendar.ics")
    again = Client().get("/festival/calendar.ics", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_one_event_as_ics(new_event):
    event = new_event()
    response = Client().get(f"/festival/acara/{event.slug}.ics")
    assert response.status_code == 200
    strict_lines(response.content)
    assert [e.summary.value for e in vobject.readOne(response.content.decode()).vevent_list] == ["Festival Ngopi Sepuluh Ewu"]
