"""Case pages: thin — read the request, call selectors or services, render.

Public (no login): /cases/report/ (two light steps: what and where, then the details, with likely
duplicates shown before filing), /cases/t/<ticket>/ (follow a report; reply to a follow-up).
Staff: the team queue, a case, the map, statistics, the rumah singgah.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, actor_from_request, audit_record, client_ip
from smartkampung.core.errors import DomainError
from smartkampung.core.maps import MAX_ZOOM, tiles_url
from smartkampung.core.models import Area, AreaKind
from smartkampung.core.scoping import area_scope, scoped
from smartkampung.registry.models import Person

from . import selectors, services
from .models import CaseCategory, CasePhoto, CaseState, Placement, Team, VisitOutcome

REPLY_CODES_KEY = "cases_reply_codes"


def case_staff_page(view):
    """Logged-in members of a case team (or supervisors); a DomainError becomes a page with its message."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.is_case_staff(request.user):
            return render(request, "core/error.html", {"message": _("Akun Anda bukan anggota tim penanganan kasus.")}, status=403)
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return render(request, "core/error.html", {"message": error.message, "code": error.code}, status=error.http_status)

    return wrapper


def _villages():
    return Area.objects.filter(kind__in=(AreaKind.DESA, AreaKind.KELURAHAN)).select_related("parent").order_by("parent__name", "name")


