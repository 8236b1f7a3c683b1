"""Registry pages: thin — read the request, call a selector, render."""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render

from smartkampung.core.audit import actor_from_request
from smartkampung.core.models import AreaKind
from smartkampung.core.scoping import area_scope, scoped_villages
from smartkampung.core.views import staff_page

from . import selectors


@staff_page
def search(request):
    nik = request.GET.get("nik", "").strip()
    q = request.GET.get("q", "").strip()
    village_code = request.GET.get("village", "").strip()
    villages = scoped_villages(request.user).select_related("parent").order_by("parent__name", "name")
    searched = bool(nik or q or village_code)
    results = selectors.person_search(user=request.user, nik=nik, q=q, village_code=village_code) if searched else []
    scope = area_scope(request.user)
    home_area = None
    if not scope.read_all and len(scope.read_village_ids) == 1:
        home_area = villages.first()
    return render(request, "registry/search.html", {
        "nik": nik, "q": q, "village_code": village_code, "villages": villages, "results": results,
        "searched": searched, "home_area": home_area,
    })


@staff_page
def person_page(request, person_id: int):
    record = selectors.person_open(actor=actor_from_request(request), person_id=person_id)
    return render(request, "registry/person.html", {"record": record, "person": record.person})


@staff_page
def household_page(request, household_id: int):
    record = selectors.household_open(actor=actor_from_request(request), household_id=household_id)
    return render(request, "registry/household.html", {"record": record, "household": record.household})


@staff_page
def area_page(request, code: str):
    summary = selectors.area_summary(user=request.user, code=code)
    return render(request, "registry/area.html", {
        "summary": summary, "area": summary.area, "counts": summary.counts,
        "desil_rows": [(d, summary.counts.desil.get(d, 0)) for d in range(1, 11)],
        "is_village": summary.area.kind in (AreaKind.DESA, AreaKind.KELURAHAN),
    })


class _Echo:
    def write(self, value):
        return value


@staff_page
def village_export(request, village_code: str):
    rows = selectors.registry_export_rows(actor=actor_from_request(request), village_code=village_code)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(_lines(writer, list(selectors.EXPORT_COLUMNS), rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="penduduk-{village_code}.csv"'
    return response


def _lines(writer, header, rows):
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)
