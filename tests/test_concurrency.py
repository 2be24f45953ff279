"""Several processes on one SQLite store: two ingests and ``serve`` at once, and the store's
write lock and retries that make that safe.

The end-to-end test runs the commands as a user would (two ``newsledger ingest`` over
overlapping and disjoint folders while ``newsledger serve`` answers ``/`` and ``/api/stories``)
and checks that no "database is locked" reaches anyone, every document is stored once, story
membership agrees with the reconcile state, and the web app answered every request. The other
tests pin down the store's part deterministically, in one process.
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

import newsledger.store as store_module
from newsledger.model import Briefing, DateInfo, Document, Provenance
from newsledger.pipeline import Ledger as PlacingLedger
from newsledger.store import Store
from newsledger.web import data as web_data
from newsledger.web.data import Ledger as ReadingLedger
from storecheck import (
    Articles,
    check_complete,
    cli_env,
    newsledger_command,
    run_cli,
    snapshot,
    stories_json,
    write_articles,
)

#: The first ingest reads articles [0, FIRST); the second [SECOND, TOTAL): they overlap on
#: [SECOND, FIRST), and the second folder also holds a copy of article 0 under another name.
TOTAL, FIRST, SECOND = 150, 100, 60
#: Slowest web response allowed while both ingests run (seconds). The first request after new
#: documents arrive places them in stories and builds the briefing, so it is not instant.
MAX_LATENCY = 20.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _split(articles: Articles, root: Path) -> tuple[Path, Path]:
    first, second = root / "first", root / "second"
    first.mkdir()
    second.mkdir()
    files = sorted(articles.folder.glob("a*.txt"))
    for path in files[:FIRST]:
        shutil.copyfile(path, first / path.name)
    for path in files[SECOND:]:
        shutil.copyfile(path, second / path.name)
    shutil.copyfile(files[0], second / "again.txt")
    return first, second


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``newsledger serve`` on a new store; its base URL once it answers. Its log (one line
    per request) goes to ``serve.log``: a pipe nobody reads would fill and stall it."""
    db = str(tmp_path / "s.db")
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [*newsledger_command(), "serve", "--db", db, "--port", str(port)],
        env={k: v for k, v in cli_env().items() if k != "NEWSLEDGER_TOKEN"},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/api/stories", timeout=5)
                break
            except httpx.TransportError:
                assert process.poll() is None, "serve exited"
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.mark.slow
def _start_ingests(db: str, *folders: Path) -> list[subprocess.Popen[bytes]]:
    """One ``ingest --json`` process per folder, all into ``db`` at once."""
    command = [*newsledger_command(), "ingest", "--db", db, "--json", "--workers", "1"]
    return [
        subprocess.Popen(
            [*command, str(folder)], env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for folder in folders
    ]


def test_two_ingests_and_serve_share_one_store(
    tmp_path: Path, server: tuple[str, subprocess.Popen[bytes]]
) -> None:
    base, serve = server
    db = str(tmp_path / "s.db")
    articles = write_articles(tmp_path / "all", TOTAL)
    first, second = _split(articles, tmp_path)
    reference_db = str(tmp_path / "reference.db")
    clean = run_cli("ingest", "--db", reference_db, "--workers", "1", str(first), str(second))
    assert clean.returncode == 0, clean.stderr
    reference = snapshot(reference_db)

    ingests = _start_ingests(db, first, second)
    latencies: dict[str, list[float]] = {"/": [], "/api/stories": []}
    failures: list[str] = []
    with httpx.Client(base_url=base, timeout=120) as client:
        while any(p.poll() is None for p in ingests):
            for path, seen in latencies.items():
                started = time.perf_counter()
                response = client.get(path)
                seen.append(time.perf_counter() - started)
                if response.status_code != 200:
                    failures.append(f"{path}: {response.status_code} {response.text[:300]}")
        outputs = [p.communicate() for p in ingests]

        def served() -> int:
            listed = client.get("/api/stories")
            assert listed.status_code == 200, listed.text[:300]
            return sum(s["document_count"] for s in listed.json()["items"])

        # Pages may be a few seconds behind the store (made in the background, at most every
        # REFRESH_SECONDS), but must catch up once the ingests are done.
        caught_up = _eventually(lambda: served() == TOTAL, 3 * web_data.REFRESH_SECONDS + 30)

    errors = [err.decode() for _, err in outputs]
    assert [p.returncode for p in ingests] == [0, 0], errors
    assert not any("locked" in e for e in errors), errors
    reports = [json.loads(out) for out, _ in outputs]
    assert sum(r["ingested"] for r in reports) == TOTAL, reports
    assert sum(r["duplicate"] for r in reports) == (FIRST - SECOND) + 1, reports
    check_complete(db, reference, stories_json(db))

    assert failures == []
    assert caught_up, "the web app still lists fewer documents than stored"
    for path, seen in latencies.items():
        print(
            f"{path}: {len(seen)} requests, median {statistics.median(seen):.3f} s, "
            f"max {max(seen):.3f} s"
        )
        assert max(seen) < MAX_LATENCY, (path, seen)
    assert len(latencies["/"]) >= 3, "the web app was not polled during the ingests"
    assert serve.poll() is None, "serve died"
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert "locked" not in log and "Traceback" not in log, log[-3000:]


def test_two_ingests_at_once_store_each_document_once(tmp_path: Path) -> None:
    """Two ``newsledger ingest`` on one store at once, over overlapping folders (no server)."""
    db = str(tmp_path / "s.db")
    articles = write_articles(tmp_path / "all", 60)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    files = sorted(articles.folder.glob("a*.txt"))
    for path in files[:40]:
        shutil.copyfile(path, first / path.name)
    for path in files[20:]:
        shutil.copyfile(path, second / path.name)
    ingests = _start_ingests(db, first, second)
    outputs = [p.communicate(timeout=300) for p in ingests]
    assert [p.returncode for p in ingests] == [0, 0], [e.decode() for _, e in outputs]
    reports = [json.loads(out) for out, _ in outputs]
    assert sum(r["ingested"] for r in reports) == 60
    assert sum(r["duplicate"] for r in reports) == 20
    now = snapshot(db)
    assert len(now.ids) == 60
    assert now.members == now.state and set(now.state) == now.ids
    # The 20 articles in both folders have a provenance row for each; the others one.
    assert sorted(rows[0] for rows in now.rows.values()) == [1] * 40 + [2] * 20


# --- the store's write lock, in one process ---------------------------------------------------


def _document(n: int, source: str | None = None) -> Document:
    return Document(
        id=f"{n:064d}",
        body=f"Article number {n} says something of its own about item {n * 13}.",
        title=None,
        outlet=None,
        url=None,
        path=None,
        published=DateInfo(None),
        provenance=Provenance(input=source or f"in{n}.txt"),
    )


def _short_busy_timeout(store: Store, milliseconds: int) -> None:
    """Make the store's connections give up waiting for the lock after ``milliseconds``."""
    store.engine.dispose()

    @event.listens_for(store.engine, "connect")
    def _timeout(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {milliseconds}")


def _hold_write_lock(db: Path, seconds: float) -> threading.Thread:
    """Another connection takes the write lock and keeps it for ``seconds``."""
    taken = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(db, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(seconds)
        connection.execute("ROLLBACK")
        connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(10)
    return thread


def test_a_write_waits_out_a_lock_held_longer_than_the_busy_timeout(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "s.db"))
    _short_busy_timeout(store, 50)
    holder = _hold_write_lock(tmp_path / "s.db", 0.6)
    started = time.monotonic()
    assert store.add(_document(1), b"sig", 1)  # retried after each 50 ms wait, then stored
    waited = time.monotonic() - started
    holder.join()
    assert waited >= 0.5
    assert store.count() == 1
    store.close()


def test_a_write_gives_up_when_the_lock_never_comes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(str(tmp_path / "s.db"))
    _short_busy_timeout(store, 20)
    monkeypatch.setattr(store_module, "WRITE_ATTEMPTS", 2)
    holder = _hold_write_lock(tmp_path / "s.db", 1.5)
    with pytest.raises(OperationalError, match="database is locked"):
        store.add(_document(1), b"sig", 1)
    holder.join()
    assert store.count() == 0
    store.close()


def test_writers_in_threads_never_collide(tmp_path: Path) -> None:
    """Four connections (a store handle per thread, as each process would have) add documents
    at once, half of them the same ones: ``max(seq) + 1`` and "already stored?" are decided
    under the write lock, so no sequence number is taken twice, no writer fails, and a document
    two writers hold is stored once with each writer's provenance."""
    db = str(tmp_path / "s.db")
    stores = [Store(db) for _ in range(4)]  # opened one by one: Alembic is not thread-safe
    results: dict[int, list[bool]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(len(stores), timeout=30)

    def writer(k: int) -> None:
        try:
            start.wait()
            results[k] = []
            for n in range(40):
                shared = n % 2 == 0  # every writer adds the even ones
                number = n if shared else 1000 * (k + 1) + n
                document = _document(number, f"writer{k}/{number}.txt")
                results[k].append(stores[k].add(document, b"s", 1))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for store in stores:
        store.close()
    assert errors == []
    assert sum(sum(r) for r in results.values()) == 20 + 4 * 20
    with sqlite3.connect(db) as connection:
        assert connection.execute(
            "SELECT count(*), count(DISTINCT seq) FROM documents"
        ).fetchone() == (100, 100)
        shared = connection.execute(
            "SELECT count(*) FROM provenance WHERE document_id IN "
            "(SELECT id FROM documents WHERE CAST(id AS INTEGER) < 1000)"
        ).fetchone()[0]
        assert shared == 20 * 4


#: A process that opens a store at the wall-clock second given (after its imports), so that
#: several open it at the same moment.
_OPEN_AT = """
import sys, time
from newsledger.store import Store
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
Store(sys.argv[1]).close()
"""


def test_processes_opening_a_new_store_at_once_create_the_schema_once(tmp_path: Path) -> None:
    """The migrations run under the write lock, so the first process creates the schema and
    the others find it (without it: "table documents already exists")."""
    db = str(tmp_path / "new.db")
    at = time.time() + 3
    openers = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN_AT, db, str(at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in openers]
    assert [p.returncode for p in openers] == [0] * 4, [e.decode()[-800:] for _, e in outputs]
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1


def _no_briefing(store: Store, story: str | None) -> Briefing:
    raise KeyError(story)  # the web app then lists stories from the store alone


def test_the_web_app_sees_stories_placed_after_their_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ingest stores its documents first and places them in stories after, so the document
    count stands still while the stories fill: the web app's cache (which serves the last list
    while a newer one is made) must not keep the stories it read in between for good (a poll
    during an ingest used to pin an empty list)."""
    monkeypatch.setattr(web_data, "REFRESH_SECONDS", 0.05)
    store = Store(str(tmp_path / "s.db"))
    for n in range(3):
        store.add(_document(n), b"s", 1)
    web = ReadingLedger(store, _no_briefing)
    assert web.stories() == []
    PlacingLedger(store).save()  # what the ingest does once its documents are stored
    assert _eventually(lambda: sum(s.documents for s in web.stories()) == 3, 10)
    store.close()


def _eventually(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
