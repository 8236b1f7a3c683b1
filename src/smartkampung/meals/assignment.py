"""Assign every recipient to one provider: exact minimum total travel, within capacity and distance.

Pure numpy + OR-Tools, no Django: the service (services.assignment_run) and the benchmark share it.

The problem is a transportation problem solved as a min-cost flow:

    recipient i --(cap 1, cost c_ij)--> provider j --(cap capacity_j, cost 0)--> sink
    recipient i --(cap 1, cost U)--> overflow --> sink        (U > m * max cost: assign as many as possible first)

c_ij is the road distance in metres when it is at most the maximum distance (no arc otherwise), less the
stability bonus for the recipient's current provider: a recipient moves only if that saves more than the
bonus in total travel.

Over all pairs the network has n x m arcs; we solve it over each recipient's k nearest providers only
and then PROVE the result optimal for the full network: from the optimal flow we compute node potentials
(shortest-path distances in the residual graph, on the contracted graph of providers, overflow and sink,
which is small), and check every left-out pair's reduced cost c_ij + d(i) - d(j) >= 0. If that holds the
potentials certify optimality of the full problem (LP complementary slackness). If some pair has a
negative reduced cost we add those pairs and solve again (column generation); after MAX_ROUNDS we solve
the full network, which is exact by construction. The answer is therefore always optimal, and says how it
was proven.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from .geo import road_matrix_m

DEFAULT_K = 8
MAX_ROUNDS = 6
CHUNK = 8192  # recipients per block of the distance matrix
INF = np.iinfo(np.int64).max // 4

NO_PROVIDER_NEAR = "no_provider_near"
ALL_FULL = "all_full"


@dataclass
class Problem:
    recipient_lat: np.ndarray
    recipient_lon: np.ndarray
    provider_lat: np.ndarray
    provider_lon: np.ndarray
    capacity: np.ndarray  # recipients per day, per provider
    max_m: int  # the maximum road distance between a provider and a recipient
    current: np.ndarray | None = None  # index of each recipient's current provider, -1 for none
    stability_bonus_m: int = 0

    @property
    def n(self) -> int:
        return len(self.recipient_lat)

    @property
    def m(self) -> int:
        return len(self.provider_lat)


@dataclass
class Result:
    provider: np.ndarray  # provider index per recipient, -1 = not served
    distance_m: np.ndarray  # road metres to the provider, -1 = not served
    reason: list[str]  # "" or why the recipient is not served (NO_PROVIDER_NEAR / ALL_FULL)
    objective: int  # total cost the flow minimised (distances less the stability bonuses), unserved excluded
    total_m: int  # total road metres of the served
    assigned: int
    proven_optimal: bool
    proof: str  # how optimality was established
    k: int
    rounds: int
    arcs: int
    seconds: float
    timings: dict = field(default_factory=dict)

    @property
    def unassigned(self) -> int:
        return len(self.provider) - self.assigned


def distances(problem: Problem) -> np.ndarray:
    """Road metres recipient x provider, int32 (50,000 x 300 is 60 MB)."""
    out = np.empty((problem.n, problem.m), dtype=np.int32)
    for start in range(0, problem.n, CHUNK):
        stop = min(start + CHUNK, problem.n)
        out[start:stop] = road_matrix_m(problem.recipient_lat[start:stop], problem.recipient_lon[start:stop], problem.provider_lat, problem.provider_lon)
    return out


def _current(problem: Problem) -> np.ndarray:
    return problem.current if problem.current is not None else np.full(problem.n, -1, dtype=np.int64)


def _arc_cost(problem: Problem, rows: np.ndarray, cols: np.ndarray, dist: np.ndarray) -> np.ndarray:
    cost = dist[rows, cols].astype(np.int64)
    if problem.stability_bonus_m:
        current = _current(problem)
        keep = current[rows] == cols
        cost[keep] = np.maximum(0, cost[keep] - problem.stability_bonus_m)
    return cost


def nearest_arcs(problem: Problem, dist: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each recipient's k nearest providers within the maximum distance, plus its current provider."""
    rows_out, cols_out = [], []
    k = min(k, problem.m)
    current = _current(problem)
    for start in range(0, problem.n, CHUNK):
        block = dist[start:start + CHUNK]
        if k < problem.m:
            cols = np.argpartition(block, k - 1, axis=1)[:, :k]
        else:
            cols = np.broadcast_to(np.arange(problem.m), block.shape)
        rows = np.broadcast_to(np.arange(start, start + len(block))[:, None], cols.shape)
        ok = np.take_along_axis(block, cols, axis=1) <= problem.max_m
        rows_out.append(rows[ok])
        cols_out.append(cols[ok])
    has = current >= 0
    cur_rows = np.nonzero(has)[0]
    cur_cols = current[has]
    ok = dist[cur_rows, cur_cols] <= problem.max_m
    rows_out.append(cur_rows[ok])
    cols_out.append(cur_cols[ok])
    # The current provider may already be among the k nearest: a mask removes the doubles (np.unique on
    # half a million pairs is ten times slower).
    mask = np.zeros((problem.n, problem.m), dtype=bool)
    mask[np.concatenate(rows_out), np.concatenate(cols_out)] = True
    rows, cols = np.nonzero(mask)
    return rows.astype(np.int64), cols.astype(np.int64)


