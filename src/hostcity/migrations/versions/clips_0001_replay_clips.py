"""clips: rendered replay clips

Revision ID: clips_0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hostcity.core.db import UTCDateTime

revision: str = "clips_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("clips",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "replay_clips",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("set_name", sa.String(200), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_replay_clips"),
    )
    op.create_index("ix_replay_clips_set_name", "replay_clips", ["set_name"])


def downgrade() -> None:
    op.drop_index("ix_replay_clips_set_name", table_name="replay_clips")
    op.drop_table("replay_clips")
