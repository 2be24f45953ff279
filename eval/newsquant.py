"""Quantities on NewsQuant (the CQE authors' news test set, dev half), against a naive baseline.

Scored as ``../shared/datasets/newsquant/README.md`` lays out: each system quantity is compared
with the gold quantities of its own sentence, by value (a gold ``a-b`` is a range and matches
only a range with those two ends; equality with numpy ``isclose`` tolerances), then by unit
mapped onto CQE's unit names; quantities are paired one to one, value+unit pairs first; scores
are micro-averaged precision, recall and F1.

How newsledger's records are read (the README's "To compare newsledger's output"):

- ``value`` is a single value; ``low`` and ``high`` together a range; ``low`` or ``high`` alone a
  single value ("more than 1,000" is 1000). Our ``low``/``high`` are ordered, so a range is
  matched end for end in either order (gold keeps the text's order for "from 36,040 to 34,935").
  A vague quantity has no number and cannot be scored; it is counted apart, not as a system
  quantity.
- A percentage may also match as a fraction and back ("33%" and 0.33).
- Units: ``CQE_NAMES`` maps ours onto CQE's names; with ``per`` the name is
  "<unit> per <per>"; the head noun of ``counted`` made singular also counts as the unit; no unit
  and nothing counted is ``-``.
- Change: ``approximate`` is ``~``, a lone ``low`` is ``>``, a lone ``high`` is ``<``, else ``=``
  (the contract has no field for ``up``/``down``).

The baseline is the README's naive spaCy one, run on the same parse: CARDINAL, MONEY, QUANTITY and
PERCENT entities, the number read by a regex (times a scale word), the unit from a currency or
percent symbol or the entity's last word, and for a cardinal the next noun as the counted thing.

Run: ``python eval/newsquant.py --shared ../shared`` (prints a table, then the JSON).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from newsledger.extract.nlp import get_nlp, parse
from newsledger.extract.quantities import counted_head, find_quantities
from newsledger.model import Quantity

HERE = Path(__file__).parent
DATASET = Path("datasets") / "newsquant" / "NewsQuant.dev.json"

#: newsledger unit -> CQE unit name (CQE's unit.json spelling, British, singular).
CQE_NAMES = {
    "USD": "dollar",
    "AUD": "australian dollar",
    "CAD": "canadian dollar",
    "HKD": "hong kong dollar",
    "NZD": "new zealand dollar",
    "SGD": "singapore dollar",
    "TWD": "new taiwan dollar",
    "EUR": "euro",
    "GBP": "pound sterling",
    "JPY": "japanese yen",
    "CNY": "renminbi",
    "KRW": "south korean won",
    "KPW": "north korean won",
    "RUB": "russian ruble",
    "UAH": "ukrainian hryvnia",
    "INR": "indian rupee",
    "PKR": "pakistani rupee",
    "ILS": "shekel",
    "MYR": "malaysian ringgit",
    "DKK": "danish krone",
    "SEK": "swedish krona",
    "NOK": "norwegian krone",
    "CHF": "swiss franc",
    "BRL": "brazilian real",
    "MXN": "mexican peso",
    "ZAR": "south african rand",
    "TRY": "turkish lira",
    "PLN": "polish zloty",
    "THB": "thai baht",
    "PHP": "philippine peso",
    "IDR": "indonesian rupiah",
    "VND": "vietnamese dong",
    "SAR": "saudi riyal",
    "AED": "united arab emirates dirham",
    "EGP": "egyptian pound",
    "NGN": "nigerian naira",
    "KES": "kenyan shilling",
    "IRR": "iranian rial",
    "HRK": "croatian kuna",
    "BTC": "bitcoin",
    "cent": "cent",
    # CQE has no pence; its annotators name a share price in pence ("118.5p") "point"
    "pence": "point",
    "sen": "sen",
    "percent": "percentage",
    "percentage point": "percentage point",
    "basis point": "basis point",
    "km": "kilometre",
    "m": "metre",
    "cm": "centimetre",
    "mm": "millimetre",
    "μm": "micrometre",
    "nm": "nanometre",
    "mi": "mile",
    "nmi": "nautical mile",
    "ft": "foot",
    "in": "inch",
    "yd": "yard",
    "km2": "square kilometre",
    "m2": "square metre",
    "mi2": "square mile",
    "ft2": "square foot",
    "acre": "acre",
    "ha": "hectare",
    "l": "litre",
    "ml": "millilitre",
    "gal": "gallon",
    "barrel": "barrel",
    "pint": "pint",
    "quart": "quart",
    "ft3": "cubic foot",
    "m3": "cubic metre",
    "kg": "kilogram",
    "g": "gram",
    "mg": "milligram",
    "μg": "microgram",
    "t": "tonne",
    "ton": "short ton",
    "lb": "pound-mass",
    "oz": "ounce",
    "km/h": "kilometre per hour",
    "mph": "mile per hour",
    "m/s": "metre per second",
    "knot": "knot",
    "mpg": "mile per gallon",
    "W": "watt",
    "kW": "kilowatt",
    "MW": "megawatt",
    "GW": "gigawatt",
    "TW": "terawatt",
    "Wh": "watt hour",
    "kWh": "kilowatt hour",
    "MWh": "megawatt hour",
    "GWh": "gigawatt hour",
    "TWh": "terawatt hour",
    "kcal": "kilocalorie",
    "MMBtu": "mega british thermal unit",
    "Btu": "british thermal unit",
    "hp": "horsepower",
    "bhp": "brake horsepower",
    "Nm": "newton metre",
    "lb-ft": "pound-foot",
    "V": "volt",
    "kV": "kilovolt",
    "A": "ampere",
    "mAh": "milliampere-hour",
    "Hz": "hertz",
    "kHz": "kilohertz",
    "MHz": "megahertz",
    "GHz": "gigahertz",
    "KB": "kilobyte",
    "MB": "megabyte",
    "GB": "gigabyte",
    "TB": "terabyte",
    "Mbps": "megabit per second",
    "Gbps": "gigabit per second",
    "GPa": "gigapascal",
    "MPa": "megapascal",
    "kPa": "kilopascal",
    "hPa": "hectopascal",
    "psi": "pound-force per square inch",
    "ppb": "parts-per-billion",
    "ppm": "parts-per-million",
    "dB": "decibel",
    "rpm": "revolutions per minute",
    "°C": "celsius",
    "°F": "fahrenheit",
    "degree": "degree",
    "year": "year",
    "month": "month",
    "week": "week",
    "day": "day",
    "hour": "hour",
    "minute": "minute",
    "second": "second",
    "decade": "decade",
    "century": "century",
    "year-old": "year of age",
    "month-old": "month of age",
    "week-old": "week of age",
    "day-old": "day of age",
    "times": "count",
    "people": "people",
}

_IRREGULAR = {
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
}


def singular(word: str) -> str:
    """A plural English noun made singular by the usual spelling rules (for counted heads)."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("men") and len(w) > 4:
        return w[:-3] + "man"
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zes", "oes")) or (
        w.endswith("uses") and not w.endswith(("ouses", "auses"))
    ):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 2:
        return w[:-1]
    return w


