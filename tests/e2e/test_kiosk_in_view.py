"""The kiosk as its users live it, in Chromium at three screen sizes (800 x 600, 1280 x 800,
1080 x 1920), in French and in Arabic: the open question's answers on screen after
every tap of a walked guide, a ticked paper that stays where it was, the keyboard
alone, the idle warning, a word explained on a tap, reading aloud by itself.

One browser and one server for the module (the suite stays lean); each test has its
own person. Screenshots of each size and language go to test-results/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from bot.app import create_app
from tests.conftest import LiveServer
from tests.e2e.conftest import PIN, RESULTS, Kiosk, kiosk_services
from tests.e2e.kiosk_walk import MAX_PRESSES, TARGET, log_in, next_in_guide, press, towards, where

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

SIZES = [(800, 600), (1280, 800), (1080, 1920)]


async def _out_of_view(page: Page, selector: str) -> list[str]:
    """The elements of `selector` not wholly inside the viewport (their text), read from
    their positions on the screen."""
    found: list[str] = await page.eval_on_selector_all(
        selector,
        """els => els.filter(e => {
            const r = e.getBoundingClientRect();
            return r.top < 0 || r.left < 0 || r.bottom > window.innerHeight + 0.5
                || r.right > window.innerWidth + 0.5 || r.height === 0;
        }).map(e => e.innerText || e.id)""",
    )
    return found


async def _walk_in_view(page: Page, kiosk: Kiosk, person_id: int, shot: str) -> int:
    """Walk to the CSS guide and through it; after every tap, the question's answers and
    the field are on screen. Returns the number of taps."""
    entered, shot_taken = False, False
    for taps in range(MAX_PRESSES):
        flow_id, step_id = where(kiosk.services, person_id)
        if flow_id == TARGET:
            entered = True
            value = await next_in_guide(page, kiosk.services, person_id)
        elif entered:
            return taps
        else:
            value = towards(kiosk.services, flow_id, step_id)
        if value.startswith("tick:") and not shot_taken:
            await page.screenshot(path=str(RESULTS / shot))
            shot_taken = True
            before = await page.locator(f'button[data-value="{value}"]').bounding_box()
            await press(page, value)
            after = await page.locator(f'button[data-value="{value}"]').bounding_box()
            # A ticked paper stays where it was: the page does not jump.
            assert before is not None
            assert after is not None
            assert abs(before["y"] - after["y"]) < 1, (before, after)
        else:
            await press(page, value)
        hidden = await _out_of_view(page, ".dock .buttons button, #text, #question")
        assert hidden == [], f"after {value!r} at {page.viewport_size}: {hidden}"
    raise AssertionError(f"the guide did not end after {MAX_PRESSES} presses")


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("language", ["fr", "ar"])
async def test_the_answers_are_on_screen_after_every_tap_of_a_guide(
    module_browser: Browser, shared_kiosk: Kiosk, width: int, height: int, language: str
) -> None:
    RESULTS.mkdir(exist_ok=True)
    code, person_id = shared_kiosk.person(language)
    context = await module_browser.new_context(viewport={"width": width, "height": height})
    page = await context.new_page()
    await log_in(page, shared_kiosk.base, code, PIN)
    assert await page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    await page.screenshot(path=str(RESULTS / f"kiosk-{width}x{height}-{language}-menu.png"))

    taps = await _walk_in_view(
        page, shared_kiosk, person_id, f"kiosk-{width}x{height}-{language}.png"
    )

    assert taps >= 8
    await context.close()


async def test_without_javascript_the_answers_are_on_screen_too(
    module_browser: Browser, shared_kiosk: Kiosk
) -> None:
    code, person_id = shared_kiosk.person("fr")
    context = await module_browser.new_context(
        viewport={"width": 800, "height": 600}, java_script_enabled=False
    )
    page = await context.new_page()
    await log_in(page, shared_kiosk.base, code, PIN)

    assert await _walk_in_view(page, shared_kiosk, person_id, "kiosk-800x600-fr-no-script.png") >= 8
    # The history opens on its last message, without a script to scroll it.
    last = page.locator(".bubble").last
    assert await _out_of_view(page, ".bubble:last-child") == [], await last.inner_text()
    await context.close()


async def test_the_css_guide_can_be_walked_with_the_keyboard_alone_focus_always_seen(
    module_browser: Browser, shared_kiosk: Kiosk
) -> None:
    code, person_id = shared_kiosk.person("fr")
    context = await module_browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(f"{shared_kiosk.base}/kiosk")
    await page.keyboard.type(code)  # the code field has the focus when the page opens
    await page.keyboard.press("Tab")
    await page.keyboard.type(PIN)
    async with page.expect_navigation():
        await page.keyboard.press("Enter")

    entered = False
    for _ in range(MAX_PRESSES):
        flow_id, step_id = where(shared_kiosk.services, person_id)
        if flow_id == TARGET:
            entered = True
            value = await next_in_guide(page, shared_kiosk.services, person_id)
        elif entered:
            break
        else:
            value = towards(shared_kiosk.services, flow_id, step_id)
        for _tab in range(60):
            await page.keyboard.press("Tab")
            focused = await page.evaluate(
                """() => { const e = document.activeElement;
                    const s = getComputedStyle(e);
                    return [e.dataset ? e.dataset.value || '' : '', s.outlineStyle, s.outlineWidth]; }"""
            )
            if focused[0] == value:
                break
        else:
            raise AssertionError(f"{value!r} cannot be reached with Tab")
        assert focused[1] != "none", f"no visible focus on {value!r}"
        assert focused[2] not in ("0px", ""), f"no visible focus on {value!r}"
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
    else:
        raise AssertionError("the guide did not end")
    assert where(shared_kiosk.services, person_id)[0] != TARGET
    await context.close()


async def test_a_tapped_word_is_explained_with_its_listen_button_and_the_question_stays(
    module_browser: Browser, shared_kiosk: Kiosk
) -> None:
    code, _person_id = shared_kiosk.person("fr")
    context = await module_browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await log_in(page, shared_kiosk.base, code, PIN)
    await press(page, "logement")
    await press(page, "siao")
    question = await page.locator("#question").inner_text()

    await press(page, "word:siao")

    explained = page.locator(".bubble.theirs").last
    assert (await explained.locator("p").inner_text()).startswith("SIAO\u202f: service intégré")
    assert await explained.locator("button.speak-button").count() == 1
    assert await page.locator("#question").inner_text() == question
    async with page.expect_response(lambda r: "/kiosk/speak/" in r.url) as sound:
        await explained.locator("button.speak-button").click()
    assert (await sound.value).headers["content-type"] == "audio/wav"
    await context.close()


async def test_reading_aloud_by_itself_reads_the_question_as_the_page_opens(
    module_browser: Browser, shared_kiosk: Kiosk
) -> None:
    code, _person_id = shared_kiosk.person("fr")
    context = await module_browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await log_in(page, shared_kiosk.base, code, PIN)
    assert await page.locator('button[data-value="voice"]').get_attribute("aria-pressed") == (
        "false"
    )

    async with page.expect_request(lambda r: r.url.endswith("/kiosk/speak/prompt")):
        await press(page, "voice")  # the next page reads its new messages, then the question

    assert await page.locator('button[data-value="voice"]').get_attribute("aria-pressed") == "true"
    await page.wait_for_function("() => document.querySelector('.dock .speak.playing') !== null")
    await context.close()


async def test_large_text_is_a_choice_of_the_visit_gone_at_logout(
    module_browser: Browser, shared_kiosk: Kiosk
) -> None:
    code, _person_id = shared_kiosk.person("fr")
    context = await module_browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await log_in(page, shared_kiosk.base, code, PIN)
    size = await page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")

    await press(page, "large")

    larger = await page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert larger >= size * 1.2
    await page.screenshot(path=str(RESULTS / "kiosk-1280x800-fr-large.png"))
    await press(page, "logout")
    await log_in(page, shared_kiosk.base, code, PIN)
    again = await page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert again == size
    await context.close()


async def test_the_idle_warning_comes_first_and_je_suis_la_keeps_the_session(
    module_browser: Browser, migrated_sqlite: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """An idle delay of 9 s: "Vous êtes encore là ?" at 6 s; "Je suis là" keeps the
    person in (the server agrees: the next answer is taken); silence then ends it, and
    the login page is in the person's language (Arabic). (The browser's timers run on
    the real clock: 3 s to answer the warning leaves room on a busy machine.)"""
    services = kiosk_services(
        migrated_sqlite, tmp_path_factory.mktemp("idle"), kiosk_idle_seconds=9
    )
    server = LiveServer(create_app(services=services))
    server.start()
    context = await module_browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    try:
        await log_in(page, server.url, "DEMO02", "5678")
        dialog = page.locator("#still-there")
        await dialog.wait_for(state="visible", timeout=20_000)
        assert page.url.endswith("/kiosk/chat")  # warned, not logged out
        await page.screenshot(path=str(RESULTS / "kiosk-idle-warning-ar.png"))
        async with page.expect_response(lambda r: r.url.endswith("/kiosk/alive")) as alive:
            await dialog.locator("button").click()
        assert (await alive.value).status == 204
        assert not await dialog.is_visible()
        await press(page, "sante")  # the session is still open on the server
        assert page.url.endswith("/kiosk/chat")
        await page.wait_for_url("**/kiosk?idle=1&in=ar", timeout=30_000)
        assert await page.get_attribute("html", "lang") == "ar"
        assert await page.locator("#code").count() == 1
    finally:
        await context.close()
        server.stop()
        services.close()


async def test_a_long_message_is_counted_as_typed_and_refused_whole_never_cut(
    module_browser: Browser, shared_kiosk: Kiosk
) -> None:
    code, _person_id = shared_kiosk.person("fr")
    context = await module_browser.new_context(viewport={"width": 800, "height": 600})
    page = await context.new_page()
    await log_in(page, shared_kiosk.base, code, PIN)
    limit = shared_kiosk.services.settings.max_text_length
    text = "Je voudrais savoir " + "x" * limit

    await page.fill("#text", text)

    assert await page.locator(
        "#count"
    ).inner_text() == f"Trop long : {len(text):,} / {limit:,}".replace(",", "\u202f")
    assert await page.input_value("#text") == text  # nothing cut by the field
    async with page.expect_navigation():
        await page.click("form.say button[type=submit]")
    assert (await page.locator("#error").inner_text()).startswith("Votre message est trop long")
    assert await page.input_value("#text") == text
    assert await _out_of_view(page, "#error, #text") == []
    await context.close()
