"""The composition root's product: everything a request or a worker needs, built once,
and the unit of work every write goes through."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine

from bot.clock import Clock, SystemClock
from bot.delivery import Deliveries
from bot.directories import Directories
from bot.i18n import Catalogs
from bot.keys import Keys, data_keyring, load_keys
from bot.locks import WriterLock
from bot.metrics import Metrics
from bot.passwords import Hasher
from bot.settings import Settings
from bot.tx import Tx
from dialogs import lint, loader
from dialogs.flowset import FlowSet
from dialogs.loader import FlowLoadError
from storage.database import is_sqlite, make_engine, read_session, write_transaction
from storage.errors import StorageError
from storage.outbox import count_to_send


@dataclass
class Services:
    settings: Settings
    engine: Engine
    flows: FlowSet
    catalogs: Catalogs
    hasher: Hasher
    clock: Clock
    directories: Directories
    keys: Keys
    deliveries: Deliveries = field(default_factory=Deliveries)
    writer: WriterLock = field(default_factory=lambda: WriterLock(single_writer=True))
    metrics: Metrics = field(default_factory=Metrics)

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """A write transaction: committed when the block ends, rolled back if it raises.

        A busy or unreachable database raises `storage.errors.DatabaseUnavailable`
        and nothing is written.
        """
        with self.writer.held(), write_transaction(self.engine) as session:
            yield Tx(session, self.clock.now())

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only transaction (rolled back at the end)."""
        with read_session(self.engine) as session:
            yield Tx(session, self.clock.now())

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


def open_engine(settings: Settings, keys: Keys | None = None) -> Engine:
    """The engine of the install's database, sealing with its data keys: what the
    service, its commands and anything that reads what it wrote go through."""
    keyring = data_keyring(settings, keys or load_keys(settings))
    return make_engine(
        settings.database_url,
        keyring=keyring,
        sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
    )


def build(settings: Settings, clock: Clock | None = None) -> Services:
    """Make the engine, load flows and catalogs: the service's start-up work.

    No channel is registered here: the composition root (`bot.app.compose`) adds
    the deliveries of the channels it runs.
    """
    keys = load_keys(settings)
    engine = open_engine(settings, keys)
    catalogs = Catalogs.load(settings.locales_dir, settings.timezone)
    services = Services(
        settings=settings,
        engine=engine,
        flows=load_flows(catalogs),
        catalogs=catalogs,
        hasher=Hasher(settings, keys),
        keys=keys,
        clock=clock or SystemClock(),
        directories=Directories(settings.services_dir),
        writer=WriterLock(single_writer=is_sqlite(engine)),
    )
    services.metrics.watch(
        "filrouge_outbox_to_send", "Messages written and not sent yet", lambda: _to_send(services)
    )
    return services


def _to_send(services: Services) -> float | None:
    try:
        with services.read() as tx:
            return count_to_send(tx.session)
    except StorageError:
        return None  # the scrape goes on without it; /readyz says why