def cqe_name(unit: str) -> str:
    """Our unit (or a per part) under CQE's name; an unknown one lower-cased, singular."""
    if unit in CQE_NAMES:
        return CQE_NAMES[unit]
    return " ".join(singular(w) for w in unit.split()) if unit else "-"


# --- readings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One quantity as the scorer sees it: a single value or a range, unit names, change."""

    single: float | None
    low: float | None
    high: float | None
    units: frozenset[str]
    change: str
    percent: bool = False


def isclose(a: float, b: float) -> bool:
    """numpy ``isclose`` defaults (rtol 1e-5, atol 1e-8), as the CQE scorer uses."""
    return abs(a - b) <= 1e-8 + 1e-5 * abs(b)


def values_match(system: Reading, gold: Reading) -> bool:
    if gold.single is not None:
        if system.single is None:
            return False
        options = [system.single]
        if system.percent:
            options += [system.single / 100, system.single * 100]
        return any(isclose(o, gold.single) for o in options)
    if system.low is None or system.high is None or gold.low is None or gold.high is None:
        return False
    return (isclose(system.low, gold.low) and isclose(system.high, gold.high)) or (
        isclose(system.low, gold.high) and isclose(system.high, gold.low)
    )


def units_match(system: Reading, gold: Reading) -> bool:
    return bool(system.units & gold.units)


