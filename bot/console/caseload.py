"""The caseload page: the persons a counsellor follows, where each stands, and who
needs them first (open flags, distress before the others), filtered, sorted and found
by code or name."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from bot.console.progress import DomainProgress, Domains, progress_of
from bot.services import Services
from bot.tx import Tx
from storage.caseload import (
    CaseFacts,
    FollowUpFacts,
    NextAppointment,
    caseload_facts,
    followup_facts,
)
from storage.enums import FlagReason

Situation = Literal["", "inside", "released", "telegram", "no_telegram", "unreachable", "flagged"]
Sort = Literal["", "name", "release", "activity", "progress"]
SITUATIONS: tuple[Situation, ...] = (
    "",
    "inside",
    "released",
    "telegram",
    "no_telegram",
    "unreachable",
    "flagged",
)
SORTS: tuple[Sort, ...] = ("", "name", "release", "activity", "progress")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
URGENCY: tuple[FlagReason, ...] = (
    FlagReason.DISTRESS,
    FlagReason.COUNSELLOR,
    FlagReason.MISSED,
    FlagReason.CANNOT_COME,
    FlagReason.UNREACHABLE,
)
"""Open flags, the most pressing first: a person in distress tops the caseload."""


@dataclass(frozen=True)
class Summary:
    """What a caseload line shows of a person's follow-up."""

    next_appointment: NextAppointment | None = None
    open_flags: int = 0
    worst_flag: FlagReason | None = None
    """The most pressing open flag, for the line's badge and its place in the list."""

    @classmethod
    def of(cls, facts: FollowUpFacts | None) -> Summary:
        if facts is None:
            return cls()
        worst = min(facts.open_flags, key=URGENCY.index, default=None)
        return cls(facts.next_appointment, len(facts.open_flags), worst)

    @property
    def urgency(self) -> int:
        """0 for distress, then the other flags in `URGENCY` order; no flag last."""
        return URGENCY.index(self.worst_flag) if self.worst_flag else len(URGENCY)


@dataclass(frozen=True)
class CaseLine:
    facts: CaseFacts
    progress: tuple[DomainProgress, ...]
    summary: Summary

    @property
    def release_day(self) -> date | datetime | None:
        """The day of release: the real one once out, the planned one before."""
        return self.facts.released_at or self.facts.release_planned_on


def fold(text: str) -> str:
    """Lower case without accents, to find « Démo » by « demo »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def caseload_lines(
    services: Services,
    tx: Tx,
    counsellor_id: int,
    domains: Domains,
    *,
    find: str = "",
    situation: str = "",
    sort: str = "",
) -> list[CaseLine]:
    """The counsellor's persons as the page lists them: those with open flags first
    (distress first, then by name), unless another order is asked."""
    facts = caseload_facts(tx.session, counsellor_id)
    followup = followup_facts(tx.session, [f.id for f in facts], tx.now)
    lines = [
        CaseLine(f, progress_of(f.state, domains), Summary.of(followup.get(f.id))) for f in facts
    ]
    wanted = fold(find.strip())
    if wanted:
        lines = [
            line
            for line in lines
            if wanted in fold(line.facts.code)
            or wanted in fold(f"{line.facts.first_name} {line.facts.last_name}")
            or wanted in fold(f"{line.facts.last_name} {line.facts.first_name}")
        ]
    lines = [line for line in lines if _in_situation(line, situation)]
    return sorted(lines, key=_sort_key(sort))


def _in_situation(line: CaseLine, situation: str) -> bool:
    f = line.facts
    checks = {
        "inside": f.released_at is None,
        "released": f.released_at is not None,
        "telegram": f.telegram_linked,
        "no_telegram": not f.telegram_linked,
        "unreachable": f.unreachable_at is not None,
        "flagged": line.summary.open_flags > 0,
    }
    return checks.get(situation, True)


def _by_name(line: CaseLine) -> tuple[str, str, int]:
    return (fold(line.facts.last_name), fold(line.facts.first_name), line.facts.id)


def _sort_key(sort: str) -> Callable[[CaseLine], tuple[Any, ...]]:
    if sort == "name":
        return _by_name
    if sort == "release":
        # The soonest release first; the persons without a date at the end.
        def release(line: CaseLine) -> tuple[bool, date, tuple[str, str, int]]:
            day = line.release_day
            as_date = day.date() if isinstance(day, datetime) else day
            return (as_date is None, as_date or date.max, _by_name(line))

        return release
    if sort == "activity":
        # The longest silence first: who has not spoken for a while.
        def activity(line: CaseLine) -> tuple[datetime, tuple[str, str, int]]:
            return (line.facts.last_said_at or _EPOCH, _by_name(line))

        return activity
    if sort == "progress":

        def progress(line: CaseLine) -> tuple[int, tuple[str, str, int]]:
            return (sum(p.done for p in line.progress), _by_name(line))

        return progress

    def flagged_first(line: CaseLine) -> tuple[int, tuple[str, str, int]]:
        return (line.summary.urgency, _by_name(line))

    return flagged_first
