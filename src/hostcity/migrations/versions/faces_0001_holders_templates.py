"""faces: holders, encrypted templates, tickets, gate audit, erasures

Revision ID: faces_0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hostcity.core.db import UTCDateTime

revision: str = "faces_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("faces",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "face_holders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("consent_version", sa.String(50), nullable=False),
        sa.Column("consented_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_face_holders"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_face_holders_user_id_users", ondelete="SET NULL"
        ),
    )
    op.create_index("ix_face_holders_user_id", "face_holders", ["user_id"])
    op.create_table(
        "face_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(50), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("sealed_photo", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_face_templates"),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["face_holders.id"],
            name="fk_face_templates_holder_id_face_holders",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_face_templates_holder_id", "face_templates", ["holder_id"])
    op.create_table(
        "face_tickets",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("venue_id", sa.String(100), nullable=False),
        sa.Column("session_id", sa.String(100), nullable=True),
        sa.Column("valid_from", UTCDateTime(), nullable=True),
        sa.Column("valid_to", UTCDateTime(), nullable=True),
        sa.Column("holder_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_face_tickets"),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["face_holders.id"],
            name="fk_face_tickets_holder_id_face_holders",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_face_tickets_venue_id", "face_tickets", ["venue_id"])
    op.create_index("ix_face_tickets_holder_id", "face_tickets", ["holder_id"])
    op.create_table(
        "face_gate_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("gate_id", sa.String(100), nullable=False),
        sa.Column("venue_id", sa.String(100), nullable=False),
        sa.Column("device_user_id", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("holder_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("elapsed_ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_face_gate_audit"),
    )
    op.create_index("ix_face_gate_audit_at", "face_gate_audit", ["at"])
    op.create_index("ix_face_gate_audit_venue_id", "face_gate_audit", ["venue_id"])
    op.create_table(
        "face_erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("by_role", sa.String(20), nullable=False),
        sa.Column("templates_removed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_face_erasures"),
    )


def downgrade() -> None:
    op.drop_table("face_erasures")
    op.drop_table("face_gate_audit")
    op.drop_table("face_tickets")
    op.drop_table("face_templates")
    op.drop_table("face_holders")
