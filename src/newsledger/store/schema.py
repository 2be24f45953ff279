"""The store's tables (SQLAlchemy Core), shared by the code and the Alembic migrations."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
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
