"""Hostile and broken inputs, mixed with good ones, through the real readers, pipeline and CLI.

The inputs are made in ``tmp_path`` by ``tests/hostile_inputs.py`` (never committed); each case
says what must become of it. Every good article must be stored, every bad input reported as a
Failure naming its path with a reason, and nothing may crash, hang or take unbounded memory.
A hang is caught by ``faulthandler`` (in-process) or a subprocess time limit (the CLI).
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from hostile_inputs import (
    SECRET,
    Inputs,
    article,
    html_page,
    judge,
    make_inputs,
    restore_permissions,
    run_measured,
    running_as_root,
    slow_page,
)
from newsledger import pipeline
from newsledger.config import Limits
from newsledger.errors import InputError
from newsledger.ingest import budget, chrome, expand, html, read_bytes, read_one
from newsledger.model import Document, Extraction, Failure
from newsledger.scale import ClosingEngine
from newsledger.store import Store

#: The bound on the peak memory of the whole hostile batch through the CLI.
PEAK_RSS_LIMIT = int(1.5 * 1024**3)


@pytest.fixture(autouse=True)
def hang_guard() -> Iterator[None]:
    """Fail (and dump every thread's stack) instead of hanging, should a reader block."""
    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def inputs(tmp_path: Path) -> Iterator[Inputs]:
    made = make_inputs(tmp_path / "hostile")
    yield made
    restore_permissions(made)


class ShallowEngine(ClosingEngine):
    """The extract stage stood in for: each document with nothing extracted.

    The pipeline tests here are about reading, failing and storing; spaCy would only add its
    load time. The CLI test runs the real extraction.
    """

    window = 8

    def map(self, documents: Sequence[Document]) -> list[Extraction]:
        return [Extraction(document) for document in documents]

    def close(self) -> None:
        return None


def _write(folder: Path, name: str, data: bytes | str) -> str:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def _stored(db: Path) -> list[Document]:
    store = Store(str(db))
    try:
        return store.documents()
    finally:
        store.close()


# --- the whole hostile set -----------------------------------------------------------------------


def test_every_hostile_input_is_read_or_reported(inputs: Inputs) -> None:
    """The readers alone, in this process: each case ends as it must, none takes long."""
    limits = Limits(max_decompressed_size=64 * 1024 * 1024)  # the bombs stop sooner
    failures: list[dict[str, object]] = []
    documents: list[tuple[str | None, str]] = []
    slowest = (0.0, "")
    for item in expand(inputs.arguments()):
        started = time.perf_counter()
        for result in read_one(item, limits):
            if isinstance(result, Failure):
                failures.append(result.to_json())
            else:
                assert isinstance(result, Document)
                documents.append((result.path, result.body))
        slowest = max(slowest, (time.perf_counter() - started, item))
    outcomes, general = judge(inputs, failures, documents)
    problems = general + [f"{o.case.path}: {p}" for o in outcomes for p in o.problems]
    assert not problems, "\n".join(problems)
    assert slowest[0] < 20, f"{slowest[1]} took {slowest[0]:.1f} s"


@pytest.mark.slow
def test_hostile_batch_through_the_cli(inputs: Inputs, tmp_path: Path) -> None:
    """The real command, extraction included: bounded time and memory, every outcome right."""
    db = tmp_path / "s.db"
    command = [sys.executable, "-m", "newsledger.cli", "ingest", "--db", str(db), "--json"]
    command += ["--workers", "1", "--", *inputs.arguments()]
    rc, out, err, seconds, peak = run_measured(command, timeout=300)
    assert "Traceback" not in err, err[-3000:]
    assert rc == 1, err[-3000:]  # some inputs failed, the rest were kept
    report = json.loads(out)
    assert report["duplicate"] == 0  # each stored article is counted for its own input
    stored = _stored(db)
    outcomes, general = judge(inputs, report["failures"], [(d.path, d.body) for d in stored])
    problems = general + [f"{o.case.path}: {p}" for o in outcomes for p in o.problems]
    assert not problems, "\n".join(problems)
    assert report["ingested"] == len(stored) == sum(o.stored for o in outcomes)
    assert peak < PEAK_RSS_LIMIT, f"peak RSS {peak / 1024**2:.0f} MiB"
    assert seconds < 300


# --- the pipeline: races, permissions, the time budget ------------------------------------------


def test_file_vanishing_between_listing_and_reading(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    paths = [_write(folder, f"{n}.txt", article(100 + n)) for n in range(3)]
    listed = expand([str(folder)])
    assert listed == paths

    def done(item: object) -> None:
        if str(item) == paths[0]:
            Path(paths[1]).unlink()  # gone after the listing, before its turn to be read

    store = Store(str(tmp_path / "s.db"))
    report = pipeline.ingest(store, listed, Limits(), done, engine=ShallowEngine())
    assert [(f.input, f.code) for f in report.failures] == [(paths[1], "E017")]
    assert sorted(d.path or "" for d in store.documents()) == [paths[0], paths[2]]
    store.close()


def test_unreadable_file_is_reported_not_fatal(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = _write(folder, "a.txt", article(200))
    locked = _write(folder, "b.txt", article(201))
    Path(locked).chmod(0)
    try:
        store = Store(str(tmp_path / "s.db"))
        report = pipeline.ingest(store, [good, locked], Limits(), engine=ShallowEngine())
        stored = {d.path for d in store.documents()}
        store.close()
    finally:
        Path(locked).chmod(0o644)
    assert good in stored
    if running_as_root():
        pytest.skip("running as root: chmod 000 does not stop reading (see the simulated test)")
    assert [(f.input, f.code) for f in report.failures] == [(locked, "E018")]
    assert "Permission denied" in report.failures[0].reason


def test_unreadable_file_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same as root can see it: opening the file fails with EACCES."""
    good = _write(tmp_path, "a.txt", article(202))
    locked = _write(tmp_path, "b.txt", article(203))
    real_open = Path.open

    def refusing_open(self: Path, *args: object, **kwargs: object) -> object:
        if str(self) == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refusing_open)
    store = Store(str(tmp_path / "s.db"))
    report = pipeline.ingest(store, [good, locked], Limits(), engine=ShallowEngine())
    assert [(f.input, f.code, f.reason) for f in report.failures] == [
        (locked, "E018", "could not read file: Permission denied")
    ]
    assert [d.path for d in store.documents()] == [good]
    store.close()


def test_time_budget_stops_a_slow_document_not_the_batch(tmp_path: Path) -> None:
    first = _write(tmp_path, "a.txt", article(300))
    slow = _write(tmp_path, "slow.html", slow_page())
    last = _write(tmp_path, "c.html", html_page(article(302), "Short page"))
    limits = Limits(document_seconds=1.0)
    store = Store(str(tmp_path / "s.db"))
    report = pipeline.ingest(store, [first, slow, last], limits, engine=ShallowEngine())
    assert [(f.input, f.code) for f in report.failures] == [(slow, "E022")]
    assert report.failures[0].reason.startswith("over the time budget")
    assert sorted(d.path or "" for d in store.documents()) == sorted([first, last])
    store.close()
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_time_budget_stops_a_reader_that_never_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parser stuck in a loop that even swallows every Exception is still stopped."""
    real = html.extract_body

    def stuck(page: str, url: str | None = None) -> object:
        while "STUCK" in page:
            with contextlib.suppress(Exception):  # a library that hides every error
                time.sleep(0.01)
        return real(page, url)

    monkeypatch.setattr(html, "extract_body", stuck)
    good = html_page(article(310), "Fine page")
    stuck_page = html_page(article(311) + "\n\nSTUCK", "Stuck page")
    lines = [
        json.dumps({"html": good}),
        json.dumps({"html": stuck_page}),
        json.dumps({"html": good.replace("Fine", "Other")}),
    ]
    dump = _write(tmp_path, "dump.jsonl", "\n".join(lines) + "\n")
    alone = _write(tmp_path, "stuck.html", stuck_page)
    results = list(read_one(dump, Limits(document_seconds=0.2)))
    results += list(read_one(alone, Limits(document_seconds=0.2)))
    outcome = [
        (type(r).__name__, getattr(r, "code", None), getattr(r, "record", None)) for r in results
    ]
    assert outcome == [
        ("Document", None, None),
        ("Failure", "E022", 2),
        ("Document", None, None),
        ("Failure", "E022", None),
    ]


def test_time_budget_off_means_no_timer(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", article(320))
    for seconds in (None, 0):
        assert [type(r) for r in read_one(path, Limits(document_seconds=seconds))] == [Document]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


# --- the budget itself ----------------------------------------------------------------------------


def _spin(seconds: float) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "done"


def test_budget_returns_the_result_in_time() -> None:
    assert budget.within(1.0, lambda: "ok") == "ok"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_budget_raises_input_error_with_record() -> None:
    with pytest.raises(InputError) as caught:
        budget.within(0.05, lambda: _spin(5), record=7)
    assert caught.value.code == "E022"
    assert caught.value.record == 7


def test_nested_budgets_each_stop_at_their_own_deadline() -> None:
    def outer_work() -> str:
        with pytest.raises(InputError):  # the inner budget (0.05 s) runs out first
            budget.within(0.05, lambda: _spin(5))
        return budget.within(5, lambda: _spin(0.05))  # the outer one is still running

    assert budget.within(2, outer_work) == "done"
    started = time.monotonic()
    with pytest.raises(InputError):  # the outer budget (0.1 s) runs out inside the inner one
        budget.within(0.1, lambda: budget.within(10, lambda: _spin(5)))
    assert time.monotonic() - started < 2


def test_budget_puts_back_a_timer_and_handler_set_before_it() -> None:
    fired: list[int] = []

    def handler(signum: int, frame: object) -> None:
        fired.append(signum)

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        assert budget.within(2, lambda: _spin(0.05)) == "done"
        assert signal.getsignal(signal.SIGALRM) is handler
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.3
        _spin(0.4)
        assert fired == [signal.SIGALRM]
        # A timer due while a budget is open still fires, and the budget still holds.
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        with pytest.raises(InputError):
            budget.within(0.3, lambda: _spin(5))
        assert fired == [signal.SIGALRM, signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_budget_is_off_outside_the_main_thread() -> None:
    found: list[object] = []
    worker = threading.Thread(target=lambda: found.append(budget.within(0.01, lambda: _spin(0.1))))
    worker.start()
    worker.join()
    assert found == ["done"]  # ran to its end: no signal can reach another thread


# --- regressions: bugs these inputs found ----------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "10:00" + " " * 20_000 + "x",  # three optional space runs in a row: was cubic
        "Title" + " " * 20_000 + "x",  # a glued-date search from every space: was quadratic
        "published" + " " * 20_000 + "x",
        "20" + " " * 20_000 + "x",  # a temperature widget
    ],
    ids=["time", "headline", "published", "temperature"],
)
def test_chrome_patterns_run_in_linear_time(line: str) -> None:
    started = time.perf_counter()
    chrome.classify(f"{line}\n20 C\n{line}\n")
    assert time.perf_counter() - started < 2


def _line_patterns() -> dict[str, tuple[re.Pattern[str], str]]:
    """Every pattern the chrome classifier runs on a line, with the method it is run with."""
    found: dict[str, tuple[re.Pattern[str], str]] = {}
    for name, value in vars(chrome).items():
        if isinstance(value, re.Pattern):
            method = (
                "match" if name in ("_DATE_LINE", "_ARCHIVE_DATE", "_SKIP_PREFIX") else "search"
            )
            found[name] = (value, "fullmatch" if name == "_TEMPERATURE" else method)
    pats = chrome.patterns()
    for field in ("chrome", "list_headings", "reading_time", "byline", "breadcrumb"):
        found[f"data:{field}"] = (getattr(pats, field), "fullmatch")
    found["data:caption_suffix"] = (pats.caption_suffix, "search")
    return found


@pytest.mark.parametrize("name", sorted(_line_patterns()))
def test_every_chrome_pattern_runs_in_linear_time(name: str) -> None:
    """Long runs after the prefixes the patterns look for: a pattern with two optional space
    runs side by side takes seconds here (quadratic), a linear one milliseconds. This guards
    the data file too, which is meant to be extended."""
    pattern, method = _line_patterns()[name]
    started = time.perf_counter()
    for prefix in ("", "20", "10:00", "Title", "published", "By Ann", "Home >", "(", "Share"):
        for fill in (" ", "\t ", "a ", "- ", "1 ", ". ", "| "):
            getattr(pattern, method)(prefix + fill * (20_000 // len(fill)) + "x")
    assert time.perf_counter() - started < 3


def test_many_short_lines_classify_in_linear_time() -> None:
    """Four times the lines, about four times the time (each line once searched all lines
    after it: sixteen times, 1.4 s for 40,000 lines and minutes for a million)."""

    def seconds(lines: int) -> float:
        started = time.perf_counter()
        chrome.classify("Word\n" * lines)
        return time.perf_counter() - started

    assert seconds(40_000) < 8 * seconds(10_000) + 0.5


def test_unclosed_tags_are_counted_in_linear_time() -> None:
    started = time.perf_counter()
    assert html.nesting_depth("<a" * 200_000, 400) == 0  # was a scan to the end per "<"
    assert html.nesting_depth("<div><br/><p a='1'>" * 500, 400) > 400
    assert time.perf_counter() - started < 2


def test_utf16_without_bom_is_text_not_binary(tmp_path: Path) -> None:
    body = article(400)
    for encoding in ("utf-16-le", "utf-16-be"):
        (doc,) = read_one(_write(tmp_path, f"{encoding}.txt", body.encode(encoding)), Limits())
        assert isinstance(doc, Document)
        assert doc.body == body
        assert doc.provenance.encoding == encoding


def test_utf16_page_is_read_as_html(tmp_path: Path) -> None:
    page = html_page(article(401), "Wide page")
    (doc,) = read_one(_write(tmp_path, "page.html", page.encode("utf-16")), Limits())
    assert isinstance(doc, Document)
    assert doc.provenance.format == "html"
    assert "<p>" not in doc.body and doc.title == "Wide page"


def test_jsonl_bad_characters_and_deep_nesting_fail_alone(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": article(410) + " \ud800 and \x00 here."}),
        "[" * 50_000 + "]" * 50_000,
        json.dumps({"text": article(411)}),
    ]
    results = list(read_one(_write(tmp_path, "d.jsonl", "\n".join(lines)), Limits()))
    assert [type(r).__name__ for r in results] == ["Document", "Failure", "Document"]
    first, failure, _ = results
    assert isinstance(first, Document) and isinstance(failure, Failure)
    assert "\ufffd and  here." in first.body and "\x00" not in first.body
    first.body.encode("utf-8")  # a lone surrogate made this raise, and the whole batch with it
    assert (failure.code, failure.record) == ("E008", 2)
    record = {"html": html_page(article(412), "P"), "title": "\ud800 T\x00", "outlet": "\x00"}
    (page,) = read_one(_write(tmp_path, "e.jsonl", json.dumps(record)), Limits())
    assert isinstance(page, Document)
    assert (page.title, page.outlet) == ("\ufffd T", None)


def test_document_size_limit_holds_for_every_format(tmp_path: Path) -> None:
    limits = Limits(max_document_size=2000)
    long_body = article(420, 40)
    assert len(long_body) > 2000
    paths = [
        _write(tmp_path, "a.txt", long_body),
        _write(tmp_path, "a.html", html_page(long_body, "Long")),
        _write(tmp_path, "a.jsonl", json.dumps({"text": long_body}) + "\n"),
        _write(
            tmp_path,
            "a.rss",
            f"<rss><channel><item><title>T</title><description>{long_body}"
            "</description></item></channel></rss>",
        ),
    ]
    for path in paths:
        (result,) = read_one(path, limits)
        assert isinstance(result, Failure) and result.code == "E021", (path, result)


def test_truncated_warc_keeps_whole_records(tmp_path: Path) -> None:
    from hostile_inputs import warc

    pages = [
        (f"https://gazette.example/{n}", html_page(article(430 + n), f"P{n}").encode(), "text/html")
        for n in range(3)
    ]
    archive = warc(pages)
    results = list(read_bytes(archive[:-200], "cut.warc.gz", Limits()))
    assert [type(r).__name__ for r in results] == ["Document", "Document", "Failure"]
    assert results[2].code == "E004"  # type: ignore[union-attr]


def test_declared_entities_are_refused_whatever_the_name(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET)
    secret = secret_file.resolve().as_uri()
    page = f'<!DOCTYPE html [<!ENTITY x SYSTEM "{secret}">]><html><body><p>&x; {article(440)}</p></body></html>'
    for name in ("page.html", "page.txt", "page.xml"):
        (result,) = read_one(_write(tmp_path, name, page), Limits())
        assert isinstance(result, Failure) and result.code == "E010", name
    assert SECRET not in page


def test_links_and_special_files_in_a_folder_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = _write(folder, "a.txt", article(450))
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "link-up").symlink_to(folder)  # a loop through a folder link
    listed = expand([str(folder)])
    assert listed == sorted(
        [good, *(str(folder / n) for n in ("dangling.txt", "loop.txt", "pipe.txt"))]
    )
    outcome = {
        item: [getattr(r, "code", "doc") for r in read_one(item, Limits())] for item in listed
    }
    assert outcome == {
        good: ["doc"],
        str(folder / "dangling.txt"): ["E018"],
        str(folder / "loop.txt"): ["E018"],
        str(folder / "pipe.txt"): ["E018"],
    }


def test_a_url_that_does_not_parse_costs_the_url_not_the_article(tmp_path: Path) -> None:
    """Found by fuzzing: urlsplit raises on an unbalanced bracket ("Invalid IPv6 URL")."""
    header = "URL: https://gazette]example/2024/10/31/ferry-strike-talks\nTITLE: Talks\n---\n"
    lines = [
        json.dumps({"text": article(460), "url": "http://[::1"}),
        json.dumps({"html": html_page(article(461), "P"), "url": "https://x]y"}),
    ]
    paths = [
        _write(tmp_path, "a.txt", header + article(462)),
        _write(tmp_path, "b.jsonl", "\n".join(lines)),
    ]
    for path in paths:
        for result in read_one(path, Limits()):
            assert isinstance(result, Document), result
            assert result.url is None and result.outlet is None


def test_mixed_utf8_and_cp1252_lines_each_decode_right(tmp_path: Path) -> None:
    """Read with one guess (cp1250 here), the UTF-8 lines turned to "CafĂ© ... ZĂĽrich"."""
    utf8 = "Café owners in Zürich said prices rose again this week, officials said.\n"
    windows = "The mayor said: “We will not wait – not for a week.”\n"
    data = (article(470) + "\n\n" + utf8).encode("utf-8") + windows.encode("cp1252")
    (doc,) = read_one(_write(tmp_path, "mixed.txt", data), Limits())
    assert isinstance(doc, Document)
    assert utf8.strip() in doc.body and windows.strip() in doc.body
    assert doc.provenance.encoding == "utf-8+cp1252"
