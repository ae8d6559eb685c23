"""twin: observations keep the signal fields greenTime and occupiedNow

Revision ID: twin_0002
Revises: twin_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "twin_0002"
down_revision: str | Sequence[str] | None = "twin_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: rows stored before, and sensors that do not know the signals, have neither.
    with op.batch_alter_table("twin_observations") as batch:
        batch.add_column(sa.Column("green_s", sa.Float(), nullable=True))
        batch.add_column(sa.Column("occupied_now", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("twin_observations") as batch:
        batch.drop_column("occupied_now")
        batch.drop_column("green_s")
