"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.database import make_engine
from storage.migrate import alembic_config, compare_type


def schema_diff(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            opts = {"compare_type": compare_type}
            context = MigrationContext.configure(connection, opts=opts)
            return list(compare_metadata(context, SQLModel.metadata))
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def test_models_and_migrations_agree(db_url: str) -> None:
    assert schema_diff(db_url) == []


def test_a_migrated_database_is_at_the_single_head(db_url: str) -> None:
    heads = ScriptDirectory.from_config(alembic_config(db_url)).get_heads()
    assert len(heads) == 1
    assert current_revision(db_url) == heads[0]


def test_migrations_downgrade_to_nothing_and_upgrade_again(db_url: str) -> None:
    config = alembic_config(db_url)
    command.downgrade(config, "base")
    assert current_revision(db_url) is None
    command.upgrade(config, "head")
    assert schema_diff(db_url) == []