def all_arcs(problem: Problem, dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.nonzero(dist <= problem.max_m)
    return rows.astype(np.int64), cols.astype(np.int64)


@dataclass
class _Flow:
    provider: np.ndarray
    objective: int
    potentials_provider: np.ndarray  # d(j)
    potentials_recipient: np.ndarray  # d(i)


def _solve_flow(problem: Problem, rows: np.ndarray, cols: np.ndarray, cost: np.ndarray) -> _Flow:
    """OR-Tools' maximum flow of minimum cost: as many recipients served as the network allows, then the
    least travel. (It is the same optimum as the overflow formulation with penalty U in the module
    docstring, which is what the potentials below certify; solving without the n overflow arcs is about
    twice as fast.)"""
    n, m = problem.n, problem.m
    sink = n + m
    max_cost = int(cost.max()) if len(cost) else 0
    penalty = (max_cost + 1) * (m + 1) + 1  # more than any chain of re-assignments can save
    capacity = np.asarray(problem.capacity, dtype=np.int64)
    tails = np.concatenate([rows, n + np.arange(m)])
    heads = np.concatenate([n + cols, np.full(m, sink)])
    caps = np.concatenate([np.ones(len(rows), dtype=np.int64), capacity])
    costs = np.concatenate([cost, np.zeros(m, dtype=np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), caps, costs)
    supplies = np.zeros(n + m + 1, dtype=np.int64)
    supplies[:n] = 1
    supplies[sink] = -n
    flow.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int32), supplies)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    arc_flow = flow.flows(np.arange(len(rows), dtype=np.int32))
    used = arc_flow > 0
    provider = np.full(n, -1, dtype=np.int64)
    provider[rows[used]] = cols[used]
    objective = int(cost[used].sum())
    d_provider, d_recipient = _potentials(problem, rows, cols, cost, used, provider, penalty)
    return _Flow(provider=provider, objective=objective, potentials_provider=d_provider, potentials_recipient=d_recipient)


def _potentials(problem, rows, cols, cost, used, provider, penalty) -> tuple[np.ndarray, np.ndarray]:
    """Shortest-path distances from a virtual source (0-cost arcs to every node) in the residual graph.

    Recipient nodes have a single residual arc in (from their provider, or from overflow), so paths through
    them are contracted: an edge a -> b between providers / overflow / sink weighs the cheapest
    "-c(i, a) + c(i, b)" over recipients i held by a. Bellman-Ford then runs on m + 2 nodes only."""
    n, m = problem.n, problem.m
    overflow, sink = m, m + 1  # indices in the contracted graph
    size = m + 2
    parent = np.where(provider >= 0, provider, overflow)
    w_in = np.where(provider >= 0, 0, -penalty).astype(np.int64)
    w_in[rows[used]] = -cost[used]  # recipient i is held by its provider: the backward arc costs -c
    weights = np.full(size * size, INF, dtype=np.int64)
    free = ~used
    # i -> b for every unused arc of the pruned network, entered from i's parent.
    np.minimum.at(weights, parent[rows[free]] * size + cols[free], w_in[rows[free]] + cost[free])
    # i -> overflow for every served recipient.
    served = np.nonzero(provider >= 0)[0]
    np.minimum.at(weights, parent[served] * size + overflow, w_in[served] + penalty)
    weights = weights.reshape(size, size)
    load = np.bincount(provider[served], minlength=m)
    capacity = np.asarray(problem.capacity, dtype=np.int64)
    weights[np.arange(m)[load < capacity], sink] = 0
    weights[sink, np.arange(m)[load > 0]] = 0
    unserved = n - len(served)
    if unserved < n:
        weights[overflow, sink] = 0
    if unserved > 0:
        weights[sink, overflow] = 0
    d = np.zeros(size, dtype=np.int64)
    for _ in range(size + 1):
        relaxed = np.minimum(d, (d[:, None] + weights).min(axis=0))
        if np.array_equal(relaxed, d):
            break
        d = relaxed
    else:
        raise RuntimeError("negative cycle in the residual graph: the flow is not optimal")
    d_recipient = np.minimum(0, d[parent] + w_in)
    return d[:m], d_recipient