def _float(value: str | None):
    value = (value or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise DomainError("invalid", _("Koordinat harus berupa angka."), field="lat") from None


def _public_actor(request) -> Actor:
    return Actor(user=request.user, ip=client_ip(request), via="web")


# --- public -------------------------------------------------------------------------------------------

def report(request):
    categories = list(CaseCategory.objects.filter(public=True, active=True).order_by("order"))
    data = request.POST if request.method == "POST" else request.GET
    category = next((c for c in categories if c.code == data.get("category")), None)
    village = _villages().filter(code=data.get("village", "").strip()).first()
    context = {"categories": categories, "category": category, "villages": _villages(), "village": village, "data": data,
               "map": {"center": [-8.22, 114.2], "tiles": tiles_url(), "maxZoom": MAX_ZOOM}}
    try:
        lat, lon = _float(data.get("lat")), _float(data.get("lon"))
        if category is None or (village is None and lat is None):
            if data.get("step"):
                context["error"] = _("Pilih jenis laporan dan desa, atau titik di peta.")
            return render(request, "cases/report_where.html", context)
        if village is None:
            village = services.village_nearest(latitude=lat, longitude=lon)
            context["village"] = village
        context.update(lat=lat, lon=lon)
        if request.method == "POST":
            answers = {}
            for q in category.questions:
                key = f"q_{q['code']}"
                answers[q["code"]] = data.getlist(key) if q["datatype"] == "multivaluelist" else data.get(key, "")
            case = services.case_raise(
                actor=_public_actor(request), category_code=category.code, village=village, title=data.get("title", ""),
                description=data.get("description", ""), latitude=lat, longitude=lon, answers=answers, address=data.get("address", ""),
                reporter_name=data.get("reporter_name", ""), reporter_contact=data.get("reporter_contact", ""),
                anonymous=bool(data.get("anonymous")), confidential=bool(data.get("confidential")), source="web",
                photos=request.FILES.getlist("photos"), public_only=True)
            codes = request.session.get(REPLY_CODES_KEY, {})
            codes[case.ticket] = case.reply_code
            request.session[REPLY_CODES_KEY] = codes
            return redirect(reverse("cases:ticket", args=[case.ticket]) + "?baru=1")
    except DomainError as error:
        context["error"] = error.message
        context["error_field"] = error.field
        if error.code == "outside_regency" or category is None:
            return render(request, "cases/report_where.html", context, status=400)
        if request.method != "POST":
            return render(request, "cases/report_where.html", context, status=400)
        context["duplicates"] = []
        return render(request, "cases/report_details.html", context, status=400)
    context["duplicates"] = selectors.likely_duplicates(category=category, village=village, latitude=lat, longitude=lon)
    return render(request, "cases/report_details.html", context)


def track(request):
    ticket = request.GET.get("ticket", "").strip().upper()
    if ticket:
        return redirect("cases:ticket", ticket=ticket)
    return render(request, "cases/track.html", {})


def ticket(request, ticket: str):
    case = selectors.case_by_ticket(ticket)
    if case is None:
        return render(request, "cases/track.html", {"error": _("Nomor tiket %(ticket)s tidak ditemukan.") % {"ticket": ticket}, "ticket": ticket}, status=404)
    error = None
    if request.method == "POST":
        try:
            case = services.case_reporter_reply(actor=_public_actor(request), case=case, reply_code=request.POST.get("reply_code", ""),
                                                message=request.POST.get("message", ""), satisfied=request.POST.get("satisfied") == "1")
            messages.success(request, _("Terima kasih, balasan Anda tercatat."))
            return redirect("cases:ticket", ticket=case.ticket)
        except DomainError as refused:
            error = refused.message
    codes = request.session.get(REPLY_CODES_KEY, {})
    reply_code = codes.pop(case.ticket, None) if request.GET.get("baru") else None
    if reply_code:
        request.session[REPLY_CODES_KEY] = codes
    state = CaseState.objects.get(code=case.state)
    show_content = not case.confidential
    return render(request, "cases/ticket.html", {
        "case": case, "state": state, "show_content": show_content, "events": selectors.timeline(case, public_only=True),
        "reply_code": reply_code, "error": error, "can_reply": case.state in ("resolved", "rejected", "referred"),
    }, status=400 if error else 200)


# --- staff --------------------------------------------------------------------------------------------

@case_staff_page
def queue(request):
    teams = list(selectors.user_teams(request.user))
    team = next((t for t in teams if str(t.pk) == request.GET.get("team")), None)
    state, category = request.GET.get("state", ""), request.GET.get("category", "")
    overdue = request.GET.get("overdue") == "1"
    rows = selectors.team_queue(request.user, team=team, state=state or None, category=category or None, overdue=overdue)
    scope = area_scope(request.user)
    escalated = selectors.escalated_to_kecamatan(request.user, limit=50) if selectors.SUPERVISING_ROLES & scope.roles or request.user.is_superuser else []
    return render(request, "cases/queue.html", {
        "teams": teams, "team": team, "rows": rows, "states": CaseState.objects.filter(is_open=True), "state": state,
        "categories": CaseCategory.objects.all(), "category": category, "overdue": overdue, "now": timezone.now(), "escalated": escalated,
        "base": reverse("cases:queue"),  # row links are base + pk + "/" (one reverse() per page, not per row)
    })


def _case_or_404(request, pk: int):
    case = selectors.case_for_staff(request.user, pk)
    if case is None:
        raise DomainError("not_found", _("Kasus tidak ditemukan di wilayah atau tim Anda."))
    return case


def _referral_teams(case):
    village = case.village
    area_ids = [a for a in (village.id, village.parent_id, village.parent.parent_id if village.parent_id else None) if a]
    return Team.objects.filter(active=True, area_id__in=area_ids).exclude(pk=case.team_id).order_by("kind", "name")


@case_staff_page
def case_detail(request, pk: int):
    case = _case_or_404(request, pk)
    actor = actor_from_request(request)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        post = request.POST
        try:
            if action == "acknowledge":
                services.case_acknowledge(actor=actor, case=case, note=post.get("note", ""))
            elif action == "start":
                services.case_start(actor=actor, case=case, note=post.get("note", ""))
            elif action == "note":
                services.case_note_add(actor=actor, case=case, note=post.get("note", ""), public=bool(post.get("public")))
            elif action == "resolve":
                services.case_resolve(actor=actor, case=case, resolution=post.get("resolution", ""), note=post.get("note", ""))
            elif action == "refer":
                team = _referral_teams(case).filter(pk=post.get("team") or 0).first()
                if team is None:
                    raise DomainError("invalid", _("Pilih tim tujuan."), field="team")
                services.case_refer(actor=actor, case=case, team=team, note=post.get("note", ""))
            elif action == "visit":
                visited_on = _date(post.get("visited_on"), "visited_on") or timezone.localdate()
                services.case_visit_record(actor=actor, case=case, visited_on=visited_on, visitors=post.get("visitors", ""),
                                           findings=post.get("findings", ""), outcome=post.get("outcome", ""), follow_up=post.get("follow_up", ""),
                                           follow_up_on=_date(post.get("follow_up_on"), "follow_up_on"))
            elif action == "merge":
                into = selectors.cases_visible(request.user).filter(ticket=post.get("into", "").strip().upper()).first()
                if into is None:
                    raise DomainError("not_found", _("Tiket tujuan tidak ditemukan."), field="into")
                services.case_merge(actor=actor, case=case, into=into, note=post.get("note", ""))
            else:
                raise DomainError("invalid", _("Tindakan tidak dikenal."), field="action")
            messages.success(request, _("Tersimpan."))
            return redirect("cases:detail", pk=case.pk)
        except DomainError as refused:
            error = refused.message
            case = _case_or_404(request, pk)
    if case.subject_person_id:
        audit_record(actor=actor, action="case.view", obj=case, village=case.village_id, changes={"subject_person": case.subject_person_id})
    scope = area_scope(request.user)
    show_reporter = not case.anonymous or request.user.is_superuser or "regency_admin" in scope.roles
    duplicates = selectors.likely_duplicates(category=case.category, village=case.village, latitude=case.latitude, longitude=case.longitude,
                                             public=False, exclude_pk=case.pk) if case.is_open else []
    duplicates = [d for d in duplicates if selectors.cases_visible(request.user).filter(pk=d.pk).exists()]
    questions = {q["code"]: q for q in case.category.questions}
    answers = [(questions.get(code, {}).get("description", code), _answer_label(questions.get(code), value)) for code, value in case.answers.items()]
    return render(request, "cases/case.html", {
        "case": case, "state": CaseState.objects.get(code=case.state), "events": selectors.timeline(case), "visits": list(case.visits.all()),
        "photos": list(case.photos.all()), "can_work": services.can_work(actor, case), "show_reporter": show_reporter, "error": error,
        "referral_teams": _referral_teams(case), "duplicates": duplicates, "answers": answers, "outcomes": VisitOutcome.choices,
        "placements": list(case.placements.select_related("bed__house")), "today": timezone.localdate(), "now": timezone.now(),
        "houses": selectors.houses_visible(request.user) if case.category.code == "high_risk_pregnancy" else [],
    }, status=400 if error else 200)


def _answer_label(question, value):
    if not question or not question.get("values"):
        return value
    names = {v["key"]: v["name"] for v in question["values"]}
    return ", ".join(names.get(v, v) for v in value) if isinstance(value, list) else names.get(value, value)


def _date(value: str | None, field: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError("invalid", _("Tanggal tidak valid (YYYY-MM-DD)."), field=field) from None


@case_staff_page
def case_photo(request, pk: int, photo_id: int):
    case = _case_or_404(request, pk)
    photo = CasePhoto.objects.filter(case=case, pk=photo_id).first()
    if photo is None:
        raise Http404
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@case_staff_page
def case_map(request):
    config = {"center": [-8.22, 114.2], "tiles": tiles_url(), "maxZoom": MAX_ZOOM, "points": reverse("cases:map_points"),
              "labels": {"attribution": "© OpenStreetMap", "overdue": _("Lewat tenggat"), "open": _("Buka"), "none": _("Tidak ada kasus dengan titik untuk pilihan ini.")}}
    return render(request, "cases/map.html", {"config": config, "categories": CaseCategory.objects.all(), "states": CaseState.objects.all(),
                                              "category": request.GET.get("category", ""), "state": request.GET.get("state", "")})


@case_staff_page
def map_points_json(request):
    points = selectors.map_points(request.user, category=request.GET.get("category") or None, state=request.GET.get("state") or None)
    for p in points:
        p["url"] = reverse("cases:detail", args=[p["id"]])
    return JsonResponse({"points": points})


@case_staff_page
def stats(request):
    return render(request, "cases/stats.html", {
        "by_team": selectors.stats_by_team(request.user), "by_area": selectors.stats_by_area(request.user),
        "by_category": selectors.stats_by_category(request.user),
    })


@case_staff_page
def houses(request):
    today = timezone.localdate()
    rows = [(h, selectors.house_occupancy(h, start=today, days=1)) for h in selectors.houses_visible(request.user)]
    return render(request, "cases/houses.html", {"rows": rows, "today": today})


@case_staff_page
def house_detail(request, pk: int):
    house = selectors.houses_visible(request.user).filter(pk=pk).first()
    if house is None:
        raise DomainError("not_found", _("Rumah singgah tidak ditemukan di wilayah Anda."))
    actor = actor_from_request(request)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                placement = Placement.objects.filter(bed__house=house, pk=request.POST.get("placement") or 0).first()
                if placement is None:
                    raise DomainError("not_found", _("Penempatan tidak ditemukan."))
                services.placement_cancel(actor=actor, placement=placement, reason=request.POST.get("reason", ""))
            else:
                person = scoped(Person.objects.all(), request.user).filter(pk=request.POST.get("person") or 0).first()
                if person is None:
                    raise DomainError("not_found", _("Pilih ibu hamil dari daftar."), field="person")
                case = selectors.cases_visible(request.user).filter(pk=request.POST.get("case") or 0).first()
                services.placement_create(actor=actor, house=house, person=person, case=case,
                                          start_date=_date(request.POST.get("start_date"), "start_date"), end_date=_date(request.POST.get("end_date"), "end_date"))
            messages.success(request, _("Tersimpan."))
            return redirect("cases:house", pk=house.pk)
        except DomainError as refused:
            error = refused.message
    today = timezone.localdate()
    occupancy = selectors.house_occupancy(house, start=today, days=28)
    return render(request, "cases/house.html", {
        "house": house, "occupancy": occupancy, "candidates": selectors.pregnant_candidates(request.user, house=house), "error": error,
        "can_manage": services.can_manage_house(actor, house), "case_id": request.GET.get("case", ""), "today": today,
    }, status=400 if error else 200)
