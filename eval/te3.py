"""Date finding and resolution on TempEval-3 platinum (``../shared/datasets/te3-platinum/``).

Scored as the dataset's README says TE3 Task A is scored, restricted to TIMEX3 of type DATE and
TIME (the ones a timeline needs; DURATION and SET are left out on both sides):

* gold: every DATE/TIME TIMEX3 inside ``<TEXT>`` (the DCT is the anchor, not a target);
* predictions that overlap only DURATION/SET gold are ignored rather than counted wrong, since
  those types are not scored (our finder drops durations anyway; the baseline does not);
* strict P/R/F1: exact extent; relaxed P/R/F1: any overlap; value F1 = (values right among the
  relaxed matches, each gold paired with its most-overlapping prediction) x relaxed F1, the
  scorer's ``value_match / relaxed_match * relaxed_fscore``.

Two systems run on the same parsed text, anchored on the DCT: ``find_times`` with our values
converted to TimeML (:func:`timeml_value`), and a naive baseline, spaCy's raw DATE/TIME
entities resolved by plain ``dateparser.parse`` against the DCT.

TimeML values differ from ours in form only; the converter maps: week range -> ``2013-W12``;
Saturday-Sunday range -> ``2013-W12-WE``; decade ``1950/1959`` -> ``195``; century
``1900/1999`` -> ``19``; season month range -> ``2012-SU`` (year of its first month); aligned
three- and six-month ranges -> ``2013-Q1``, ``2013-H1``; a day said with a part of day
("Monday night", "tonight") -> ``2013-03-18TNI``. TimeML leaves signals out of TIMEX3 and tags
range ends apart, so "since X" is scored as X alone and "2009-2010" / "between A and B" as two
expressions, each end resolved on its own.

The texts are read at run time from the shared folder and never copied into the repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import dateparser
import defusedxml.ElementTree as DefusedET

from newsledger.extract.nlp import parse
from newsledger.extract.times import find_times, resolve
from newsledger.model import TimeExpr

DATASET = Path("datasets") / "te3-platinum" / "tml"
SCORED_TYPES = frozenset({"DATE", "TIME"})


@dataclass(frozen=True)
class Timex:
    """One time expression: gold (with its TimeML type) or predicted (type empty)."""

    start: int
    end: int
    value: str
    type: str = ""


@dataclass(frozen=True)
class Article:
    name: str
    dct: dt.date
    text: str
    timexes: tuple[Timex, ...]


def _walk(element: Element, parts: list[str], found: list[Timex], offset: int) -> int:
    """Append the element's text to ``parts``, recording TIMEX3 offsets; returns the end."""
    if element.text:
        parts.append(element.text)
        offset += len(element.text)
    for child in element:
        start = offset
        offset = _walk(child, parts, found, offset)
        if child.tag == "TIMEX3":
            found.append(Timex(start, offset, child.get("value", ""), child.get("type", "")))
        if child.tail:
            parts.append(child.tail)
            offset += len(child.tail)
    return offset


def load(path: Path) -> Article:
    """The TEXT of one .tml file with its tags stripped, its TIMEX3 spans and its DCT."""
    root = DefusedET.parse(path).getroot()
    dct = root.find("DCT/TIMEX3")
    body = root.find("TEXT")
    if dct is None or body is None:
        raise ValueError(f"{path.name}: no DCT or TEXT")
    parts: list[str] = []
    found: list[Timex] = []
    _walk(body, parts, found, 0)
    return Article(
        path.stem, dt.date.fromisoformat(dct.get("value", "")[:10]), "".join(parts), tuple(found)
    )


# --- our values in TimeML form -----------------------------------------------------------------

_PARTS_OF_DAY = {
    "morning": "MO",
    "afternoon": "AF",
    "evening": "EV",
    "night": "NI",
    "tonight": "NI",
}
_SEASON_CODES = {3: "SP", 6: "SU", 9: "FA", 12: "WI"}
_RANGE_SPLIT = re.compile(
    r"^(?:(?:between|from)\s+)?(?P<a>.+?)\s*(?:\s(?:and|to|until|till|through)\s|[-–])\s*(?P<b>.+)$",
    re.I,
)


def _months(value: str) -> tuple[int, int, int, int] | None:
    m = re.fullmatch(r"(\d{4})-(\d{2})/(\d{4})-(\d{2})", value)
    return (int(m[1]), int(m[2]), int(m[3]), int(m[4])) if m else None