_GOLD_RANGE = re.compile(r"^\s*(-?[\d.]+(?:[eE][-+]?\d+)?)\s*-\s*(-?[\d.]+(?:[eE][-+]?\d+)?)\s*$")


def gold_reading(item: dict[str, Any]) -> Reading:
    raw = str(item["value"]).strip()
    unit = str(item["normalized_unit"]).strip().lower() or "-"
    change = str(item["change"]).strip()
    try:
        return Reading(float(raw), None, None, frozenset({unit}), change)
    except ValueError:
        pass
    match = _GOLD_RANGE.match(raw)
    if match is None:
        raise ValueError(f"unreadable gold value {raw!r}")
    return Reading(None, float(match[1]), float(match[2]), frozenset({unit}), change)


def newsledger_reading(q: Quantity) -> Reading | None:
    """A quantity as the README reads it; ``None`` for a vague one (no number to score)."""
    if q.value is not None:
        single, low, high = q.value, None, None
        change = "~" if q.approximate else "="
    elif q.low is not None and q.high is not None:
        single, low, high = None, q.low, q.high
        change = "~" if q.approximate else "="
    elif q.low is not None or q.high is not None:
        single, low, high = (q.low if q.low is not None else q.high), None, None
        change = "~" if q.approximate else (">" if q.low is not None else "<")
    else:
        return None
    names: set[str] = set()
    per = f" per {' per '.join(cqe_name(p) for p in q.per.split(' per '))}" if q.per else ""
    if q.unit:
        names.add(cqe_name(q.unit) + per)
    if q.counted:
        head = counted_head(q.counted)
        if head:
            names.add(singular(head) + per)
    if not names:
        names.add("-")
    return Reading(
        single, low, high, frozenset(n.lower() for n in names), change, q.unit == "percent"
    )


# --- the naive baseline --------------------------------------------------------------------------

