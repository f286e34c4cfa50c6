"""Whether the service can do its work: what `/readyz` and the start-up check say.

Liveness (`/healthz`) needs nothing: the process answers. Readiness asks, each
within a bound: can a write start now (not locked, not read-only), is there room
on the disk of the database, is the database at the migrations this code expects.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.services import Services
from storage import migrate
from storage.database import cause_of, probe_write

MIB = 1024 * 1024


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)
    """Each check and "ok", or what is wrong in a few words."""

    @property
    def ready(self) -> bool:
        return all(value == "ok" for value in self.checks.values())


def readiness(services: Services) -> Readiness:
    settings = services.settings
    problem = probe_write(services.engine)
    folder = database_folder(settings.database_url)
    if problem is not None and folder is not None and _read_only(settings.database_url):
        problem = "read-only"  # SQLite says "unable to open" when it cannot write its journal
    checks = {"database": problem or "ok"}
    if folder is not None:
        free = shutil.disk_usage(folder).free // MIB
        least = settings.min_free_disk_mb
        checks["disk"] = "ok" if free >= least else f"{free} MiB free, less than {least}"
    try:
        at, expected = migrate.current(services.engine), migrate.head()
        checks["migrations"] = "ok" if at == expected else f"at {at}, expected {expected}"
    except Exception as error:
        checks["migrations"] = cause_of(error)
    return Readiness(checks)


def database_folder(url: str) -> Path | None:
    """The folder of a SQLite database file (None for a server database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database).resolve().parent


def unusable_database(url: str) -> str | None:
    """At start-up: why the database cannot be used, in one sentence, or None."""
    folder = database_folder(url)
    if folder is None:
        return None
    path = Path(str(make_url(url).database)).resolve()
    if not folder.is_dir():
        return f"the folder of the database, {folder}, does not exist: create it, or set FILROUGE_DATABASE_URL"
    if path.exists() and not os_writable(path):
        return f"the database {path} is read-only: give the service's user write access to it"
    if not os_writable(folder):
        return f"the folder {folder} is read-only: SQLite writes its journal there; give the service's user write access"
    return None


def _read_only(url: str) -> bool:
    path = Path(str(make_url(url).database)).resolve()
    return path.exists() and not (os_writable(path) and os_writable(path.parent))


def os_writable(path: Path) -> bool:
    return os.access(path, os.W_OK)
