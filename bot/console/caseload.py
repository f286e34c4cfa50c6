"""The caseload page: the persons a counsellor follows, where each stands, and who
needs them first (open flags), filtered, sorted and found by code or name."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from bot.console.progress import DomainProgress, Domains, progress_of
from bot.followup import Summary
from bot.services import Services
from bot.tx import Tx
from storage.caseload import CaseFacts, caseload_facts

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
    (then by name), unless another order is asked."""
    facts = caseload_facts(tx.session, counsellor_id)
    summaries = services.followup.summaries(tx, [f.id for f in facts])
    lines = [
        CaseLine(f, progress_of(f.state, domains), summaries.get(f.id) or Summary()) for f in facts
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
        return (-line.summary.open_flags, _by_name(line))

    return flagged_first
