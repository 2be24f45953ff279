"""An ingest killed with SIGKILL at any point leaves a sound store, and re-running it finishes.

Each test runs ``newsledger ingest`` as a user does, over 160 files (150 distinct invented
articles and 10 byte-for-byte copies), and kills it: either from outside, when the store shows
a given state (polled read-only), or from inside, at an exact statement (a hook installed in the
child process sends SIGKILL to itself, so the kill lands inside a given transaction). After each
kill the store must pass the engine's own check, hold no orphan row and no half-written document,
and agree with its reconcile state; running the same ingest again must then store what was
missing, once: the final store equals the one a clean run builds.

``make test`` (CI) runs seven kill points in two chains (``EARLY``, ``LATE``) and the PostgreSQL
case; ``make test-exhaustive`` runs them and ten more one by one, each on a new store, and with
``NEWSLEDGER_CRASH_SWEEP=N`` also kills after every N stored documents (N=10: 14 more points).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from storecheck import (
    Articles,
    Snapshot,
    check_complete,
    check_consistent,
    cli_env,
    count,
    newsledger_command,
    run_cli,
    snapshot,
    stories_json,
    write_articles,
)

DISTINCT = 150
COPIES = 10
#: How long one ingest may take on a loaded machine before the test gives up on it.
RUN_TIMEOUT = 240.0


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Articles:
    return write_articles(tmp_path_factory.mktemp("crash") / "in", DISTINCT, COPIES)


@pytest.fixture(scope="module")
def reference(articles: Articles, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """The store a clean, uninterrupted run builds from the same files."""
    db = str(tmp_path_factory.mktemp("reference") / "clean.db")
    report = _finish(db, articles)
    assert (report["ingested"], report["duplicate"]) == (DISTINCT, COPIES)
    clean = snapshot(db)
    assert len(clean.ids) == DISTINCT
    # Each article yields claims and entities, so a document stored without its extraction
    # rows would show (the half-written check compares row counts).
    assert all(rows[1] > 0 and rows[4] > 0 for rows in clean.rows.values())
    assert len(set(clean.members.values())) > 1, "the articles should form several stories"
    return clean


def _ingest_args(db: str, articles: Articles) -> list[str]:
    return ["ingest", "--db", db, "--json", "--workers", "1", str(articles.folder)]


def _finish(db: str, articles: Articles) -> dict[str, int]:
    """Run the ingest to the end; its JSON report."""
    result = run_cli(*_ingest_args(db, articles), timeout=RUN_TIMEOUT)
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, int] = json.loads(result.stdout)
    return report


# --- killing ------------------------------------------------------------------------------

#: Run in the child before the command line: ``_kill_after(prefix, n, after_documents)`` makes
#: the process SIGKILL itself right after its ``n``-th SQL statement starting with ``prefix``
#: (counted once ``after_documents`` documents were inserted), inside whatever transaction
#: that statement belongs to. It watches statements, not function names, so it keeps working
#: when the store's code is reorganised.
_HOOK = """
import os, signal, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine

