"""What the pages and the API read: the store, the briefing and its view, cached per version.

Nothing here decides anything a stage decides. Documents, extractions and stories come from
:class:`~newsledger.store.Store`; facts, timelines and speakers from
``newsledger.pipeline.build_briefing``; wording, ranges and citation numbers from
:func:`newsledger.report.view.build`. What is left are read queries the store has no method for
(claims by source, places by story, story summaries without loading bodies), written against
the store's own tables.

Documents are only ever added to a store, so the document count is its version: a briefing or a
view built at one count is reused until the count moves, which keeps a story page fast under
load while a ``watch`` adds documents beside the server.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select

from newsledger.model import Briefing, Claim, Document, Extraction, Fact, StoryBrief
from newsledger.report.view import BriefingView, FactView, StoryView, build
from newsledger.store import Store
from newsledger.store.schema import briefings, claims, documents, places, story_members
from newsledger.web.search import Filters, Results, SearchIndex

T = TypeVar("T")
Builder = Callable[[Store, str | None], Briefing]
#: Views and briefings kept per process; each is one story at one store version.
CACHE_SIZE = 64
#: Documents of an outlet listed on its source page.
OUTLET_DOCUMENTS = 200
#: Fields of a document in lists, as the JSON briefing lists a story's documents.
SUMMARY_FIELDS = ("id", "title", "outlet", "published", "url", "path")


class Version(NamedTuple):
    """What a cached view depends on: the documents stored, and the last briefing saved.

    Documents are only ever added, so their count moves on every ingest; "what changed" is
    told against the last saved briefing, so a ``brief`` run moves the second part.
    """

    documents: int
    briefing: int | None


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
    documents: tuple[Document, ...]


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
    """A story's brief with its report view; ``facts`` pairs each fact id with its view."""

    briefing: Briefing
    brief: StoryBrief
    view: BriefingView
    story: StoryView
    facts: tuple[tuple[str, FactView], ...]
    summary: StorySummary

    def fact(self, fact_id: str) -> tuple[Fact, FactView | None] | None:
        views = dict(self.facts)
        for fact in (*self.brief.facts, *self.brief.contradictions):
            if fact.id == fact_id:
                return fact, views.get(fact_id)
        return None


