"""Writes to the registry: one atomic function per life event, each audited and on the timeline.

Every function takes keyword-only arguments and an `actor`, checks that the actor may change the
village concerned, refuses bad input with a DomainError naming the field, and writes nothing at all
when it refuses (each runs in one transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.audit import Actor, audit_record
from smartkampung.core.errors import DomainError
from smartkampung.core.models import Area
from smartkampung.core.scoping import area_scope

from .choices import Disability, Education, HouseCondition, MaritalStatus, Relationship, Religion, Sex
from .identity import IdentityError, parse_kk, parse_nik
from .models import Household, KkHistory, LifeEvent, LifeEventKind, Membership, NameToken, Person
from .names import name_key, name_tokens
from .selectors import registry_area_codes

# Facts of a person that staff may correct with person_update (NIK, sex and birth date go through
# their own checks below; the village follows the household).
CORRECTABLE_FIELDS = ("name", "birth_place", "religion", "marital_status", "education", "occupation", "disability", "disability_severe", "phone")
HOUSEHOLD_FIELDS = ("dusun", "rw", "rt", "street", "latitude", "longitude", "desil", "house_condition")


def _today() -> dt.date:
    return timezone.localdate()


def _require_write(actor: Actor, village: Area) -> None:
    if actor.via == "cli" and actor.user is None:
        return  # system jobs (synth, imports run by an operator on the server) act regency-wide
    if not area_scope(actor.user).can_write_village(village.id):
        raise DomainError("forbidden", _("Anda tidak berwenang mengubah data kependudukan %(village)s.") % {"village": village.name}, field="village")


def _require_village(area: Area) -> None:
    if not area.is_village:
        raise DomainError("invalid", _("%(area)s adalah %(kind)s, bukan desa atau kelurahan.") % {"area": area.name, "kind": area.get_kind_display()}, field="village")


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise DomainError("invalid", _("%(field)s %(value)r tidak termasuk pilihan: %(allowed)s.") % {"field": field, "value": value, "allowed": allowed}, field=field)
    return value


def _date(value, field: str, *, not_after: dt.date | None = None, not_before: dt.date | None = None) -> dt.date:
    if not isinstance(value, dt.date):
        raise DomainError("invalid", _("%(field)s harus berupa tanggal.") % {"field": field}, field=field)
    if not_after is not None and value > not_after:
        raise DomainError("invalid", _("%(field)s %(date)s ada di masa depan.") % {"field": field, "date": value.isoformat()}, field=field)
    if not_before is not None and value < not_before:
        raise DomainError("invalid", _("%(field)s %(date)s sebelum %(not_before)s.") % {"field": field, "date": value.isoformat(), "not_before": not_before.isoformat()}, field=field)
    return value


def _rt_rw(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value.isdigit() or not 1 <= int(value) <= 999:
        raise DomainError("invalid", _("%(field)s %(value)r harus berupa angka 1 sampai 999.") % {"field": field, "value": value}, field=field)
    return f"{int(value):03d}"


def _identity_error(error: IdentityError) -> DomainError:
    return DomainError(f"invalid_{error.issue.field}", error.issue.message, field=error.issue.field)


def _check_nik(*, nik: str, sex: str, birth_date: dt.date, village: Area) -> list[str]:
    nik = (nik or "").strip()
    residence = village.code.split(".")[2]
    try:
        parsed = parse_nik(nik, areas=registry_area_codes(), sex=sex, birth_date=birth_date, residence_kecamatan=residence, today=_today())
    except IdentityError as error:
        raise _identity_error(error) from None
    if Person.objects.filter(nik=nik).exists():
        raise DomainError("duplicate", _("NIK %(nik)s sudah terdaftar.") % {"nik": nik}, field="nik")
    return [w.message for w in parsed.warnings]


def _check_kk(kk_number: str, *, exclude: Household | None = None):
    kk_number = (kk_number or "").strip()
    try:
        parsed = parse_kk(kk_number, areas=registry_area_codes(), today=_today())
    except IdentityError as error:
        raise _identity_error(error) from None
    clash = Household.objects.filter(kk_number=kk_number, dissolved_on__isnull=True)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise DomainError("duplicate", _("KK %(kk)s sudah dipakai keluarga lain yang masih aktif.") % {"kk": kk_number}, field="kk_number")
    return parsed


def _save_unique(instance, field: str, message: str) -> None:
    """Save, turning a race on a unique constraint into the same clear refusal as the check before it."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise DomainError("duplicate", message, field=field) from None


