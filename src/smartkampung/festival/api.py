"""Festival endpoints under /api/v1/festival/: the public programme; the tourism office's writes."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import HttpBearer, SessionAuth

from smartkampung.core.audit import actor_from_request
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area
from smartkampung.core.services import token_user

from . import ical, selectors, services
from .models import Event

router = Router(tags=["festival"])
ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


class StaffSession(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if services.is_festival_staff(user) else None


class StaffBearer(HttpBearer):
    def authenticate(self, request, token: str):
        user = token_user(token)
        if not services.is_festival_staff(user):
            return None
        request.user = user
        return user


STAFF = [StaffBearer(), StaffSession()]


class EventOut(Schema):
    id: int
    uid: str
    slug: str
    title: str
    category: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    all_day: bool
    venue: str
    village_code: str
    village: str
    latitude: float | None
    longitude: float | None
    status: str
    cancel_reason: str
    sequence: int
    updated_at: dt.datetime
    url: str


class EventIn(Schema):
    title: str
    category: str
    start_date: dt.date
    end_date: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    venue: str
    village_code: str
    latitude: float | None = None
    longitude: float | None = None
    description: str = ""
    organizer: str = ""
    url: str = ""
    publish: bool = False


class EventPatch(Schema):
    title: str | None = None
    category: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    venue: str | None = None
    village_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    description: str | None = None
    organizer: str | None = None
    url: str | None = None


class CancelIn(Schema):
    reason: str


def _out(e: Event) -> dict:
    return {
        "id": e.pk, "uid": ical.event_uid(e), "slug": e.slug, "title": e.title, "category": e.category, "description": e.description,
        "starts_at": e.starts_at.astimezone(services.WIB), "ends_at": e.ends_at.astimezone(services.WIB), "all_day": e.all_day, "venue": e.venue, "village_code": e.village.code,
        "village": e.village.name, "latitude": e.latitude, "longitude": e.longitude, "status": e.status, "cancel_reason": e.cancel_reason,
        "sequence": e.sequence, "updated_at": e.updated_at, "url": reverse("festival:event", args=[e.slug]),
    }


def _village(code: str | None) -> Area | None:
    if code is None:
        return None
    village = Area.objects.filter(code=code).first()
    if village is None:
        raise DomainError("invalid", _("Desa %(code)s tidak dikenal.") % {"code": code}, field="village_code")
    return village


class EventQuery(Schema):
    year: int | None = None
    month: int | None = None
    category: str = ""


@router.get("/festival/events", response={200: list[EventOut], **ERRORS}, summary="Published and cancelled events (a month, or upcoming)")
def events(request, query: Query[EventQuery]):
    if query.year and query.month:
        found = selectors.month_events(year=query.year, month=query.month, category=query.category)
    else:
        found = selectors.upcoming(category=query.category)
    return [_out(e) for e in found]


@router.get("/festival/events/{slug}", response={200: EventOut, **ERRORS}, summary="One public event")
def event(request, slug: str):
    return _out(selectors.event_public(slug=slug))


@router.post("/festival/staff/events", auth=STAFF, response={201: EventOut, **ERRORS}, summary="Add an event (tourism office)")
def event_create(request, payload: EventIn):
    data = payload.dict()
    data["village"] = _village(data.pop("village_code"))
    created = services.event_create(actor=actor_from_request(request, via="api"), **data)
    return Status(201, _out(selectors.event_for_staff(event_id=created.pk)))


@router.patch("/festival/staff/events/{event_id}", auth=STAFF, response={200: EventOut, **ERRORS}, summary="Change an event (raises SEQUENCE)")
def event_update(request, event_id: int, payload: EventPatch):
    changes = payload.dict(exclude_unset=True)
    if "village_code" in changes:
        changes["village"] = _village(changes.pop("village_code"))
    services.event_update(actor=actor_from_request(request, via="api"), event=selectors.event_for_staff(event_id=event_id), **changes)
    return _out(selectors.event_for_staff(event_id=event_id))


@router.post("/festival/staff/events/{event_id}/publish", auth=STAFF, response={200: EventOut, **ERRORS}, summary="Publish a draft")
def event_publish(request, event_id: int):
    services.event_publish(actor=actor_from_request(request, via="api"), event=selectors.event_for_staff(event_id=event_id))
    return _out(selectors.event_for_staff(event_id=event_id))


@router.post("/festival/staff/events/{event_id}/cancel", auth=STAFF, response={200: EventOut, **ERRORS}, summary="Cancel (stays in the feed as CANCELLED)")
def event_cancel(request, event_id: int, payload: CancelIn):
    services.event_cancel(actor=actor_from_request(request, via="api"), event=selectors.event_for_staff(event_id=event_id), reason=payload.reason)
    return _out(selectors.event_for_staff(event_id=event_id))
