"""events: competitions, venues, events, sessions, athletes, entries, follows, seen

Revision ID: events_0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hostcity.core.db import UTCDateTime

revision: str = "events_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("events",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "events_competitions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events_competitions"),
    )
    op.create_table(
        "events_venues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.String(64), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_events_venues"),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["events_competitions.id"],
            name="fk_events_venues_competition_id_events_competitions",
        ),
        sa.UniqueConstraint("competition_id", "code", name="uq_events_venues_competition_id"),
    )
    op.create_table(
        "events_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.String(64), nullable=False),
        sa.Column("discipline", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events_events"),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["events_competitions.id"],
            name="fk_events_events_competition_id_events_competitions",
        ),
        sa.UniqueConstraint(
            "competition_id", "discipline", "name", name="uq_events_events_competition_id"
        ),
    )
    op.create_table(
        "events_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.String(64), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(300), nullable=False),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("medal", sa.Boolean(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events_sessions"),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["events_competitions.id"],
            name="fk_events_sessions_competition_id_events_competitions",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events_events.id"], name="fk_events_sessions_event_id_events_events"
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["events_venues.id"], name="fk_events_sessions_venue_id_events_venues"
        ),
        sa.UniqueConstraint("competition_id", "code", name="uq_events_sessions_competition_id"),
    )
    op.create_index("ix_events_sessions_event_id", "events_sessions", ["event_id"])
    op.create_table(
        "events_athletes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.String(64), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_folded", sa.String(200), nullable=False),
        sa.Column("noc", sa.String(8), nullable=False),
        sa.Column("gender", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events_athletes"),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["events_competitions.id"],
            name="fk_events_athletes_competition_id_events_competitions",
        ),
        sa.UniqueConstraint("competition_id", "code", name="uq_events_athletes_competition_id"),
    )
    op.create_index("ix_events_athletes_name_folded", "events_athletes", ["name_folded"])
    op.create_index("ix_events_athletes_noc", "events_athletes", ["noc"])
    op.create_table(
        "events_entries",
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("athlete_id", "event_id", name="pk_events_entries"),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["events_athletes.id"],
            name="fk_events_entries_athlete_id_events_athletes",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events_events.id"],
            name="fk_events_entries_event_id_events_events",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_events_entries_event_id", "events_entries", ["event_id"])
    op.create_table(
        "events_follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events_follows"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_events_follows_user_id_users", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("user_id", "kind", "target", name="uq_events_follows_user_id"),
    )
    op.create_table(
        "events_seen",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=True),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("venue_name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "session_id", name="pk_events_seen"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_events_seen_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["events_sessions.id"],
            name="fk_events_seen_session_id_events_sessions",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    for table in (
        "events_seen",
        "events_follows",
        "events_entries",
        "events_athletes",
        "events_sessions",
        "events_events",
        "events_venues",
        "events_competitions",
    ):
        op.drop_table(table)
