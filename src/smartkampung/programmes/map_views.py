"""The digital map of who receives what, and the area dashboards. Thin: read the request, call
map_selectors, render. The chart geometry below is presentation only (plain SVG, drawn on the server, so
a cheap phone needs no chart library)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from smartkampung.core.errors import DomainError
from smartkampung.core.maps import MAX_ZOOM, tiles_url
from smartkampung.core.models import Area, AreaKind
from smartkampung.core.views import registry_page

from . import map_selectors as selectors

HOUSEHOLD_ZOOM = 15  # closer than this a viewport holds too many households to be worth drawing


def _json_errors(view):
    """A refusal in a JSON endpoint is JSON too ({"code", "message", "field"}), not an HTML page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return JsonResponse(error.as_dict(), status=error.http_status)

    return wrapper


def _run_json(run) -> dict | None:
    return None if run is None else {"id": run.pk, "as_of": run.as_of.isoformat(), "finished_at": run.finished_at.isoformat() if run.finished_at else None}


@registry_page
def map_page(request):
    run = selectors.run_choose(request.GET.get("run"))
    programmes = selectors.run_programmes(run)
    chosen = selectors.programme_choose(request.GET.get("programme"), run, user=request.user)
    if chosen is not None and chosen not in programmes:
        programmes.append(chosen)  # asked for by its code though the run did not measure it: keep it selectable
    runs = selectors.recent_runs()
    if run is not None and run not in runs:
        runs.append(run)
    regency = Area.objects.filter(kind=AreaKind.KABUPATEN).first()
    config = {
        "dataUrl": reverse("programmes_map:data"),
        "householdsUrl": reverse("programmes_map:households"),
        "shapesUrl": reverse("programmes_map:shapes") if selectors.shapes_path().is_file() else "",
        "householdUrl": reverse("registry:household", args=[0]).replace("/0/", "/{id}/"),
        "tiles": tiles_url(),
        "maxZoom": MAX_ZOOM,
        "householdZoom": HOUSEHOLD_ZOOM,
        "center": [regency.latitude, regency.longitude] if regency and regency.latitude is not None else [-8.36, 114.2],
        "labels": {
            "eligible": _("Layak"), "recipients": _("Penerima"), "eligible_receiving": _("Layak dan menerima"),
            "coverage": _("Cakupan"), "exclusion": _("Layak tetapi tidak menerima"), "not_eligible": _("Menerima tetapi tidak layak"),
            "deceased": _("Menerima padahal meninggal"), "duplicate": _("Menerima ganda"), "kecamatan": _("Kecamatan"),
            "receiving": _("Menerima"), "finding": _("Temuan"), "open": _("Buka data keluarga"),
            "too_many": _("Terlalu banyak keluarga: hanya 2.000 pertama yang ditampilkan. Perbesar peta."),
            "zoom_in": _("Perbesar peta (zoom 15) untuk melihat keluarga."), "no_data": _("Belum ada hasil penargetan."),
            "no_villages": _("Program ini tidak punya angka di desa dalam wilayah Anda pada penargetan ini."),
            "attribution": _("© kontributor OpenStreetMap"),
        },
    }
    return render(request, "programmes/map.html", {
        "config": config, "run": run, "runs": runs, "programmes": programmes, "chosen": chosen,
    })


@registry_page
@_json_errors
def map_data(request):
    run = selectors.run_choose(request.GET.get("run"))
    programme = selectors.programme_choose(request.GET.get("programme"), run, user=request.user)
    return JsonResponse({
        "run": _run_json(run),
        "programme": None if programme is None else {"code": programme.code, "name": programme.name, "unit": programme.unit},
        "villages": selectors.village_figures(user=request.user, run=run, programme=programme),
    })


@registry_page
@_json_errors
def map_households(request):
    bbox = selectors.bbox_parse(request.GET.get("bbox", ""))
    run = selectors.run_choose(request.GET.get("run"))
    programme = selectors.programme_choose(request.GET.get("programme"), run, user=request.user)
    if programme is None:
        raise DomainError("invalid", _("Pilih program."), field="programme")
    points = selectors.map_households(user=request.user, programme=programme, run=run, bbox=bbox)
    return JsonResponse({"households": points.rows, "truncated": points.truncated, "limit": selectors.HOUSEHOLD_LIMIT})


