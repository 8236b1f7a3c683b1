"""Cek Bansos pages: thin — read the form, call a service or selector, render. The public pages work
without JavaScript, post their forms (a NIK never lands in a URL) and never touch the session."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from smartkampung.core.audit import actor_from_request, client_ip
from smartkampung.core.errors import DomainError
from smartkampung.core.scoping import area_scope
from smartkampung.core.views import staff_page
from smartkampung.programmes.models import Programme
from smartkampung.registry.models import Person

from . import answers, guard, selectors, services
from .forms import (
    CheckForm,
    RejectForm,
    SanggahDecisionForm,
    SanggahForm,
    SearchForm,
    TicketForm,
    UsulConfirmForm,
    UsulForm,
)
from .masking import mask_name
from .models import SanggahStatus, UsulStatus


def _client(request) -> str:
    return client_ip(request) or "unknown"


def _refusal(form, error: DomainError) -> int:
    """Put a service's refusal on the field it names (or on the form); the status the page answers with."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
    return error.http_status


@require_http_methods(["GET", "POST"])
def check(request):
    form = CheckForm(request.POST or None)
    answer = message = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            answer = services.bansos_check(nik=form.cleaned_data["nik"], birth_date=form.cleaned_data["birth_date"], client=_client(request), via="web")
            message = answers.check_message(answer)
            form = CheckForm()  # the NIK is not echoed back into the page (shared phones, screenshots)
        except DomainError as error:
            status = _refusal(form, error)
    elif request.method == "POST":
        status = 400
    return render(request, "cekbansos/check.html", {"form": form, "answer": answer, "message": message}, status=status)


@require_http_methods(["GET", "POST"])
def search(request):
    villages = selectors.public_villages()
    form = SearchForm(request.POST or None, villages=villages)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.recipients_search(village_code=form.cleaned_data["village"], name=form.cleaned_data["name"], client=_client(request), via="web")
        except DomainError as error:
            status = _refusal(form, error)
    elif request.method == "POST":
        status = 400
    hits = [(hit, guard.seal(hit.person_id)) for hit in result.hits] if result else []
    return render(request, "cekbansos/search.html", {"form": form, "result": result, "hits": hits, "max_results": selectors.SEARCH_MAX_RESULTS}, status=status)


@require_http_methods(["GET", "POST"])
def usul(request):
    form = UsulForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.usul_submit(nik=data["nik"], relation=data["relation"], reporter_contact=data["reporter_contact"], reason=data["reason"],
                                          reporter_name=data["reporter_name"], photo=data["photo"], client=_client(request), via="web")
        except DomainError as error:
            status = _refusal(form, error)
        else:
            return render(request, "cekbansos/usul_done.html", {
                "usul": result.usul, "eligibility": result.eligibility, "next_step": answers.usul_next_step(result.eligibility, ticket=result.usul.ticket),
            }, status=201)
    elif request.method == "POST":
        status = 400
    return render(request, "cekbansos/usul.html", {"form": form}, status=status)


def _sanggah_subject(token: str):
    person_id = guard.unseal(token)
    person = Person.objects.select_related("village").filter(pk=person_id, date_of_death__isnull=True).first() if person_id else None
    if person is None:
        return None, []
    received = selectors.received_by(
        person_id=person.pk, household_id=person.memberships.filter(end_date__isnull=True).values_list("household_id", flat=True).first(),
        today=timezone.localdate())
    return person, [(r.code, r.name) for r in received if r.active]


@require_http_methods(["GET", "POST"])
def sanggah(request):
    token = (request.POST.get("t") or request.GET.get("t") or "").strip()
    person, programmes = _sanggah_subject(token)
    if person is None or not programmes:
        return render(request, "cekbansos/sanggah.html", {"expired": True}, status=404 if token else 400)
    form = SanggahForm(request.POST or None, programmes=programmes, initial={"t": token})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.sanggah_submit(person_id=person.pk, programme_code=data["programme"], reason_kind=data["reason_kind"], reason=data["reason"],
                                             objector_name=data["objector_name"], objector_contact=data["objector_contact"], client=_client(request), via="web")
        except DomainError as error:
            status = _refusal(form, error)
        else:
            return render(request, "cekbansos/sanggah_done.html", {"report": report}, status=201)
    elif request.method == "POST":
        status = 400
    return render(request, "cekbansos/sanggah.html", {"form": form, "masked": mask_name(person.name), "village": person.village}, status=status)