def _kill_after(prefix, n, after_documents=0):
    seen = {"documents": 0, "hits": 0}

    @event.listens_for(Engine, "after_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):
        statement = statement.lstrip()
        if statement.startswith("INSERT INTO documents"):
            seen["documents"] += 1
        if statement.startswith(prefix) and seen["documents"] >= after_documents:
            seen["hits"] += 1
            if seen["hits"] == n:
                os.kill(os.getpid(), signal.SIGKILL)

def _kill_when_done():
    import newsledger.pipeline as pipeline
    ingest = pipeline.ingest

    def finished_then_killed(*args, **kwargs):
        ingest(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)  # all committed; the report never printed

    pipeline.ingest = finished_then_killed

{setup}
from newsledger.cli import main
sys.argv = ["newsledger", *sys.argv[1:]]
main()
"""


@dataclass(frozen=True)
class KillPoint:
    """Where an ingest dies: ``hook`` (Python run in the child, see ``_HOOK``) or, from
    outside, once ``ready(db)`` holds, or ``delay`` seconds after the start."""

    name: str
    hook: str | None = None
    ready: Callable[[str], bool] | None = None
    delay: float | None = None

    def command(self, args: list[str]) -> list[str]:
        if self.hook is None:
            return [*newsledger_command(), *args]
        return [sys.executable, "-c", _HOOK.replace("{setup}", self.hook), *args]


def documents_at_least(n: int) -> Callable[[str], bool]:
    return lambda db: count(db) >= n


def placed_at_least(n: int) -> Callable[[str], bool]:
    return lambda db: count(db, "story_members") >= n


def _kill(db: str, articles: Articles, point: KillPoint) -> None:
    """Start the ingest and SIGKILL it at ``point``; fail if it finished first."""
    process = subprocess.Popen(
        point.command(_ingest_args(db, articles)),
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: worker processes die with it
    )
    started = time.monotonic()
    overdue = False
    try:
        while process.poll() is None:
            overdue = time.monotonic() - started > RUN_TIMEOUT
            due = point.delay is not None and time.monotonic() - started >= point.delay
            if overdue or due or (point.ready is not None and point.ready(db)):
                os.killpg(process.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
    assert not overdue, f"{point.name}: the kill point was never reached"
    assert process.returncode == -signal.SIGKILL, (
        f"{point.name}: the ingest was not killed (exit {process.returncode}): "
        f"{out.decode()[-500:]} {err.decode()[-2000:]}"
    )


def _crash_and_resume(db: str, articles: Articles, reference: Snapshot, *points: KillPoint) -> None:
    """Kill the ingest at each point in turn (checking the store after each), then run it to
    the end: it stores exactly what was missing and the store equals the clean one."""
    for point in points:
        _kill(db, articles, point)
        check_consistent(db, reference)
    stored = count(db)
    report = _finish(db, articles)
    assert report["ingested"] == DISTINCT - stored, report
    assert report["ingested"] + report["duplicate"] == articles.files, report
    check_complete(db, reference, stories_json(db))


#: Kill points for CI, in two chains on two stores: each re-run is killed further on, so resumed
#: runs resume from resumed runs, and a chain costs about one full ingest.
EARLY = (
    KillPoint("during start-up, before the store is opened", delay=0.3),
    KillPoint("inside the schema migration", hook="_kill_after('CREATE TABLE', 3)"),
    KillPoint(
        "inside the transaction of document 75", hook="_kill_after('INSERT INTO claims', 1, 75)"
    ),
    KillPoint("after 100 documents are visible", ready=documents_at_least(100)),
)
LATE = (
    KillPoint(
        "inside a save of story placements (placement 140)",
        hook="_kill_after('INSERT INTO story_members', 140)",
    ),
    KillPoint(
        "inside the re-run's save of the remaining placements",
        hook="_kill_after('INSERT INTO story_members', 10)",
    ),
    KillPoint("after everything was committed, before the report", hook="_kill_when_done()"),
)

#: Each on a store of its own (``@pytest.mark.exhaustive``: ``make test-exhaustive``).
ONE_BY_ONE = (
    *EARLY,
    *LATE[::2],
    KillPoint("importing, 1 s after the start", delay=1.0),
    KillPoint(
        "inside the transaction of document 1", hook="_kill_after('INSERT INTO claims', 1, 1)"
    ),
    KillPoint("after the first document is visible", ready=documents_at_least(1)),
    KillPoint(
        "inside the transaction of document 33", hook="_kill_after('INSERT INTO claims', 1, 33)"
    ),
    KillPoint("after 40 documents are visible", ready=documents_at_least(40)),
    KillPoint("after 149 documents are visible", ready=documents_at_least(149)),
    KillPoint(
        "inside the transaction of the last document",
        hook=f"_kill_after('INSERT INTO claims', 1, {DISTINCT})",
    ),
    KillPoint(
        "inside the first save of story placements",
        hook="_kill_after('INSERT INTO story_members', 1)",
    ),
    KillPoint("after 50 documents are placed", ready=placed_at_least(50)),
)


def test_ingest_killed_early_again_and_again_then_resumed(
    tmp_path: Path, articles: Articles, reference: Snapshot
) -> None:
    _crash_and_resume(str(tmp_path / "s.db"), articles, reference, *EARLY)


def test_ingest_killed_while_placing_again_and_again_then_resumed(
    tmp_path: Path, articles: Articles, reference: Snapshot
) -> None:
    _crash_and_resume(str(tmp_path / "s.db"), articles, reference, *LATE)


@pytest.mark.exhaustive
@pytest.mark.parametrize(
    "point", [pytest.param(p, id=p.name.replace(" ", "-")) for p in ONE_BY_ONE]
)
def test_ingest_killed_once_then_resumed(
    tmp_path: Path, articles: Articles, reference: Snapshot, point: KillPoint
) -> None:
    _crash_and_resume(str(tmp_path / "s.db"), articles, reference, point)


@pytest.mark.exhaustive
@pytest.mark.skipif(
    not os.environ.get("NEWSLEDGER_CRASH_SWEEP"), reason="NEWSLEDGER_CRASH_SWEEP unset"
)
def test_ingest_killed_at_every_step_of_a_sweep(
    tmp_path: Path, articles: Articles, reference: Snapshot
) -> None:
    """``NEWSLEDGER_CRASH_SWEEP=N``: kill after every N stored documents, each on a new store."""
    step = int(os.environ["NEWSLEDGER_CRASH_SWEEP"])
    for n in range(step, DISTINCT, step):
        db = str(tmp_path / f"s{n}.db")
        _crash_and_resume(
            db, articles, reference, KillPoint(f"after {n}", ready=documents_at_least(n))
        )


@pytest.mark.slow
def test_ingest_killed_on_postgresql_resumes(
    articles: Articles, reference: Snapshot, postgres_admin: str
) -> None:
    """The same on PostgreSQL (amcheck verifies the indexes where the extension exists)."""
    from postgres import fresh_database

    db = fresh_database(postgres_admin)
    _crash_and_resume(
        db,
        articles,
        reference,
        KillPoint("after 40 documents", ready=documents_at_least(40)),
        KillPoint("inside document 75", hook="_kill_after('INSERT INTO claims', 1, 75)"),
        KillPoint("inside placement 30", hook="_kill_after('INSERT INTO story_members', 30)"),
    )
