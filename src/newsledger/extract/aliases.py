"""Canonical names for actors news names in many ways, from a curated table.

In-document resolution ("Ryder" -> "Pat Ryder") cannot know that "South Korea's spy agency" is
the National Intelligence Service or that "Zelenskyy" and "Zelensky" are one man; a small table
of common state actors and much-cited people, kept as data, does. Names not in the table are
returned unchanged, so the table only ever merges what it knows.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

_NOISE = re.compile(r"['’]s\b|[.\-–]")
#: bodies a text names by their head noun alone ("police say", "the army said"). Unless the
#: text named the body before, nobody is named, yet in one story it is one body speaking.
BARE_BODIES = frozenset({"police", "army", "government", "military", "navy"})


def key(name: str) -> str:
    """The form names are compared in: lower case, no article, possessive, hyphen or dot."""
    lowered = _NOISE.sub(lambda m: "" if m.group(0) in {".", "'s", "’s"} else " ", name.lower())
    words = lowered.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=1)
def _entries() -> dict[str, list[str]]:
    """The table as written: canonical name -> its other names (notes left out)."""
    text = resources.files("newsledger.extract").joinpath("data/aliases.json").read_text("utf-8")
    return {c: vs for c, vs in json.loads(text).items() if not c.startswith("_")}


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, variants in _entries().items():
        for variant in (canonical, *variants):
            table[key(variant)] = canonical
    return table


def lookup(name: str) -> str | None:
    """The table's canonical name for ``name``, or ``None`` when the table does not know it.

    An abbreviation counts only in capitals: "WHO" is the World Health Organization, "who"
    is a pronoun."""
    found = _table().get(key(name))
    written = name.split()[-1] if name.split() else ""
    if found is not None and key(name) in _abbreviations() and written.islower():
        return None
    return found


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    """The table's keys that are written in capitals ("WHO", "AU", "NIS")."""
    variants = (v for vs in _entries().values() for v in vs)
    return frozenset(key(v) for v in variants if v.replace(".", "").isupper())


def canonical(name: str) -> str:
    """The table's canonical name for ``name``, or ``name`` itself when the table has none."""
    return lookup(name) or name


def bare_body(text: str) -> str | None:
    """The body a bare mention stands for ("The army" -> "army"), or None for any other name."""
    name = key(text)
    return name if name in BARE_BODIES else None
