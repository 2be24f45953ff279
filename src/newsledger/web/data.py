"""What the pages and the API read: the store, the briefing and its view, cached per version.

Nothing here decides anything a stage decides. Documents, extractions and stories come from
:class:`~newsledger.store.Store`; facts, timelines and speakers from
``newsledger.pipeline.build_briefing``; wording, ranges and citation numbers from
:func:`newsledger.report.view.build`. What is left are read queries the store has no method for
(claims by source, places by story, story summaries without loading bodies), written against
the store's own tables.

Documents are only ever added to a store, so the document count is its version: a briefing or a
view built at one count is reused until the count moves, which keeps a story page fast under
load while a ``watch`` adds documents beside the server. While the count moves, the last page
of a story is served until the next one is built, in a worker process of its own (see
:meth:`_Cache.latest` and :class:`_Worker`): a big story's rebuild takes seconds.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Generic, Literal, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select

from newsledger.model import (
    Briefing,
    Change,
    Claim,
    Document,
    Extraction,
    Fact,
    FactValue,
    Speaker,
    StoryBrief,
    TimelineEntry,
)
from newsledger.report.view import (
    BriefingView,
    FactView,
    Listing,
    StoryView,
    build,
    change_text,
    changes_listing,
    fact_listing,
    people_listing,
    single_source,
    timeline_listing,
)
from newsledger.store import Store
from newsledger.store.schema import (
    briefings,
    claims,
    documents,
    places,
    reconcile_state,
    story_members,
)
from newsledger.web.search import Filters, Results, SearchIndex

T = TypeVar("T")
Builder = Callable[[Store, str | None], Briefing]
#: The subsets of a story's figures its figures page can list.
FactFilter = Literal["contradictions", "single-source"]
#: Views and briefings kept per process; each is one story at one store version.
CACHE_SIZE = 64
#: Least time between the end of one background rebuild of a value and the start of the
#: next (see ``_Cache.latest``): how far behind the store a page may be, beyond its build time.
REFRESH_SECONDS = 10.0
#: How much lower the briefing worker's scheduling priority is than the server's.
WORKER_NICENESS = 10
#: Held while a briefing or its charts are made: the reconcile stage catches the store's
#: stories up (and saves that) as it builds, and matplotlib's settings are process-wide.
BUILDING = threading.RLock()
log = logging.getLogger("newsledger.web")
#: Documents of an outlet listed on its source page; the documents page lists them all.
OUTLET_DOCUMENTS = 20
#: Fields of a document in lists, as the JSON briefing lists a story's documents.
SUMMARY_FIELDS = ("id", "title", "outlet", "published", "url", "path")


class Version(NamedTuple):
    """What a cached view depends on: the documents stored, the last briefing saved, and the
    last save of the stories' placements.

    Documents are only ever added, so their count moves on every ingest; "what changed" is
    told against the last saved briefing, so a ``brief`` run moves the second part. An ingest
    stores its documents first and places them in stories after, so the count can stand still
    while stories fill: the reconcile state's save stamp moves the third part.
    """

    documents: int
    briefing: int | None
    placed: str | None = None


class BriefingUnavailable(RuntimeError):
    """The reconcile stage (``newsledger.pipeline.build_briefing``) is not in this build."""


def briefing_builder() -> Builder | None:
    """``build_briefing`` when the pipeline has it, else ``None`` (looked up on every call).

    Imported lazily so the pages that need no briefing work in a build without the reconcile
    stage, and the briefing pages start working as soon as it is there.
    """
    try:
        from newsledger.pipeline import build_briefing  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    return build_briefing  # type: ignore[no-any-return,unused-ignore]


def document_summary(document: Document) -> dict[str, Any]:
    data = document.to_json()
    return {key: data[key] for key in SUMMARY_FIELDS}


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: how many there are in all, and which slice this is."""

    total: int
    limit: int
    offset: int
    items: list[T]

    def to_json(self, item: Callable[[T], Any]) -> dict[str, Any]:
        return {
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "items": [item(i) for i in self.items],
        }


@dataclass(frozen=True)
class StorySummary:
    """A line of the stories list: what the story is, how big, how long, what changed last."""

    id: str
    title: str
    documents: int
    outlets: tuple[str, ...]
    first: str | None
    last: str | None
    latest_change: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "document_count": self.documents,
            "outlets": list(self.outlets),
            "first": self.first,
            "last": self.last,
            "latest_change": self.latest_change,
        }