def _index_name(person: Person) -> None:
    NameToken.objects.filter(person=person).delete()
    NameToken.objects.bulk_create(NameToken(person=person, token=t[:40], village_id=person.village_id) for t in name_tokens(person.name))


def _event(*, actor: Actor, kind: str, on: dt.date, village: Area, person=None, household=None, other_household=None, **details) -> LifeEvent:
    return LifeEvent.objects.create(
        kind=kind, occurred_on=on, person=person, household=household, other_household=other_household,
        details=details, recorded_by=actor.user_or_none, village=village,
    )


def _current_membership(person: Person) -> Membership | None:
    return Membership.objects.select_for_update().filter(person=person, end_date__isnull=True).first()


def _current_members(household: Household) -> list[Membership]:
    return list(Membership.objects.select_for_update().filter(household=household, end_date__isnull=True).select_related("person"))


def _address(*, village: Area, dusun: str, rw: str, rt: str, street: str, latitude, longitude) -> dict:
    _require_village(village)
    for value, field, low, high in ((latitude, "latitude", -90, 90), (longitude, "longitude", -180, 180)):
        if value is not None and not low <= float(value) <= high:
            raise DomainError("invalid", _("%(field)s %(value)s di luar rentang %(low)s..%(high)s.") % {"field": field, "value": value, "low": low, "high": high}, field=field)
    return {
        "village": village, "dusun": (dusun or "").strip(), "rw": _rt_rw(rw, "rw"), "rt": _rt_rw(rt, "rt"),
        "street": (street or "").strip(), "latitude": latitude, "longitude": longitude,
    }


def _desil(desil: int | None) -> int | None:
    if desil is not None and not (isinstance(desil, int) and 1 <= desil <= 10):
        raise DomainError("invalid", _("desil %(desil)r harus bilangan bulat 1 (termiskin) sampai 10.") % {"desil": desil}, field="desil")
    return desil


@transaction.atomic
def household_create(
    *, actor: Actor, kk_number: str, village: Area, rw: str, rt: str, dusun: str = "", street: str = "",
    latitude: float | None = None, longitude: float | None = None, desil: int | None = None,
    house_condition: str = HouseCondition.LAYAK,
) -> Household:
    """A new household (a KK) at an address; members join with person_register or birth_register."""
    _require_village(village)
    _require_write(actor, village)
    parsed = _check_kk(kk_number)
    household = Household(
        kk_number=parsed.kk_number, kk_issued_on=parsed.issued_on, desil=_desil(desil),
        house_condition=_choice(house_condition, HouseCondition, "house_condition"),
        **_address(village=village, dusun=dusun, rw=rw, rt=rt, street=street, latitude=latitude, longitude=longitude),
    )
    _save_unique(household, "kk_number", _("KK %(kk)s sudah dipakai keluarga lain yang masih aktif.") % {"kk": parsed.kk_number})
    _event(actor=actor, kind=LifeEventKind.HOUSEHOLD_CREATED, on=parsed.issued_on, village=village, household=household, kk_number=household.kk_number)
    audit_record(actor=actor, action="household.create", obj=household, village=village, changes={"kk_number": household.kk_number})
    return household


