"""Run Alembic migrations programmatically; no alembic.ini needed.

``python -m storage.migrate upgrade URL`` applies every migration;
``python -m storage.migrate revision URL "message"`` autogenerates a new one
(review it before committing) against a database migrated to head.
"""

from __future__ import annotations

import sys
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import JSON, Engine, String

from storage.sealed import SealedJSON, SealedText

# A package resource path keeps working when Fil rouge is installed as a wheel.
SCRIPT_LOCATION = "storage:migrations"


def alembic_config(url: str) -> Config:
    """Build the Alembic configuration for the database at ``url``."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    # Percent signs in passwords would be read as interpolation by configparser.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def compare_type(
    context: Any, _inspected: Any, _metadata: Any, inspected_type: Any, metadata_type: Any
) -> bool | None:
    """Alembic's type comparison, but for sealed columns on SQLite: they hold text
    whatever their declared type (JSON, VARCHAR, TEXT), so no table is rebuilt for it.
    None: Alembic compares as usual."""
    sealed = isinstance(metadata_type, SealedText | SealedJSON)
    if sealed and context.dialect.name == "sqlite":
        return not isinstance(inspected_type, String | JSON)
    return None


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (the latest by default)."""
    command.upgrade(alembic_config(url), revision)


def head() -> str | None:
    """The latest migration shipped with the code."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def known(revision: str) -> bool:
    """Whether `revision` is one of the migrations shipped with the code."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return (
            ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(revision)
            is not None
        )
    except CommandError:
        return False


def current(engine: Engine) -> str | None:
    """The migration the database is at (None: not migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def revision(url: str, message: str) -> None:
    """Autogenerate a migration from the difference between models and ``url``."""
    command.revision(alembic_config(url), message=message, autogenerate=True)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``upgrade URL`` or ``revision URL MESSAGE``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2 and args[0] == "upgrade":
        upgrade(args[1])
        return 0
    if len(args) == 3 and args[0] == "revision":
        revision(args[1], args[2])
        return 0
    sys.stderr.write("usage: python -m storage.migrate upgrade URL\n")
    sys.stderr.write("       python -m storage.migrate revision URL MESSAGE\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
