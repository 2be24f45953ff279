"""Full-text search over stored documents and claims: FTS5 on SQLite, tsvector on PostgreSQL.

The store has no search index of its own, and search is a reading concern of the web app, so
the index lives here. On SQLite an FTS5 table (``web_search``) holds each document's title and
body and each claim's text; it is filled on first use and then topped up by document id
(``web_search_documents`` lists what is indexed), so a store that grows while the server runs
is searchable without a rebuild. On PostgreSQL the text is matched with ``to_tsvector`` on the
fly: no table to keep in step, and fast enough for a team's store.

What a user types is never query syntax. It is cut into words and each word is searched as a
quoted term (all must match), so ``"NEAR(``, ``AND`` or a lone quote cannot raise an error or
change the query; every value reaches SQL as a bound parameter.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from newsledger.web.highlight import excerpt, term_marks

#: Words of a query that are searched; more add nothing but cost.
MAX_TERMS = 16
#: Longest wait, once the index exists, for the write lock to top the index up (see
#: ``SearchIndex._refresh``).
TOP_UP_WAIT_MS = 50
#: Characters of a document shown around its first match.
EXCERPT_CONTEXT = 120
_WORD = re.compile(r"\w+", re.UNICODE)

_SQLITE_SETUP = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS web_search USING fts5("
    "text, title, kind UNINDEXED, document_id UNINDEXED, claim_id UNINDEXED, "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TABLE IF NOT EXISTS web_search_documents (document_id VARCHAR(64) PRIMARY KEY)",
)
#: Top-up: the documents stored after the last one indexed (by ``seq``, the store's ingest
#: order: on SQLite one writer at a time, so a later ``seq`` is a later commit) and not
#: indexed yet, with their claims, then the list of what is indexed. Looked up by ``seq``, a
#: top-up costs the new documents, not the store.
_NEW = (
    "FROM documents AS d WHERE d.seq > :after "
    "AND d.id NOT IN (SELECT document_id FROM web_search_documents)"
)
_SQLITE_REFRESH = (
    "INSERT INTO web_search (text, title, kind, document_id, claim_id) "
    f"SELECT d.body, coalesce(d.title, ''), 'document', d.id, NULL {_NEW}",
    "INSERT INTO web_search (text, title, kind, document_id, claim_id) "
    "SELECT c.text, '', 'claim', c.document_id, c.id FROM claims AS c "
    "WHERE c.document_id IN (SELECT d.id FROM documents AS d WHERE d.seq > :after "
    "AND d.id NOT IN (SELECT document_id FROM web_search_documents))",
    f"INSERT INTO web_search_documents (document_id) SELECT d.id {_NEW}",
)
_SQLITE_INDEXED = (
    "SELECT coalesce(max(d.seq), 0) FROM documents AS d "
    "JOIN web_search_documents AS w ON w.document_id = d.id"
)

_COLUMNS = (
    "hits.kind AS kind, hits.document_id AS document_id, hits.claim_id AS claim_id, "
    "d.title AS title, d.outlet AS outlet, d.published AS published, d.url AS url, "
    "s.story_id AS story, CASE WHEN hits.kind = 'document' THEN d.body END AS body, "
    "c.text AS claim_text, c.start_char AS claim_start, c.end_char AS claim_end, "
    "c.source_text AS source_text, c.source_kind AS source_kind, "
    "c.source_canonical AS source_canonical, c.certainty AS certainty"
)
#: What a page of hits is ranked by, before their texts are fetched.
_RANKED = (
    "hits.kind AS kind, hits.document_id AS document_id, hits.claim_id AS claim_id, "
    "hits.rank AS rank, d.seq AS seq"
)
_DOCUMENT_JOIN = "JOIN documents AS d ON d.id = hits.document_id"
_JOINS = (
    f"{_DOCUMENT_JOIN} "
    "LEFT JOIN story_members AS s ON s.document_id = hits.document_id "
    "LEFT JOIN claims AS c ON c.id = hits.claim_id"
)
#: SQLite: the FTS table itself (FTS5 wants its own name, not an alias, left of MATCH).
_SQLITE_FROM = (
    "(SELECT kind, document_id, CAST(claim_id AS INTEGER) AS claim_id, rank "
    "FROM web_search WHERE web_search MATCH :match) AS hits"
)
_POSTGRES_FROM = (
    "(SELECT 'document' AS kind, d.id AS document_id, NULL::integer AS claim_id, "
    "-ts_rank(to_tsvector('english', coalesce(d.title, '') || ' ' || d.body), q.query) AS rank "
    "FROM documents AS d, plainto_tsquery('english', :match) AS q(query) "
    "WHERE to_tsvector('english', coalesce(d.title, '') || ' ' || d.body) @@ q.query "
    "UNION ALL "
    "SELECT 'claim', c.document_id, c.id, -ts_rank(to_tsvector('english', c.text), q.query) "
    "FROM claims AS c, plainto_tsquery('english', :match) AS q(query) "
    "WHERE to_tsvector('english', c.text) @@ q.query) AS hits"
)


@dataclass(frozen=True)
class Filters:
    """Narrowing a search: a story, a source's canonical name, an outlet, publication dates."""

    story: str | None = None
    source: str | None = None
    outlet: str | None = None
    since: date | None = None
    until: date | None = None

    def sql(self) -> tuple[str, dict[str, Any]]:
        """Constant SQL conditions and their bound values: no user text is ever in the SQL."""
        parts: list[str] = []
        values: dict[str, Any] = {}
        if self.story:
            parts.append("s.story_id = :story")
            values["story"] = self.story
        if self.source:
            parts.append("hits.kind = 'claim' AND c.source_canonical = :source")
            values["source"] = self.source
        if self.outlet:
            parts.append("d.outlet = :outlet")
            values["outlet"] = self.outlet
        if self.since:
            parts.append("d.published >= :since")
            values["since"] = self.since.isoformat()
        if self.until:  # the whole day: "2025-03-12T06:15" is on 2025-03-12
            parts.append("d.published < :until")
            values["until"] = (self.until + timedelta(days=1)).isoformat()
        return "".join(f" AND {p}" for p in parts), values


