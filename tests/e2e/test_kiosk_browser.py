"""A person at the kiosk, in a real browser: log in, walk the health guide with
buttons, see it ticked in « Mon plan », leave; mistakes, silence and the back button."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, Page

from bot.app import create_app
from bot.services import Services
from bot.turn import state_of
from dialogs.flowset import FlowSet
from dialogs.schema import Call, Choose
from storage.conversation import load_conversation
from storage.database import read_session
from storage.persons import get_person

pytestmark = pytest.mark.e2e

Serve = Callable[[FastAPI], str]
MakeServices = Callable[..., Services]
TARGET = "css"  # the complémentaire santé solidaire guide
MAX_PRESSES = 60


def _reaches(flows: FlowSet, flow_id: str, target: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether a flow calls `target`, directly or through the flows it calls."""
    flow = flows.get(flow_id)
    if flow is None or flow_id in seen:
        return False
    calls = {s.call for s in flow.steps if isinstance(s, Call)}
    return target in calls or any(_reaches(flows, c, target, seen | {flow_id}) for c in calls)


def _where(services: Services) -> tuple[str, str]:
    with read_session(services.engine) as session:
        person = get_person(session, 1)
        assert person is not None
        state = state_of(load_conversation(session, person.id or 0, for_update=False))
    return state.stack[-1].flow, state.stack[-1].step


def _choice_towards(services: Services, flow_id: str, step_id: str) -> str:
    """Which button to press on a menu to get closer to the target guide."""
    flow = services.flows[flow_id]
    step = flow.step(step_id)
    assert isinstance(step, Choose), (flow_id, step_id)
    for option in step.options:
        after = flow.step(option.goto) if option.goto else None
        if isinstance(after, Call) and (
            after.call == TARGET or _reaches(services.flows, after.call, TARGET)
        ):
            return option.id
    raise AssertionError(f"no way to {TARGET} from {flow_id}/{step_id}")


async def _press(page: Page, value: str) -> None:
    async with page.expect_navigation():
        await page.click(f'button[data-value="{value}"]')


async def _answer_inside_guide(page: Page, services: Services) -> None:
    """One answer on the guide's straight path: « non » to yes/no questions
    (no cover yet, no counsellor), the option that goes on, every paper ticked."""
    values = await page.eval_on_selector_all(
        ".dock .buttons button[data-value]", "bs => bs.map(b => b.dataset.value)"
    )
    unticked = await page.eval_on_selector_all(
        '.dock button.tick[aria-pressed="false"]', "bs => bs.map(b => b.dataset.value)"
    )
    if unticked:
        await _press(page, unticked[0])
    elif "done" in values:
        await _press(page, "done")
    elif "no" in values:
        await _press(page, "no")
    else:
        flow_id, step_id = _where(services)
        step = services.flows[flow_id].step(step_id)
        assert isinstance(step, Choose), (flow_id, step_id, values)
        onward = next((o.id for o in step.options if o.goto is None), step.options[0].id)
        await _press(page, onward)


async def _log_in(page: Page, base: str, code: str = "DEMO01", pin: str = "1234") -> None:
    await page.goto(f"{base}/kiosk")
    await page.fill("#code", code)
    await page.fill("#pin", pin)
    async with page.expect_navigation():
        await page.click("form.login button[type=submit]")


