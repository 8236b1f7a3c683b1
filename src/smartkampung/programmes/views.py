"""Programme pages: the catalogue, the rule editor with its preview, targeting runs and their lists."""

from __future__ import annotations

import io

import xlsxwriter
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from smartkampung.core.audit import actor_from_request
from smartkampung.core.downloads import csv_response
from smartkampung.core.errors import DomainError
from smartkampung.core.scoping import area_scope, scoped_villages
from smartkampung.core.views import registry_page

from . import rules, selectors, services
from .models import FindingKind, Programme, RunProgrammeStat, TargetingRun


def _is_analyst(user) -> bool:
    scope = area_scope(user)
    return scope.read_all and bool({"regency_admin", "dinsos_analyst"} & scope.roles or user.is_superuser)


def _programme(code: str) -> Programme:
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        raise DomainError("not_found", _("Program %(code)s tidak ada.") % {"code": code})
    return programme


@registry_page
def catalogue(request):
    programmes = Programme.objects.prefetch_related("components", "excludes").order_by("-active", "code")
    return render(request, "programmes/catalogue.html", {"programmes": programmes, "can_edit": _is_analyst(request.user)})


@registry_page
def rule_page(request, code: str):
    programme = _programme(code)
    text = request.POST.get("rule_text", programme.rule_text)
    context = {"programme": programme, "text": text, "facts": rules.FACTS.values(), "functions": rules.FUNCTIONS.values(), "can_edit": _is_analyst(request.user)}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "save":
                services.programme_rule_save(actor=actor_from_request(request), programme=programme, text=text,
                                             note=request.POST.get("note", ""), confirm_everyone=bool(request.POST.get("confirm_everyone")))
                messages.success(request, _("Aturan %(code)s disimpan.") % {"code": programme.code})
                return redirect("programmes:rule", code=programme.code)
            services.person_facts_ensure()
            context["preview"] = selectors.rule_preview(programme=programme, text=text)
        except rules.RuleError as error:
            context["rule_error"] = error
            context["caret"] = " " * (error.column - 1) + "^" * max(1, (error.end or error.position + 1) - error.position)
            context["error_line"] = text.splitlines()[error.line - 1] if text.splitlines() else ""
        except DomainError as error:
            if error.code == "forbidden":
                raise
            context["domain_error"] = error
    context["versions"] = programme.rule_versions.all()[:10]
    return render(request, "programmes/rule.html", context, status=400 if ("rule_error" in context or "domain_error" in context) else 200)


@registry_page
def runs_page(request):
    if request.method == "POST":
        run = services.targeting_run_queue(actor=actor_from_request(request))
        messages.success(request, _("Penargetan #%(id)s dimulai; halaman ini menampilkan kemajuannya.") % {"id": run.pk})
        return redirect("programmes:run", run_id=run.pk)
    runs = TargetingRun.objects.order_by("-started_at")[:30]
    return render(request, "programmes/runs.html", {"runs": runs, "can_run": _is_analyst(request.user)})


@registry_page
def run_page(request, run_id: int):
    run = TargetingRun.objects.filter(pk=run_id).first()
    if run is None:
        raise DomainError("not_found", _("Proses penargetan %(run)s tidak ada.") % {"run": run_id})
    stats = RunProgrammeStat.objects.filter(run=run).select_related("programme").order_by("programme__code")
    villages = scoped_villages(request.user).select_related("parent").order_by("parent__name", "name")
    return render(request, "programmes/run.html", {"run": run, "stats": stats, "villages": villages, "kinds": FindingKind.choices,
                                                   "regency_wide": area_scope(request.user).read_all})


@registry_page
def run_status(request, run_id: int):
    run = TargetingRun.objects.filter(pk=run_id).first()
    if run is None:
        raise DomainError("not_found", _("Proses penargetan %(run)s tidak ada.") % {"run": run_id})
    return JsonResponse({"id": run.pk, "status": run.status, "status_label": run.get_status_display(), "step": run.step,
                         "steps_done": run.steps_done, "steps_total": run.steps_total, "seconds": run.seconds, "error": run.error})


def _run(run_id: int) -> TargetingRun:
    run = TargetingRun.objects.filter(pk=run_id, status="done").first()
    if run is None:
        raise DomainError("not_found", _("Tidak ada proses penargetan %(run)s yang sudah selesai.") % {"run": run_id})
    return run


def _filename(run, village: str, programme: str, ext: str) -> str:
    parts = ["temuan", f"run{run.pk}", village or "kabupaten", programme]
    return "-".join(p for p in parts if p) + f".{ext}"


@registry_page
def findings_csv(request, run_id: int):
    run = _run(run_id)
    village, programme = request.GET.get("village", ""), request.GET.get("programme", "")
    rows = selectors.findings_rows(actor=actor_from_request(request), run=run, village_code=village, programme_code=programme)
    return csv_response(header=selectors.FINDING_COLUMNS, rows=rows, filename=_filename(run, village, programme, "csv"))


@registry_page
def findings_xlsx(request, run_id: int):
    run = _run(run_id)
    village, programme = request.GET.get("village", ""), request.GET.get("programme", "")
    rows = selectors.findings_rows(actor=actor_from_request(request), run=run, village_code=village, programme_code=programme)
    buffer = io.BytesIO()
    # constant_memory: rows are written as they come, so a regency-wide list does not sit in memory twice.
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("Temuan")
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})  # NIK and KK are 16 digits: text, never a rounded number
    sheet.write_row(0, 0, selectors.FINDING_COLUMNS, bold)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            sheet.write_string(i, j, str(value), text) if isinstance(value, str) else sheet.write_number(i, j, value)
    book.close()
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_filename(run, village, programme, "xlsx")}"'
    return response
