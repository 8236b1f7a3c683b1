"""Open311 GeoReport v2 at /open311/v2/ (wiki.open311.org/GeoReport_v2), with FixMyStreet's
servicerequestupdates extension. JSON and XML from the same dicts; string ids (the public ticket); times in
ISO-8601 with +07:00; errors as the spec's list of {code, description} with 400/403/404.

Public answers show only public categories' non-confidential cases, and never a reporter, a subject
person, a contact, or photos (faces and house fronts are for the team, not the world).
"""

from __future__ import annotations

import datetime as dt
import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from smartkampung.core.audit import Actor, client_ip
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area

from . import services
from .models import Case, CaseCategory, CaseEvent, CaseState

JURISDICTION_ID = "banyuwangikab.go.id"
WINDOW_DAYS = 90
MAX_RESULTS = 1000
DESCRIPTION_MAX = 4000
CHANGESET = "2026-12-01T00:00:00+07:00"


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else timezone.localtime(moment).isoformat(timespec="seconds")


# --- rendering ----------------------------------------------------------------------------------------

def _xml_value(parent: ET.Element, tag: str, value) -> None:
    child = ET.SubElement(parent, tag)
    if isinstance(value, bool):
        child.text = "true" if value else "false"
    elif isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(child, key, inner)
    elif isinstance(value, list):
        singular = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}.get(tag, "item")
        for inner in value:
            _xml_value(child, singular, inner)
    elif value is not None:
        child.text = str(value)


