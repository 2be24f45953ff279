"""Briefing snapshots: what each briefing said, for "what changed since".

Revision ID: 0004
Revises: 0003

Created from the definitions in ``schema.py`` as of this revision, as in 0002.
"""

from __future__ import annotations

from alembic import op

from newsledger.store import schema

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("briefings",)


def upgrade() -> None:
    schema.create_tables(op.get_bind(), TABLES)


def downgrade() -> None:
    schema.drop_tables(op.get_bind(), TABLES)
