"""Alembic migrations; one branch per pillar, all depending on the core branch."""
