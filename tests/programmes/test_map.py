"""The digital map (village figures, household points, shapes) and the area dashboards: exact figures
from hand-made runs, scoping route by route, and no external URL in the map page."""

from __future__ import annotations

import datetime as dt
import json
import re
from itertools import count

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from smartkampung.core.models import Area
from smartkampung.programmes.models import (
    Enrolment,
    Programme,
    RunProgrammeStat,
    RunVillageStat,
    TargetingFinding,
    TargetingRun,
)
from smartkampung.registry.models import Household, Person

pytestmark = pytest.mark.django_db

KEMIREN, JAMBEWANGI, SETAIL = "35.10.15.2004", "35.10.20.2002", "35.10.09.2004"  # Glagah, Sempu, Genteng
KEMBIRITAN = "35.10.09.2001"  # Genteng too
_kk = count(1)
_minutes = count(1)


def make_programme(code: str = "MAPTEST", unit: str = "household") -> Programme:
    # Codes of our own: the baseline holds the real catalogue (PKH, BPNT...) and its enrolments.
    return Programme.objects.create(code=code, name=f"Program uji {code}", agency="Dinas Sosial", level="regency",
                                    unit=unit, benefit_kind="cash", amount=100_000, period="month")


def make_run(*, status: str = "done", as_of: dt.date = dt.date(2026, 11, 1)) -> TargetingRun:
    # Each run finishes a minute after the previous one, all after anything in the baseline.
    finished = timezone.now() + dt.timedelta(days=1, minutes=next(_minutes))
    return TargetingRun.objects.create(as_of=as_of, status=status, finished_at=finished if status == "done" else None)


def village_stat(run, programme, code, **figures) -> RunVillageStat:
    return RunVillageStat.objects.create(run=run, programme=programme, village=Area.objects.get(code=code), **figures)


def household(village: Area, lat: float | None, lon: float | None, **extra) -> Household:
    return Household.objects.create(kk_number=f"99{next(_kk):014d}", kk_issued_on=dt.date(2020, 1, 1), village=village,
                                    rw="1", rt="1", latitude=lat, longitude=lon, **extra)


def enrol(programme, *, household=None, person=None, village, start=dt.date(2024, 1, 1), end=None) -> Enrolment:
    return Enrolment.objects.create(programme=programme, household=household, person=person, village=village,
                                    start_date=start, end_date=end, source="manual")


# --- data.json -----------------------------------------------------------------------------------


@pytest.fixture
def two_villages(area):
    programme = make_programme()
    run = make_run()
    village_stat(run, programme, KEMIREN, eligible=4, recipients=5, eligible_receiving=3, exclusion=1, not_eligible=2, deceased=1, duplicate=0)
    village_stat(run, programme, JAMBEWANGI, eligible=0, recipients=2, eligible_receiving=0, exclusion=0, not_eligible=1, deceased=0, duplicate=1)
    village_stat(run, programme, SETAIL, eligible=10, recipients=8, eligible_receiving=8, exclusion=2)
    return programme, run


def test_data_json_gives_exact_village_figures(client_for, users, two_villages, kemiren, jambewangi):
    programme, run = two_villages
    body = client_for(users["analyst"]).get("/programmes/map/data.json", {"programme": "MAPTEST", "run": run.pk}).json()
    assert body["run"]["id"] == run.pk and body["programme"]["code"] == "MAPTEST"
    kemiren_row, jambewangi_row, setail_row = body["villages"][1], body["villages"][2], body["villages"][0]
    assert kemiren_row == {
        "code": KEMIREN, "name": "Kemiren", "kecamatan": "Glagah", "lat": kemiren.latitude, "lon": kemiren.longitude,
        "eligible": 4, "recipients": 5, "eligible_receiving": 3, "coverage": 0.75,
        "exclusion": 1, "not_eligible": 2, "deceased": 1, "duplicate": 0,
    }
    assert jambewangi_row == {
        "code": JAMBEWANGI, "name": "Jambewangi", "kecamatan": "Sempu", "lat": jambewangi.latitude, "lon": jambewangi.longitude,
        "eligible": 0, "recipients": 2, "eligible_receiving": 0, "coverage": None,
        "exclusion": 0, "not_eligible": 1, "deceased": 0, "duplicate": 1,
    }
    assert (setail_row["code"], setail_row["coverage"], setail_row["recipients"]) == (SETAIL, 0.8, 8)


