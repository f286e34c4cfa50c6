"""Who makes a change, as the audit log records it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The command line, the system, or a counsellor (by account id)."""

    kind: str = "system"
    id: int | None = None

    @classmethod
    def counsellor(cls, counsellor_id: int) -> Actor:
        return cls("counsellor", counsellor_id)


CLI = Actor("cli")
SYSTEM = Actor("system")