def _range_value(value: str) -> str:
    """A range of ours as TimeML has one value for it, else its start."""
    start, _, end = value.partition("/")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", start) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", end):
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        if first.weekday() == 5 and (last - first).days == 1:
            year, week, _ = first.isocalendar()
            return f"{year}-W{week:02d}-WE"
    months = _months(value)
    if months and months[0] == months[2]:
        first_month, last_month = months[1], months[3]
        if last_month - first_month == 2 and first_month % 3 == 1:
            return f"{months[0]}-Q{first_month // 3 + 1}"
        if last_month - first_month == 5 and first_month in (1, 7):
            return f"{months[0]}-H{1 if first_month == 1 else 2}"
    century = re.fullmatch(r"(\d{2})00/(\d{2})99", value)
    if century and century[1] == century[2]:
        return century[1]
    return start


def timeml_value(value: str | None, granularity: str | None, text: str) -> str:
    """Our ``date`` in TimeML's notation (see the module docstring)."""
    if value is None:
        return ""
    if granularity == "week":
        year, week, _ = dt.date.fromisoformat(value[:10]).isocalendar()
        return f"{year}-W{week:02d}"
    if granularity == "decade":
        return value[:3]
    if granularity == "season":
        return f"{value[:4]}-{_SEASON_CODES.get(int(value[5:7]), 'XX')}"
    if granularity == "day":
        part = next((c for w, c in _PARTS_OF_DAY.items() if w in text.lower()), None)
        return f"{value}T{part}" if part else value
    if granularity == "range":
        return _range_value(value)
    return value


def _convert(expr: TimeExpr, anchor: dt.date) -> list[Timex]:
    """One TimeExpr as the TimeML expressions it stands for."""
    text = expr.text
    if expr.granularity == "range" and text.lower().startswith("since "):
        inner = text[6:].lstrip()
        start = expr.end - len(inner)
        found = resolve(inner, anchor)
        return [Timex(start, expr.end, timeml_value(*found, inner) if found else "")]
    date = expr.date or ""
    if expr.granularity == "range" and _range_value(date) == date.split("/")[0]:
        m = _RANGE_SPLIT.match(text)
        if m:
            ends = date.split("/")
            pieces = []
            for key, fallback in (("a", ends[0]), ("b", ends[-1])):
                found = resolve(m[key], anchor)
                value = timeml_value(*found, m[key]) if found else fallback
                pieces.append(Timex(expr.start + m.start(key), expr.start + m.end(key), value))
            return pieces
    return [Timex(expr.start, expr.end, timeml_value(expr.date, expr.granularity, text))]


def ours(article: Article, doc: Any) -> list[Timex]:
    """``find_times`` on the article, anchored on its DCT, in TimeML form."""
    found: list[Timex] = []
    for expr in find_times(doc, article.dct.isoformat()):
        found.extend(_convert(expr, article.dct))
    return found


def baseline(article: Article, doc: Any) -> list[Timex]:
    """spaCy DATE/TIME entities, each resolved by plain ``dateparser.parse`` against the DCT."""
    base = dt.datetime(article.dct.year, article.dct.month, article.dct.day)
    found: list[Timex] = []
    for ent in doc.ents:
        if ent.label_ not in SCORED_TYPES:
            continue
        parsed = dateparser.parse(ent.text, settings={"RELATIVE_BASE": base})
        if parsed is None:
            value = ""
        elif ent.label_ == "TIME" and (parsed.hour or parsed.minute):
            value = parsed.strftime("%Y-%m-%dT%H:%M")
        else:
            value = parsed.date().isoformat()
        found.append(Timex(ent.start_char, ent.end_char, value))
    return found


# --- scoring -------------------------------------------------------------------------------------


def _overlap(a: Timex, b: Timex) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