@dataclass(frozen=True)
class ClaimItem:
    """A stored claim with the document it is in; ``index`` is its place among that document's."""

    document: Document
    story: str | None
    index: int
    claim: Claim

    def to_json(self) -> dict[str, Any]:
        return {
            "document": document_summary(self.document),
            "story": self.story,
            "index": self.index,
            **self.claim.to_json(),
        }


@dataclass(frozen=True)
class SourceView:
    """Everything one person, office or outlet said: their claims, and an outlet's documents."""

    name: str
    kind: str
    claims: Page[ClaimItem]
    documents: Page[Document]


@dataclass(frozen=True)
class PlaceGroup:
    """A place of a story with known coordinates, and where each mention of it is."""

    name: str
    country_code: str | None
    lat: float
    lon: float
    mentions: tuple[tuple[str, int, int, str], ...]  # document, start, end, text

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country_code": self.country_code,
            "lat": self.lat,
            "lon": self.lon,
            "mentions": [
                {"document": d, "start": s, "end": e, "text": t} for d, s, e, t in self.mentions
            ],
        }


@dataclass(frozen=True)
class StoryPage:
    """A story's brief, its report view, and the listings its pages page through.

    Built once per story and store version: the listings sort every citation of the story,
    which is what a request must not have to do. ``fact_listings`` holds one per fact (key
    figures and contradictions) by id.
    """

    briefing: Briefing
    brief: StoryBrief
    view: BriefingView
    story: StoryView
    summary: StorySummary
    timeline: Listing[TimelineEntry]
    people: Listing[Speaker]
    changes: Listing[Change]
    fact_listings: Mapping[str, Listing[FactValue]]
    version: Version

    def fact(self, fact_id: str) -> tuple[Fact, FactView | None] | None:
        """A fact of the story by id, and its view when it is among the key figures shown."""
        fact = next(
            (f for f in (*self.brief.facts, *self.brief.contradictions) if f.id == fact_id), None
        )
        if fact is None:
            return None
        return fact, next((v for v in self.story.facts if v.id == fact_id), None)

    def part(self, name: str, only: FactFilter | None = None) -> Sequence[Any]:
        """One list of the brief, in the order its pages list it (``KeyError`` if none)."""
        parts: dict[str, Callable[[], Sequence[Any]]] = {
            "facts": lambda: self.facts(only),
            "timeline": lambda: self.timeline.groups,
            "people": lambda: self.people.groups,
            "changes": lambda: self.changes.groups,
            "documents": lambda: self.brief.documents,
        }
        return parts[name]()

    def facts(self, only: FactFilter | None = None) -> tuple[Fact, ...]:
        """The story's figures, or only its open contradictions or its single-source ones."""
        if only == "contradictions":
            return self.brief.contradictions
        if only == "single-source":
            return tuple(f for f in self.brief.facts if single_source(f))
        return self.brief.facts


