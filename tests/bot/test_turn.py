"""The turn: one event in, state and transcript saved together, answers out."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event
from sqlmodel import select

import dialogs.engine as engine_module
from bot.app import create_app
from bot.services import Services
from bot.turn import Inbound, TurnResult, run_turn
from dialogs.events import Pressed, Said, System
from storage.conversation import load_state
from storage.database import read_session
from storage.enums import Channel, Direction
from storage.models import AuditEvent
from storage.persons import attach_identity, find_identity
from storage.transcript import StoredEntry, recent_transcript
from tests.conftest import ServicesFactory
from tests.kiosk.visitor import Kiosk
from tests.services import demo_services


@pytest.fixture
def services(db_url: str) -> Iterator[Services]:
    services, _clock = demo_services(db_url)
    yield services
    services.close()


def person_id(services: Services, code: str = "DEMO01") -> int:
    with read_session(services.engine) as session:
        identity = find_identity(session, Channel.KIOSK, code)
        assert identity is not None
        return identity.person_id


def turn(services: Services, event: Any, inbound_id: str | None = None) -> TurnResult:
    return run_turn(services, Inbound(person_id(services), Channel.KIOSK, event, inbound_id))


def transcript(services: Services) -> list[StoredEntry]:
    with read_session(services.engine) as session:
        return recent_transcript(session, person_id(services), limit=1000)


def test_first_turn_greets_the_person_and_records_both_directions(services: Services) -> None:
    result = turn(services, System("start"), "login:1")

    entries = transcript(services)
    assert [e.direction for e in entries] == [Direction.IN] + [Direction.OUT] * len(result.outputs)
    assert "Bonjour Démo" in entries[1].text
    assert entries[-1].flow_id == "home"


def test_a_replayed_inbound_id_is_answered_once(services: Services) -> None:
    first = turn(services, System("start"), "login:1")
    press = Pressed(first.state.seq, "sante")

    answered = turn(services, press, "m-1")
    replayed = turn(services, press, "m-1")

    assert answered.outputs
    assert not answered.duplicate
    assert replayed.duplicate
    assert replayed.outputs == []
    assert sum(1 for e in transcript(services) if e.inbound_id == "m-1") == 1


def test_a_crash_inside_the_turn_saves_nothing_and_the_retry_works(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = turn(services, System("start"), "login:1")
    before = len(transcript(services))

    def disk_full(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("bot.turn.append_transcript", disk_full)
    with pytest.raises(OSError, match="disk full"):
        turn(services, Pressed(start.state.seq, "sante"), "m-1")
    monkeypatch.undo()

    assert len(transcript(services)) == before
    with read_session(services.engine) as session:
        _data, version = load_state(session, person_id(services))
    assert version == 1  # the state saved by the first turn only
    retried = turn(services, Pressed(start.state.seq, "sante"), "m-1")
    assert not retried.duplicate
    assert retried.outputs


def test_asking_for_help_tells_the_counsellors(services: Services) -> None:
    turn(services, System("start"), "login:1")
    turn(services, Said("aide"), "m-1")

    with read_session(services.engine) as session:
        events = session.exec(select(AuditEvent)).all()
    assert [e.action for e in events] == ["counsellor_requested"]


def test_twenty_simultaneous_posts_give_one_consistent_transcript(services: Services) -> None:
    start = turn(services, System("start"), "login:1")
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def press(index: int) -> None:
        try:
            barrier.wait()
            turn(services, Said("blablabla"), f"m-{index}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=press, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    entries = transcript(services)[len(start.outputs) + 1 :]
    inbound = [e for e in entries if e.direction == Direction.IN]
    assert len(inbound) == 20
    # Each inbound is followed by its own answers, before the next inbound: no interleaving.
    groups: list[list[StoredEntry]] = []
    for entry in entries:
        if entry.direction == Direction.IN:
            groups.append([])
        else:
            groups[-1].append(entry)
    for answers in groups:
        assert answers[0].text.startswith("Je n'ai pas compris")
        assert answers[-1].payload["output"] == "choices"
    final = turn(services, System("resume"), "resume-1").state
    assert final.misses == 20
    assert final.seq == start.state.seq


def test_two_processes_serialise_turns_of_one_person(db_url: str) -> None:
    """Two service instances (own pools, own in-process locks) share the database lock."""
    first, _clock = demo_services(db_url)
    second, _clock2 = demo_services(db_url)
    start = turn(first, System("start"), "login:1")
    barrier = threading.Barrier(2)

    def press(services: Services, index: int) -> None:
        barrier.wait()
        for n in range(5):
            turn(services, Said("???"), f"p{index}-{n}")

    threads = [threading.Thread(target=press, args=(s, i)) for i, s in enumerate([first, second])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    final = turn(first, System("resume"), "resume-1").state
    first.close()
    second.close()
    assert final.misses == 10
    assert final.seq == start.state.seq


class Counted:
    """Write transactions begun on an engine, and runs of the engine's `step`."""

    def __init__(self, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
        self.writes = 0
        self.steps = 0
        original = engine_module.step

        def counted_step(*args: Any, **kwargs: Any) -> Any:
            self.steps += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(engine_module, "step", counted_step)
        event.listen(services.engine, "begin", self._begun)
        self._engine = services.engine

    def _begun(self, connection: Connection) -> None:
        if connection.dialect.name != "sqlite":
            self.writes += 1  # PostgreSQL: counted by the test on SQLite
        elif connection.get_execution_options().get("filrouge_sqlite_begin") == "IMMEDIATE":
            self.writes += 1

    def reset(self) -> None:
        self.writes = self.steps = 0

    def close(self) -> None:
        event.remove(self._engine, "begin", self._begun)


def test_a_tap_at_the_kiosk_is_one_write_transaction_and_one_engine_run(
    make_services: ServicesFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = make_services()  # SQLite, as the kiosk's HTTP specifications
    counted = Counted(services, monkeypatch)
    with TestClient(create_app(services=services), base_url="http://kiosk.test") as client:
        kiosk = Kiosk(client)
        kiosk.login()
        page = kiosk.chat()
        counted.reset()
        kiosk.press("sante", page)
        assert (counted.writes, counted.steps) == (1, 1)
        counted.reset()
        kiosk.chat()  # the page after the turn: read, nothing written, no engine run
        assert (counted.writes, counted.steps) == (0, 0)
        counted.reset()
        kiosk.say("bof")
        assert (counted.writes, counted.steps) == (1, 1)
    counted.close()


def test_a_telegram_update_is_one_unit_of_work_with_one_engine_run(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.telegram.units import From, Units

    units = Units(services)
    with services.write() as tx:
        attach_identity(tx.session, person_id(services), Channel.TELEGRAM, "5001")
    who = From(5001, 5001, "fr")
    counted = Counted(services, monkeypatch)
    queued = units.run(1, functools.partial(units.said, who=who, text="menu", update_id=1))
    assert (counted.writes, counted.steps) == (1, 1)
    assert queued, "the answer is queued, to be sent after the commit"
    counted.reset()
    replayed = units.run(1, functools.partial(units.said, who=who, text="menu", update_id=1))
    assert replayed == []
    assert (counted.writes, counted.steps) == (1, 0)  # the claim refused it: no engine run
    counted.close()
