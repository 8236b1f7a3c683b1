"""The provider's phone pages under /meals/provider/: today's round, marking each meal, the menu.

A provider login is a user linked to one provider and no registry role: it sees only its own round."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import actor_from_request
from smartkampung.core.errors import DomainError
from smartkampung.core.maps import tiles_url

from . import selectors, services
from .models import Delivery, Outcome, Recipient


def provider_page(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        provider = services.provider_of(request.user)
        if provider is None:
            return render(request, "core/error.html", {"message": _("Akun ini tidak terhubung dengan penyedia Rantang Kasih.")}, status=403)
        try:
            return view(request, provider, *args, **kwargs)
        except DomainError as error:
            return render(request, "core/error.html", {"message": error.message, "code": error.code}, status=error.http_status)

    return wrapper


@provider_page
def today(request, provider):
    day = timezone.localdate()
    round_, stops = selectors.provider_round_view(actor=actor_from_request(request), provider=provider, date=day)
    points = [{"seq": s.stop.seq, "lat": s.stop.recipient.latitude, "lon": s.stop.recipient.longitude,
               "done": s.entry is not None} for s in stops if s.stop.recipient.latitude is not None]
    config = {"tiles": tiles_url(), "warung": [provider.latitude, provider.longitude], "stops": points,
              "labels": {"warung": provider.name, "attribution": "© OpenStreetMap"}}
    marked = sum(1 for s in stops if s.entry is not None)
    return render(request, "meals/provider_today.html", {
        "provider": provider, "round": round_, "stops": stops, "today": day, "config": config, "marked": marked,
        "outcomes": Outcome.choices, "month": day.strftime("%Y-%m"), "next_monday": day + dt.timedelta(days=7 - day.weekday()),
        "days": [(d, _day(d)) for d in provider.days_served],
    })


def _day(digit: str) -> str:
    return [_("Senin"), _("Selasa"), _("Rabu"), _("Kamis"), _("Jumat"), _("Sabtu"), _("Minggu")][int(digit) - 1]


@provider_page
def mark(request, provider):
    if request.method != "POST":
        return redirect("meals:provider_today")
    actor = actor_from_request(request)
    try:
        recipient = Recipient.objects.filter(pk=int(request.POST.get("recipient", 0))).first()
    except ValueError:
        recipient = None
    if recipient is None:
        messages.error(request, _("Penerima tidak ditemukan."))
        return redirect("meals:provider_today")
    try:
        if request.POST.get("corrects"):
            entry = Delivery.objects.filter(pk=int(request.POST["corrects"]), provider=provider).first()
            if entry is None:
                raise DomainError("not_found", _("Catatan yang dikoreksi tidak ditemukan."))
            new = services.delivery_correct(actor=actor, entry=entry, outcome=request.POST.get("outcome", ""), note=request.POST.get("note", ""))
        else:
            new = services.delivery_mark(actor=actor, recipient=recipient, outcome=request.POST.get("outcome", ""),
                                         latitude=request.POST.get("latitude"), longitude=request.POST.get("longitude"), note=request.POST.get("note", ""))
        text = _("Tercatat: %(outcome)s.") % {"outcome": new.get_outcome_display()}
        if new.welfare_case_ref:
            text += " " + _("Dua hari berturut-turut tidak bertemu: cek kondisi dikirim ke desa dan Puskesmas (%(ref)s).") % {"ref": new.welfare_case_ref}
        messages.success(request, text)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(f"{request.path.rsplit('mark/', 1)[0]}#stop-{recipient.pk}")


@provider_page
def menu(request, provider):
    if request.method != "POST":
        return redirect("meals:provider_today")
    try:
        week = dt.date.fromisoformat(request.POST.get("week_start", ""))
    except ValueError:
        messages.error(request, _("Minggu harus berupa tanggal Senin."))
        return redirect("meals:provider_today")
    days = {d: request.POST.get(f"day_{d}", "") for d in "1234567"}
    try:
        services.menu_submit(actor=actor_from_request(request), provider=provider, week_start=week, days=days)
        messages.success(request, _("Menu dikirim ke ahli gizi untuk diperiksa."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("meals:provider_today")