async def test_person_walks_the_health_guide_to_its_end_and_sees_it_in_the_plan(
    browser: Browser, make_services: MakeServices, live_server: Serve, results_dir: Path
) -> None:
    services = make_services(real_clock=True)
    base = live_server(create_app(services=services))
    page = await browser.new_page(viewport={"width": 1080, "height": 1600})
    await page.goto(f"{base}/kiosk")
    await page.screenshot(path=str(results_dir / "kiosk-login.png"), full_page=True)
    await _log_in(page, base)
    assert page.url.endswith("/kiosk/chat")
    assert "Bonjour Démo" in await page.content()

    entered = False
    for _ in range(MAX_PRESSES):
        flow_id, step_id = _where(services)
        if flow_id == TARGET:
            entered = True
            if await page.locator(".dock button.tick").count():
                await page.screenshot(path=str(results_dir / "kiosk-checklist.png"), full_page=True)
            await _answer_inside_guide(page, services)
        elif entered:
            break  # the guide ended: back on a menu
        else:
            await _press(page, _choice_towards(services, flow_id, step_id))
    else:
        raise AssertionError(f"the guide did not end after {MAX_PRESSES} presses")

    await page.goto(f"{base}/kiosk")  # the login page sends a live session to the chat
    assert _where(services) == ("sante", "menu")  # a guide ends on its domain's menu
    await _press(page, "menu")  # the Menu button of every screen
    home_flow, home_step = _where(services)
    assert (home_flow, home_step) == (services.flows.home.id, services.flows.home.recovery)
    await _press(page, "plan")
    await page.screenshot(path=str(results_dir / "kiosk-chat.png"), full_page=True)
    title = next(i.title for i in services.flows.plan_items() if i.item == TARGET)
    plan = page.locator(".bubble.theirs .plan").last
    done = await plan.locator("li.done").all_inner_texts()
    todo = await plan.locator("li.todo").all_inner_texts()
    # Read as a screen reader reads it: the mark is a picture, "Fait :" is said.
    assert f"✓ Fait : {title}" in [" ".join(item.split()) for item in done]
    assert f"À faire : {title}" not in [" ".join(item.split()) for item in todo]
    assert await plan.locator(".plan-domain").all_inner_texts() == [
        "Santé", "Logement", "Papiers", "Emploi", "Justice"
    ]  # fmt: skip


async def test_five_wrong_pins_show_what_to_do(
    browser: Browser, make_services: MakeServices, live_server: Serve
) -> None:
    base = live_server(create_app(services=make_services(real_clock=True)))
    page = await browser.new_page()
    for _ in range(5):
        await _log_in(page, base, pin="0000")
    message = await page.locator("#locked").inner_text()
    assert message == "Trop d'essais. Réessayez dans 1 minute ou demandez à un surveillant."
    await _log_in(page, base, pin="1234")
    assert "/kiosk/login" in page.url
    assert await page.locator("#locked").count() == 1


async def test_silent_kiosk_logs_out_by_itself(
    browser: Browser, make_services: MakeServices, live_server: Serve
) -> None:
    services = make_services(real_clock=True, kiosk_idle_seconds=2)
    base = live_server(create_app(services=services))
    page = await browser.new_page()
    await _log_in(page, base)
    assert "/kiosk/chat" in page.url
    await page.wait_for_url(f"{base}/kiosk?idle=1&in=fr", timeout=15_000)
    assert "Vous avez été déconnecté" in await page.content()
    assert "Bonjour Démo" not in await page.content()


async def test_back_button_after_finishing_shows_nothing_of_the_person(
    browser: Browser, make_services: MakeServices, live_server: Serve
) -> None:
    base = live_server(create_app(services=make_services(real_clock=True)))
    page = await browser.new_page()
    await _log_in(page, base)
    await page.fill("#text", "Mon frère s'appelle Démo")
    async with page.expect_navigation():
        await page.click("form.say button[type=submit]")
    assert "Mon frère s'appelle Démo" in await page.content()
    async with page.expect_navigation():
        await page.click('button[data-value="logout"]')
    assert "Au revoir" in await page.content()
    await page.go_back()
    await page.wait_for_load_state()
    content = await page.content()
    assert "Démo" not in content
    assert "Bonjour Démo" not in content
    assert await page.locator("#code").count() == 1  # the login page


async def test_kiosk_works_without_javascript(
    browser: Browser, make_services: MakeServices, live_server: Serve
) -> None:
    base = live_server(create_app(services=make_services(real_clock=True)))
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    await _log_in(page, base)
    await _press(page, "plan")
    bubbles = await page.locator(".bubble.theirs p").all_inner_texts()
    assert any(text.startswith("Mon plan") for text in bubbles)
    async with page.expect_navigation():
        await page.click('button[data-value="logout"]')
    assert await page.locator("#code").count() == 1
    await context.close()


