"""The composition root's product: everything a request or a worker needs, built once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from bot.clock import Clock, SystemClock
from bot.directories import Directories
from bot.i18n import Catalogs
from bot.locks import PersonLocks
from bot.passwords import Hasher
from bot.settings import Settings
from dialogs import lint, loader
from dialogs.flowset import FlowSet
from dialogs.loader import FlowLoadError
from storage.database import is_sqlite, make_engine


@dataclass
class Services:
    settings: Settings
    engine: Engine
    flows: FlowSet
    catalogs: Catalogs
    hasher: Hasher
    clock: Clock
    locks: PersonLocks
    directories: Directories

    def close(self) -> None:
        """Close the database connections (at shutdown, and after each test)."""
        self.engine.dispose()


def load_flows(catalogs: Catalogs | None = None) -> FlowSet:
    """The shipped flows, checked; raises FlowLoadError listing every problem.
    With `catalogs`, a button's label typed in the person's language answers too."""
    labels = None
    if catalogs is not None:
        labels = {
            language: {m: text for m, text in translator.messages.items() if isinstance(text, str)}
            for language, translator in catalogs.translators.items()
        }
    flows, errors = loader.load(labels=labels)
    errors += lint.check(flows)
    if errors:
        raise FlowLoadError(errors)
    return flows


def build(settings: Settings, clock: Clock | None = None) -> Services:
    """Make the engine, load flows and catalogs: the service's start-up work."""
    engine = make_engine(
        settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms
    )
    catalogs = Catalogs.load(settings.locales_dir, settings.timezone)
    return Services(
        settings=settings,
        engine=engine,
        flows=load_flows(catalogs),
        catalogs=catalogs,
        hasher=Hasher(settings),
        clock=clock or SystemClock(),
        locks=PersonLocks(single_writer=is_sqlite(engine)),
        directories=Directories(settings.services_dir),
    )
