"""A kiosk visitor over HTTP (Starlette's TestClient) that reads the pages it gets."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx
from fastapi.testclient import TestClient

from bot.services import Services
from storage.database import read_session
from storage.transcript import StoredEntry, recent_transcript

DEMO_PERSON_ID = 1


@dataclass
class Form:
    action: str
    form_id: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    buttons: dict[str, str] = field(default_factory=dict)
    """value -> label of the submit buttons named `value`."""


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.terms: list[str] = []
        """The values of the glossary's words shown (buttons of the form "words")."""
        self._button: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", "").split("#")[0], form_id=a.get("id", "")))
        elif tag == "input" and self.forms and "name" in a:
            self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("form") == "words":
            self.terms.append(a.get("value", ""))
        elif tag == "button" and a.get("name") == "value":
            self._button = a.get("value", "")
            self.forms[-1].buttons[self._button] = ""
        elif tag == "textarea" and "name" in a:
            self._textarea = a["name"]
            self.forms[-1].fields[self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self.forms[-1].buttons[self._button] += data.strip()
        if self._textarea is not None:
            self.forms[-1].fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "button":
            self._button = None
        elif tag == "textarea":
            self._textarea = None


@dataclass
class Page:
    response: httpx.Response
    forms: list[Form]
    terms: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.response.text

    def form_with(self, value: str) -> Form:
        """The form holding the button of this value (a prompt button or "menu")."""
        for form in self.forms:
            if value in form.buttons:
                return form
        raise AssertionError(f"no button {value!r} on the page: {self.buttons()}")

    def buttons(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for form in self.forms:
            found.update(form.buttons)
        return found

    def text_form(self) -> Form:
        return next(f for f in self.forms if f.action == "/kiosk/say" and "text" in f.fields)

    def form_with_action(self, action: str) -> dict[str, str]:
        return next(f.fields for f in self.forms if f.action == action)

    def hidden(self, name: str) -> str:
        return next(f.fields[name] for f in self.forms if name in f.fields)


def read_page(response: httpx.Response) -> Page:
    reader = _FormReader()
    reader.feed(response.text)
    return Page(response, reader.forms, reader.terms)


class Kiosk:
    """One browser at the kiosk (its own cookies), without JavaScript."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def login_form(self) -> dict[str, str]:
        """The fields of the login page's form (its language and CSRF token)."""
        page = read_page(self.client.get("/kiosk", follow_redirects=False))
        return page.form_with_action("/kiosk/login")

    def login(self, code: str = "DEMO01", pin: str = "1234", lang: str = "") -> httpx.Response:
        """Open the login page, then send its form filled in, as a person does."""
        data = {**self.login_form(), "code": code, "pin": pin, "lang": lang}
        response: httpx.Response = self.client.post(
            "/kiosk/login", data=data, follow_redirects=False
        )
        return response

    def chat(self) -> Page:
        response = self.client.get("/kiosk/chat", follow_redirects=False)
        assert response.status_code == 200, response.text
        return read_page(response)

    def press(self, value: str, page: Page | None = None) -> httpx.Response:
        """Press the button `value` on `page` (the current chat page by default); a word
        of the glossary is a button of the form "words"."""
        page = page or self.chat()
        if value in page.terms:
            form = next(f for f in page.forms if f.form_id == "words")
        else:
            form = page.form_with(value)
        data = {**form.fields, "value": value}
        response: httpx.Response = self.client.post(form.action, data=data, follow_redirects=False)
        return response

    def say(self, text: str, page: Page | None = None) -> httpx.Response:
        form = (page or self.chat()).text_form()
        data = {**form.fields, "text": text}
        response: httpx.Response = self.client.post(form.action, data=data, follow_redirects=False)
        return response


def transcript(services: Services, person_id: int = DEMO_PERSON_ID) -> list[StoredEntry]:
    with read_session(services.engine) as session:
        return recent_transcript(session, person_id, limit=1000)
