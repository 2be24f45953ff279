"""Story grouping (``newsledger.reconcile.stories``) scored against gold story labels.

Documents of ``../shared/corpus/`` and ``examples/`` are read as ``newsledger extract`` reads them
(copies linked), their entities found with the extract stage's finder, and fed one at a time to a
single :class:`~newsledger.reconcile.stories.StoryIndex`, as ``watch`` would. B-cubed precision,
recall and F1 are computed separately for the corpus and the examples against
``eval/gold/stories.json``.

Arrival order. The main figure feeds documents in publication-date order, as a live feed
arrives. An undated document keeps its place in file order: it takes the date of the nearest
dated document before it in the (sorted) input listing, so it arrives just after that one; one
with no dated document before it arrives first. The same run is repeated on ``SHUFFLES`` random
orders (seeded, so the figures are reproducible) to show how much arrival order matters.

Baselines, run in the same process: single-link clustering over all pairs with TF-IDF cosine
above 0.3 (words of title and body, the usual first attempt, quadratic), and everything in one
story.

``--scale`` also times ``assign`` per document on 1,000 and 5,000 synthetic documents
(paragraphs of the corpus recombined, with names, many words, numbers and dates varied per
synthetic story), to show that the cost per document stays flat as the index grows.

    .venv/bin/python eval/stories.py --shared ../shared [--scale] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from newsledger.config import Limits
from newsledger.extract.entities import find_entities
from newsledger.extract.nlp import parse
from newsledger.model import DateInfo, Document, Entity, Extraction
from newsledger.pipeline import read_documents
from newsledger.reconcile.stories import StoryIndex, StorySettings, sure_day

HERE = Path(__file__).parent
GOLD = HERE / "gold" / "stories.json"
EXAMPLES = HERE.parent / "examples"
SHUFFLES = 10
BASELINE_THRESHOLD = 0.3
SCALE_SIZES = (1_000, 5_000)


@dataclass(frozen=True)
class Item:
    """One document of the evaluation: which set it is in, its gold key and label."""

    part: str  # "corpus" or "examples"
    key: str
    gold: str
    extraction: Extraction


# --- Reading ---------------------------------------------------------------------------------


def gold_key(document: Document, root: Path) -> str:
    """The document's key in the gold file: its path under ``root``, ``#record`` if inside one."""
    path = Path(document.provenance.input)
    try:
        name = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        name = path.name
    record = document.provenance.record
    return name if record is None else f"{name}#{record}"


def extraction_of(document: Document) -> Extraction:
    """What the story index needs of the extract stage: the document and its entities."""
    return Extraction(document, entities=tuple(find_entities(parse(document.body))))


def hard_negatives() -> list[tuple[str, str]]:
    """Pairs of gold stories that share places, people or figures yet must stay apart."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    return [(a, b) for a, b in gold["hard_negatives"]]


def load(shared: Path) -> list[Item]:
    """Corpus and example documents with their gold labels, in input (sorted file) order."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    items: list[Item] = []
    for part, root in (("corpus", shared / "corpus"), ("examples", EXAMPLES)):
        if not root.is_dir():
            continue
        documents, failures = read_documents([str(root)], Limits())
        for failure in failures:
            print(f"  not read: {failure}", file=sys.stderr)
        for document in documents:
            key = gold_key(document, root)
            if key not in gold[part]:
                print(f"  no gold label for {part} {key}; left out", file=sys.stderr)
                continue
            items.append(Item(part, key, gold[part][key], extraction_of(document)))
    return items


def arrival_order(items: Sequence[Item]) -> list[int]:
    """Indexes of ``items`` in publication-date order; undated ones keep their file place."""
    keys: list[tuple[date, int]] = []
    last = date.min
    for index, item in enumerate(items):
        day = sure_day(item.extraction.document)
        last = day or last
        keys.append((day or last, index))
    return [index for _, index in sorted(keys)]


# --- Scoring ---------------------------------------------------------------------------------