@registry_page
def map_shapes(request):
    shapes = selectors.village_shapes(user=request.user)
    if shapes is None:
        return JsonResponse({"code": "not_found", "message": "No village shapes are loaded."}, status=404)
    return JsonResponse(shapes, content_type="application/geo+json")


# --- dashboards ----------------------------------------------------------------------------------


@dataclass
class Bar:
    """One bar; geometry is pre-formatted text because templates would localise floats ("12,5")."""

    label: str
    text: str
    length: str  # horizontal: width in % of the chart; vertical: height in px
    x: str  # horizontal: 0; vertical: left edge in %
    y: str  # horizontal: the row's top in px; vertical: the bar's top in px


ROW = 30  # px per row of a horizontal bar chart: a label line, then the bar
TREND_HEIGHT = 100  # px of the trend chart's plot area (a label line goes below)


def _hbars(items: list[tuple[str, float | None, str]], *, scale: float | None = None) -> dict:
    """Rows of (label, value, text); bars are drawn against the largest value (or `scale`)."""
    top = scale or max((v for _, v, _ in items if v), default=0) or 1
    bars = [Bar(label, text, f"{0 if value is None else min(100, 100 * value / top):.2f}", "0", str(i * ROW))
            for i, (label, value, text) in enumerate(items)]
    return {"bars": bars, "height": ROW * len(bars)}


def _trend_chart(points: list[selectors.TrendPoint]) -> dict:
    """Two columns per run, oldest first: coverage and error share, both against 0-100 %."""
    slot = 100 / max(len(points), 1)
    bars, labels = [], []
    for i, point in enumerate(points):
        f = point.figures
        for kind, value, offset in (("coverage", f and f.coverage, 0.08), ("errors", f and f.error_share, 0.52)):
            height = 0 if value is None else TREND_HEIGHT * value
            bars.append(Bar(kind, _pct(value), f"{height:.1f}", f"{i * slot + slot * offset:.2f}", f"{TREND_HEIGHT - height:.1f}"))
        # Every date fits on a phone only for a few runs; otherwise the first and the last.
        # (For a label, `text` is its anchor: the first and the last stay inside the chart.)
        if len(points) <= 6:
            labels.append(Bar(point.run.as_of.strftime("%d/%m/%y"), "middle", "0", f"{i * slot + slot / 2:.2f}", str(TREND_HEIGHT + 14)))
        elif i in (0, len(points) - 1):
            anchor, x = ("start", i * slot) if i == 0 else ("end", 100)
            labels.append(Bar(point.run.as_of.strftime("%d/%m/%y"), anchor, "0", f"{x:.2f}", str(TREND_HEIGHT + 14)))
    rows = [(p.run.as_of.strftime("%d/%m/%Y"), _count(p.figures and p.figures.eligible), _count(p.figures and p.figures.recipients),
             _pct(p.figures and p.figures.coverage), _pct(p.figures and p.figures.error_share)) for p in points]
    return {"bars": bars, "labels": labels, "rows": rows, "bar_width": f"{slot * 0.4:.2f}", "height": TREND_HEIGHT + 20, "base": TREND_HEIGHT}


def _count(value: int | None) -> str:
    return "–" if value is None else number_format(value, force_grouping=True)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{number_format(100 * value, 1)} %"


@registry_page
def dashboard_page(request):
    area = selectors.dashboard_area(user=request.user, code=request.GET.get("area", "").strip() or None)
    run = selectors.run_choose(request.GET.get("run"))
    board = selectors.dashboard(user=request.user, area=area, run=run)
    runs = selectors.recent_runs()
    if run is not None and run not in runs:
        runs.append(run)
    desil = [(str(d), board.counts.desil.get(d, 0)) for d in range(1, 11)]
    trend = [(code, points, _trend_chart(points)) for code, points in board.trend.items()]
    return render(request, "programmes/dashboard.html", {
        "board": board, "area": area, "run": run, "runs": runs,
        "parent": area.parent if area.parent and selectors.area_readable(user=request.user, area=area.parent) else None,
        "desil_chart": _hbars([(_("Desil %(d)s") % {"d": d}, n, _count(n)) for d, n in desil]),
        "coverage_chart": _hbars([(f.programme.code, f.coverage, _pct(f.coverage)) for f in board.programmes], scale=1),
        "rows": [(f, _pct(f.coverage), _pct(f.error_share)) for f in board.programmes],
        "trend": trend,
        "poor_share": _pct(board.poor_share),
    })
