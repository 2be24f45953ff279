"""Documents and their provenance.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False, unique=True),
        sa.Column("url", sa.Text),
        sa.Column("path", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("published", sa.String(32)),
        sa.Column("published_source", sa.String(16), nullable=False),
        sa.Column("published_unsure", sa.Boolean, nullable=False),
        sa.Column("updated", sa.String(32)),
        sa.Column("updated_source", sa.String(16), nullable=False),
        sa.Column("author", sa.Text),
        sa.Column("section", sa.Text),
        sa.Column("partial", sa.Boolean, nullable=False),
        sa.Column("duplicate_of", sa.String(64), sa.ForeignKey("documents.id")),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("signature", sa.LargeBinary, nullable=False),
        sa.Column("shingles", sa.Integer, nullable=False),
        sa.Column("ingested_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_documents_duplicate_of", "documents", ["duplicate_of"])
    op.create_index("ix_documents_published", "documents", ["published"])
    op.create_table(
        "provenance",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.String(64), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("input", sa.Text, nullable=False),
        sa.Column("record", sa.Integer, nullable=False),
        sa.Column("raw_sha256", sa.String(64), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("encoding", sa.String(32)),
        sa.Column("ingested_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("document_id", "input", "record", name="uq_provenance_input"),
    )
    op.create_index("ix_provenance_document", "provenance", ["document_id"])


def downgrade() -> None:
    op.drop_table("provenance")
    op.drop_table("documents")