class _Cache:
    """A small LRU of computed values; one computation per key at a time (they are heavy)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._compute = threading.RLock()  # a summary may build the briefing it shows

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[no-any-return]
        with self._compute:  # briefings and charts (matplotlib's rc state) one at a time
            with self._lock:
                if key in self._items:
                    return self._items[key]  # type: ignore[no-any-return]
            value = compute()
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
            return value


class Ledger:
    """The read side of one store for the web app."""

    def __init__(self, store: Store, builder: Builder | None = None) -> None:
        """``builder`` makes briefings; by default the pipeline's ``build_briefing``."""
        self.store = store
        self.builder = builder
        self.index = SearchIndex(store.engine)
        self._cache = _Cache(CACHE_SIZE)

    def _builder(self) -> Builder | None:
        return self.builder or briefing_builder()

    def version(self) -> Version:
        """The store's version, in one cheap query (see :class:`Version`)."""
        count = select(func.count()).select_from(documents).scalar_subquery()
        last = select(func.max(briefings.c.id)).scalar_subquery()
        with self.store.engine.connect() as connection:
            row = connection.execute(select(count, last)).one()
        return Version(int(row[0]), None if row[1] is None else int(row[1]))

    # --- stories ----------------------------------------------------------------------------

    def stories(self) -> list[StorySummary]:
        """Every story, biggest first, then earliest, titled and with its latest change as the
        briefing words them (when the reconcile stage is there); cached per store version."""
        version = self.version()
        return self._cache.get(("stories", version), lambda: self._stories(version))

    def summaries(self) -> list[StorySummary]:
        """The stories from the store alone (no briefing built): cheap, for looking ids up."""
        version = self.version()
        return self._cache.get(("summaries", version), self._summaries)

    def story(self, story_id: str) -> StorySummary | None:
        """A story by its id or an unambiguous prefix of it."""
        found = [s for s in self.summaries() if s.id.startswith(story_id)] if story_id else []
        exact = [s for s in found if s.id == story_id]
        return (exact or found)[0] if len(exact or found) == 1 else None

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
        """Story id -> (title, latest change) from the whole briefing, when there is one."""
        if self._builder() is None or version.documents == 0:
            return {}
        full = self._briefing(None, version)
        if full is None:
            return {}
        view = self._cache.get(("view", None, version), lambda: build(full, with_plots=False))
        return {
            brief.id: (story.title, story.changes[-1].text if story.changes else None)
            for brief, story in zip(full.stories, view.stories, strict=True)
        }

    def _briefing(self, story: str | None, version: Version) -> Briefing | None:
        builder = self._builder()
        if builder is None:
            raise BriefingUnavailable(
                "The briefing is not available in this build: the reconcile stage "
                "(newsledger.pipeline.build_briefing) is missing."
            )
        return self._cache.get(
            ("briefing", story, version), lambda: _build(builder, self.store, story)
        )

    def story_page(self, summary: StorySummary) -> StoryPage | None:
        """The story's brief and its report view (with charts); ``None`` if it has no brief."""
        version = self.version()
        briefing = self._briefing(summary.id, version)
        if briefing is None:
            return None
        brief = next((s for s in briefing.stories if s.id == summary.id), None)
        if brief is None:
            return None
        return self._cache.get(
            ("page", summary.id, version), lambda: _story_page(briefing, brief, summary)
        )

    # --- documents and claims ---------------------------------------------------------------

    def documents(self, limit: int, offset: int) -> Page[Document]:
        return Page(self.store.count(), limit, offset, self.store.documents(limit, offset))

    def extraction(self, doc_id: str) -> Extraction | None:
        return self.store.extraction(doc_id) if doc_id else None

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
        loaded = {d: self.store.extraction(d) for d in doc_ids}
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
        """What ``name`` said (a source's canonical name, or an outlet's own claims)."""
        page = self._claims([_said_by(name)], limit, offset)
        query = (
            select(documents.c.id)
            .where(documents.c.outlet == name)
            .order_by(documents.c.published, documents.c.seq)
            .limit(OUTLET_DOCUMENTS)
        )
        kinds = select(claims.c.source_kind).where(claims.c.source_canonical == name)
        with self.store.engine.connect() as connection:
            ids = list(connection.execute(query).scalars())
            kind_counts = Counter(k for k in connection.execute(kinds).scalars() if k)
        if not page.total and not ids:
            return None
        kind = "outlet" if ids else (kind_counts.most_common(1)[0][0] if kind_counts else "source")
        return SourceView(name, kind, page, tuple(self.store.documents_by_id(ids)))

    def known_sources(self) -> frozenset[str]:
        """Every name a source page answers for (so pages link only to pages that exist)."""
        return self._cache.get(("sources", self.version()), self._known_sources)

    def _known_sources(self) -> frozenset[str]:
        with self.store.engine.connect() as connection:
            names = connection.execute(select(claims.c.source_canonical).distinct()).scalars()
            outlets = connection.execute(select(documents.c.outlet).distinct()).scalars()
            return frozenset(n for n in (*names, *outlets) if n)

    # --- places and search ------------------------------------------------------------------

    def places(self, story: str) -> list[PlaceGroup]:
        """The story's places with coordinates, most mentioned first."""
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
        return builder(store, story)
    except KeyError:
        return None


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


def _story_page(briefing: Briefing, brief: StoryBrief, summary: StorySummary) -> StoryPage:
    one = Briefing(briefing.generated, (brief,))
    view = build(one, with_plots=True, asset_prefix="story")
    story = view.stories[0]
    facts = tuple(zip((f.id for f in brief.facts), story.facts, strict=True))
    return StoryPage(one, brief, view, story, facts, summary)


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
