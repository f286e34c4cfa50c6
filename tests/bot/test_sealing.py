"""Data protected at rest, as a person and an administrator live it: what is typed at the
kiosk reads back on the page and nowhere in the database; `filrouge keys rotate` moves
every row to a new data key; a data key missing at start is said in one sentence."""

from __future__ import annotations

import base64
import html
import os
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.cli import main
from bot.keys import Keys, KeyUnusable, data_keyring, new_key
from bot.services import Services, open_engine
from bot.settings import Settings
from bot.turn import Inbound, run_turn
from dialogs.events import Said
from storage.database import make_engine, read_session, write_transaction
from storage.enums import Channel, Direction
from storage.resealing import census
from storage.transcript import Entry, append_transcript, recent_transcript
from tests.kiosk.visitor import DEMO_PERSON_ID, Kiosk
from tests.services import START, TEST_KEY, demo_services, make_settings

TYPED = "Mon numéro de dossier est 4471-ZX, je dors chez ma sœur"
SECRET_PART = b"4471-ZX"


@pytest.fixture
def services(db_url: str) -> Iterator[Services]:
    built, _clock = demo_services(db_url)
    yield built
    built.close()


def raw_values(url: str) -> list[str]:
    """Every sealed column's values as a copy of the database shows them (no keys)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT text FROM transcript_entry UNION ALL "
                    "SELECT payload FROM transcript_entry UNION ALL "
                    "SELECT data FROM conversation_state UNION ALL "
                    "SELECT payload FROM outbox UNION ALL SELECT entry FROM outbox"
                )
            )
            return [str(value) for (value,) in rows]
    finally:
        engine.dispose()


def test_a_message_typed_at_the_kiosk_is_shown_but_only_ciphertext_is_stored(
    services: Services, db_url: str
) -> None:
    with TestClient(create_app(services=services), base_url="http://kiosk.test") as client:
        kiosk = Kiosk(client)
        assert kiosk.login().status_code == 303
        assert kiosk.say(TYPED).status_code == 303
        assert TYPED in html.unescape(kiosk.chat().text)

    values = raw_values(db_url)
    assert values, "the turn wrote something"
    assert not [v for v in values if "4471-ZX" in v]
    assert all(v.startswith("$s1$k0$") for v in values)
    services.close()  # the last connection checkpoints the journal into the file
    database = make_url(db_url).database
    if make_url(db_url).get_backend_name() == "sqlite" and database:
        files = [
            p for p in Path(database).parent.iterdir() if p.name.startswith(Path(database).name)
        ]
        content = b"".join(p.read_bytes() for p in files)
        assert "Démo".encode() in content  # names stay in clear: the check can see text
        assert SECRET_PART not in content


@dataclass
class Done:
    status: int
    out: str
    err: str


def filrouge(capsys: pytest.CaptureFixture[str], *argv: str) -> Done:
    status = main(list(argv))
    captured = capsys.readouterr()
    return Done(status, captured.out, captured.err)


@pytest.fixture
def install(services: Services, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Services:
    """The demo install, as its commands see it through the environment."""
    monkeypatch.setenv("FILROUGE_DATABASE_URL", db_url)
    monkeypatch.setenv("FILROUGE_SECRET_KEY", TEST_KEY)
    monkeypatch.delenv("FILROUGE_DATA_KEYS", raising=False)
    return services


def said(services: Services, words: str) -> None:
    run_turn(services, Inbound(DEMO_PERSON_ID, Channel.KIOSK, Said(words)))


def counted(settings: Settings) -> dict[str, Counter[str | None]]:
    engine = open_engine(settings)
    try:
        return census(engine)
    finally:
        engine.dispose()


def texts(settings: Settings) -> list[str]:
    engine = open_engine(settings)
    try:
        with read_session(engine) as session:
            entries = recent_transcript(session, DEMO_PERSON_ID, limit=100)
    finally:
        engine.dispose()
    return [e.text for e in entries if e.direction == Direction.IN]


def test_keys_rotate_moves_every_row_to_the_new_key_and_the_old_one_can_go(
    install: Services,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    legacy = make_engine(db_url)  # no keys: a row written before sealing, in clear
    with write_transaction(legacy) as session:
        entry = Entry(DEMO_PERSON_ID, START, Channel.KIOSK, Direction.IN, "avant le scellement")
        append_transcript(session, [entry])
    legacy.dispose()
    for words in ("premier", "deuxième"):
        said(install, words)
    k0 = base64.b64encode(Keys(base64.b64decode(TEST_KEY)).data).decode()
    monkeypatch.setenv("FILROUGE_DATA_KEYS", f"k1:{new_key()},k0:{k0}")

    settings = Settings()
    before = counted(settings)["transcript_entry"]
    assert set(before) == {"k0", None}  # sealed by the service, and the row from before

    first = filrouge(capsys, "keys", "rotate", "--batch", "3")
    second = filrouge(capsys, "keys", "rotate")

    assert first.status == 0, first.err
    k0_rows, clear, total = before["k0"], before[None], before.total()
    assert (
        f"transcript_entry: {k0_rows} resealed ({k0_rows} from k0), {clear} sealed (were in clear)"
        in first.out
    )
    assert "Every sealed value is under the data key k1" in first.out
    assert second.status == 0, second.err
    assert f"transcript_entry: 0 resealed, 0 sealed (were in clear), {total} already current" in (
        second.out
    )
    assert all(set(keys) <= {"k1"} for keys in counted(settings).values())
    monkeypatch.setenv("FILROUGE_DATA_KEYS", settings.data_keys.get_secret_value().split(",")[0])  # type: ignore[union-attr]
    assert texts(Settings()) == ["avant le scellement", "premier", "deuxième"]


def test_a_data_key_missing_at_start_is_said_in_one_sentence(
    install: Services, db_url: str
) -> None:
    said(install, "scellé avec k0")
    env = {
        **os.environ,
        "FILROUGE_DATABASE_URL": db_url,
        "FILROUGE_SECRET_KEY": TEST_KEY,
        "FILROUGE_DATA_KEYS": f"k1:{new_key()}",  # k0 left out before `keys rotate`
    }
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = str(sock.getsockname()[1])

    for command in (["serve", "--port", port], ["worker", "--once"]):
        refused = subprocess.run(
            [sys.executable, "-m", "bot.cli", *command],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

        assert refused.returncode == 1, refused.stdout
        [line] = refused.stderr.strip().splitlines()
        assert line.startswith("filrouge: cannot start: a value of ")
        assert (
            "sealed with the data key 'k0', which is not configured: add it to FILROUGE_DATA_KEYS"
            in line
        )


def test_malformed_data_keys_are_said_in_one_sentence(
    install: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FILROUGE_DATA_KEYS", "k1:pas-une-clé")

    refused = filrouge(capsys, "worker", "--once")

    assert refused.status == 1
    assert refused.err.strip() == (
        "filrouge: cannot go on: the data key 'k1' of FILROUGE_DATA_KEYS is not base64: "
        "`filrouge keys new` prints a key."
    )


def test_data_keys_default_to_the_one_derived_from_the_secret_key() -> None:
    keys = Keys(base64.b64decode(TEST_KEY))
    alone = data_keyring(make_settings("sqlite://"), keys)
    listed = data_keyring(make_settings("sqlite://", data_keys=f"k2:{new_key()}, k0"), keys)

    assert (alone.current, dict(alone.keys)) == ("k0", {"k0": keys.data})
    assert (listed.current, listed.keys["k0"]) == ("k2", keys.data)
    assert keys.data not in (keys.pepper, keys.link)
    with pytest.raises(KeyUnusable, match="'k3' has no value"):
        data_keyring(make_settings("sqlite://", data_keys=f"k2:{new_key()},k3"), keys)
