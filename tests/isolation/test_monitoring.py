"""Fourteen days of monitoring: daily checks, worsening signs and missed checks raise cases to the Puskesmas
(once per person and day), the sweep completes stays and gives no-shows' beds back."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from smartkampung.cases.models import Case
from smartkampung.core.audit import Actor
from smartkampung.core.errors import DomainError
from smartkampung.isolation import services
from smartkampung.isolation.models import BedNight, DailyCheck, MonitoringAlert, ReservationStatus
from tests.conftest import actor
from tests.isolation.conftest import SEEDED_IN, SEEDED_WAITING, shift_back


@pytest.fixture
def stay(house, family, kemiren, reserve, users):
    _h, head, _w, _c = family(kemiren)
    return services.stay_check_in(actor=actor(users["operator"]), reservation=reserve(house, head))


def test_a_normal_check_is_recorded_without_alert(stay, users, today):
    check = services.daily_check_record(actor=actor(users["operator"]), reservation=stay, temperature="36.7", symptoms=["cough"],
                                        notes="Baik", checker_name="Bu Sri")
    assert (check.day, check.day_number, check.temperature, check.symptoms, check.worsening) == (today, 1, Decimal("36.7"), ["cough"], False)
    assert (check.checker_kind, check.checker_name, check.recorded_by_id) == ("village_government", "Bu Sri", users["operator"].pk)
    assert not MonitoringAlert.objects.filter(reservation=stay).exists()
    with pytest.raises(DomainError) as info:
        services.daily_check_record(actor=actor(users["operator"]), reservation=stay, temperature="36.6", symptoms=[])
    assert (info.value.code, info.value.field) == ("duplicate", "day")
    assert DailyCheck.objects.filter(reservation=stay).count() == 1


@pytest.mark.parametrize("args, code, field", [
    ({"temperature": "hangat"}, "invalid", "temperature"),
    ({"temperature": "45"}, "invalid", "temperature"),
    ({"symptoms": ["sneezing"]}, "invalid", "symptoms"),
    ({"oxygen_saturation": 120}, "invalid", "oxygen_saturation"),
    ({"day": "tomorrow"}, "not_in_isolation", "day"),
    ({"checker_kind": "dukun"}, "invalid", "checker_kind"),
])
def test_bad_checks_are_refused_and_nothing_saved(stay, users, today, args, code, field):
    values = {"temperature": "36.5", "symptoms": [], **args}
    if values.get("day") == "tomorrow":
        values["day"] = today + dt.timedelta(days=1)
    with pytest.raises(DomainError) as info:
        services.daily_check_record(actor=actor(users["operator"]), reservation=stay, **values)
    assert (info.value.code, info.value.field) == (code, field)
    assert not DailyCheck.objects.exists() or not DailyCheck.objects.filter(reservation=stay).exists()


def test_a_check_for_someone_not_in_isolation_is_refused(house, family, kemiren, reserve, users):
    _h, _head, wife, _c = family(kemiren)
    waiting = reserve(house, wife)  # reserved, not checked in
    with pytest.raises(DomainError) as info:
        services.daily_check_record(actor=actor(users["operator"]), reservation=waiting, temperature="36.5", symptoms=[])
    assert (info.value.code, info.value.field) == ("not_in_isolation", "reservation")
    assert not DailyCheck.objects.filter(reservation=waiting).exists()


def test_a_worsening_sign_raises_one_case_to_the_puskesmas(stay, users, today, kemiren):
    op = actor(users["operator"])
    services.daily_check_record(actor=op, reservation=stay, temperature="38.4", symptoms=["fever", "short_breath"], oxygen_saturation=93)
    alert = MonitoringAlert.objects.get(reservation=stay)
    assert (alert.kind, alert.day, alert.reasons, alert.raise_error) == ("worsening", today, ["high_fever", "low_oxygen", "danger_symptom"], "")
    case = Case.objects.get(pk=alert.case_id)
    assert (case.category.code, case.source, case.source_ref, case.village_id) == (
        "isolation_alert", "isolation", f"isolation:{stay.code}:{today.isoformat()}", kemiren.pk)
    assert (case.subject_person_id, case.confidential, case.team.kind, alert.case_ticket) == (stay.person_id, True, "puskesmas", case.ticket)
    assert "S***** R*****" in case.title and "Slamet" not in case.title


def test_new_symptoms_compared_with_the_day_before_are_a_worsening(stay, users, today):
    op = actor(users["operator"])
    stay = shift_back(stay, 1)
    services.daily_check_record(actor=op, reservation=stay, temperature="37.0", symptoms=["cough"], day=today - dt.timedelta(days=1))
    check = services.daily_check_record(actor=op, reservation=stay, temperature="37.1", symptoms=["cough", "smell_loss"])
    assert (check.day_number, check.worsening_reasons) == (2, ["new_symptoms"])
    assert MonitoringAlert.objects.filter(reservation=stay).count() == 1


def test_the_sweep_raises_a_missed_check_once(stay, users, today):
    result = services.monitoring_sweep(actor=Actor.system("isolation-sweep"), day=today)
    # the seed's stays (as of 2026-01-01) are long over: its 6 stays complete, its 4 reservations lapse
    assert (result.missed, result.raised, result.raise_failed, result.completed, result.no_show) == (1, 1, 0, SEEDED_IN, SEEDED_WAITING)
    alert = MonitoringAlert.objects.get(reservation=stay)
    assert (alert.kind, alert.reasons) == ("missed", ["missed"])
    assert Case.objects.filter(source="isolation", source_ref=f"isolation:{stay.code}:{today.isoformat()}").count() == 1
    again = services.monitoring_sweep(actor=Actor.system("isolation-sweep"), day=today)
    assert (again.missed, again.raised, again.completed, again.no_show) == (0, 1, 0, 0)
    assert MonitoringAlert.objects.count() == 1 and Case.objects.filter(source="isolation").count() == 1
    # A late check that day is recorded; its worsening sign goes to the same case as a note.
    services.daily_check_record(actor=actor(users["operator"]), reservation=stay, temperature="38.9", symptoms=["fever"])
    alert.refresh_from_db()
    assert (alert.kind, alert.reasons) == ("worsening", ["high_fever"])
    assert Case.objects.filter(source="isolation").count() == 1


def test_the_sweep_completes_fourteen_days_and_frees_no_shows(house, family, kemiren, reserve, users, today):
    _h, head, wife, _c = family(kemiren)
    op = actor(users["operator"])
    done = shift_back(services.stay_check_in(actor=op, reservation=reserve(house, head)), 13)  # today is its 14th day
    late = shift_back(reserve(house, wife), 3)  # never came
    for offset in range(14):
        services.daily_check_record(actor=op, reservation=done, temperature="36.6", symptoms=[], day=done.arrival_date + dt.timedelta(days=offset))
    result = services.monitoring_sweep(actor=Actor.system("isolation-sweep"), day=today)
    assert (result.missed, result.completed, result.no_show) == (0, 1 + SEEDED_IN, 1 + SEEDED_WAITING)
    done.refresh_from_db()
    late.refresh_from_db()
    assert (done.status, done.left_on) == (ReservationStatus.COMPLETED, today + dt.timedelta(days=1))
    assert late.status == ReservationStatus.NO_SHOW
    assert list(BedNight.objects.filter(reservation=late).values_list("night", flat=True).order_by("night")) == [
        late.arrival_date + dt.timedelta(days=i) for i in range(4)]  # nights up to the sweep's day stay on record


def test_the_sweep_command(stay, today):
    out = io.StringIO()
    call_command("isolation", "sweep", "--date", today.isoformat(), "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"day": today.isoformat(), "missed": 1, "raised": 1, "raise_failed": 0, "completed": SEEDED_IN, "no_show": SEEDED_WAITING}
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as info:
        call_command("isolation", "sweep", "--date", (today + dt.timedelta(days=2)).isoformat())
    assert info.value.returncode == 2


def test_only_isolation_staff_of_the_village_record_checks(make_house, family, jambewangi, reserve, users):
    house = make_house(jambewangi)
    _h, head, _w, _c = family(jambewangi)
    stay = services.stay_check_in(actor=actor(users["bhabin"]), reservation=reserve(house, head))
    for who in ("operator", "analyst", "kecamatan"):
        with pytest.raises(DomainError) as info:
            services.daily_check_record(actor=actor(users[who]), reservation=stay, temperature="36.5", symptoms=[])
        assert info.value.code == "forbidden", who
    assert not DailyCheck.objects.filter(reservation=stay).exists()
    check = services.daily_check_record(actor=actor(users["puskesmas"]), reservation=stay, temperature="36.5", symptoms=[])
    assert check.checker_kind == "puskesmas"
