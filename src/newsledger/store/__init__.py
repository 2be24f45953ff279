"""The store: documents and their provenance in SQLite (default) or PostgreSQL, same code.

One transaction per document, so an ingest killed at any point leaves every document either
fully stored (with its provenance) or absent, and re-running it stores the rest without
duplicates. The schema is versioned with Alembic and upgraded when a store is opened.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import Connection, make_url

from newsledger.config import database_url
from newsledger.model import Briefing, DateInfo, Document, Extraction, Provenance
from newsledger.store import extractions
from newsledger.store.schema import (
    briefings,
    documents,
    provenance,
    reconcile_state,
    story_members,
)

__all__ = ["Store", "StoredSignature"]


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
        with self.engine.begin() as connection:
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
    ) -> None:
        """Store a new document with what was extracted from it, in one transaction.

        Earlier copies' links move onto its origin. A crash leaves the document either whole
        (body, provenance, claims) or absent, never half-written.
        """
        with self.engine.begin() as connection:
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

    def add_provenance(self, doc_id: str, source: Provenance) -> bool:
        """Record another input holding an article already stored; False when already recorded."""
        with self.engine.begin() as connection:
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
            rows = connection.execute(query).mappings().all()
            return [_document(connection, row) for row in rows]

    def documents_by_id(self, ids: list[str]) -> list[Document]:
        """The documents with these ids, in the order given (unknown ids are left out)."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(documents).where(documents.c.id.in_(ids)))
            found = {row["id"]: _document(connection, row) for row in rows.mappings()}
        return [found[i] for i in ids if i in found]

    def get(self, doc_id: str) -> Document | None:
        """A document by its id or an unambiguous prefix of it (as shown by ``documents``)."""
        query = select(documents).where(documents.c.id.startswith(doc_id, autoescape=True)).limit(2)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
            return _document(connection, rows[0]) if len(rows) == 1 else None

    def set_stories(self, members: dict[str, str], merged: dict[str, str] | None = None) -> None:
        """Record each document's story and fold merged stories into the ones that absorbed them.

        One transaction, so membership never shows a half-applied merge.
        """
        with self.engine.begin() as connection:
            for old, new in (merged or {}).items():
                connection.execute(
                    update(story_members)
                    .where(story_members.c.story_id == old)
                    .values(story_id=new)
                )
            for doc_id, story_id in members.items():
                connection.execute(
                    delete(story_members).where(story_members.c.document_id == doc_id)
                )
                connection.execute(
                    insert(story_members).values(document_id=doc_id, story_id=story_id)
                )

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

    def save_state(self, name: str, data: dict[str, Any], documents_seen: int) -> None:
        """Keep an incremental index's state (plain JSON) for the next run."""
        row = {
            "data": json.dumps(data, separators=(",", ":")),
            "documents": documents_seen,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        with self.engine.begin() as connection:
            connection.execute(delete(reconcile_state).where(reconcile_state.c.name == name))
            connection.execute(insert(reconcile_state).values(name=name, **row))

    def load_state(self, name: str) -> dict[str, Any] | None:
        query = select(reconcile_state.c.data).where(reconcile_state.c.name == name)
        with self.engine.connect() as connection:
            found = connection.execute(query).scalar_one_or_none()
        return None if found is None else dict(json.loads(found))

    def save_briefing(self, briefing: Briefing) -> None:
        """Keep what a briefing said, so the next one can say what changed since."""
        data = json.dumps(briefing.to_json(), ensure_ascii=False, separators=(",", ":"))
        with self.engine.begin() as connection:
            connection.execute(insert(briefings).values(generated=briefing.generated, data=data))

    def latest_briefing(self) -> dict[str, Any] | None:
        """The last stored briefing (its JSON), or ``None`` before the first."""
        query = select(briefings.c.data).order_by(briefings.c.id.desc()).limit(1)
        with self.engine.connect() as connection:
            found = connection.execute(query).scalar_one_or_none()
        return None if found is None else dict(json.loads(found))

    def extraction(self, doc_id: str) -> Extraction | None:
        """A stored document with its entities, times, places and claims."""
        document = self.get(doc_id)
        if document is None:
            return None
        with self.engine.connect() as connection:
            return extractions.load(connection, document)


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
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def _upgrade(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(resources.files(__package__) / "migrations"))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


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
    first = (
        connection.execute(
            select(provenance)
            .where(provenance.c.document_id == row["id"])
            .order_by(provenance.c.id)
        )
        .mappings()
        .first()
    )
    source = Provenance(input="")
    if first is not None:
        source = Provenance(
            input=first["input"],
            record=None if first["record"] < 0 else first["record"],
            raw_sha256=first["raw_sha256"],
            format=first["format"],
            encoding=first["encoding"],
            ingested_at=first["ingested_at"],
        )
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