class _Cache:
    """A small LRU of computed values. Each key is computed once: the first thread computes
    it, the others asking for it wait for that (different keys never wait for each other).

    :meth:`latest` also keeps, per key, the newest value made at any version, and serves it
    while the value of a newer version is made in the background.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._newest: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self._flights: dict[Hashable, threading.Lock] = {}
        self._refreshing: set[Hashable] = set()
        self._refreshed: dict[Hashable, float] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[no-any-return]
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:
            with self._lock:
                if key in self._items:
                    return self._items[key]  # type: ignore[no-any-return]
            value = compute()
            with self._lock:
                self._items[key] = value
                _trim(self._items, self.size)
                self._flights.pop(key, None)
            return value

    def latest(self, key: Hashable, version: Hashable, compute: Callable[[], T]) -> T:
        """``key``'s value at ``version``; while that is being made (in a background thread,
        one at a time per key), the newest value made for ``key`` before, if there is one.

        A rebuild of a big story takes seconds, and while an ingest runs every document moves
        the version: waiting for each rebuild would make every reader wait. A page a few
        documents behind the store, for a few seconds, is the better answer. Rebuilds of one
        key start at most every ``REFRESH_SECONDS``, so an ingest does not keep the server
        rebuilding the same page without pause.
        """
        with self._lock:
            newest = self._newest.get(key)
            if newest is not None and newest[0] == version:
                self._newest.move_to_end(key)
                return newest[1]  # type: ignore[no-any-return]
            start = (
                newest is not None
                and key not in self._refreshing
                and time.monotonic() >= self._refreshed.get(key, 0.0) + REFRESH_SECONDS
            )
            if start:
                self._refreshing.add(key)
        if newest is None:
            return self._made(key, version, compute)
        if start:
            threading.Thread(
                target=self._refresh, args=(key, version, compute), daemon=True
            ).start()
        return newest[1]  # type: ignore[no-any-return]

    def _made(self, key: Hashable, version: Hashable, compute: Callable[[], T]) -> T:
        value = self.get((key, version), compute)
        with self._lock:
            self._newest[key] = (version, value)
            _trim(self._newest, self.size)
        return value

    def _refresh(self, key: Hashable, version: Hashable, compute: Callable[[], Any]) -> None:
        try:
            self._made(key, version, compute)
        except Exception:  # the stale value stays; the next request tries again
            log.exception("rebuilding %r at %r failed", key, version)
        finally:
            with self._lock:
                self._refreshing.discard(key)
                self._refreshed[key] = time.monotonic()


def _trim(items: OrderedDict[Hashable, Any], size: int) -> None:
    while len(items) > size:
        items.popitem(last=False)


class Ledger:
    """The read side of one store for the web app."""

    def __init__(self, store: Store, builder: Builder | None = None) -> None:
        """``builder`` makes briefings; by default the pipeline's ``build_briefing``."""
        self.store = store
        self.builder = builder
        self.index = SearchIndex(store.engine)
        self._cache = _Cache(CACHE_SIZE)
        self._pages = _Cache(CACHE_SIZE)
        self._worker = _Worker.of(store)

    def _builder(self) -> Builder | None:
        return self.builder or briefing_builder()

    def version(self) -> Version:
        """The store's version, in one cheap query (see :class:`Version`)."""
        count = select(func.count()).select_from(documents).scalar_subquery()
        last = select(func.max(briefings.c.id)).scalar_subquery()
        placed = select(func.max(reconcile_state.c.saved_at)).scalar_subquery()
        with self.store.engine.connect() as connection:
            row = connection.execute(select(count, last, placed)).one()
        return Version(int(row[0]), None if row[1] is None else int(row[1]), row[2])

    # --- stories ----------------------------------------------------------------------------

    def stories(self) -> list[StorySummary]:
        """Every story, biggest first, then earliest, titled and with its latest change as the
        briefing words them (when the reconcile stage is there); cached per store version, and
        the last list served while the current one is made (it briefs every story)."""
        version = self.version()
        return self._cache.latest("stories", version, lambda: self._stories(version))

    def summaries(self, fresh: bool = True) -> list[StorySummary]:
        """The stories from the store alone (no briefing built), for looking ids up; with
        ``fresh`` off, those of a few documents ago while the current ones are read."""
        version = self.version()
        if fresh:
            return self._cache.get(("summaries", version), self._summaries)
        return self._cache.latest("summaries", version, self._summaries)

    def story(self, story_id: str) -> StorySummary | None:
        """A story by its id or an unambiguous prefix of it (looked up in the current
        summaries only when the last ones do not know it: a story just opened)."""
        if not story_id:
            return None
        return _find(self.summaries(fresh=False), story_id) or _find(self.summaries(), story_id)

    def _summaries(self) -> list[StorySummary]:
        query = (
            select(
                story_members.c.story_id,
                documents.c.id,
                documents.c.title,
                documents.c.outlet,
                documents.c.published,
            )
            .join(documents, documents.c.id == story_members.c.document_id)
            .order_by(documents.c.seq)
        )
        grouped: dict[str, list[Any]] = {}
        with self.store.engine.connect() as connection:
            for row in connection.execute(query):
                grouped.setdefault(row.story_id, []).append(row)
        summaries = [_summary(story_id, rows) for story_id, rows in grouped.items()]
        return sorted(summaries, key=lambda s: (-s.documents, s.first or "", s.id))

    def _stories(self, version: Version) -> list[StorySummary]:
        briefed = self._briefed_titles(version)
        return [
            replace(s, title=briefed[s.id][0] or s.title, latest_change=briefed[s.id][1])
            if s.id in briefed
            else s
            for s in self.summaries()
        ]

    def _briefed_titles(self, version: Version) -> dict[str, tuple[str, str | None]]:
        """Story id -> (title, latest change) from the whole briefing, when there is one; the
        latest change is the newest in the change log (what ``watch`` last reported), whatever
        the last briefing already showed."""
        if self._builder() is None or version.documents == 0:
            return {}
        full = self._briefing(None, version)
        if full is None:
            return {}
        view = self._cache.get(("view", None, version), lambda: build(full, with_plots=False))
        logged = self._cache.get(("latest changes", version), self.store.latest_changes)
        labels = {f.id: f.label for s in full.stories for f in s.facts}
        return {
            brief.id: (
                story.title,
                change_text(logged[brief.id].change, labels)
                if brief.id in logged
                else story.latest_change,
            )
            for brief, story in zip(full.stories, view.stories, strict=True)
        }

    def _briefing(self, story: str | None, version: Version) -> Briefing | None:
        builder = self._available()
        if self._worker is not None and self.builder is None:
            compute = partial(self._worker.run, _briefing_in_worker, story)
        else:
            compute = partial(_build, builder, self.store, story)
        return self._cache.get(("briefing", story, version), compute)

    def _available(self) -> Builder:
        builder = self._builder()
        if builder is None:
            raise BriefingUnavailable(
                "The briefing is not available in this build: the reconcile stage "
                "(newsledger.pipeline.build_briefing) is missing."
            )
        return builder

    def story_page(self, summary: StorySummary) -> StoryPage | None:
        """The story's brief and its report view (with charts); ``None`` if it has no brief.

        While documents arrive, the story's last page is served until the page of the new
        store version is built (see :meth:`_Cache.latest`).
        """
        version = self.version()
        return self._cache.latest(
            ("page", summary.id), version, lambda: self._story_page(summary, version)
        )

    def _story_page(self, summary: StorySummary, version: Version) -> StoryPage | None:
        if self._worker is not None and self.builder is None:
            self._available()
            return self._worker.run(_page_in_worker, summary, version)
        return _page_of(self._briefing(summary.id, version), summary, version)

    def close(self) -> None:
        """Stop the briefing worker, if one was started (the store is the caller's)."""
        if self._worker is not None:
            self._worker.close()

    def rendered(self, key: Hashable, render: Callable[[], str]) -> str:
        """A response body made once per key (a key names what it shows, version included):
        a story page, a briefing file, a briefing's JSON."""
        return self._pages.get(key, render)

    # --- documents and claims ---------------------------------------------------------------

    def documents(self, limit: int, offset: int, outlet: str | None = None) -> Page[Document]:
        """Stored documents in ingest order, or one outlet's by publication date."""
        if outlet is None:
            return Page(self.store.count(), limit, offset, self.store.documents(limit, offset))
        query = select(documents.c.id).where(documents.c.outlet == outlet)
        ordered = query.order_by(documents.c.published, documents.c.seq)
        with self.store.engine.connect() as connection:
            total = connection.execute(
                select(func.count()).select_from(query.subquery())
            ).scalar_one()
            ids = list(connection.execute(ordered.limit(limit).offset(offset)).scalars())
        return Page(int(total), limit, offset, self.store.documents_by_id(ids))

    def extraction(self, doc_id: str) -> Extraction | None:
        return self.store.extraction(doc_id) if doc_id else None

    def extractions(self, doc_ids: Sequence[str]) -> dict[str, Extraction]:
        return self.store.extractions(doc_ids)

    def story_of(self, doc_id: str) -> str | None:
        query = select(story_members.c.story_id).where(story_members.c.document_id == doc_id)
        with self.store.engine.connect() as connection:
            found = connection.execute(query).scalar_one_or_none()
        return None if found is None else str(found)

    def claims(
        self, story: str | None, source: str | None, limit: int, offset: int
    ) -> Page[ClaimItem]:
        """Stored claims in ingest order, of one story and/or said by one source."""
        conditions: list[ColumnElement[bool]] = []
        if story:
            conditions.append(story_members.c.story_id == story)
        if source:
            conditions.append(_said_by(source))
        return self._claims(conditions, limit, offset)

    def _claims(
        self, conditions: Sequence[ColumnElement[bool]], limit: int, offset: int
    ) -> Page[ClaimItem]:
        query = (
            select(claims.c.id, claims.c.document_id, story_members.c.story_id)
            .join(documents, documents.c.id == claims.c.document_id)
            .outerjoin(story_members, story_members.c.document_id == claims.c.document_id)
            .where(*conditions)
        )
        ordered = query.order_by(documents.c.published, documents.c.seq, claims.c.id)
        with self.store.engine.connect() as connection:
            total = connection.execute(
                select(func.count()).select_from(query.subquery())
            ).scalar_one()
            rows = list(connection.execute(ordered.limit(limit).offset(offset)))
            doc_ids = list(dict.fromkeys(r.document_id for r in rows))
            order: dict[str, list[int]] = {}
            for cid, did in connection.execute(
                select(claims.c.id, claims.c.document_id)
                .where(claims.c.document_id.in_(doc_ids))
                .order_by(claims.c.id)
            ):
                order.setdefault(did, []).append(cid)
        loaded = self.store.extractions(doc_ids)
        items = []
        for row in rows:
            extraction = loaded.get(row.document_id)
            if extraction is None:
                continue
            index = order[row.document_id].index(row.id)
            items.append(
                ClaimItem(extraction.document, row.story_id, index, extraction.claims[index])
            )
        return Page(int(total), limit, offset, items)

    def source(self, name: str, limit: int, offset: int) -> SourceView | None:
        """What ``name`` said (a source's canonical name, or an outlet's own claims), and an
        outlet's first documents (the rest page on the documents page)."""
        page = self._claims([_said_by(name)], limit, offset)
        kinds = select(claims.c.source_kind).where(claims.c.source_canonical == name)
        with self.store.engine.connect() as connection:
            kind_counts = Counter(k for k in connection.execute(kinds).scalars() if k)
        own = self.documents(OUTLET_DOCUMENTS, 0, outlet=name)
        if not page.total and not own.total:
            return None
        if own.total:
            kind = "outlet"
        else:
            kind = kind_counts.most_common(1)[0][0] if kind_counts else "source"
        return SourceView(name, kind, page, own)

    def known_sources(self) -> frozenset[str]:
        """Every name a source page answers for (so pages link only to pages that exist); a
        name quoted for the first time may be linked a moment after it arrives."""
        return self._cache.latest("sources", self.version(), self._known_sources)

    def _known_sources(self) -> frozenset[str]:
        with self.store.engine.connect() as connection:
            names = connection.execute(select(claims.c.source_canonical).distinct()).scalars()
            outlets = connection.execute(select(documents.c.outlet).distinct()).scalars()
            return frozenset(n for n in (*names, *outlets) if n)

    # --- places and search ------------------------------------------------------------------

    def places(self, story: str) -> list[PlaceGroup]:
        """The story's places with coordinates, most mentioned first; cached per version (a
        story's places are read from every mention in it)."""
        return self._cache.get(("places", story, self.version()), lambda: self._places(story))

    def _places(self, story: str) -> list[PlaceGroup]:
        query = (
            select(places)
            .join(story_members, story_members.c.document_id == places.c.document_id)
            .where(story_members.c.story_id == story, places.c.lat.is_not(None))
            .where(places.c.lon.is_not(None))
            .order_by(places.c.id)
        )
        with self.store.engine.connect() as connection:
            rows = list(connection.execute(query).mappings())
        return _group_places(rows)

    def search(self, query: str, filters: Filters, limit: int, offset: int) -> Results:
        return self.index.search(query, filters, limit, offset, self.store.count())


