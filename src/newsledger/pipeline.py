"""Running the stages over inputs: into the store (``ingest``) or in memory (``extract``).

The CLI, and later the web app and ``watch``, call these rather than the readers directly, so
copies are linked and outcomes are counted the same way everywhere.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from newsledger.config import Limits
from newsledger.ingest import Download, read, read_one
from newsledger.ingest.dedup import NearDuplicates, Signature, signature
from newsledger.model import Briefing, Change, Document, Extraction, Failure, LoggedChange
from newsledger.scale import Engine, Pending
from newsledger.scale.local import LocalEngine
from newsledger.store import Placed, Store

#: The stages of ``ingest`` that are timed: reading (detection, decoding, chrome removal), copy
#: detection, extraction (in workers or on a cluster: the wait for them), writing the store, and
#: placing the new documents in stories, facts and timelines.
STAGES = ("read", "link", "extract", "store", "reconcile")


@dataclass
class IngestReport:
    """Outcome counts of one ingest run, and every input that failed with its reason."""

    ingested: int = 0
    duplicate: int = 0
    near_duplicate: int = 0
    failures: list[Failure] = field(default_factory=list)
    #: Changes to stories' facts and timelines the new documents brought.
    changes: int = 0
    #: Wall seconds spent in each stage of this run (``STAGES``), so a benchmark of the whole
    #: command can say which stage the time went to without a profiler.
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    #: Words of the new documents' bodies (whitespace-separated), for words per second.
    words: int = 0
    #: The new documents, in the order stored (``watch`` lists them).
    stored: list[Document] = field(default_factory=list)
    #: Whether a stop request ended the run before every input was read.
    stopped: bool = False

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        """Add the time the block takes to ``seconds[stage]``."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - started

    def to_json(self) -> dict[str, object]:
        return {
            "ingested": self.ingested,
            "duplicate": self.duplicate,
            "near_duplicate": self.near_duplicate,
            "changes": self.changes,
            "failed": len(self.failures),
            "failures": [failure.to_json() for failure in self.failures],
            "words": self.words,
            "seconds": {stage: round(s, 3) for stage, s in self.seconds.items()},
        }


def link(index: NearDuplicates, document: Document) -> tuple[Document, Signature, tuple[str, ...]]:
    """The document with ``duplicate_of`` set, its signature, and earlier copies to relink."""
    sig = signature(document.body)
    copy = index.link(document.id, sig, document.published.value)
    return replace(document, duplicate_of=copy.duplicate_of), sig, copy.relinked


def load_index(store: Store) -> NearDuplicates:
    index = NearDuplicates()
    for row in store.signatures():
        index.add(
            row.id,
            Signature.from_bytes(row.signature, row.shingles),
            row.published,
            row.duplicate_of,
        )
    return index


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block.

    Decoding the reconcile state, building the index from it and writing it back allocate
    millions of small objects and free none: each allocation burst set off full collections
    that walked them all again, which took two thirds of adding one document to a store of
    5,000. Only the collector pauses; reference counting still frees what is dropped.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


RECONCILE_STATE = "reconcile"
#: Documents placed between two saves of the reconcile state, at least; a large state is saved
#: after a tenth of its documents again were placed, since each save writes the whole state: the
#: cost of saving stays proportional to the documents placed. After a crash the state is caught
#: up from the stored documents, so a save is only a shortcut, and a catch-up shorter than
#: ``SAVE_SECONDS`` is saved once, at its end (ingest and watch always save when done).
SAVE_EVERY = 25
SAVE_SECONDS = 10.0
#: Documents read from the store at once when catching up.
CATCH_UP_CHUNK = 200


