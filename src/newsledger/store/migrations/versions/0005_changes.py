"""The change log: what each new document changed in its story, for ``watch`` and ``changes``.

Revision ID: 0005
Revises: 0004

The ``changes`` table is created from ``schema.py`` as in 0002; briefings gain ``last_change``,
how far into the log each one reported.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from newsledger.store import schema

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("changes",)


def upgrade() -> None:
    schema.create_tables(op.get_bind(), TABLES)
    op.add_column("briefings", sa.Column("last_change", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("briefings") as batch:
        batch.drop_column("last_change")
    schema.drop_tables(op.get_bind(), TABLES)
