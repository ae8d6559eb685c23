"""emergency: units and calls

Revision ID: emergency_0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hostcity.core.db import UTCDateTime

revision: str = "emergency_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("emergency",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "emergency_units",
        sa.Column("id", sa.String(50), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("station_edge", sa.String(200), nullable=False),
        sa.Column("station_pos_m", sa.Float(), nullable=False),
        sa.Column("station_x_m", sa.Float(), nullable=False),
        sa.Column("station_y_m", sa.Float(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_emergency_units"),
    )
    op.create_index("ix_emergency_units_status", "emergency_units", ["status"])
    op.create_table(
        "emergency_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("unit_id", sa.String(50), nullable=False),
        sa.Column("edge_id", sa.String(200), nullable=False),
        sa.Column("pos_m", sa.Float(), nullable=False),
        sa.Column("x_m", sa.Float(), nullable=False),
        sa.Column("y_m", sa.Float(), nullable=False),
        sa.Column("eta_s", sa.Float(), nullable=False),
        sa.Column("route", sa.JSON(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("dispatched_sim_s", sa.Float(), nullable=True),
        sa.Column("arrived_sim_s", sa.Float(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("arrived_at", UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_emergency_calls"),
    )
    op.create_index("ix_emergency_calls_status", "emergency_calls", ["status"])
    op.create_index("ix_emergency_calls_unit_id", "emergency_calls", ["unit_id"])


def downgrade() -> None:
    op.drop_table("emergency_calls")
    op.drop_table("emergency_units")
