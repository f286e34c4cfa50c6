"""Alembic environment: migrations run online against ``sqlalchemy.url``."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.database import make_engine
from storage.migrate import compare_type
from storage.sealed import SealedJSON, SealedText
from storage.utc import UTCDateTime


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our column types as plain SQLAlchemy ones in migration files.

    Migrations describe the database, so they must not depend on Python
    helpers that may change later.
    """
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, SealedText | SealedJSON):
        return "sa.Text()"  # sealing is the service's business; the database sees text
    return False


def configure(connection: Connection) -> None:
    """Configure the migration context for one connection."""
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
        compare_type=compare_type,
    )


def run_migrations() -> None:
    """Run the migrations on the given connection, or on a new engine."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no sqlalchemy.url: use storage.migrate.upgrade(url)")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (--sql) migrations are not supported")
run_migrations()
