"""The transaction a unit of work runs in (`Services.write()` / `Services.read()`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session


@dataclass(frozen=True)
class Tx:
    """One transaction and the moment it runs at: what every storage call of a unit
    of work is given (`now` from the services' clock, never the wall clock)."""

    session: Session
    now: datetime