def _build(builder: Builder, store: Store, story: str | None) -> Briefing | None:
    """The briefing, or ``None`` where the reconcile stage knows no such story (yet)."""
    try:
        with BUILDING:
            return builder(store, story)
    except KeyError:
        return None


class _Worker:
    """Briefings of the pipeline's own builder, made in a worker process of their own.

    A big story's briefing and charts are seconds of Python: made in a thread of the server,
    they would hold the interpreter lock against every request while documents arrive and
    pages are rebuilt. The worker opens the store itself, and the page comes back whole.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    @classmethod
    def of(cls, store: Store) -> _Worker | None:
        """A worker for a store another process can open (not an in-memory SQLite one)."""
        url = store.engine.url
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            return None
        return cls(url.render_as_string(hide_password=False))

    def run(self, job: Callable[..., T], *args: Any) -> T:
        with self._lock:
            if self._pool is None:
                spawn = multiprocessing.get_context("spawn")  # no copy of the server's threads
                self._pool = ProcessPoolExecutor(1, mp_context=spawn, initializer=_lower_priority)
            pool = self._pool
        try:
            return pool.submit(job, self.url, *args).result()
        except BrokenProcessPool:
            with self._lock:  # the worker died (killed, out of memory): a new one next time
                self._pool = None if self._pool is pool else self._pool
            raise

    def close(self) -> None:
        """Stop the worker now, a rebuild in hand included (its writes are transactions)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        # The pool has no public way to stop a worker in the middle of a job, and left to
        # itself a worker outlives the server that started it.
        workers = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=10)


