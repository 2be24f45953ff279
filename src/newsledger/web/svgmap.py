"""A story's places drawn as an inline SVG map: equirectangular, local, no tiles, no script.

A tile server would send every analyst's viewport to a third party and break offline; the
gazetteer's coordinates are all a reader needs to see where a story happens. The map is framed
on the places (with a margin), longitudes scaled by the cosine of the middle latitude so
distances look right there, with a graticule for orientation. Place names are text nodes,
escaped like everything else.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup

from newsledger.web.data import PlaceGroup

WIDTH = 720
HEIGHT = 420
MARGIN = 24
#: Degrees of margin around the places, at least; a single place gets a region around it.
MIN_PAD = 0.5
GRID_STEPS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 45)


class _Frame:
    """Degrees to SVG pixels for the box around the places."""

    def __init__(self, places: Sequence[PlaceGroup]) -> None:
        lats, lons = [p.lat for p in places], [p.lon for p in places]
        pad = max(MIN_PAD, 0.15 * max(max(lats) - min(lats), max(lons) - min(lons)))
        self.south, self.north = max(-90.0, min(lats) - pad), min(90.0, max(lats) + pad)
        self.west, self.east = max(-180.0, min(lons) - pad), min(180.0, max(lons) + pad)
        self.squash = max(0.2, math.cos(math.radians((self.south + self.north) / 2)))
        width = (self.east - self.west) * self.squash
        self.scale = min(
            (WIDTH - 2 * MARGIN) / width, (HEIGHT - 2 * MARGIN) / (self.north - self.south)
        )
        self.x0 = (WIDTH - width * self.scale) / 2
        self.y0 = (HEIGHT - (self.north - self.south) * self.scale) / 2

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x = self.x0 + (lon - self.west) * self.squash * self.scale
        y = self.y0 + (self.north - lat) * self.scale
        return round(x, 1), round(y, 1)


def draw(places: Sequence[PlaceGroup]) -> Markup | None:
    """The SVG element for the places, or ``None`` when none has coordinates."""
    if not places:
        return None
    frame = _Frame(places)
    parts = [
        Markup(
            '<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
            'role="img" aria-labelledby="map-title"><title id="map-title">{n} places</title>'
            '<rect class="sea" x="0" y="0" width="{w}" height="{h}"/>'
        ).format(w=WIDTH, h=HEIGHT, n=len(places)),
        _graticule(frame),
    ]
    for number, place in enumerate(places, 1):
        x, y = frame.xy(place.lat, place.lon)
        radius = round(4 + 3 * math.sqrt(len(place.mentions) - 1), 1)
        parts.append(
            Markup(
                '<a href="#place-{i}"><circle class="place" cx="{x}" cy="{y}" r="{r}">'
                "<title>{name}: {n} mentions</title></circle>"
                '<text class="label" x="{tx}" y="{ty}">{name}</text></a>'
            ).format(
                i=number, x=x, y=y, r=radius, name=place.name, n=len(place.mentions),
                tx=round(x + radius + 3, 1), ty=round(y + 4, 1),
            )
        )  # fmt: skip
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _graticule(frame: _Frame) -> Markup:
    span = max(frame.north - frame.south, frame.east - frame.west)
    step = next((s for s in GRID_STEPS if span / s <= 8), GRID_STEPS[-1])
    lines = []
    for lat in _ticks(frame.south, frame.north, step):
        (x1, y), (x2, _) = frame.xy(lat, frame.west), frame.xy(lat, frame.east)
        lines.append(_line(x1, y, x2, y, f"{lat:g}°", x1 + 2, y - 2))
    for lon in _ticks(frame.west, frame.east, step):
        (x, y1), (_, y2) = frame.xy(frame.north, lon), frame.xy(frame.south, lon)
        lines.append(_line(x, y1, x, y2, f"{lon:g}°", x + 2, y2 - 2))
    return Markup("").join(lines)


def _ticks(low: float, high: float, step: float) -> list[float]:
    """Multiples of ``step`` from ``low`` to ``high`` (counted, so no rounding drift)."""
    return [round(k * step, 6) for k in range(math.ceil(low / step), math.floor(high / step) + 1)]


def _line(x1: float, y1: float, x2: float, y2: float, label: str, tx: float, ty: float) -> Markup:
    return Markup(
        '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
        '<text class="grid-label" x="{}" y="{}">{}</text>'
    ).format(x1, y1, x2, y2, round(tx, 1), round(ty, 1), label)
