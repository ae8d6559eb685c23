"""twin: traffic-flow observations

Revision ID: twin_0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hostcity.core.db import UTCDateTime

revision: str = "twin_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("twin",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "twin_observations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("detector_id", sa.String(200), nullable=False),
        sa.Column("observed_from", UTCDateTime(), nullable=False),
        sa.Column("observed_to", UTCDateTime(), nullable=False),
        sa.Column("intensity_veh", sa.Float(), nullable=True),
        sa.Column("flow_veh_per_h", sa.Float(), nullable=True),
        sa.Column("occupancy", sa.Float(), nullable=True),
        sa.Column("speed_mps", sa.Float(), nullable=True),
        sa.Column("lane_id", sa.Integer(), nullable=True),
        sa.Column("road_segment", sa.String(200), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_twin_observations"),
    )
    op.create_index(
        "ix_twin_observations_detector_to", "twin_observations", ["detector_id", "observed_to"]
    )
    op.create_index("ix_twin_observations_observed_to", "twin_observations", ["observed_to"])


def downgrade() -> None:
    op.drop_table("twin_observations")
