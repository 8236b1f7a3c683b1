"""Distances for Rantang Kasih: haversine on latitude/longitude, times a road factor.

We have no road network offline, so a straight-line (great-circle) distance is stretched by ROAD_FACTOR
to stand for the road a motorbike rides. 1.35 is the detour index commonly measured for rural road
networks (straight-line x 1.3-1.4); Banyuwangi's villages lie along roads between rice fields and
plantations, so we take the middle. Every distance the app shows and every cost it optimises is this
road estimate in metres, rounded to whole metres (the solvers work in integers).
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_M = 6_371_008.8
ROAD_FACTOR = 1.35
MOTORBIKE_KMH = 25.0  # a loaded motorbike on village roads, stops and turns included


def haversine_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres; numpy-broadcasting (scalars or arrays)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(x, dtype=np.float64)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def road_m(lat1, lon1, lat2, lon2):
    """Estimated road distance in whole metres (int64), broadcasting like haversine_m."""
    return np.rint(haversine_m(lat1, lon1, lat2, lon2) * ROAD_FACTOR).astype(np.int64)


def road_matrix_m(lats: np.ndarray, lons: np.ndarray, to_lats: np.ndarray, to_lons: np.ndarray) -> np.ndarray:
    """Road distances from every point of the first set to every point of the second (rows x columns)."""
    return road_m(lats[:, None], lons[:, None], to_lats[None, :], to_lons[None, :])


def ride_seconds(metres):
    """Riding time by motorbike for a road distance, in whole seconds."""
    return np.rint(np.asarray(metres, dtype=np.float64) / (MOTORBIKE_KMH * 1000 / 3600)).astype(np.int64)