def _lower_priority() -> None:
    """The worker yields the processor to the server's requests: a rebuild can wait."""
    os.nice(WORKER_NICENESS)


_WORKER_STORES: dict[str, Store] = {}


def _worker_store(url: str) -> Store:
    """The worker process's store, opened once."""
    if url not in _WORKER_STORES:
        _WORKER_STORES[url] = Store(url)
    return _WORKER_STORES[url]


def _briefing_in_worker(url: str, story: str | None) -> Briefing | None:
    from newsledger.pipeline import build_briefing  # type: ignore[attr-defined,unused-ignore]

    return _build(build_briefing, _worker_store(url), story)


def _page_in_worker(url: str, summary: StorySummary, version: Version) -> StoryPage | None:
    return _page_of(_briefing_in_worker(url, summary.id), summary, version)


def _page_of(
    briefing: Briefing | None, summary: StorySummary, version: Version
) -> StoryPage | None:
    """The story's page from a briefing holding it, else ``None``."""
    brief = next((s for s in briefing.stories if s.id == summary.id), None) if briefing else None
    return _story_page(briefing, brief, summary, version) if briefing and brief else None


def _find(summaries: Sequence[StorySummary], story_id: str) -> StorySummary | None:
    found = [s for s in summaries if s.id.startswith(story_id)]
    exact = [s for s in found if s.id == story_id]
    return (exact or found)[0] if len(exact or found) == 1 else None


