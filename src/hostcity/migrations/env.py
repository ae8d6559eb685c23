"""Alembic environment: runs migrations on the engine HostCity hands in."""

from __future__ import annotations

from alembic import context

from hostcity.core.db import create_db_engine, load_all_tables

config = context.config
target_metadata = load_all_tables()


def run() -> None:
    """Run migrations online on the connection given in attributes, or on the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_db_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
