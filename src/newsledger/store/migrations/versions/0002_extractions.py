"""What the extract stage found: entities, times, places, claims and quantities.

Revision ID: 0002
Revises: 0001

The tables are created from their definitions in ``schema.py`` as of this revision; any later
change to them gets explicit operations in a revision of its own.
"""

from __future__ import annotations

from alembic import op

from newsledger.store import schema

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("entities", "times", "places", "claims", "quantities")


def upgrade() -> None:
    schema.create_tables(op.get_bind(), TABLES)


def downgrade() -> None:
    schema.drop_tables(op.get_bind(), TABLES)