@require_http_methods(["GET", "POST"])
def ticket(request):
    form = TicketForm(request.POST or None)
    report = state = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report = services.ticket_follow(ticket=form.cleaned_data["ticket"], client=_client(request), via="web")
            state = answers.report_status(report)
        except DomainError as error:
            status = _refusal(form, error)
    elif request.method == "POST":
        status = 400
    return render(request, "cekbansos/ticket.html", {"form": form, "report": report, "state": state}, status=status)


# --- Staff --------------------------------------------------------------------------------------------


@staff_page
def staff_list(request):
    status = request.GET.get("status", "verifying")
    usul_status = status if status in UsulStatus.values else ""
    sanggah_status = status if status in SanggahStatus.values else ""
    return render(request, "cekbansos/staff_list.html", {
        "usul_list": selectors.usul_list(user=request.user, status=usul_status),
        "sanggah_list": selectors.sanggah_list(user=request.user, status=sanggah_status),
        "counts": selectors.open_counts(user=request.user), "status": status,
    })


@staff_page
def staff_usul(request, pk: int):
    actor = actor_from_request(request)
    usul = selectors.usul_open(actor=actor, pk=pk)
    can_decide = usul.status == UsulStatus.VERIFYING and area_scope(request.user).can_write_village(usul.village_id)
    eligibility = selectors.person_eligibility(person=usul.subject, as_of=timezone.localdate())
    confirm = UsulConfirmForm(request.POST if request.POST.get("action") == "confirm" else None, programmes=eligibility.met,
                              initial={"start_date": timezone.localdate()})
    reject = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    status = 200
    if request.method == "POST" and can_decide:
        try:
            if request.POST.get("action") == "confirm" and confirm.is_valid():
                programme = Programme.objects.get(code=confirm.cleaned_data["programme"])
                services.usul_confirm(actor=actor, usul=usul, programme=programme, start_date=confirm.cleaned_data["start_date"], note=confirm.cleaned_data["note"])
                return redirect("cekbansos:staff_usul", pk=usul.pk)
            if request.POST.get("action") == "reject" and reject.is_valid():
                services.usul_reject(actor=actor, usul=usul, note=reject.cleaned_data["note"])
                return redirect("cekbansos:staff_usul", pk=usul.pk)
            status = 400
        except DomainError as error:
            status = _refusal(confirm if request.POST.get("action") == "confirm" else reject, error)
    elif request.method == "POST":
        status = 403
    return render(request, "cekbansos/staff_usul.html", {
        "usul": usul, "eligibility": eligibility, "confirm": confirm, "reject": reject, "can_decide": can_decide,
        "case": _case_link(usul.case_id),
    }, status=status)


@staff_page
def staff_usul_photo(request, pk: int):
    usul = selectors.usul_open(actor=actor_from_request(request), pk=pk)
    if not usul.photo:
        raise Http404
    return FileResponse(usul.photo.open("rb"), content_type="image/jpeg")


@staff_page
def staff_sanggah(request, pk: int):
    actor = actor_from_request(request)
    sanggah = selectors.sanggah_open(actor=actor, pk=pk)
    can_decide = sanggah.status == SanggahStatus.VERIFYING and area_scope(request.user).can_write_village(sanggah.village_id)
    form = SanggahDecisionForm(request.POST or None, initial={"end_date": timezone.localdate()})
    status = 200
    if request.method == "POST" and can_decide:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.sanggah_decide(actor=actor, sanggah=sanggah, upheld=data["decision"] == "upheld", note=data["note"],
                                        end_enrolment=data["end_enrolment"], end_date=data["end_date"])
                return redirect("cekbansos:staff_sanggah", pk=sanggah.pk)
            except DomainError as error:
                status = _refusal(form, error)
        else:
            status = 400
    elif request.method == "POST":
        status = 403
    return render(request, "cekbansos/staff_sanggah.html", {"sanggah": sanggah, "form": form, "can_decide": can_decide,
                                                             "case": _case_link(sanggah.case_id)}, status=status)


def _case_link(case_id):
    from . import casework

    return casework.case_of(case_id)

