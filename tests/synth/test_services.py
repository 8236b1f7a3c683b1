"""The synthetic regency as written to the database: it must obey every rule the registry enforces."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Count

from smartkampung.registry.identity import parse_kk, parse_nik
from smartkampung.registry.models import Household, Membership, NameToken, Person
from smartkampung.registry.selectors import registry_area_codes
from smartkampung.synth.models import SynthRun, SynthTruth
from tests.conftest import BASELINE_PEOPLE, BASELINE_SEED

pytestmark = pytest.mark.django_db


def test_the_run_is_recorded():
    run = SynthRun.objects.get()
    assert (run.people, run.seed, run.households) == (BASELINE_PEOPLE, BASELINE_SEED, Household.objects.count())
    assert Person.objects.count() == BASELINE_PEOPLE


def test_every_nik_and_kk_parses_under_our_rules():
    areas = registry_area_codes()
    warnings = Counter()
    for nik, sex, born, village_code in Person.objects.values_list("nik", "sex", "birth_date", "village__code"):
        parsed = parse_nik(nik, areas=areas, sex=sex, birth_date=born, residence_kecamatan=village_code.split(".")[2])
        warnings.update(w.rule for w in parsed.warnings)
    assert set(warnings) <= {"outside_regency", "pre_split_kecamatan"}
    for kk in Household.objects.values_list("kk_number", flat=True):
        parse_kk(kk, areas=areas)


def test_households_are_consistent():
    heads = dict(Household.objects.values_list("id", "head_id"))
    kepala = dict(Membership.objects.filter(end_date__isnull=True, relationship="kepala").values_list("household_id", "person_id"))
    assert heads == kepala  # each household's head is its one current "kepala"
    current = Membership.objects.filter(end_date__isnull=True)
    assert current.values("person").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    alive = Person.objects.filter(date_of_death__isnull=True)
    assert current.count() == alive.count()
    assert not current.exclude(household__village_id=models_village()).exists()


def models_village():
    from django.db.models import OuterRef, Subquery

    return Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("village_id")[:1])


def test_planted_truth_matches_the_records():
    deceased_truth = set(SynthTruth.objects.filter(kind="deceased").values_list("person_id", flat=True))
    assert deceased_truth == set(Person.objects.filter(date_of_death__isnull=False).values_list("id", flat=True))
    assert not Membership.objects.filter(person_id__in=deceased_truth, end_date__isnull=True).exists()
    for original, duplicate in SynthTruth.objects.filter(kind="duplicate_person").values_list("person_id", "other_person_id"):
        a, b = Person.objects.get(pk=original), Person.objects.get(pk=duplicate)
        assert (a.birth_date, a.sex) == (b.birth_date, b.sex) and a.nik != b.nik
    poor = set(SynthTruth.objects.filter(kind="poor_household").values_list("household_id", flat=True))
    assert poor and set(Household.objects.filter(pk__in=poor).values_list("desil", flat=True)) == {1}


def test_every_person_is_in_the_name_index():
    indexed = set(NameToken.objects.values_list("person_id", flat=True).distinct())
    assert indexed == set(Person.objects.values_list("id", flat=True))
    assert set(NameToken.objects.values_list("village_id", flat=True).distinct()) <= set(Person.objects.values_list("village_id", flat=True).distinct())
