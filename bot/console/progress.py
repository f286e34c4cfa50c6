"""Where a person stands in each domain (santé, logement, papiers, emploi, justice),
from their conversation's state: done, in progress, or not started.

A domain is done when every item of its plan is ticked ("Mon plan", the flows'
`mark_done` steps), in progress when some are or when the person is in one of its
guides now, not started otherwise. Read from the stored state as plain data: a
caseload of eighty persons must not validate eighty states.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from dialogs import messages
from dialogs.flowset import FlowSet

Status = Literal["done", "started", "not_started"]


@dataclass(frozen=True)
class DomainProgress:
    domain: str
    name: str
    """The domain's msgid (« Santé »)."""
    status: Status
    done: int
    total: int


@dataclass(frozen=True)
class Domains:
    """The plan's items per domain, and each flow's domain: read once from the flows."""

    items: Mapping[str, frozenset[str]]
    flow_domain: Mapping[str, str]

    @classmethod
    def of(cls, flows: FlowSet) -> Domains:
        items: dict[str, set[str]] = {domain: set() for domain in messages.DOMAINS}
        for entry in flows.plan_items():
            items.setdefault(entry.domain, set()).add(entry.item)
        flow_domain = {f.id: str(f.domain) for f in flows.flows.values() if f.domain}
        return cls({d: frozenset(i) for d, i in items.items()}, flow_domain)


def progress_of(state: Mapping[str, Any] | None, domains: Domains) -> tuple[DomainProgress, ...]:
    """Each domain's progress, in the plan's order, from a stored state (None: not
    started at all)."""
    state = state or {}
    done_by_domain = state.get("done") or {}
    here = {
        domains.flow_domain.get(str(frame.get("flow")))
        for frame in state.get("stack") or []
        if isinstance(frame, dict)
    }
    shown = []
    for domain, name in messages.DOMAINS.items():
        items = domains.items.get(domain, frozenset())
        done = len(items.intersection(done_by_domain.get(domain) or ()))
        status: Status = "not_started"
        if items and done == len(items):
            status = "done"
        elif done or domain in here:
            status = "started"
        shown.append(DomainProgress(domain, name, status, done, len(items)))
    return tuple(shown)
