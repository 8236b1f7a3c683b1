"""The assignment solver: the pruned k-nearest flow with its optimality proof equals the full min-cost flow
over all pairs, exactly; stability; the reasons of the unserved; the seeded baseline."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartkampung.meals.assignment import (
    ALL_FULL,
    NO_PROVIDER_NEAR,
    Problem,
    assign,
    distances,
    greedy,
    nearest_arcs,
)
from smartkampung.meals.geo import ROAD_FACTOR, haversine_m, road_m


def _instance(seed: int, n: int, m: int, tightness: float, *, current: bool = False, bonus: int = 0) -> Problem:
    rng = np.random.default_rng(seed)
    plat, plon = rng.uniform(-8.6, -8.1, m), rng.uniform(113.9, 114.4, m)
    home = rng.integers(0, m, n)
    rlat, rlon = plat[home] + rng.normal(0, 0.03, n), plon[home] + rng.normal(0, 0.03, n)
    cap = np.maximum(1, np.round(rng.dirichlet(np.ones(m)) * n * tightness)).astype(np.int64)
    cur = np.where(rng.random(n) < 0.6, rng.integers(0, m, n), -1) if current else None
    return Problem(rlat, rlon, plat, plon, cap, max_m=12_000, current=cur, stability_bonus_m=bonus)


def test_road_distance_is_haversine_times_the_road_factor():
    # Banyuwangi town hall to Kemiren: 4,882 m in a straight line, checked by the spherical law of cosines.
    straight = float(haversine_m(-8.2191, 114.3691, -8.2036, 114.3276))
    p1, l1, p2, l2 = map(math.radians, (-8.2191, 114.3691, -8.2036, 114.3276))
    cosines = 6_371_008.8 * math.acos(math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(l2 - l1))
    assert abs(straight - cosines) < 0.01
    assert round(straight) == 4882
    assert int(road_m(-8.2191, 114.3691, -8.2036, 114.3276)) == round(straight * ROAD_FACTOR)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 400), m=st.integers(1, 30), tightness=st.floats(0.3, 1.6),
       current=st.booleans(), bonus=st.sampled_from([0, 300, 2_000]), k=st.integers(1, 6))
def test_pruned_flow_with_proof_equals_the_full_flow(seed, n, m, tightness, current, bonus, k):
    problem = _instance(seed, n, m, tightness, current=current, bonus=bonus)
    dist = distances(problem)
    pruned = assign(problem, k=k, dist=dist)
    full = assign(problem, full=True, dist=dist)
    assert pruned.proven_optimal
    assert (pruned.objective, pruned.assigned) == (full.objective, full.assigned)
    load = np.bincount(pruned.provider[pruned.provider >= 0], minlength=problem.m)
    assert (load <= problem.capacity).all()
    served = pruned.provider >= 0
    assert (dist[np.nonzero(served)[0], pruned.provider[served]] <= problem.max_m).all()


def test_tight_capacities_need_more_than_the_nearest_providers():
    """k=1 alone would leave people unassigned; the proof finds the missing pairs and the answer equals the full flow."""
    problem = _instance(7, 600, 20, 0.95)
    dist = distances(problem)
    rows, cols = nearest_arcs(problem, dist, 1)
    naive_capacity = np.minimum(np.bincount(cols, minlength=problem.m), problem.capacity).sum()
    pruned = assign(problem, k=1, dist=dist)
    full = assign(problem, full=True, dist=dist)
    assert naive_capacity < full.assigned  # the 1-nearest network alone cannot serve as many
    assert pruned.rounds > 1
    assert (pruned.assigned, pruned.objective) == (full.assigned, full.objective)


def test_greedy_is_worse_than_the_optimum():
    problem = _instance(3, 800, 25, 1.0)
    dist = distances(problem)
    best = assign(problem, dist=dist)
    total, assigned = greedy(problem, dist)
    assert assigned <= best.assigned
    assert assigned < best.assigned or total > best.total_m


def _line_problem(current, bonus):
    # Two providers on a line of latitude; one recipient 1,000 m road from A and 700 m road from B.
    lat = -8.3
    metre = 1 / (111_195 * ROAD_FACTOR)  # degrees of latitude per road metre
    return Problem(
        recipient_lat=np.array([lat]), recipient_lon=np.array([114.2]),
        provider_lat=np.array([lat - 1000 * metre, lat + 700 * metre]), provider_lon=np.array([114.2, 114.2]),
        capacity=np.array([1, 1]), max_m=5_000, current=np.array([current]), stability_bonus_m=bonus,
    )


def test_stability_keeps_the_current_provider_unless_moving_saves_more_than_the_bonus():
    assert assign(_line_problem(0, 0)).provider.tolist() == [1]  # no bonus: the nearer B
    assert assign(_line_problem(0, 500)).provider.tolist() == [0]  # moving saves 300 m < 500 m: stays with A
    assert assign(_line_problem(0, 200)).provider.tolist() == [1]  # saves 300 m > 200 m: moves
    kept = assign(_line_problem(0, 500))
    assert kept.distance_m.tolist() == [1000] and kept.total_m == 1000 and kept.objective == 500


def test_unserved_reasons():
    metre = 1 / (111_195 * ROAD_FACTOR)
    problem = Problem(
        recipient_lat=np.array([-8.3, -8.3 + 100 * metre, -8.3 + 20_000 * metre]), recipient_lon=np.array([114.2] * 3),
        provider_lat=np.array([-8.3]), provider_lon=np.array([114.2]), capacity=np.array([1]), max_m=5_000,
    )
    result = assign(problem)
    assert result.provider.tolist() == [0, -1, -1]
    assert result.reason == ["", ALL_FULL, NO_PROVIDER_NEAR]
    assert (result.assigned, result.unassigned, result.total_m) == (1, 2, 0)


@pytest.mark.django_db
def test_the_seeded_baseline_has_109_providers_and_every_recipient_served():
    from smartkampung.meals.models import AssignmentRun, Provider, Recipient
    from smartkampung.programmes.models import Enrolment

    assert Provider.objects.filter(active=True).count() == 109
    active = Enrolment.objects.filter(programme__code="RANTANG_KASIH", person__isnull=False, end_date__isnull=True, person__date_of_death__isnull=True).count()
    assert Recipient.objects.count() == active
    run = AssignmentRun.objects.order_by("pk").first()
    assert run.proven_optimal and run.recipients == active
    assert Recipient.objects.filter(provider__isnull=False).count() == run.assigned
    for provider in Provider.objects.all():
        assert provider.assigned == provider.recipients.count() <= provider.daily_capacity
