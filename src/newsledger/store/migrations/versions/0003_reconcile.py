"""What the reconcile stage keeps: story membership and the incremental indexes' state.

Revision ID: 0003
Revises: 0002

Created from the definitions in ``schema.py`` as of this revision, as in 0002.
"""

from __future__ import annotations

from alembic import op

from newsledger.store import schema

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("story_members", "reconcile_state")


def upgrade() -> None:
    schema.create_tables(op.get_bind(), TABLES)


def downgrade() -> None:
    schema.drop_tables(op.get_bind(), TABLES)