def _new_person(
    *, actor: Actor, household: Household, relationship: str, nik: str, name: str, sex: str, birth_date: dt.date,
    birth_place: str, religion: str, marital_status: str, education: str, occupation: str, disability: str,
    disability_severe: bool, phone: str, start_date: dt.date, kind: str,
) -> Person:
    if household.dissolved_on is not None:
        raise DomainError("invalid", _("KK %(kk)s sudah dibubarkan pada %(date)s.") % {"kk": household.kk_number, "date": household.dissolved_on}, field="household")
    _require_write(actor, household.village)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("invalid", _("Nama masih kosong."), field="name")
    _choice(sex, Sex, "sex")
    _date(birth_date, "birth_date", not_after=_today())
    _date(start_date, "start_date", not_after=_today(), not_before=birth_date)
    _choice(relationship, Relationship, "relationship")
    warnings = _check_nik(nik=nik, sex=sex, birth_date=birth_date, village=household.village)
    if relationship == Relationship.KEPALA and household.head_id is not None:
        raise DomainError("conflict", _("KK %(kk)s sudah memiliki kepala keluarga.") % {"kk": household.kk_number}, field="relationship")
    person = Person(
        nik=nik.strip(), name=name, name_key=name_key(name), sex=sex, birth_date=birth_date,
        birth_place=(birth_place or "").strip(), religion=_choice(religion, Religion, "religion"),
        marital_status=_choice(marital_status, MaritalStatus, "marital_status"),
        education=_choice(education, Education, "education"), occupation=(occupation or "").strip(),
        disability=_choice(disability, Disability, "disability"), disability_severe=bool(disability_severe),
        phone=(phone or "").strip(), village=household.village,
    )
    _save_unique(person, "nik", _("NIK %(nik)s sudah terdaftar.") % {"nik": person.nik})
    _index_name(person)
    Membership.objects.create(person=person, household=household, relationship=relationship, start_date=start_date)
    if relationship == Relationship.KEPALA:
        household.head = person
        household.save(update_fields=["head", "updated_at"])
    _event(actor=actor, kind=kind, on=start_date, village=household.village, person=person, household=household, relationship=relationship, warnings=warnings)
    audit_record(actor=actor, action=f"person.{kind}", obj=person, village=household.village, changes={"nik": person.nik, "household": household.kk_number, "warnings": warnings})
    return person


@transaction.atomic
def person_register(
    *, actor: Actor, household: Household, relationship: str, nik: str, name: str, sex: str, birth_date: dt.date,
    birth_place: str = "", religion: str = Religion.ISLAM, marital_status: str = MaritalStatus.BELUM_KAWIN,
    education: str = Education.TIDAK_SEKOLAH, occupation: str = "", disability: str = Disability.NONE,
    disability_severe: bool = False, phone: str = "", start_date: dt.date | None = None,
) -> Person:
    """Record a resident who already holds a NIK as a member of a household.

    Without a start date, the member is taken to be on the KK since it was issued (or since birth)."""
    household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
    if start_date is None and isinstance(birth_date, dt.date):
        start_date = max(household.kk_issued_on, birth_date)
    return _new_person(
        actor=actor, household=household, relationship=relationship, nik=nik, name=name, sex=sex,
        birth_date=birth_date, birth_place=birth_place, religion=religion, marital_status=marital_status,
        education=education, occupation=occupation, disability=disability, disability_severe=disability_severe,
        phone=phone, start_date=start_date or _today(), kind=LifeEventKind.REGISTERED,
    )


@transaction.atomic
def birth_register(
    *, actor: Actor, household: Household, nik: str, name: str, sex: str, birth_date: dt.date,
    birth_place: str = "", religion: str = Religion.ISLAM, relationship: str = Relationship.ANAK,
    disability: str = Disability.NONE,
) -> Person:
    """A baby born into a household: a member from the day of birth."""
    household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
    if relationship not in (Relationship.ANAK, Relationship.CUCU, Relationship.FAMILI_LAIN):
        raise DomainError("invalid", _("Bayi baru lahir hanya dapat masuk sebagai anak, cucu, atau famili_lain."), field="relationship")
    return _new_person(
        actor=actor, household=household, relationship=relationship, nik=nik, name=name, sex=sex,
        birth_date=birth_date, birth_place=birth_place or household.village.name, religion=religion,
        marital_status=MaritalStatus.BELUM_KAWIN, education=Education.TIDAK_SEKOLAH, occupation="Belum/Tidak Bekerja",
        disability=disability, disability_severe=False, phone="", start_date=birth_date, kind=LifeEventKind.BIRTH,
    )


