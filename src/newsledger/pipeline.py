"""Running the stages over inputs: into the store (``ingest``) or in memory (``extract``).

The CLI, and later the web app and ``watch``, call these rather than the readers directly, so
copies are linked and outcomes are counted the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from newsledger.config import Limits
from newsledger.ingest import read, read_one
from newsledger.ingest.dedup import NearDuplicates, Signature, signature
from newsledger.model import Briefing, Change, Document, Extraction, Failure
from newsledger.scale import Engine
from newsledger.scale.local import LocalEngine
from newsledger.store import Store


@dataclass
class IngestReport:
    """Outcome counts of one ingest run, and every input that failed with its reason."""

    ingested: int = 0
    duplicate: int = 0
    near_duplicate: int = 0
    failures: list[Failure] = field(default_factory=list)
    #: Changes to stories' facts and timelines the new documents brought.
    changes: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "ingested": self.ingested,
            "duplicate": self.duplicate,
            "near_duplicate": self.near_duplicate,
            "changes": self.changes,
            "failed": len(self.failures),
            "failures": [failure.to_json() for failure in self.failures],
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


RECONCILE_STATE = "reconcile"
#: Documents placed between two saves of the reconcile state. Story membership is written for
#: every document; after a crash the state is caught up from the stored documents, so a save is
#: only a shortcut.
SAVE_EVERY = 25


class Ledger:
    """A store's reconcile state: loaded, caught up with the stored documents, saved back.

    :meth:`catch_up` places every stored document the state has not seen, oldest publication
    first (undated ones last, in ingest order): stories grow the way the event unfolded, whatever
    order the files came in, and after a crash a re-run resumes exactly.
    """

    def __init__(self, store: Store) -> None:
        from newsledger.reconcile import Reconciler

        self.store = store
        self.reconciler = Reconciler(store.load_state(RECONCILE_STATE))
        self.changes: list[Change] = []
        self.unsaved = 0
        self.catch_up()

    def catch_up(self) -> None:
        dated = self.store.document_dates()
        waiting = [
            (day or "9999", n, i)
            for n, (i, day) in enumerate(dated)
            if not self.reconciler.placed(i)
        ]
        for _, _, doc_id in sorted(waiting):
            extraction = self.store.extraction(doc_id)
            if extraction is not None:
                self.place(extraction)

    def place(self, extraction: Extraction) -> str:
        """Put one document in its story and its figures in the story's facts."""
        placement = self.reconciler.add(extraction)
        merged = dict.fromkeys(placement.merged, placement.story_id)
        self.store.set_stories({extraction.document.id: placement.story_id}, merged)
        self.changes.extend(placement.changes)
        self.unsaved += 1
        if self.unsaved >= SAVE_EVERY:
            self.save()
        return placement.story_id

    def save(self) -> None:
        if self.unsaved:
            self.store.save_state(RECONCILE_STATE, self.reconciler.to_state(), self.store.count())
            self.unsaved = 0

    def brief(self, story: str | None = None, since: str | None = None) -> Briefing:
        """The briefing of one story (or all), with what changed since the last one stored."""
        previous_json = self.store.latest_briefing()
        previous = Briefing.snapshot(previous_json) if previous_json else None
        ids = self._by_size() if story is None else [self._story_id(story)]
        return self.reconciler.brief(ids, self.store.extraction, previous, since)

    def _by_size(self) -> list[str]:
        """Stories with the most reports first: the developing ones a reader came for."""
        stories = self.reconciler.stories.stories
        return sorted(stories, key=lambda s: (-len(stories[s].documents), s))

    def _story_id(self, story: str) -> str:
        matches = [s for s in self.reconciler.stories.stories if s.startswith(story)]
        if len(matches) != 1:
            raise KeyError(story)
        return matches[0]


def build_briefing(store: Store, story: str | None = None, since: str | None = None) -> Briefing:
    """The "What we know" briefing of the store (one story by id or prefix, or all).

    Raises ``KeyError`` for an unknown or ambiguous story id.
    """
    return Ledger(store).brief(story, since)


#: New documents read and linked (with their signature and the earlier copies they relink),
#: waiting to be extracted and written together.
_Window = list[tuple[Document, Signature, tuple[str, ...]]]


def _flush(store: Store, engine: Engine, window: _Window, report: IngestReport) -> None:
    """Extract the window's documents, then store each with its extraction (own transaction)."""
    extractions = engine.map([document for document, _, _ in window])
    for extraction, (_, sig, relinked) in zip(extractions, window, strict=True):
        document = extraction.document
        store.add(document, sig.to_bytes(), sig.shingles, relinked, extraction)
        report.ingested += 1
        report.near_duplicate += bool(document.duplicate_of or relinked)
    window.clear()


def ingest(
    store: Store,
    inputs: Iterable[str],
    limits: Limits,
    done: Callable[[str], None] | None = None,
    workers: int | None = 1,
    batch_size: int = 8,
    engine: Engine | None = None,
) -> IngestReport:
    """Read each input, extract each new document, and store it with its extraction.

    Reading, copy detection and writing happen here, in order; extraction runs over windows of
    new documents, in worker processes when ``workers`` > 1 (``None``: one per core), or on the
    ``engine`` given (a Dask cluster), which the caller then owns and closes. Each
    document is stored with everything extracted from it in its own transaction, so a crash
    loses at most the window in hand, and a re-run stores it.
    """
    report = IngestReport()
    index = load_index(store)
    ledger = Ledger(store)
    window: _Window = []
    own = engine is None
    engine = engine or LocalEngine(workers, batch_size)
    try:
        for item in inputs:
            for result in read_one(item, limits):
                if isinstance(result, Failure):
                    report.failures.append(result)
                    continue
                if any(document.id == result.id for document, _, _ in window):
                    _flush(store, engine, window, report)  # a copy inside the window: store first
                if store.has(result.id):
                    store.add_provenance(result.id, result.provenance)
                    report.duplicate += 1
                    continue
                window.append(link(index, result))
                if len(window) >= engine.window:
                    _flush(store, engine, window, report)
            if done:
                done(item)
        _flush(store, engine, window, report)
    finally:
        if own:
            engine.close()
    ledger.catch_up()
    ledger.save()
    report.changes = len(ledger.changes)
    return report


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