@dataclass(frozen=True)
class Hit:
    """A matching document (an excerpt around the match) or claim (its text), with where it is."""

    kind: Literal["document", "claim"]
    document: str
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    story: str | None
    text: str
    start: int
    end: int
    source: dict[str, Any] | None
    certainty: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "document": {
                "id": self.document,
                "title": self.title,
                "outlet": self.outlet,
                "published": self.published,
                "url": self.url,
            },
            "story": self.story,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "source": self.source,
            "certainty": self.certainty,
        }


@dataclass(frozen=True)
class Results:
    total: int
    hits: list[Hit]
    terms: tuple[str, ...]


def terms(query: str) -> tuple[str, ...]:
    """The words searched for: letters and digits only, lower case, each once, at most 16."""
    words = dict.fromkeys(w.lower() for w in _WORD.findall(query))
    return tuple(words)[:MAX_TERMS]


def fts5_query(words: tuple[str, ...]) -> str:
    """An FTS5 MATCH string that can only mean "all these words": each one a quoted string."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


class SearchIndex:
    """Search over one store's engine; builds and tops up the SQLite index when needed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.backend = engine.dialect.name
        self._lock = threading.Lock()
        self._indexed: int | None = None  # document count when last topped up
        self._seq: int | None = None  # the last document indexed, in ingest order

    def search(
        self, query: str, filters: Filters, limit: int, offset: int, version: int
    ) -> Results:
        """One page of hits, best first; ``version`` (the document count) says when to top up."""
        words = terms(query)
        if not words:
            return Results(0, [], ())
        if self.backend == "sqlite":
            self._refresh(version)
            source, match = _SQLITE_FROM, fts5_query(words)
        elif self.backend == "postgresql":
            source, match = _POSTGRES_FROM, " ".join(words)
        else:
            raise NotImplementedError(f"search on {self.backend} is not supported")
        where, values = filters.sql()
        values["match"] = match
        base = f"FROM {source} {_JOINS} WHERE 1 = 1{where}"
        count = f"SELECT count(*) {base}"
        # Rank the narrow rows first and fetch texts and bodies for the page alone: sorting
        # thousands of hits with their bodies attached was most of a search's time. Without
        # filters only the documents' order is needed to rank, and the joins drop nothing
        # (every hit is of a stored document), so the hits are counted alone.
        if not where:
            base = f"FROM {source} {_DOCUMENT_JOIN}"
            count = f"SELECT count(*) FROM {source}"  # noqa: S608 - constant SQL
        ranked = f"SELECT {_RANKED} {base} ORDER BY hits.rank, d.seq, hits.claim_id "
        ranked += "LIMIT :limit OFFSET :offset"
        page = f"SELECT {_COLUMNS} FROM ({ranked}) AS hits {_JOINS} "  # noqa: S608 - constant SQL
        page += "ORDER BY hits.rank, hits.seq, hits.claim_id"
        with self.engine.connect() as connection:
            total = connection.execute(text(count), values).scalar_one()
            rows = connection.execute(text(page), {**values, "limit": limit, "offset": offset})
            hits = [_hit(row._mapping, words) for row in rows]
        return Results(int(total), hits, words)

    def _refresh(self, version: int) -> None:
        """Index the documents (and their claims) not indexed yet; once per store version."""
        if self._indexed == version:
            return
        with self._lock:
            if self._indexed == version:
                return
            # Once there is an index, a top-up that would queue behind another writer (an
            # ingest, a briefing saving its state) is put off to a later search: the search
            # then misses the last few documents for a moment, instead of waiting seconds.
            patient = self._seq is None
            try:
                with self.engine.begin() as connection, _busy_timeout(connection, patient):
                    self._seq = _refresh_sqlite(connection, self._seq)
            except OperationalError as exc:
                if patient or "locked" not in str(exc.orig):
                    raise
                return
            self._indexed = version