def _leave(membership: Membership, *, on: dt.date) -> Household:
    """End a membership; a household left by its head has no head; one left by everybody is dissolved."""
    if on < membership.start_date:
        raise DomainError("invalid", _("Tanggal %(date)s sebelum orang ini masuk KK %(kk)s (%(start)s).") % {"date": on, "kk": membership.household.kk_number, "start": membership.start_date}, field="date")
    membership.end_date = on
    membership.save(update_fields=["end_date"])
    household = Household.objects.select_for_update().get(pk=membership.household_id)
    changed = ["updated_at"]
    if household.head_id == membership.person_id:
        household.head = None
        changed.append("head")
    if not Membership.objects.filter(household=household, end_date__isnull=True).exists():
        household.dissolved_on = on
        changed.append("dissolved_on")
    household.save(update_fields=changed)
    return household


def _lock_person(person: Person) -> Person:
    person = Person.objects.select_for_update().select_related("village").get(pk=person.pk)
    if person.date_of_death is not None:
        raise DomainError("invalid", _("%(name)s tercatat meninggal pada %(date)s.") % {"name": person.name, "date": person.date_of_death}, field="person")
    return person


@transaction.atomic
def death_register(*, actor: Actor, person: Person, date_of_death: dt.date) -> Person:
    person = _lock_person(person)
    _require_write(actor, person.village)
    _date(date_of_death, "date_of_death", not_after=_today())
    if date_of_death < person.birth_date:
        raise DomainError("invalid", _("date_of_death %(death)s sebelum tanggal lahir %(birth)s.") % {"death": date_of_death, "birth": person.birth_date}, field="date_of_death")
    membership = _current_membership(person)
    household = _leave(membership, on=date_of_death) if membership else None
    person.date_of_death = date_of_death
    person.save(update_fields=["date_of_death", "updated_at"])
    needs_new_kk = bool(membership and membership.relationship == Relationship.KEPALA and household.dissolved_on is None)
    _event(actor=actor, kind=LifeEventKind.DEATH, on=date_of_death, village=person.village, person=person, household=household, head_died=needs_new_kk)
    audit_record(actor=actor, action="person.death", obj=person, village=person.village, changes={"date_of_death": date_of_death.isoformat(), "kk_needs_reissue": needs_new_kk})
    return person


def _join(*, person: Person, household: Household, relationship: str, on: dt.date) -> Membership:
    _choice(relationship, Relationship, "relationship")
    if household.dissolved_on is not None:
        raise DomainError("invalid", _("KK %(kk)s sudah dibubarkan pada %(date)s.") % {"kk": household.kk_number, "date": household.dissolved_on}, field="household")
    if relationship == Relationship.KEPALA:
        if household.head_id is not None and household.head_id != person.pk:
            raise DomainError("conflict", _("KK %(kk)s sudah memiliki kepala keluarga.") % {"kk": household.kk_number}, field="relationship")
        household.head = person
        household.save(update_fields=["head", "updated_at"])
    return Membership.objects.create(person=person, household=household, relationship=relationship, start_date=on)


def _set_village(people: Iterable[Person], village: Area) -> None:
    ids = [p.pk for p in people]
    Person.objects.filter(pk__in=ids).update(village=village, updated_at=timezone.now())
    NameToken.objects.filter(person_id__in=ids).update(village=village)


@transaction.atomic
def person_move(*, actor: Actor, person: Person, to_household: Household, relationship: str, moved_on: dt.date) -> Membership:
    """A resident moves into another household, in the same or another village."""
    person = _lock_person(person)
    to_household = Household.objects.select_for_update().select_related("village").get(pk=to_household.pk)
    _require_write(actor, person.village)
    _require_write(actor, to_household.village)
    _date(moved_on, "moved_on", not_after=_today(), not_before=person.birth_date)
    current = _current_membership(person)
    if current and current.household_id == to_household.pk:
        raise DomainError("invalid", _("%(name)s sudah tinggal di KK %(kk)s.") % {"name": person.name, "kk": to_household.kk_number}, field="to_household")
    from_household = _leave(current, on=moved_on) if current else None
    membership = _join(person=person, household=to_household, relationship=relationship, on=moved_on)
    from_village = person.village
    if from_village.pk != to_household.village_id:
        _set_village([person], to_household.village)
    _event(
        actor=actor, kind=LifeEventKind.MOVE, on=moved_on, village=to_household.village, person=person,
        household=to_household, other_household=from_household, from_village=from_village.code, to_village=to_household.village.code,
    )
    audit_record(actor=actor, action="person.move", obj=person, village=to_household.village, changes={
        "from_household": from_household.kk_number if from_household else None, "to_household": to_household.kk_number,
        "from_village": from_village.code, "to_village": to_household.village.code, "relationship": relationship,
    })
    return membership