_BASELINE_LABELS = frozenset({"CARDINAL", "MONEY", "QUANTITY", "PERCENT"})
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+")
_SCALE = re.compile(r"\b(thousand|million|billion|trillion|k|m|bn)\b", re.I)
_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
}
_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
_TEENS = "fifteen sixteen seventeen eighteen nineteen twenty"
_WORDS = dict(zip(f"{_UNITS} {_TEENS}".split(), range(21), strict=True)) | {
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SYMBOLS = {
    "$": "dollar",
    "%": "percentage",
    "€": "euro",
    "£": "pound sterling",
    "¥": "japanese yen",
}
#: the authors' tagger.py style per-baseline lookup: a few spellings, then a plural "s" dropped
_BASELINE_NAMES = {
    "percent": "percentage",
    "per cent": "percentage",
    "cent": "percentage",
    "pc": "percentage",
    "meter": "metre",
    "meters": "metre",
    "kilometers": "kilometre",
    "kilometer": "kilometre",
    "km": "kilometre",
    "feet": "foot",
    "mph": "mile per hour",
    "us$": "dollar",
    "dollars": "dollar",
    "euros": "euro",
    "yen": "japanese yen",
    "degrees": "degree",
    "kg": "kilogram",
}


def model_only_parse(text: str) -> Doc:
    """The text parsed by the spaCy model alone, without newsledger's components.

    The baseline is "spaCy's entities"; newsledger's entity fixes are tuned for names and may
    relabel or drop number spans, which would handicap the baseline for reasons of our own.
    """
    nlp = get_nlp()
    ours = [
        name for name in nlp.pipe_names if name.startswith("newsledger_") or name == "entity_ruler"
    ]
    with nlp.select_pipes(disable=ours):
        return nlp(text)


def baseline_readings(doc: Doc) -> list[Reading]:
    out = []
    for ent in doc.ents:
        if ent.label_ not in _BASELINE_LABELS:
            continue
        number = _NUMBER.search(ent.text)
        words = [w for w in ent.text.lower().replace("-", " ").split() if w in _WORDS]
        if number is not None:
            value = float(number.group().replace(",", ""))
        elif words:
            value = float(sum(_WORDS[w] for w in words))
        else:
            continue
        scale = _SCALE.search(ent.text)
        if scale is not None:
            value *= _SCALES[scale.group().lower()]
        before = doc[ent.start - 1].text if ent.start > 0 else ""
        unit = next((name for sym, name in _SYMBOLS.items() if sym in ent.text + before), None)
        if unit is None:
            last = ent[-1]
            word = last.lower_
            if not last.like_num and _SCALE.fullmatch(word) is None and last.is_alpha:
                unit = _BASELINE_NAMES.get(word, singular(word))
        if unit is None and ent.label_ == "CARDINAL" and ent.end < len(doc):
            nxt = doc[ent.end]
            if nxt.pos_ == "NOUN":
                unit = nxt.lemma_.lower()
        out.append(Reading(value, None, None, frozenset({unit or "-"}), "="))
    return out


# --- scoring -------------------------------------------------------------------------------------


def _max_matching(
    n_gold: int, n_sys: int, edge: Callable[[int, int], bool]
) -> list[tuple[int, int]]:
    """A maximum one-to-one pairing (Kuhn's augmenting paths; sentences are small)."""
    owner: dict[int, int] = {}

    def augment(g: int, seen: set[int]) -> bool:
        for s in range(n_sys):
            if s in seen or not edge(g, s):
                continue
            seen.add(s)
            if s not in owner or augment(owner[s], seen):
                owner[s] = g
                return True
        return False

    for g in range(n_gold):
        augment(g, set())
    return [(g, s) for s, g in owner.items()]


@dataclass
class Tally:
    gold: int = 0
    system: int = 0
    value: int = 0
    value_unit: int = 0
    value_change: int = 0
    vague: int = 0

    def add(self, gold: list[Reading], system: list[Reading]) -> list[tuple[int, int, bool]]:
        """Pair one sentence (value+unit pairs first); return (gold, system, unit ok) pairs."""
        self.gold += len(gold)
        self.system += len(system)
        strong = _max_matching(
            len(gold),
            len(system),
            lambda g, s: values_match(system[s], gold[g]) and units_match(system[s], gold[g]),
        )
        used_g = {g for g, _ in strong}
        used_s = {s for _, s in strong}
        rest_g = [g for g in range(len(gold)) if g not in used_g]
        rest_s = [s for s in range(len(system)) if s not in used_s]
        weak = _max_matching(
            len(rest_g), len(rest_s), lambda g, s: values_match(system[rest_s[s]], gold[rest_g[g]])
        )
        pairs = [(g, s, True) for g, s in strong] + [(rest_g[g], rest_s[s], False) for g, s in weak]
        self.value_unit += len(strong)
        self.value += len(pairs)
        self.value_change += sum(1 for g, s, _ in pairs if system[s].change == gold[g].change)
        return pairs

    def scores(self) -> dict[str, Any]:
        def prf(hits: int) -> dict[str, float]:
            p = hits / self.system if self.system else 0.0
            r = hits / self.gold if self.gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "hits": hits}

        return {
            "gold": self.gold,
            "system": self.system,
            "vague_unscored": self.vague,
            "value": prf(self.value),
            "value_unit": prf(self.value_unit),
            "value_change": prf(self.value_change),
        }


