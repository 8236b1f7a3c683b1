"""Writes of the festival calendar: the tourism office manages the year's programme.

Every change that a calendar subscriber should see raises the event's SEQUENCE and LAST-MODIFIED
(RFC 5545 §3.8.7.4), so phones replace their copy instead of keeping a stale one. Times are entered in
Asia/Jakarta (WIB) and stored as aware datetimes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, Role
from smartkampung.core.scoping import area_scope
from smartkampung.market import images

from .models import Event, EventCategory, EventImage, EventStatus

WIB = ZoneInfo("Asia/Jakarta")
STAFF_ROLES = frozenset({Role.TOURISM_OFFICE, Role.REGENCY_ADMIN})
MAX_IMAGES = 8
# Fields whose change a subscriber must see (a new SEQUENCE); the others (organizer notes) only touch LAST-MODIFIED.
SEQUENCED = ("title", "category", "description", "starts_at", "ends_at", "all_day", "venue", "village_id", "latitude", "longitude", "status", "url")


def is_festival_staff(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(area_scope(user).roles & STAFF_ROLES)


def _require_staff(actor: Actor) -> None:
    if actor.via == "cli" and actor.user is None:
        return
    if not is_festival_staff(actor.user_or_none):
        raise DomainError("forbidden", _("Hanya Dinas Kebudayaan dan Pariwisata yang mengelola kalender festival."))


def _text(value, field: str, *, max_length: int, required: bool = True) -> str:
    value = " ".join(str(value or "").split()) if field != "description" else str(value or "").strip()
    if required and not value:
        raise DomainError("required", _("Wajib diisi."), field=field)
    if len(value) > max_length:
        raise DomainError("invalid", _("Paling banyak %(n)d karakter.") % {"n": max_length}, field=field)
    return value


def event_times(*, start_date, end_date, start_time=None, end_time=None) -> tuple[dt.datetime, dt.datetime, bool]:
    """(starts_at, ends_at, all_day) from what staff type in WIB. Without times the event is all-day:
    it ends at the midnight after its last day, as iCalendar's DTEND of a DATE is exclusive."""
    if not isinstance(start_date, dt.date):
        raise DomainError("required", _("Tanggal mulai wajib diisi."), field="start_date")
    end_date = end_date or start_date
    if not isinstance(end_date, dt.date):
        raise DomainError("invalid", _("Tanggal selesai tidak valid."), field="end_date")
    if end_date < start_date:
        raise DomainError("ends_before_start", _("Acara tidak bisa selesai sebelum dimulai."), field="end_date")
    if (start_time is None) != (end_time is None):
        raise DomainError("invalid", _("Isi jam mulai dan jam selesai, atau kosongkan keduanya untuk acara sehari penuh."),
                          field="end_time" if end_time is None else "start_time")
    if start_time is None:
        starts = dt.datetime.combine(start_date, dt.time(0, 0), tzinfo=WIB)
        ends = dt.datetime.combine(end_date + dt.timedelta(days=1), dt.time(0, 0), tzinfo=WIB)
        return starts, ends, True
    starts = dt.datetime.combine(start_date, start_time, tzinfo=WIB)
    ends = dt.datetime.combine(end_date, end_time, tzinfo=WIB)
    if ends <= starts:
        raise DomainError("ends_before_start", _("Acara tidak bisa selesai sebelum dimulai."), field="end_time")
    if ends - starts > dt.timedelta(days=62):
        raise DomainError("invalid", _("Satu acara paling lama dua bulan."), field="end_date")
    return starts, ends, False


def _place(*, venue: str, village: Area | None, latitude, longitude) -> dict:
    if village is None or not village.is_village:
        raise DomainError("invalid", _("Pilih desa atau kelurahan tempat acara."), field="village")
    if (latitude is None) != (longitude is None):
        raise DomainError("invalid", _("Isi lintang dan bujur sekaligus, atau kosongkan keduanya."), field="latitude")
    if latitude is None:
        latitude, longitude = village.latitude, village.longitude  # the village's point until staff place it exactly
    elif not (-9.2 <= float(latitude) <= -7.6 and 113.7 <= float(longitude) <= 114.7):
        raise DomainError("invalid", _("Titik peta berada di luar Kabupaten Banyuwangi."), field="latitude")
    return {"venue": _text(venue, "venue", max_length=140), "village": village,
            "latitude": None if latitude is None else float(latitude), "longitude": None if longitude is None else float(longitude)}


