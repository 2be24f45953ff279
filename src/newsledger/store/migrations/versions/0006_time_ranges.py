"""Room for clock ranges in ``times.date``.

Revision ID: 0006
Revises: 0005

"between 8am and 6pm" resolves to ``2025-03-13T08:00/2025-03-13T18:00``, 33 characters, one
more than the column held: PostgreSQL refused the row (SQLite never checks a length).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("times") as batch:
        batch.alter_column("date", type_=sa.String(64), existing_type=sa.String(32))


def downgrade() -> None:
    with op.batch_alter_table("times") as batch:
        batch.alter_column("date", type_=sa.String(32), existing_type=sa.String(64))
