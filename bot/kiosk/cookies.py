"""The kiosk's cookies, all alike: HttpOnly, SameSite=Strict, only sent to `/kiosk`,
`Secure` when the kiosk is served over HTTPS (`FILROUGE_SECURE_COOKIES`)."""

from __future__ import annotations

from fastapi import Response

from bot.services import Services

PATH = "/kiosk"


def set_kiosk_cookie(
    response: Response, services: Services, name: str, value: str, max_age: int | None = None
) -> None:
    response.set_cookie(
        name,
        value,
        path=PATH,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=services.settings.secure_cookies,
    )


def clear_kiosk_cookie(response: Response, services: Services, name: str) -> None:
    response.delete_cookie(
        name, path=PATH, httponly=True, samesite="strict", secure=services.settings.secure_cookies
    )