def bcubed(predicted: Sequence[str], gold: Sequence[str]) -> dict[str, float]:
    """B-cubed precision, recall and F1: per item, the overlap of its cluster and its class."""
    if not gold:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    both = Counter(zip(predicted, gold, strict=True))
    by_cluster = Counter(predicted)
    by_class = Counter(gold)
    precision = sum(both[p, g] / by_cluster[p] for p, g in zip(predicted, gold, strict=True))
    recall = sum(both[p, g] / by_class[g] for p, g in zip(predicted, gold, strict=True))
    p, r = precision / len(gold), recall / len(gold)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


def by_part(items: Sequence[Item], predicted: Sequence[str]) -> dict[str, dict[str, float]]:
    """B-cubed of the corpus and of the examples, each over its own documents."""
    out: dict[str, dict[str, float]] = {}
    for part in ("corpus", "examples"):
        chosen = [i for i, item in enumerate(items) if item.part == part]
        if chosen:
            out[part] = bcubed([predicted[i] for i in chosen], [items[i].gold for i in chosen])
    return out


def run_index(
    items: Sequence[Item], order: Sequence[int], settings: StorySettings | None = None
) -> list[str]:
    """Each item's story after feeding them all in ``order`` (merges resolved at the end)."""
    index = StoryIndex(settings)
    for i in order:
        index.assign(items[i].extraction)
    return [index.story_of(item.extraction.document.id) or "" for item in items]


def errors(items: Sequence[Item], predicted: Sequence[str]) -> list[str]:
    """Gold stories split over several stories, and stories mixing gold stories, in words."""
    lines: list[str] = []
    for part in ("corpus", "examples"):
        chosen = [i for i, item in enumerate(items) if item.part == part]
        clusters: dict[str, Counter[str]] = {}
        classes: dict[str, Counter[str]] = {}
        for i in chosen:
            clusters.setdefault(predicted[i], Counter())[items[i].gold] += 1
            classes.setdefault(items[i].gold, Counter())[predicted[i]] += 1
        for mixed in (dict(c) for c in clusters.values() if len(c) > 1):
            lines.append(f"{part}: one story mixes {mixed}")
        for label, spread in classes.items():
            if len(spread) > 1:
                lines.append(f"{part}: {label} split {sorted(spread.values(), reverse=True)}")
    return lines


def apart(items: Sequence[Item], predicted: Sequence[str]) -> dict[str, bool]:
    """For each hard-negative pair present, whether no story holds documents of both."""
    out: dict[str, bool] = {}
    for a, b in hard_negatives():
        stories_a = {p for p, i in zip(predicted, items, strict=True) if i.gold == a}
        stories_b = {p for p, i in zip(predicted, items, strict=True) if i.gold == b}
        if stories_a and stories_b:
            out[f"{a} / {b}"] = not stories_a & stories_b
    return out


def undated(item: Item) -> Item:
    """The item with its publication date removed: what content alone can do."""
    document = replace(item.extraction.document, published=DateInfo(None))
    return replace(item, extraction=replace(item.extraction, document=document))


# --- Baselines -------------------------------------------------------------------------------

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def tfidf_vectors(texts: Sequence[str]) -> list[dict[str, float]]:
    """Plain TF-IDF (raw counts, smoothed IDF, unit length) over the whole batch at once."""
    counts = [Counter(_TOKEN.findall(text.lower())) for text in texts]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(texts)
    vectors = []
    for c in counts:
        v = {t: k * (math.log((1 + n) / (1 + df[t])) + 1) for t, k in c.items()}
        norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
        vectors.append({t: w / norm for t, w in v.items()})
    return vectors


def single_link(items: Sequence[Item], threshold: float = BASELINE_THRESHOLD) -> list[str]:
    """All-pairs single-link clustering on TF-IDF cosine (union-find); O(n^2), batch only."""
    texts = [f"{i.extraction.document.title or ''}\n{i.extraction.document.body}" for i in items]
    vectors = tfidf_vectors(texts)
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            a, b = vectors[i], vectors[j]
            small, large = (a, b) if len(a) < len(b) else (b, a)
            if sum(w * large.get(t, 0.0) for t, w in small.items()) > threshold:
                parent[root(i)] = root(j)
    return [str(root(i)) for i in range(len(items))]


# --- The evaluation --------------------------------------------------------------------------


