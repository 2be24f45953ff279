"""Figures in a news body: amounts, ranges and bounds, vague amounts, units, counted things, rates.

Why not quantulum3: its shipped classifier does not load with current scikit-learn, and it loses
what a briefing needs most: the counted noun ("troops"), the qualifier ("as many as") and the rate
("per soldier per month"). So figures are read here from the one spaCy parse the pipeline already
made (``nlp.parse``), with no second pass. Every CARDINAL/MONEY/QUANTITY/PERCENT span holds a
number token, so the scan starts at number tokens and number words rather than at those spans
(which keeps it working when an entity component relabels or drops them); spaCy's DATE, TIME and
name spans keep dates, times and names out; units and currencies are matched with one compiled
pattern each at a position of the body; the counted noun comes from the dependency parse, with a
run of adjectives and nouns as the fallback.

Conventions of the ``Quantity`` records made here (the vocabularies are in ``data/``):

- One reading, as ``model.Quantity`` says: ``value`` alone; or ``low``/``high`` for a range
  ("between 10,000 and 12,000", "10,000-12,000") or a bound ("more than 3,000": ``low`` only;
  "up to 100,000", "as many as": ``high`` only); or ``vague`` and no number at all.
- ``vague``: "a relatively small number of troops", "many soldiers"; only when people are
  counted, so that "many questions" is no figure.
- Spelled-out vague amounts get a range and ``approximate``: "several thousand" is 3,000 to 9,000
  and "a few hundred" 200 to 500; a plural magnitude is one to ten of it ("dozens" 12 to 120,
  "tens of thousands" 10,000 to 100,000, as the NewsQuant annotators read them); "a couple
  thousand" is 2,000, approximate. "nearly", "almost", "about", "some" keep the value and set
  ``approximate``.
- ``unit``: an ISO code for money (USD, KRW, RUB; a bare "$" is USD), ``percent`` (also for
  shares: "one in five adults" is 20, "two-thirds of the troops" 66.7), a symbol for measures
  (km, km2, mi, t, ha, kW; see ``data/units.json``), year/month/day/... for durations,
  ``year-old`` for ages, ``people`` when people are counted (troops, soldiers, workers), else the
  counted phrase in the singular ("heart transplant"); ``None`` for a bare number.
- ``counted``: what is counted, as written, modifiers first and head noun last ("North Korean
  troops"), with the state of counted people after it ("Russian soldiers dead or wounded"); for
  money, a measure or a percentage only its "of" object ("barrels of oil" counts "oil").
  ``counted_head`` gives the head noun back.
- ``per``: the rate, "month" or "soldier per month" ("per", "a", "each", "monthly", "annually").
- Durations and ages are kept although spaCy tags them DATE ("three years", "a 55-year-old"):
  they are measures, not calendar points. Not figures: a DATE or TIME number without a unit,
  years and decades, ordinals, numbers in names and labels ("Game 7", "FTSE 100"), scores
  ("2-0"), phone numbers, clock times, list numbering, temperatures in page chrome.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import logging
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import IDX, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from newsledger.model import Quantity

DATA = Path(__file__).parent / "data"
log = logging.getLogger(__name__)

#: The longest number part ``parse_amount`` reads; longer text is not one number.
MAX_AMOUNT_CHARS = 120
#: How far (tokens) the counted noun may sit after its number ("two new 737 Max jets").
COUNTED_WINDOW = 7
#: How far (tokens) a rate adverb may sit after the figure ("1,000 are lost daily").
RATE_WINDOW = 4
#: How far (chars) before a number a phone number, time or date holding it may start.
EXCLUDED_REACH = 40

_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
_ADJ_TAGS = frozenset({"JJ", "JJR", "JJS", "VBN", "VBG"})
_NAME_LABELS = frozenset(
    {"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "FAC", "LAW", "GPE", "LOC", "NORP"}
)
_QUOTES = frozenset({'"', "'", "“", "”", "‘", "’", "«", "»", "``", "''"})
_DETERMINERS = frozenset(
    {"the", "these", "those", "its", "their", "his", "her", "our", "your", "my", "all", "this"}
)
_SENTENCE_END = frozenset(".!?\"”’')")


# --- the number part -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    """The number part of a figure, in the one-reading convention of ``model.Quantity``."""

    value: float | None
    low: float | None = None
    high: float | None = None
    approximate: bool = False
    #: Words, not a number ("several thousand"): the range is only what the words imply.
    vague: bool = False

    def scaled(self, factor: float) -> Amount:
        return Amount(
            None if self.value is None else self.value * factor,
            None if self.low is None else self.low * factor,
            None if self.high is None else self.high * factor,
            self.approximate,
            self.vague,
        )

    @property
    def least(self) -> float:
        """The smallest number this amount may mean (for range order checks)."""
        return next(v for v in (self.value, self.low, self.high, 0.0) if v is not None)

    @property
    def most(self) -> float:
        return next(v for v in (self.value, self.high, self.low, 0.0) if v is not None)


@dataclass(frozen=True)
class _Vocab:
    """Every word list of this module, loaded once from ``data/*.json``."""

    number_words: dict[str, int]
    scale_words: dict[str, float]
    scale_abbreviations: dict[str, float]
    ambiguous_abbreviations: frozenset[str]
    plural_magnitudes: dict[str, float]
    vague_multipliers: dict[str, tuple[float, float]]
    fraction_words: dict[str, int]
    qualifiers: dict[tuple[str, ...], str]
    post_qualifiers: dict[tuple[str, ...], str]
    change_words: frozenset[str]
    rate_words: frozenset[str]
    rate_adverbs: dict[tuple[str, ...], str]
    rate_blockers: frozenset[str]
    per_nouns: frozenset[str]
    people_nouns: frozenset[str]
    people_states: frozenset[str]
    invariant_nouns: frozenset[str]
    units_before: dict[str, str]
    vague_quantifiers: frozenset[tuple[str, ...]]
    vague_number_nouns: frozenset[str]
    vague_size_words: frozenset[str]
    vague_blockers: frozenset[str]
    label_words: frozenset[str]
    one_blockers: frozenset[str]
    fraction_blockers: frozenset[str]
    pronouns_of: frozenset[str]
    year_prepositions: frozenset[str]
    time_words: frozenset[str]
    phone_words: frozenset[str]
    age_words: frozenset[str]
    word_tokens: frozenset[str]
    word_starts: frozenset[str]
    vague_starts: frozenset[str]
    start_hashes: numpy.ndarray[Any, numpy.dtype[numpy.uint64]]
    units_cs: dict[str, _Unit]
    units_ci: dict[str, _Unit]
    unit_re: re.Pattern[str]
    prefixes: dict[str, _Unit]
    prefix_re: re.Pattern[str]
    excluded_re: re.Pattern[str]


@dataclass(frozen=True)
class _Unit:
    """One unit surface: the unit it names and the conditions under which it is one."""

    unit: str
    kind: str
    min_value: float | None = None
    glued_only: bool = False


def _phrases(items: Iterable[str]) -> list[tuple[str, ...]]:
    return [tuple(item.split()) for item in items]


def _surface_pattern(surface: str) -> str:
    """A regex for a unit surface: any run of blanks for a space, blanks allowed round a hyphen."""
    out = []
    for part in re.split(r"(\s+|-)", surface):
        if not part:
            continue
        if part.isspace():
            out.append(r"[ \t\u00a0]+")
        elif part == "-":
            out.append(r"[ \t]*-[ \t]*")
        else:
            out.append(re.escape(part))
    return "".join(out)


def _alternation(surfaces: Iterable[tuple[str, bool]]) -> str:
    """Longest first, since ``re`` takes the first alternative that matches."""
    parts = []
    for surface, case_sensitive in sorted(set(surfaces), key=lambda s: (-len(s[0]), s[0])):
        pattern = _surface_pattern(surface)
        if not case_sensitive:
            pattern = f"(?i:{pattern})"
        elif surface[:1].isalpha():
            pattern = rf"(?<![^\W\d_]){pattern}"
        parts.append(pattern)
    return "|".join(parts)


_BLANKS = re.compile(r"\s+")
_HYPHEN = re.compile(r"\s*-\s*")


def _unit_key(surface: str) -> str:
    """The lookup form of a unit surface: one space between words, none round a hyphen."""
    return _HYPHEN.sub("-", _BLANKS.sub(" ", surface.strip()))


#: Stretches of the body that hold numbers but no figures: phone numbers (three groups, an area
#: code, a country code, or two groups after a phone word), clock times, list numbering, dates
#: written in digits. Searched only round a number (``EXCLUDED_REACH`` either side), since a
#: whole-text scan with this many alternatives costs more than the rest of the pass; URLs and
#: e-mail addresses are single spaCy tokens and are told by their token flags.
_EXCLUDED_PATTERN = (
    r"(?P<phone>(?:\+\d{1,3}[\s.-]?)?\(\d{2,5}\)[\s.-]?\d{3,4}[\s.-]?\d{3,4}"
    r"|\+\d{1,3}[\s.-]?\d{1,4}(?:[\s.-]\d{2,4}){2,4}"
    r"|\b\d{3}[.-]\d{3}[.-]\d{4}\b"
    r"|(?i:PHONE_WORDS)[:\s]{1,3}\d{3,4}[\s.-]\d{4}\b)"
    r"|(?P<clock>\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?[ \t]*(?i:a\.?m\.?|p\.?m\.?)(?![^\W_])"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b)"
    r"|(?P<list>(?m:^)[ \t]*\(?\d{1,3}[.)](?=[ \t]))"
    r"|(?P<date>\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.]\d{1,2}[/.](?:19|20)?\d\d\b)"
)


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    """Load the vocabularies and compile the unit and currency patterns, once per process."""
    words: dict[str, Any] = json.loads((DATA / "quantities.json").read_text("utf-8"))
    units: dict[str, Any] = json.loads((DATA / "units.json").read_text("utf-8"))
    qualifiers: dict[tuple[str, ...], str] = {}
    for kind, key in (("approx", "approximators"), ("low", "low_bounds"), ("high", "high_bounds")):
        for phrase in _phrases(words[key]):
            qualifiers[phrase] = kind
    post: dict[tuple[str, ...], str] = {}
    for kind, key in (("low", "post_low"), ("high", "post_high"), ("approx", "post_approx")):
        for phrase in _phrases(words[key]):
            post[phrase] = kind
    units_cs: dict[str, _Unit] = {}
    units_ci: dict[str, _Unit] = {}
    prefixes: dict[str, _Unit] = {}
    surfaces: list[tuple[str, bool]] = []
    for entry in units["units"]:
        unit = _Unit(entry["unit"], entry["kind"])
        for symbol in entry["symbols"]:
            units_cs[_unit_key(symbol)] = unit
            surfaces.append((symbol, True))
        for word in entry["words"]:
            units_ci[_unit_key(word).lower()] = unit
            surfaces.append((word, False))
    prefix_surfaces: list[tuple[str, bool]] = []
    for entry in units["currencies"]:
        glued = set(entry.get("glued_only", ()))
        minimum = entry.get("min_value")
        for symbol in entry["symbols"]:
            units_cs[_unit_key(symbol)] = _Unit(entry["unit"], "currency", minimum, symbol in glued)
            surfaces.append((symbol, True))
        for word in entry["words"]:
            units_ci[_unit_key(word).lower()] = _Unit(entry["unit"], "currency", minimum)
            surfaces.append((word, False))
        prefix_minimum = entry.get("prefix_min_value", {})
        for prefix in entry["prefix"]:
            prefixes[_unit_key(prefix)] = _Unit(
                entry["unit"], "currency", prefix_minimum.get(prefix)
            )
            prefix_surfaces.append((prefix, True))
    unit_re = re.compile(r"(?:[ \t\u00a0]{0,3}|-)(?P<u>" + _alternation(surfaces) + r")(?![^\W_])")
    prefix_re = re.compile(r"(?P<c>" + _alternation(prefix_surfaces) + r")[ \t\u00a0]{0,2}$")
    number_words = {k: int(v) for k, v in words["number_words"].items()}
    scale_words = {k: float(v) for k, v in words["scale_words"].items()}
    plural = {k: float(v) for k, v in words["plural_magnitudes"].items()}
    vague_multipliers = {
        k: (float(v[0]), float(v[1])) for k, v in words["vague_multipliers"].items()
    }
    fractions = {k: int(v) for k, v in words["fraction_words"].items()}
    vague_quantifiers = frozenset(_phrases(words["vague_quantifiers"]))
    vague_starts = frozenset(p[0] for p in vague_quantifiers) | {"a", "an"}
    word_starts = frozenset({*number_words, *plural, *vague_multipliers} | {"a", "an", "half"})
    # the scan starts only at tokens whose lower-case form is one of these (or has a digit)
    starts = word_starts | vague_starts
    return _Vocab(
        number_words=number_words,
        scale_words=scale_words,
        scale_abbreviations={k: float(v) for k, v in words["scale_abbreviations"].items()},
        ambiguous_abbreviations=frozenset(words["ambiguous_abbreviations"]),
        plural_magnitudes=plural,
        vague_multipliers=vague_multipliers,
        fraction_words=fractions,
        qualifiers=qualifiers,
        post_qualifiers=post,
        change_words=frozenset(words["change_words"]),
        rate_words=frozenset(words["rate_words"]),
        rate_adverbs={tuple(k.split()): v for k, v in words["rate_adverbs"].items()},
        rate_blockers=frozenset(words["rate_blockers"]),
        per_nouns=frozenset(words["per_nouns"]),
        people_nouns=frozenset(words["people_nouns"]),
        people_states=frozenset(words["people_states"]),
        invariant_nouns=frozenset(words["invariant_nouns"]),
        units_before=dict(words["units_before"]),
        vague_quantifiers=vague_quantifiers,
        vague_number_nouns=frozenset(words["vague_number_nouns"]),
        vague_size_words=frozenset(words["vague_size_words"]),
        vague_blockers=frozenset(words["vague_blockers"]),
        label_words=frozenset(words["label_words"]),
        one_blockers=frozenset(words["one_blockers"]),
        fraction_blockers=frozenset(words["fraction_blockers"]),
        pronouns_of=frozenset(words["pronouns_of"]),
        year_prepositions=frozenset(words["year_prepositions"]),
        time_words=frozenset(words["time_words"]),
        phone_words=frozenset(words["phone_words"]),
        age_words=frozenset(words["age_words"]),
        word_tokens=frozenset(
            {*number_words, *scale_words, *plural, *vague_multipliers, *fractions}
            | {"a", "an", "and", "of", "out"}
        ),
        word_starts=word_starts,
        vague_starts=vague_starts,
        start_hashes=numpy.array(sorted(get_string_id(w) for w in starts), dtype=numpy.uint64),
        units_cs=units_cs,
        units_ci=units_ci,
        unit_re=unit_re,
        prefixes=prefixes,
        prefix_re=prefix_re,
        excluded_re=re.compile(
            _EXCLUDED_PATTERN.replace(
                "PHONE_WORDS", "|".join(re.escape(w) for w in words["phone_words"])
            )
        ),
    )


_AMOUNT_TOKEN = re.compile(
    r"(?P<sci>\d+(?:\.\d+)?[ \t]*[×x*][ \t]*10[ \t]*(?:\^|\*\*)?[ \t]*(?P<exp>[-−]?[ \t]*\d{1,3}))"
    r"|(?P<frac>(?P<fn>\d+)[ \t]*[/⁄][ \t]*(?P<fd>\d+))"
    r"|(?P<num>\d+(?:\.\d+)?|\.\d+)"
    r"|(?P<word>[a-z]+)"
    r"|(?P<vulgar>[½¼¾⅓⅔⅛])"
    r"|(?P<sym>[-−–+])"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.S,
)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_VULGAR = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125}

_Tok = tuple[str, Any]  # ("n", 12.0) number, ("f", 0.5) fraction, ("w", "million"), ("-", "-")


def _amount_tokens(text: str) -> list[_Tok] | None:
    """Split a number part into numbers, fractions and words; ``None`` on any other character."""
    out: list[_Tok] = []
    for match in _AMOUNT_TOKEN.finditer(_THOUSANDS.sub("", text.lower())):
        kind = match.lastgroup
        if kind == "sci":
            mantissa = float(_MANTISSA.match(match.group()).group())  # type: ignore[union-attr]
            exponent = int(
                _EXPONENT_JUNK.sub(lambda m: "-" if m.group() == "−" else "", match["exp"])
            )
            out.append(("n", mantissa * 10.0**exponent))
        elif kind == "frac":
            denominator = int(match["fd"])
            if denominator == 0:
                return None
            out.append(("f", int(match["fn"]) / denominator))
        elif kind == "num":
            out.append(("n", float(match.group())))
        elif kind == "word":
            out.append(("w", match.group()))
        elif kind == "vulgar":
            out.append(("f", _VULGAR[match.group()]))
        elif kind == "sym":
            out.append(("-", match.group()))
        elif kind == "other":
            return None
    return out


def parse_amount(text: str) -> Amount | None:
    """The number a number part says: "11,000", "1.28 million", "10K", "several thousand".

    Pure and total: ``None`` for anything that is not exactly one number part (no units, no
    qualifiers: those are the scanner's business, which keeps this testable on its own).
    """
    if not text or len(text) > MAX_AMOUNT_CHARS:
        return None
    try:
        tokens = _amount_tokens(text)
        if not tokens:
            return None
        amount = _amount(tokens)
    except (ValueError, OverflowError, ZeroDivisionError, IndexError, AttributeError):
        return None
    if amount is None:
        return None
    numbers = [v for v in (amount.value, amount.low, amount.high) if v is not None]
    if not numbers or not all(math.isfinite(v) for v in numbers):
        return None
    return amount


def _amount(tokens: list[_Tok]) -> Amount | None:
    sign = 1.0
    if tokens[0] in (("-", "-"), ("-", "−"), ("-", "–"), ("w", "minus")):
        sign, tokens = -1.0, tokens[1:]
    elif tokens[0] in (("-", "+"), ("w", "plus")):
        tokens = tokens[1:]
    # a hyphen between two words joins them ("twenty-five", "two-thirds"); anywhere else it
    # is no part of one number
    joined: list[_Tok] = []
    for i, tok in enumerate(tokens):
        if tok[0] == "-":
            if 0 < i < len(tokens) - 1 and tokens[i - 1][0] == "w" and tokens[i + 1][0] == "w":
                continue
            return None
        joined.append(tok)
    if not joined:
        return None
    words = [t[1] for t in joined if t[0] == "w"]
    amount = (
        (_plural_magnitude(joined) if len(words) == len(joined) else None)
        or _vague_multiple(joined)
        or _fraction(joined)
        or _cardinal(joined)
    )
    if amount is None or sign > 0:
        return amount
    if amount.value is None:
        return None
    return Amount(-amount.value, approximate=amount.approximate)


def _plural_magnitude(tokens: list[_Tok]) -> Amount | None:
    """ "dozens", "hundreds of thousands": one to ten of the magnitude named."""
    v = _vocab()
    words = [t[1] for t in tokens]
    if len(words) % 2 == 0 or any(w != "of" for w in words[1::2]):
        return None
    magnitudes = words[::2]
    if not all(w in v.plural_magnitudes for w in magnitudes):
        return None
    if magnitudes[0] == "tens" and len(magnitudes) == 1:
        return None
    low = math.prod(v.plural_magnitudes[w] for w in magnitudes)
    return Amount(None, low, low * 10, approximate=True, vague=True)


def _scale_product(tokens: list[_Tok]) -> float | None:
    v = _vocab()
    factor = 1.0
    for kind, word in tokens:
        if kind != "w" or word not in v.scale_words:
            return None
        factor *= v.scale_words[word]
    return factor


def _vague_multiple(tokens: list[_Tok]) -> Amount | None:
    """ "several thousand", "a few hundred", "a couple of million"."""
    v = _vocab()
    words = [t[1] if t[0] == "w" else None for t in tokens]
    if words[:1] in (["a"], ["an"]):
        words, tokens = words[1:], tokens[1:]
    if not words or words[0] not in v.vague_multipliers:
        return None
    rest = tokens[1:]
    if rest[:1] == [("w", "of")]:
        rest = rest[1:]
    factor = _scale_product(rest)
    if factor is None:
        return None
    low, high = v.vague_multipliers[words[0]]
    if low == high:
        return Amount(low * factor, approximate=True)
    return Amount(None, low * factor, high * factor, approximate=True, vague=True)


def _fraction(tokens: list[_Tok]) -> Amount | None:
    """ "half", "a third", "two-thirds", "one out of three", "half a million"."""
    v = _vocab()
    words = [t[1] if t[0] == "w" else None for t in tokens]
    if words[0] == "half":
        if len(tokens) == 1:
            return Amount(0.5)
        whole = _cardinal(tokens[1:]) if words[1] in ("a", "an") else None
        return None if whole is None or whole.value is None else Amount(0.5 * whole.value)
    if len(tokens) == 2 and words[1] in v.fraction_words:
        count = 1.0 if words[0] in ("a", "an") else _small(tokens[0])
        if count is None:
            return None
        return Amount(count / v.fraction_words[str(words[1])])
    if len(tokens) >= 3 and (words[1:3] == ["out", "of"] or words[1] == "in"):
        rest = tokens[3:] if words[1] == "out" else tokens[2:]
        top, bottom = _small(tokens[0]), (_small(rest[0]) if len(rest) == 1 else None)
        if top is None or not bottom:
            return None
        return Amount(top / bottom)
    return None


def _share_of_scale(tokens: list[_Tok]) -> float | None:
    """The share in "a quarter million" or "a half billion", when a scale word follows it."""
    v = _vocab()
    if len(tokens) < 2 or tokens[1][0] != "w" or tokens[1][1] not in v.scale_words:
        return None
    if tokens[0][0] != "w" or tokens[0][1] not in v.fraction_words:
        return None
    return 1.0 / v.fraction_words[str(tokens[0][1])]


def _small(tok: _Tok) -> float | None:
    if tok[0] == "n":
        return float(tok[1])
    if tok[0] == "w" and tok[1] in _vocab().number_words:
        return float(_vocab().number_words[tok[1]])
    return None


def _cardinal(tokens: list[_Tok]) -> Amount | None:
    """Digits or number words with scales: "4 hundred million", "two thousand five hundred"."""
    v = _vocab()
    total = 0.0
    current: float | None = None
    last = ""
    i = 0
    while i < len(tokens):
        kind, item = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        if kind == "n":
            if current is not None or last == "scale":
                return None
            current, last = float(item), "n"
        elif kind == "f":
            if current is None and last == "":
                current = float(item)
            elif last == "n" and current is not None and float(current).is_integer():
                current += float(item)
            else:
                return None
            last = "f"
        elif item in ("a", "an"):
            share = _share_of_scale(tokens[i + 1 : i + 3]) if not last else None
            if share is not None:  # "a quarter million": the share, then its scale
                current, last = share, "f"
                i += 2
                continue
            if last or nxt[0] != "w" or nxt[1] not in v.scale_words:
                return None
            current, last = 1.0, "a"
        elif item in v.number_words:
            n = float(v.number_words[item])
            if current is None:
                current = n
            elif (last == "tens" and n < 10) or last in ("hundred", "and"):
                current += n
            else:
                return None
            last = "tens" if 20 <= n < 100 else "units"
        elif item == "and":
            part = _fraction(tokens[i + 1 : i + 3]) if last in ("units", "n") else None
            if part is not None and part.value is not None and part.value < 1:
                current = (current or 0.0) + part.value  # "one and a half", "one and two thirds"
                i += 3
                last = "f"
                continue
            if last not in ("hundred", "scale") or nxt[0] != "w" or nxt[1] not in v.number_words:
                return None
            if last == "scale":
                current = 0.0
            last = "and"
        elif item == "hundred":
            if current is None:
                return None
            current, last = current * 100, "hundred"
        elif item in v.scale_words or (item in v.scale_abbreviations and last == "n"):
            if current is None:
                return None
            scale = v.scale_words.get(item) or v.scale_abbreviations[item]
            if current >= scale and item != "dozen":
                return None
            total += current * scale
            current, last = None, "scale"
        else:
            return None
        i += 1
    if last in ("", "a", "and"):
        return None
    return Amount(total + (current or 0.0))


# --- scanning a parsed document ------------------------------------------------------------------

_NUM_TOKEN = re.compile(
    r"^(?P<pre>.*?)(?P<sign>minus-|minus|[-−–+])?"
    r"(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
    r"(?P<tail>[/⁄]\d+|[×x]10[-−]?\d{1,3})?(?P<suf>.*)$",
    re.S,
)
_HAS_DIGIT = re.compile(r"\d")
_DIGIT_RUN = re.compile(r"\d+")
_YEAR = re.compile(r"1[5-9]\d\d|2[01]\d\d")
_MANTISSA = re.compile(r"\d+(?:\.\d+)?")
_EXPONENT_JUNK = re.compile(r"[\s−]")
_ALNUM_RUN = re.compile(r"[^\W_]+")
_PRE_GLYPHS = {"~": "approx", "≈": "approx", ">": "low", "<": "high", "+": "", "c.": "approx"}


_PERCENT = _Unit("percent", "percent")


@dataclass
class _Num:
    """A number part found in the doc, before its unit, range and qualifiers are read."""

    first: int
    last: int
    start: int
    end: int
    amount: Amount
    scale: float = 1.0
    digits: bool = True
    currency: _Unit | None = None
    glyph: str = ""
    plus: bool = False
    only_vague: bool = False
    is_one: bool = False
    year_like: bool = False
    slash: bool = False


@dataclass
class _Figure:
    """A quantity being assembled: the number part, then everything read around it."""

    num: _Num
    start: int
    end: int
    next_tok: int
    unit: _Unit | None = None
    high_num: _Num | None = None
    approximate: bool = False
    bound: str = ""
    counted: tuple[int, int, int] | None = None  # first, head and last token
    counted_unit: str | None = None
    per: str | None = None
    flags: set[str] = field(default_factory=set)


class _Scanner:
    """Reads the figures of one doc, sentence by sentence, in one left-to-right pass."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text
        self.v = _vocab()
        self.starts: list[int] = doc.to_array(IDX).tolist() if len(doc) else []
        # a pipeline tags and parses every token or none, so the first token tells (spaCy's
        # has_annotation walks the whole doc in Python)
        self.has_tags = bool(len(doc)) and doc[0].tag != 0
        self.has_deps = bool(len(doc)) and doc[0].dep != 0
        self.has_sents = self.has_deps or doc.has_annotation("SENT_START")
        self.candidates = self.candidate_tokens()

    def candidate_tokens(self) -> list[int]:
        """Tokens a figure can start at: any with a digit, and the words that open one.

        Found with one regex pass over the text and one array lookup, so the scan below visits
        a few tokens per sentence instead of every token.
        """
        if not self.starts:
            return []
        lowers = self.doc.to_array(LOWER)
        found = set(numpy.flatnonzero(numpy.isin(lowers, self.v.start_hashes)).tolist())
        for match in _DIGIT_RUN.finditer(self.text):
            found.add(self.token_at(match.start()))
        return sorted(found)

    # -- helpers ---------------------------------------------------------------------------------

    def is_excluded(self, pos: int) -> bool:
        """Whether char ``pos`` lies in a phone number, a clock time, a date or list numbering."""
        lo, hi = max(0, pos - EXCLUDED_REACH), min(len(self.text), pos + 2 * EXCLUDED_REACH)
        for match in self.v.excluded_re.finditer(self.text, lo, hi):
            if match.start() > pos:
                break
            if pos < match.end():
                return True
        return False

    def token_at(self, pos: int) -> int:
        """The index of the token holding char ``pos`` (or the next token after a blank)."""
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def token_after(self, pos: int) -> int:
        """The index of the first token that starts at or after char ``pos``."""
        return bisect.bisect_left(self.starts, pos)

    def glued(self, i: int) -> bool:
        """Whether token ``i`` follows token ``i - 1`` with no blank between."""
        return i > 0 and not self.doc[i - 1].whitespace_

    def is_noun(self, tok: Token) -> bool:
        return tok.tag_ in _NOUN_TAGS or tok.pos_ in ("NOUN", "PROPN")

    # -- the pass --------------------------------------------------------------------------------

    def run(self) -> Iterator[Quantity]:
        if not self.candidates:
            return
        sentences = self.doc.sents if self.has_sents else [self.doc[:]]
        for sent in sentences:
            yield from self.sentence(sent)

    def sentence(self, sent: Span) -> Iterator[Quantity]:
        floor = sent.start_char
        stop, limit = sent.end, sent.end_char
        previous: _Figure | None = None
        k = bisect.bisect_left(self.candidates, sent.start)
        free = sent.start
        while k < len(self.candidates) and self.candidates[k] < stop:
            i = self.candidates[k]
            k += 1
            if i < free or self.starts[i] < floor:
                continue
            tok = self.doc[i]
            figure: _Figure | None = None
            vague: Quantity | None = None
            try:
                if tok.lower_ in self.v.vague_starts:
                    vague = self.vague(i, stop, floor)
                if vague is None:
                    figure = self.figure(i, stop, floor, limit)
            except Exception:  # one odd figure must never cost the document
                log.debug("quantity scan failed at char %d", tok.idx, exc_info=True)
                figure = None
            if vague is not None:
                yield vague
                floor = vague.end
                free = self.token_after(vague.end)
            elif figure is not None:
                if "skip" not in figure.flags:
                    self.inherit_unit(figure, previous)
                    self.inherit_bound(figure, previous)
                    quantity = self.quantity(figure)
                    if quantity is not None:
                        yield quantity
                    previous = figure
                floor = figure.end
                free = max(i + 1, figure.next_tok)

    def inherit_bound(self, fig: _Figure, previous: _Figure | None) -> None:
        """ "up to 1.9 million rubles (about $20,000)", "over 100 mph (161 km/h)": the same
        amount in another unit of its kind, in brackets right after it (or after the one before
        it there: "(37 billion U.S. gallons, 31 billion imperial gallons)"), is bounded the same
        way."""
        if previous is None or not previous.bound or fig.bound or fig.unit is None:
            return
        if previous.unit is None or previous.unit.kind != fig.unit.kind:
            return
        between = self.text[previous.end : fig.start].strip()
        converted = between == "(" or (between == "," and "converted" in previous.flags)
        if converted:  # qualifiers are in the figure
            fig.bound = previous.bound
            fig.flags.add("converted")

    def inherit_unit(self, fig: _Figure, previous: _Figure | None) -> None:
        """ "from about 14-18 mpg to 24": the figure after "to" has the unit of the one before.

        Only after "from": after a change ("rose 8% to 3.65") the second figure is a level, in
        a unit of its own that the text does not repeat.
        """
        if previous is None or previous.unit is None or "from" not in previous.flags:
            return
        if fig.unit is not None or fig.counted is not None:
            return
        to = self.token_after(previous.end)
        if (
            to < len(self.doc)
            and self.doc[to].lower_ == "to"
            and to + 1 == self.token_at(fig.start)
        ):
            fig.unit = previous.unit

    # -- number parts ----------------------------------------------------------------------------

    def number(self, i: int, stop: int, floor: int) -> _Num | None:
        tok = self.doc[i]
        if _HAS_DIGIT.search(tok.text):
            return self.digits(i, stop, floor)
        if tok.lower_ in self.v.word_starts:
            return self.words(i, stop)
        return None

    def currency_before(self, pos: int, floor: int) -> tuple[_Unit, int] | None:
        lo = max(floor, pos - 12)
        match = self.v.prefix_re.search(self.text, lo, pos)
        if match is None:
            return None
        unit = self.v.prefixes.get(_unit_key(match["c"]))
        return None if unit is None else (unit, match.start())

    def digits(self, i: int, stop: int, floor: int) -> _Num | None:
        """A token with digits, its glued prefix and suffix, and the scale words after it."""
        tok = self.doc[i]
        m = _NUM_TOKEN.match(tok.text)
        if m is None:
            return None
        pre, sign, core = m["pre"], m["sign"] or "", m["num"]
        glyph = ""
        if pre.lower() == "sub" and sign == "-":
            pre, sign, glyph = "", "", "high"
        core_start = tok.idx + m.start("sign" if sign else "num")
        currency = self.currency_before(core_start, max(floor, tok.idx - 12))
        start = tok.idx if pre else core_start
        if currency is not None:
            if pre and currency[1] > tok.idx:
                lead = self.text[tok.idx : currency[1]]
                if lead not in _PRE_GLYPHS:
                    return None
                glyph = _PRE_GLYPHS[lead]
            start = min(start, currency[1])
        elif pre:
            if pre not in _PRE_GLYPHS:
                return None
            glyph = _PRE_GLYPHS[pre]
        elif sign in ("-", "−", "–") and i > 0 and self.doc[i - 1].is_alpha:
            prev = self.doc[i - 1]
            if self.glued(i) or prev.is_upper:
                return None  # "COVID -19", "F-16": a name, not a negative number
        if not sign and not pre and i > 0 and self.doc[i - 1].lower_ == "minus":
            sign, start = "-", self.doc[i - 1].idx
        number_text = ("-" if sign and sign != "+" else "") + core + (m["tail"] or "")
        suffix = m["suf"]
        suffix_start = tok.idx + m.start("suf")
        token_end = tok.idx + len(tok.text)
        parts = [number_text]
        end = suffix_start
        has_currency = currency is not None
        plus = suffix.startswith("+")
        run = _ALNUM_RUN.match(suffix)
        if plus:
            end = suffix_start + 1
        elif run:
            abbreviation = self.glued_scale(suffix, suffix_start, has_currency, i)
            if abbreviation:
                parts.append(abbreviation.lower())
                end = suffix_start + len(abbreviation)
            elif not self.unit_covers(suffix_start, suffix_start + run.end()):
                return None  # "11th", "1950s", "5am", "9AB8"
        last = i
        if end == token_end:
            for j in range(i + 1, min(stop, i + 4)):
                nxt = self.doc[j]
                word = nxt.lower_
                if nxt.is_space:
                    continue  # "5.7  million barrels": a doubled space in the copy
                if word in self.v.scale_words and word != "dozen":
                    parts.append(word)
                elif self.glued(j) and self.is_glued_abbreviation(nxt, has_currency, j):
                    abbreviation = nxt.text.rstrip(".") or nxt.text
                    parts.append(abbreviation.lower())
                    last, end = j, nxt.idx + len(abbreviation)
                    break
                else:
                    break
                last, end = j, nxt.idx + len(nxt.text)
        amount = parse_amount(" ".join(parts))
        if amount is None:
            return None
        scale = math.prod(
            self.v.scale_words.get(p) or self.v.scale_abbreviations.get(p, 1.0) for p in parts[1:]
        )
        minimum = currency[0].min_value if currency is not None else None
        whole = "." not in core and "," not in core
        if minimum and abs(amount.most) < minimum and scale == 1.0 and whole:
            if pre:
                return None  # "PS5" is a games console, not five pounds
            currency, start = None, core_start
        year_like = len(parts) == 1 and not sign and _YEAR.fullmatch(core) is not None
        return _Num(
            first=i,
            last=last,
            start=start,
            end=end,
            amount=amount,
            scale=scale,
            currency=currency[0] if currency else None,
            glyph=glyph,
            plus=plus,
            year_like=year_like,
            slash=bool(m["tail"]) and m["tail"][0] in "/⁄",
        )

    def glued_scale(self, suffix: str, pos: int, has_currency: bool, i: int) -> str | None:
        """A scale abbreviation glued to the digits ("1.7bn", "10K", "$5m"), if it is one.

        "m" and "b" are metres and bits unless money is meant ("$5m") or a plural noun follows
        ("10m people"); without money a whole-suffix unit wins ("10kW" is kilowatts).
        """
        run = _ALNUM_RUN.match(suffix)
        if run is None:
            return None
        for size in (3, 2, 1):
            surface = suffix[:size]
            if len(surface) < size or surface.lower() not in self.v.scale_abbreviations:
                continue
            rest = suffix[size:]
            if rest[:1].isalnum() and not self.unit_covers(pos + size, pos + run.end()):
                continue
            ambiguous = surface in self.v.ambiguous_abbreviations
            if has_currency:
                return surface
            millions = surface == "m" and not rest and self.plural_noun_next(i)  # "10m people"
            covered = self.unit_covers(pos, pos + run.end())
            if not millions and ((covered and (ambiguous or size < run.end())) or ambiguous):
                return None
            return surface
        return None

    def plural_noun_next(self, i: int) -> bool:
        nxt = self.doc[i + 1] if i + 1 < len(self.doc) else None
        return nxt is not None and nxt.tag_ in ("NNS", "NNPS")

    def is_glued_abbreviation(self, tok: Token, has_currency: bool, j: int) -> bool:
        text = tok.text[:-1] if len(tok.text) > 1 and tok.text.endswith(".") else tok.text
        if text.lower() not in self.v.scale_abbreviations:
            return False
        if text in self.v.ambiguous_abbreviations:
            return has_currency or (text == "m" and self.plural_noun_next(j))
        return True

    def unit_covers(self, pos: int, end: int) -> bool:
        match = self.v.unit_re.match(self.text, pos)
        return match is not None and match.end("u") >= end

    def words(self, i: int, stop: int) -> _Num | None:
        """Number words: "two hundred", "a couple thousand", "half a million", "dozens"."""
        v = self.v
        first = self.doc[i].lower_
        if first in ("a", "an"):
            nxt = self.doc[i + 1].lower_ if i + 1 < stop else ""
            if not (nxt in v.scale_words or nxt in v.vague_multipliers or nxt in v.fraction_words):
                return None
        parts: list[str] = []
        indices: list[int] = []
        j = i
        while j < stop and len(parts) < 14:
            tok = self.doc[j]
            word = tok.lower_
            if word in v.word_tokens:
                parts.append(word)
                indices.append(j)
            elif not (
                tok.text == "-"
                and parts
                and self.glued(j)
                and not tok.whitespace_
                and j + 1 < stop
                and self.doc[j + 1].lower_ in v.word_tokens
            ):
                break
            j += 1
        for k in range(len(parts), 0, -1):
            if parts[k - 1] in ("a", "an", "and", "of", "out"):
                continue
            amount = parse_amount(" ".join(parts[:k]))
            if amount is not None:
                break
        else:
            return None
        last = indices[k - 1]
        used = set(parts[:k])
        if parts[k - 1] == "couple" and (k == len(parts) or parts[k] != "of"):
            return None  # "the presidential couple" is two people, but not a figure we read
        scale = 1.0
        for word in parts[:k]:
            scale *= v.scale_words.get(word, 1.0) if word != "dozen" else 1.0
        return _Num(
            first=i,
            last=last,
            start=self.doc[i].idx,
            end=self.doc[last].idx + len(self.doc[last].text),
            amount=amount,
            scale=scale,
            digits=False,
            only_vague=used <= {"a", "an", "several", "few", "of"},
            is_one=parts[:k] == ["one"],
        )

    # -- one figure ------------------------------------------------------------------------------

    def figure(self, i: int, stop: int, floor: int, limit: int) -> _Figure | None:
        tok = self.doc[i]
        if tok.like_url or tok.like_email or self.is_excluded(tok.idx):
            return None
        num = self.number(i, stop, floor)
        if num is None:
            return None
        fig = _Figure(num, num.start, num.end, num.last + 1)
        if num.glyph == "approx":
            fig.approximate = True
        elif num.glyph:
            fig.bound = num.glyph
        if num.plus:
            fig.bound = "low"
        self.post_qualifier(fig, stop)
        self.read_unit(fig, num, stop, limit)
        self.read_share(fig, stop, limit)
        self.post_qualifier(fig, stop)
        opener = self.qualifiers(fig, floor)
        self.read_range(fig, opener, stop, floor, limit)
        self.post_qualifier(fig, stop)
        self.read_counted(fig, stop)
        self.read_rate(fig, stop, limit)
        self.filters(fig)
        if "skip" not in fig.flags:
            self.fraction_as_share(fig)
        return fig

    def read_share(self, fig: _Figure, stop: int, limit: int) -> None:
        """ "one in five adults", "3 out of 10 voters": a share, kept as a percentage."""
        num, j = fig.num, fig.next_tok
        top = num.amount.value
        if fig.unit is not None or top is None or not top.is_integer() or j + 1 >= stop:
            return
        size = 2 if self.doc[j].lower_ == "out" and self.doc[j + 1].lower_ == "of" else 1
        if (size == 1 and self.doc[j].lower_ != "in") or j + size >= stop:
            return
        bottom = self.number(j + size, stop, self.doc[j].idx)
        whole = None if bottom is None else bottom.amount.value
        if bottom is None or whole is None or not whole.is_integer() or not top < whole <= 100:
            return
        if self.unit_at(bottom.end, bottom, limit) is not None:
            return  # "1 in 10 years" is a frequency, not a share
        fig.num = _Num(num.first, bottom.last, num.start, bottom.end, Amount(100 * top / whole))
        fig.unit = _PERCENT
        fig.end, fig.next_tok = bottom.end, bottom.last + 1
        fig.flags.add("share")

    def fraction_as_share(self, fig: _Figure) -> None:
        """ "two-thirds of the troops", "half of them": a share of something, as a percentage."""
        num = fig.num
        value = num.amount.value
        spelled = not num.digits or num.slash
        if spelled and fig.unit is None and value is not None and 0 < value < 1:
            fig.num = _Num(
                num.first, num.last, num.start, num.end, Amount(100 * value), digits=False
            )
            fig.unit = _PERCENT

    def read_unit(self, fig: _Figure, num: _Num, stop: int, limit: int) -> None:
        unit = self.unit_at(fig.end, num, limit)
        if unit is not None:
            fig.unit, end = unit
            fig.end = end
            fig.next_tok = self.token_after(end)
        elif num.currency is not None:
            fig.unit = num.currency
            self.absorb_us(fig, stop)
        if fig.unit is None and num.currency is not None:
            fig.unit = num.currency

    def unit_at(self, pos: int, num: _Num, limit: int) -> tuple[_Unit, int] | None:
        """The unit written right after a number part, if any, and where it ends."""
        match = self.v.unit_re.match(self.text, pos, limit)
        if match is None:
            return None
        key = _unit_key(match["u"])
        unit = self.v.units_cs.get(key) or self.v.units_ci.get(key.lower())
        if unit is None:
            return None
        if unit.glued_only and match.start("u") != pos:
            return None
        if unit.min_value and abs(num.amount.most) < unit.min_value:
            return None
        if unit.unit == "lb" and num.scale >= 1e6:  # "24 million pounds" is money, not weight
            unit = self.v.units_ci["pounds sterling"]
        if num.currency is not None:
            if unit.kind != "currency" or unit.unit in ("cent", "pence", "sen"):
                return None
            return num.currency if unit.unit == "USD" else unit, match.end("u")
        if unit.kind == "currency" and unit.unit == "USD" and key == "$":
            return None
        return unit, match.end("u")

    def absorb_us(self, fig: _Figure, stop: int) -> None:
        """ "$76 US a barrel": the country after a dollar amount is part of the currency."""
        j = fig.next_tok
        if j < stop and self.doc[j].text in ("US", "U.S.", "U.S", "USD"):
            fig.end = self.doc[j].idx + len(self.doc[j].text)
            fig.next_tok = j + 1

    def post_qualifier(self, fig: _Figure, stop: int) -> None:
        """ "10,000 or more", "40-odd", "5,000 or so", "10,000-plus"."""
        j = fig.next_tok
        for size in (3, 2, 1):
            if j + size > stop:
                continue
            words = tuple(t.lower_ for t in self.doc[j : j + size])
            if words[0] == "-" and size > 1 and self.glued(j):
                words = ("-" + words[1], *words[2:])
            kind = self.v.post_qualifiers.get(words)
            if kind is None:
                continue
            if words[0] in ("plus", "+") and (
                (j + size < stop and _HAS_DIGIT.search(self.doc[j + size].text))
                or (words[0] == "+" and not self.glued(j))
            ):
                continue  # "5 plus 3" is arithmetic, "S&P 500 +0.3%" a change
            if kind == "approx":
                fig.approximate = True
            elif not fig.bound:
                fig.bound = kind
            last = self.doc[j + size - 1]
            fig.end = last.idx + len(last.text)
            fig.next_tok = j + size
            return

    def qualifiers(self, fig: _Figure, floor: int) -> str:
        """Read "about", "more than", "up to" before the figure; return a range opener if any."""
        first = self.token_at(fig.start)
        opener = ""
        for _ in range(2):
            matched = 0
            for size in (4, 3, 2, 1):
                lo = first - size
                if lo < 0 or self.doc[lo].idx < floor:
                    continue
                words = tuple(t.lower_ for t in self.doc[lo:first])
                kind = self.v.qualifiers.get(words)
                if kind is None or self.doc[first - 1].tag_ in _FINITE:
                    continue  # "Reuters estimated 200 people attended": the cue, not a hedge
                if kind != "approx" and self.doc[lo].dep_ == "prt":
                    continue  # "takes over about 7000 employees": the verb's particle
                if kind == "approx":
                    fig.approximate = True
                elif not fig.bound:
                    fig.bound = kind
                matched = size
                break
            if not matched:
                break
            first -= matched
            fig.start = self.doc[first].idx
        if first > 0 and self.doc[first - 1].idx >= floor:
            self.mark_bound(fig, first, floor)
            self.passing_bound(fig, self.doc[first - 1])
            word = self.doc[first - 1].lower_
            if word in ("between", "from"):
                opener = word
                fig.flags.add(word)
        return opener

    def mark_bound(self, fig: _Figure, first: int, floor: int) -> None:
        """ "trading above the $100,000 level", "surpassed the $100 mark": a price past a named
        mark is a bound; the mark noun after the figure says the figure is a threshold."""
        after = fig.next_tok
        if fig.bound or after >= len(self.doc) or self.doc[after].lemma_.lower() not in _MARKS:
            return
        if self.doc[first - 1].lower_ != "the" or first < 2 or self.doc[first - 2].idx < floor:
            return
        before = self.doc[first - 2]
        kind = self.v.qualifiers.get((before.lower_,))
        if kind in ("low", "high"):
            fig.bound = kind
        elif before.tag_.startswith("VB") and before.lemma_.lower() in _PASSING_VERBS:
            fig.bound = "low"

    def passing_bound(self, fig: _Figure, verb: Token) -> None:
        """ "donations have passed $3.4 million": a sum that has passed a mark is at least it.
        Only for money, where a running total is meant; "passed 5 laws" counts laws."""
        money = fig.num.currency is not None or (
            fig.unit is not None and fig.unit.kind == "currency"
        )
        lemma = verb.lemma_.lower()
        passing = verb.tag_.startswith("VB") and lemma in _PASSING_VERBS
        if (money or lemma in _EXCEEDING_VERBS) and passing and not fig.bound:
            fig.bound = "low"  # "death tolls exceeded 100": more than a hundred, whatever counted

    def change_context(self, fig: _Figure) -> bool:
        first = self.token_at(fig.start)
        if first == 0:
            return False
        prev = self.doc[first - 1]
        return prev.lower_ in self.v.change_words or prev.lemma_.lower() in self.v.change_words

    def read_range(self, fig: _Figure, opener: str, stop: int, floor: int, limit: int) -> None:
        """ "between 10,000 and 12,000", "10,000-12,000", "$3 billion to $5 billion"."""
        j = fig.next_tok
        if j + 1 >= stop:
            return
        joiner = self.doc[j].lower_
        if joiner == "and" and opener != "between":
            return
        # the opener belongs to this range only with its own joiner: "from" pairs with "to",
        # and "from about 14-18 mpg to 24" is a range inside a change
        if (opener == "from" and joiner not in ("to", "through")) or (
            opener == "between" and joiner not in ("and", "to", "-", "–")
        ):
            opener = ""
        if joiner not in ("to", "-", "–", "—", "and", "through", "or"):
            return
        a = fig.num
        if joiner == "or" and (fig.unit is not None or a.currency is not None):
            return
        k = j + 1
        if self.doc[k].idx >= limit:
            return
        b: _Num | None = None
        for start in (k, k + 1):
            if start < stop and (_HAS_DIGIT.search(self.doc[start].text) or start == k):
                b = self.number(start, stop, self.doc[j].idx + len(self.doc[j].text))
                if b is not None:
                    break
        if b is None or (b.start != self.doc[k].idx and b.first != k):
            return
        b_unit = self.unit_at(b.end, b, limit)
        unit_b = b_unit[0] if b_unit else b.currency
        unit_a = fig.unit
        if unit_a is not None and unit_b is not None and unit_a.unit != unit_b.unit:
            return
        if unit_a is not None and unit_b is None and not opener:
            return
        if not opener and unit_a is not None and self.change_context(fig):
            return  # "rose by $43.6 billion to $419.2 billion": a change, then a level
        a_amount = a.amount
        if b.scale != 1.0 and a.scale == 1.0 and a_amount.most < b.amount.most / b.scale:
            a_amount = a_amount.scaled(b.scale)
        low, high = a_amount.least, b.amount.most
        if opener != "from" and not low < high:
            if joiner in ("-", "–") and unit_a is None and unit_b is None:
                fig.flags.add("skip")  # a score, "2-0", "89-89"
                fig.end = b.end
                fig.next_tok = b.last + 1
            return
        if joiner == "or" and not (low < high and b.digits == a.digits):
            return
        fig.num = _Num(
            first=a.first,
            last=b.last,
            start=a.start,
            end=b.end,
            amount=Amount(
                None, min(low, high), max(low, high), a.amount.approximate or b.amount.approximate
            ),
            scale=b.scale,
            digits=a.digits,
            currency=a.currency or b.currency,
            year_like=a.year_like and b.year_like,
        )
        fig.high_num = b
        fig.unit = unit_a or unit_b
        fig.end = b_unit[1] if b_unit else b.end
        fig.next_tok = self.token_after(fig.end)
        if opener:
            fig.start = min(fig.start, self.doc[self.token_at(fig.start) - 1].idx)
            fig.flags.add("opener")
        if unit_b is not None and unit_b.kind == "currency" and b_unit is None:
            self.absorb_us(fig, stop)

    # -- what is counted, and per what ------------------------------------------------------------

    def read_counted(self, fig: _Figure, stop: int) -> None:
        j = self.past_closing_quote(fig, fig.next_tok, stop)
        quoted = j != fig.next_tok  # the figure alone is quoted: its span stays the quote's
        if j >= stop:
            return
        num = fig.num
        if self.doc[j].lower_ == "of":
            after = self.doc[j].idx + len(self.doc[j].text)
            if (
                (not num.digits or (num.amount.value is not None and num.amount.value < 1))
                and j + 1 < stop
                and self.doc[j + 1].lower_ in ("a", "an")
            ):
                after = self.doc[j + 1].idx + len(self.doc[j + 1].text)  # "half of a mile"
                if j + 2 < stop and self.doc[j + 2].text in (
                    "US",
                    "U.S.",
                    "UK",
                    "imperial",
                    "metric",
                ):
                    after = self.doc[j + 2].idx + len(self.doc[j + 2].text)  # "of a US pint"
            if fig.unit is None and num.currency is None:
                unit = self.unit_at(
                    after, num, self.doc[stop - 1].idx + len(self.doc[stop - 1].text)
                )
                if unit is not None and unit[0].kind in (
                    "currency",
                    "length",
                    "area",
                    "mass",
                    "volume",
                ):
                    fig.unit, fig.end = unit
                    fig.next_tok = self.token_after(fig.end)
                    return
            phrase = self.noun_phrase(j + 1, stop, via_of=True, number_last=None)
        elif fig.unit is None and self.doc[j].lower_ in self.v.people_states:
            phrase = (j, j)  # "1,200 wounded and dead", "25 missing": the state names them
        elif fig.unit is None or "share" in fig.flags:
            if self.doc[j].text == "-" and self.glued(j):
                phrase = self.hyphen_noun(j, stop, num) or self.strong_group(j, stop)
            else:
                phrase = self.noun_phrase(j, stop, via_of=False, number_last=self.doc[num.last])
                if phrase is not None and not self.agrees(num, self.doc[phrase[1]]):
                    phrase = None
        else:
            return
        if phrase is None:
            return
        first, head = phrase
        if first < head and self.doc[first].lower_ in _INCREMENT_WORDS:
            first += 1  # "dozens more homes": homes are counted, "more" says they add up
        last = head
        if fig.unit is None:
            fig.counted_unit = self.counted_unit(first, head)
            if fig.counted_unit == "people":
                last = self.people_state_end(head, stop)
        fig.counted = (first, head, last)
        if not quoted:
            fig.end = max(fig.end, self.doc[last].idx + len(self.doc[last].text))
        fig.next_tok = last + 1

    def past_closing_quote(self, fig: _Figure, j: int, stop: int) -> int:
        """Where the counted words start when only the figure is quoted: the Pentagon's
        "at least 10,000" North Korean forces, a figure of "more than 5,000" evacuated."""
        if j + 1 >= stop or self.doc[j].text not in _QUOTES or fig.start == 0:
            return j
        return j + 1 if self.text[fig.start - 1] in _QUOTES else j

    def strong_group(self, j: int, stop: int) -> tuple[int, int] | None:
        """ "a 50,000-strong group of Russian and North Korean troops": the troops are
        counted, through the group; "a 30-strong crew" counts the crew."""
        if j + 2 >= stop or self.doc[j + 1].lower_ != "strong" or not self.glued(j + 1):
            return None
        group = self.noun_phrase(j + 2, stop, via_of=False, number_last=None)
        if group is None:
            return None
        first, head = group
        if head + 2 < stop and self.doc[head + 1].lower_ == "of":
            members = self.noun_phrase(head + 2, stop, via_of=True, number_last=None)
            if members is not None:
                return first, members[1]
        return group

    def people_state_end(self, head: int, stop: int) -> int:
        """The last token of "dead or wounded" after counted people; ``head`` when none."""
        doc, states = self.doc, self.v.people_states
        last, k = head, head + 1
        while k < stop and k < head + 8:
            word = doc[k].lower_
            if word in states:
                last = k
            elif word not in ("or", "and", ",") or last < k - 1:
                break
            k += 1
        return last

    def hyphen_noun(self, j: int, stop: int, num: _Num) -> tuple[int, int] | None:
        """ "a six-cylinder engine", "a three-point shot": six cylinders, three points.

        Not for one ("one-time", "one-way"), and not for an adjective ("30-strong").
        """
        k = j + 1
        if k >= stop or num.amount.value is None or num.amount.value < 2:
            return None
        tok = self.doc[k]
        if tok.tag_ != "NN" or not tok.is_alpha or not self.glued(k):
            return None
        return k, k

    def noun_phrase(
        self, j: int, stop: int, *, via_of: bool, number_last: Token | None
    ) -> tuple[int, int] | None:
        """The counted noun phrase starting at ``j``: (first token, head token), head last.

        The dependency parse decides the head when it agrees with the words (the number's own
        head noun, or the object of "of"); otherwise the last noun of the run of adjectives and
        nouns right after the number.
        """
        if not self.has_tags:
            return None
        doc = self.doc
        if via_of:
            while j < stop and (
                doc[j].lower_ in _DETERMINERS or doc[j].tag_ in ("DT", "PRP$", "POS")
            ):
                j += 1
            if j < stop and doc[j].lower_ in self.v.pronouns_of:
                return None
        k, head = j, -1
        while k < stop and k < j + COUNTED_WINDOW:
            tok = doc[k]
            nxt = doc[k + 1] if k + 1 < stop else None
            if tok.ent_type_ in ("DATE", "TIME") or tok.text in _QUOTES:
                break
            if self.is_noun(tok):
                head = k
            elif tok.tag_ in _ADJ_TAGS or tok.pos_ == "ADJ":
                if head >= 0:
                    break
            elif tok.text == "-" and self.glued(k) and not tok.whitespace_:
                pass
            elif tok.tag_ in ("RB", "RBR", "RBS") and head < 0 and nxt is not None:
                if not (nxt.tag_ in _ADJ_TAGS or nxt.pos_ == "ADJ"):
                    break  # "the most spectacular catches", not "soldiers there"
            elif tok.pos_ == "NUM" and k > j and not via_of:
                if nxt is None or nxt.pos_ != "PROPN":
                    break  # "two new 737 Max jets": a model number inside the phrase
            elif (
                tok.lower_ in ("and", "or")
                and k > j
                and (
                    (head >= 0 and doc[head].pos_ == "PROPN")
                    or (head < 0 and doc[k - 1].pos_ == "ADJ")
                )
            ):
                if nxt is None or not (self.is_noun(nxt) or nxt.pos_ == "ADJ"):
                    break  # "Kia and Hyundai vehicles", "digital and physical sales"
            else:
                break
            k += 1
        if head < 0:
            return None
        parsed = self.parsed_head(number_last, j, k) if self.has_deps else None
        if parsed is not None:
            head = parsed
        if via_of and head + 2 < stop and doc[head + 1].tag_ == "POS":
            owned = self.noun_phrase(head + 2, stop, via_of=False, number_last=None)
            return owned  # "three of the world's busiest airports": the airports are counted
        return j, head

    def agrees(self, num: _Num, head: Token) -> bool:
        """Whether a number counts its noun: "the 100,000 figure" and "a 5,000 cap" do not.

        A count of more than one takes a plural noun; a singular one after it is modified by
        the number as a whole (people nouns such as "staff" or "police" excepted).
        """
        if head.tag_ != "NN" or num.amount.value == 1 or num.amount.most <= 1:
            return True
        word = head.lower_
        return word in self.v.people_nouns or word in self.v.invariant_nouns

    def parsed_head(self, number_last: Token | None, j: int, k: int) -> int | None:
        if number_last is None:
            return None
        target = number_last.head
        attached = number_last.dep_ in ("nummod", "quantmod", "compound")
        if attached and j <= target.i < k and self.is_noun(target):
            return int(target.i)
        return None

    def counted_unit(self, first: int, head: int) -> str:
        """ "people" for people; else the counted phrase in the singular ("heart transplant").

        Modifiers are lemmatised as well ("best wireless speakers" is "good wireless speaker"),
        the way CQE names counted things, so that the unit is the same for every form.
        """
        doc = self.doc
        tok = doc[head]
        lower = tok.lower_
        last_two = f"{doc[head - 1].lower_} {lower}" if head > first else lower
        if (
            lower in self.v.people_nouns
            or lower in self.v.people_states
            or tok.lemma_.lower() in self.v.people_nouns
            or last_two in self.v.people_nouns
            or (tok.ent_type_ == "NORP" and tok.tag_ in ("NNS", "NNPS"))
            or (lower.endswith("men") and tok.tag_ == "NNS")
        ):
            return "people"
        pieces = []
        for t in doc[first : head + 1]:
            word = t.lemma_ or t.text
            if t.pos_ == "PROPN":
                word = t.text if t.i != head else singular(t.text, keep_case=True)
            elif t.i == head:
                word = singular(t.text) if t.tag_ in ("NNS", "NNPS") else t.lower_
            elif t.pos_ == "ADJ":
                word = word.lower()
            else:
                word = t.lower_
            pieces.append(word + (t.whitespace_ and " " if t.i != head else ""))
        return "".join(pieces).strip()

    def read_rate(self, fig: _Figure, stop: int, limit: int) -> None:
        """ "$2,000 per soldier per month", "20,000 a month", "52,000 barrel-a-day", "daily"."""
        parts: list[str] = []
        j = fig.next_tok
        while len(parts) < 3:
            k = j + 1 if j < stop and self.doc[j].text == "-" and self.glued(j) else j
            if k + 1 >= stop or self.doc[k].lower_ not in self.v.rate_words:
                break
            target = k + 1
            if self.doc[target].text == "-" and self.glued(target) and target + 1 < stop:
                target += 1
            rate = self.per_word(self.doc[k].lower_, self.doc[target], stop, limit)
            if rate is None:
                break
            parts.append(rate[0])
            fig.end = max(fig.end, rate[1])
            j = fig.next_tok = self.token_after(rate[1])
        if not parts:
            parts = self.rate_adverb(fig, stop)
        if parts:
            fig.per = " per ".join(parts)

    def per_word(self, word: str, nxt: Token, stop: int, limit: int) -> tuple[str, int] | None:
        """What a rate is per, after "per"/"a"/"each": a unit, a duration, or after "per" a noun."""
        match = self.v.unit_re.match(self.text, nxt.idx, limit)
        if match is not None and match.start("u") == nxt.idx:
            key = _unit_key(match["u"])
            unit = self.v.units_cs.get(key) or self.v.units_ci.get(key.lower())
            if unit is not None and unit.kind not in ("currency", "percent", "temperature", "age"):
                after = self.token_after(match.end("u"))
                if after < stop and self.doc[after].lower_ in self.v.rate_blockers:
                    return None
                return unit.unit, match.end("u")
        digits = nxt.text.replace(",", "")
        if word == "per" and digits.isdigit():  # "seven per 100,000 people": a rate per group
            after = nxt.i + 1
            if after < stop and self.is_noun(self.doc[after]):
                noun = self.doc[after]
                return f"{digits} {noun.lemma_.lower()}", noun.idx + len(noun.text)
            return digits, nxt.idx + len(nxt.text)
        lemma = nxt.lemma_.lower()
        if self.is_noun(nxt) and (word == "per" or lemma in self.v.per_nouns):
            return (nxt.text if nxt.pos_ == "PROPN" else lemma), nxt.idx + len(nxt.text)
        return None

    def rate_adverb(self, fig: _Figure, stop: int) -> list[str]:
        """ "20,000 soldiers monthly", "over 1,000 casualties are reported daily"."""
        j = fig.next_tok
        for k in range(j, min(stop, j + RATE_WINDOW)):
            tok = self.doc[k]
            if tok.is_punct or tok.pos_ in ("CCONJ", "NUM") or _HAS_DIGIT.search(tok.text):
                return []
            for size in (2, 1) if k == j else (1,):
                words = tuple(t.lower_ for t in self.doc[k : k + size])
                per = self.v.rate_adverbs.get(words)
                if per is None or len(words) < size:
                    continue
                if k > 0 and self.doc[k - 1].lower_ in ("for", "in", "within", "over"):
                    return []  # "for a month" is how long, not how often
                after = k + size
                if after < stop and self.doc[after].lower_ in self.v.rate_blockers:
                    return []
                if (
                    size == 1
                    and tok.tag_ not in ("RB", "")
                    and tok.dep_ not in ("advmod", "npadvmod")
                ):
                    continue
                if k == j:
                    end_tok = self.doc[k + size - 1]
                    fig.end = end_tok.idx + len(end_tok.text)
                    fig.next_tok = k + size
                return [per]
        return []

    # -- vague amounts ---------------------------------------------------------------------------

    def vague(self, i: int, stop: int, floor: int) -> Quantity | None:
        """ "a relatively small number of troops", "many soldiers": kept, with no number."""
        doc, v = self.doc, self.v
        if i > 0 and doc[i - 1].lower_ in v.vague_blockers and doc[i - 1].idx >= floor:
            return None
        j = self.vague_phrase_end(i, stop)
        if j is None:
            return None
        via_of = j < stop and doc[j].lower_ == "of"
        if via_of:
            j += 1
        phrase = self.noun_phrase(j, stop, via_of=via_of, number_last=None)
        if phrase is None:
            return None
        first, head = phrase
        if self.counted_unit(first, head) != "people":
            return None
        last = self.people_state_end(head, stop)
        start, end = doc[i].idx, doc[last].idx + len(doc[last].text)
        return Quantity(
            text=self.text[start:end],
            start=start,
            end=end,
            value=None,
            vague=True,
            approximate=True,
            unit="people",
            counted=self.text[doc[first].idx : end],
        )

    def vague_phrase_end(self, i: int, stop: int) -> int | None:
        """The token after a vague quantifier starting at ``i``, quote marks allowed inside."""
        doc, v = self.doc, self.v
        for size in (4, 3, 2, 1):
            words = tuple(t.lower_ for t in doc[i : min(stop, i + size)])
            if len(words) == size and words in v.vague_quantifiers:
                numeric = i + size < stop and doc[i + size].lower_ in v.scale_words
                if words[-1] in ("few", "several") and numeric:
                    return None  # "several thousand" is a number, read as one
                return i + size
        if doc[i].lower_ not in ("a", "an"):
            return None
        k = i + 1
        while k < stop and k < i + 7:
            tok = doc[k]
            if tok.text in _QUOTES or tok.lower_ in v.vague_size_words or tok.tag_ in ("RB", "JJ"):
                k += 1
                continue
            if tok.lower_ in v.vague_number_nouns:
                k += 1
                while k < stop and doc[k].text in _QUOTES:
                    k += 1
                if k < stop and doc[k].lower_ == "of" and (tok.lower_ != "group" or k > i + 2):
                    return k
            return None
        return None

    # -- what is not a figure --------------------------------------------------------------------

    def filters(self, fig: _Figure) -> None:
        """Mark what is no figure; read a bare "Smith, 45," as an age."""
        num = fig.num
        first = self.token_at(fig.start)
        prev = self.doc[first - 1] if first > 0 else None
        nxt = self.doc[fig.next_tok] if fig.next_tok < len(self.doc) else None
        bare = fig.unit is None and fig.counted is None
        plain = not (fig.bound or fig.approximate) or (prev is not None and prev.lower_ == "aged")
        if bare and plain and self.is_age(num, prev, nxt):  # "aged 45", "aged above 60"
            fig.unit = _Unit("year-old", "age")
            return
        reason = self.not_a_figure(fig, prev, nxt)
        if reason:
            fig.flags.add("skip")
            log.debug("not a figure (%s): %r", reason, self.text[fig.start : fig.end])

    def not_a_figure(self, fig: _Figure, prev: Token | None, nxt: Token | None) -> str:
        """Why a number found is no figure, or "" when it is one."""
        doc, v, num, unit = self.doc, self.v, fig.num, fig.unit
        tokens = doc[num.first : num.last + 1]
        spelled_value = None if num.digits else num.amount.value
        if not num.digits and fig.counted is None and unit is None and self.casualties(num):
            fig.counted_unit = "people"  # "Dozens died in the attack"
        elif num.only_vague or (
            unit is None and fig.counted is None and spelled_value is None and not num.digits
        ):
            return "vague word without people"
        followed_by_of = num.last + 1 < len(doc) and doc[num.last + 1].lower_ == "of"
        fraction = spelled_value is not None and spelled_value < 1
        if fraction and unit is None and fig.counted is None and not followed_by_of:
            return "a fraction word that shares nothing out"  # "this half", "a third-party"
        if (
            fraction
            and unit is None
            and prev is not None
            and prev.lower_ in v.fraction_blockers
            and prev.tag_ not in ("IN", "WDT")  # "suggests that a third of the troops"
        ):
            return "a part of a time"  # "the second half of the match"
        if num.slash and unit is None and not followed_by_of:
            return "a slash that divides nothing"  # "24/7", "9/11"; but "1/16 of a pint"
        if self.arithmetic(num):
            return "arithmetic or a name"  # "2+2 talks", "P5+1"
        timed = any(t.ent_type_ in ("DATE", "TIME") for t in tokens)
        counts = fig.counted is not None and not num.year_like  # "claimed 6606 lives"
        if unit is None and timed and not counts and not self.count_before_time_word(num):
            return "date or time"
        if unit is not None and unit.kind == "duration" and spelled_value == 1:
            return "one day"  # "one day", "a year": idioms more often than durations
        if unit is None and nxt is not None and nxt.lower_ in v.time_words:
            return "clock time"
        year_context = prev is None or prev.lower_ in v.year_prepositions or fig.counted is None
        if num.year_like and unit is None and year_context:
            return "year"
        if unit is None and prev is not None and prev.lower_ in v.units_before:
            fig.unit = _Unit(v.units_before[prev.lower_], "scale")
            fig.start = prev.idx
            return ""
        if unit is None and prev is not None and num.currency is None and not fig.bound:
            if prev.lower_ in v.label_words or prev.tag_ in ("NNP", "NNPS"):
                return "label"  # "Game 7", "iPhone 11", "FTSE 100", "No. 1"
            if prev.tag_ == "NN" and (fig.counted is None or doc[fig.counted[1]].tag_ == "NN"):
                return "label"  # "category 4", but "a record 32 goals" is a count
        if (
            unit is None
            and fig.counted is not None
            and doc[fig.counted[1]].tag_ == "NNP"
            and num.amount.value != 1
        ):
            return "name"  # "575 Wilbraham Road", "the 2017 National Bureau", "11 Pro Max"
        if unit is None and self.in_name(fig, tokens):
            return "name"
        if num.is_one and (
            fig.counted is None or (prev is not None and prev.lower_ in v.one_blockers)
        ):
            return "pronoun one"
        if unit is None and self.age_after_name(num):
            return "age"
        if num.is_one and not (fig.bound or fig.approximate) and self.an_individual(fig):
            return "individual"
        if num.is_one and self.one_named(num):
            return "name"  # "reportedly one Vijayaragavan": a person so named
        if self.family(fig, prev):
            return "biography"
        if self.ordinal_fraction(num):
            return "ordinal"
        if unit is not None and unit.kind == "temperature" and self.is_chrome_line(num.first):
            return "page chrome"
        return ""

    def casualties(self, num: _Num) -> bool:
        """ "Dozens died", "hundreds were injured": a number standing alone as who died or was
        hurt counts people."""
        tok = self.doc[num.last]
        return tok.dep_ in ("nsubj", "nsubjpass") and tok.head.lemma_.lower() in _CASUALTY_VERBS

    def age_after_name(self, num: _Num) -> bool:
        """ "Mr. Lee (33)", "Koo (25)": a bracketed number right after a name is an age."""
        doc, i, j = self.doc, num.first, num.last
        if i < 2 or j + 1 >= len(doc) or doc[i - 1].text != "(" or doc[j + 1].text != ")":
            return False
        value = num.amount.value
        name = doc[i - 2]
        aged = value is not None and value.is_integer() and value < 120
        return name.ent_type_ == "PERSON" and aged

    def one_named(self, num: _Num) -> bool:
        """ "one Vijayaragavan": "one" before a lone name, not "one US fluid ounce"."""
        doc, after = self.doc, num.last + 1
        if after + 1 >= len(doc) or doc[after].tag_ != "NNP":
            return False
        return doc[after].ent_type_ == "PERSON" or doc[after + 1].is_punct

    def ordinal_fraction(self, num: _Num) -> bool:
        """ "A third president", "a fifth term": an ordinal, not a fraction ("a third of")."""
        value = num.amount.value
        after = num.last + 1
        if num.digits or value is None or not 0 < value < 1 or after >= len(self.doc):
            return False
        return self.doc[after].tag_ in {"NN", "NNP"}

    def family(self, fig: _Figure, prev: Token | None) -> bool:
        """ "her two children", "his three sons": someone's family, biography, not a count."""
        if prev is None or prev.tag_ != "PRP$" or fig.counted is None:
            return False
        return self.doc[fig.counted[1]].lemma_.lower() in _KIN

    def an_individual(self, fig: _Figure) -> bool:
        """ "one man and one woman", "says one member", "one of the worst disasters": a person
        or a thing picked out, not a count ("one cockpit voice recorder" is one)."""
        doc = self.doc
        after = fig.num.last + 1
        if after + 1 < len(doc) and doc[after].lower_ == "of":  # "one of the men", "of its few"
            picks = doc[after + 1 : after + 4]
            return doc[after + 1].tag_ in {"DT", "PRP$"} or any(
                t.tag_ in {"JJS", "POS"} or t.lower_ in _FEW for t in picks
            )
        if any(t.lower_ == "another" for t in doc[after : after + 6]):
            return True  # "from one province to another": any one, not a count
        if fig.counted is None:
            return False
        noun = doc[fig.counted[1]]
        named = doc[noun.i + 1 : noun.i + 3]
        if len(named) == 2 and named[0].text == "," and named[1].ent_type_ == "PERSON":
            return True  # "One senator, Eduardo Bhatia, said": the one is named
        individual = noun.lemma_.lower() in self.v.people_nouns | {"member"} - {"person"}
        return noun.tag_ == "NN" and individual  # "one person was killed" is a toll

    def count_before_time_word(self, num: _Num) -> bool:
        """ "the toll rose to 11 overnight": spaCy takes "11 overnight" for a time, but the
        number opens the entity and only a word of when follows it (no clock, no month)."""
        ent = next((e for e in self.doc.ents if e.start <= num.first < e.end), None)
        if ent is None or ent.start != num.first:
            return False
        if num.first > 0 and self.doc[num.first - 1].lower_ in _CLOCK_PREPOSITIONS:
            return False  # "we met at 11 today": a clock time
        rest = " ".join(t.lower_ for t in self.doc[num.last + 1 : ent.end])
        return rest in _WHEN_AFTER_COUNT

    def arithmetic(self, num: _Num) -> bool:
        """A number glued by "+" to another number or a name ("2+2", "P5+1")."""
        doc = self.doc
        after = num.last + 1
        plus_after = after + 1 < len(doc) and doc[after].text == "+" and self.glued(after)
        if plus_after and self.glued(after + 1) and _HAS_DIGIT.search(doc[after + 1].text):
            return True
        before = num.first - 1
        return (
            before > 0 and doc[before].text == "+" and self.glued(num.first) and self.glued(before)
        )

    def is_age(self, num: _Num, prev: Token | None, nxt: Token | None) -> bool:
        """ "Smith, 45, said", "aged 45": an age in years, though written as a bare number."""
        value = num.amount.value
        if value is None or not num.digits or not value.is_integer() or not 0 < value < 120:
            return False
        if prev is not None and prev.lower_ in self.v.age_words:
            return True
        if prev is None or prev.text != "," or prev.i == 0 or nxt is None:
            return False
        name = self.doc[prev.i - 1]
        return (name.ent_type_ == "PERSON" or name.tag_ == "NNP") and nxt.text in (",", ")", ";")

    def in_name(self, fig: _Figure, tokens: Span) -> bool:
        """A number inside a name entity with other words ("FTSE 100", "Apollo 11")."""
        doc = self.doc
        for tok in tokens:
            if tok.ent_type_ not in _NAME_LABELS:
                continue
            lo = tok.i
            while lo > 0 and doc[lo].ent_iob_ == "I" and tok.i - lo < 12:
                lo -= 1
            hi = tok.i + 1
            while hi < len(doc) and doc[hi].ent_iob_ == "I" and hi - tok.i < 12:
                hi += 1
            for other in doc[lo:hi]:
                if other.is_alpha and not (fig.start <= other.idx < fig.end):
                    return True
        return False

    def is_chrome_line(self, i: int) -> bool:
        """A short line with no verb and no closing stop: a weather widget, not a sentence."""
        doc = self.doc
        sent = doc[i].sent if self.has_sents else doc[:]
        if len(sent) > 40 or any(t.pos_ in ("VERB", "AUX") for t in sent):
            return False
        last = sent.text.rstrip()
        return not last or last[-1] not in _SENTENCE_END

    # -- the record ------------------------------------------------------------------------------

    def quantity(self, fig: _Figure) -> Quantity | None:
        num = fig.num
        amount = num.amount
        approximate = fig.approximate or amount.approximate
        value, low, high = amount.value, amount.low, amount.high
        if fig.bound and fig.high_num is None:
            if fig.bound == "low":
                value, low, high = None, amount.least, None
            else:
                value, low, high = None, None, amount.most
        start, end = fig.start, fig.end
        while end > start and self.text[end - 1].isspace():
            end -= 1
        if end <= start:
            return None
        counted = None
        if fig.counted is not None:
            first, _, last = fig.counted
            c_start = self.doc[first].idx
            c_end = self.doc[last].idx + len(self.doc[last].text)
            counted = self.text[c_start:c_end].strip() or None
        unit = fig.unit.unit if fig.unit is not None else fig.counted_unit
        return Quantity(
            text=self.text[start:end],
            start=start,
            end=end,
            value=value,
            low=low,
            high=high,
            approximate=approximate,
            vague=amount.vague,
            unit=unit,
            counted=counted,
            per=fig.per,
        )


_IRREGULAR_PLURALS = {
    "people": "people",
    "men": "man",
    "women": "woman",
    "children": "child",
    "feet": "foot",
    "teeth": "tooth",
    "mice": "mouse",
    "geese": "goose",
    "data": "data",
    "media": "media",
    "series": "series",
    "species": "species",
    "personnel": "personnel",
    "police": "police",
    "staff": "staff",
    "crew": "crew",
    "troops": "troop",
}


def singular(word: str, *, keep_case: bool = False) -> str:
    """A plural noun made singular by spelling rules (spaCy lemmatises "bases" to "basis")."""
    lower = word.lower()
    if lower in _IRREGULAR_PLURALS:
        out = _IRREGULAR_PLURALS[lower]
    elif lower.endswith("men") and len(lower) > 4:
        out = lower[:-3] + "man"
    elif lower.endswith("ies") and len(lower) > 4:
        out = lower[:-3] + "y"
    elif lower.endswith(("sses", "shes", "ches", "xes", "zes", "oes")) or (
        lower.endswith("uses") and not lower.endswith(("ouses", "auses"))
    ):
        out = lower[:-2]
    elif lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(lower) > 2:
        out = lower[:-1]
    else:
        out = lower
    if keep_case and word[:1].isupper():
        return word[: len(out)] if word.lower().startswith(out) else out[:1].upper() + out[1:]
    return out


def counted_head(counted: str) -> str:
    """The head noun of a ``counted`` phrase as this module writes it ("troops" of "North
    Korean troops", "soldiers" of "Russian soldiers dead or wounded")."""
    words = [w.strip(",;:.!?\"'“”‘’()") for w in counted.split()]
    states = _vocab().people_states | {"or", "and", ""}
    while len(words) > 1 and words[-1].lower() in states:
        words.pop()
    return words[-1] if words else ""


#: Verbs that put a figure on a count named elsewhere in the clause: "put the number of
#: missing at 90", "the toll has risen to 19", "casualties reached about 3,000".
_SETTING_VERBS = frozenset(
    {
        "put",
        "estimate",
        "place",
        "rise",
        "reach",
        "stand",
        "climb",
        "increase",
        "jump",
        "grow",
        "total",
        "number",
        "hit",
        "fall",
        "drop",
        "raise",
        "revise",
        "set",
        "exceed",
        "top",
        "bring",
        "remain",
    }
)
#: Setting verbs whose object is the figure itself ("casualties have reached 3,000").
_REACHING_VERBS = frozenset(
    {"reach", "total", "exceed", "top", "hit", "number", "pass", "surpass", "approach"}
)
_COUNT_WORDS = frozenset({"number", "toll", "count", "tally", "total", "figure"})
#: Words of when that spaCy glues onto a count before them ("rose to 11 overnight").
_WHEN_AFTER_COUNT = frozenset(
    {"overnight", "yesterday", "today", "tonight", "last night", "this morning", "this week"}
)
_CLOCK_PREPOSITIONS = frozenset({"at", "by", "until", "till", "before", "after"})
#: Words between a figure and what it counts that say it adds to an earlier count.
_INCREMENT_WORDS = frozenset({"more", "additional", "extra", "further", "fewer"})
#: Words between a counted noun and its state: "still missing", "not yet accounted for".
_STATE_GLUE = frozenset({"still", "not", "yet", "now", "confirmed", "or", "and", "accounted"})
#: Verbs after which a sum is a lower bound ("donations have passed $3.4 million").
_PASSING_VERBS = frozenset({"pass", "surpass", "exceed", "top", "cross", "break"})
#: passing verbs that say "more than" of any count, not only of a running sum
_EXCEEDING_VERBS = frozenset({"surpass", "exceed"})
#: after "one of": a pick from a group, not a count ("one of the most", "one of its few allies")
_FEW = frozenset({"most", "few", "many", "several"})
#: family nouns: "her two children" is biography
_KIN = frozenset(
    {"child", "son", "daughter", "brother", "sister", "kid", "grandchild", "parent", "sibling"}
)
#: nouns that make a figure a threshold: "the $100,000 level", "the 1,000 mark"
_CASUALTY_VERBS = frozenset({"die", "kill", "injure", "wound", "perish", "hurt", "drown"})
_FINITE = frozenset({"VBD", "VBZ", "VBP"})
_MARKS = frozenset({"level", "mark", "barrier", "threshold", "milestone", "line"})


def _phrase(token: Token) -> str:
    """A noun with its adjectives and compounds before it ("death toll", "North Korean troops")
    and the state words after it ("people still missing", "people not yet accounted for")."""
    first = token
    for child in token.lefts:
        if child.dep_ in {"amod", "compound", "nmod"} and child.i < first.i:
            first = child
    return token.doc[first.i : _state_end(token) + 1].text


def _state_end(noun: Token) -> int:
    """The last token of the state words right after a counted noun, or the noun's own."""
    doc, states = noun.doc, _vocab().people_states
    last = noun.i
    for k in range(noun.i + 1, min(len(doc), noun.i + 7)):
        word = doc[k].lower_
        if word in states or (word == "for" and doc[k - 1].lower_ == "accounted"):
            last = k
        elif word not in _STATE_GLUE:
            break
    return last


def _count_named(noun: Token) -> str | None:
    """What "the number of X" (or a toll, or plain casualties, or "the injured") counts."""
    if noun.lower_ in _vocab().people_states:
        return noun.lower_
    if noun.lemma_.lower() in _COUNT_WORDS:
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                objects = [c for c in prep.children if c.dep_ in {"pobj", "pcomp"}]
                if objects:
                    return _phrase(objects[0])
        return _phrase(noun)
    return _phrase(noun) if noun.pos_ in {"NOUN", "PROPN"} else None


def _implied_counted(doc: Doc, quantity: Quantity) -> str | None:
    """The thing a bare number counts when it is named elsewhere in its clause.

    "About 90 were missing" counts the missing; "put the number of people ... at 100" counts
    people; "the death toll has risen to 19" counts the death toll. The figure's span is left
    as it is: the counted words are not next to it.
    """
    span = doc.char_span(quantity.start, quantity.end, alignment_mode="expand")
    if span is None:
        return None
    number = span.root
    head = number.head
    if number.dep_ in {"nsubj", "nsubjpass"}:
        states = [c for c in head.children if c.dep_ in {"acomp", "oprd", "attr"}]
        words = _vocab().people_states
        for word in [head, *states]:
            if word.lower_ in words:
                return word.lower_
        return None
    if number.dep_ == "pobj" and head.lower_ in {"at", "to"} and head.head.pos_ in {"VERB", "AUX"}:
        verb = head.head
        if verb.lemma_.lower() not in _SETTING_VERBS and verb.dep_ in {"conj", "dep"}:
            verb = verb.head  # "put the number of people not yet accounted for at 100"
        if verb.lemma_.lower() not in _SETTING_VERBS:
            return None
        return _set_noun(verb, ("dobj", "nsubjpass", "nsubj")) or _count_before(verb)
    if number.dep_ == "dobj" and head.lemma_.lower() in _REACHING_VERBS:
        return _set_noun(head, ("nsubj", "nsubjpass"))  # "casualties have reached 3,000"
    copula = _copula_of(number)
    if copula is not None:
        return _set_noun(copula, ("nsubj",))  # "the number of dead could be as high as 60"
    return None


def _copula_of(number: Token) -> Token | None:
    """The "be" a figure completes, through "as high as" or "around": "could be as high as 60"."""
    token = number
    for _ in range(4):
        if token.dep_ not in {"pobj", "prep", "advmod", "acomp", "attr", "quantmod"}:
            return None
        token = token.head
        if token.lemma_ == "be":
            return token
    return None


def _count_before(verb: Token) -> str | None:
    """The count a setting verb moves when the parser hung it on another clause: "said the
    number of people still missing had fallen to 25". The nearest count word before the verb
    in its sentence, with no other verb of setting between them."""
    for token in reversed(verb.doc[verb.sent.start : verb.i]):
        if token.lemma_.lower() in _COUNT_WORDS and token.pos_ == "NOUN":
            return _count_named(token)
        if token.pos_ == "VERB" and token.lemma_.lower() in _SETTING_VERBS:
            return None
        if token.text in {";", ":"}:
            return None
    return None


def _set_noun(verb: Token, deps: tuple[str, ...]) -> str | None:
    """What the figure a setting verb gives counts: its object or subject ("put the number of
    people at", "the toll rose to"), through a clausal subject the parser made of a participle
    ("the number of people confirmed dead has risen to 19")."""
    for dep in deps:
        nouns = [c for c in verb.children if c.dep_ == dep]
        if nouns:
            return _count_named(nouns[0])
    # "the number of people confirmed dead has risen to 19" / "the number of soldiers killed
    # or injured has reached 4,000": the parser made the count's participle the clause, so the
    # count word is the subject of a clause before the verb, or of the verb it is a conjunct of
    clauses = [c for c in verb.children if c.dep_ in {"csubj", "ccomp"} and c.i < verb.i]
    if verb.dep_ == "conj":
        clauses.append(verb.head)
    for clause in clauses:
        nouns = [c for c in clause.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if nouns and nouns[0].lemma_.lower() in _COUNT_WORDS:
            return _count_named(nouns[0])
    return None


def _with_implied_counted(doc: Doc, quantity: Quantity) -> Quantity:
    if quantity.counted is not None or quantity.unit is not None:
        return quantity
    counted = _implied_counted(doc, quantity)
    if counted is None:
        return quantity
    words = {w.strip(",;:") for w in counted.lower().split()}
    people = bool(words & (_vocab().people_states | _vocab().people_nouns))
    return dataclasses.replace(quantity, counted=counted, unit="people" if people else None)


def measures_time(quantity: Quantity) -> bool:
    """Whether a figure is a duration or an age ("within 20 minutes", "a 74-year-old"): a
    measure of time, not an amount anyone claims; a rate ("$500 a month") is not one."""
    if quantity.unit is None or quantity.per is not None:
        return False
    vocab = _vocab()
    kinds = {
        u.kind
        for u in (*vocab.units_ci.values(), *vocab.units_cs.values())
        if u.unit == quantity.unit
    }
    return bool(kinds) and kinds <= {"duration", "age"}


def find_quantities(doc: Doc) -> list[Quantity]:
    """Every figure of a parsed body, in text order; never raises.

    Offsets index ``doc.text`` (the body) and ``text == doc.text[start:end]`` always.
    """
    try:
        scanner = _Scanner(doc)
        found = [_with_implied_counted(doc, q) for q in scanner.run()]
        extra = _multiples(doc, scanner.text, found)
        return sorted([*found, *extra], key=lambda q: (q.start, q.end))
    except Exception:  # a figure-less result is better than a lost document
        log.warning("quantity extraction failed", exc_info=True)
        return []


#: Verbs that multiply ("prices doubled") and "-fold" words ("nearly tenfold"): ratios that no
#: digit spells, which the README of the gold counts as figures.
_MULTIPLY_VERBS = {"double": 2, "triple": 3, "treble": 3, "quadruple": 4}
_FOLD = re.compile(
    r"(?i)(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|thousand)[-\s]?fold"
)
_FOLD_NUMBERS = {"hundred": 100, "thousand": 1000}


def _multiples(doc: Doc, text: str, found: list[Quantity]) -> list[Quantity]:
    """ "Prices more than doubled", "a difference of nearly tenfold": ratios in words."""
    taken = [(q.start, q.end) for q in found]
    words = _vocab().number_words
    out = []
    for tok in _multiple_words(doc, text):
        value: float | None = None
        if tok.pos_ == "VERB" and tok.lemma_.lower() in _MULTIPLY_VERBS and not _idiom(tok):
            value = _MULTIPLY_VERBS[tok.lemma_.lower()]
        elif (m := _FOLD.fullmatch(tok.text)) is not None:
            n = m["n"].lower()
            value = float(n) if n.isdigit() else words.get(n, _FOLD_NUMBERS.get(n))
        if value is None or any(a < tok.idx + len(tok.text) and tok.idx < b for a, b in taken):
            continue
        out.append(_multiple(doc, text, tok, float(value)))
    return out


_MULTIPLE_WORD = re.compile(r"(?i)\b(?:doubl|tripl|trebl|quadrupl)|fold\b")


def _multiple_words(doc: Doc, text: str) -> Iterator[Token]:
    """The tokens that may be a ratio in words, found by one scan of the text (``doc.text``,
    which spaCy rebuilds from the tokens at every call)."""
    for m in _MULTIPLE_WORD.finditer(text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and len(span) == 1:
            yield span[0]


def _idiom(verb: Token) -> bool:
    """ "Doubled down", "doubled as a shelter": no multiplying."""
    return any(c.dep_ == "prt" or (c.dep_ == "prep" and c.lower_ == "as") for c in verb.children)


def _multiple(doc: Doc, text: str, tok: Token, value: float) -> Quantity:
    """The ratio with its qualifier: "more than doubled" is at least 2, "nearly tenfold" 10."""
    before = " ".join(t.lower_ for t in doc[max(0, tok.i - 2) : tok.i])
    start, low, approximate = tok.idx, None, False
    for phrase in ("more than", "nearly", "almost", "about", "roughly"):
        if before.endswith(phrase):
            start = doc[tok.i - len(phrase.split())].idx
            low = value if phrase == "more than" else None
            approximate = phrase != "more than"
    end = tok.idx + len(tok.text)
    reading = (None, low) if low is not None else (value, None)
    return Quantity(
        text[start:end], start, end, reading[0], reading[1], None, approximate, unit="times"
    )
