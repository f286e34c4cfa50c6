"""Twenty taps at once from one person, over real HTTP: one ordered conversation."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
from fastapi import FastAPI

from bot.services import Services
from bot.turn import state_of
from storage.conversation import load_conversation
from storage.database import read_session
from storage.enums import Direction
from storage.persons import get_person
from tests.kiosk.visitor import DEMO_PERSON_ID, read_page, transcript

TAPS = 20


async def test_simultaneous_posts_give_one_consistent_transcript(
    app: FastAPI, services: Services, live_server: Callable[[FastAPI], str]
) -> None:
    base = live_server(app)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        form = read_page(await client.get("/kiosk")).form_with_action("/kiosk/login")
        login = await client.post(
            "/kiosk/login", data={**form, "code": "DEMO01", "pin": "1234"}, follow_redirects=True
        )
        assert login.status_code == 200  # followed to the chat
        page = read_page(login)
        fields = page.text_form().fields
        seq_before = _seq(services)
        start = len(transcript(services))

        async def say(n: int) -> httpx.Response:
            data = {**fields, "mid": f"concurrent-{n:02d}", "text": "menu"}
            return await client.post("/kiosk/say", data=data, follow_redirects=False)

        responses = await asyncio.gather(*(say(n) for n in range(TAPS)))

    assert {r.status_code for r in responses} == {303}
    entries = transcript(services)[start:]
    inbound = [e for e in entries if e.direction == Direction.IN]
    assert sorted(e.inbound_id or "" for e in inbound) == [
        f"concurrent-{n:02d}" for n in range(TAPS)
    ]
    # Each message is followed by its own answer before the next message starts.
    directions = "".join("i" if e.direction == Direction.IN else "o" for e in entries)
    assert directions == "io" * TAPS, directions
    # Every turn moved the conversation one question on: the final state is known.
    assert _seq(services) == seq_before + TAPS


def _seq(services: Services) -> int:
    with read_session(services.engine) as session:
        person = get_person(session, DEMO_PERSON_ID)
        assert person is not None
        state = state_of(load_conversation(session, person.id or 0, for_update=False))
    return state.seq