def evaluate(items: Sequence[Item], shuffles: int = SHUFFLES) -> dict[str, Any]:
    """Ours in date order and shuffled, and the baselines, each scored per part."""
    order = arrival_order(items)
    predicted = run_index(items, order)
    baseline = single_link(items)
    without_dates = [undated(item) for item in items]
    predicted_undated = run_index(without_dates, range(len(items)))
    shuffled = []
    kept_apart: Counter[str] = Counter()
    for seed in range(shuffles):
        random_order = list(range(len(items)))
        random.Random(seed).shuffle(random_order)
        shuffled_prediction = run_index(items, random_order)
        shuffled.append(by_part(items, shuffled_prediction))
        kept_apart.update(pair for pair, ok in apart(items, shuffled_prediction).items() if ok)
    return {
        "documents": {p: sum(1 for i in items if i.part == p) for p in ("corpus", "examples")},
        "gold_stories": {
            p: len({i.gold for i in items if i.part == p}) for p in ("corpus", "examples")
        },
        "newsledger_date_order": by_part(items, predicted),
        "newsledger_date_order_errors": errors(items, predicted),
        "hard_negatives_apart": apart(items, predicted),
        "stories_found": {
            p: len({s for s, i in zip(predicted, items, strict=True) if i.part == p})
            for p in ("corpus", "examples")
        },
        "newsledger_shuffled": summarise(shuffled),
        "hard_negatives_apart_in_shuffled_runs": {
            pair: f"{kept_apart[pair]} of {shuffles}" for pair in apart(items, predicted)
        },
        "newsledger_without_dates_file_order": by_part(items, predicted_undated),
        "newsledger_without_dates_errors": errors(items, predicted_undated),
        "baseline_single_link_tfidf_0.3": by_part(items, baseline),
        "baseline_single_link_errors": errors(items, baseline),
        "baseline_one_story": by_part(items, ["all"] * len(items)),
    }


