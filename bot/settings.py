"""The one configuration object, read from the environment (`FILROUGE_` prefix).

Built once in the composition root (`bot/app.py`, `bot/cli.py`) and passed down;
nothing reads the environment anywhere else.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


class Settings(BaseSettings):
    """Everything an administrator can set. Defaults run a single facility on SQLite."""

    model_config = SettingsConfigDict(env_prefix="FILROUGE_", extra="ignore")

    database_url: str = "sqlite:///filrouge.db"
    """Any SQLAlchemy URL: `sqlite:///path.db` or `postgresql://user@host/db`."""
    secure_cookies: bool = False
    """Set true when the kiosk is served over HTTPS (cookies get `Secure`)."""
    kiosk_idle_seconds: int = Field(default=180, ge=15)
    max_text_length: int = Field(default=2000, ge=100)
    pin_attempts: int = Field(default=5, ge=1)
    pin_lock_minutes: int = Field(default=15, ge=1)
    transcript_shown: int = Field(default=30, ge=5)
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=64)
    timezone: str = "Europe/Paris"
    locales_dir: Path = LOCALES_DIR
