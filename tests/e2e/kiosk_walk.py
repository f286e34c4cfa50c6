"""A person walking the kiosk in Chromium, shared by the browser tests: log in, press,
and find the way to a guide and through it (the straight path: « non » to yes/no
questions, every paper ticked, the option that goes on)."""

from __future__ import annotations

from playwright.async_api import Page

from bot.services import Services
from bot.turn import state_of
from dialogs.flowset import FlowSet
from dialogs.schema import Call, Choose
from storage.conversation import load_conversation
from storage.database import read_session

TARGET = "css"  # the complémentaire santé solidaire guide
MAX_PRESSES = 60
ANSWERS = ".dock .buttons button[data-value]"


def reaches(flows: FlowSet, flow_id: str, target: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether a flow calls `target`, directly or through the flows it calls."""
    flow = flows.get(flow_id)
    if flow is None or flow_id in seen:
        return False
    calls = {s.call for s in flow.steps if isinstance(s, Call)}
    return target in calls or any(reaches(flows, c, target, seen | {flow_id}) for c in calls)


def where(services: Services, person_id: int) -> tuple[str, str]:
    """The flow and step a person is on."""
    with read_session(services.engine) as session:
        state = state_of(load_conversation(session, person_id, for_update=False))
    return state.stack[-1].flow, state.stack[-1].step


def towards(services: Services, flow_id: str, step_id: str, target: str = TARGET) -> str:
    """The button of a menu that leads closer to the target guide."""
    flow = services.flows[flow_id]
    step = flow.step(step_id)
    assert isinstance(step, Choose), (flow_id, step_id)
    for option in step.options:
        after = flow.step(option.goto) if option.goto else None
        if isinstance(after, Call) and (
            after.call == target or reaches(services.flows, after.call, target)
        ):
            return option.id
    raise AssertionError(f"no way to {target} from {flow_id}/{step_id}")


async def next_in_guide(page: Page, services: Services, person_id: int) -> str:
    """The button to press inside the guide: an unticked paper, then « C'est fait »;
    « non »; else the option that goes on."""
    values = await page.eval_on_selector_all(ANSWERS, "bs => bs.map(b => b.dataset.value)")
    unticked = await page.eval_on_selector_all(
        '.dock button.tick[aria-pressed="false"]', "bs => bs.map(b => b.dataset.value)"
    )
    if unticked:
        return str(unticked[0])
    if "done" in values:
        return "done"
    if "no" in values:
        return "no"
    flow_id, step_id = where(services, person_id)
    step = services.flows[flow_id].step(step_id)
    assert isinstance(step, Choose), (flow_id, step_id, values)
    return next((o.id for o in step.options if o.goto is None), step.options[0].id)


async def log_in(page: Page, base: str, code: str, pin: str) -> None:
    await page.goto(f"{base}/kiosk")
    await page.fill("#code", code)
    await page.fill("#pin", pin)
    async with page.expect_navigation():
        await page.click("form.login button[type=submit]")


async def press(page: Page, value: str) -> None:
    async with page.expect_navigation():
        await page.click(f'button[data-value="{value}"]')
