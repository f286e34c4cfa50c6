"""Headers on every console response: nothing cached, nothing framed, no inline script.

What a counsellor reads speaks of justice and health: no page is kept by the
browser or a proxy (`no-store`), none can be framed, and only the server's own
script runs. A route may set its own policy first (the flows catalogue allows
its inline style); the others get these.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from bot.console.errors import page_for

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
CATALOGUE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
"""The flows catalogue's pages are static documents with their style inside."""

HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class ConsoleRoute(APIRoute):
    """A route whose responses carry the console's headers, and whose errors become
    the console's pages (`bot.console.errors.page_for`)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_headers(request: Request) -> Response:
            try:
                response = await handler(request)
            except Exception as error:
                page = page_for(request, error)
                if page is None:
                    raise
                response = page
            for name, value in HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return with_headers
