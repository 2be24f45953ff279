"""``make bench``: what reconciling and briefing cost as a store grows.

The 64 articles of the shared corpus and ``examples/`` are extracted once; variants of their
extractions (new ids, dates moved, figures changed by a few per cent) stand in for more articles,
so the bench measures the reconcile stage alone, not parsing. Two figures, as the reconcile issue
asks:

1. **A story of 500 documents**: 500 variants of the dam story, reconciled, then briefed.
2. **One new document in a store of N**: reconciling N documents from nothing, against adding one
   more to the saved state of the N (loading the state from JSON, adding, saving it back), as a
   share of the whole.

Results are merged into ``bench/results/latest.json`` under ``"reconcile"``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsledger.config import Limits
from newsledger.extract.claims import extract_many
from newsledger.ingest import expand, read
from newsledger.model import DateInfo, Document, Extraction, Quantity
from newsledger.reconcile import Reconciler

HERE = Path(__file__).parent
RESULTS = HERE / "results" / "latest.json"


def originals(shared: Path) -> list[Extraction]:
    inputs = expand([str(HERE.parent / "examples"), str(shared / "corpus")])
    documents = [d for d in read(inputs, Limits()) if isinstance(d, Document)]
    return list(extract_many(documents))


def _moved(day: str | None, days: int) -> str | None:
    if day is None or len(day) != 10:
        return day
    from datetime import date, timedelta

    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def _figure(quantity: Quantity, factor: float) -> Quantity:
    def scale(x: float | None) -> float | None:
        return None if x is None else round(x * factor)

    return dataclasses.replace(
        quantity, value=scale(quantity.value), low=scale(quantity.low), high=scale(quantity.high)
    )


def variant(extraction: Extraction, n: int) -> Extraction:
    """The n-th stand-in for an article: another id, a later date, figures a little changed."""
    document = extraction.document
    published = DateInfo(_moved(document.published.value, n % 30), document.published.source)
    copy = dataclasses.replace(
        document, id=f"{document.id[:40]}{n:024d}", published=published, duplicate_of=None
    )
    factor = 1 + (n % 7) / 100
    claims = tuple(
        dataclasses.replace(c, quantities=tuple(_figure(q, factor) for q in c.quantities))
        for c in extraction.claims
    )
    return dataclasses.replace(extraction, document=copy, claims=claims)


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def largest_story(pool: list[Extraction]) -> list[Extraction]:
    """The documents of the story with most reports among the examples (the dam breach)."""
    reconciler = Reconciler()
    ordered = sorted(pool, key=lambda e: e.document.published.value or "9999")
    story = {e.document.id: reconciler.add(e).story_id for e in ordered}
    ours = [story[e.document.id] for e in pool if "examples" in (e.document.path or "")]
    biggest = max(set(ours), key=ours.count)
    return [e for e in ordered if story[e.document.id] == biggest]


def story_of_500(pool: list[Extraction]) -> dict[str, Any]:
    dam = largest_story(pool)
    items = [variant(dam[i % len(dam)], i) for i in range(500)]
    reconciler = Reconciler()
    add_seconds, _ = timed(lambda: [reconciler.add(e) for e in items])
    lookup = {e.document.id: e for e in items}
    brief_seconds, briefing = timed(lambda: reconciler.brief(None, lookup.get))
    biggest = max(briefing.stories, key=lambda s: len(s.documents))
    return {
        "documents": 500,
        "reconcile_seconds": round(add_seconds, 2),
        "brief_seconds": round(brief_seconds, 2),
        "stories": len(briefing.stories),
        "largest_story_documents": len(biggest.documents),
        "largest_story_facts": len(biggest.facts),
    }


def one_more(pool: list[Extraction], size: int) -> dict[str, Any]:
    items = [variant(pool[i % len(pool)], i) for i in range(size + 1)]
    reconciler = Reconciler()
    whole, _ = timed(lambda: [reconciler.add(e) for e in items[:size]])
    state_text = json.dumps(reconciler.to_state())

    def incremental() -> None:
        again = Reconciler(json.loads(state_text))
        again.add(items[size])
        json.dumps(again.to_state())

    step, _ = timed(incremental)
    add_only, _ = timed(lambda: reconciler.add(items[size]))
    return {
        "store_documents": size,
        "whole_seconds": round(whole, 2),
        "one_more_with_state_load_and_save_seconds": round(step, 3),
        "one_more_add_only_seconds": round(add_only, 4),
        "share_of_whole": round(step / whole, 4),
        "state_mb": round(len(state_text) / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--store", type=int, default=5000, help="documents in the grown store")
    args = parser.parse_args()
    pool = originals(args.shared)
    results = {"story_of_500": story_of_500(pool), "one_more": one_more(pool, args.store)}
    print(json.dumps(results, indent=2))
    merged = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    merged["reconcile"] = results
    RESULTS.write_text(json.dumps(merged, indent=2) + "\n")


if __name__ == "__main__":
    main()
