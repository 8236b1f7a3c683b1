"""Rantang Kasih services: providers and their bad input, recipients, assignment with stability, rounds,
the append-only delivery log, welfare checks, deaths confirmed by the village, and the payment recap."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from pypdf import PdfReader

from smartkampung.cases.models import Case
from smartkampung.core.errors import DomainError
from smartkampung.meals import recap as recap_files
from smartkampung.meals import selectors, services
from smartkampung.meals.models import (
    AssignmentRun,
    Delivery,
    MenuState,
    Provider,
    Recipient,
    RecipientState,
    Round,
    RoundStop,
    Unserved,
    WeeklyMenu,
)
from smartkampung.programmes.models import Enrolment
from tests.conftest import actor
from tests.meals.conftest import SYSTEM, only_here, provider_actor

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


def _provider_kwargs(village, **over):
    base = {"name": "Warung Bu Tin", "owner_name": "Tin", "address": "Jl. Kemiren 3", "village": village, "latitude": village.latitude,
            "longitude": village.longitude, "daily_capacity": 10, "price_per_portion": 12_000, "days_served": "1234567"}
    return {**base, **over}


# --- providers -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("over", "code", "field"), [
    ({"latitude": None, "longitude": None}, "missing_point", "latitude"),
    ({"daily_capacity": 0}, "invalid", "daily_capacity"),
    ({"price_per_portion": -5}, "invalid", "price_per_portion"),
    ({"latitude": -7.25, "longitude": 112.75}, "outside_regency", "latitude"),  # Surabaya
    ({"latitude": "abc"}, "invalid", "latitude"),
    ({"days_served": "89"}, "invalid", "days_served"),
    ({"name": " "}, "invalid", "name"),
])
def test_provider_bad_input_is_refused_and_nothing_saved(office, kemiren, over, code, field):
    before = Provider.objects.count()
    with pytest.raises(DomainError) as error:
        services.provider_create(actor=office, **_provider_kwargs(kemiren, **over))
    assert (error.value.code, error.value.field) == (code, field)
    assert Provider.objects.count() == before


def test_only_the_programme_office_registers_providers(users, kemiren):
    before = Provider.objects.count()
    with pytest.raises(DomainError) as error:
        services.provider_create(actor=actor(users["operator"]), **_provider_kwargs(kemiren))
    assert error.value.code == "forbidden"
    assert Provider.objects.count() == before
    provider = services.provider_create(actor=actor(users["analyst"]), **_provider_kwargs(kemiren))
    assert (provider.daily_capacity, provider.price_per_portion, provider.village, provider.assigned) == (10, 12_000, kemiren, 0)


def test_capacity_is_enforced_by_the_database(provider_at, kemiren):
    provider = provider_at(kemiren, capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Provider.objects.filter(pk=provider.pk).update(assigned=3)
    provider.refresh_from_db()
    assert provider.assigned == 0


def test_capacity_cannot_drop_below_the_assigned(office, provider_at, elder, kemiren):
    provider = provider_at(kemiren, capacity=3)
    people = [elder(kemiren), elder(kemiren)]
    only_here([provider], people)
    services.assignment_run(actor=office)
    with pytest.raises(DomainError) as error:
        services.provider_update(actor=office, provider=provider, changes={"daily_capacity": 1})
    assert (error.value.code, error.value.field) == ("conflict", "daily_capacity")
    provider.refresh_from_db()
    assert (provider.daily_capacity, provider.assigned) == (3, 2)


def test_menu_is_submitted_by_the_provider_and_approved_with_the_dietician(office, provider_at, kemiren):
    provider = provider_at(kemiren, login="warung.menu", days="12345")
    monday = TODAY - dt.timedelta(days=TODAY.weekday()) + dt.timedelta(days=7)
    with pytest.raises(DomainError) as error:
        services.menu_submit(actor=provider_actor(provider), provider=provider, week_start=monday, days={"1": "Nasi pecel"})
    assert error.value.field == "days"  # days 2-5 are missing
    days = {str(d): f"Menu hari {d}" for d in range(1, 6)}
    menu = services.menu_submit(actor=provider_actor(provider), provider=provider, week_start=monday, days=days)
    with pytest.raises(DomainError):
        services.menu_submit(actor=provider_actor(provider), provider=provider, week_start=monday, days=days)
    with pytest.raises(DomainError) as error:
        services.menu_review(actor=provider_actor(provider), menu=menu, approve=True, dietician_name="Nur")
    assert error.value.code == "forbidden"
    services.menu_review(actor=office, menu=menu, approve=True, dietician_name="Nur Aini, S.Gz.")
    menu.refresh_from_db()
    assert (menu.state, menu.reviewed_by, WeeklyMenu.objects.filter(provider=provider).count()) == (MenuState.APPROVED, "Nur Aini, S.Gz.", 1)


# --- recipients and assignment ---------------------------------------------------------------------------

def test_recipient_outside_the_regency_is_refused(users, elder, kemiren):
    recipient = elder(kemiren)
    with pytest.raises(DomainError) as error:
        services.recipient_update(actor=actor(users["operator"]), recipient=recipient, changes={"latitude": -8.0, "longitude": 110.4})
    assert error.value.code == "outside_regency"
    recipient.refresh_from_db()
    assert (round(recipient.latitude, 4), round(recipient.longitude, 4)) == (round(kemiren.latitude + 0.002, 4), round(kemiren.longitude + 0.002, 4))


def test_operator_of_another_village_cannot_change_a_recipient(users, elder, jambewangi):
    recipient = elder(jambewangi)
    with pytest.raises(DomainError) as error:
        services.recipient_update(actor=actor(users["operator"]), recipient=recipient, changes={"meals_per_day": 1})
    assert error.value.code == "forbidden"
    recipient.refresh_from_db()
    assert recipient.meals_per_day == 2


def test_assignment_is_optimal_within_capacity_and_lists_the_unserved_by_village(office, provider_at, elder, kemiren, area):
    near = provider_at(kemiren, capacity=2)
    people = [elder(kemiren, dlat=0.001 * i) for i in range(3)]
    far_village = area("35.10.01.2001")  # Sarongan, Pesanggaran: ~60 km from Kemiren
    far = elder(far_village)
    nowhere = elder(kemiren)
    Recipient.objects.filter(pk=nowhere.pk).update(latitude=None, longitude=None)
    only_here([near], [*people, far, nowhere])
    run = services.assignment_run(actor=office)
    assert (run.recipients, run.assigned, run.unassigned, run.proven_optimal) == (5, 2, 3, True)
    near.refresh_from_db()
    assert near.assigned == 2
    served = set(Recipient.objects.filter(provider=near).values_list("pk", flat=True))
    assert served == {people[0].pk, people[1].pk}  # the two nearest
    reasons = dict(Unserved.objects.filter(run=run).values_list("recipient_id", "reason"))
    assert reasons == {people[2].pk: "all_full", far.pk: "no_provider_near", nowhere.pk: "no_location"}
    groups = {g.village.code: (g.no_provider_near, g.all_full, g.no_location) for g in selectors.unserved_by_village(user=office.user, run=run)}
    assert groups == {kemiren.code: (0, 1, 1), far_village.code: (1, 0, 0)}


def test_rerun_keeps_assignments_unless_moving_saves_the_bonus(office, provider_at, elder, kemiren):
    first = provider_at(kemiren, capacity=5, dlat=0.010)  # ~1.5 km road north
    recipient = elder(kemiren, dlat=0.0, dlon=0.0)
    only_here([first], [recipient])
    services.assignment_run(actor=office)
    recipient.refresh_from_db()
    assert recipient.provider_id == first.pk
    closer = provider_at(kemiren, capacity=5, dlat=0.008)  # ~300 m road nearer: less than the 500 m bonus
    run = services.assignment_run(actor=office, stability_bonus_m=500)
    recipient.refresh_from_db()
    assert (recipient.provider_id, run.kept, run.moved) == (first.pk, 1, 0)
    much_closer = provider_at(kemiren, capacity=5, dlat=0.001)  # ~1.3 km nearer: moves
    run = services.assignment_run(actor=office, stability_bonus_m=500)
    recipient.refresh_from_db()
    assert (recipient.provider_id, run.kept, run.moved) == (much_closer.pk, 0, 1)
    assert [p.assigned for p in Provider.objects.filter(pk__in=[first.pk, closer.pk, much_closer.pk]).order_by("pk")] == [0, 0, 1]


# --- rounds and the delivery log -------------------------------------------------------------------------

@pytest.fixture
def on_round(office, provider_at, elder, kemiren):
    """A provider with a login and two recipients, assigned, with rounds planned for yesterday and today."""
    provider = provider_at(kemiren, capacity=5, login="warung.uji")
    people = [elder(kemiren, dlat=0.003), elder(kemiren, dlat=-0.003, meals_per_day=1)]
    only_here([provider], people)
    services.assignment_run(actor=office)
    for day in (YESTERDAY, TODAY):
        services.rounds_plan(actor=office, date=day)
    return provider, people


def test_rounds_visit_every_assigned_recipient_from_the_warung(on_round):
    provider, people = on_round
    round_ = Round.objects.get(provider=provider, date=TODAY)
    stops = list(round_.stops.order_by("seq"))
    assert sorted(s.recipient_id for s in stops) == sorted(p.pk for p in people)
    assert [s.seq for s in stops] == [1, 2] and round_.late == 0
    assert sorted(s.portions for s in stops) == [1, 2]
    assert stops[0].eta < stops[1].eta <= round_.deadline
    assert round_.distance_m > 0


def test_mark_once_per_meal_and_never_for_someone_off_the_round(on_round, elder, kemiren):
    provider, people = on_round
    rider = provider_actor(provider)
    entry = services.delivery_mark(actor=rider, recipient=people[0], outcome="delivered", latitude=-8.2, longitude=114.33)
    assert (entry.portions, entry.price_per_portion, entry.date, entry.latitude) == (2, 12_000, TODAY, -8.2)
    with pytest.raises(DomainError) as error:
        services.delivery_mark(actor=rider, recipient=people[0], outcome="refused")
    assert error.value.code == "duplicate"
    stranger = elder(kemiren)
    with pytest.raises(DomainError) as error:
        services.delivery_mark(actor=rider, recipient=stranger, outcome="delivered")
    assert error.value.code == "not_on_round"
    with pytest.raises(DomainError) as error:
        services.delivery_mark(actor=rider, recipient=people[1], outcome="delivered", on=YESTERDAY)
    assert error.value.code == "invalid"
    assert list(Delivery.objects.filter(provider=provider).values_list("recipient_id", "outcome")) == [(people[0].pk, "delivered")]


def test_the_database_refuses_a_second_first_mark(on_round):
    provider, people = on_round
    entry = services.delivery_mark(actor=provider_actor(provider), recipient=people[0], outcome="delivered")
    twin = Delivery(stop=entry.stop, recipient=entry.recipient, provider=provider, village=entry.village, date=entry.date, outcome="refused",
                    portions=0, price_per_portion=1, marked_at=timezone.now(), by_label="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_correction_is_a_new_entry_and_the_old_one_stays(on_round):
    provider, people = on_round
    rider = provider_actor(provider)
    first = services.delivery_mark(actor=rider, recipient=people[0], outcome="not_home")
    fixed = services.delivery_correct(actor=rider, entry=first, outcome="delivered", note="Ternyata di belakang rumah")
    assert fixed.corrects_id == first.pk and fixed.portions == 2
    with pytest.raises(DomainError) as error:
        services.delivery_correct(actor=rider, entry=first, outcome="refused", note="lagi")
    assert error.value.code == "conflict"
    first.refresh_from_db()
    assert first.outcome == "not_home"
    assert list(Delivery.objects.filter(stop=first.stop).order_by("id").values_list("outcome", flat=True)) == ["not_home", "delivered"]
    assert services.effective_outcome(first.stop_id).pk == fixed.pk


def test_another_provider_cannot_mark_this_round(on_round, provider_at, kemiren):
    provider, people = on_round
    other = provider_at(kemiren, login="warung.lain")
    with pytest.raises(DomainError) as error:
        services.delivery_mark(actor=provider_actor(other), recipient=people[0], outcome="delivered")
    assert error.value.code == "not_on_round"
    assert not Delivery.objects.filter(recipient=people[0]).exists()


def test_not_home_two_days_running_raises_one_welfare_check(office, on_round, kemiren):
    provider, people = on_round
    services.delivery_mark(actor=office, recipient=people[0], outcome="not_home", on=YESTERDAY)  # the office records yesterday's
    services.delivery_mark(actor=office, recipient=people[1], outcome="delivered", on=YESTERDAY)
    before = Case.objects.count()
    today_entry = services.delivery_mark(actor=provider_actor(provider), recipient=people[0], outcome="refused", note="Tidak mau membuka pintu")
    other = services.delivery_mark(actor=provider_actor(provider), recipient=people[1], outcome="not_home")
    assert Case.objects.count() == before + 1
    case = Case.objects.get(source="meals", source_ref=f"welfare:recipient:{people[0].pk}")
    assert (case.category.code, case.village, case.subject_person_id, case.state) == ("welfare_check", kemiren, people[0].person_id, "new")
    assert today_entry.welfare_case_ref == case.ticket
    assert other.welfare_case_ref == ""  # delivered yesterday: one miss is not a streak


def test_deceased_ends_the_enrolment_after_the_village_confirms(users, on_round, kemiren):
    provider, people = on_round
    services.delivery_mark(actor=provider_actor(provider), recipient=people[0], outcome="deceased")
    recipient = Recipient.objects.get(pk=people[0].pk)
    assert (recipient.state, recipient.provider_id) == (RecipientState.DEATH_REPORTED, provider.pk)
    with pytest.raises(DomainError) as error:  # the Puskesmas of Sempu reads, does not confirm in Glagah
        services.death_confirm(actor=actor(users["puskesmas"]), recipient=recipient, date_of_death=TODAY)
    assert error.value.code == "forbidden"
    recipient.refresh_from_db()
    assert recipient.state == RecipientState.DEATH_REPORTED and recipient.enrolment.end_date is None
    services.death_confirm(actor=actor(users["operator"]), recipient=recipient, date_of_death=TODAY)
    recipient.refresh_from_db()
    provider.refresh_from_db()
    assert (recipient.state, recipient.provider_id, recipient.ended_on) == (RecipientState.ENDED, None, TODAY)
    assert Enrolment.objects.get(pk=recipient.enrolment_id).end_date == TODAY
    assert provider.assigned == 1  # the place is free
    summary = services.rounds_plan(actor=SYSTEM, date=TODAY + dt.timedelta(days=1))
    assert summary.stops == 1 and not RoundStop.objects.filter(recipient=recipient, round__date=TODAY + dt.timedelta(days=1)).exists()


def test_sick_raises_a_welfare_check_the_same_day(on_round, kemiren):
    provider, people = on_round
    before = Case.objects.count()
    entry = services.delivery_mark(actor=provider_actor(provider), recipient=people[0], outcome="sick", note="Demam, sendirian")
    assert Case.objects.count() == before + 1
    case = Case.objects.get(source="meals", source_ref=f"welfare:recipient:{people[0].pk}")
    assert (case.category.code, case.village, case.subject_person_id, case.confidential) == ("welfare_check", kemiren, people[0].person_id, True)
    assert "sakit" in case.title and "Demam, sendirian" in case.description
    assert entry.welfare_case_ref == case.ticket
    assert Recipient.objects.get(pk=people[0].pk).state == RecipientState.ACTIVE  # still fed: the meal is left for them


def test_in_hospital_pauses_deliveries_and_keeps_the_place_until_the_village_resumes(users, office, on_round, kemiren):
    provider, people = on_round
    rider = provider_actor(provider)
    services.delivery_mark(actor=rider, recipient=people[0], outcome="in_hospital")
    recipient = Recipient.objects.get(pk=people[0].pk)
    assert (recipient.state, recipient.provider_id) == (RecipientState.IN_HOSPITAL, provider.pk)
    tomorrow = TODAY + dt.timedelta(days=1)
    assert services.rounds_plan(actor=SYSTEM, date=tomorrow).stops == 1
    assert not RoundStop.objects.filter(recipient=recipient, round__date=tomorrow).exists()
    services.assignment_run(actor=office)  # a run meanwhile keeps the place: the count stays true for the return
    provider.refresh_from_db()
    recipient.refresh_from_db()
    assert (provider.assigned, recipient.provider_id) == (2, provider.pk)

    for who in (rider, actor(users["puskesmas"])):  # the warung and the Puskesmas of Sempu cannot resume in Glagah
        with pytest.raises(DomainError) as error:
            services.recipient_resume(actor=who, recipient=recipient)
        assert error.value.code == "forbidden"
        assert Recipient.objects.get(pk=recipient.pk).state == RecipientState.IN_HOSPITAL
    services.recipient_resume(actor=actor(users["operator"]), recipient=recipient)
    assert Recipient.objects.get(pk=recipient.pk).state == RecipientState.ACTIVE
    with pytest.raises(DomainError) as error:  # resumed once; a second press changes nothing
        services.recipient_resume(actor=actor(users["operator"]), recipient=recipient)
    assert error.value.code == "conflict"
    assert services.rounds_plan(actor=SYSTEM, date=tomorrow).stops == 2


def test_a_mistaken_in_hospital_mark_is_undone_by_its_correction(on_round):
    provider, people = on_round
    rider = provider_actor(provider)
    wrong = services.delivery_mark(actor=rider, recipient=people[1], outcome="in_hospital")
    assert Recipient.objects.get(pk=people[1].pk).state == RecipientState.IN_HOSPITAL
    services.delivery_correct(actor=rider, entry=wrong, outcome="deceased", note="salah tekan")
    recipient = Recipient.objects.get(pk=people[1].pk)
    assert (recipient.state, recipient.death_reported_on) == (RecipientState.DEATH_REPORTED, TODAY)
    again = Delivery.objects.get(corrects=wrong)
    services.delivery_correct(actor=rider, entry=again, outcome="delivered", note="masih sehat")
    recipient.refresh_from_db()
    assert (recipient.state, recipient.death_reported_on) == (RecipientState.ACTIVE, None)


# --- money -----------------------------------------------------------------------------------------------

def test_recap_csv_and_pdf_match_the_delivery_log_exactly(office, on_round):
    provider, people = on_round
    services.delivery_mark(actor=office, recipient=people[0], outcome="delivered", on=YESTERDAY)
    services.delivery_mark(actor=office, recipient=people[1], outcome="sick", on=YESTERDAY)
    rider = provider_actor(provider)
    services.delivery_mark(actor=rider, recipient=people[0], outcome="delivered")
    wrong = services.delivery_mark(actor=rider, recipient=people[1], outcome="not_home")
    services.delivery_correct(actor=rider, entry=wrong, outcome="delivered", note="salah tekan")
    month = TODAY.strftime("%Y-%m")
    first, last = selectors.month_range(month)
    log = Delivery.objects.filter(provider=provider, date__gte=first, date__lte=last, corrected_by__isnull=True, outcome="delivered")
    expected_portions = log.aggregate(n=Sum("portions"))["n"]
    expected_amount = sum(d.portions * d.price_per_portion for d in log)
    if YESTERDAY.month == TODAY.month:
        assert expected_portions == 2 + 2 + 1
    recap = selectors.recap(user=office.user, provider=provider, month=month)
    assert (recap.portions, recap.amount) == (expected_portions, expected_amount)
    rows = list(csv.reader(io.StringIO(recap_files.recap_csv(recap))))
    assert rows[0] == recap_files.CSV_HEADER
    lines = rows[1:-1]
    assert sorted((r[0], int(r[1]), int(r[3])) for r in lines) == sorted((d.date.isoformat(), d.recipient_id, d.portions) for d in log)
    assert sum(int(r[5]) for r in lines) == expected_amount
    assert rows[-1][0] == "TOTAL" and int(rows[-1][3]) == expected_portions and int(rows[-1][5]) == expected_amount
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(recap_files.recap_pdf(recap))).pages)
    assert f"Total porsi: {expected_portions};" in text
    assert f"Total bayar: {recap_files.rupiah(expected_amount)};" in text
    # The table reads back cell by cell: date, recipient, village, portions, price, amount.
    cells = [c for c in text.split("Jumlah")[-1].split("TOTAL")[0].split("\n") if c]
    table = [cells[i:i + 6] for i in range(0, len(cells), 6)]
    assert sorted((r[0], int(r[1]), int(r[3])) for r in table) == sorted((d.date.isoformat(), d.recipient_id, d.portions) for d in log)
    assert len(re.findall(r"^\d{4}-\d{2}-\d{2}$", text, flags=re.M)) == log.count()


def test_a_provider_reads_only_its_own_recap(on_round, provider_at, kemiren):
    provider, _people = on_round
    other = provider_at(kemiren, login="warung.tetangga")
    with pytest.raises(DomainError) as error:
        selectors.recap(user=provider_actor(other).user, provider=provider, month=TODAY.strftime("%Y-%m"))
    assert error.value.code == "forbidden"


def test_month_cost_per_recipient(office, on_round):
    provider, people = on_round
    rider = provider_actor(provider)
    services.delivery_mark(actor=rider, recipient=people[0], outcome="delivered")
    services.delivery_mark(actor=rider, recipient=people[1], outcome="delivered")
    cost = selectors.month_cost(user=office.user, month=TODAY.strftime("%Y-%m"))
    mine = [row for row in cost.providers if row[0].pk == provider.pk]
    assert mine and (mine[0][1], mine[0][2]) == (3, 36_000)
    assert cost.per_recipient == round(cost.amount / cost.recipients_fed)


# --- the command -----------------------------------------------------------------------------------------

def test_meals_assign_and_rounds_commands(capsys):
    call_command("meals", "assign", "--json")
    out = __import__("json").loads(capsys.readouterr().out)
    run = AssignmentRun.objects.first()
    assert (out["run"], out["assigned"], out["unassigned"], out["proven_optimal"]) == (run.pk, run.assigned, run.unassigned, True)
    call_command("meals", "rounds", "--date", TODAY.isoformat())
    text = capsys.readouterr().out
    assert f"Rounds for {TODAY.isoformat()}:" in text
    assert Round.objects.filter(date=TODAY).count() == Provider.objects.filter(recipients__state="active").distinct().count()
    with pytest.raises(CommandError) as error:
        call_command("meals", "rounds", "--date", "31-12-2026")
    assert error.value.returncode == 2
    with pytest.raises(CommandError) as error:
        call_command("meals", "assign", "--max-km", "0")
    assert error.value.returncode == 2
