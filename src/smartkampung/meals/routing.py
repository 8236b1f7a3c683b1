"""A provider's daily round: from the warung to every recipient and back, by motorbike, meals delivered
before a set hour. Pure numpy + VROOM (pyvroom), no Django; OR-Tools guided local search is here too as
the benchmark's reference.

Times are seconds since midnight. A stop that cannot be reached before the deadline (or beyond the
motorbike's load) is never dropped: VROOM leaves it unassigned, and we append it to the end of the round
by cheapest insertion, marked late, so the plan still lists every recipient and the office sees who needs
a second rider.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .geo import ride_seconds, road_matrix_m

SERVICE_SECONDS = 120  # hand over the rantang, take back yesterday's, a word with the grandmother
EXPLORATION_LEVEL = 5
THREADS = 2  # VROOM searches in parallel; a round of 30 stops is ~25% faster on two cores than on one


@dataclass
class RoundSpec:
    depot_lat: float
    depot_lon: float
    stop_lat: np.ndarray
    stop_lon: np.ndarray
    start: int  # leaves the warung, seconds since midnight
    deadline: int  # every meal delivered by then
    return_by: int  # back at the warung by then
    capacity: int  # rantang the motorbike carries
    service: int = SERVICE_SECONDS


@dataclass
class Plan:
    order: list[int]  # stop indices in visiting order (late stops last)
    arrival: list[int]  # seconds since midnight, per position of `order`
    late: list[int]  # stop indices that cannot be served before the deadline in one trip
    distance_m: int  # warung -> stops -> warung
    back_at: int  # seconds since midnight


def matrices(spec: RoundSpec) -> tuple[np.ndarray, np.ndarray]:
    """Road metres and riding seconds between the warung (index 0) and the stops (1..n)."""
    lat = np.concatenate([[spec.depot_lat], spec.stop_lat])
    lon = np.concatenate([[spec.depot_lon], spec.stop_lon])
    metres = road_matrix_m(lat, lon, lat, lon)
    return metres, ride_seconds(metres)


def _evaluate(spec: RoundSpec, order: list[int], metres: np.ndarray, seconds: np.ndarray) -> tuple[list[int], int, int]:
    arrival, clock, distance, at = [], spec.start, 0, 0
    for stop in order:
        clock += int(seconds[at, stop + 1])
        distance += int(metres[at, stop + 1])
        arrival.append(clock)
        clock += spec.service
        at = stop + 1
    clock += int(seconds[at, 0])
    distance += int(metres[at, 0])
    return arrival, distance, clock


def _append_late(order: list[int], late: list[int], metres: np.ndarray) -> list[int]:
    """Cheapest insertion of the late stops after the on-time ones (they keep their place at the end)."""
    tail: list[int] = []
    last = order[-1] + 1 if order else 0
    for stop in late:
        if not tail:
            tail.append(stop)
            continue
        path = [last, *(s + 1 for s in tail), 0]
        costs = [metres[path[p], stop + 1] + metres[stop + 1, path[p + 1]] - metres[path[p], path[p + 1]] for p in range(len(path) - 1)]
        tail.insert(int(np.argmin(costs)), stop)
    return order + tail


def plan_vroom(spec: RoundSpec, *, exploration_level: int = EXPLORATION_LEVEL, threads: int = THREADS) -> Plan:
    import vroom

    n = len(spec.stop_lat)
    metres, seconds = matrices(spec)
    if n == 0:
        return Plan([], [], [], 0, spec.start)
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=seconds.astype(np.uint32))
    problem.set_distances_matrix(profile="car", matrix_input=metres.astype(np.uint32))
    problem.set_costs_matrix(profile="car", matrix_input=metres.astype(np.uint32))  # minimise distance, within the times
    problem.add_vehicle(vroom.Vehicle(id=0, start=0, end=0, capacity=[spec.capacity], time_window=vroom.TimeWindow(spec.start, spec.return_by)))
    problem.add_job([
        vroom.Job(id=i, location=i + 1, delivery=[1], default_service=spec.service, time_windows=[vroom.TimeWindow(spec.start, spec.deadline)])
        for i in range(n)
    ])
    solution = problem.solve(exploration_level=exploration_level, nb_threads=threads)
    routes = solution.routes
    order = [int(x) for x in routes.loc[routes["type"] == "job", "id"].tolist()] if len(routes) else []
    late = sorted(set(range(n)) - set(order))
    order = _append_late(order, late, metres)
    arrival, distance, back = _evaluate(spec, order, metres, seconds)
    return Plan(order=order, arrival=arrival, late=late, distance_m=distance, back_at=back)


def plan_ortools(spec: RoundSpec, *, seconds_limit: int = 30) -> Plan:
    """OR-Tools routing with guided local search for a fixed time: the benchmark's reference."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = len(spec.stop_lat)
    metres, ride = matrices(spec)
    if n == 0:
        return Plan([], [], [], 0, spec.start)
    manager = pywrapcp.RoutingIndexManager(n + 1, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    metres_list, ride_list = metres.tolist(), ride.tolist()

    def distance_cb(a, b):
        return metres_list[manager.IndexToNode(a)][manager.IndexToNode(b)]

    def time_cb(a, b):
        i, j = manager.IndexToNode(a), manager.IndexToNode(b)
        return ride_list[i][j] + (spec.service if i != 0 else 0)

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(distance_cb))
    time_index = routing.RegisterTransitCallback(time_cb)
    routing.AddDimension(time_index, 0, spec.return_by, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    time_dim.CumulVar(routing.Start(0)).SetRange(spec.start, spec.start)
    time_dim.CumulVar(routing.End(0)).SetRange(spec.start, spec.return_by)
    demand = routing.RegisterUnaryTransitCallback(lambda a: 0 if manager.IndexToNode(a) == 0 else 1)
    routing.AddDimensionWithVehicleCapacity(demand, 0, [spec.capacity], True, "load")
    penalty = int(metres.max()) * (n + 2) + 1  # a dropped stop costs more than any detour
    for i in range(n):
        index = manager.NodeToIndex(i + 1)
        time_dim.CumulVar(index).SetRange(spec.start, spec.deadline)
        routing.AddDisjunction([index], penalty)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.seconds = seconds_limit
    solution = routing.SolveWithParameters(params)
    order: list[int] = []
    if solution is not None:
        index = solution.Value(routing.NextVar(routing.Start(0)))
        while not routing.IsEnd(index):
            order.append(manager.IndexToNode(index) - 1)
            index = solution.Value(routing.NextVar(index))
    late = sorted(set(range(n)) - set(order))
    order = _append_late(order, late, metres)
    arrival, distance, back = _evaluate(spec, order, metres, ride)
    return Plan(order=order, arrival=arrival, late=late, distance_m=distance, back_at=back)