def _category(value: str) -> str:
    if value not in EventCategory.values:
        raise DomainError("invalid", _("Pilih kategori acara."), field="category")
    return value


def _unique_slug(title: str, year: int, *, exclude_id: int | None = None) -> str:
    base = f"{slugify(title)[:120] or 'acara'}-{year}"
    slug, n = base, 1
    while Event.objects.filter(slug=slug).exclude(pk=exclude_id).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def event_create(
    *, actor: Actor, title: str, category: str, start_date, end_date=None, start_time=None, end_time=None,
    venue: str, village: Area | None, latitude=None, longitude=None, description: str = "", organizer: str = "",
    url: str = "", publish: bool = False,
) -> Event:
    _require_staff(actor)
    title = _text(title, "title", max_length=140)
    starts_at, ends_at, all_day = event_times(start_date=start_date, end_date=end_date, start_time=start_time, end_time=end_time)
    place = _place(venue=venue, village=village, latitude=latitude, longitude=longitude)
    now = timezone.now()
    event = Event.objects.create(
        slug=_unique_slug(title, start_date.year), title=title, category=_category(category),
        description=_text(description, "description", max_length=6000, required=False),
        starts_at=starts_at, ends_at=ends_at, all_day=all_day, organizer=_text(organizer, "organizer", max_length=140, required=False),
        url=_text(url, "url", max_length=200, required=False), status=EventStatus.PUBLISHED if publish else EventStatus.DRAFT,
        created_at=now, updated_at=now, created_by=actor.user_or_none, **place,
    )
    audit_record(actor=actor, action="festival.event_create", obj=event, village=event.village_id,
                 changes={"title": title, "starts_at": starts_at.isoformat(), "status": event.status})
    return event


EDITABLE = ("title", "category", "description", "start_date", "end_date", "start_time", "end_time", "venue", "village",
            "latitude", "longitude", "organizer", "url")


def _snapshot(event: Event) -> dict:
    return {f: getattr(event, f) for f in SEQUENCED} | {"organizer": event.organizer}


def _save_change(*, actor: Actor, event: Event, before: dict, action: str, extra: dict | None = None) -> Event:
    after = _snapshot(event)
    changed = {k: [str(before[k]), str(after[k])] for k in after if before[k] != after[k]}
    if not changed and not extra:
        return event
    if any(k in SEQUENCED for k in changed):
        event.sequence += 1
    event.updated_at = timezone.now()
    event.save()
    audit_record(actor=actor, action=action, obj=event, village=event.village_id, changes={**changed, **(extra or {})})
    return event