class Ledger:
    """A store's reconcile state: loaded, caught up with the stored documents, saved back.

    :meth:`catch_up` places every stored document the state has not seen, oldest publication
    first (undated ones last, in ingest order): stories grow the way the event unfolded, whatever
    order the files came in, and after a crash a re-run resumes exactly. Several writers may
    share a store: a save that finds the state saved by another since it was loaded adopts that
    state and catches up from it instead of overwriting it, so no placement and no change is
    lost or logged twice.
    """

    def __init__(self, store: Store, writes: bool = True) -> None:
        """``writes=False``: a reader's ledger (a briefing, the web app) that places what it
        has not seen in memory only, and leaves saving to the writers."""
        self.store = store
        self.writes = writes
        #: Changes this ledger logged (an adopted state's changes were logged by its writer).
        self.logged = 0
        self._load()

    def _load(self) -> None:
        from newsledger.reconcile import Reconciler

        with gc_paused():
            saved = self.store.load_state(RECONCILE_STATE)
            self.reconciler = Reconciler(saved[0] if saved else None)
        self.version = saved[1] if saved else None
        #: Placed since the last save: story membership and what each document changed,
        #: written with the state that includes them.
        self.placed: list[Placed] = []
        self.found: list[tuple[Document, Change]] = []
        self._saved = time.monotonic()
        self.catch_up()

    def catch_up(self) -> None:
        dated = self.store.document_dates()
        waiting = [
            (day or "9999", n, i)
            for n, (i, day) in enumerate(dated)
            if not self.reconciler.placed(i)
        ]
        ordered = [doc_id for _, _, doc_id in sorted(waiting)]
        for at in range(0, len(ordered), CATCH_UP_CHUNK):  # read in bulk, memory bounded
            chunk = ordered[at : at + CATCH_UP_CHUNK]
            loaded = self.store.extractions(chunk)
            for doc_id in chunk:
                if doc_id in loaded:
                    self.place(loaded[doc_id])

    def place(self, extraction: Extraction) -> str:
        """Put one document in its story and its figures in the story's facts."""
        placement = self.reconciler.add(extraction)
        document = extraction.document
        self.placed.append(Placed(document.id, placement.story_id, placement.merged))
        self.found.extend((document, c) for c in placement.changes)
        if self.writes and self._save_due():
            self.save()
        return placement.story_id

    def _save_due(self) -> bool:
        enough = len(self.placed) >= max(SAVE_EVERY, self.reconciler.size() // 10)
        return enough and time.monotonic() - self._saved >= SAVE_SECONDS

    def save(self) -> None:
        """Write the state with what was placed since the last save; on a conflict with another
        writer, adopt its state (which catches up with every stored document) and save that."""
        if not self.writes:
            raise RuntimeError("a reader's ledger does not save")
        while self.placed:
            with gc_paused():
                state = self.reconciler.to_state()
                version = self.store.save_state(
                    RECONCILE_STATE,
                    state,
                    self.store.count(),
                    placed=self.placed,
                    found=self.found,
                    replaces=self.version,
                )
            if version is None:
                self._load()
                continue
            self.version = version
            self.logged += len(self.found)
            self.placed, self.found = [], []
        self._saved = time.monotonic()

    def brief(
        self, story: str | None = None, since: str | None = None, through: int | None = None
    ) -> Briefing:
        """The briefing of one story (or all) with what changed: the change log's entries since
        the last stored briefing, or those brought by documents published after ``since``; none
        after entry ``through``, the mark the briefing is stored with."""
        ids = self._by_size() if story is None else [self._story_id(story)]
        changes = self.logged_changes(since, through)
        return self.reconciler.brief(ids, self.store.extractions, changes)

    def logged_changes(self, since: str | None = None, through: int | None = None) -> list[Change]:
        """The change log since a date, else since the last briefing (nothing before the first
        briefing), each under the story its document is in now."""
        after = 0
        if since is None:
            briefed = self.store.briefed_through()
            if briefed is None:
                return []
            after = briefed
        found = self.store.changes(after=after, since=since, through=through)
        return [self._current(entry) for entry in found]

    def _current(self, entry: LoggedChange) -> Change:
        """A logged change under its document's story as it stands, after any later merge."""
        story = self.reconciler.stories.story_of(entry.document or "")
        return replace(entry.change, story=story) if story else entry.change

    def _by_size(self) -> list[str]:
        """Stories with the most reports first: the developing ones a reader came for."""
        stories = self.reconciler.stories.stories
        return sorted(stories, key=lambda s: (-len(stories[s].documents), s))

    def _story_id(self, story: str) -> str:
        matches = [s for s in self.reconciler.stories.stories if s.startswith(story)]
        if len(matches) != 1:
            raise KeyError(story)
        return matches[0]


def build_briefing(
    store: Store, story: str | None = None, since: str | None = None, through: int | None = None
) -> Briefing:
    """The "What we know" briefing of the store (one story by id or prefix, or all).

    Raises ``KeyError`` for an unknown or ambiguous story id.
    """
    return Ledger(store, writes=False).brief(story, since, through)


#: New documents read and linked (with their signature and the earlier copies they relink),
#: waiting to be extracted and written together.
_Window = list[tuple[Document, Signature, tuple[str, ...]]]


class _Windows:
    """New documents on their way through extraction into the store, in input order.

    One window fills while the one before it is extracted; handing the full window to the
    engine comes first, writing the previous one's results second, so the workers parse while
    this process reads, links and writes. At most two windows are in hand: memory stays flat,
    and a crash loses no more than they hold (a re-run stores them).
    """

    def __init__(self, store: Store, engine: Engine, report: IngestReport) -> None:
        self.store, self.engine, self.report = store, engine, report
        self.filling: _Window = []
        self.submitted: tuple[_Window, Pending] | None = None

    def holds(self, doc_id: str) -> bool:
        """Whether a document with this id is read but not yet stored."""
        waiting = self.submitted[0] if self.submitted else []
        return any(document.id == doc_id for document, _, _ in self.filling + waiting)

    def add(self, item: tuple[Document, Signature, tuple[str, ...]]) -> None:
        self.filling.append(item)
        if len(self.filling) >= self.engine.window:
            self.hand_over()

    def hand_over(self) -> None:
        """Submit the filling window, then write the one submitted before it."""
        previous = self.submitted
        self.submitted = None
        if self.filling:
            documents = [document for document, _, _ in self.filling]
            self.submitted = (self.filling, self.engine.submit(documents))
            self.filling = []
        if previous is not None:
            self._write(*previous)

    def drain(self) -> None:
        """Write everything in hand."""
        self.hand_over()
        self.hand_over()

    def _write(self, window: _Window, pending: Pending) -> None:
        """Store each document with its extraction (own transaction)."""
        report = self.report
        with report.timing("extract"):
            extractions = pending()
        with report.timing("store"):
            for extraction, (_, sig, relinked) in zip(extractions, window, strict=True):
                document = extraction.document
                added = self.store.add(document, sig.to_bytes(), sig.shingles, relinked, extraction)
                if not added:
                    report.duplicate += 1  # another ingest stored it since ``has`` said no
                    continue
                report.ingested += 1
                report.failures += _unextracted(extraction)
                report.stored.append(document)
                report.words += len(document.body.split())
                report.near_duplicate += bool(document.duplicate_of or relinked)


def _unextracted(extraction: Extraction) -> list[Failure]:
    """A stored document whose extraction was cut short, named with its input and why."""
    document = extraction.document
    where = document.path or document.url or document.id
    return [Failure(where, "E022", problem) for problem in extraction.problems]


def ingest(
    store: Store,
    inputs: Iterable[str | Download],
    limits: Limits,
    done: Callable[[str | Download], None] | None = None,
    workers: int | None = 1,
    batch_size: int = 8,
    engine: Engine | None = None,
    stop: Callable[[], bool] | None = None,
) -> IngestReport:
    """Read each input, extract each new document, and store it with its extraction.

    ``stop``: asked before each document; once it answers true, the documents in hand are
    stored and placed, the rest is left for a later run (``watch`` on SIGTERM).

    Reading, copy detection and writing happen here, in order; extraction runs over windows of
    new documents, in worker processes when ``workers`` > 1 (``None``: one per core), or on the
    ``engine`` given (a Dask cluster), which the caller then owns and closes. Each
    document is stored with everything extracted from it in its own transaction, so a crash
    loses at most the two windows in hand (:class:`_Windows`), and a re-run stores them.
    """
    report = IngestReport()
    index = load_index(store)
    ledger = Ledger(store)
    own = engine is None
    engine = engine or LocalEngine(workers, batch_size)
    windows = _Windows(store, engine, report)
    try:
        for item in inputs:
            for result in _timed(read_one(item, limits), report):
                if stop and stop():
                    report.stopped = True
                    break
                if isinstance(result, Failure):
                    report.failures.append(result)
                    continue
                if windows.holds(result.id):
                    windows.drain()  # a copy of a document in hand: store that one first
                if store.has(result.id):
                    store.add_provenance(result.id, result.provenance)
                    report.duplicate += 1
                    continue
                with report.timing("link"):
                    linked = link(index, result)
                windows.add(linked)
            if report.stopped:
                break
            if done:
                done(item)
        windows.drain()
    finally:
        if own:
            engine.close()
    with report.timing("reconcile"):
        ledger.catch_up()
        ledger.save()
    report.changes = ledger.logged
    return report


def _timed(
    results: Iterator[Document | Failure], report: IngestReport
) -> Iterator[Document | Failure]:
    """The reader's results, the time spent reading each added to the report's ``read``."""
    while True:
        with report.timing("read"):
            result = next(results, None)
        if result is None:
            return
        yield result


def read_documents(inputs: Iterable[str], limits: Limits) -> tuple[list[Document], list[Failure]]:
    """All documents of the inputs, in memory, each once, copies linked to their origin."""
    index = NearDuplicates()
    found: dict[str, Document] = {}
    failures: list[Failure] = []
    for result in read(inputs, limits):
        if isinstance(result, Failure):
            failures.append(result)
        elif result.id not in found:
            document, _, relinked = link(index, result)
            found[document.id] = document
            origin = document.duplicate_of or document.id
            for other in relinked:
                found[other] = replace(found[other], duplicate_of=origin)
    return list(found.values()), failures


def extract(inputs: Iterable[str], limits: Limits) -> tuple[Iterator[Extraction], list[Failure]]:
    """Read the inputs in memory and extract every document (streamed, in input order)."""
    from newsledger.extract.claims import extract_many  # loads spaCy: only when extracting

    documents, failures = read_documents(inputs, limits)
    return extract_many(documents), failures
