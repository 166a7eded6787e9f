"""Alembic environment: the URL comes from Settings (or ``-x url=...``), batch mode on for SQLite."""

from alembic import context

from app.config import get_settings
from app.db import lock_writers, make_engine, metadata
from app.domain import models  # noqa: F401  (registers the tables on the metadata)

config = context.config


def _url() -> str:
    return context.get_x_argument(as_dictionary=True).get("url") or config.attributes.get(
        "url", get_settings().database_url
    )


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, render_as_batch=True, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            lock_writers(conn)
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
