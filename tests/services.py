"""Building real services for tests: a migrated database, demo data, cheap argon2."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import compose
from bot.clock import MovableClock
from bot.demo import seed_demo
from bot.services import Services
from bot.settings import Settings

# The tests' secret key (base64 of 32 bytes): never a real install's.
TEST_KEY = "dGVzdHMtb25seS1rZXktMzItYnl0ZXMtbG9uZyEhISE="
# A Tuesday morning in winter, Paris time 10:00.
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def make_settings(database_url: str, **overrides: object) -> Settings:
    """Settings for tests: argon2 at its cheapest (about 180 ms per hash otherwise)."""
    values: dict[str, object] = {
        "database_url": database_url,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
        "secret_key": TEST_KEY,
        "login_delay_seconds": 0,  # wrong PINs answered at once (the delay has its own test)
        **overrides,
    }
    return Settings.model_validate(values)


def demo_services(database_url: str, **overrides: object) -> tuple[Services, MovableClock]:
    """Services on a migrated database holding the demo data, with a movable clock."""
    clock = MovableClock(START)
    services = compose(make_settings(database_url, **overrides), clock=clock)
    seed_demo(services)
    return services, clock
