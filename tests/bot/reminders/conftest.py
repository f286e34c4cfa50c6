"""The scene of the reminder tests: Démo A, services on both backends, a movable clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.reminders.worker import ReminderWorker
from storage.enums import Channel
from storage.persons import find_identity
from tests.bot.reminders.scene import Scene
from tests.services import demo_services


@pytest.fixture
def scene(db_url: str) -> Iterator[Scene]:
    services, clock = demo_services(db_url)
    with services.read() as tx:
        identity = find_identity(tx.session, Channel.KIOSK, "DEMO01")
        assert identity is not None
    yield Scene(services, clock, identity.person_id, ReminderWorker(services, batch=50))
    services.close()
