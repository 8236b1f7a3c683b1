"""A targeting run finds exactly the errors the synthetic regency planted; its lists download as CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections import defaultdict

import openpyxl
import pytest

from smartkampung.core.audit import Actor
from smartkampung.core.errors import DomainError
from smartkampung.programmes.models import Programme, RunProgrammeStat, TargetingFinding, TargetingRun
from smartkampung.programmes.services import programme_rule_save, targeting_run
from smartkampung.synth.models import SynthTruth
from tests.conftest import actor

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 1, 1)  # the date the baseline synthesis planted its enrolments for


def _key(unit, kind, person, household, enrolment):
    return enrolment if kind != "exclusion" else (person if unit == "person" else household)


def test_a_run_finds_exactly_what_was_planted():
    run = targeting_run(actor=Actor.system("tests"), as_of=AS_OF)
    units = dict(Programme.objects.values_list("code", "unit"))
    found, planted = defaultdict(set), defaultdict(set)
    for code, kind, p, h, e in TargetingFinding.objects.filter(run=run).values_list("programme__code", "kind", "person_id", "household_id", "enrolment_id"):
        found[(code, kind)].add(_key(units[code], kind, p, h, e))
    for kind, p, h, e, detail in SynthTruth.objects.filter(kind__startswith="finding_").values_list("kind", "person_id", "household_id", "enrolment_id", "detail"):
        code, kind = detail.split()[0], kind.removeprefix("finding_")
        planted[(code, kind)].add(_key(units[code], kind, p, h, e))
    assert sum(len(v) for v in planted.values()) > 100
    assert dict(found) == dict(planted)
    stat = RunProgrammeStat.objects.get(run=run, programme__code="PBI_JKN")
    assert stat.exclusion == len(planted[("PBI_JKN", "exclusion")])
    assert run.status == "done"


def test_only_analysts_run_and_edit_rules(users, client_for):
    before = TargetingRun.objects.count()
    response = client_for(users["operator"]).post("/targeting/")
    assert response.status_code == 403
    assert TargetingRun.objects.count() == before
    rtlh = Programme.objects.get(code="RTLH")
    with pytest.raises(DomainError):
        programme_rule_save(actor=actor(users["kecamatan"]), programme=rtlh, text="desil <= 1")
    rtlh.refresh_from_db()
    assert rtlh.rule_text == 'desil <= 4 and house_condition == "tidak_layak"'


def test_rule_page_points_at_the_error_and_saves_a_good_rule(users, client_for):
    client = client_for(users["analyst"])
    bad = client.post("/programmes/RTLH/rule/", {"rule_text": "desil <= 4 and umur > 5", "action": "preview"})
    assert bad.status_code == 400 and "column 16" in bad.content.decode().replace("kolom", "column")
    assert "Fakta 'umur' tidak dikenal. Maksud Anda 'age'?" in html.unescape(bad.content.decode())
    preview = client.post("/programmes/RTLH/rule/", {"rule_text": "desil <= 2", "action": "preview"})
    assert preview.status_code == 200 and 'data-testid="preview"' in preview.content.decode()
    saved = client.post("/programmes/RTLH/rule/", {"rule_text": "desil <= 2", "action": "save"})
    assert saved.status_code == 302
    assert Programme.objects.get(code="RTLH").rule_text == "desil <= 2"


def test_findings_download_as_csv_and_xlsx_scoped(users, client_for, kemiren):
    run = targeting_run(actor=Actor.system("tests"), as_of=AS_OF)
    analyst = client_for(users["analyst"])
    rows = list(csv.reader(io.StringIO(b"".join(analyst.get(f"/targeting/{run.pk}/findings.csv").streaming_content).decode())))
    assert len(rows) - 1 == TargetingFinding.objects.filter(run=run).count()
    book = openpyxl.load_workbook(io.BytesIO(analyst.get(f"/targeting/{run.pk}/findings.xlsx").content))
    sheet = book.active
    assert sheet.max_row - 1 == TargetingFinding.objects.filter(run=run).count()
    assert [c.value for c in sheet[1]][:3] == ["run", "programme", "kind"]
    operator = client_for(users["operator"])
    assert operator.get(f"/targeting/{run.pk}/findings.csv").status_code == 403
    own = list(csv.reader(io.StringIO(b"".join(operator.get(f"/targeting/{run.pk}/findings.csv", {"village": kemiren.code}).streaming_content).decode())))
    assert len(own) - 1 == TargetingFinding.objects.filter(run=run, village=kemiren).count()
    assert operator.get(f"/targeting/{run.pk}/findings.csv", {"village": "35.10.20.2002"}).status_code == 404


def test_a_merged_record_is_not_a_resident_of_its_own_in_the_facts(users, family, kemiren):
    from smartkampung.programmes.models import PersonFacts
    from smartkampung.programmes.services import person_facts_refresh
    from smartkampung.registry import services as registry

    household, head, wife, child = family(kemiren)
    _other, twin_record, _w, _c = family(kemiren, rt="5")
    registry.person_merge(actor=actor(users["admin"]), keep=head, duplicate=twin_record, reason="the same man recorded twice")
    person_facts_refresh()
    assert not PersonFacts.objects.filter(person=twin_record).exists()
    assert PersonFacts.objects.get(person=head).hh_size == 3