def _describe(r: Reading) -> str:
    number = f"{r.single:g}" if r.single is not None else f"{r.low:g}-{r.high:g}"
    return f"{number} {'/'.join(sorted(r.units))} {r.change}"


def evaluate(records: Iterable[dict[str, Any]], errors: list[str] | None = None) -> dict[str, Any]:
    ours, base = Tally(), Tally()
    sentences = 0
    started = time.perf_counter()
    for record in records:
        sentences += 1
        doc = parse(record["text"])
        gold = [gold_reading(item) for item in record["quantities"]]
        found = find_quantities(doc)
        system = [r for r in (newsledger_reading(q) for q in found) if r is not None]
        ours.vague += len(found) - len(system)
        pairs = ours.add(gold, system)
        base.add(gold, baseline_readings(model_only_parse(record["text"])))
        if errors is not None:
            _note_errors(errors, record, gold, system, pairs)
    seconds = time.perf_counter() - started
    return {
        "sentences": sentences,
        "seconds": round(seconds, 2),
        "newsledger": ours.scores(),
        "baseline": base.scores(),
    }


def _note_errors(
    errors: list[str],
    record: dict[str, Any],
    gold: list[Reading],
    system: list[Reading],
    pairs: list[tuple[int, int, bool]],
) -> None:
    paired_g = {g: ok for g, _, ok in pairs}
    paired_s = {s for _, s, _ in pairs}
    lines = []
    for g, reading in enumerate(gold):
        if g not in paired_g:
            lines.append(f"  missed  {_describe(reading)}")
        elif not paired_g[g]:
            s = next(s for gg, s, _ in pairs if gg == g)
            lines.append(f"  unit    gold {_describe(reading)}  ours {_describe(system[s])}")
    for s, reading in enumerate(system):
        if s not in paired_s:
            lines.append(f"  extra   {_describe(reading)}")
    if lines:
        errors.append(f"[{record['id']}] {record['text']}\n" + "\n".join(lines))


def main(
    shared: Path, errors: list[str] | None = None, dataset: Path | None = None
) -> dict[str, Any]:
    """Score newsledger and the baseline on the NewsQuant dev half under ``shared``.

    ``dataset`` scores another file of the same format instead (the held-back half).
    """
    path = dataset if dataset is not None else shared / DATASET
    records = json.loads(path.read_text("utf-8"))
    result = evaluate(records, errors)
    result["dataset"] = path.name
    return result


def _table(result: dict[str, Any]) -> str:
    gold = result["newsledger"]["gold"]
    rows = [
        f"NewsQuant {result['dataset']}: {result['sentences']} sentences, {gold} gold quantities"
    ]
    rows.append(f"{'system':<12}{'metric':<14}{'P':>8}{'R':>8}{'F1':>8}")
    for system in ("newsledger", "baseline"):
        scores = result[system]
        for metric in ("value", "value_unit", "value_change"):
            s = scores[metric]
            rows.append(f"{system:<12}{metric:<14}{s['p']:>8.3f}{s['r']:>8.3f}{s['f1']:>8.3f}")
        rows.append(
            f"{'':<12}quantities: {scores['system']} (vague, unscored: {scores['vague_unscored']})"
        )
    rows.append(f"time: {result['seconds']} s (one parse per sentence, both systems)")
    return "\n".join(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--dataset", type=Path, help="another file in the NewsQuant format")
    parser.add_argument("--errors", action="store_true", help="list every miss (local use only)")
    args = parser.parse_args()
    path = args.dataset or args.shared / DATASET
    if not path.is_file():
        sys.exit(f"NewsQuant file not found: {path}")
    found_errors: list[str] | None = [] if args.errors else None
    result = main(args.shared, found_errors, args.dataset)
    for error in found_errors or []:
        print(error)
    print(_table(result))
    print(json.dumps(result, indent=2))
