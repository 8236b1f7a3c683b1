"""Linkage pages: imports with their progress (analysts), the review queue (scoped), one pair side by side."""

from __future__ import annotations

import shutil
import tempfile
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from smartkampung.core.audit import actor_from_request
from smartkampung.core.errors import DomainError
from smartkampung.core.scoping import area_scope
from smartkampung.core.views import staff_page
from smartkampung.programmes.models import Programme

from . import reading, selectors, services, tasks
from .models import BatchStatus, Decision, LinkStatus, RowOutcome

MAX_UPLOAD_BYTES = 512 * 1024 * 1024  # a million-row XLSX is ~60 MB; a CSV ~150 MB


def _upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "linkage" / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _keep_upload(upload) -> Path:
    """Copy the upload under VAR_DIR (named by its hash) so a crashed import can resume from it."""
    suffix = Path(upload.name).suffix.lower()
    with tempfile.NamedTemporaryFile(dir=_upload_dir(), suffix=suffix, delete=False) as out:
        for chunk in upload.chunks():
            out.write(chunk)
        temp = Path(out.name)
    final = _upload_dir() / f"{reading.file_sha256(temp)}{suffix}"
    if final.exists():
        temp.unlink()
    else:
        shutil.move(temp, final)
    return final


def linkage_page(view):
    """Staff pages for registry readers only: office roles (mall, festival, service mall) see no residents."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        scope = area_scope(request.user)
        if not (scope.read_all or scope.read_village_ids):
            raise DomainError("forbidden", _("Halaman ini hanya untuk petugas yang boleh membaca data penduduk."))
        return view(request, *args, **kwargs)

    return staff_page(wrapper)


@linkage_page
def index(request):
    analyst = services.is_analyst(request.user)
    context = {"analyst": analyst, "counts": selectors.review_counts(user=request.user),
               "batches": selectors.batches(user=request.user), "fields": reading.FIELDS}
    if analyst:
        context["programmes"] = Programme.objects.filter(active=True).order_by("code")
    if request.method == "POST":
        if not analyst:
            raise DomainError("forbidden", _("Hanya admin kabupaten dan analis Dinas Sosial yang dapat mengimpor daftar."))
        upload = request.FILES.get("file")
        error = None
        if upload is None:
            error = _("Pilih berkas CSV atau XLSX.")
        elif upload.size > MAX_UPLOAD_BYTES:
            error = _("Berkas terlalu besar (maksimum 512 MB).")
        if error is None:
            try:
                reading.file_format(Path(upload.name))
                overrides = reading.parse_overrides([line for line in request.POST.get("map", "").splitlines() if line.strip()])
                stored = _keep_upload(upload)
                result = services.batch_open(actor=actor_from_request(request), path=stored, programme_code=request.POST.get("programme", ""),
                                             overrides=overrides, file_name=upload.name, stored_path=str(stored))
            except DomainError as problem:
                error = problem.message
        if error:
            context["error"] = error
            return render(request, "linkage/index.html", context, status=400)
        if result.already:
            messages.info(request, _("Berkas ini sudah pernah diimpor untuk program ini: tidak ada yang berubah."))
        else:
            tasks.import_and_link.enqueue(batch_id=result.batch.pk, user_id=request.user.pk, ip=request.META.get("REMOTE_ADDR"))
        return redirect("linkage:batch", batch_id=result.batch.pk)
    return render(request, "linkage/index.html", context)


@linkage_page
def batch_page(request, batch_id: int):
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    outcome, link = request.GET.get("outcome", ""), request.GET.get("link", "")
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        offset = 0
    rows, total = selectors.batch_rows(batch=batch, outcome=outcome, link_status=link, offset=offset)
    return render(request, "linkage/batch.html", {
        "batch": batch, "status": selectors.batch_status(batch), "rows": rows, "total": total, "offset": offset,
        "next_offset": offset + 50 if offset + 50 < total else None, "outcome": outcome, "link": link,
        "outcomes": RowOutcome.choices, "link_statuses": LinkStatus.choices, "running": batch.status in (BatchStatus.STAGING, BatchStatus.STAGED, BatchStatus.LINKING),
    })


@linkage_page
def batch_status(request, batch_id: int):
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    return JsonResponse(selectors.batch_status(batch))


@linkage_page
def review_list(request):
    decision = Decision.UNSURE if request.GET.get("show") == "unsure" else Decision.PENDING
    return render(request, "linkage/review_list.html", {
        "items": selectors.review_queue(user=request.user, decision=decision), "decision": decision,
        "counts": selectors.review_counts(user=request.user),
    })


@linkage_page
def review_item(request, item_id: int):
    actor = actor_from_request(request)
    if request.method == "POST":
        item = selectors.review_item_get(user=request.user, item_id=item_id)
        services.review_decide(actor=actor, item=item, decision=request.POST.get("decision", ""), note=request.POST.get("note", ""))
        messages.success(request, _("Keputusan disimpan."))
        following = selectors.review_queue(user=request.user, limit=1)
        return redirect(reverse("linkage:review_item", args=[following[0].pk]) if following else reverse("linkage:review"))
    item, left, right = selectors.review_item_open(actor=actor, item_id=item_id)
    return render(request, "linkage/review_item.html", {"item": item, "pair": (left, right), "decided": item.decision in (Decision.ACCEPTED, Decision.REJECTED)})