@dataclass
class Tally:
    predicted: int = 0
    gold: int = 0
    strict_p: int = 0
    strict_r: int = 0
    relaxed_p: int = 0
    relaxed_r: int = 0
    value_right: int = 0

    def add(
        self, gold: Sequence[Timex], predicted: Sequence[Timex], errors: list[str], text: str
    ) -> None:
        scored = [g for g in gold if g.type in SCORED_TYPES]
        others = [g for g in gold if g.type not in SCORED_TYPES]
        kept = [
            p
            for p in predicted
            if any(_overlap(p, g) for g in scored) or not any(_overlap(p, g) for g in others)
        ]
        self.predicted += len(kept)
        self.gold += len(scored)
        exact = {(g.start, g.end) for g in scored}
        self.strict_p += sum((p.start, p.end) in exact for p in kept)
        self.strict_r += sum(
            any((p.start, p.end) == (g.start, g.end) for p in kept) for g in scored
        )
        self.relaxed_p += sum(any(_overlap(p, g) for g in scored) for p in kept)
        for g in scored:
            best = max(kept, key=lambda p: _overlap(p, g), default=None)
            if best is None or not _overlap(best, g):
                errors.append(f"missed   {text[g.start : g.end]!r} {g.value}")
                continue
            self.relaxed_r += 1
            if best.value == g.value:
                self.value_right += 1
            else:
                errors.append(
                    f"value    {text[best.start : best.end]!r} {best.value} (gold {g.value})"
                )
        for p in kept:
            if not any(_overlap(p, g) for g in scored):
                errors.append(f"spurious {text[p.start : p.end]!r} {p.value}")

    def scores(self) -> dict[str, float | int]:
        def f1(tp_p: int, tp_r: int) -> tuple[float, float, float]:
            p = tp_p / self.predicted if self.predicted else 0.0
            r = tp_r / self.gold if self.gold else 0.0
            return p, r, (2 * p * r / (p + r) if p + r else 0.0)

        sp, sr, sf = f1(self.strict_p, self.strict_r)
        rp, rr, rf = f1(self.relaxed_p, self.relaxed_r)
        accuracy = self.value_right / self.relaxed_r if self.relaxed_r else 0.0
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "strict_precision": round(sp, 4),
            "strict_recall": round(sr, 4),
            "strict_f1": round(sf, 4),
            "relaxed_precision": round(rp, 4),
            "relaxed_recall": round(rr, 4),
            "relaxed_f1": round(rf, 4),
            "value_accuracy": round(accuracy, 4),
            "value_f1": round(accuracy * rf, 4),
        }


SYSTEMS: dict[str, Callable[[Article, Any], list[Timex]]] = {
    "newsledger": ours,
    "spacy+dateparser": baseline,
}


def evaluate(folder: Path, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Scores of every system on every .tml file in ``folder``."""
    tallies = {name: Tally() for name in SYSTEMS}
    files = sorted(folder.glob("*.tml"))
    for path in files:
        article = load(path)
        doc = parse(article.text)
        for name, system in SYSTEMS.items():
            found: list[str] = []
            tallies[name].add(article.timexes, system(article, doc), found, article.text)
            if errors is not None:
                errors.setdefault(name, []).extend(f"{article.name}: {e}" for e in found)
    return {"documents": len(files), **{name: t.scores() for name, t in tallies.items()}}


def main(shared: Path, verbose: bool = False) -> dict[str, Any]:
    """TE3 platinum scores (DATE and TIME) of newsledger and the baseline; ``{}`` if absent."""
    folder = shared / DATASET
    if not folder.is_dir():
        return {}
    errors: dict[str, list[str]] | None = {} if verbose else None
    results = evaluate(folder, errors)
    for name, lines in (errors or {}).items():
        print(f"--- {name}")
        print("\n".join(lines))
    return results


def _table(results: dict[str, Any]) -> str:
    """One row per system: strict and relaxed P/R/F1, value accuracy and value F1."""
    columns = {
        "strict P": "strict_precision",
        "strict R": "strict_recall",
        "strict F1": "strict_f1",
        "relax P": "relaxed_precision",
        "relax R": "relaxed_recall",
        "relax F1": "relaxed_f1",
        "value acc": "value_accuracy",
        "value F1": "value_f1",
    }
    rows = [f"{'system':<18}" + "".join(f"{c:>10}" for c in columns)]
    for name in SYSTEMS:
        rows.append(f"{name:<18}" + "".join(f"{results[name][k]:>10.3f}" for k in columns.values()))
    return "\n".join(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[2] / "shared")
    parser.add_argument("--verbose", action="store_true", help="list every error")
    args = parser.parse_args()
    scores = main(args.shared, verbose=args.verbose)
    if not scores:
        sys.exit(f"TE3 platinum not found under {args.shared / DATASET}")
    print(
        f"TE3 platinum, DATE and TIME TIMEX3, {scores['documents']} documents, "
        f"{scores['newsledger']['gold']} gold expressions"
    )
    print(_table(scores))
    print(json.dumps(scores, indent=2))