def render(payload, fmt: str, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        element = ET.Element(root)
        if isinstance(payload, list):
            for entry in payload:
                _xml_value(element, item, entry)
        else:
            for key, value in payload.items():
                _xml_value(element, key, value)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    return HttpResponse(json.dumps(payload, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8")


def render_error(error: Open311Error, fmt: str) -> HttpResponse:
    return render([{"code": error.status, "description": error.description}], fmt, root="errors", item="error", status=error.status)


def open311_view(methods=("GET",)):
    """Wrap a view returning (payload, root, item[, status]); turn Open311Error/DomainError into the spec's errors."""
    def decorate(func):
        @csrf_exempt
        @require_http_methods(list(methods))
        def view(request, fmt, **kwargs):
            try:
                jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
                if jurisdiction and jurisdiction != JURISDICTION_ID:
                    raise Open311Error(404, _("jurisdiction_id tidak ditemukan: layanan ini hanya melayani %(jurisdiction)s") % {"jurisdiction": JURISDICTION_ID})
                payload, root_tag, item, *status = func(request, **kwargs)
            except Open311Error as error:
                return render_error(error, fmt)
            except DomainError as error:
                code = {"forbidden": 403, "not_found": 404}.get(error.code, 400)
                field = f" ({error.field})" if error.field else ""
                return render_error(Open311Error(code, f"{error.message}{field}"), fmt)
            return render(payload, fmt, root=root_tag, item=item, status=status[0] if status else 200)
        view.__name__ = func.__name__
        return view
    return decorate


# --- answers ------------------------------------------------------------------------------------------

def service_out(category: CaseCategory) -> dict:
    return {"service_code": category.code, "service_name": category.name, "description": category.description,
            "metadata": bool(category.questions), "type": "realtime", "keywords": category.keywords, "group": category.group}


def definition_out(category: CaseCategory) -> dict:
    attributes = []
    for q in sorted(category.questions, key=lambda q: q.get("order") or 0):
        attribute = {"variable": True, "code": q["code"], "datatype": q["datatype"], "required": bool(q.get("required")),
                     "datatype_description": q.get("datatype_description") or None, "order": q.get("order"), "description": q.get("description")}
        if q.get("values"):
            attribute["values"] = [{"key": v["key"], "name": v["name"]} for v in q["values"]]
        attributes.append(attribute)
    return {"service_code": category.code, "attributes": attributes}


# The columns a public request answer is made of, read as plain rows (no model instances: a 1,000-row
# answer is built from tuples, which keeps the 90-day listing fast at regency scale).
REQUEST_COLUMNS = ("ticket", "state", "category__code", "category__name", "title", "description", "team__name", "created_at", "updated_at",
                   "due_at", "address", "village__code", "village__name", "village__kind", "village__postal_code", "village__parent__name",
                   "latitude", "longitude")
VILLAGE_KINDS = {"desa": "Desa", "kelurahan": "Kelurahan"}


def request_out(row: tuple, states: dict[str, CaseState]) -> dict:
    (ticket, state_code, code, name, title, description, team, created, updated, due, address, village_code, village_name,
     village_kind, postal, kecamatan, lat, lon) = row
    state = states[state_code]
    place = ", ".join(part for part in (address, f"{VILLAGE_KINDS.get(village_kind, '')} {village_name}".strip(),
                                        f"Kec. {kecamatan}" if kecamatan else "", "Banyuwangi") if part)
    return {
        "service_request_id": ticket, "status": state.open311_status, "status_notes": state.name,
        "service_name": name, "service_code": code, "description": description[:DESCRIPTION_MAX] or title,
        "agency_responsible": team, "service_notice": None,
        "requested_datetime": iso(created), "updated_datetime": iso(updated), "expected_datetime": iso(due) if state.is_open else None,
        "address": place, "address_id": village_code, "zipcode": postal or None, "lat": lat, "long": lon, "media_url": None,
    }


def _public_requests(codes: list[str] | None = None):
    """Public, non-confidential, not merged away; of the given public service codes when asked. One IN list
    of category ids, so the planner sees a single category condition and walks (category, is_open, created_at)."""
    categories = CaseCategory.objects.filter(public=True)
    if codes:
        categories = categories.filter(code__in=codes)
    ids = sorted(categories.values_list("id", flat=True))
    return Case.objects.filter(category_id__in=ids, confidential=False, merged_into__isnull=True)


def _parse_moment(value: str, name: str, *, end: bool = False) -> dt.datetime:
    moment = parse_datetime(value.replace(" ", "+")) if "T" in value else None  # "+07:00" arrives as " 07:00" unescaped
    if moment is None:
        day = parse_date(value) if len(value) == 10 else None
        if day is None:
            raise Open311Error(400, _("%(name)s harus berupa tanggal-waktu ISO-8601, misalnya 2026-11-01T00:00:00+07:00") % {"name": name})
        moment = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time(0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def requests_query(params) -> list[tuple]:
    """GET requests: by ids (other filters ignored, as the spec says), else service_code, status, and a
    date window of at most 90 days (default: the last 90 days), newest first, at most 1,000."""
    ids = [i.strip().upper() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        queryset = _public_requests()
        if len(ids) > MAX_RESULTS:
            raise Open311Error(400, _("Paling banyak %(n)d nilai service_request_id.") % {"n": MAX_RESULTS})
        return list(queryset.filter(ticket__in=ids).order_by("-created_at", "-id").values_list(*REQUEST_COLUMNS))
    now = timezone.now()
    start_raw, end_raw = params.get("start_date", "").strip(), params.get("end_date", "").strip()
    end = _parse_moment(end_raw, "end_date", end=True) if end_raw else None
    start = _parse_moment(start_raw, "start_date") if start_raw else None
    if start is None:
        start = (end or now) - dt.timedelta(days=WINDOW_DAYS)
    if end is not None and end < start:
        raise Open311Error(400, _("end_date lebih awal dari start_date."))
    if end is not None and end - start > dt.timedelta(days=WINDOW_DAYS):
        raise Open311Error(400, _("Rentang antara start_date dan end_date paling lama %(n)d hari.") % {"n": WINDOW_DAYS})
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
    queryset = _public_requests(codes).filter(created_at__gte=start)
    if end is not None:
        queryset = queryset.filter(created_at__lt=end)
    statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status berisi open, closed, atau keduanya dipisah koma."))
    if statuses == {"open"}:
        queryset = queryset.filter(is_open=True)
    elif statuses == {"closed"}:
        queryset = queryset.filter(is_open=False)
    return list(queryset.order_by("-created_at", "-id").values_list(*REQUEST_COLUMNS)[:MAX_RESULTS])


def updates_query(params) -> list[dict]:
    """FixMyStreet's GET servicerequestupdates: public timeline steps in a window (default the last day... up
    to 90 days), oldest first, at most 1,000."""
    now = timezone.now()
    start_raw, end_raw = params.get("start_date", "").strip(), params.get("end_date", "").strip()
    end = _parse_moment(end_raw, "end_date", end=True) if end_raw else now
    start = _parse_moment(start_raw, "start_date") if start_raw else end - dt.timedelta(days=1)
    if end < start:
        raise Open311Error(400, _("end_date lebih awal dari start_date."))
    if end - start > dt.timedelta(days=WINDOW_DAYS):
        raise Open311Error(400, _("Rentang antara start_date dan end_date paling lama %(n)d hari.") % {"n": WINDOW_DAYS})
    states = {s.code: s for s in CaseState.objects.all()}
    events = (CaseEvent.objects.filter(public=True, at__gte=start, at__lt=end, case__category__public=True, case__confidential=False)
              .exclude(kind="created").select_related("case").order_by("at", "id")[:MAX_RESULTS])
    out = []
    for event in events:
        state = states.get(event.state_after or event.case.state) or states[event.case.state]
        out.append({"update_id": str(event.pk), "service_request_id": event.case.ticket,
                    "status": "duplicate" if event.kind == "merged" and event.state_after == "closed" else state.fms_status,
                    "updated_datetime": iso(event.at), "description": event.note or state.name, "media_url": None})
    return out


def _int_or_none(value):
    return value if value else None


# --- views --------------------------------------------------------------------------------------------

@open311_view()
def discovery(request):
    base = request.build_absolute_uri(reverse("cases:open311_root"))
    return ({"changeset": CHANGESET, "contact": "Dinas Komunikasi, Informatika dan Persandian Kabupaten Banyuwangi",
             "key_service": _("Kunci API: mintalah ke Diskominfo kabupaten; kunci dibuat dengan `smartkampung cases open311-key`."),
             "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": base, "changeset": CHANGESET, "type": "production",
                            "formats": ["application/json", "text/xml"]}]}, "discovery", None)


@open311_view()
def services_list(request):
    return [service_out(c) for c in CaseCategory.objects.filter(public=True, active=True).order_by("order", "code")], "services", "service"


@open311_view()
def service_definition(request, service_code):
    category = CaseCategory.objects.filter(code=service_code, public=True, active=True).first()
    if category is None:
        raise Open311Error(404, _("service_code tidak ditemukan: %(code)s") % {"code": service_code})
    return definition_out(category), "service_definition", None


def _attributes(post) -> dict:
    answers: dict = {}
    for key in post:
        if key.startswith("attribute[") and "]" in key:
            code = key[len("attribute["):key.index("]")]
            values = post.getlist(key)
            answers[code] = values if key.endswith("[]") or len(values) > 1 else values[0]
    return answers


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "ya")


@open311_view(methods=("GET", "POST"))
def requests_endpoint(request):
    if request.method == "GET":
        states = {s.code: s for s in CaseState.objects.all()}
        return [request_out(c, states) for c in requests_query(request.GET)], "service_requests", "request"
    post = request.POST
    key = services.open311_key_check(post.get("api_key") or request.GET.get("api_key"))
    if key is None:
        raise Open311Error(403, _("api_key tidak ada atau tidak sah"))
    code = post.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code wajib diisi"))
    if not CaseCategory.objects.filter(code=code, public=True, active=True).exists():
        raise Open311Error(400, _("service_code tidak ditemukan: %(code)s") % {"code": code})
    description = post.get("description", "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise Open311Error(400, _("description paling banyak %(n)d karakter") % {"n": DESCRIPTION_MAX})
    village = None
    address_id = post.get("address_id", "").strip()
    if address_id:
        village = Area.objects.filter(code=address_id, kind__in=("desa", "kelurahan")).first()
        if village is None:
            raise Open311Error(400, _("address_id berisi kode Kemendagri sebuah desa di Banyuwangi, misalnya 35.10.20.2002"))
    lat, lon = post.get("lat", "").strip() or None, post.get("long", "").strip() or None
    if village is None and (lat is None or lon is None):
        raise Open311Error(400, _("Lokasi wajib diisi: lat dan long, atau address_id (kode desa)"))
    name = " ".join(p for p in (post.get("first_name", "").strip(), post.get("last_name", "").strip()) if p)
    contact = ", ".join(p for p in (post.get("email", "").strip(), post.get("phone", "").strip()) if p)
    title = (description.splitlines()[0][:100] if description else "") or CaseCategory.objects.get(code=code).name
    actor = Actor(user=None, ip=client_ip(request), via="api", label=f"open311:{key.name}")
    case = services.case_raise(
        actor=actor, category_code=code, village=village, title=title, description=description, latitude=lat, longitude=lon,
        answers=_attributes(post), reporter_name=name[:120], reporter_contact=contact[:120], anonymous=_truthy(post.get("anonymous")),
        confidential=_truthy(post.get("confidential")), source="open311", source_ref="", photos=request.FILES.getlist("media"),
        address=post.get("address_string", "").strip()[:200], public_only=True)
    notice = _("Laporan diteruskan ke %(team)s; tindak lanjut paling lambat %(date)s.") % {
        "team": case.team.name, "date": f"{timezone.localtime(case.due_at):%d-%m-%Y}"}
    return ([{"service_request_id": case.ticket, "token": case.token, "service_notice": notice, "account_id": _int_or_none(post.get("account_id", "").strip())}],
            "service_requests", "request", 201)


@open311_view()
def request_single(request, request_id):
    case = _public_requests().filter(ticket=request_id.strip().upper()).values_list(*REQUEST_COLUMNS).first()
    if case is None:
        raise Open311Error(404, _("service_request_id tidak ditemukan: %(id)s") % {"id": request_id})
    states = {s.code: s for s in CaseState.objects.all()}
    return [request_out(case, states)], "service_requests", "request"


@open311_view()
def token_lookup(request, token):
    case = Case.objects.filter(token=token).only("ticket").first()
    if case is None:
        raise Open311Error(404, _("token tidak ditemukan"))
    return [{"service_request_id": case.ticket, "token": token}], "service_requests", "request"


@open311_view()
def service_request_updates(request):
    return updates_query(request.GET), "service_requests_updates", "request_update"


def root(request):
    """/open311/v2/ itself: point to discovery."""
    return HttpResponse(status=302, headers={"Location": reverse("cases:open311_discovery", kwargs={"fmt": "json"})})