@transaction.atomic
def event_update(*, actor: Actor, event: Event, **changes) -> Event:
    _require_staff(actor)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DomainError("invalid", _("Tidak bisa mengubah %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, field=sorted(unknown)[0])
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        raise DomainError("conflict", _("Acara yang dibatalkan tidak bisa diubah."))
    before = _snapshot(event)
    if "title" in changes:
        event.title = _text(changes["title"], "title", max_length=140)
    if "category" in changes:
        event.category = _category(changes["category"])
    if "description" in changes:
        event.description = _text(changes["description"], "description", max_length=6000, required=False)
    if "organizer" in changes:
        event.organizer = _text(changes["organizer"], "organizer", max_length=140, required=False)
    if "url" in changes:
        event.url = _text(changes["url"], "url", max_length=200, required=False)
    if {"start_date", "end_date", "start_time", "end_time"} & set(changes):
        local_start, local_end = timezone.localtime(event.starts_at, WIB), timezone.localtime(event.ends_at, WIB)
        current = {
            "start_date": local_start.date(),
            "end_date": (local_end - dt.timedelta(days=1)).date() if event.all_day else local_end.date(),
            "start_time": None if event.all_day else local_start.time(),
            "end_time": None if event.all_day else local_end.time(),
        }
        wanted = {**current, **{k: changes[k] for k in current if k in changes}}
        if "start_date" in changes and "end_date" not in changes and isinstance(changes["start_date"], dt.date):
            wanted["end_date"] = current["end_date"] + (changes["start_date"] - current["start_date"])  # moving keeps the length
        event.starts_at, event.ends_at, event.all_day = event_times(**wanted)
    if {"venue", "village", "latitude", "longitude"} & set(changes):
        moved_village = "village" in changes and changes["village"] != event.village
        lat = changes.get("latitude", None if moved_village and "latitude" not in changes else event.latitude)
        lon = changes.get("longitude", None if moved_village and "longitude" not in changes else event.longitude)
        place = _place(venue=changes.get("venue", event.venue), village=changes.get("village", event.village), latitude=lat, longitude=lon)
        for key, value in place.items():
            setattr(event, key, value)
    return _save_change(actor=actor, event=event, before=before, action="festival.event_update")


@transaction.atomic
def event_publish(*, actor: Actor, event: Event) -> Event:
    _require_staff(actor)
    moved = Event.objects.filter(pk=event.pk, status=EventStatus.DRAFT).update(status=EventStatus.PUBLISHED)
    if not moved:
        raise DomainError("conflict", _("Hanya draf yang bisa diterbitkan."))
    event = Event.objects.get(pk=event.pk)
    before = _snapshot(event) | {"status": EventStatus.DRAFT}
    return _save_change(actor=actor, event=event, before=before, action="festival.event_publish")


@transaction.atomic
def event_cancel(*, actor: Actor, event: Event, reason: str) -> Event:
    """A published event stays in the feed as STATUS:CANCELLED, so subscribed phones drop it; a draft just goes."""
    _require_staff(actor)
    reason = _text(reason, "reason", max_length=300)
    moved = Event.objects.filter(pk=event.pk, status__in=(EventStatus.DRAFT, EventStatus.PUBLISHED)).update(
        status=EventStatus.CANCELLED, cancel_reason=reason)
    if not moved:
        raise DomainError("conflict", _("Acara ini sudah dibatalkan."))
    previous = event.status
    event = Event.objects.get(pk=event.pk)
    before = _snapshot(event) | {"status": previous}
    return _save_change(actor=actor, event=event, before=before, action="festival.event_cancel", extra={"reason": reason})


def event_image_add(*, actor: Actor, event: Event, upload, caption: str = "") -> EventImage:
    _require_staff(actor)
    caption = _text(caption, "caption", max_length=200, required=False)
    full, thumb, width, height = images.prepare_image(upload, field="image")  # a refused file writes nothing
    stored = images.write_image(folder=f"festival/events/{event.pk}", full=full, thumb=thumb, width=width, height=height)
    try:
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event.pk)
            count = EventImage.objects.filter(event=locked).count()
            if count >= MAX_IMAGES:
                raise DomainError("invalid", _("Satu acara paling banyak %(n)d gambar.") % {"n": MAX_IMAGES}, field="image")
            image = EventImage.objects.create(event=locked, path=stored.path, thumb_path=stored.thumb_path, width=width,
                                              height=height, caption=caption, position=count)
            Event.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
            audit_record(actor=actor, action="festival.image_add", obj=image, village=locked.village_id, changes={"event": locked.pk})
    except BaseException:
        images.remove_files(stored.path, stored.thumb_path)
        raise
    return image


def event_image_remove(*, actor: Actor, image: EventImage) -> None:
    _require_staff(actor)
    paths = (image.path, image.thumb_path)
    with transaction.atomic():
        audit_record(actor=actor, action="festival.image_remove", obj=image, village=image.event.village_id, changes={"event": image.event_id})
        image.delete()
    images.remove_files(*paths)
