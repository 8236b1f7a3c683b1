"""Pages of public services: the catalogue, booking, the kiosk and queue screen, letter requests and
verification for residents; the counter console, statistics and the letter desk for staff. Thin."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smartkampung.core.audit import actor_from_request
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, Role, StaffRole
from smartkampung.core.scoping import area_scope
from smartkampung.core.views import refusal_page

from . import letters, selectors, services
from .api import ticket_ahead
from .calendar import BOOKING_HORIZON_DAYS
from .models import Agency, Counter, Letter, LetterType, RequestState, ServiceMode, Ticket

# A page anyone may open; a DomainError becomes a readable page with its status.
public_page = refusal_page("publicservices/error.html")


def _error_page(request, error: DomainError):
    return render(request, "publicservices/error.html", {"message": error.message, "code": error.code}, status=error.http_status)


def role_page(view):
    """Logged-in staff with any role (the service mall's staff have no registry scope but do have a role)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_superuser or area_scope(request.user).roles):
            return render(request, "core/error.html", {"message": _("Akun Anda belum memiliki peran.")}, status=403)
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return _error_page(request, error)

    return wrapper


def _date(value: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        raise DomainError("invalid", _("Tanggal ditulis YYYY-MM-DD."), field="date") from None


def _service(code: str):
    service = selectors.service_by_code(code)
    if service is None:
        raise DomainError("not_found", _("Layanan tidak ditemukan."))
    return service


# --- residents: catalogue and booking -------------------------------------------------------------------------


@public_page
def catalogue(request):
    q, agency = request.GET.get("q", "").strip()[:100], request.GET.get("agency", "")
    results = selectors.catalogue_search(q=q, agency_code=agency)
    return render(request, "publicservices/catalogue.html", {"q": q, "agency": agency, "results": results, "agencies": selectors.agencies_with_counts()})


@public_page
@require_http_methods(["GET", "POST"])
def service_page(request, code: str):
    service = _service(code)
    today = timezone.localdate()
    day = _date(request.POST.get("date") or request.GET.get("date", ""), today)
    context = {"service": service, "day": day, "today": today, "horizon": today + dt.timedelta(days=BOOKING_HORIZON_DAYS),
               "name": request.POST.get("name", ""), "phone": request.POST.get("phone", ""), "bookable": service.mode == ServiceMode.APPOINTMENT}
    status = 200
    if request.method == "POST":
        try:
            starts_at = dt.time.fromisoformat(request.POST.get("starts_at", ""))
        except ValueError:
            starts_at = None
        try:
            if starts_at is None:
                raise DomainError("invalid", _("Pilih jam layanan."), field="starts_at")
            appointment = services.appointment_book(actor=actor_from_request(request), service=service, date=day, starts_at=starts_at,
                                                    name=request.POST.get("name", ""), phone=request.POST.get("phone", ""))
            return redirect("publicservices:appointment", code=appointment.code)
        except DomainError as error:
            context["error"], status = error, 400
    if service.counter_id:
        context["day_view"] = selectors.service_day(service=service, day=day)
    return render(request, "publicservices/service.html", context, status=status)


@public_page
@require_http_methods(["GET", "POST"])
def appointment_page(request, code: str):
    appointment = selectors.appointment_by_code(code)
    if appointment is None:
        raise DomainError("not_found", _("Kode janji temu tidak dikenal."))
    context, status = {"appointment": appointment, "masked_name": letters.mask_name(appointment.name)}, 200
    if request.method == "POST":
        try:
            services.appointment_cancel(actor=actor_from_request(request), code=code, phone=request.POST.get("phone", ""))
            messages.success(request, _("Janji temu dibatalkan; kursinya dilepas untuk warga lain."))
            return redirect("publicservices:appointment", code=appointment.code)
        except DomainError as error:
            context["error"], status = error, 400
    return render(request, "publicservices/appointment.html", context, status=status)


# --- residents: queue -------------------------------------------------------------------------------------------


@public_page
@require_http_methods(["GET", "POST"])
def kiosk(request):
    context, status = {}, 200
    if request.method == "POST":
        try:
            if request.POST.get("booking_code"):
                ticket = services.appointment_check_in(actor=actor_from_request(request), code=request.POST["booking_code"])
            else:
                ticket = services.ticket_walk_in(actor=actor_from_request(request), service=_service(request.POST.get("service", "")))
            return redirect("publicservices:ticket", ticket_id=ticket.pk)
        except DomainError as error:
            context["error"], status = error, 400
    agencies = Agency.objects.prefetch_related("services").order_by("short_name")
    context["groups"] = [(a, [s for s in a.services.all() if s.active and s.mode != ServiceMode.ONLINE]) for a in agencies]
    return render(request, "publicservices/kiosk.html", context, status=status)


@public_page
def ticket_page(request, ticket_id: int):
    ticket = Ticket.objects.select_related("counter", "service").filter(pk=ticket_id).first()
    if ticket is None:
        raise DomainError("not_found", _("Tiket tidak ditemukan."))
    return render(request, "publicservices/ticket.html", {"ticket": ticket, "ahead": ticket_ahead(ticket)})


def screen(request):
    return render(request, "publicservices/screen.html", {"initial": selectors.queue_screen()})


# --- residents: letters -----------------------------------------------------------------------------------------


def _birth_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@public_page
@require_http_methods(["GET", "POST"])
def letter_request_page(request):
    letter_types = list(LetterType.objects.filter(active=True))
    chosen = request.POST.get("letter_type") or request.GET.get("jenis", "")
    context = {"letter_types": letter_types, "chosen": chosen, "villages": Area.objects.filter(kind__in=("desa", "kelurahan")).select_related("parent").order_by("parent__name", "name"),
               "form": request.POST}
    status = 200
    if request.method == "POST":
        letter_type = next((t for t in letter_types if t.code == chosen), None)
        details = {f["name"]: request.POST.get(f"detail_{f['name']}", "") for f in (letter_type.detail_fields if letter_type else [])}
        try:
            made = services.letter_request_submit(actor=actor_from_request(request), letter_type_code=chosen, village_code=request.POST.get("village_code", ""),
                                                  nik=request.POST.get("nik", ""), birth_date=_birth_date(request.POST.get("birth_date", "")),
                                                  purpose=request.POST.get("purpose", ""), details=details, phone=request.POST.get("phone", ""))
            return render(request, "publicservices/letter_submitted.html", {"made": made}, status=201)
        except DomainError as error:
            context["error"], status = error, 400
    return render(request, "publicservices/letter_request.html", context, status=status)


@public_page
@require_http_methods(["GET", "POST"])
def letter_status_page(request):
    context, status = {"code": request.POST.get("code", request.GET.get("kode", ""))}, 200
    if request.method == "POST":
        found = selectors.letter_request_public(code=request.POST.get("code", ""), nik=request.POST.get("nik", ""),
                                                birth_date=_birth_date(request.POST.get("birth_date", "")))
        if found is None:
            context["error"], status = DomainError("not_found", _("Kode permohonan, NIK dan tanggal lahir tidak cocok.")), 404
        else:
            context["found"] = found
            context["letter"] = Letter.objects.filter(request=found).first()
    return render(request, "publicservices/letter_status.html", context, status=status)


def _pdf_response(letter: Letter) -> HttpResponse:
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="surat-{letter.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def letter_pdf_public(request, request_code: str, letter_code: str):
    """The resident's download: both random codes must match (the status page shows the link after NIK + birth date)."""
    letter = Letter.objects.filter(code=letter_code, request__code=request_code).first()
    if letter is None:
        raise Http404
    return _pdf_response(letter)


@public_page
def verify_page(request, code: str):
    result = selectors.letter_verify(code=code, signature_param=request.GET.get("s", ""))
    status = {"valid": 200, "revoked": 200, "invalid": 200, "not_found": 404}[result.status]
    return render(request, "publicservices/verify.html", {"result": result, "code": code}, status=status)


@public_page
def verify_form(request):
    code = request.GET.get("kode", "").strip().upper()
    if code:
        return redirect("publicservices:verify", code=code)
    return render(request, "publicservices/verify.html", {"result": None, "code": ""})


# --- staff ------------------------------------------------------------------------------------------------------


def _letter_roles(user) -> dict:
    scope = area_scope(user)
    return {"operator": bool(scope.write_all or scope.write_village_ids),
            "head": StaffRole.objects.filter(user=user, role=Role.VILLAGE_HEAD).exists()}


@role_page
def staff_home(request):
    return render(request, "publicservices/staff_home.html", {"mall": services.is_mall_staff(request.user), **_letter_roles(request.user),
                                                              "reads_registry": area_scope(request.user).is_staff})


@role_page
@require_http_methods(["GET", "POST"])
def staff_queue(request):
    if not services.is_mall_staff(request.user):
        raise DomainError("forbidden", _("Hanya petugas Mal Pelayanan Publik yang membuka konsol loket."))
    counters = list(Counter.objects.filter(active=True).select_related("agency"))
    code = request.POST.get("counter") or request.GET.get("counter") or (counters[0].code if counters else "")
    counter = next((c for c in counters if c.code == code), None)
    if counter is None:
        raise DomainError("not_found", _("Loket tidak ditemukan."))
    if request.method == "POST":
        action, actor = request.POST.get("action"), actor_from_request(request)
        try:
            if action == "call_next":
                ticket = services.ticket_call_next(actor=actor, counter=counter)
                messages.success(request, _("Memanggil %(t)s.") % {"t": ticket.label} if ticket else _("Tidak ada antrean menunggu."))
            else:
                ticket = Ticket.objects.filter(pk=request.POST.get("ticket"), counter=counter).first()
                if ticket is None:
                    raise DomainError("not_found", _("Tiket tidak ditemukan."))
                if action == "recall":
                    services.ticket_recall(actor=actor, ticket=ticket)
                else:
                    services.ticket_finish(actor=actor, ticket=ticket, outcome=action)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(f"{request.path}?counter={counter.code}")
    return render(request, "publicservices/staff_queue.html", {"counters": counters, "counter": counter,
                                                               **selectors.counter_queue(counter=counter, day=timezone.localdate())})


@role_page
def staff_stats(request):
    if not services.is_mall_staff(request.user):
        raise DomainError("forbidden", _("Hanya petugas Mal Pelayanan Publik yang melihat statistik antrean."))
    day = _date(request.GET.get("date", ""), timezone.localdate())
    return render(request, "publicservices/staff_stats.html", {"day": day, **selectors.daily_stats(day=day)})


@role_page
def staff_letters(request):
    state = request.GET.get("state", "")
    rows = selectors.letter_requests_for(user=request.user, state=state)
    services.letter_requests_viewed(actor=actor_from_request(request), requests=rows)
    return render(request, "publicservices/staff_letters.html", {"rows": rows, "state": state, "states": RequestState.choices, **_letter_roles(request.user)})


@role_page
@require_http_methods(["GET", "POST"])
def staff_letter(request, code: str):
    found = selectors.letter_request_for(user=request.user, code=code)
    if found is None:
        raise DomainError("not_found", _("Permohonan tidak ditemukan di wilayah Anda."))
    if request.method == "POST":
        action, actor, note = request.POST.get("action"), actor_from_request(request), request.POST.get("note", "")
        try:
            if action == "check":
                services.letter_request_check(actor=actor, request=found, note=note)
            elif action in ("visit_confirm", "visit_reject"):
                services.letter_request_visit_record(actor=actor, request=found, confirmed=action == "visit_confirm", note=note)
            elif action == "reject":
                services.letter_request_reject(actor=actor, request=found, reason=note)
            elif action == "approve":
                letter = services.letter_approve(actor=actor, request=found)
                messages.success(request, _("Surat %(n)s terbit.") % {"n": letter.number})
            elif action == "revoke":
                services.letter_revoke(actor=actor, letter=found.letter, reason=note)
            else:
                raise DomainError("invalid", _("Tindakan tidak dikenal."))
        except DomainError as error:
            if error.code == "forbidden":
                raise
            messages.error(request, error.message)
        return redirect("publicservices:staff_letter", code=found.code)
    services.letter_requests_viewed(actor=actor_from_request(request), requests=[found])
    letter = Letter.objects.filter(request=found).first()
    household = found.household
    return render(request, "publicservices/staff_letter.html", {"r": found, "letter": letter, "household": household, **_letter_roles(request.user),
                                                                "is_head_here": StaffRole.objects.filter(user=request.user, role=Role.VILLAGE_HEAD, area=found.village).exists(),
                                                                "can_check": area_scope(request.user).can_write_village(found.village_id)})


@role_page
def staff_letter_pdf(request, code: str):
    found = selectors.letter_request_for(user=request.user, code=code)
    letter = Letter.objects.filter(request=found).first() if found else None
    if letter is None:
        raise DomainError("not_found", _("Surat tidak ditemukan di wilayah Anda."))
    services.letter_requests_viewed(actor=actor_from_request(request), requests=[found])
    return _pdf_response(letter)
