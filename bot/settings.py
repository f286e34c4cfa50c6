"""The one configuration object, read from the environment (`FILROUGE_` prefix).

Built once in the composition root (`bot/app.py`, `bot/cli.py`) and passed down;
nothing reads the environment anywhere else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
SERVICES_DIR = Path(__file__).resolve().parent.parent / "data" / "services"


class Settings(BaseSettings):
    """Everything an administrator can set. Defaults run a single facility on SQLite."""

    model_config = SettingsConfigDict(env_prefix="FILROUGE_", extra="ignore")

    database_url: str = "sqlite:///filrouge.db"
    """Any SQLAlchemy URL: `sqlite:///path.db` or `postgresql://user@host/db`."""
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    """How long a SQLite writer waits for another before the page says "busy"."""
    secure_cookies: bool = False
    """Cookies always `Secure` (set it in production behind HTTPS). Whatever it says, a
    page that came over HTTPS sets `Secure` cookies."""
    kiosk_session_hours: int = Field(default=4, ge=1, le=24)
    """The longest a kiosk session lasts, busy or not: then the person logs in again."""
    kiosk_idle_seconds: int = Field(default=180, ge=15)
    max_text_length: int = Field(default=2000, ge=100)
    pin_attempts: int = Field(default=5, ge=1)
    pin_lock_minutes: int = Field(default=15, ge=1)
    transcript_shown: int = Field(default=30, ge=5)
    hashing_at_once: int = Field(default=2, ge=1, le=32)
    """PINs and passwords checked at the same time at most (each takes argon2's memory)."""
    pin_slow_seconds: int = Field(default=30, ge=1)
    """After `pin_attempts` wrong tries, the first wait; it doubles with each further one,
    up to `pin_lock_minutes`."""
    login_delay_seconds: float = Field(default=1.0, ge=0, le=10)
    """A refused login is answered after this delay, a slowed one after three times it:
    the screen waits, the server does not (no thread is held), and a crowd of tries
    goes no faster than its answers."""
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=64)
    timezone: str = "Europe/Paris"
    min_free_disk_mb: int = Field(default=200, ge=0)
    """`/readyz` says the service is not ready when the database's disk has less free."""
    web_threads: int = Field(default=4, ge=1, le=64)
    """Threads that run the web pages' work. SQLite has one writer at a time and Python
    one running thread: a few threads answer faster than many queueing for both."""
    log_format: Literal["auto", "json", "text"] = "auto"
    """The log on stderr: JSON lines (for journald or a collector) unless stderr is a
    terminal (`auto`), or always `json`, or always `text`."""
    speech_program: str = "espeak-ng"
    """The espeak-ng program that reads messages aloud (a name on PATH or a path)."""
    voice_encoder: str = "opusenc"
    """The program that makes a voice note (Ogg Opus) for Telegram: opus-tools' opusenc."""
    locales_dir: Path = LOCALES_DIR
    services_dir: Path = SERVICES_DIR
    """Local services per facility: `<facility code>.yaml` (see docs/services.md)."""
    link_code_days: int = Field(default=30, ge=1)
    """How long a Telegram link code from the release sheet stays valid."""
    link_attempts_per_hour: int = Field(default=5, ge=1)
    """Wrong link codes a Telegram account may type per hour before it must wait."""
    secret_key: SecretStr | None = None
    """The service's secret key (base64 of 32 bytes): PIN pepper, link codes. Unset: the
    key file (`key_file`, or `filrouge.key` beside a SQLite database). See bot/keys.py."""
    key_file: Path | None = None
    data_keys: SecretStr | None = None
    """The keys that seal what people said and answered, for a rotation apart from the
    secret key: `id:base64key,id:base64key`, the first seals, the others only open (a bare
    `k0` is the key derived from the secret key). Unset: `k0` alone. See bot/keys.py."""
    telegram_token: SecretStr | None = None
    """The bot's token from @BotFather; setting it turns the Telegram channel on."""
    telegram_webhook_url: str | None = None
    """Public HTTPS URL of the webhook; unset, the bot polls (one server)."""
    telegram_webhook_secret: SecretStr | None = None
    """Secret Telegram sends with each webhook call (X-Telegram-Bot-Api-Secret-Token)."""
    telegram_api_url: str | None = None
    """Base URL of a self-hosted Bot API server (default: Telegram's own)."""
    telegram_pacing: bool = True
    """Keep to Telegram's sending limits (30 messages a second, one a second per chat).
    Off only in front of a local Bot API double (the benchmark): Telegram answers 429
    to a bot that goes faster."""
    reminders_in_serve: bool = True
    """Run the reminder worker inside `filrouge serve`; false when `filrouge worker`
    processes run it instead (several servers on one PostgreSQL database)."""
    reminder_batch: int = Field(default=100, ge=1, le=10_000)
    """Reminders a worker claims and writes in one transaction."""
    reminder_poll_seconds: float = Field(default=1.0, gt=0)
    """How often an idle worker looks for due reminders."""
    telegram_rate: float = Field(default=30.0, gt=0)
    """Messages a second the bot sends at most (Telegram's limit: about 30)."""
    telegram_chat_interval: float = Field(default=1.0, ge=0)
    """Seconds between two messages to one chat at least (Telegram's limit: about 1)."""
    telegram_bot_username: str = "FilRougeBot"
    """The bot's @username without the @, for the deep links on release sheets."""
    console_idle_minutes: int = Field(default=30, ge=1)
    """A console session with no request for this long is ended."""
    console_session_hours: int = Field(default=12, ge=1)
    """A console session ends after this long, busy or not: log in again each day."""
    console_login_attempts: int = Field(default=5, ge=1)
    """Wrong passwords in a row before a console account is locked."""
    console_lock_minutes: int = Field(default=15, ge=1)
    console_page_size: int = Field(default=50, ge=5)
    """Transcript entries, search results and audit events per console page."""
    retention_months: int = Field(default=12, ge=1)
    """How long a person's data is kept after their follow-up ended (`filrouge purge`)."""
    moment_days: int = Field(default=30, ge=1)
    """How long the rows of the moment (ended kiosk sessions, handled Telegram update ids,
    link attempts, sent messages' outbox rows, old login waits) are kept (`filrouge purge`)."""