def summarise(runs: Sequence[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Mean and worst F1 (and mean P, R) of each part over the shuffled runs."""
    out: dict[str, dict[str, float]] = {}
    for part in runs[0] if runs else ():
        f1 = [run[part]["f1"] for run in runs]
        out[part] = {
            "runs": len(runs),
            "precision": round(sum(run[part]["precision"] for run in runs) / len(runs), 4),
            "recall": round(sum(run[part]["recall"] for run in runs) / len(runs), 4),
            "f1": round(sum(f1) / len(f1), 4),
            "f1_min": min(f1),
        }
    return out


def main(shared: Path) -> dict[str, Any]:
    """Every story-grouping figure for ``make eval`` (``eval/run.py`` calls this)."""
    items = load(shared)
    return evaluate(items)


# --- Scale: cost per document ------------------------------------------------------------------

_SYLLABLES = ("ka", "lo", "mi", "ren", "tas", "vo", "del", "shi", "qua", "bor", "nel", "zu")
_DIGITS = re.compile(r"\d")
_WORDS = re.compile(r"[A-Za-z]{4,}")


def pseudo_word(seed: str, syllables: int = 3) -> str:
    """A pronounceable made-up word, the same for the same seed."""
    digest = hashlib.blake2b(seed.encode(), digest_size=8).digest()
    return "".join(_SYLLABLES[b % len(_SYLLABLES)] for b in digest[:syllables])


@dataclass(frozen=True)
class Paragraph:
    text: str
    entities: tuple[Entity, ...]  # offsets relative to the paragraph


def paragraphs_by_story(items: Sequence[Item]) -> dict[str, list[Paragraph]]:
    """The corpus paragraphs, each with its entities, grouped by gold story."""
    out: dict[str, list[Paragraph]] = {}
    for item in items:
        body = item.extraction.document.body
        start = 0
        for line in body.split("\n"):
            end = start + len(line)
            inside = tuple(
                Entity(e.text, e.start - start, e.end - start, e.label, e.canonical)
                for e in item.extraction.entities
                if e.start >= start and e.end <= end
            )
            if len(line) > 80:
                out.setdefault(item.gold, []).append(Paragraph(line, inside))
            start = end + 1
    return out


def vary(text: str, story: int, rng: random.Random) -> str:
    """Half the longer words swapped for the synthetic story's own, every digit redrawn."""

    def word(match: re.Match[str]) -> str:
        w = match.group()
        if hashlib.blake2b(f"{w.lower()}|{story}".encode(), digest_size=1).digest()[0] < 128:
            return pseudo_word(f"{w.lower()}|{story}")
        return w

    text = _WORDS.sub(word, text)
    return _DIGITS.sub(lambda _: str(rng.randrange(10)), text)


def synthetic_document(
    story: int, number: int, parts: Sequence[Paragraph], day: date | None, rng: random.Random
) -> Extraction:
    """A document of 3-6 recombined paragraphs, names and words varied per synthetic story."""
    pieces: list[str] = []
    entities: list[Entity] = []
    at = 0
    for paragraph in rng.sample(list(parts), k=min(len(parts), rng.randint(3, 6))):
        cursor = 0
        for e in sorted(paragraph.entities, key=lambda e: e.start):
            if e.start < cursor:
                continue
            before = vary(paragraph.text[cursor : e.start], story, rng)
            name = " ".join(pseudo_word(f"{w}|{story}", 2).title() for w in e.canonical.split())
            pieces.append(before)
            at += len(before)
            entities.append(Entity(name, at, at + len(name), e.label, name))
            pieces.append(name)
            at += len(name)
            cursor = e.end
        tail = vary(paragraph.text[cursor:], story, rng) + "\n"
        pieces.append(tail)
        at += len(tail)
    body = "".join(pieces)
    doc_id = hashlib.sha256(f"{story}/{number}/{body}".encode()).hexdigest()
    published = DateInfo(day.isoformat() if day else None, "header" if day else "none")
    document = Document(doc_id, body, None, None, None, None, published)
    return Extraction(document, entities=tuple(entities))


def synthetic_stream(items: Sequence[Item], n: int, seed: int = 7) -> list[tuple[int, Extraction]]:
    """``n`` synthetic documents as ``(synthetic story, extraction)`` in date order.

    Story sizes are skewed as in news (most stories have a few reports, some many); each story
    gets a start day in 2020-2024 and reports over the following two weeks, 30% undated.
    """
    rng = random.Random(seed)
    templates = paragraphs_by_story([i for i in items if i.part == "corpus"])
    labels = sorted(templates)
    stream: list[tuple[date, int, Extraction]] = []
    story = 0
    while len(stream) < n:
        size = min(n - len(stream), 1 + int(rng.expovariate(1 / 4)))
        parts = templates[rng.choice(labels)]
        start = date(2020, 1, 1) + timedelta(days=rng.randrange(5 * 365))
        for number in range(size):
            day = start + timedelta(days=rng.randrange(15))
            shown = None if rng.random() < 0.3 else day
            stream.append((day, story, synthetic_document(story, number, parts, shown, rng)))
        story += 1
    stream.sort(key=lambda entry: entry[0])
    return [(s, extraction) for _, s, extraction in stream]


def scale(items: Sequence[Item], sizes: Iterable[int] = SCALE_SIZES) -> dict[str, Any]:
    """Time ``assign`` per document as the index grows, for each stream size.

    CPU time of this process (``time.process_time``), so other work on shared cores does not
    show up as our cost; the mean number of stories each document was compared with is the
    machine-independent figure.
    """
    out: dict[str, Any] = {}
    for n in sizes:
        stream = synthetic_stream(items, n)
        index = StoryIndex()
        costs: list[float] = []
        compared: list[int] = []
        for _, extraction in stream:
            t0 = time.process_time()
            assignment = index.assign(extraction)
            costs.append(time.process_time() - t0)
            compared.append(assignment.compared)
        t0 = time.process_time()
        state = json.dumps(index.to_state())
        StoryIndex.from_state(json.loads(state))
        round_trip = time.process_time() - t0
        predicted = [index.story_of(e.document.id) or "" for _, e in stream]
        out[str(n)] = {
            "ms_per_document": round(1000 * sum(costs) / n, 2),
            "ms_per_document_by_fifth": [round(1000 * mean(part), 2) for part in fifths(costs)],
            "stories_compared_by_fifth": [round(mean(part), 1) for part in fifths(compared)],
            "stories": len(index.stories),
            "synthetic_stories": len({s for s, _ in stream}),
            "bcubed_vs_synthetic_stories": bcubed(predicted, [str(s) for s, _ in stream]),
            "state_json_mb": round(len(state) / 1e6, 2),
            "state_round_trip_s": round(round_trip, 2),
        }
    return out


def fifths(values: Sequence[float]) -> list[Sequence[float]]:
    size = max(len(values) // 5, 1)
    return [values[i : i + size] for i in range(0, len(values), size)]


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# --- Command line ----------------------------------------------------------------------------


def table(results: dict[str, Any]) -> str:
    """The figures as a small table for people."""
    rows = [
        ("newsledger, date order", results["newsledger_date_order"]),
        (f"newsledger, shuffled (mean of {SHUFFLES})", results["newsledger_shuffled"]),
        ("newsledger, dates removed, file order", results["newsledger_without_dates_file_order"]),
        (
            f"baseline single-link TF-IDF > {BASELINE_THRESHOLD}",
            results["baseline_single_link_tfidf_0.3"],
        ),
        ("baseline one story", results["baseline_one_story"]),
    ]
    docs, stories = results["documents"], results["gold_stories"]
    lines = [
        "Stories, B-cubed precision / recall / F1"
        f" (corpus: {docs['corpus']} documents, {stories['corpus']} gold stories;"
        f" examples: {docs['examples']} documents, {stories['examples']} gold stories)",
        f"  {'':44} {'corpus':>22}   {'examples':>22}",
    ]
    for name, scores in rows:
        cells = []
        for part in ("corpus", "examples"):
            s = scores.get(part)
            cells.append(f"{s['precision']:.3f} {s['recall']:.3f} {s['f1']:.3f}" if s else "-")
        lines.append(f"  {name:44} {cells[0]:>22}   {cells[1]:>22}")
    shuffled = results["newsledger_shuffled"]
    worst = ", ".join(f"{p} {s['f1_min']:.3f}" for p, s in shuffled.items())
    lines.append(f"  worst shuffled F1: {worst}")
    shuffled_apart = results["hard_negatives_apart_in_shuffled_runs"]
    for pair, kept in results["hard_negatives_apart"].items():
        lines.append(
            f"  hard negative {pair}: {'apart' if kept else 'MIXED'} in date order,"
            f" apart in {shuffled_apart[pair]} shuffled runs"
        )
    for error in results["newsledger_date_order_errors"]:
        lines.append(f"  newsledger, date order: {error}")
    for error in results["newsledger_without_dates_errors"]:
        lines.append(f"  newsledger, dates removed: {error}")
    for error in results["baseline_single_link_errors"]:
        lines.append(f"  baseline single-link: {error}")
    return "\n".join(lines)


def scale_table(results: dict[str, Any]) -> str:
    lines = [
        "Cost of assign per document on synthetic streams"
        " (CPU ms per document, and stories compared, by fifth of the stream)"
    ]
    for n, r in results.items():
        ms = " ".join(f"{x:.2f}" for x in r["ms_per_document_by_fifth"])
        compared = " ".join(f"{x:.1f}" for x in r["stories_compared_by_fifth"])
        lines.append(
            f"  N={n:>5}: {r['ms_per_document']:.2f} ms/doc [{ms}], compared [{compared}],"
            f" {r['stories']} stories"
            f" ({r['synthetic_stories']} synthetic), B-cubed F1"
            f" {r['bcubed_vs_synthetic_stories']['f1']:.3f}, state {r['state_json_mb']} MB JSON,"
            f" round trip {r['state_round_trip_s']} s"
        )
    return "\n".join(lines)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--scale", action="store_true", help="also time 1,000 and 5,000 docs")
    parser.add_argument("--json", action="store_true", help="print only the JSON")
    args = parser.parse_args()
    items = load(args.shared)
    results = evaluate(items)
    if args.scale:
        results["scale"] = scale(items)
    if not args.json:
        print(table(results))
        if args.scale:
            print(scale_table(results["scale"]))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    cli()
