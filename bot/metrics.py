"""What the service counts, for Prometheus (`GET /metrics`): turns and their time, the
outbox, Telegram's refusals, logins. No person appears in a label: only channels,
outcomes and reasons.

One registry per `Services` (built with them), so that two services in one process
(tests) count apart; `/metrics` exposes it, and the outbox's backlog is read from
the database at each scrape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

TURN_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.turns = Counter(
            "filrouge_turns",
            "Turns of the conversation, by channel",
            ["channel"],
            registry=self.registry,
        )
        self.turn_seconds = Histogram(
            "filrouge_turn_seconds",
            "Time of a turn's unit of work",
            ["channel"],
            buckets=TURN_BUCKETS,
            registry=self.registry,
        )
        self.sent = Counter(
            "filrouge_outbox_sent", "Messages Telegram accepted", registry=self.registry
        )
        self.failed = Counter(
            "filrouge_outbox_failed",
            "Messages that will never be sent, by reason",
            ["reason"],
            registry=self.registry,
        )
        self.retried = Counter(
            "filrouge_outbox_retried",
            "Sends to try again (429, 5xx, network), by reason",
            ["reason"],
            registry=self.registry,
        )
        self.logins = Counter(
            "filrouge_kiosk_logins",
            "Kiosk logins, by outcome (ok, refused, slowed)",
            ["outcome"],
            registry=self.registry,
        )

    def watch(self, name: str, help_text: str, read: Callable[[], float | None]) -> None:
        """Expose a value read at each scrape (the outbox's backlog, ...)."""
        self.registry.register(_Read(name, help_text, read))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _Read(Collector):
    def __init__(self, name: str, help_text: str, read: Callable[[], float | None]) -> None:
        self._name, self._help, self._read = name, help_text, read

    def collect(self) -> Iterator[GaugeMetricFamily]:
        value = self._read()
        if value is not None:
            yield GaugeMetricFamily(self._name, self._help, value=value)

    def describe(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(self._name, self._help)