def _reissue_kk(*, household: Household, kk_number: str, on: dt.date, reason: str) -> None:
    parsed = _check_kk(kk_number, exclude=household)
    if parsed.kk_number == household.kk_number:
        raise DomainError("invalid", _("Nomor KK baru sama dengan nomor KK sekarang."), field="kk_number")
    KkHistory.objects.create(household=household, kk_number=household.kk_number, issued_on=household.kk_issued_on, replaced_on=on, reason=reason)
    household.kk_number = parsed.kk_number
    household.kk_issued_on = parsed.issued_on


@transaction.atomic
def household_move(
    *, actor: Actor, household: Household, village: Area, rw: str, rt: str, moved_on: dt.date, dusun: str = "",
    street: str = "", latitude: float | None = None, longitude: float | None = None, new_kk_number: str = "",
) -> Household:
    """A whole household moves. Moving to another kecamatan needs a new KK (DOMAIN.md, "NIK and KK")."""
    household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
    if household.dissolved_on is not None:
        raise DomainError("invalid", _("KK %(kk)s sudah dibubarkan pada %(date)s.") % {"kk": household.kk_number, "date": household.dissolved_on}, field="household")
    _require_write(actor, household.village)
    _require_write(actor, village)
    _date(moved_on, "moved_on", not_after=_today())
    address = _address(village=village, dusun=dusun, rw=rw, rt=rt, street=street, latitude=latitude, longitude=longitude)
    old_village = household.village
    changes_kecamatan = old_village.parent_id != village.parent_id
    if changes_kecamatan and not new_kk_number:
        raise DomainError("invalid", _("Pindah ke kecamatan lain memerlukan nomor KK baru."), field="new_kk_number")
    old_kk = household.kk_number
    if new_kk_number:
        _reissue_kk(household=household, kk_number=new_kk_number, on=moved_on, reason=f"pindah ke {village.name}")
    for key, value in address.items():
        setattr(household, key, value)
    household.save()
    members = [m.person for m in _current_members(household)]
    _set_village(members, village)
    _event(actor=actor, kind=LifeEventKind.HOUSEHOLD_MOVED, on=moved_on, village=village, household=household, from_village=old_village.code, to_village=village.code, old_kk=old_kk, new_kk=household.kk_number)
    audit_record(actor=actor, action="household.move", obj=household, village=village, changes={"from_village": old_village.code, "to_village": village.code, "old_kk": old_kk, "new_kk": household.kk_number})
    return household


