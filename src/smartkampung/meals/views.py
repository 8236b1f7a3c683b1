"""Rantang Kasih staff pages under /meals/. Thin: read the request, call services/selectors, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import actor_from_request
from smartkampung.core.errors import DomainError
from smartkampung.core.maps import tiles_url
from smartkampung.core.models import Area, AreaKind
from smartkampung.core.scoping import area_scope, scoped_villages
from smartkampung.core.views import staff_page

from . import recap as recap_files
from . import selectors, services
from .models import Diet, MenuState, Outcome, Provider, RecipientState, WeeklyMenu

PROVIDER_FORM_FIELDS = ("name", "owner_name", "owner_phone", "address", "latitude", "longitude", "daily_capacity", "price_per_portion",
                        "dietician_name", "dietician_phone", "bank_name", "bank_account_number", "bank_account_holder")


def _date(value: str | None, default: dt.date | None = None) -> dt.date:
    if not value:
        return default or timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError("invalid", _("Tanggal harus berbentuk TTTT-BB-HH."), field="date") from None


def _month(value: str | None) -> str:
    month = value or timezone.localdate().strftime("%Y-%m")
    selectors.month_range(month)  # refuses a bad month
    return month


def _error(request, error: DomainError) -> None:
    messages.error(request, error.message)


@staff_page
def home(request):
    today = timezone.localdate()
    start = _date(request.GET.get("from"), today.replace(day=1))
    end = _date(request.GET.get("to"), today)
    figures = selectors.dashboard(user=request.user, start=start, end=end)
    totals = {
        "eligible": sum(f.eligible for f in figures), "served": sum(f.served for f in figures), "recipients": sum(f.recipients for f in figures),
        "delivered": sum(f.delivered for f in figures), "missed": sum(f.missed for f in figures),
    }
    totals["coverage"] = totals["served"] / totals["eligible"] if totals["eligible"] else None
    return render(request, "meals/home.html", {
        "figures": figures, "totals": totals, "start": start, "end": end, "run": selectors.latest_run(),
        "is_office": services.is_office(request.user), "deaths": selectors.deaths_pending(user=request.user).count(),
        "providers": Provider.objects.filter(active=True).count(), "eligibility_known": selectors.eligibility_known(),
    })


# --- providers -------------------------------------------------------------------------------------------

def _provider_data(post, village) -> dict:
    data = {name: post.get(name, "") for name in PROVIDER_FORM_FIELDS}
    data["days_served"] = "".join(post.getlist("days_served"))
    data["village"] = village
    return data


def _village_from(post) -> Area | None:
    code = post.get("village", "").strip()
    return Area.objects.filter(code=code, kind__in=(AreaKind.DESA, AreaKind.KELURAHAN)).first() if code else None


@staff_page
def providers(request):
    rows = selectors.providers(user=request.user)
    return render(request, "meals/providers.html", {"providers": rows, "is_office": services.is_office(request.user)})


@staff_page
def provider_new(request):
    selectors.require_office(request.user)
    values = {"days_served": "1234567"}
    if request.method == "POST":
        values = _provider_data(request.POST, _village_from(request.POST))
        try:
            provider = services.provider_create(actor=actor_from_request(request), **values)
        except DomainError as error:
            _error(request, error)
            values["village"] = request.POST.get("village", "")
            return render(request, "meals/provider_form.html", {"values": values, "error": error, "villages": _villages(), "day_list": _day_list()}, status=400)
        messages.success(request, _("Penyedia %(name)s terdaftar.") % {"name": provider.name})
        return redirect("meals:provider", pk=provider.pk)
    return render(request, "meals/provider_form.html", {"values": values, "villages": _villages(), "day_list": _day_list()})


def _villages():
    return Area.objects.filter(kind__in=(AreaKind.DESA, AreaKind.KELURAHAN)).select_related("parent").order_by("code")


@staff_page
def provider_page(request, pk: int):
    provider = selectors.provider_get(user=request.user, pk=pk)
    office = services.is_office(request.user)
    actor = actor_from_request(request)
    error = None
    if request.method == "POST":
        selectors.require_office(request.user)
        action = request.POST.get("action")
        try:
            if action == "update":
                data = _provider_data(request.POST, _village_from(request.POST) or provider.village)
                data["active"] = bool(request.POST.get("active"))
                services.provider_update(actor=actor, provider=provider, changes=data)
                messages.success(request, _("Data penyedia disimpan."))
            elif action == "login":
                services.provider_login_create(actor=actor, provider=provider, username=request.POST.get("username", ""), password=request.POST.get("password", ""))
                messages.success(request, _("Akun penyedia dibuat."))
            elif action in ("approve", "reject"):
                menu = WeeklyMenu.objects.get(pk=int(request.POST.get("menu", 0)), provider=provider)
                services.menu_review(actor=actor, menu=menu, approve=action == "approve", dietician_name=request.POST.get("dietician_name", ""),
                                     note=request.POST.get("note", ""))
                messages.success(request, _("Menu disetujui.") if action == "approve" else _("Menu ditolak."))
            else:
                raise DomainError("invalid", _("Tindakan tidak dikenal."))
            return redirect("meals:provider", pk=provider.pk)
        except (DomainError, WeeklyMenu.DoesNotExist, ValueError) as exc:
            error = exc if isinstance(exc, DomainError) else DomainError("not_found", _("Menu tidak ditemukan."))
            _error(request, error)
            provider.refresh_from_db()
    today = timezone.localdate()
    context = {
        "provider": provider, "is_office": office, "menus": provider.menus.order_by("-week_start")[:8], "error": error,
        "round": selectors.round_of(provider=provider, date=today), "today": today, "month": today.strftime("%Y-%m"),
        "days": _day_list(), "villages": _villages() if office else [],
        "recipients": selectors.recipients(user=request.user).filter(provider=provider, state=RecipientState.ACTIVE).count(),
    }
    return render(request, "meals/provider.html", context, status=400 if error else 200)


def _day_list() -> list[tuple[str, str]]:
    return [(str(d), _day_name(d)) for d in range(1, 8)]


def _day_name(iso: int) -> str:
    return [_("Senin"), _("Selasa"), _("Rabu"), _("Kamis"), _("Jumat"), _("Sabtu"), _("Minggu")][iso - 1]


# --- recipients ------------------------------------------------------------------------------------------

@staff_page
def recipients(request):
    village = request.GET.get("village", "")
    state = request.GET.get("state", "")
    rows = selectors.recipients(user=request.user, village_code=village, state=state)[:500]
    return render(request, "meals/recipients.html", {"recipients": rows, "village": village, "state": state,
                                                     "villages": scoped_villages(request.user).order_by("code"), "states": RecipientState.choices})


@staff_page
def recipient_page(request, pk: int):
    actor = actor_from_request(request)
    recipient = selectors.recipient_get(actor=actor, pk=pk)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "update":
                services.recipient_update(actor=actor, recipient=recipient, changes={
                    "latitude": request.POST.get("latitude"), "longitude": request.POST.get("longitude"),
                    "delivery_note": request.POST.get("delivery_note", ""), "diet": request.POST.getlist("diet"),
                    "diet_note": request.POST.get("diet_note", ""), "meals_per_day": request.POST.get("meals_per_day", ""),
                })
                messages.success(request, _("Data penerima disimpan."))
            elif action == "confirm_death":
                services.death_confirm(actor=actor, recipient=recipient, date_of_death=_date(request.POST.get("date_of_death")))
                messages.success(request, _("Kematian dikonfirmasi; kepesertaan Rantang Kasih berakhir dan tempatnya dibebaskan."))
            elif action == "resume":
                services.recipient_resume(actor=actor, recipient=recipient)
                messages.success(request, _("Penerima sudah pulang; pengantaran dilanjutkan mulai rute berikutnya."))
            elif action == "reject_death":
                services.death_reject(actor=actor, recipient=recipient, note=request.POST.get("note", ""))
                messages.success(request, _("Laporan kematian dibatalkan; pengantaran dilanjutkan."))
            else:
                raise DomainError("invalid", _("Tindakan tidak dikenal."))
            return redirect("meals:recipient", pk=recipient.pk)
        except DomainError as exc:
            error = exc
            _error(request, exc)
            recipient.refresh_from_db()
    scope = area_scope(request.user)
    history = recipient.deliveries.select_related("provider").order_by("-date", "-id")[:60]
    return render(request, "meals/recipient.html", {
        "recipient": recipient, "history": history, "diets": Diet.choices, "can_write": scope.can_write_village(recipient.village_id),
        "error": error, "today": timezone.localdate(),
    }, status=400 if error else 200)


@staff_page
def deaths(request):
    return render(request, "meals/deaths.html", {"recipients": selectors.deaths_pending(user=request.user)})


# --- assignment, rounds, map -----------------------------------------------------------------------------

@staff_page
def assignment(request):
    office = services.is_office(request.user)
    if request.method == "POST":
        selectors.require_office(request.user)
        actor = actor_from_request(request)
        try:
            synced = services.recipients_sync(actor=actor)
            run = services.assignment_run(actor=actor, max_m=round(float(request.POST.get("max_km", "8")) * 1000),
                                          stability_bonus_m=int(request.POST.get("stability_m", services.DEFAULT_STABILITY_BONUS_M)))
            messages.success(request, _("Penugasan selesai: %(a)s dari %(n)s penerima mendapat penyedia (%(new)s penerima baru dari kepesertaan).")
                             % {"a": run.assigned, "n": run.recipients, "new": synced["created"]})
        except ValueError:
            messages.error(request, _("Jarak maksimum dan bonus stabilitas harus berupa angka."))
        except DomainError as error:
            _error(request, error)
        return redirect("meals:assignment")
    run = selectors.latest_run()
    return render(request, "meals/assignment.html", {
        "run": run, "groups": selectors.unserved_by_village(user=request.user, run=run), "is_office": office,
        "max_km": (run.max_m / 1000) if run else services.DEFAULT_MAX_M / 1000,
        "stability_m": run.stability_bonus_m if run else services.DEFAULT_STABILITY_BONUS_M,
    })


@staff_page
def rounds(request):
    selectors.require_office(request.user)
    day = _date(request.GET.get("date") or request.POST.get("date"))
    if request.method == "POST":
        try:
            summary = services.rounds_plan(actor=actor_from_request(request), date=day)
            messages.success(request, _("%(r)s rute direncanakan untuk %(d)s: %(s)s penerima, %(l)s tidak terjangkau sebelum batas waktu.")
                             % {"r": summary.rounds, "d": day.isoformat(), "s": summary.stops, "l": summary.late})
        except DomainError as error:
            _error(request, error)
        return redirect(f"{reverse('meals:rounds')}?date={day.isoformat()}")
    rows = selectors.rounds_of_day(user=request.user, date=day)
    return render(request, "meals/rounds.html", {"rounds": rows, "date": day})


@staff_page
def round_print(request, provider_id: int, date: str):
    day = _date(date)
    provider = selectors.provider_get(user=request.user, pk=provider_id)
    round_, stops = selectors.provider_round_view(actor=actor_from_request(request), provider=provider, date=day)
    return render(request, "meals/round_print.html", {"provider": provider, "round": round_, "stops": stops, "date": day})


@staff_page
def map_page(request):
    regency = Area.objects.filter(kind=AreaKind.KABUPATEN).first()
    config = {
        "dataUrl": reverse("meals:map_data"), "tiles": tiles_url(),
        "center": [regency.latitude, regency.longitude] if regency and regency.latitude is not None else [-8.36, 114.2],
        "labels": {"provider": _("Penyedia"), "capacity": _("Kapasitas"), "assigned": _("Penerima"), "recipient": _("Penerima"),
                   "unserved": _("Belum dilayani"), "route": _("Rute"), "attribution": "© OpenStreetMap"},
    }
    providers_list = Provider.objects.filter(active=True).order_by("name").values_list("pk", "name")
    return render(request, "meals/map.html", {"config": config, "providers": providers_list, "date": _date(request.GET.get("date"))})


@staff_page
def map_data(request):
    try:
        provider_id = int(request.GET["provider"]) if request.GET.get("provider") else None
        day = _date(request.GET.get("date"))
        return JsonResponse(selectors.map_data(user=request.user, date=day, provider_id=provider_id))
    except ValueError:
        return JsonResponse({"code": "invalid", "message": _("Warung harus berupa angka."), "field": "provider"}, status=400)
    except DomainError as error:
        return JsonResponse(error.as_dict(), status=error.http_status)


# --- money and coverage ----------------------------------------------------------------------------------

@staff_page
def recap_page(request):
    month = _month(request.GET.get("month"))
    cost = selectors.month_cost(user=request.user, month=month)
    return render(request, "meals/recap.html", {"cost": cost, "month": month})


def recap_download(request, month: str, provider_id: int, kind: str):
    """The recap files: the programme office or the provider's own login."""
    from django.contrib.auth.views import redirect_to_login

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        provider = Provider.objects.filter(pk=provider_id).first()
        if provider is None:
            raise DomainError("not_found", _("Penyedia tidak ditemukan."))
        data = selectors.recap(user=request.user, provider=provider, month=_month(month))
    except DomainError as error:
        return render(request, "core/error.html", {"message": error.message, "code": error.code}, status=error.http_status)
    name = f"rantang-kasih-{provider.pk}-{month}"
    if kind == "csv":
        response = HttpResponse(recap_files.recap_csv(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = HttpResponse(recap_files.recap_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@staff_page
def coverage(request):
    code = request.GET.get("village", "")
    village = scoped_villages(request.user).filter(code=code).first() if code else None
    if code and village is None:
        raise DomainError("not_found", _("Desa tidak ditemukan di wilayah Anda."))
    rows = selectors.eligible_not_served(actor=actor_from_request(request), village=village)
    return render(request, "meals/coverage.html", {"rows": rows, "village": village, "villages": scoped_villages(request.user).order_by("code"),
                                                   "eligibility_known": selectors.eligibility_known()})


OUTCOME_LABELS = dict(Outcome.choices)
MENU_STATES = dict(MenuState.choices)
