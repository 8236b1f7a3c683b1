"""Affected residents: recorded by village operators or imported from CSV, and read by eligibility rules
through affected(...) (parse, type errors with positions, compiled Q, and the rows it selects)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Exists, Q
from django.utils import translation

from smartkampung.core.errors import DomainError
from smartkampung.core.models import AuditEvent
from smartkampung.isolation.affected import affected_import, affected_record
from smartkampung.isolation.models import AffectedImportRow, AffectedResident
from smartkampung.isolation.selectors import affected_factory
from smartkampung.programmes.models import PersonFacts, Programme
from smartkampung.programmes.rules import RuleError, check, compile_rule
from smartkampung.programmes.services import eligible_facts, person_facts_refresh
from tests.conftest import actor

TODAY = dt.date(2026, 11, 23)


def test_an_operator_records_a_resident_of_their_village(family, kemiren, users):
    _h, head, _w, _c = family(kemiren)
    record = affected_record(actor=actor(users["operator"]), nik=head.nik, sector="tourism", affected_on=dt.date(2026, 3, 1),
                             income_lost="2.500.000", workplace="Homestay Kemiren")
    assert (record.person_id, record.village_id, record.sector, record.income_lost, record.source) == (head.pk, kemiren.pk, "tourism", 2_500_000, "page")
    assert AuditEvent.objects.filter(action="affected.record", object_id=str(record.pk), village=kemiren).count() == 1
    with pytest.raises(DomainError) as info:
        affected_record(actor=actor(users["operator"]), nik=head.nik, sector="tourism", affected_on=dt.date(2026, 4, 1), income_lost=1)
    assert (info.value.code, info.value.field) == ("duplicate", "sector")


@pytest.mark.parametrize("args, code, field", [
    ({"nik": "3510150101800001"}, "unknown_nik", "nik"),
    ({"nik": "12345"}, "invalid_nik", "nik"),
    ({"sector": "fishing"}, "invalid", "sector"),
    ({"affected_on": "01/03/2026"}, "invalid", "affected_on"),
    ({"affected_on": dt.date(2099, 1, 1)}, "invalid", "affected_on"),
    ({"income_lost": "banyak"}, "invalid", "income_lost"),
])
def test_bad_records_are_refused_and_nothing_saved(family, kemiren, users, args, code, field):
    _h, head, _w, _c = family(kemiren)
    values = {"nik": head.nik, "sector": "laid_off", "affected_on": dt.date(2026, 3, 1), "income_lost": 1_000_000, **args}
    before = AffectedResident.objects.count()
    with pytest.raises(DomainError) as info:
        affected_record(actor=actor(users["operator"]), **values)
    assert (info.value.code, info.value.field) == (code, field)
    assert AffectedResident.objects.count() == before


def test_a_nik_outside_the_operators_village_reads_as_unknown(family, jambewangi, users):
    _h, head, _w, _c = family(jambewangi)
    with pytest.raises(DomainError) as info:
        affected_record(actor=actor(users["operator"]), nik=head.nik, sector="informal", affected_on=dt.date(2026, 3, 1), income_lost=1)
    assert info.value.code == "unknown_nik"
    assert not AffectedResident.objects.filter(person=head).exists()
    with pytest.raises(DomainError) as info:  # the Puskesmas reads the village but does not record here
        affected_record(actor=actor(users["puskesmas"]), nik=head.nik, sector="informal", affected_on=dt.date(2026, 3, 1), income_lost=1)
    assert info.value.code == "unknown_nik"
    assert not AffectedResident.objects.filter(person=head).exists()


def _csv(rows: list[str], header: str = "nik,sektor,tanggal,penghasilan_hilang,tempat_kerja") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_an_import_stages_every_row_with_its_outcome_and_is_idempotent(family, kemiren, jambewangi, users):
    _h, head, wife, child = family(kemiren)
    _h2, other, _w2, _c2 = family(jambewangi)
    content = _csv([
        f"{head.nik},tourism,2026-02-01,3000000,Hotel",
        f"{wife.nik},informal,2026-02-15,1.200.000,Warung",
        f"{head.nik},tourism,2026-02-01,3000000,Hotel",  # the same row twice in one file
        "3510159999999999,tourism,2026-02-01,1000000,",
        f"{child.nik},fishing,2026-02-01,1000000,",
        f"{child.nik},laid_off,kemarin,1000000,",
        f"{other.nik},tourism,2026-02-01,1000000,",  # another village: not the operator's
        "",
        f"{child.nik},laid_off,2026-02-01,500000,Pabrik,extra",
    ])
    batch = affected_import(actor=actor(users["operator"]), filename="terdampak.csv", content=content)
    assert (batch.rows, batch.created, batch.duplicates, batch.errors) == (8, 2, 1, 5)
    rows = list(AffectedImportRow.objects.filter(batch=batch).order_by("line").values_list("line", "outcome", "field"))
    assert rows == [(2, "created", ""), (3, "created", ""), (4, "duplicate", ""), (5, "error", "nik"), (6, "error", "sector"),
                    (7, "error", "affected_on"), (8, "error", "nik"), (10, "error", "file")]
    assert AffectedResident.objects.get(person=wife).income_lost == 1_200_000
    again = affected_import(actor=actor(users["operator"]), filename="terdampak.csv", content=content)
    assert (again.rows, again.created, again.duplicates, again.errors) == (8, 0, 3, 5)
    assert AffectedResident.objects.filter(person__in=[head, wife, child, other]).count() == 2


def test_an_import_without_the_required_columns_is_refused_whole(users):
    before = AffectedResident.objects.count()
    with pytest.raises(DomainError) as info:
        affected_import(actor=actor(users["operator"]), filename="x.csv", content=b"nik;nama\n3510150101800001;Budi\n")
    assert (info.value.code, info.value.field) == ("invalid_file", "file")
    assert AffectedResident.objects.count() == before
    with pytest.raises(DomainError) as info:
        affected_import(actor=actor(users["puskesmas"]), filename="x.csv", content=_csv([]))
    assert info.value.code == "forbidden"


# --- the rule language -------------------------------------------------------------------------------

def _factory(sector):
    return Q(affected=sector or "*")


def test_affected_parses_and_compiles_with_and_without_a_sector():
    assert check('affected("tourism") and age >= 18', programme_codes=()).facts == {"age"}
    q = compile_rule('affected("tourism") or not affected()', programme_codes=(), today=TODAY, receives=lambda c: Q(), affected=_factory)
    assert q == Q(affected="tourism") | ~Q(affected="*")


@pytest.mark.parametrize("text, message, english, start, end", [
    ('affected("hotel")', "Sektor 'hotel' tidak dikenal. Sektor yang ada: informal, laid_off, tourism.",
     "Unknown sector 'hotel'. Known sectors: informal, laid_off, tourism.", 9, 16),
    ('affected("Tourism")', "Sektor 'Tourism' tidak dikenal. Maksud Anda 'tourism'?",
     "Unknown sector 'Tourism'. Did you mean 'tourism'?", 9, 18),
    ("affected(tourism)", "affected() diisi kode sektor warga terdampak (atau tanpa kode) dalam tanda kutip, mis. affected(\"tourism\")",
     "affected() takes an affected-resident sector code (or nothing) in quotes, e.g. affected(\"tourism\")", 9, 16),
    ('age >= 18 and affected("tourism", "informal")',
     "affected() diisi kode sektor warga terdampak (atau tanpa kode) dalam tanda kutip, mis. affected(\"tourism\") (tertulis 2 argumen).",
     "affected() takes an affected-resident sector code (or nothing) in quotes, e.g. affected(\"tourism\") (got 2 arguments).", 34, 44),
    ("affected and age >= 18", "'affected' adalah fungsi: isi dengan kode sektor warga terdampak (atau tanpa kode), mis. affected(\"tourism\")",
     "'affected' is a function: give it an affected-resident sector code (or nothing), e.g. affected(\"tourism\")", 0, 8),
    ('affected("tourism") == 1', "Tidak bisa membandingkan syarat (benar/salah) dengan angka. Bandingkan dengan true atau false.",
     "Cannot compare a condition (true/false) with a number. Compare it with true or false.", 23, 24),
])
def test_affected_errors_name_their_position(text, message, english, start, end):
    with pytest.raises(RuleError) as info:
        check(text, programme_codes=())
    assert (info.value.message, info.value.position, info.value.end) == (message, start, end)
    with translation.override("en"), pytest.raises(RuleError) as info:
        check(text, programme_codes=())
    assert (info.value.message, info.value.position, info.value.end) == (english, start, end)


def test_the_default_factory_is_an_exists_over_affected_residents():
    q = affected_factory(as_of=TODAY)("tourism")
    (expression,) = q.children
    assert isinstance(expression, Exists)
    assert expression.query.model is AffectedResident
    sql = str(PersonFacts.objects.filter(q).query)
    assert 'EXISTS(SELECT 1 AS "a" FROM "isolation_affectedresident"' in sql.replace(" (", "(")
    for part in ('U0."person_id" = ("programmes_personfacts"."person_id")', 'U0."affected_on" <= 2026-11-23',
                 '(U0."recovered_on" IS NULL OR U0."recovered_on" > 2026-11-23)', 'U0."sector" = tourism'):
        assert part in sql, part


def test_affected_selects_exactly_the_recorded_residents_over_the_facts(family, kemiren, users):
    _h, head, wife, child = family(kemiren)
    op = actor(users["operator"])
    affected_record(actor=op, nik=head.nik, sector="tourism", affected_on=dt.date(2026, 2, 1), income_lost=3_000_000)
    wife_record = affected_record(actor=op, nik=wife.nik, sector="informal", affected_on=dt.date(2026, 2, 1), income_lost=900_000)
    affected_record(actor=op, nik=child.nik, sector="tourism", affected_on=dt.date(2026, 11, 30), income_lost=100_000)  # after TODAY
    from smartkampung.isolation.affected import affected_recovered

    person_facts_refresh()
    ours = PersonFacts.objects.filter(person_id__in=[head.pk, wife.pk, child.pk])
    compiled = {text: set(ours.filter(compile_rule(text, programme_codes=(), today=TODAY, receives=lambda c: Q())).values_list("person_id", flat=True))
                for text in ('affected("tourism")', "affected()", 'not affected("tourism")', 'affected() and sex == "F"')}
    assert compiled == {'affected("tourism")': {head.pk}, "affected()": {head.pk, wife.pk}, 'not affected("tourism")': {wife.pk, child.pk},
                        'affected() and sex == "F"': {wife.pk}}
    # the seed's affected residents (8 at the baseline) are matched too, and only they
    seeded = set(AffectedResident.objects.filter(source="synth", affected_on__lte=TODAY).values_list("person_id", flat=True))
    everyone = PersonFacts.objects.filter(compile_rule("affected()", programme_codes=(), today=TODAY, receives=lambda c: Q()))
    assert set(everyone.values_list("person_id", flat=True)) == seeded | {head.pk, wife.pk}
    affected_recovered(actor=op, record=wife_record, on=dt.date(2026, 6, 1))
    assert not ours.filter(compile_rule("affected()", programme_codes=(), today=TODAY, receives=lambda c: Q()), person_id=wife.pk).exists()


def test_targeting_reads_affected_through_eligible_facts(family, kemiren, users):
    _h, head, _w, _c = family(kemiren)
    affected_record(actor=actor(users["operator"]), nik=head.nik, sector="tourism", affected_on=dt.date(2026, 2, 1), income_lost=3_000_000)
    person_facts_refresh()
    programme = Programme.objects.get(code="BST")
    eligible = eligible_facts(programme=programme, as_of=TODAY, text='affected("tourism") and area("35.10.15.2004")')
    expected = set(AffectedResident.objects.filter(sector="tourism", village=kemiren, affected_on__lte=TODAY).values_list("person_id", flat=True))
    assert head.pk in expected
    assert set(eligible.values_list("person_id", flat=True)) == expected
