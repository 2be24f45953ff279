"""A store's content as one digest per table: two stores hold the same when their digests match.

Every engine must give the same store as one process from the same inputs (``tests/test_scale.py``
and ``bench/scale_bench.py`` check it). Surrogate keys, sequence numbers and ingest or save times
differ between two runs of the same inputs, so they are left out; the rest is read in a fixed
order and streamed into a hash, so two stores of 100,000 documents are compared without either
being held in memory.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Column, select

from newsledger.store import Store
from newsledger.store.schema import metadata

#: Documents, provenance, what extraction found, story membership, and the reconcile state (the
#: stories, facts and timelines of :class:`~newsledger.reconcile.Reconciler`, as saved JSON).
TABLES = (
    "documents",
    "provenance",
    "entities",
    "times",
    "places",
    "claims",
    "quantities",
    "story_members",
    "reconcile_state",
)
#: Columns that differ between two runs of the same inputs.
_RUN_COLUMNS = frozenset({"seq", "ingested_at", "saved_at"})


def _compared(table: str, column: Column[object]) -> bool:
    if column.name in _RUN_COLUMNS:
        return False
    # Integer surrogate keys (an item's own id, a figure's claim id) are numbered by arrival;
    # a document's id is its content hash, and a state's id is its name: both are content.
    return not (column.name in ("id", "claim_id") and table not in ("documents",))


def fingerprint(store: Store) -> dict[str, str]:
    """Table name -> SHA-256 of its compared columns, rows in a fixed order."""
    found: dict[str, str] = {}
    with store.engine.connect() as connection:
        for name in TABLES:
            table = metadata.tables[name]
            columns = [c for c in table.columns if _compared(name, c)]
            digest = hashlib.sha256()
            for row in connection.execute(select(*columns).order_by(*columns)):
                digest.update(repr(tuple(row)).encode("utf-8"))
                digest.update(b"\n")
            found[name] = digest.hexdigest()
    return found
