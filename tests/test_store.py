"""The store: one row per article, provenance per input, copies linked, schema migrated.

Every test that takes ``db_url`` runs on SQLite and on a real PostgreSQL server.
"""

from __future__ import annotations

import gc
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import inspect

from newsledger.config import Limits
from newsledger.ingest.document import build
from newsledger.model import DateInfo, Extraction, Provenance
from newsledger.pipeline import ingest
from newsledger.store import Store

WIRE = " ".join(
    [
        "RIVERTON, May 2 (Westwire) - Flood defences along the Amber river held overnight,",
        "the county engineer said on Friday, as water levels fell for the first time in a week.",
        "About 1,200 people remain in shelters, according to the county council, down from",
        "3,000 at the peak of the flood. The engineer said crews would inspect every embankment",
        "before residents are allowed to return.",
    ]
)


def _doc(body: str, source: str, published: str = "2025-05-02"):
    return build(
        body,
        provenance=Provenance(input=source, raw_sha256="x", ingested_at="now"),
        title="t",
        published=DateInfo(published, "header"),
    )


def test_schema_is_created_by_migrations(tmp_path: Path, db_url: str) -> None:
    store = Store(db_url)
    tables = set(inspect(store.engine).get_table_names())
    assert {"documents", "provenance", "alembic_version"} <= tables
    store.close()


def test_same_article_twice_is_stored_once_with_both_provenances(
    tmp_path: Path, db_url: str
) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"TITLE: Amber river\nDATE: 2025-05-02\n---\n{WIRE}\n")
    store = Store(db_url)
    report = ingest(store, [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], Limits())
    assert (report.ingested, report.duplicate) == (1, 1)
    again = ingest(store, [str(tmp_path / "a.txt")], Limits())
    assert (again.ingested, again.duplicate) == (0, 1)
    assert store.count() == 1
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql("select input from provenance order by id").all()
    assert [Path(r[0]).name for r in rows] == ["a.txt", "b.txt"]
    store.close()


def test_near_copy_links_to_earliest_even_when_it_arrives_later(
    tmp_path: Path, db_url: str
) -> None:
    later = _doc(
        WIRE.replace("Flood defences", "The flood defences") + " Photos: page 4.",
        "later.txt",
        "2025-05-03",
    )
    earlier = _doc(WIRE, "earlier.txt", "2025-05-02")
    other = _doc(
        "A different story entirely: the Riverton library reopened on Friday after a "
        "two-year refurbishment costing $4 million, the council said.",
        "other.txt",
    )
    store = Store(db_url)
    from newsledger.pipeline import link, load_index

    index = load_index(store)
    for document in (later, other, earlier):
        linked, sig, relinked = link(index, document)
        store.add(linked, sig.to_bytes(), sig.shingles, relinked)
    by_id = {d.id: d for d in store.documents()}
    assert by_id[later.id].duplicate_of == earlier.id
    assert by_id[earlier.id].duplicate_of is None
    assert by_id[other.id].duplicate_of is None
    # A fresh index loaded from the store knows the group: a third copy joins the origin.
    third = _doc(WIRE + " More to follow.", "third.txt", "2025-05-04")
    linked, _, _ = link(load_index(store), third)
    assert linked.duplicate_of == earlier.id
    store.close()


def test_get_by_prefix_and_round_trip(tmp_path: Path, db_url: str) -> None:
    store = Store(db_url)
    document = replace(_doc(WIRE, "a.txt"), author="Jo Bloggs", section="World")
    store.add(document, b"\x00" * 8, 1)
    loaded = store.get(document.id[:10])
    assert loaded is not None
    assert loaded.body == document.body and loaded.author == "Jo Bloggs"
    assert loaded.published == DateInfo("2025-05-02", "header", False)
    assert loaded.provenance.input == "a.txt" and loaded.provenance.record is None
    assert store.get("zzzz") is None
    store.close()


def test_db_falls_back_to_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NEWSLEDGER_DB", str(tmp_path / "env.db"))
    store = Store(None)
    assert store.url.endswith("env.db")
    store.close()
    assert (tmp_path / "env.db").exists()


def test_extraction_and_stories_round_trip(tmp_path: Path, db_url: str) -> None:
    for n, day in enumerate(("2025-05-02", "2025-05-03")):
        text = WIRE if n == 0 else WIRE.replace("1,200", "900").replace("Friday", "Saturday")
        (tmp_path / f"{n}.txt").write_text(f"TITLE: Amber river\nDATE: {day}\n---\n{text}\n")
    store = Store(db_url)
    report = ingest(store, [str(tmp_path / "0.txt"), str(tmp_path / "1.txt")], Limits())
    assert report.ingested == 2
    stories = store.stories()
    assert [len(ids) for ids in stories.values()] == [2]
    for doc_id, _ in store.document_dates():
        found = store.extraction(doc_id)
        assert found is not None and found.claims
        figures = [q.value for c in found.claims for q in c.quantities]
        assert 3000 in figures
    saved = store.load_state("reconcile")
    assert saved is not None and set(saved[0]) == {"stories", "facts", "timeline"}
    assert saved[1]  # the version a later writer must replace
    logged = store.changes()
    assert logged and {c.document for c in logged} <= {d for d, _ in store.document_dates()}
    store.close()


