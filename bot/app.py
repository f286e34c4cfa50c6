"""The app factory: one FastAPI app serving the kiosk, the health check and, later,
the console and the Telegram webhook."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from bot.services import Services, build
from bot.settings import Settings
from storage.database import check_database
from storage.errors import DatabaseUnavailable

BUSY_PAGE = """<!doctype html><html lang="fr"><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Fil rouge</title><body style="font:1.4rem sans-serif;margin:2rem">
<h1>Le service est occupé.</h1><p>Rien n'est perdu. Attendez un instant, puis réessayez.</p>
<p><a href="/kiosk/chat">Réessayer</a></p></body></html>"""


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the web app; `services` lets tests pass their own clock or database."""
    from bot.kiosk.routes import kiosk_router

    services = services or build(settings or Settings())
    app = FastAPI(title="Fil rouge", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.services = services
    app.include_router(kiosk_router(services))

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> Response:
        if check_database(services.engine):
            return PlainTextResponse("ok")
        return PlainTextResponse("database unreachable", status_code=503)

    @app.get("/", include_in_schema=False)
    def root() -> Response:
        return RedirectResponse("/kiosk", status_code=303)

    @app.exception_handler(DatabaseUnavailable)
    def database_busy(_request: Request, _exc: DatabaseUnavailable) -> Response:
        return HTMLResponse(
            BUSY_PAGE, status_code=503, headers={"Retry-After": "2", "Cache-Control": "no-store"}
        )

    return app
