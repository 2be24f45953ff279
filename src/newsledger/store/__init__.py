"""The store: documents and their provenance in SQLite (default) or PostgreSQL, same code.

One transaction per document, so an ingest killed at any point leaves every document either
fully stored (with its provenance) or absent, and re-running it stores the rest without
duplicates. The schema is versioned with Alembic and upgraded when a store is opened.

Several processes may share a store (two ingests and ``serve``). Every write goes through
:meth:`Store._write`, which takes the store's write lock first (``BEGIN IMMEDIATE`` on SQLite,
an advisory lock on PostgreSQL): a transaction that read before it wrote could otherwise fail
at its first write with "database is locked" (SQLite cannot wait for a snapshot that went
stale) or race another writer to the same sequence number or document.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from newsledger.config import database_url
from newsledger.model import (
    Briefing,
    Change,
    DateInfo,
    Document,
    Extraction,
    LoggedChange,
    Provenance,
)
from newsledger.store import extractions
from newsledger.store.schema import (
    briefings,
    changes,
    documents,
    provenance,
    reconcile_state,
    story_members,
)

__all__ = ["Placed", "Store", "StoredSignature", "decode_state", "encode_state"]


def encode_state(data: dict[str, Any]) -> str:
    """An index's state as the JSON text the store keeps (see :meth:`Store.save_state`).

    Keys that are not strings become strings, as the standard library's encoder made them.
    """
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")


def decode_state(text: str | bytes) -> dict[str, Any]:
    return dict(orjson.loads(text))


@dataclass(frozen=True)
class StoredSignature:
    """What the near-duplicate index needs of a stored document."""

    id: str
    signature: bytes
    shingles: int
    published: str | None
    duplicate_of: str | None


class Store:
    """A handle on one database; cheap to open, upgrades the schema on first use."""

    def __init__(self, db: str | None = None) -> None:
        self.url = database_url(db)
        self.engine = _engine(self.url)
        # Under the write lock: the migrations run in one transaction (so a process killed
        # half-way leaves the old schema, not some of the new tables) and two processes that
        # open a new store at once do not both create it.
        with self._write() as connection:
            _upgrade(connection)

    def close(self) -> None:
        self.engine.dispose()

    def has(self, doc_id: str) -> bool:
        with self.engine.connect() as connection:
            found = connection.execute(select(documents.c.id).where(documents.c.id == doc_id))
            return found.first() is not None

    def add(
        self,
        document: Document,
        signature: bytes,
        shingles: int,
        relinked: tuple[str, ...] = (),
        extraction: Extraction | None = None,
    ) -> bool:
        """Store a new document with what was extracted from it, in one transaction.

        Earlier copies' links move onto its origin. A crash leaves the document either whole
        (body, provenance, claims) or absent, never half-written. False when another writer
        stored the same document meanwhile (two ingests over one file): its provenance is
        recorded then, as for any duplicate.
        """
        with self._write() as connection:
            stored = select(documents.c.id).where(documents.c.id == document.id)
            if connection.execute(stored).first():
                _record_provenance(connection, document.id, document.provenance)
                return False
            seq = connection.execute(
                select(func.coalesce(func.max(documents.c.seq), 0))
            ).scalar_one()
            connection.execute(
                insert(documents).values(
                    **_document_row(document), seq=seq + 1, signature=signature, shingles=shingles
                )
            )
            _insert_provenance(connection, document.id, document.provenance)
            if relinked:
                origin = document.duplicate_of or document.id
                connection.execute(
                    update(documents)
                    .where(documents.c.id.in_(relinked))
                    .values(duplicate_of=origin)
                )
            if extraction is not None:
                extractions.save(connection, extraction)
        return True

    def add_provenance(self, doc_id: str, source: Provenance) -> bool:
        """Record another input holding an article already stored; False when already recorded."""
        with self._write() as connection:
            return _record_provenance(connection, doc_id, source)

    def signatures(self) -> Iterator[StoredSignature]:
        query = select(
            documents.c.id,
            documents.c.signature,
            documents.c.shingles,
            documents.c.published,
            documents.c.duplicate_of,
        ).order_by(documents.c.seq)
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                yield StoredSignature(
                    row.id, row.signature, row.shingles, row.published, row.duplicate_of
                )

    def document_dates(self) -> list[tuple[str, str | None]]:
        """Every stored document's id and publication date, in ingest order."""
        query = select(documents.c.id, documents.c.published).order_by(documents.c.seq)
        with self.engine.connect() as connection:
            return [(row.id, row.published) for row in connection.execute(query)]

    def count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(documents)).scalar_one())

    def documents(self, limit: int | None = None, offset: int = 0) -> list[Document]:
        query = select(documents).order_by(documents.c.seq).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            return _documents(connection, connection.execute(query).mappings().all())

    def documents_by_id(self, ids: Sequence[str]) -> list[Document]:
        """The documents with these ids, in the order given (unknown ids are left out)."""
        with self.engine.connect() as connection:
            return self._by_id(connection, ids)

    def _by_id(self, connection: Connection, ids: Sequence[str]) -> list[Document]:
        found: dict[str, Document] = {}
        for at in range(0, len(ids), extractions.CHUNK):
            chunk = list(ids[at : at + extractions.CHUNK])
            rows = connection.execute(select(documents).where(documents.c.id.in_(chunk)))
            found.update((d.id, d) for d in _documents(connection, rows.mappings().all()))
        return [found[i] for i in ids if i in found]

    def extractions(self, ids: Sequence[str]) -> dict[str, Extraction]:
        """The stored extractions of these documents by id (unknown ids are left out), loaded
        in bulk: what a briefing, a page of documents or a catch-up reads."""
        with self.engine.connect() as connection:
            loaded = extractions.load_many(connection, self._by_id(connection, ids))
        return {extraction.document.id: extraction for extraction in loaded}

    def get(self, doc_id: str) -> Document | None:
        """A document by its id or an unambiguous prefix of it (as shown by ``documents``).

        A whole id is looked up by the primary key first: SQLite cannot use the index for
        ``LIKE 'prefix%'`` (case-insensitive by default), so a prefix lookup scans the table,
        and the ledger reads every new document back this way (quadratic in the store size).
        """
        exact = select(documents).where(documents.c.id == doc_id)
        query = select(documents).where(documents.c.id.startswith(doc_id, autoescape=True)).limit(2)
        with self.engine.connect() as connection:
            row = connection.execute(exact).mappings().first()
            if row is not None:
                return _document(connection, row)
            rows = connection.execute(query).mappings().all()
            return _document(connection, rows[0]) if len(rows) == 1 else None

    def stories(self) -> dict[str, list[str]]:
        """Story id -> its documents' ids, in ingest order."""
        query = (
            select(story_members.c.story_id, story_members.c.document_id)
            .join(documents, documents.c.id == story_members.c.document_id)
            .order_by(documents.c.seq)
        )
        found: dict[str, list[str]] = {}
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                found.setdefault(row.story_id, []).append(row.document_id)
        return found

    def save_state(
        self,
        name: str,
        data: dict[str, Any],
        documents_seen: int,
        *,
        placed: Sequence[Placed] = (),
        found: Sequence[tuple[Document, Change]] = (),
        replaces: str | None = None,
    ) -> str | None:
        """Keep an incremental index's state (plain JSON) for the next run, with what it did
        since its last save: the documents ``placed`` in stories (in order) and the changes
        ``found``, all in one transaction. After a crash the state, story membership and the
        change log agree, so a resumed run places those documents again and logs them once.

        ``replaces``: the version this state was built on (from :meth:`load_state`); when
        another writer saved since, nothing is written and ``None`` comes back, so the caller
        can adopt that state rather than overwrite it. Returns the new version.

        The state is written and read with orjson: every ingest and watch pass loads and saves
        it whole, and at 5,000 documents (22 MB) the standard library's encoder and decoder
        took most of the cost of adding one more document.
        """
        version = datetime.now(UTC).isoformat(timespec="microseconds")
        row = {
            "data": encode_state(data),
            "documents": documents_seen,
            "saved_at": version,
        }
        where = reconcile_state.c.name == name
        try:
            with self._write() as connection:
                # The row goes as execution parameters, never ``.values(...)``: a statement
                # with its values built in is what SQLAlchemy's statement cache keeps, and with
                # it a whole copy of the state's text, for as long as the writer runs.
                if replaces is None:
                    try:
                        connection.execute(insert(reconcile_state), {"name": name, **row})
                    except IntegrityError:  # another writer's first save came first
                        raise _Superseded from None
                else:
                    current = where & (reconcile_state.c.saved_at == replaces)
                    written = connection.execute(update(reconcile_state).where(current), row)
                    if written.rowcount != 1:
                        raise _Superseded
                for step in placed:
                    _place(connection, step)
                if found:
                    connection.execute(insert(changes), [_change_row(d, c) for d, c in found])
        except _Superseded:
            return None
        return version

    def load_state(self, name: str) -> tuple[dict[str, Any], str] | None:
        """An index's saved state and its version, or ``None`` before the first save."""
        query = select(reconcile_state.c.data, reconcile_state.c.saved_at).where(
            reconcile_state.c.name == name
        )
        with self.engine.connect() as connection:
            found = connection.execute(query).first()
        return None if found is None else (decode_state(found.data), found.saved_at)

    def changes(
        self,
        after: int = 0,
        since: str | None = None,
        story: str | None = None,
        through: int | None = None,
    ) -> list[LoggedChange]:
        """The change log in the order found: entries after sequence number ``after`` (up to
        ``through``), brought by documents published after ``since`` (an ISO date), of one
        ``story``."""
        query = select(changes).where(changes.c.seq > after).order_by(changes.c.seq)
        if through is not None:
            query = query.where(changes.c.seq <= through)
        if since is not None:
            query = query.where(changes.c.published > since)
        if story is not None:
            query = query.where(changes.c.story == story)
        with self.engine.connect() as connection:
            return [_logged(row) for row in connection.execute(query)]

    def latest_changes(self) -> dict[str, LoggedChange]:
        """The newest logged change of each story, under the story its document is in now
        (a story that absorbed another shows the newer of the two)."""
        newest = (
            select(story_members.c.story_id, func.max(changes.c.seq).label("seq"))
            .join(story_members, story_members.c.document_id == changes.c.document_id)
            .group_by(story_members.c.story_id)
            .subquery()
        )
        query = select(newest.c.story_id.label("current"), changes).join(
            changes, changes.c.seq == newest.c.seq
        )
        with self.engine.connect() as connection:
            return {row.current: _logged(row) for row in connection.execute(query)}

    def last_change(self) -> int:
        """The sequence number of the latest logged change (0 before the first)."""
        with self.engine.connect() as connection:
            found = connection.execute(select(func.max(changes.c.seq))).scalar_one_or_none()
        return int(found or 0)

    def save_briefing(self, briefing: Briefing, last_change: int) -> None:
        """Keep a briefing as generated, and how far into the change log it reported, so the
        next one says what changed since (the entries after ``last_change``)."""
        data = json.dumps(briefing.to_json(), ensure_ascii=False, separators=(",", ":"))
        with self._write() as connection:
            connection.execute(
                insert(briefings).values(
                    generated=briefing.generated, last_change=last_change, data=data
                )
            )

    def briefed_through(self) -> int | None:
        """The last change the latest briefing covered, or ``None`` before the first briefing."""
        query = select(briefings.c.last_change).order_by(briefings.c.id.desc()).limit(1)
        with self.engine.connect() as connection:
            found = connection.execute(query).first()
        return None if found is None else int(found.last_change or 0)

    def extraction(self, doc_id: str) -> Extraction | None:
        """A stored document with its entities, times, places and claims."""
        document = self.get(doc_id)
        if document is None:
            return None
        with self.engine.connect() as connection:
            return extractions.load(connection, document)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction that holds the store's write lock from its first statement.

        Writers queue for the lock (SQLite waits up to its busy timeout, then the lock is asked
        for again after a pause that doubles), so a busy store slows a writer down instead of
        failing it. The lock is all a transaction waits for: once it is held, no statement of
        the transaction can meet "database is locked".
        """
        delay = WRITE_RETRY_DELAY
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            with self.engine.connect() as connection:
                transaction = connection.begin()
                try:
                    _take_write_lock(connection)
                except OperationalError as exc:
                    transaction.rollback()
                    if attempt == WRITE_ATTEMPTS or not _locked(exc):
                        raise
                else:
                    with transaction:
                        yield connection
                    return
            time.sleep(delay)
            delay = min(2 * delay, WRITE_RETRY_MAX_DELAY)


#: Tries at the write lock (each waits up to the SQLite busy timeout of ``_engine``) and the
#: pause before the second, doubled before each further one up to the maximum (seconds).
WRITE_ATTEMPTS = 6
WRITE_RETRY_DELAY = 0.1
WRITE_RETRY_MAX_DELAY = 5.0
#: The PostgreSQL advisory lock every write transaction takes (any constant; "nl" in ASCII).
_PG_WRITE_LOCK = 0x6E6C


def _take_write_lock(connection: Connection) -> None:
    """Make the open transaction the store's only writer until it ends.

    SQLite: the driver starts no transaction before a SELECT, so ``BEGIN IMMEDIATE`` here
    starts it with the write lock taken. PostgreSQL: a transaction-scoped advisory lock, so
    ``max(seq) + 1`` and "is this document stored?" stay true until the commit.
    """
    backend = connection.dialect.name
    if backend == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif backend == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(_PG_WRITE_LOCK)))


def _locked(error: OperationalError) -> bool:
    """Whether SQLite gave up waiting for another writer (worth another try)."""
    return "database is locked" in str(error.orig) or "database is busy" in str(error.orig)


def _record_provenance(connection: Connection, doc_id: str, source: Provenance) -> bool:
    """Add a provenance row unless this input (and record) is already recorded for the doc."""
    exists = connection.execute(
        select(provenance.c.id).where(
            provenance.c.document_id == doc_id,
            provenance.c.input == source.input,
            provenance.c.record == (source.record if source.record is not None else -1),
        )
    ).first()
    if exists:
        return False
    _insert_provenance(connection, doc_id, source)
    return True


@dataclass(frozen=True)
class Placed:
    """One document put in its story, and the stories its arrival merged into that one."""

    document: str
    story: str
    merged: tuple[str, ...] = ()


def _place(connection: Connection, step: Placed) -> None:
    for old in step.merged:
        connection.execute(
            update(story_members).where(story_members.c.story_id == old).values(story_id=step.story)
        )
    connection.execute(delete(story_members).where(story_members.c.document_id == step.document))
    connection.execute(insert(story_members).values(document_id=step.document, story_id=step.story))


class _Superseded(Exception):
    """Another writer saved the state this one was built on."""


def _change_row(document: Document, change: Change) -> dict[str, Any]:
    return {
        "recorded": datetime.now(UTC).isoformat(timespec="microseconds"),
        "document_id": document.id,
        "published": document.published.value,
        "kind": change.kind,
        "story": change.story,
        "fact": change.fact,
        "data": json.dumps(change.to_json(), ensure_ascii=False, separators=(",", ":")),
    }


def _logged(row: Any) -> LoggedChange:
    change = Change.from_json(json.loads(row.data))
    return LoggedChange(row.seq, row.recorded, row.document_id, row.published, change)


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        _write_ahead_log(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def _write_ahead_log(cursor: Any) -> None:
    """Put the database in WAL mode, waiting for the lock that takes.

    Turning a new file to WAL needs an exclusive lock that SQLite does not wait for (its busy
    timeout does not apply): two processes opening a new store at once met "database is
    locked" here, before any transaction could retry. Once the file is in WAL mode the pragma
    takes no lock.
    """
    delay = WRITE_RETRY_DELAY
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if attempt == WRITE_ATTEMPTS or "database is locked" not in str(exc):
                raise
        time.sleep(delay)
        delay = min(2 * delay, WRITE_RETRY_MAX_DELAY)


def migrations(connection: Connection | None = None) -> Config:
    """The Alembic configuration of the store's migrations, run on ``connection`` when given.

    Shared with export/import (which revisions exist) and the schema fixture's generator
    (upgrade a new store to an old revision), so there is one place that finds the scripts.
    """
    config = Config()
    config.set_main_option("script_location", str(resources.files(__package__) / "migrations"))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(migrations(connection), "head")


def _document_row(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "url": document.url,
        "path": document.path,
        "title": document.title,
        "outlet": document.outlet,
        "published": document.published.value,
        "published_source": document.published.source,
        "published_unsure": document.published.unsure,
        "updated": document.updated.value,
        "updated_source": document.updated.source,
        "author": document.author,
        "section": document.section,
        "partial": document.partial,
        "duplicate_of": document.duplicate_of,
        "body": document.body,
        "ingested_at": document.provenance.ingested_at,
    }


def _insert_provenance(connection: Connection, doc_id: str, source: Provenance) -> None:
    connection.execute(
        insert(provenance).values(
            document_id=doc_id,
            input=source.input,
            record=source.record if source.record is not None else -1,
            raw_sha256=source.raw_sha256,
            format=source.format,
            encoding=source.encoding,
            ingested_at=source.ingested_at,
        )
    )


def _document(connection: Connection, row: Any) -> Document:
    return _documents(connection, [row])[0]


def _documents(connection: Connection, rows: Sequence[Any]) -> list[Document]:
    """Documents from their rows, each with its first provenance (a query per chunk of them)."""
    first: dict[str, Provenance] = {}
    for found in _provenance_rows(connection, [row["id"] for row in rows]):
        first.setdefault(
            found["document_id"],
            Provenance(
                input=found["input"],
                record=None if found["record"] < 0 else found["record"],
                raw_sha256=found["raw_sha256"],
                format=found["format"],
                encoding=found["encoding"],
                ingested_at=found["ingested_at"],
            ),
        )
    return [_from_row(row, first.get(row["id"], Provenance(input=""))) for row in rows]


def _provenance_rows(connection: Connection, ids: Sequence[str]) -> Iterator[Any]:
    for at in range(0, len(ids), extractions.CHUNK):
        chunk = ids[at : at + extractions.CHUNK]
        where = provenance.c.document_id.in_(chunk)
        yield from connection.execute(
            select(provenance).where(where).order_by(provenance.c.id)
        ).mappings()


def _from_row(row: Any, source: Provenance) -> Document:
    return Document(
        id=row["id"],
        body=row["body"],
        title=row["title"],
        outlet=row["outlet"],
        url=row["url"],
        path=row["path"],
        published=DateInfo(row["published"], row["published_source"], row["published_unsure"]),
        updated=DateInfo(row["updated"], row["updated_source"]),
        author=row["author"],
        section=row["section"],
        partial=row["partial"],
        duplicate_of=row["duplicate_of"],
        provenance=source,
    )