def test_data_json_defaults_to_the_latest_finished_run_and_its_first_programme(client_for, users, two_villages):
    programme, older = two_villages
    newer = make_run()
    village_stat(newer, programme, KEMIREN, eligible=2, recipients=1, eligible_receiving=1)
    make_run(status="running")  # newer still, but unfinished: never shown
    body = client_for(users["analyst"]).get("/programmes/map/data.json").json()
    assert body["run"]["id"] == newer.pk and body["programme"]["code"] == "MAPTEST"
    assert [(v["code"], v["coverage"]) for v in body["villages"]] == [(KEMIREN, 0.5)]


def test_data_json_refuses_unknown_programme_and_unfinished_run(client_for, users, two_villages):
    client = client_for(users["analyst"])
    assert client.get("/programmes/map/data.json", {"programme": "NOPE"}).json()["code"] == "not_found"
    running = make_run(status="running")
    response = client.get("/programmes/map/data.json", {"run": running.pk})
    assert (response.status_code, response.json()["field"]) == (404, "run")
    assert client.get("/programmes/map/data.json", {"run": "x"}).status_code == 400


@pytest.mark.parametrize(("who", "codes"), [
    ("operator", [KEMIREN]),
    ("bhabin", [JAMBEWANGI]),
    ("puskesmas", [JAMBEWANGI]),
    ("kecamatan", [SETAIL]),
    ("analyst", [SETAIL, KEMIREN, JAMBEWANGI]),
])
def test_data_json_shows_only_villages_in_scope(client_for, users, two_villages, who, codes):
    _, run = two_villages
    body = client_for(users[who]).get("/programmes/map/data.json", {"programme": "MAPTEST", "run": run.pk}).json()
    assert [v["code"] for v in body["villages"]] == codes


def test_map_needs_a_staff_role(two_villages):
    from django.contrib.auth import get_user_model

    assert Client().get("/programmes/map/data.json")["Location"].startswith("/accounts/login/")
    nobody = get_user_model().objects.create_user("warga.peta", password="x" * 12)
    client = Client()
    client.force_login(nobody)
    for url in ("/programmes/map/", "/programmes/map/data.json", "/programmes/map/households.json?bbox=0,0,1,1", "/programmes/dashboard/"):
        assert client.get(url).status_code == 403


# --- households.json -----------------------------------------------------------------------------

BOX = "114.30,-8.22,114.32,-8.20"  # around Kemiren


@pytest.fixture
def points(users, family, kemiren, jambewangi):
    """Households around Kemiren: which the map must show, and which it must not."""
    programme = make_programme()
    run = make_run()
    by_household = household(kemiren, -8.21, 114.31)
    enrol(programme, household=by_household, village=kemiren)
    by_member, _, wife, _ = family(kemiren)
    Household.objects.filter(pk=by_member.pk).update(latitude=-8.211, longitude=114.311)
    enrol(programme, person=wife, village=kemiren)
    finding_only = household(kemiren, -8.212, 114.312)
    TargetingFinding.objects.create(run=run, programme=programme, kind="exclusion", household=finding_only, village=kemiren)
    member_finding, head, *_ = family(kemiren)
    Household.objects.filter(pk=member_finding.pk).update(latitude=-8.213, longitude=114.313)
    TargetingFinding.objects.create(run=run, programme=programme, kind="not_eligible", person=head, village=kemiren)
    TargetingFinding.objects.create(run=run, programme=programme, kind="duplicate", person=head, village=kemiren)
    # Not shown: nothing to do with the programme; outside the box; ended; dissolved; no map point;
    # another programme; a finding of an older run.
    household(kemiren, -8.214, 114.314)
    enrol(programme, household=household(kemiren, -8.30, 114.31), village=kemiren)
    enrol(programme, household=household(kemiren, -8.215, 114.315), village=kemiren, start=dt.date(2020, 1, 1), end=dt.date(2021, 1, 1))
    enrol(programme, household=household(kemiren, -8.216, 114.316, dissolved_on=dt.date(2025, 1, 1)), village=kemiren)
    enrol(programme, household=household(kemiren, None, None), village=kemiren)
    enrol(make_programme("OTHER"), household=household(kemiren, -8.217, 114.317), village=kemiren)
    old_run = TargetingRun.objects.create(as_of=dt.date(2020, 1, 1), status="done", finished_at=timezone.now() - dt.timedelta(days=400))
    TargetingFinding.objects.create(run=old_run, programme=programme, kind="exclusion", household=household(kemiren, -8.218, 114.318), village=kemiren)
    # Inside the box but registered in Jambewangi: only regency staff see it.
    elsewhere = household(jambewangi, -8.219, 114.319)
    enrol(programme, household=elsewhere, village=jambewangi)
    return {"by_household": by_household, "by_member": by_member, "finding_only": finding_only, "member_finding": member_finding,
            "elsewhere": elsewhere, "wife": wife, "head": head}


