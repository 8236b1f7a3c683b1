"""Life events as services: what they write, what they refuse, and that a refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from smartkampung.core.errors import DomainError
from smartkampung.core.models import AuditEvent
from smartkampung.registry import services
from smartkampung.registry.models import Household, KkHistory, LifeEvent, Membership, NameToken, Person
from tests.conftest import actor, compose_kk, compose_nik

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[int, ...]:
    return (Person.objects.count(), Household.objects.count(), Membership.objects.count(), LifeEvent.objects.count(),
            AuditEvent.objects.count(), NameToken.objects.count(), KkHistory.objects.count())


def test_household_and_members_are_written_with_timeline_and_audit(family, kemiren, users):
    household, head, wife, child = family(kemiren)
    assert household.head == head
    assert household.kk_issued_on == dt.date(2019, 5, 20)
    assert household.rw == "002" and household.rt == "003"
    assert [m.relationship for m in Membership.objects.filter(household=household).order_by("id")] == ["kepala", "istri", "anak"]
    assert {p.village_id for p in (head, wife, child)} == {kemiren.id}
    assert sorted(NameToken.objects.filter(person=child).values_list("token", flat=True)) == ["MUHAMMAD", "PRATAMA", "RIZKY"]
    audit = AuditEvent.objects.filter(object_type="person", object_id=str(head.pk)).get()
    assert (audit.action, audit.actor, audit.ip_address, audit.village_id) == ("person.registered", users["admin"], "192.0.2.10", kemiren.id)
    assert LifeEvent.objects.filter(person=wife, kind="registered").count() == 1


def test_birth_joins_the_household_from_the_day_of_birth(family, kemiren, users):
    household, *_ = family(kemiren)
    born = dt.date(2026, 10, 1)
    baby = services.birth_register(actor=actor(users["operator"]), household=household, nik=compose_nik(kemiren, sex="F", birth_date=born),
                                   name="Aisyah Putri", sex="F", birth_date=born)
    membership = Membership.objects.get(person=baby)
    assert (membership.relationship, membership.start_date, membership.end_date) == ("anak", born, None)
    assert (baby.birth_place, baby.education, baby.marital_status) == ("Kemiren", "tidak_sekolah", "belum_kawin")
    assert LifeEvent.objects.get(person=baby).kind == "birth"


def test_death_of_the_head_ends_membership_and_leaves_the_kk_without_head(family, kemiren, users):
    household, head, wife, _ = family(kemiren)
    services.death_register(actor=actor(users["operator"]), person=head, date_of_death=dt.date(2026, 6, 1))
    head.refresh_from_db()
    household.refresh_from_db()
    assert head.date_of_death == dt.date(2026, 6, 1)
    assert Membership.objects.get(person=head).end_date == dt.date(2026, 6, 1)
    assert household.head is None and household.dissolved_on is None
    event = LifeEvent.objects.get(person=head, kind="death")
    assert event.details == {"head_died": True}
    # The family gets a new KK with the widow as head; the old number stays in the history.
    old_kk = household.kk_number
    new_kk = compose_kk(kemiren, issued_on=dt.date(2026, 6, 20))
    services.household_kk_reissue(actor=actor(users["operator"]), household=household, kk_number=new_kk, reason="kepala keluarga meninggal", new_head=wife)
    household.refresh_from_db()
    assert (household.kk_number, household.head_id, household.kk_issued_on) == (new_kk, wife.pk, dt.date(2026, 6, 20))
    assert list(KkHistory.objects.filter(household=household).values_list("kk_number", "reason")) == [(old_kk, "kepala keluarga meninggal")]
    assert Membership.objects.get(person=wife, end_date__isnull=True).relationship == "kepala"


def test_move_to_another_village_moves_scope_and_search_index(family, kemiren, jambewangi, users):
    _, _, _, child = family(kemiren)
    target, *_ = family(jambewangi)
    services.person_move(actor=actor(users["admin"]), person=child, to_household=target, relationship="famili_lain", moved_on=dt.date(2026, 8, 1))
    child.refresh_from_db()
    assert child.village_id == jambewangi.id
    assert set(NameToken.objects.filter(person=child).values_list("village_id", flat=True)) == {jambewangi.id}
    assert list(Membership.objects.filter(person=child).order_by("start_date").values_list("household__village__code", "end_date")) == [
        ("35.10.15.2004", dt.date(2026, 8, 1)), ("35.10.20.2002", None)]


def test_the_last_member_leaving_dissolves_the_household(kemiren, jambewangi, users):
    a = actor(users["admin"])
    lone = services.household_create(actor=a, kk_number=compose_kk(kemiren), village=kemiren, rw="1", rt="1")
    born = dt.date(1950, 2, 2)
    grandma = services.person_register(actor=a, household=lone, relationship="kepala", nik=compose_nik(kemiren, sex="F", birth_date=born),
                                       name="Mbok Sarinah", sex="F", birth_date=born, marital_status="cerai_mati")
    other = services.household_create(actor=a, kk_number=compose_kk(jambewangi), village=jambewangi, rw="1", rt="1")
    services.person_move(actor=a, person=grandma, to_household=other, relationship="kepala", moved_on=dt.date(2026, 9, 9))
    lone.refresh_from_db()
    assert (lone.dissolved_on, lone.head_id) == (dt.date(2026, 9, 9), None)
    # Its KK number is free again for a current household (unique among current households only).
    again = services.household_create(actor=a, kk_number=lone.kk_number, village=kemiren, rw="1", rt="1")
    assert again.kk_number == lone.kk_number


def test_split_creates_a_new_kk_with_its_head(family, kemiren, users):
    household, head, wife, child = family(kemiren)
    new_kk = compose_kk(kemiren, issued_on=dt.date(2026, 7, 7))
    new = services.household_split(actor=actor(users["operator"]), household=household, members=[child], head=child, kk_number=new_kk,
                                   split_on=dt.date(2026, 7, 7), rt="5")
    assert (new.kk_number, new.head_id, new.village_id, new.rt, new.rw, new.desil) == (new_kk, child.pk, kemiren.id, "005", "002", 3)
    assert Membership.objects.get(person=child, end_date__isnull=True).household == new
    assert Membership.objects.filter(household=household, end_date__isnull=True).count() == 2
    assert LifeEvent.objects.get(kind="household_split", household=new).other_household == household


def test_household_move_across_kecamatan_needs_a_new_kk(family, kemiren, jambewangi, users):
    household, head, wife, child = family(kemiren)
    before = _snapshot()
    with pytest.raises(DomainError) as refused:
        services.household_move(actor=actor(users["admin"]), household=household, village=jambewangi, rw="1", rt="2", moved_on=dt.date(2026, 5, 5))
    assert (refused.value.code, refused.value.field) == ("invalid", "new_kk_number")
    assert _snapshot() == before
    new_kk = compose_kk(jambewangi, issued_on=dt.date(2026, 5, 5))
    services.household_move(actor=actor(users["admin"]), household=household, village=jambewangi, rw="1", rt="2", moved_on=dt.date(2026, 5, 5), new_kk_number=new_kk)
    household.refresh_from_db()
    assert (household.village_id, household.kk_number) == (jambewangi.id, new_kk)
    assert set(Person.objects.filter(pk__in=[head.pk, wife.pk, child.pk]).values_list("village_id", flat=True)) == {jambewangi.id}


def test_corrections_keep_old_and_new_values(family, kemiren, users):
    _, head, *_ = family(kemiren)
    services.person_update(actor=actor(users["operator"]), person=head, name="Slamet Riyadi Hadi", phone="081234567890")
    head.refresh_from_db()
    assert head.name_key == "SLAMET RIYADI HADI"
    audit = AuditEvent.objects.filter(action="person.update", object_id=str(head.pk)).get()
    assert audit.changes == {"name": ["Slamet Riyadi", "Slamet Riyadi Hadi"], "phone": ["", "081234567890"]}
    assert "HADI" in set(NameToken.objects.filter(person=head).values_list("token", flat=True))


# --- bad input: refused with the field named, nothing half-saved -------------------------------------------------


@pytest.mark.parametrize(
    ("nik", "sex", "birth_date", "code", "field"),
    [
        ("351015140380", "M", dt.date(1980, 3, 14), "invalid_nik", "nik"),  # 12 digits
        ("3510991403800001", "M", dt.date(1980, 3, 14), "invalid_nik", "nik"),  # kecamatan 99 unknown
        ("3510155403800001", "M", dt.date(1980, 3, 14), "invalid_sex", "sex"),  # day 54 = a woman
        ("3510151403810001", "M", dt.date(1980, 3, 14), "invalid_nik", "nik"),  # NIK says 1981
        ("3510151403800000", "M", dt.date(1980, 3, 14), "invalid_nik", "nik"),  # serial 0000
    ],
)
def test_bad_nik_is_refused_and_nothing_is_written(family, kemiren, users, nik, sex, birth_date, code, field):
    household, *_ = family(kemiren)
    before = _snapshot()
    with pytest.raises(DomainError) as refused:
        services.person_register(actor=actor(users["operator"]), household=household, relationship="anak", nik=nik, name="Budi", sex=sex, birth_date=birth_date)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert _snapshot() == before


def test_duplicate_nik_is_refused_by_check_and_by_the_database(family, kemiren, users):
    household, head, *_ = family(kemiren)
    before = _snapshot()
    with pytest.raises(DomainError) as refused:
        services.person_register(actor=actor(users["operator"]), household=household, relationship="anak", nik=head.nik, name="Budi",
                                 sex="M", birth_date=head.birth_date)
    assert (refused.value.code, refused.value.field) == ("duplicate", "nik")
    assert _snapshot() == before
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(nik=head.nik, name="x", name_key="X", sex="M", birth_date=head.birth_date, religion="islam",
                              marital_status="kawin", education="sd", village=kemiren)


def test_future_birth_date_and_death_before_birth_are_refused(family, kemiren, users):
    household, head, *_ = family(kemiren)
    future = dt.date.today() + dt.timedelta(days=30)
    before = _snapshot()
    with pytest.raises(DomainError) as refused:
        services.birth_register(actor=actor(users["operator"]), household=household, nik=compose_nik(kemiren, sex="M", birth_date=future),
                                name="Belum Lahir", sex="M", birth_date=future)
    assert refused.value.field == "birth_date"
    with pytest.raises(DomainError) as refused:
        services.death_register(actor=actor(users["operator"]), person=head, date_of_death=dt.date(1979, 1, 1))
    assert (refused.value.field, refused.value.message) == ("date_of_death", "date_of_death 1979-01-01 sebelum tanggal lahir 1980-03-14.")
    assert _snapshot() == before
    head.refresh_from_db()
    assert head.date_of_death is None


def test_duplicate_current_kk_is_refused(family, kemiren, users):
    household, *_ = family(kemiren)
    before = _snapshot()
    with pytest.raises(DomainError) as refused:
        services.household_create(actor=actor(users["operator"]), kk_number=household.kk_number, village=kemiren, rw="1", rt="1")
    assert (refused.value.code, refused.value.field) == ("duplicate", "kk_number")
    assert _snapshot() == before


def test_invalid_kk_and_desil_are_refused(kemiren, users):
    before = _snapshot()
    for kwargs, field in (({"kk_number": "35101520051800"}, "kk_number"), ({"kk_number": compose_kk(kemiren), "desil": 11}, "desil"),
                          ({"kk_number": compose_kk(kemiren), "rt": "abc"}, "rt")):
        with pytest.raises(DomainError) as refused:
            services.household_create(actor=actor(users["operator"]), village=kemiren, **{"rw": "1", "rt": "1", **kwargs})
        assert refused.value.field == field
    assert _snapshot() == before


# --- permissions: refused, and nothing happened --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["operator", "analyst", "puskesmas", "bhabin", "kecamatan"])
def test_staff_cannot_change_a_village_outside_their_write_scope(family, jambewangi, users, who):
    household, head, *_ = family(jambewangi)  # Jambewangi, Kec. Sempu: none of these may write there
    before = _snapshot()
    with pytest.raises(DomainError) as refused:
        services.death_register(actor=actor(users[who]), person=head, date_of_death=dt.date(2026, 1, 1))
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError):
        services.person_update(actor=actor(users[who]), person=head, phone="0811111111")
    assert _snapshot() == before
    head.refresh_from_db()
    assert (head.date_of_death, head.phone) == (None, "")


def test_a_pre_split_kecamatan_code_is_accepted_with_a_warning(users, area):
    blimbingsari_village = area("35.10.25.2001")
    a = actor(users["admin"])
    household = services.household_create(actor=a, kk_number=compose_kk(blimbingsari_village), village=blimbingsari_village, rw="1", rt="1")
    born = dt.date(1975, 4, 4)
    rogojampi_nik = f"351013{born:%d%m%y}7901"
    person = services.person_register(actor=a, household=household, relationship="kepala", nik=rogojampi_nik, name="Sugeng", sex="M", birth_date=born)
    warnings = LifeEvent.objects.get(person=person, kind="registered").details["warnings"]
    assert len(warnings) == 1 and "2017" in warnings[0]