def _said_by(name: str) -> ColumnElement[bool]:
    """Claims a name stands behind: attributed to it, or (an outlet) its own unattributed ones."""
    own = and_(
        claims.c.source_start.is_(None), claims.c.cue_start.is_(None), documents.c.outlet == name
    )
    return or_(claims.c.source_canonical == name, own)


def _summary(story_id: str, rows: Sequence[Any]) -> StorySummary:
    dates = sorted(r.published for r in rows if r.published)
    first = next((r for r in rows if r.id == story_id), rows[0])
    return StorySummary(
        story_id,
        first.title or "Untitled story",
        len(rows),
        tuple(sorted({r.outlet for r in rows if r.outlet})),
        dates[0] if dates else None,
        dates[-1] if dates else None,
        None,
    )


def _story_page(
    briefing: Briefing, brief: StoryBrief, summary: StorySummary, version: Version
) -> StoryPage:
    one = Briefing(briefing.generated, (brief,))
    with BUILDING:
        view = build(one, with_plots=True, asset_prefix="story")
    facts = {f.id: f for f in (*brief.facts, *brief.contradictions)}
    return StoryPage(
        one,
        brief,
        view,
        view.stories[0],
        summary,
        timeline_listing(brief),
        people_listing(brief),
        changes_listing(brief),
        {fact_id: fact_listing(fact) for fact_id, fact in facts.items()},
        version,
    )


def _group_places(rows: Iterable[Any]) -> list[PlaceGroup]:
    grouped: dict[tuple[str, float, float], list[Any]] = {}
    for row in rows:
        key = (row["name"] or row["text"], float(row["lat"]), float(row["lon"]))
        grouped.setdefault(key, []).append(row)
    found = [
        PlaceGroup(
            name,
            group[0]["country_code"],
            lat,
            lon,
            tuple((r["document_id"], r["start_char"], r["end_char"], r["text"]) for r in group),
        )
        for (name, lat, lon), group in grouped.items()
    ]
    return sorted(found, key=lambda p: (-len(p.mentions), p.name))