def _rows(client, **params):
    response = client.get("/programmes/map/households.json", {"programme": "MAPTEST", "bbox": BOX, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_households_json_lists_receivers_and_findings_in_the_box(client_for, users, points):
    body = _rows(client_for(users["operator"]))
    assert body["truncated"] is False
    assert body["households"] == [
        {"id": points["by_household"].pk, "lat": -8.21, "lon": 114.31, "receiving": True, "findings": []},
        {"id": points["by_member"].pk, "lat": -8.211, "lon": 114.311, "receiving": True, "findings": []},
        {"id": points["finding_only"].pk, "lat": -8.212, "lon": 114.312, "receiving": False, "findings": ["exclusion"]},
        {"id": points["member_finding"].pk, "lat": -8.213, "lon": 114.313, "receiving": False, "findings": ["duplicate", "not_eligible"]},
    ]


def test_households_json_carries_no_names_or_niks(client_for, users, points):
    response = client_for(users["analyst"]).get("/programmes/map/households.json", {"programme": "MAPTEST", "bbox": BOX})
    rows = response.json()["households"]
    assert rows and all(set(row) == {"id", "lat", "lon", "receiving", "findings"} for row in rows)
    text = response.content.decode()
    assert "nik" not in text and "name" not in text
    for person in (points["wife"], points["head"]):
        assert person.nik not in text and person.name not in text


def test_households_json_respects_scope(client_for, users, points):
    elsewhere = points["elsewhere"].pk
    assert elsewhere in [h["id"] for h in _rows(client_for(users["analyst"]))["households"]]
    assert elsewhere in [h["id"] for h in _rows(client_for(users["bhabin"]))["households"]]
    assert elsewhere not in [h["id"] for h in _rows(client_for(users["operator"]))["households"]]
    assert _rows(client_for(users["kecamatan"]))["households"] == []  # Genteng has nothing here


def test_households_json_is_capped_at_2000(client_for, users, kemiren):
    programme = make_programme()
    make_run()
    rows = [Household(kk_number=f"98{i:014d}", kk_issued_on=dt.date(2020, 1, 1), village=kemiren, rw="1", rt="1",
                      latitude=-8.0 - i * 1e-6, longitude=114.0) for i in range(2001)]
    created = Household.objects.bulk_create(rows)
    if created[0].pk is None:  # backends that do not return ids
        created = list(Household.objects.filter(kk_number__startswith="98", village=kemiren).order_by("id"))
    Enrolment.objects.bulk_create([Enrolment(programme=programme, household=h, village=kemiren, start_date=dt.date(2024, 1, 1), source="manual") for h in created])
    body = client_for(users["operator"]).get("/programmes/map/households.json", {"programme": "MAPTEST", "bbox": "113.99,-8.01,114.01,-7.99"}).json()
    assert (len(body["households"]), body["truncated"], body["limit"]) == (2000, True, 2000)
    assert [h["id"] for h in body["households"]] == sorted(h.pk for h in created)[:2000]


@pytest.mark.parametrize("bbox", ["", "1,2,3", "a,b,c,d", "114.3,-8.2,114.2,-8.1", "114,-95,115,-8", "nan,1,2,3"])
def test_households_json_refuses_a_bad_box(client_for, users, points, bbox):
    response = client_for(users["operator"]).get("/programmes/map/households.json", {"programme": "MAPTEST", "bbox": bbox})
    assert (response.status_code, response.json()["field"]) == (400, "bbox")


# --- the map page --------------------------------------------------------------------------------

URL = re.compile(r"https?://[^\s\"'<>]*")


def test_map_page_is_offline_by_default(client_for, users, two_villages, monkeypatch):
    monkeypatch.delenv("SMARTKAMPUNG_MAP_TILES", raising=False)
    page = client_for(users["operator"]).get("/programmes/map/")
    html = page.content.decode()
    assert page.status_code == 200
    assert URL.findall(html) == []
    assert '<script src="/static/leaflet/leaflet.js">' in html and 'href="/static/leaflet/leaflet.css"' in html
    assert '<script src="/static/programmes/map.js">' in html
    config = json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html).group(1))
    assert (config["tiles"], config["maxZoom"], config["householdZoom"], config["shapesUrl"]) == ("", 18, 15, "")
    assert config["dataUrl"] == "/programmes/map/data.json" and config["householdUrl"] == "/registry/households/{id}/"
    assert '<option value="MAPTEST" selected>' in html and "Peta penerima bantuan" in html