def _violations(problem: Problem, dist: np.ndarray, in_network: np.ndarray, flow: _Flow) -> tuple[np.ndarray, np.ndarray]:
    """Left-out pairs (within the maximum distance) whose reduced cost is negative."""
    found_rows, found_cols = [], []
    for start in range(0, problem.n, CHUNK):
        block = dist[start:start + CHUNK].astype(np.int64)
        reduced = block + flow.potentials_recipient[start:start + CHUNK, None] - flow.potentials_provider[None, :]
        bad = (reduced < 0) & (block <= problem.max_m) & ~in_network[start:start + CHUNK]
        r, c = np.nonzero(bad)
        found_rows.append(r + start)
        found_cols.append(c)
    return np.concatenate(found_rows), np.concatenate(found_cols)


def assign(problem: Problem, *, k: int = DEFAULT_K, full: bool = False, dist: np.ndarray | None = None) -> Result:
    """The optimal assignment. `full=True` solves over all pairs directly (the benchmark's reference)."""
    started = time.perf_counter()
    timings = {}
    if problem.n == 0:
        return Result(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), [], 0, 0, 0, True, "no recipients", k, 0, 0, 0.0)
    if dist is None:
        dist = distances(problem)
    timings["distances"] = time.perf_counter() - started
    rows, cols = all_arcs(problem, dist) if full else nearest_arcs(problem, dist, k)
    rounds = 0
    proof = ""
    while True:
        rounds += 1
        t = time.perf_counter()
        flow = _solve_flow(problem, rows, cols, _arc_cost(problem, rows, cols, dist))
        timings[f"flow_{rounds}"] = time.perf_counter() - t
        if full:
            proof = "full network over all pairs within the distance"
            break
        t = time.perf_counter()
        in_network = np.zeros(dist.shape, dtype=bool)
        in_network[rows, cols] = True
        bad_rows, bad_cols = _violations(problem, dist, in_network, flow)
        timings[f"check_{rounds}"] = time.perf_counter() - t
        if len(bad_rows) == 0:
            proof = f"k={k} nearest ({len(rows)} pairs, {rounds} solve(s)): no left-out pair has a negative reduced cost"
            break
        if rounds >= MAX_ROUNDS:
            rows, cols = all_arcs(problem, dist)
            full = True
            continue
        rows = np.concatenate([rows, bad_rows])
        cols = np.concatenate([cols, bad_cols])
    provider = flow.provider
    served = provider >= 0
    distance = np.full(problem.n, -1, dtype=np.int64)
    distance[served] = dist[np.nonzero(served)[0], provider[served]]
    reachable = (dist <= problem.max_m).any(axis=1)
    reason = ["" if s else (ALL_FULL if r else NO_PROVIDER_NEAR) for s, r in zip(served.tolist(), reachable.tolist(), strict=True)]
    return Result(
        provider=provider, distance_m=distance, reason=reason, objective=flow.objective, total_m=int(distance[served].sum()),
        assigned=int(served.sum()), proven_optimal=True, proof=proof, k=k, rounds=rounds, arcs=len(rows),
        seconds=time.perf_counter() - started, timings=timings,
    )


def greedy(problem: Problem, dist: np.ndarray | None = None) -> tuple[int, int]:
    """Nearest provider with room, recipients in the given order (the benchmark's naive baseline).
    Returns (total metres, assigned)."""
    if dist is None:
        dist = distances(problem)
    room = np.asarray(problem.capacity, dtype=np.int64).copy()
    total = assigned = 0
    order = np.argsort(dist, axis=1)
    for i in range(problem.n):
        for j in order[i]:
            if dist[i, j] > problem.max_m:
                break
            if room[j] > 0:
                room[j] -= 1
                total += int(dist[i, j])
                assigned += 1
                break
    return total, assigned