@transaction.atomic
def household_split(
    *, actor: Actor, household: Household, members: list[Person], head: Person, kk_number: str, split_on: dt.date,
    village: Area | None = None, rw: str | None = None, rt: str | None = None, dusun: str | None = None,
    street: str | None = None, latitude: float | None = None, longitude: float | None = None,
) -> Household:
    """Some members leave to form their own household (e.g. a married child), under a new KK."""
    household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
    _require_write(actor, household.village)
    village = village or household.village
    _require_write(actor, village)
    _date(split_on, "split_on", not_after=_today())
    current = {m.person_id: m for m in _current_members(household)}
    member_ids = {p.pk for p in members}
    if not member_ids:
        raise DomainError("invalid", _("Pisah KK memerlukan paling sedikit satu anggota."), field="members")
    outsiders = member_ids - current.keys()
    if outsiders:
        raise DomainError("invalid", _("Hanya anggota keluarga saat ini yang dapat pisah dari KK ini."), field="members")
    if head.pk not in member_ids:
        raise DomainError("invalid", _("Kepala keluarga baru harus salah satu anggota yang pisah."), field="head")
    if member_ids == set(current):
        raise DomainError("invalid", _("Semua anggota akan keluar: itu pindah keluarga, bukan pisah KK."), field="members")
    parsed = _check_kk(kk_number)
    new = Household(
        kk_number=parsed.kk_number, kk_issued_on=parsed.issued_on, desil=household.desil, house_condition=household.house_condition,
        **_address(
            village=village, dusun=household.dusun if dusun is None else dusun, rw=household.rw if rw is None else rw,
            rt=household.rt if rt is None else rt, street=household.street if street is None else street,
            latitude=household.latitude if latitude is None else latitude, longitude=household.longitude if longitude is None else longitude,
        ),
    )
    _save_unique(new, "kk_number", _("KK %(kk)s sudah dipakai keluarga lain yang masih aktif.") % {"kk": parsed.kk_number})
    moving = [current[pid] for pid in sorted(member_ids)]
    for membership in moving:
        _leave(membership, on=split_on)
    for membership in moving:
        _join(person=membership.person, household=new, relationship=Relationship.KEPALA if membership.person_id == head.pk else _relationship_to_new_head(membership, head), on=split_on)
    if village.pk != household.village_id:
        _set_village([m.person for m in moving], village)
    _event(actor=actor, kind=LifeEventKind.HOUSEHOLD_SPLIT, on=split_on, village=village, household=new, other_household=household, members=sorted(member_ids), kk_number=new.kk_number)
    audit_record(actor=actor, action="household.split", obj=new, village=village, changes={"from_kk": household.kk_number, "new_kk": new.kk_number, "members": sorted(member_ids)})
    return new


def _relationship_to_new_head(membership: Membership, head: Person) -> str:
    # Who leaves with the new head is usually their spouse and children: a spouse (or child-in-law) stays
    # a spouse, a grandchild of the old head becomes a child of the new one, anybody else "famili lain".
    if membership.relationship in (Relationship.MENANTU, Relationship.SUAMI, Relationship.ISTRI):
        return Relationship.SUAMI if membership.person.sex == Sex.MALE else Relationship.ISTRI
    if membership.relationship == Relationship.CUCU:
        return Relationship.ANAK
    return Relationship.FAMILI_LAIN


@transaction.atomic
def household_kk_reissue(*, actor: Actor, household: Household, kk_number: str, reason: str, new_head: Person | None = None) -> Household:
    """A new KK for a household (e.g. after the head died, or a lost card); the old number is kept in history."""
    household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
    _require_write(actor, household.village)
    if household.dissolved_on is not None:
        raise DomainError("invalid", _("KK %(kk)s sudah dibubarkan pada %(date)s.") % {"kk": household.kk_number, "date": household.dissolved_on}, field="household")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("invalid", _("Sebutkan alasan KK diterbitkan ulang."), field="reason")
    old_kk = household.kk_number
    _reissue_kk(household=household, kk_number=kk_number, on=_today(), reason=reason)
    if new_head is not None:
        membership = Membership.objects.select_for_update().filter(household=household, person=new_head, end_date__isnull=True).first()
        if membership is None:
            raise DomainError("invalid", _("Kepala keluarga baru harus anggota keluarga saat ini."), field="new_head")
        if household.head_id and household.head_id != new_head.pk:
            Membership.objects.filter(household=household, person_id=household.head_id, end_date__isnull=True).update(relationship=Relationship.FAMILI_LAIN)
        membership.relationship = Relationship.KEPALA
        membership.save(update_fields=["relationship"])
        household.head = new_head
    elif household.head_id is None:
        raise DomainError("invalid", _("Keluarga ini belum memiliki kepala keluarga: tentukan kepala keluarga baru."), field="new_head")
    household.save()
    _event(actor=actor, kind=LifeEventKind.KK_REISSUED, on=household.kk_issued_on, village=household.village, household=household, old_kk=old_kk, new_kk=household.kk_number, reason=reason)
    audit_record(actor=actor, action="household.kk_reissue", obj=household, village=household.village, changes={"old_kk": old_kk, "new_kk": household.kk_number, "reason": reason})
    return household