def test_map_page_names_only_the_tile_server_when_online(client_for, users, two_villages, monkeypatch):
    monkeypatch.setenv("SMARTKAMPUNG_MAP_TILES", "osm")
    html = client_for(users["analyst"]).get("/programmes/map/").content.decode()
    assert URL.findall(html) == ["https://tile.openstreetmap.org/{z}/{x}/{y}.png"]
    assert "/static/leaflet/leaflet.js" in html


# --- dashboards ----------------------------------------------------------------------------------


def test_village_dashboard_numbers_are_exact(client_for, users, family, kemiren):
    # Kemiren's baseline households all in desil 5; one family of three (head, wife, child) in desil 1.
    Household.objects.filter(village=kemiren).update(desil=5)
    baseline_people = Person.objects.filter(village=kemiren, date_of_death__isnull=True).count()
    baseline_households = Household.objects.filter(village=kemiren, dissolved_on__isnull=True).count()
    poor, *_ = family(kemiren)
    Household.objects.filter(pk=poor.pk).update(desil=1)
    programme = make_programme()
    run = make_run()
    village_stat(run, programme, KEMIREN, eligible=4, recipients=5, eligible_receiving=3, exclusion=1, not_eligible=2, deceased=1, duplicate=0)
    village_stat(run, programme, JAMBEWANGI, eligible=9, recipients=9, eligible_receiving=9)

    response = client_for(users["operator"]).get("/programmes/dashboard/")
    board = response.context["board"]
    assert board.area.code == KEMIREN
    assert (board.counts.people_alive, board.counts.households) == (baseline_people + 3, baseline_households + 1)
    assert board.counts.desil == {1: 1, 5: baseline_households}
    assert board.poor_people == 3 and board.poor_share == round(3 / (baseline_people + 3), 4)
    [figures] = board.programmes
    assert (figures.eligible, figures.recipients, figures.eligible_receiving, figures.exclusion, figures.not_eligible,
            figures.deceased, figures.duplicate, figures.unknown_nik) == (4, 5, 3, 1, 2, 1, 0, None)
    assert (figures.coverage, figures.error_share) == (0.75, 0.6)
    html = response.content.decode()
    assert f'data-testid="people">{baseline_people + 3}<' in html
    row = re.search(r'<tr data-programme="MAPTEST">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["4", "5", "75,0 %", "1", "2", "1", "0", "60,0 %"]
    assert 'data-testid="desil-chart"' in html and 'data-testid="trend-MAPTEST"' in html
    assert "<script" not in html.split("<main>")[1]  # server-drawn charts: no chart library


def test_kecamatan_dashboard_sums_its_villages(client_for, users):
    programme = make_programme()
    run = make_run()
    village_stat(run, programme, SETAIL, eligible=10, recipients=8, eligible_receiving=6, exclusion=4, not_eligible=1, duplicate=1)
    village_stat(run, programme, KEMBIRITAN, eligible=6, recipients=4, eligible_receiving=2, exclusion=4, deceased=2)
    village_stat(run, programme, KEMIREN, eligible=100, recipients=100, eligible_receiving=100)  # Glagah: not Genteng's
    board = client_for(users["kecamatan"]).get("/programmes/dashboard/").context["board"]
    assert board.area.code == "35.10.09"
    [f] = board.programmes
    assert (f.eligible, f.recipients, f.eligible_receiving, f.exclusion, f.not_eligible, f.deceased, f.duplicate) == (16, 12, 8, 8, 1, 2, 1)
    assert (f.coverage, f.error_share) == (0.5, round(4 / 12, 4))


def test_regency_dashboard_reads_the_run_totals_and_a_trend_of_12_runs(client_for, users):
    programme = make_programme()
    runs = [make_run(as_of=dt.date(2025, 1, 1) + dt.timedelta(days=30 * i)) for i in range(14)]
    for i, run in enumerate(runs):
        RunProgrammeStat.objects.create(run=run, programme=programme, eligible=100, recipients=50, eligible_receiving=i * 5,
                                        not_eligible=5, deceased=2, duplicate=2, unknown_nik=1)
    client = client_for(users["analyst"])
    board = client.get("/programmes/dashboard/").context["board"]
    assert board.area.code == "35.10" and board.run == runs[-1]
    [f] = board.programmes
    assert (f.eligible_receiving, f.unknown_nik, f.coverage, f.error_share) == (65, 1, 0.65, 0.2)
    assert [p.run for p in board.trend["MAPTEST"]] == runs[2:]
    assert [p.figures.coverage for p in board.trend["MAPTEST"]] == [i * 5 / 100 for i in range(2, 14)]
    # An older run: its own figures, and the trend ends with it.
    older = client.get("/programmes/dashboard/", {"run": runs[5].pk}).context["board"]
    assert older.programmes[0].coverage == 0.25 and [p.run for p in older.trend["MAPTEST"]] == runs[:6]


@pytest.mark.parametrize(("who", "code"), [
    ("operator", JAMBEWANGI),  # another village
    ("operator", "35.10.15"),  # the operator's kecamatan: more than their village
    ("operator", "35.10"),
    ("kecamatan", "35.10"),
    ("kecamatan", KEMIREN),
    ("bhabin", "35.10.20"),
    ("analyst", "35.10.99"),  # no such area
])
def test_dashboard_outside_scope_is_404(client_for, users, who, code):
    response = client_for(users[who]).get("/programmes/dashboard/", {"area": code})
    assert response.status_code == 404
    assert "board" not in response.context


@pytest.mark.parametrize(("who", "code"), [("operator", KEMIREN), ("kecamatan", SETAIL), ("puskesmas", "35.10.20"), ("analyst", "35.10.15")])
def test_dashboard_inside_scope(client_for, users, who, code):
    response = client_for(users[who]).get("/programmes/dashboard/", {"area": code})
    assert response.status_code == 200 and response.context["board"].area.code == code


# --- village shapes ------------------------------------------------------------------------------


def _square(lon: float, lat: float, d: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]}


