"""Extraction in worker processes, or on a Dask cluster, gives the same store as in one process."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from newsledger.config import Limits
from newsledger.ingest import expand
from newsledger.ingest.document import document_id
from newsledger.model import DateInfo, Document, Extraction
from newsledger.pipeline import ingest
from newsledger.scale import ClosingEngine, Pending
from newsledger.scale.dask import DaskEngine
from newsledger.scale.local import LocalEngine
from newsledger.store import Store
from newsledger.store.fingerprint import fingerprint

EXAMPLES = Path(__file__).parents[1] / "examples"


def _snapshot(db: Path) -> dict[str, str]:
    """The store's digest per table (the same comparison ``bench/scale_bench.py`` makes)."""
    store = Store(str(db))
    try:
        return fingerprint(store)
    finally:
        store.close()


@pytest.mark.slow
def test_worker_pool_store_equals_in_process_store(tmp_path: Path) -> None:
    inputs = expand([str(EXAMPLES)])
    stores = {}
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        store = Store(str(db))
        # Batches of 2: the 15 examples travel as several batches, so the pool is really used.
        report = ingest(store, inputs, Limits(), workers=workers, batch_size=2)
        store.close()
        assert report.ingested == 15 and not report.failures
        stores[workers] = _snapshot(db)
    assert stores[1] == stores[2]


def test_pool_returns_extractions_in_input_order() -> None:
    bodies = [f"The council said {n} homes were flooded on Monday." for n in range(1, 7)]
    documents = [
        Document(document_id(b), b, None, None, None, None, DateInfo("2025-03-13")) for b in bodies
    ]
    with LocalEngine(workers=2, batch_size=1) as engine:
        assert engine.window == 8
        found = engine.map(documents)
    assert [e.document.id for e in found] == [d.id for d in documents]
    figures = [q.value for e in found for c in e.claims for q in c.quantities]
    assert figures == [1, 2, 3, 4, 5, 6]


@pytest.mark.slow
def test_dask_local_cluster_store_equals_in_process_store(tmp_path: Path) -> None:
    inputs = expand([str(EXAMPLES)])
    local, remote = tmp_path / "local.db", tmp_path / "dask.db"
    store = Store(str(local))
    ingest(store, inputs, Limits(), workers=1)
    store.close()
    store = Store(str(remote))
    with DaskEngine(workers=2, batch_size=2) as engine:
        report = ingest(store, inputs, Limits(), engine=engine)
    store.close()
    assert report.ingested == 15 and not report.failures
    assert _snapshot(local) == _snapshot(remote)


class RecordingEngine(ClosingEngine):
    """Extracts nothing (each document bare) and records when windows go out and come back."""

    window = 3

    def __init__(self, store: Store) -> None:
        self.store = store
        self.events: list[tuple[str, int, int]] = []  # (what, window number, documents stored)
        self.extracted = 0

    def map(self, documents: Sequence[Document]) -> list[Extraction]:
        self.extracted += len(documents)
        return [Extraction(document) for document in documents]

    def submit(self, documents: Sequence[Document]) -> Pending:
        number = sum(1 for what, _, _ in self.events if what == "submit")
        self.events.append(("submit", number, self.store.count()))
        window = list(documents)

        def result() -> list[Extraction]:
            self.events.append(("result", number, self.store.count()))
            return self.map(window)

        return result

    def close(self) -> None:
        return None


def _articles(folder: Path, count: int) -> list[str]:
    paths = []
    for n in range(count):
        path = folder / f"{n:02d}.txt"
        path.write_text(f"Flood {n}\n\nThe council said {n + 10} homes in Ward {n} were flooded.\n")
        paths.append(str(path))
    return paths


def test_the_next_window_is_submitted_before_the_previous_one_is_written(tmp_path: Path) -> None:
    paths = _articles(tmp_path, 8)
    store = Store(str(tmp_path / "s.db"))
    engine = RecordingEngine(store)
    report = ingest(store, paths, Limits(), engine=engine)
    assert report.ingested == 8 and store.count() == 8
    store.close()
    # Windows of 3, 3 and 2: each goes out while the one before is still unwritten, and the
    # one before is written only after that (at most two windows are in hand at any time).
    assert engine.events == [
        ("submit", 0, 0),
        ("submit", 1, 0),
        ("result", 0, 0),
        ("submit", 2, 3),
        ("result", 1, 3),
        ("result", 2, 6),
    ]


def test_a_copy_of_a_document_still_in_hand_is_stored_once(tmp_path: Path) -> None:
    paths = _articles(tmp_path, 4)
    again = tmp_path / "again.txt"
    again.write_text(Path(paths[0]).read_text())  # the first article, while it is unwritten
    store = Store(str(tmp_path / "s.db"))
    engine = RecordingEngine(store)
    report = ingest(store, [*paths, str(again)], Limits(), engine=engine)
    assert (report.ingested, report.duplicate, store.count()) == (4, 1, 4)
    assert engine.extracted == 4  # the windows in hand were written first: the copy not parsed
    with store.engine.connect() as connection:
        inputs = connection.exec_driver_sql("select input from provenance order by id").all()
    store.close()
    assert [row[0] for row in inputs] == [*paths, str(again)]
