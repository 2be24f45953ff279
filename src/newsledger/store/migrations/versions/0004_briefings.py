"""Briefing snapshots: what each briefing said, for "what changed since".

Revision ID: 0004
Revises: 0003

The table is spelled out here as it was at this revision (0005 adds a column to it), rather than
created from ``schema.py`` as in 0002.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "briefings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("generated", sa.String(32), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("briefings")
