"""Festival pages: the public list, month calendar, event page and iCalendar feed; the staff programme."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartkampung.core.audit import actor_from_request
from smartkampung.core.errors import DomainError
from smartkampung.core.maps import tiles_url
from smartkampung.core.models import Area
from smartkampung.core.views import refusal_page
from smartkampung.market import images

from . import ical, selectors, services
from .forms import EventForm, ImageForm
from .models import EventCategory, EventImage, EventStatus

MONTHS = (gettext_lazy("Januari"), gettext_lazy("Februari"), gettext_lazy("Maret"), gettext_lazy("April"), gettext_lazy("Mei"), gettext_lazy("Juni"), gettext_lazy("Juli"),
          gettext_lazy("Agustus"), gettext_lazy("September"), gettext_lazy("Oktober"), gettext_lazy("November"), gettext_lazy("Desember"))


festival_page = refusal_page("festival/error.html")


def staff_page(view):
    @login_required
    @festival_page
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not services.is_festival_staff(request.user):
            raise DomainError("forbidden", _("Halaman ini untuk Dinas Kebudayaan dan Pariwisata."))
        return view(request, *args, **kwargs)

    return wrapper


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


@festival_page
def event_list(request):
    category = request.GET.get("kategori", "")
    q = request.GET.get("q", "").strip()[:100]
    events = selectors.upcoming(category=category, q=q)
    months: list[tuple[str, list]] = []
    for event in events:
        local = timezone.localtime(event.starts_at, services.WIB)
        label = f"{MONTHS[local.month - 1]} {local.year}"
        if not months or months[-1][0] != label:
            months.append((label, []))
        months[-1][1].append(event)
    today = timezone.localdate()
    feed = request.build_absolute_uri(reverse("festival:feed"))
    return render(request, "festival/list.html", {
        "months": months, "count": len(events), "category": category, "q": q, "categories": EventCategory.choices,
        "feed_url": feed, "webcal_url": "webcal://" + feed.split("://", 1)[1], "today": today,
    })


@festival_page
def month_page(request, year: int, month: int):
    category = request.GET.get("kategori", "")
    weeks = selectors.month_grid(year=year, month=month, category=category)
    previous = dt.date(year, month, 1) - dt.timedelta(days=1)
    following = dt.date(year, month, 28) + dt.timedelta(days=7)
    return render(request, "festival/month.html", {
        "weeks": weeks, "year": year, "month": month, "month_name": str(MONTHS[month - 1]), "category": category,
        "categories": EventCategory.choices, "events": selectors.month_events(year=year, month=month, category=category),
        "previous": previous, "following": following.replace(day=1),
        "weekdays": [_("Sen"), _("Sel"), _("Rab"), _("Kam"), _("Jum"), _("Sab"), _("Min")],
    })


def this_month(request):
    today = timezone.localdate()
    return redirect("festival:month", year=today.year, month=today.month)


@festival_page
def event_page(request, slug: str):
    event = selectors.event_public(slug=slug)
    return render(request, "festival/event.html", {
        "event": event, "images": list(event.images.all()), "tiles": tiles_url(),
        "map": {"lat": event.latitude, "lon": event.longitude, "tiles": tiles_url(), "title": event.venue} if event.latitude is not None else None,
    })


def _ics_response(request, body: bytes, *, filename: str, last_modified: dt.datetime | None):
    if last_modified is not None:
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if since is not None and int(last_modified.timestamp()) <= since:
            return HttpResponseNotModified()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=900"
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


def feed(request):
    """The whole calendar (published and cancelled events, from a year back), for phone subscriptions."""
    events = selectors.feed_events()
    body = ical.calendar_bytes(events, base_url=_base_url(request))
    return _ics_response(request, body, filename="banyuwangi-festival.ics", last_modified=selectors.feed_last_modified())


def event_ics(request, slug: str):
    try:
        event = selectors.event_public(slug=slug)
    except DomainError:
        raise Http404 from None
    body = ical.calendar_bytes([event], base_url=_base_url(request), name=event.title)
    return _ics_response(request, body, filename=f"{event.slug}.ics", last_modified=event.updated_at)


def image(request, image_id: int, size: str):
    try:
        found = selectors.image_public(image_id=image_id, staff=services.is_festival_staff(request.user))
    except DomainError:
        raise Http404 from None
    path = images.media_path(found.thumb_path if size == "kecil" else found.path)
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# ---------------------------------------------------------------------------------------------- staff

@staff_page
def staff_programme(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("tahun", today.year))
    except ValueError:
        year = today.year
    status = request.GET.get("status", "")
    category = request.GET.get("kategori", "")
    events = selectors.programme(year=year, status=status, category=category)
    return render(request, "festival/staff_programme.html", {
        "events": events, "year": year, "status": status, "category": category, "statuses": EventStatus.choices,
        "categories": EventCategory.choices, "years": range(today.year - 1, today.year + 3),
    })


def _form_data(data: dict) -> dict:
    data = dict(data)
    code = data.pop("village")
    data["village"] = Area.objects.filter(code=code).first() if code else None
    return data


def _apply_error(form, error: DomainError) -> None:
    if error.code in ("forbidden", "not_found"):
        raise error
    form.add_error(error.field if error.field in form.fields else None, error.message)


@staff_page
def staff_event_new(request):
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=actor_from_request(request), publish=request.POST.get("publish") == "1", **_form_data(form.cleaned_data))
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Acara %(title)s tersimpan.") % {"title": event.title})
            return redirect("festival:staff_event", event_id=event.pk)
    return render(request, "festival/staff_event.html", {"form": form, "event": None}, status=400 if form.errors else 200)


def _initial(event) -> dict:
    start = timezone.localtime(event.starts_at, services.WIB)
    end = timezone.localtime(event.ends_at, services.WIB)
    return {
        "title": event.title, "category": event.category, "start_date": start.date(),
        "end_date": (end - dt.timedelta(days=1)).date() if event.all_day else end.date(),
        "start_time": None if event.all_day else start.time(), "end_time": None if event.all_day else end.time(),
        "venue": event.venue, "village": event.village.code, "latitude": event.latitude, "longitude": event.longitude,
        "description": event.description, "organizer": event.organizer, "url": event.url,
    }


@staff_page
def staff_event(request, event_id: int):
    event = selectors.event_for_staff(event_id=event_id)
    form = EventForm(initial=_initial(event))
    image_form = ImageForm()
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "save")
        actor = actor_from_request(request)
        try:
            if action == "publish":
                services.event_publish(actor=actor, event=event)
                messages.success(request, _("Acara diterbitkan."))
            elif action == "cancel":
                services.event_cancel(actor=actor, event=event, reason=request.POST.get("reason", ""))
                messages.success(request, _("Acara dibatalkan; pelanggan kalender akan melihatnya sebagai batal."))
            elif action == "image":
                image_form = ImageForm(request.POST, request.FILES)
                if not image_form.is_valid():
                    raise DomainError("required", _("Pilih berkas gambar."), field="image")
                services.event_image_add(actor=actor, event=event, upload=request.FILES["image"], caption=image_form.cleaned_data["caption"])
                messages.success(request, _("Gambar tersimpan."))
            elif action == "remove_image":
                found = EventImage.objects.filter(pk=request.POST.get("image") or 0, event=event).first()
                if found is not None:
                    services.event_image_remove(actor=actor, image=found)
                messages.success(request, _("Gambar dihapus."))
            else:
                form = EventForm(request.POST)
                if not form.is_valid():
                    raise DomainError("invalid", _("Periksa isian yang ditandai."))
                services.event_update(actor=actor, event=event, **_form_data(form.cleaned_data))
                messages.success(request, _("Perubahan tersimpan."))
            return redirect("festival:staff_event", event_id=event.pk)
        except DomainError as refused:
            if refused.code in ("forbidden", "not_found"):
                raise
            if action == "image":
                _apply_error(image_form, refused)
            elif action == "save" and refused.field in form.fields:
                _apply_error(form, refused)
            else:
                error = refused.message
    return render(request, "festival/staff_event.html", {
        "form": form, "event": event, "image_form": image_form, "images": list(event.images.all()), "error": error,
    }, status=400 if (error or form.errors or image_form.errors) else 200)
