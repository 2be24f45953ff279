"""What reconciling costs as a store grows, on stored extractions (no parsing).

Extractions are made once (``bench/scale_bench.py`` reads them from the store its single-worker
ingest wrote); variants of them (new ids, dates moved, figures changed by a few per cent) stand
in for more articles, so these figures measure the reconcile stage alone. Two shapes:

- **an archive** (:func:`archive`): passes over the pool, each pass ``COPIES`` follow-ups of
  every pooled article within days of it (so stories of several reports form), each pass
  published ``GENERATION_DAYS`` after the last, as a real store grows over time: more stories,
  each bounded by the story index's time window. The figure the scale issue's growth exponent
  is fitted to.
- **one story** (:func:`one_story`): variants of one document within a month, all one story
  that grows with the count: the worst case, where each document's facts are read against all
  the story's figures so far.

:func:`one_more` adds the cost of one more document to a store of N with the state loaded from
JSON and saved back, as ``ingest`` of one new file pays it.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from newsledger.model import DateInfo, Extraction, Quantity
from newsledger.pipeline import gc_paused
from newsledger.reconcile import Reconciler
from newsledger.store import decode_state, encode_state

#: Days between two passes over the pool: past the story index's window (120 days), so a pass
#: opens its own stories rather than growing the last pass's for ever.
GENERATION_DAYS = 150
#: Reports of each pooled article in one pass (a day or two apart, figures a little changed).
COPIES = 4


def _moved(day: str | None, days: int) -> str | None:
    if day is None or len(day) < 10:
        return day
    try:
        return (date.fromisoformat(day[:10]) + timedelta(days=days)).isoformat()
    except ValueError:
        return day


def _figure(quantity: Quantity, factor: float) -> Quantity:
    def scale(x: float | None) -> float | None:
        return None if x is None else round(x * factor)

    return dataclasses.replace(
        quantity, value=scale(quantity.value), low=scale(quantity.low), high=scale(quantity.high)
    )


def variant(extraction: Extraction, n: int, days: int | None = None) -> Extraction:
    """The n-th stand-in for an article: another id, a date ``days`` later (default ``n % 30``),
    figures a little changed."""
    document = extraction.document
    moved = _moved(document.published.value, n % 30 if days is None else days)
    published = DateInfo(moved, document.published.source, document.published.unsure)
    copy = dataclasses.replace(
        document, id=f"{document.id[:40]}{n:024d}", published=published, duplicate_of=None
    )
    factor = 1 + (n % 7) / 100
    claims = tuple(
        dataclasses.replace(c, quantities=tuple(_figure(q, factor) for q in c.quantities))
        for c in extraction.claims
    )
    return dataclasses.replace(extraction, document=copy, claims=claims)


def archive(pool: Sequence[Extraction], docs: int) -> Iterator[Extraction]:
    """``docs`` documents: passes over the pool (``COPIES`` reports of each article, two days
    apart), each pass ``GENERATION_DAYS`` after the last."""
    for n in range(docs):
        generation, at = divmod(n, len(pool) * COPIES)
        copy, article = divmod(at, len(pool))
        yield variant(pool[article], n, generation * GENERATION_DAYS + 2 * copy)


def one_story(pool: Sequence[Extraction], docs: int) -> Iterator[Extraction]:
    """``docs`` variants of the pool's document with the most figures, within a month."""
    richest = max(pool, key=lambda e: (sum(len(c.quantities) for c in e.claims), e.document.id))
    for n in range(docs):
        yield variant(richest, n)


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def grow(reconciler: Reconciler, items: Iterable[Extraction]) -> float:
    """Seconds spent in ``Reconciler.add`` alone (making the variants is not counted)."""
    spent = 0.0
    for extraction in items:
        started = time.perf_counter()
        reconciler.add(extraction)
        spent += time.perf_counter() - started
    return spent


def story_sizes(reconciler: Reconciler) -> tuple[int, int]:
    """How many stories, and the documents of the largest."""
    stories = reconciler.stories.stories
    return len(stories), max((len(s.documents) for s in stories.values()), default=0)


def one_more(reconciler: Reconciler, extraction: Extraction) -> dict[str, float]:
    """One more document with the state loaded from JSON and saved back, and the add alone;
    and what one save of the state costs (``ingest`` saves it every ``SAVE_EVERY`` documents)."""
    with gc_paused():
        save, state_text = timed(lambda: encode_state(reconciler.to_state()))

    def incremental() -> None:
        with gc_paused():  # as the ledger loads and saves it
            again = Reconciler(decode_state(state_text))
        again.add(extraction)
        with gc_paused():
            encode_state(again.to_state())

    step, _ = timed(incremental)
    add_only, _ = timed(lambda: reconciler.add(extraction))
    return {
        "with_state_load_and_save_seconds": round(step, 3),
        "add_only_seconds": round(add_only, 4),
        "state_to_json_seconds": round(save, 3),
        "state_mb": round(len(state_text) / 1e6, 1),
    }