async def test_arabic_page_reads_right_to_left(
    browser: Browser, make_services: MakeServices, live_server: Serve, results_dir: Path
) -> None:
    base = live_server(create_app(services=make_services(real_clock=True)))
    page = await browser.new_page(viewport={"width": 1080, "height": 1400})
    await page.goto(f"{base}/kiosk?lang=ar")
    assert await page.get_attribute("html", "dir") == "rtl"
    await _log_in(page, base, code="DEMO02", pin="5678")
    assert await page.get_attribute("html", "dir") == "rtl"
    await page.screenshot(path=str(results_dir / "kiosk-chat-ar.png"), full_page=True)


async def test_typing_keeps_the_session_and_silence_still_ends_it(
    browser: Browser, make_services: MakeServices, live_server: Serve
) -> None:
    """Idle delay of 2 s: typing for 8 s (past the delay, and past the no-script
    refresh at 7 s) keeps the person in, and the server agrees (the message is
    answered); then silence logs out."""
    services = make_services(real_clock=True, kiosk_idle_seconds=2)
    base = live_server(create_app(services=services))
    page = await browser.new_page()
    await _log_in(page, base)
    alive: list[int] = []
    page.on(
        "response",
        lambda response: alive.append(response.status) if "/kiosk/alive" in response.url else None,
    )
    await page.click("#text")
    for letter in "Je cherche un logement":
        await page.keyboard.type(letter)
        await page.wait_for_timeout(360)
    assert page.url.endswith("/kiosk/chat")
    assert alive
    assert set(alive) == {204}
    async with page.expect_navigation():
        await page.click("form.say button[type=submit]")
    assert "/kiosk/chat" in page.url
    assert "Je cherche un logement" in await page.locator(".bubble.mine").last.inner_text()
    await page.wait_for_url(f"{base}/kiosk?idle=1&in=fr", timeout=15_000)


async def test_without_javascript_the_page_still_logs_out_when_silent(
    browser: Browser, make_services: MakeServices, live_server: Serve
) -> None:
    services = make_services(real_clock=True, kiosk_idle_seconds=2)
    base = live_server(create_app(services=services))
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    await _log_in(page, base)
    assert "/kiosk/chat" in page.url
    await page.wait_for_url(f"{base}/kiosk?idle=1&in=fr", timeout=15_000)  # the refresh, at 7 s
    assert "Bonjour Démo" not in await page.content()
    await context.close()


async def test_every_message_of_fil_rouge_can_be_listened_to(
    browser: Browser, make_services: MakeServices, live_server: Serve, results_dir: Path
) -> None:
    base = live_server(create_app(services=make_services(real_clock=True)))
    page = await browser.new_page(viewport={"width": 1080, "height": 1600})
    await _log_in(page, base)
    theirs = page.locator(".bubble.theirs")
    assert await theirs.count() > 0
    assert await page.locator(".bubble.theirs .speak button.speak-button").count() == (
        await theirs.count()
    )
    assert await page.locator(".bubble.mine .speak").count() == 0
    assert await page.locator(".dock .speak button.speak-button").count() == 1
    assert await page.locator("audio[controls]").count() == 0  # the script's buttons instead
    await page.screenshot(path=str(results_dir / "kiosk-read-aloud.png"), full_page=True)
    first = page.locator(".bubble.theirs .speak").first
    async with page.expect_response(lambda r: "/kiosk/speak/" in r.url) as sound:
        await first.locator("button").click()
    response = await sound.value
    assert response.status == 200
    assert response.headers["content-type"] == "audio/wav"
    # The browser decodes it: the player learns its length.
    await page.wait_for_function(
        "() => { const a = document.querySelector('.bubble.theirs audio');"
        " return a && a.readyState >= 1 && a.duration > 0.3; }",
        timeout=10_000,
    )


async def test_without_javascript_each_message_has_the_browser_s_player(
    browser: Browser, make_services: MakeServices, live_server: Serve
) -> None:
    base = live_server(create_app(services=make_services(real_clock=True)))
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    await _log_in(page, base)
    players = page.locator(".bubble.theirs audio[controls]")
    assert await players.count() == await page.locator(".bubble.theirs").count()
    assert (await players.first.get_attribute("src") or "").startswith("/kiosk/speak/")
    await context.close()
