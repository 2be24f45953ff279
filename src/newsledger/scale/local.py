"""Extraction on one machine: in this process, or in a pool of worker processes.

Parsing is the cost of ingest (spaCy runs at a few thousand words a second per core), and it is
the only stage that needs no shared state, so it is the one spread over processes. Reading,
copy detection and writing stay in the parent: there is one writer per store. Documents travel
in windows of a few batches, so memory stays flat however large the input, and each worker loads
the model once (the pipeline is cached per process).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Sequence
from multiprocessing.pool import Pool

from newsledger.model import Document, Extraction
from newsledger.scale import ClosingEngine, Pending


def default_workers() -> int:
    """One worker per core: parsing is CPU-bound."""
    return os.cpu_count() or 1


def extract_batch(documents: Sequence[Document]) -> list[Extraction]:
    from newsledger.extract.claims import extract_many

    return list(extract_many(documents))


def _ignore_interrupts() -> None:
    """Ctrl-C reaches the whole process group: the parent decides (``watch`` finishes the
    window in hand, ``ingest`` stops), so a worker never dies mid-task and leaves ``map``
    waiting for a result that cannot come."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LocalEngine(ClosingEngine):
    """Runs the extract stage over windows of documents, in order.

    ``workers`` of 1 (or a window too small to be worth spreading) runs in this process; more
    starts a pool on first need, with the ``spawn`` method, so no lock or open database handle of
    the parent is inherited half-taken.
    """

    def __init__(self, workers: int | None = None, batch_size: int = 8) -> None:
        self.workers = max(1, workers if workers is not None else default_workers())
        self.batch_size = batch_size
        self._pool: Pool | None = None

    @property
    def window(self) -> int:
        """How many documents are extracted between two writes: a few batches per worker."""
        return self.workers * self.batch_size * 4

    def submit(self, documents: Sequence[Document]) -> Pending:
        """Hand the documents to the pool in batches; in this process, extract when asked."""
        if self.workers == 1 or len(documents) < 2 * self.batch_size:
            window = list(documents)
            return lambda: extract_batch(window)
        batches = [
            documents[i : i + self.batch_size] for i in range(0, len(documents), self.batch_size)
        ]
        results = self._started().map_async(extract_batch, batches, chunksize=1)
        return lambda: [extraction for batch in results.get() for extraction in batch]

    def _started(self) -> Pool:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = context.Pool(self.workers, initializer=_ignore_interrupts)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def abort(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
