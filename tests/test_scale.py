"""Extraction in worker processes, or on a Dask cluster, gives the same store as in one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsledger.config import Limits
from newsledger.ingest import expand
from newsledger.ingest.document import document_id
from newsledger.model import DateInfo, Document
from newsledger.pipeline import ingest
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
