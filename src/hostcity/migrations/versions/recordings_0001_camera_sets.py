"""recordings: camera sets and cameras

Revision ID: recordings_0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hostcity.core.db import UTCDateTime

revision: str = "recordings_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("recordings",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "replay_camera_sets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("media_dir", sa.Text(), nullable=False),
        sa.Column("sync_method", sa.String(20), nullable=False),
        sa.Column("action_track", sa.JSON(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_replay_camera_sets"),
        sa.UniqueConstraint("name", name="uq_replay_camera_sets_name"),
    )
    op.create_table(
        "replay_cameras",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("original_path", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("angle_deg", sa.Float(), nullable=True),
        sa.Column("offset_s", sa.Float(), nullable=False),
        sa.Column("sync_method", sa.String(20), nullable=False),
        sa.Column("sync_confidence", sa.Float(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("fps_num", sa.Integer(), nullable=False),
        sa.Column("fps_den", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("video_codec", sa.String(50), nullable=False),
        sa.Column("has_audio", sa.Boolean(), nullable=False),
        sa.Column("thumbs_path", sa.Text(), nullable=True),
        sa.Column("thumb_interval_s", sa.Float(), nullable=True),
        sa.Column("thumb_count", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_replay_cameras"),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["replay_camera_sets.id"],
            name="fk_replay_cameras_set_id_replay_camera_sets",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("set_id", "name", name="uq_replay_cameras_set_id_name"),
    )
    op.create_index("ix_replay_cameras_set_id", "replay_cameras", ["set_id"])


def downgrade() -> None:
    op.drop_table("replay_cameras")
    op.drop_table("replay_camera_sets")
