"""egress: live crowd counts per venue area

Revision ID: egress_0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hostcity.core.db import UTCDateTime

revision: str = "egress_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("egress",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "egress_crowd_counts",
        sa.Column("venue_id", sa.String(100), nullable=False),
        sa.Column("area_id", sa.String(100), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("venue_id", "area_id", name="pk_egress_crowd_counts"),
    )


def downgrade() -> None:
    op.drop_table("egress_crowd_counts")
