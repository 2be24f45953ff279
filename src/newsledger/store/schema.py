"""The store's tables (SQLAlchemy Core), shared by the code and the Alembic migrations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),
    Column("url", Text),
    Column("path", Text),
    Column("title", Text),
    Column("outlet", Text),
    Column("published", String(32)),
    Column("published_source", String(16), nullable=False),
    Column("published_unsure", Boolean, nullable=False),
    Column("updated", String(32)),
    Column("updated_source", String(16), nullable=False),
    Column("author", Text),
    Column("section", Text),
    Column("partial", Boolean, nullable=False),
    Column("duplicate_of", String(64), ForeignKey("documents.id"), index=True),
    Column("body", Text, nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Column("shingles", Integer, nullable=False),
    Column("ingested_at", String(32), nullable=False),
)

provenance = Table(
    "provenance",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False),
    Column("input", Text, nullable=False),
    Column("record", Integer, nullable=False),
    Column("raw_sha256", String(64), nullable=False),
    Column("format", String(16), nullable=False),
    Column("encoding", String(32)),
    Column("ingested_at", String(32), nullable=False),
    UniqueConstraint("document_id", "input", "record", name="uq_provenance_input"),
)

Index("ix_provenance_document", provenance.c.document_id)
Index("ix_documents_published", documents.c.published)

# --- What the extract stage found: one row per item, offsets into documents.body -------------


def _span_columns(prefix: str = "") -> list[Column[Any]]:
    return [
        Column(f"{prefix}start_char", Integer, nullable=False),
        Column(f"{prefix}end_char", Integer, nullable=False),
        Column(f"{prefix}text", Text, nullable=False),
    ]


def _owned(name: str, *columns: Column[Any]) -> Table:
    """A table of items of one document, deleted with it."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "document_id",
            String(64),
            ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        *_span_columns(),
        *columns,
    )


entities = _owned(
    "entities",
    Column("label", String(16), nullable=False),
    Column("canonical", Text, nullable=False),
    Column("role", Text),
    Column("country", Text),
)

times = _owned(
    "times",
    # a clock range ("between 8am and 6pm") is 33 characters: 2025-03-13T08:00/2025-03-13T18:00
    Column("date", String(64)),
    Column("granularity", String(16)),
)

places = _owned(
    "places",
    Column("name", Text),
    Column("country_code", String(8)),
    Column("lat", Float),
    Column("lon", Float),
)

claims = _owned(
    "claims",
    Column("source_kind", String(16)),
    Column("source_canonical", Text),
    Column("source_start", Integer),
    Column("source_end", Integer),
    Column("source_text", Text),
    Column("cue_start", Integer),
    Column("cue_end", Integer),
    Column("cue_text", Text),
    Column("content_start", Integer, nullable=False),
    Column("content_end", Integer, nullable=False),
    Column("content_text", Text, nullable=False),
    Column("certainty", String(16), nullable=False),
    Column("medium_canonical", Text),
    Column("medium_start", Integer),
    Column("medium_end", Integer),
    Column("medium_text", Text),
)

quantities = _owned(
    "quantities",
    Column("claim_id", Integer, ForeignKey("claims.id", ondelete="CASCADE"), index=True),
    Column("value", Float),
    Column("low", Float),
    Column("high", Float),
    Column("approximate", Boolean, nullable=False),
    Column("vague", Boolean, nullable=False),
    Column("unit", Text),
    Column("counted", Text),
    Column("per", Text),
)

# --- What the reconcile stage keeps between runs ----------------------------------------------

#: The story each document belongs to (kept in step with the story index's merges).
story_members = Table(
    "story_members",
    metadata,
    Column(
        "document_id",
        String(64),
        ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("story_id", String(64), nullable=False, index=True),
)

#: The incremental indexes' state (plain JSON), so a later run resumes where this one stopped.
reconcile_state = Table(
    "reconcile_state",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("data", Text, nullable=False),
    Column("documents", Integer, nullable=False),
    Column("saved_at", String(32), nullable=False),
)


#: Briefings as generated (JSON), so the next briefing can say what changed since.
briefings = Table(
    "briefings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("generated", String(32), nullable=False),
    Column("data", Text, nullable=False),
    #: The change log's last entry this briefing reported; the next one starts after it.
    Column("last_change", Integer),
)


#: Every change the ledger found, in the order found: what ``watch`` and ``changes`` report and
#: what a briefing's "what changed" reads. Written with the reconcile state they came from, in
#: one transaction, so a crash neither loses a change nor records one twice.
changes = Table(
    "changes",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("recorded", String(32), nullable=False),
    Column(
        "document_id",
        String(64),
        ForeignKey("documents.id", ondelete="CASCADE"),
        index=True,
    ),
    #: The publication date of the document that brought the change (``--since`` compares it).
    Column("published", String(32), index=True),
    Column("kind", String(16), nullable=False),
    Column("story", String(64), nullable=False, index=True),
    Column("fact", String(64)),
    Column("data", Text, nullable=False),
)


def create_tables(bind: Any, names: tuple[str, ...]) -> None:
    """Create tables from their definitions here; for a migration that introduces them."""
    for name in names:
        metadata.tables[name].create(bind)


def drop_tables(bind: Any, names: tuple[str, ...]) -> None:
    for name in reversed(names):
        metadata.tables[name].drop(bind)
