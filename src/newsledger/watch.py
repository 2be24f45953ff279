"""Watching folders, feed files and feed URLs: ingest what is new, report what it changed.

A pass lists every target, ingests only files that are new or changed since the last pass (by
size and modification time) and feeds that answer a conditional request with something new
(ETag / Last-Modified, through the same address guard and limits as ``ingest``), through the
same pipeline as ``ingest``: stories, facts and the timeline grow by the new documents only.

What a pass reports is read from the store's change log, not from memory: the entries after the
last one a pass reported. So a pass killed after storing documents reports their changes on the
next pass (the reconcile state and the log are saved together), and a restart never reports an
old change again. The watch's own state (files seen, feed validators, the last entry reported)
is kept in the store beside the reconcile state.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsledger.config import Limits
from newsledger.errors import InputError
from newsledger.ingest import Download, expand
from newsledger.ingest.fetch import fetch_conditional, is_url
from newsledger.model import Document, Failure, LoggedChange
from newsledger.pipeline import ingest
from newsledger.store import Store

__all__ = ["PassReport", "Watcher", "notify", "parse_every"]

WATCH_STATE = "watch"


@dataclass
class PassReport:
    """What one pass found: the documents it stored, the changes they made, what failed."""

    new_documents: list[Document] = field(default_factory=list)
    changes: list[LoggedChange] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    #: Inputs looked at but unchanged since the last pass (files) or answered 304 (feeds).
    unchanged: int = 0
    #: A stop request ended the pass early; what was left is read on the next one.
    stopped: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "new_documents": [d.summary() for d in self.new_documents],
            "changes": [c.to_json() for c in self.changes],
            "failures": [f.to_json() for f in self.failures],
            "unchanged": self.unchanged,
            "stopped": self.stopped,
        }


@dataclass
class _State:
    """Files seen (path -> [size, mtime_ns]), feed validators (url -> etag, last_modified) and
    the last change-log entry reported."""

    files: dict[str, list[int]]
    feeds: dict[str, dict[str, str | None]]
    reported: int

    def to_json(self) -> dict[str, Any]:
        return {"files": self.files, "feeds": self.feeds, "reported": self.reported}


class Watcher:
    """Passes over a fixed set of targets (folders, files, feed URLs) into one store."""

    def __init__(
        self,
        store: Store,
        targets: Sequence[str],
        limits: Limits,
        workers: int | None = 1,
    ) -> None:
        self.store = store
        self.targets = list(targets)
        self.limits = limits
        self.workers = workers

    def run_pass(self, stop: Callable[[], bool] | None = None) -> PassReport:
        """Ingest what is new, then report the change log's entries not yet reported."""
        state, version = self._load()
        report = PassReport()
        inputs, seen, listed = self._due(state, report)
        done: list[str] = []
        result = ingest(
            self.store,
            inputs,
            self.limits,
            done=lambda item: done.append(str(item)),
            workers=self.workers,
            stop=stop,
        )
        report.new_documents = result.stored
        report.failures += result.failures
        report.stopped = result.stopped
        for key in done:
            _remember(state, key, seen[key])
        state.files = {k: v for k, v in state.files.items() if k in listed}
        report.changes = self.store.changes(after=state.reported)
        if report.changes:
            state.reported = report.changes[-1].seq
        self._save(state, version)
        return report

    def _load(self) -> tuple[_State, str | None]:
        saved = self.store.load_state(WATCH_STATE)
        if saved is None:
            # A first pass reports what its own documents change, not the store's history.
            return _State({}, {}, self.store.last_change()), None
        data, version = saved
        return _State(data["files"], data["feeds"], int(data["reported"])), version

    def _save(self, state: _State, version: str | None) -> None:
        """Keep the watch state; another watcher on the same store saved first: merge into its
        state (files and feeds from both, the later report mark) and save again."""
        while self.store.save_state(WATCH_STATE, state.to_json(), 0, replaces=version) is None:
            theirs, version = self._load()
            state = _State(
                {**theirs.files, **state.files},
                {**theirs.feeds, **state.feeds},
                max(theirs.reported, state.reported),
            )

    def _due(
        self, state: _State, report: PassReport
    ) -> tuple[list[str | Download], dict[str, Any], set[str]]:
        """The inputs to read in this pass, what to remember of each once it is read, and every
        input the targets stand for now (a file no longer listed is forgotten)."""
        inputs: list[str | Download] = []
        seen: dict[str, Any] = {}
        items = expand(self.targets)
        for item in items:
            if is_url(item):
                fetched = self._poll(item, state, report)
                if fetched is not None:
                    inputs.append(fetched[0])
                    seen[item] = fetched[1]
                continue
            stamp = _stamp(item)
            if stamp is not None and state.files.get(item) == stamp:
                report.unchanged += 1
                continue
            inputs.append(item)
            seen[item] = stamp
        return inputs, seen, set(items)

    def _poll(
        self, url: str, state: _State, report: PassReport
    ) -> tuple[Download, dict[str, str | None]] | None:
        """The feed's new content with its validators, or ``None`` when it has not changed."""
        known = state.feeds.get(url, {})
        try:
            answer = fetch_conditional(
                url, self.limits, known.get("etag"), known.get("last_modified")
            )
        except InputError as exc:
            report.failures.append(Failure(url, exc.code, exc.reason))
            return None
        if answer.status == 304:
            report.unchanged += 1
            return None
        validators = {"etag": answer.etag, "last_modified": answer.last_modified}
        return Download(url, answer), validators


def _stamp(path: str) -> list[int] | None:
    """Size and modification time of a file: a change in either means read it again."""
    try:
        info = Path(path).stat()
    except OSError:
        return None  # vanished or unreadable: the reader names it and says why
    return [info.st_size, info.st_mtime_ns]


def _remember(state: _State, key: str, seen: Any) -> None:
    if is_url(key):
        state.feeds[key] = seen
    elif seen is not None:
        state.files[key] = seen


def parse_every(text: str) -> float:
    """Seconds in an interval such as ``90s``, ``10m``, ``2h`` or a bare number of seconds."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    value = text.strip().lower()
    factor = units.get(value[-1:])
    number = value[:-1] if factor else value
    try:
        seconds = float(number) * (factor or 1)
    except ValueError:
        raise ValueError(f"not an interval: {text!r} (use e.g. 30s, 10m, 1h)") from None
    if seconds <= 0:
        raise ValueError(f"the interval must be positive: {text!r}")
    return seconds


def notify(command: str, report: PassReport, timeout: float = 60.0) -> str | None:
    """Run the user's command with the pass's JSON on its standard input; why it failed, if it
    did. The command line is the user's own, split like a shell would but run without one, and
    nothing from an article is ever put on it."""
    payload = json.dumps(report.to_json(), ensure_ascii=False)
    try:
        done = subprocess.run(  # noqa: S603 - the user's own command, run without a shell
            shlex.split(command),
            input=payload.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        return f"{command!r} could not run: {exc}"
    if done.returncode != 0:
        return (
            f"{command!r} exited {done.returncode}: {done.stderr.decode(errors='replace')[-300:]}"
        )
    return None
