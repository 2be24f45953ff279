"""``watch``: passes over a folder released in date order, a feed served on loopback, restarts.

The examples are released to a watched folder in publication order, a few files per pass, the way
an analyst would see them arrive. Each pass must report the changes its own articles bring (no
old one again, none missing), a pass with nothing new must report none, and a run killed in the
middle must resume without reporting a change twice.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

from newsledger.config import Limits
from newsledger.ingest import read
from newsledger.model import Change, Document
from newsledger.pipeline import Ledger, build_briefing, ingest
from newsledger.reconcile import Reconciler
from newsledger.store import Store
from newsledger.watch import PassReport, Watcher, notify, parse_every

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
CLI = [sys.executable, "-m", "newsledger.cli"]


def _watch_demo() -> ModuleType:
    """``tools/watch_demo.py``, whose release order of the examples the tests share."""
    spec = importlib.util.spec_from_file_location("watch_demo", ROOT / "tools" / "watch_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: The examples in the order their articles came out, a few files per pass.
RELEASES: tuple[tuple[str, ...], ...] = tuple(r for r in _watch_demo().RELEASES if r)


def release(folder: Path, files: tuple[str, ...]) -> set[str]:
    """Copy example files into the watched folder; the ids of the documents they hold."""
    ids = set()
    for name in files:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(EXAMPLES / name, target)
        ids |= {d.id for d in read([str(target)]) if isinstance(d, Document)}
    return ids


@dataclass
class Run:
    """The passes of one watch over the examples, and the store they wrote."""

    db: Path
    folder: Path
    released: list[set[str]]
    passes: list[PassReport]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    root = tmp_path_factory.mktemp("watch")
    folder, db = root / "inbox", root / "ledger.db"
    folder.mkdir()
    store = Store(str(db))
    watcher = Watcher(store, [str(folder)], Limits())
    released, passes = [], []
    for files in RELEASES:
        released.append(release(folder, files))
        passes.append(watcher.run_pass())
    released.append(set())
    passes.append(watcher.run_pass())  # nothing new
    store.close()
    yield Run(db, folder, released, passes)


def test_each_pass_stores_exactly_the_articles_released_for_it(run: Run) -> None:
    for ids, report in zip(run.released, run.passes, strict=True):
        assert {d.id for d in report.new_documents} == ids
        assert not report.failures


def test_each_pass_reports_only_changes_its_own_articles_brought(run: Run) -> None:
    for ids, report in zip(run.released, run.passes, strict=True):
        assert {c.document for c in report.changes} <= ids
        if ids:
            assert report.changes
    seqs = [c.seq for r in run.passes for c in r.changes]
    assert len(seqs) == len(set(seqs)), "a change was reported twice"
    store = Store(str(run.db))
    try:
        assert seqs == [c.seq for c in store.changes()], "a logged change was never reported"
    finally:
        store.close()


def test_reported_changes_are_what_the_reconciler_finds_for_the_same_arrivals(run: Run) -> None:
    """Replaying the stored extractions pass by pass (in the ledger's order: publication date)
    through a fresh reconciler gives the same changes, in the same order."""
    store = Store(str(run.db))
    try:
        reconciler = Reconciler()
        order = {doc_id: n for n, (doc_id, _) in enumerate(store.document_dates())}
        dates = dict(store.document_dates())
        for ids, report in zip(run.released, run.passes, strict=True):
            expected: list[Change] = []
            for doc_id in sorted(ids, key=lambda i: (dates[i] or "9999", order[i])):
                extraction = store.extraction(doc_id)
                assert extraction is not None
                expected += reconciler.add(extraction).changes
            assert [c.change for c in report.changes] == expected
    finally:
        store.close()


def test_a_pass_with_nothing_new_reports_nothing(run: Run) -> None:
    last = run.passes[-1]
    assert last.new_documents == [] and last.changes == [] and last.failures == []
    assert last.unchanged == sum(len(files) for files in RELEASES)
    assert last.to_json()["changes"] == []


def test_passes_report_new_stories_figures_that_moved_and_new_events(run: Run) -> None:
    first, second, third = run.passes[0], run.passes[1], run.passes[2]
    assert [c.change.kind for c in first.changes].count("new_story") == 2  # dam breach, fire
    assert "new_story" not in {c.change.kind for c in second.changes}  # all on the dam breach
    kinds = {c.change.kind for r in run.passes for c in r.changes}
    assert {"new_fact", "new_value", "new_source", "new_event", "status_changed"} <= kinds
    # The missing count moves from the governor's 40 through 90 and 120 to the police's 63: the
    # 63 is a new value of the fact the 40 opened, shown with the earlier values beside it.
    opened = {c.change.fact: c for c in first.changes if c.change.kind == "new_fact"}
    moved = [
        c.change
        for c in third.changes
        if c.change.kind == "new_value" and c.change.after["value"] == 63
    ]
    assert moved, [c.change for c in third.changes if c.change.kind == "new_value"]
    assert moved[0].fact in opened
    earlier = {v["value"] or v["low"] or v["high"] for v in moved[0].before}
    assert {40, 90, 120} <= earlier


def test_the_changes_command_reads_the_same_log(run: Run) -> None:
    done = subprocess.run(
        [*CLI, "changes", "--db", str(run.db), "--json"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    logged = json.loads(done.stdout)
    assert [c["seq"] for c in logged] == [c.seq for r in run.passes for c in r.changes]
    assert set(logged[0]) >= {"kind", "story", "fact", "before", "after", "sources", "published"}
    since = subprocess.run(
        [*CLI, "changes", "--db", str(run.db), "--since", "2025-03-16", "--json"],
        capture_output=True,
        text=True,
    )
    later = json.loads(since.stdout)
    assert later and all(c["published"] > "2025-03-16" for c in later)
    assert len(later) < len(logged)


def test_touching_a_file_rereads_it_without_new_documents_or_changes(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    release(folder, RELEASES[0][:1])
    store = Store(str(tmp_path / "db.sqlite"))
    try:
        watcher = Watcher(store, [str(folder)], Limits())
        assert watcher.run_pass().new_documents
        path = folder / RELEASES[0][0]
        os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
        again = watcher.run_pass()
        assert again.unchanged == 0 and again.new_documents == [] and again.changes == []
    finally:
        store.close()


# --- the briefing's "what changed" reads the same log -------------------------------------------


def test_briefing_lists_the_logged_changes_since_the_last_briefing(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    store = Store(str(tmp_path / "db.sqlite"))
    try:
        watcher = Watcher(store, [str(folder)], Limits())
        release(folder, RELEASES[0])
        watcher.run_pass()
        first = build_briefing(store)
        assert all(not s.changes for s in first.stories)  # no earlier briefing to compare with
        store.save_briefing(first, store.last_change())
        release(folder, RELEASES[1])
        report = watcher.run_pass()
        second = build_briefing(store)
        listed = [c for s in second.stories for c in s.changes]
        assert sorted(map(repr, listed)) == sorted(repr(c.change) for c in report.changes)
        store.save_briefing(second, store.last_change())
        assert all(not s.changes for s in build_briefing(store).stories)
    finally:
        store.close()


def test_a_stale_ledger_adopts_the_newer_state_instead_of_logging_twice(tmp_path: Path) -> None:
    """Two writers: a ledger loaded before another run stored and placed documents must not
    overwrite that run's state or log its changes again when it saves."""
    folder = tmp_path / "inbox"
    store = Store(str(tmp_path / "db.sqlite"))
    try:
        stale = Ledger(store)
        release(folder, RELEASES[0])
        ingest(store, [str(folder)], Limits())
        logged = store.changes()
        stale.catch_up()  # places the other run's documents in its own (old) state
        stale.save()
        assert store.changes() == logged
        assert Ledger(store).reconciler.to_state() == stale.reconciler.to_state()
    finally:
        store.close()


# --- a feed on loopback with conditional requests ------------------------------------------------


def _rss(items: list[tuple[str, str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>https://news.example/{slug}</link>"
        f"<guid>https://news.example/{slug}</guid><pubDate>{date}</pubDate>"
        f"<description>{body}</description></item>"
        for slug, title, date, body in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Norbury Radio</title>'
        f"<link>https://news.example/</link>{entries}</channel></rss>"
    ).encode()


FLOOD_1 = (
    "norbury-flood-40-missing",
    "Norbury flood: at least 40 missing",
    "Mon, 07 Apr 2025 08:00:00 +0000",
    "At least 40 people are missing after the River Wend burst its banks in Norbury, "
    "police said on Monday. Chief Inspector Maren Holt said about 1,500 residents had left "
    "their homes overnight and that rescue teams were searching the lower town.",
)
FLOOD_2 = (
    "norbury-flood-55-missing",
    "Norbury flood: missing count rises to 55",
    "Tue, 08 Apr 2025 09:30:00 +0000",
    "Police said on Tuesday that 55 people are missing after the River Wend flood in Norbury. "
    "Chief Inspector Maren Holt said rescue teams had searched the lower town overnight and "
    "that about 1,500 residents were still unable to return to their homes.",
)
MARKET = (
    "norbury-market-reopens",
    "Norbury market reopens after repairs",
    "Mon, 07 Apr 2025 10:00:00 +0000",
    "The covered market in Norbury reopened on Monday after repairs costing $1.2 million, "
    "the town council said. About 80 traders have returned to their stalls.",
)


class _Feed:
    """A feed whose content the test changes between passes; answers 304 to a matching
    If-None-Match or If-Modified-Since, and counts what it was asked."""

    def __init__(self) -> None:
        self.body = b""
        self.version = 0
        self.asked: list[tuple[str | None, str | None, int]] = []

    def publish(self, items: list[tuple[str, str, str, str]]) -> None:
        self.body = _rss(items)
        self.version += 1

    @property
    def etag(self) -> str:
        return f'"v{self.version}"'

    @property
    def modified(self) -> str:
        return f"Tue, 0{self.version} Apr 2025 12:00:00 GMT"


@pytest.fixture
def feed_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[_Feed, str]]:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    feed = _Feed()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            etag, since = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
            fresh = etag == feed.etag or (etag is None and since == feed.modified)
            status = 304 if fresh else 200
            feed.asked.append((etag, since, status))
            self.send_response(status)
            self.send_header("ETag", feed.etag)
            self.send_header("Last-Modified", feed.modified)
            self.send_header("Content-Type", "application/rss+xml")
            body = b"" if fresh else feed.body
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield feed, f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    finally:
        server.shutdown()
        server.server_close()


def test_feed_on_loopback_conditional_requests_and_a_figure_that_moves(
    tmp_path: Path, feed_server: tuple[_Feed, str]
) -> None:
    feed, url = feed_server
    store = Store(str(tmp_path / "db.sqlite"))
    try:
        # Loopback is refused unless allowed: the test allows it explicitly.
        refused = Watcher(store, [url], Limits()).run_pass()
        assert refused.failures and "internal address" in refused.failures[0].reason
        assert feed.asked == []
        watcher = Watcher(store, [url], Limits(allow_private_addresses=True))
        feed.publish([FLOOD_1, MARKET])
        first = watcher.run_pass()
        assert len(first.new_documents) == 2
        assert feed.asked[-1] == (None, None, 200)
        missing = next(
            c.change
            for c in first.changes
            if c.change.kind == "new_fact" and "missing" in c.change.after["label"].lower()
        )
        quiet = watcher.run_pass()
        assert feed.asked[-1] == ('"v1"', "Tue, 01 Apr 2025 12:00:00 GMT", 304)
        assert quiet.new_documents == [] and quiet.changes == [] and quiet.unchanged == 1
        feed.publish([FLOOD_2, FLOOD_1, MARKET])
        moved = watcher.run_pass()
        assert feed.asked[-1][2] == 200
        assert [d.title for d in moved.new_documents] == [FLOOD_2[1]]
        new_values = [c.change for c in moved.changes if c.change.kind == "new_value"]
        assert any(c.fact == missing.fact and c.after["value"] == 55 for c in new_values)
        before = next(c for c in new_values if c.fact == missing.fact).before
        assert [(v["low"], v["text"]) for v in before] == [(40, "At least 40 people")]
        last = watcher.run_pass()
        assert last.changes == [] and last.new_documents == []
    finally:
        store.close()


# --- the command: notification, SIGTERM, a kill and a restart --------------------------------------


def test_notify_command_gets_the_pass_json_on_stdin_without_a_shell(tmp_path: Path) -> None:
    marker, received = tmp_path / "pwned", tmp_path / "received.json"
    hostile = f"$(touch {marker}); `touch {marker}`"
    article = tmp_path / "hostile.txt"
    article.write_text(f"TITLE: {hostile}\nDATE: 2025-04-07\n---\n{FLOOD_1[3]}\n", encoding="utf-8")
    report = PassReport(new_documents=[d for d in read([str(article)]) if isinstance(d, Document)])
    assert report.new_documents[0].title == hostile
    command = f"{shlex.quote(sys.executable)} -c " + shlex.quote(
        f"import sys, pathlib; pathlib.Path({str(received)!r}).write_bytes(sys.stdin.buffer.read())"
    )
    assert notify(command, report) is None
    assert json.loads(received.read_text()) == report.to_json()
    assert notify("/nonexistent/notifier", report) is not None
    assert not marker.exists()


def _changes_in(db: Path) -> list[int]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT seq FROM changes ORDER BY seq")]


def _documents_in(db: Path) -> int:
    try:
        with sqlite3.connect(db) as connection:
            return int(connection.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return 0


def _watch_once(folder: Path, db: Path) -> subprocess.CompletedProcess[str]:
    """``newsledger watch FOLDER --once --json``, which must succeed."""
    done = subprocess.run(
        [*CLI, "watch", str(folder), "--db", str(db), "--once", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done


def _passes(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.mark.slow
@pytest.mark.parametrize("stored", [2, 9], ids=["while-storing", "while-placing"])
def test_watch_killed_mid_pass_resumes_without_reporting_old_changes(
    tmp_path: Path, stored: int
) -> None:
    """Killed once ``stored`` of the pass's 9 new documents are in the store: the second kill
    point falls while they are placed in stories (or just after the pass)."""
    folder, db = tmp_path / "inbox", tmp_path / "ledger.db"
    release(folder, RELEASES[0])
    first = _watch_once(folder, db)
    reported = [c["seq"] for p in _passes(first.stdout) for c in p["changes"]]  # type: ignore[attr-defined]
    assert reported == _changes_in(db)
    before = _documents_in(db)
    released = release(folder, RELEASES[1] + RELEASES[2])
    assert len(released) == 9
    process = subprocess.Popen(
        [*CLI, "watch", str(folder), "--db", str(db), "--every", "1h", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 240
    while _documents_in(db) < before + stored and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    killed_out, _ = process.communicate(timeout=30)
    reported += [c["seq"] for p in _passes(killed_out.decode()) for c in p["changes"]]  # type: ignore[attr-defined]
    resumed = _watch_once(folder, db)
    again = [c["seq"] for p in _passes(resumed.stdout) for c in p["changes"]]  # type: ignore[attr-defined]
    assert not set(again) & set(reported), "an old change was reported again"
    assert reported + again == _changes_in(db)
    assert _documents_in(db) == before + len(released)
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow
@pytest.mark.parametrize("ctrl_c", [False, True], ids=["sigterm", "ctrl-c-to-the-group"])
def test_watch_stops_cleanly_on_sigterm_and_the_next_pass_finishes(
    tmp_path: Path, ctrl_c: bool
) -> None:
    """SIGTERM to the process, or SIGINT to its whole process group as a terminal's Ctrl-C
    sends it: the pass in hand is finished and the command exits 0."""
    folder, db = tmp_path / "inbox", tmp_path / "ledger.db"
    released = release(folder, RELEASES[0] + RELEASES[1])
    process = subprocess.Popen(
        [*CLI, "watch", str(folder), "--db", str(db), "--every", "1s", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 240
    while _documents_in(db) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    if ctrl_c:
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    passes = _passes(stdout)
    assert passes and all("changes" in p for p in passes)
    finish = _watch_once(folder, db)
    assert _documents_in(db) == len(released)
    seqs = [c["seq"] for p in passes + _passes(finish.stdout) for c in p["changes"]]  # type: ignore[attr-defined]
    assert seqs == _changes_in(db)


def test_every_accepts_units_and_refuses_nonsense() -> None:
    assert parse_every("90s") == 90 and parse_every("10m") == 600 and parse_every("2") == 2
    for bad in ("soon", "-5m", "0"):
        with pytest.raises(ValueError):
            parse_every(bad)
