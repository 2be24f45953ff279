"""The document a claim's source spoke in (``Claim.medium``): "In a statement, the RCMP said…".

Revision ID: 0007
Revises: 0006

Four nullable columns on ``claims``; a store of 0006 keeps its claims, each with no medium. A
store created now has them already: 0002 makes ``claims`` from ``schema.py``, as it stands.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("medium_canonical", sa.Text),
    ("medium_start", sa.Integer),
    ("medium_end", sa.Integer),
    ("medium_text", sa.Text),
)


def upgrade() -> None:
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("claims")}
    missing = [(name, kind) for name, kind in _COLUMNS if name not in present]
    if missing:
        with op.batch_alter_table("claims") as batch:
            for name, kind in missing:
                batch.add_column(sa.Column(name, kind()))


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
