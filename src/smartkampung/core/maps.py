"""What every map of the site shares: the tile source the deployment chose, and the zoom limit."""

from __future__ import annotations

import os

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# Set on every map: with no tile layer Leaflet has no maxZoom of its own and marker clustering breaks.
MAX_ZOOM = 18


def tiles_url() -> str:
    """The tile URL when the deployment says it is online, else "" (a plain background, no requests).

    SMARTKAMPUNG_MAP_TILES: empty/0/off = offline; a URL template with {z}/{x}/{y} = that tile server
    (a regency's own); anything else (1, on, osm) = OpenStreetMap. Read per request, not at import."""
    value = os.environ.get("SMARTKAMPUNG_MAP_TILES", "").strip()
    if value.lower() in {"", "0", "off", "false", "no"}:
        return ""
    return value if "{z}" in value else OSM_TILES
