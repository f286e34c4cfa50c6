"""Headers on every kiosk response: nothing cached, nothing framed, no inline script.

A kiosk is shared: after a person leaves, the back button and the browser cache
must not bring their conversation back, so every page is `no-store`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from bot.headers import HEADERS


class KioskRoute(APIRoute):
    """A route whose responses always carry the kiosk's security headers, and whose
    cookies are `Secure` whenever the page came over HTTPS (directly, or through a
    local reverse proxy that says so: uvicorn reads its X-Forwarded-Proto)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_headers(request: Request) -> Response:
            response = await handler(request)
            response.headers.update(HEADERS)
            if request.url.scheme == "https":
                secure_cookies(response)
            return response

        return with_headers


def secure_cookies(response: Response) -> None:
    """Mark every cookie the response sets `Secure` (once)."""
    cookies = response.headers.getlist("set-cookie")
    if not cookies:
        return
    del response.headers["set-cookie"]
    for cookie in cookies:
        secured = cookie if "; secure" in cookie.lower() else f"{cookie}; Secure"
        response.headers.append("set-cookie", secured)