@contextmanager
def _busy_timeout(connection: Connection, patient: bool) -> Iterator[None]:
    """The connection's SQLite busy timeout cut to ``TOP_UP_WAIT_MS`` unless ``patient``."""
    if patient:
        yield
        return
    previous = int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one())
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {TOP_UP_WAIT_MS}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {previous}")


def _refresh_sqlite(connection: Connection, after: int | None) -> int:
    """Index what was stored after ``after`` (a ``seq``; ``None``: look it up); the new last."""
    for statement in _SQLITE_SETUP:
        connection.exec_driver_sql(statement)
    if after is None:
        after = int(connection.execute(text(_SQLITE_INDEXED)).scalar_one())
    for statement in _SQLITE_REFRESH:
        connection.execute(text(statement), {"after": after})
    last = connection.execute(text("SELECT max(seq) FROM documents")).scalar_one()
    return after if last is None else int(last)


def _hit(row: Any, words: tuple[str, ...]) -> Hit:
    if row["kind"] == "claim":
        source = None
        if row["source_text"] is not None:
            source = {
                "text": row["source_text"],
                "kind": row["source_kind"],
                "canonical": row["source_canonical"],
            }
        text_, start, end = row["claim_text"], row["claim_start"], row["claim_end"]
        kind: Literal["document", "claim"] = "claim"
        certainty = row["certainty"]
    else:
        body = row["body"] or ""
        found = term_marks(body, words)
        first = found[0] if found else None
        cut = excerpt(body, first.start, first.end, EXCERPT_CONTEXT) if first else None
        if cut is None:  # matched in the title only: the opening of the body
            cut = excerpt(body, 0, 0, 2 * EXCERPT_CONTEXT)
        text_, start, end, source, kind, certainty = (
            cut.text,
            cut.start,
            cut.end,
            None,
            "document",
            None,
        )
    return Hit(
        kind,
        row["document_id"],
        row["title"],
        row["outlet"],
        row["published"],
        row["url"],
        row["story"],
        text_,
        start,
        end,
        source,
        certainty,
    )