@transaction.atomic
def person_update(*, actor: Actor, person: Person, **changes) -> Person:
    """Correct facts of a living resident's record; the audit row keeps the old and new values."""
    person = _lock_person(person)
    _require_write(actor, person.village)
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError("invalid", _("%(field)s tidak dapat diubah di sini.") % {"field": field}, field=field)
    validators = {
        "religion": Religion, "marital_status": MaritalStatus, "education": Education, "disability": Disability,
    }
    diff = {}
    for field, value in changes.items():
        if field in validators:
            _choice(value, validators[field], field)
        if field == "name":
            value = " ".join((value or "").split())
            if not value:
                raise DomainError("invalid", _("Nama masih kosong."), field="name")
        if isinstance(value, str) and field != "name":
            value = value.strip()
        if getattr(person, field) != value:
            diff[field] = [getattr(person, field), value]
            setattr(person, field, value)
    if not diff:
        return person
    if "name" in diff:
        person.name_key = name_key(person.name)
    person.save()
    if "name" in diff:
        _index_name(person)
    _event(actor=actor, kind=LifeEventKind.CORRECTED, on=_today(), village=person.village, person=person, fields=sorted(diff))
    audit_record(actor=actor, action="person.update", obj=person, village=person.village, changes=diff)
    return person


@transaction.atomic
def household_update(*, actor: Actor, household: Household, **changes) -> Household:
    """Correct a household's address details, welfare desil or house condition (same village)."""
    household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
    _require_write(actor, household.village)
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError("invalid", _("%(field)s tidak dapat diubah di sini.") % {"field": field}, field=field)
    current = {f: getattr(household, f) for f in ("dusun", "rw", "rt", "street", "latitude", "longitude")}
    address = _address(village=household.village, **{**current, **{k: v for k, v in changes.items() if k in current}})
    values = {k: address[k] for k in current}
    if "desil" in changes:
        values["desil"] = _desil(changes["desil"])
    if "house_condition" in changes:
        values["house_condition"] = _choice(changes["house_condition"], HouseCondition, "house_condition")
    diff = {k: [getattr(household, k), v] for k, v in values.items() if getattr(household, k) != v}
    if not diff:
        return household
    for key, value in values.items():
        setattr(household, key, value)
    household.save()
    audit_record(actor=actor, action="household.update", obj=household, village=household.village, changes=diff)
    return household


@transaction.atomic
def person_merge(*, actor: Actor, keep: Person, duplicate: Person, reason: str) -> Person:
    """Record that `duplicate` is a second record of `keep` (found by linkage review).

    Nothing is deleted: the duplicate keeps its NIK, its life events and its past memberships; its current
    membership ends today so households count the resident once, and `merged_into` points to the kept
    record. Moving enrolments is the caller's part (linkage moves them through its own service).
    """
    if keep.pk == duplicate.pk:
        raise DomainError("invalid", _("Data tidak dapat digabungkan dengan dirinya sendiri."), field="duplicate")
    first, second = sorted((keep.pk, duplicate.pk))
    locked = {p.pk: p for p in Person.objects.select_for_update().select_related("village").filter(pk__in=(first, second))}
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    _require_write(actor, keep.village)
    _require_write(actor, duplicate.village)
    for person, field in ((keep, "keep"), (duplicate, "duplicate")):
        if person.merged_into_id is not None:
            raise DomainError("conflict", _("%(name)s (%(nik)s) sudah digabungkan ke data lain.") % {"name": person.name, "nik": person.nik}, field=field)
    on = _today()
    membership = _current_membership(duplicate)
    household = _leave(membership, on=max(on, membership.start_date)) if membership else None
    duplicate.merged_into = keep
    duplicate.save(update_fields=["merged_into", "updated_at"])
    reason = (reason or "").strip()[:300]
    _event(actor=actor, kind=LifeEventKind.MERGED, on=on, village=duplicate.village, person=duplicate, household=household,
           merged_into=keep.pk, merged_into_nik=keep.nik, reason=reason)
    _event(actor=actor, kind=LifeEventKind.MERGED, on=on, village=keep.village, person=keep, merged_from=duplicate.pk, merged_from_nik=duplicate.nik, reason=reason)
    audit_record(actor=actor, action="person.merge", obj=duplicate, village=duplicate.village,
                 changes={"merged_into": keep.pk, "keep_nik": keep.nik, "duplicate_nik": duplicate.nik, "reason": reason})
    return keep