def _stored_back(tmp_path: Path, db_url: str, text: str) -> Extraction:
    """One article ingested into a fresh store, and its extraction as the store gives it back."""
    (tmp_path / "a.txt").write_text(f"TITLE: Amber river\nDATE: 2025-05-02\n---\n{text}\n")
    store = Store(db_url)
    assert ingest(store, [str(tmp_path / "a.txt")], Limits()).ingested == 1
    ((doc_id, _),) = store.document_dates()
    found = store.extraction(doc_id)
    store.close()
    assert found is not None
    return found


def test_a_clock_range_is_stored_whole(tmp_path: Path, db_url: str) -> None:
    """33 characters of "2025-05-02T08:00/2025-05-02T18:00": PostgreSQL checks the length."""
    text = f"{WIRE} The shelters were open between 8am and 6pm on Friday, the council said."
    found = _stored_back(tmp_path, db_url, text)
    assert "2025-05-02T08:00/2025-05-02T18:00" in {t.date for t in found.times}


def test_saving_the_state_keeps_no_copy_of_its_text(tmp_path: Path) -> None:
    """SQLAlchemy caches a statement with its values built in: the state's text (hundreds of
    megabytes in a large store) must go as parameters, or each save shape keeps one copy."""
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    state = {"facts": ["x" * 1000 for _ in range(5000)]}  # 5 MB of text
    tracemalloc.start()
    try:
        version = store.save_state("reconcile", state, 0)
        store.save_state("reconcile", state, 0, replaces=version)
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        store.close()
    assert held < 1_000_000


def test_extractions_in_bulk_equal_one_at_a_time(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsledger.store import extractions as stored

    monkeypatch.setattr(stored, "CHUNK", 2)  # 5 documents: chunks of 2, 2 and 1
    paths = []
    for n in range(5):
        text = WIRE.replace("1,200", f"{1200 + n}").replace("Amber", f"Amber{n}")
        path = tmp_path / f"{n}.txt"
        path.write_text(f"TITLE: Amber river {n}\nDATE: 2025-05-0{n + 1}\n---\n{text}\n")
        paths.append(str(path))
    store = Store(db_url)
    assert ingest(store, paths, Limits()).ingested == 5
    ids = [doc_id for doc_id, _ in store.document_dates()][::-1] + ["f" * 64]
    bulk = store.extractions(ids)
    assert list(bulk) == ids[:5]  # in the order asked, the unknown id left out
    assert all(bulk[i] == store.extraction(i) for i in ids[:5])
    assert all(bulk[i].claims and bulk[i].entities for i in ids[:5])
    assert [d.id for d in store.documents_by_id(ids)] == ids[:5]
    store.close()


def test_state_text_round_trips_like_the_standard_library() -> None:
    import json

    from newsledger.store import decode_state, encode_state

    state = {"aliases": {3: 1}, "terms": {"zelensky": 0.25, "kyiv’s": 1.0}, "first": None}
    assert decode_state(encode_state(state)) == json.loads(json.dumps(state))


def test_wal_mode_waits_for_the_lock_a_new_file_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from newsledger import store as stores

    monkeypatch.setattr(stores, "WRITE_RETRY_DELAY", 0.001)

    class Cursor:
        """Locked twice (another process is turning the new file to WAL), then free."""

        def __init__(self, error: str = "database is locked", fails: int = 2) -> None:
            self.error, self.fails, self.calls = error, fails, 0

        def execute(self, sql: str) -> None:
            self.calls += 1
            if self.calls <= self.fails:
                raise sqlite3.OperationalError(self.error)

    cursor = Cursor()
    stores._write_ahead_log(cursor)
    assert cursor.calls == 3
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        stores._write_ahead_log(Cursor("disk I/O error"))


def test_the_medium_of_a_claim_is_stored(tmp_path: Path, db_url: str) -> None:
    """ "In a statement, X said": the statement comes back from the store with the claim."""
    text = "In a statement issued on Friday, the county council said 300 homes were flooded."
    found = _stored_back(tmp_path, db_url, text)
    media = [c.medium for c in found.claims if c.medium is not None]
    assert [(m.text, m.kind) for m in media] == [("a statement", "document")]
    assert media[0].canonical is not None and "council" in media[0].canonical
