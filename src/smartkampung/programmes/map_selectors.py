"""Reads behind the digital map and the dashboards: per-village figures of a targeting run, the
households behind them, village shapes, and area dashboards. Every read of area-bound rows goes through
`scoped()`; counts are grouped queries, never a loop over people."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area, AreaKind
from smartkampung.core.scoping import area_scope, scoped, scoped_villages
from smartkampung.registry.models import Household, Membership
from smartkampung.registry.selectors import AreaCounts, area_summary

from .models import Enrolment, Programme, RunProgrammeStat, RunVillageStat, TargetingFinding, TargetingRun
from .selectors import latest_run

HOUSEHOLD_LIMIT = 2000
TREND_RUNS = 12
# The error kinds a village row carries (an unknown NIK has no village, so only regency totals have it).
VILLAGE_ERROR_KINDS = ("exclusion", "not_eligible", "deceased", "duplicate")
STAT_FIELDS = ("eligible", "recipients", "eligible_receiving", *VILLAGE_ERROR_KINDS)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# --- runs and programmes -------------------------------------------------------------------------


def run_choose(run_id: str | int | None = None) -> TargetingRun | None:
    """A finished run by id (404 if there is none such), or the latest finished run (None if none yet).

    A running or failed run has partial figures, so it is never shown."""
    if run_id in (None, ""):
        return latest_run()
    try:
        pk = int(run_id)
    except (TypeError, ValueError):
        raise DomainError("invalid", _("ID proses %(run)r bukan angka.") % {"run": run_id}, field="run") from None
    run = TargetingRun.objects.filter(pk=pk, status="done").first()
    if run is None:
        raise DomainError("not_found", _("Tidak ada proses penargetan %(run)s yang sudah selesai.") % {"run": pk}, field="run")
    return run


def recent_runs(limit: int = TREND_RUNS) -> list[TargetingRun]:
    return list(TargetingRun.objects.filter(status="done").order_by("-finished_at", "-id")[:limit])


def run_programmes(run: TargetingRun | None) -> list[Programme]:
    """The programmes a run measured; before any run, the active catalogue."""
    if run is None:
        return list(Programme.objects.filter(active=True).order_by("code"))
    measured = RunProgrammeStat.objects.filter(run=run).values("programme_id")
    return list(Programme.objects.filter(Q(id__in=measured) | Q(id__in=RunVillageStat.objects.filter(run=run).values("programme_id"))).order_by("code"))


def programme_choose(code: str | None, run: TargetingRun | None, *, user) -> Programme | None:
    """The programme asked for (404 if unknown), or the first one the run measured in the user's
    villages (a village operator should not open on an empty map), or the first one it measured."""
    if code:
        programme = Programme.objects.filter(code=code).first()
        if programme is None:
            raise DomainError("not_found", _("Program %(code)s tidak ada.") % {"code": code}, field="programme")
        return programme
    if run is not None:
        local = scoped(RunVillageStat.objects.filter(run=run), user).order_by("programme__code").values_list("programme_id", flat=True)[:1]
        programme = Programme.objects.filter(id__in=list(local)).first()
        if programme is not None:
            return programme
    programmes = run_programmes(run)
    return programmes[0] if programmes else None


# --- the map -------------------------------------------------------------------------------------


def village_figures(*, user, run: TargetingRun | None, programme: Programme | None) -> list[dict]:
    """One row per village (in the user's scope) that the run measured for the programme."""
    if run is None or programme is None:
        return []
    stats = scoped(RunVillageStat.objects.filter(run=run, programme=programme), user)
    rows = []
    for s in stats.select_related("village", "village__parent").order_by("village__code"):
        v = s.village
        rows.append({
            "code": v.code, "name": v.name, "kecamatan": v.parent.name if v.parent else "",
            "lat": v.latitude, "lon": v.longitude,
            **{name: getattr(s, name) for name in STAT_FIELDS},
            "coverage": _ratio(s.eligible_receiving, s.eligible),
        })
    return rows


def bbox_parse(text: str) -> tuple[float, float, float, float]:
    """`minlon,minlat,maxlon,maxlat` as Leaflet's LatLngBounds.toBBoxString() writes it."""
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise DomainError("invalid", _("bbox harus berbentuk minlon,minlat,maxlon,maxlat."), field="bbox")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise DomainError("invalid", _("Sudut bbox di luar rentang atau tertukar."), field="bbox")
    return values


def _active(queryset, on: dt.date):
    return queryset.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


@dataclass
class HouseholdPoints:
    rows: list[dict]
    truncated: bool


def map_households(*, user, programme: Programme, run: TargetingRun | None, bbox: tuple[float, float, float, float],
                   limit: int = HOUSEHOLD_LIMIT) -> HouseholdPoints:
    """Current households with a map point inside the box that receive the programme (an active enrolment
    on the household or on a current member) or have a finding in the run. No names, no NIKs: the map
    only points at the record, and opening the record is what gets audited."""
    min_lon, min_lat, max_lon, max_lat = bbox
    households = scoped(Household.objects.filter(
        dissolved_on__isnull=True, latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lon, longitude__lte=max_lon,
    ), user)
    today = timezone.localdate()
    active = _active(Enrolment.objects.filter(programme=programme), today)
    member_receives = Membership.objects.filter(household=OuterRef("pk"), end_date__isnull=True).filter(
        Exists(active.filter(person_id=OuterRef("person_id"))))
    receiving = Exists(active.filter(household_id=OuterRef("pk"))) | Exists(member_receives)
    findings = TargetingFinding.objects.filter(run=run, programme=programme) if run else TargetingFinding.objects.none()
    # A finding names the household, or only the person (person-unit programmes): then their current household.
    members_with_finding = Membership.objects.filter(household=OuterRef("pk"), end_date__isnull=True, person_id__in=findings.values("person_id"))
    has_finding = Exists(findings.filter(household_id=OuterRef("pk"))) | Exists(members_with_finding)
    points = list(
        households.annotate(receiving=receiving, has_finding=has_finding).filter(Q(receiving=True) | Q(has_finding=True))
        .order_by("id").values("id", "latitude", "longitude", "receiving")[: limit + 1]
    )
    truncated = len(points) > limit
    points = points[:limit]
    kinds = _finding_kinds(findings, [p["id"] for p in points])
    rows = [{"id": p["id"], "lat": p["latitude"], "lon": p["longitude"], "receiving": bool(p["receiving"]),
             "findings": sorted(kinds.get(p["id"], ()))} for p in points]
    return HouseholdPoints(rows=rows, truncated=truncated)


def _finding_kinds(findings, household_ids: list[int]) -> dict[int, set[str]]:
    kinds: dict[int, set[str]] = {}
    if not household_ids:
        return kinds
    direct = findings.filter(household_id__in=household_ids).values_list("household_id", "kind").distinct()
    via_member = (findings.filter(person__memberships__household_id__in=household_ids, person__memberships__end_date__isnull=True)
                  .values_list("person__memberships__household_id", "kind").distinct())
    for household_id, kind in [*direct, *via_member]:
        kinds.setdefault(household_id, set()).add(kind)
    return kinds


# --- village shapes (a file under VAR_DIR, loaded by `load_village_shapes`) ------------------------


def shapes_path() -> Path:
    return Path(settings.VAR_DIR) / "village_shapes.geojson"


def village_shapes(*, user) -> dict | None:
    """The loaded village polygons the user may see, or None when none are loaded."""
    path = shapes_path()
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    readable = set(scoped_villages(user).values_list("code", flat=True))
    return {"type": "FeatureCollection", "features": [f for f in data["features"] if f["properties"]["code"] in readable]}


@dataclass
class ParsedShapes:
    features: list[dict]
    unknown_codes: list[str]


def _position_ok(pos) -> bool:
    return (isinstance(pos, list) and len(pos) >= 2 and all(isinstance(c, int | float) and not isinstance(c, bool) for c in pos[:2])
            and -180 <= pos[0] <= 180 and -90 <= pos[1] <= 90)


def _polygon_ok(rings) -> bool:
    return isinstance(rings, list) and bool(rings) and all(
        isinstance(ring, list) and len(ring) >= 4 and all(_position_ok(p) for p in ring) for ring in rings)


def _geometry_ok(geometry) -> bool:
    if not isinstance(geometry, dict):
        return False
    coords = geometry.get("coordinates")
    if geometry.get("type") == "Polygon":
        return _polygon_ok(coords)
    if geometry.get("type") == "MultiPolygon":
        return isinstance(coords, list) and bool(coords) and all(_polygon_ok(p) for p in coords)
    return False


def shapes_parse(path: Path) -> ParsedShapes:
    """Read and check a GeoJSON of village polygons: a FeatureCollection whose features are Polygons or
    MultiPolygons with a `code` property. Codes that are not loaded villages are reported and skipped;
    anything else wrong refuses the whole file, so a half-broken map is never saved."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DomainError("invalid", _("%(file)s bukan JSON yang dapat dibaca: %(error)s") % {"file": path.name, "error": error}, field="path") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise DomainError("invalid", _("%(file)s bukan GeoJSON FeatureCollection.") % {"file": path.name}, field="path")
    villages = dict(Area.objects.filter(kind__in=(AreaKind.DESA, AreaKind.KELURAHAN)).values_list("code", "name"))
    features, unknown, seen = [], [], set()
    for number, feature in enumerate(data["features"], start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = properties.get("code") if isinstance(properties, dict) else None
        if not isinstance(code, str) or not code.strip():
            raise DomainError("invalid", _("Fitur %(number)s tidak memiliki properti `code`.") % {"number": number}, field="path")
        code = code.strip()
        if feature.get("type") != "Feature" or not _geometry_ok(feature.get("geometry")):
            raise DomainError("invalid", _("Fitur %(number)s (%(code)s) bukan Polygon atau MultiPolygon dengan koordinat lon/lat.") % {"number": number, "code": code}, field="path")
        if code in seen:
            raise DomainError("invalid", _("Desa %(code)s muncul dua kali; gabungkan bagian-bagiannya menjadi satu MultiPolygon.") % {"code": code}, field="path")
        seen.add(code)
        if code not in villages:
            unknown.append(code)
            continue
        features.append({"type": "Feature", "properties": {"code": code, "name": villages[code]}, "geometry": feature["geometry"]})
    if not features:
        raise DomainError("invalid", _("Tidak ada fitur dalam %(file)s yang menyebut desa yang sudah dimuat.") % {"file": path.name}, field="path")
    return ParsedShapes(features=features, unknown_codes=unknown)


# --- dashboards ----------------------------------------------------------------------------------


def area_readable(*, user, area: Area) -> bool:
    """Whether the user may read the whole area. A dashboard never shows a part of an area under the
    area's name, so a village operator gets their village, not their kecamatan."""
    scope = area_scope(user)
    if scope.read_all:
        return True
    if area.is_village:
        return scope.can_read_village(area.id)
    if area.kind != AreaKind.KECAMATAN:
        return False
    ids = set(Area.objects.filter(code__startswith=area.code + ".", kind__in=(AreaKind.DESA, AreaKind.KELURAHAN)).values_list("id", flat=True))
    return bool(ids) and ids <= scope.read_village_ids


def dashboard_area(*, user, code: str | None) -> Area:
    """The area a dashboard is about: the one asked for if the user may read all of it (404 otherwise,
    the same answer as for an unknown code), else the user's own area: the regency for regency-wide
    staff, their kecamatan, or their village."""
    if code:
        area = Area.objects.filter(code=code).select_related("parent").first()
        if area is None or not area_readable(user=user, area=area):
            raise DomainError("not_found", _("Wilayah %(code)s tidak ada di wilayah Anda.") % {"code": code})
        return area
    if area_scope(user).read_all:
        return Area.objects.get(kind=AreaKind.KABUPATEN)
    villages = list(scoped_villages(user).select_related("parent").order_by("code"))
    if not villages:
        raise DomainError("not_found", _("Tidak ada wilayah dalam cakupan Anda."))
    kecamatan = villages[0].parent
    return kecamatan if kecamatan and area_readable(user=user, area=kecamatan) else villages[0]


@dataclass
class ProgrammeFigures:
    programme: Programme
    eligible: int = 0
    recipients: int = 0
    eligible_receiving: int = 0
    exclusion: int = 0
    not_eligible: int = 0
    deceased: int = 0
    duplicate: int = 0
    unknown_nik: int | None = None  # only regency totals know it

    @property
    def coverage(self) -> float | None:
        return _ratio(self.eligible_receiving, self.eligible)

    @property
    def errors(self) -> int:
        return self.not_eligible + self.deceased + self.duplicate + (self.unknown_nik or 0)

    @property
    def error_share(self) -> float | None:
        """Share of recipients who should not receive."""
        return _ratio(self.errors, self.recipients)


@dataclass
class TrendPoint:
    run: TargetingRun
    figures: ProgrammeFigures | None


@dataclass
class Dashboard:
    area: Area
    counts: AreaCounts
    children: list[tuple[Area, AreaCounts]]
    poor_people: int  # living residents whose current household is in desil 1-2
    run: TargetingRun | None
    programmes: list[ProgrammeFigures]
    runs: list[TargetingRun]  # the trend's runs, oldest first
    trend: dict[str, list[TrendPoint]] = field(default_factory=dict)  # programme code -> one point per run

    @property
    def poor_share(self) -> float | None:
        return _ratio(self.poor_people, self.counts.people_alive)

    @property
    def regency_wide(self) -> bool:
        return self.area.kind == AreaKind.KABUPATEN


def _area_village_ids(*, user, area: Area) -> list[int]:
    villages = scoped_villages(user)
    if area.is_village:
        villages = villages.filter(pk=area.pk)
    elif area.kind != AreaKind.KABUPATEN:
        villages = villages.filter(code__startswith=area.code + ".")
    return list(villages.values_list("id", flat=True))


def _figures(*, user, area: Area, runs: list[TargetingRun]) -> dict[tuple[int, int], ProgrammeFigures]:
    """(run id, programme id) -> figures: the regency's own totals (with unknown NIKs), or the sum of the
    area's villages within the user's scope."""
    programmes = {p.id: p for p in Programme.objects.all()}
    out: dict[tuple[int, int], ProgrammeFigures] = {}
    if area.kind == AreaKind.KABUPATEN and area_scope(user).read_all:
        for s in RunProgrammeStat.objects.filter(run__in=runs):
            out[(s.run_id, s.programme_id)] = ProgrammeFigures(
                programmes[s.programme_id], unknown_nik=s.unknown_nik, **{f: getattr(s, f) for f in STAT_FIELDS})
        return out
    stats = scoped(RunVillageStat.objects.filter(run__in=runs, village_id__in=_area_village_ids(user=user, area=area)), user)
    for row in stats.values("run_id", "programme_id").annotate(**{f: Sum(f) for f in STAT_FIELDS}).order_by():
        out[(row["run_id"], row["programme_id"])] = ProgrammeFigures(programmes[row["programme_id"]], **{f: row[f] for f in STAT_FIELDS})
    return out


def _poor_people(village_ids: list[int]) -> int:
    return Membership.objects.filter(
        end_date__isnull=True, household__dissolved_on__isnull=True, household__village_id__in=village_ids,
        household__desil__in=(1, 2), person__date_of_death__isnull=True,
    ).count()


def dashboard(*, user, area: Area, run: TargetingRun | None) -> Dashboard:
    summary = area_summary(user=user, code=area.code)  # population and desil; refuses an area outside scope
    runs = [] if run is None else list(reversed(
        TargetingRun.objects.filter(status="done", finished_at__lte=run.finished_at).order_by("-finished_at", "-id")[:TREND_RUNS]))
    figures = _figures(user=user, area=area, runs=runs)
    current = sorted((f for (run_id, _), f in figures.items() if run is not None and run_id == run.id), key=lambda f: f.programme.code)
    trend: dict[str, list[TrendPoint]] = {}
    for programme in sorted({f.programme for f in figures.values()}, key=lambda p: p.code):
        trend[programme.code] = [TrendPoint(r, figures.get((r.id, programme.id))) for r in runs]
    return Dashboard(
        area=area, counts=summary.counts, children=summary.children,
        poor_people=_poor_people(_area_village_ids(user=user, area=area)),
        run=run, programmes=current, runs=runs, trend=trend,
    )