def _feature(code, geometry=None) -> dict:
    return {"type": "Feature", "properties": {"code": code, "NAMA": "x"}, "geometry": geometry or _square(114.3, -8.21)}


def test_load_village_shapes_keeps_known_villages_and_reports_unknown(tmp_path, settings, capsys, client_for, users):
    settings.VAR_DIR = tmp_path
    source = tmp_path / "desa.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [
        _feature(KEMIREN), _feature(JAMBEWANGI, {"type": "MultiPolygon", "coordinates": [_square(113.9, -8.3)["coordinates"]]}),
        _feature("35.10.99.2999"),
    ]}))
    call_command("load_village_shapes", str(source))
    out = capsys.readouterr()
    assert "Loaded 2 village shapes" in out.out and "35.10.99.2999" in out.err
    saved = json.loads((tmp_path / "village_shapes.geojson").read_text())
    assert [f["properties"] for f in saved["features"]] == [{"code": KEMIREN, "name": "Kemiren"}, {"code": JAMBEWANGI, "name": "Jambewangi"}]
    # The map serves only the shapes of the user's villages, and the page knows to ask for them.
    shapes = client_for(users["operator"]).get("/programmes/map/shapes.geojson").json()
    assert [f["properties"]["code"] for f in shapes["features"]] == [KEMIREN]
    config = client_for(users["operator"]).get("/programmes/map/").content.decode()
    assert '"shapesUrl": "/programmes/map/shapes.geojson"' in config


@pytest.mark.parametrize("content", [
    "not json",
    json.dumps({"type": "Feature", "properties": {"code": KEMIREN}}),
    json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": _square(114.3, -8.2)}]}),
    json.dumps({"type": "FeatureCollection", "features": [_feature(KEMIREN, {"type": "Point", "coordinates": [114.3, -8.2]})]}),
    json.dumps({"type": "FeatureCollection", "features": [_feature(KEMIREN, {"type": "Polygon", "coordinates": [[[-8.2, 114.3], [-8.2, 114.4], [-8.3, 114.4], [-8.2, 114.3]]]})]}),
    json.dumps({"type": "FeatureCollection", "features": [_feature(KEMIREN), _feature(KEMIREN)]}),
    json.dumps({"type": "FeatureCollection", "features": [_feature("35.10.99.2999")]}),
])
def test_load_village_shapes_refuses_an_invalid_file_and_changes_nothing(tmp_path, settings, content):
    settings.VAR_DIR = tmp_path
    (tmp_path / "village_shapes.geojson").write_text("previous")
    source = tmp_path / "bad.geojson"
    source.write_text(content)
    with pytest.raises(CommandError) as raised:
        call_command("load_village_shapes", str(source))
    assert raised.value.returncode == 2
    assert (tmp_path / "village_shapes.geojson").read_text() == "previous"


def test_load_village_shapes_missing_file_is_bad_input(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    with pytest.raises(CommandError) as raised:
        call_command("load_village_shapes", str(tmp_path / "none.geojson"))
    assert raised.value.returncode == 2
