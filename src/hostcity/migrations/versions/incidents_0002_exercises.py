"""incidents: detector exercises are kept

Revision ID: incidents_0002
Revises: incidents_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hostcity.core.db import UTCDateTime

revision: str = "incidents_0002"
down_revision: str | Sequence[str] | None = "incidents_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incident_exercises",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("detector_id", sa.String(200), nullable=False),
        sa.Column("lane_id", sa.String(200), nullable=False),
        sa.Column("edge_id", sa.String(200), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("requested_s", sa.Float(), nullable=True),
        sa.Column("vehicle", sa.String(200), nullable=True),
        sa.Column("stalled_s", sa.Float(), nullable=True),
        sa.Column("released_s", sa.Float(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("detected_after_s", sa.Float(), nullable=True),
        sa.Column("note", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incident_exercises"),
    )
    op.create_index("ix_incident_exercises_incident_id", "incident_exercises", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_incident_exercises_incident_id", table_name="incident_exercises")
    op.drop_table("incident_exercises")
