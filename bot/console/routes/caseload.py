"""The caseload, and the search across its transcripts."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from bot.console.caseload import SITUATIONS, SORTS, caseload_lines
from bot.console.deps import ConsoleDep, QueryText, ServicesDep, StaffDep, parse_id
from bot.console.record import record
from bot.console.security import ConsoleRoute
from bot.console.transcript import who_said
from dialogs.messages import N_
from storage.caseload import caseload_facts
from storage.search import search as search_transcripts

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

SITUATION_LABELS = {
    "": N_("Toutes"),
    "inside": N_("Dedans"),
    "released": N_("Sorties"),
    "telegram": N_("Telegram relié"),
    "no_telegram": N_("Telegram non relié"),
    "unreachable": N_("Injoignables"),
    "flagged": N_("Avec un signalement"),
}
SORT_LABELS = {
    "": N_("Signalements d'abord"),
    "name": N_("Nom"),
    "release": N_("Date de sortie"),
    "activity": N_("Le plus long silence"),
    "progress": N_("Le moins avancé"),
}
MAX_QUERY = 200


@router.get("")
def caseload_page(
    services: ServicesDep,
    console: ConsoleDep,
    staff: StaffDep,
    find: QueryText = "",
    situation: QueryText = "",
    sort: QueryText = "",
) -> Response:
    situation = situation if situation in SITUATIONS else ""
    sort = sort if sort in SORTS else ""
    with services.read() as tx:
        lines = caseload_lines(
            services,
            tx,
            staff.counsellor_id,
            console.domains,
            find=find[:100],
            situation=situation,
            sort=sort,
        )
    return console.pages.render(
        "caseload.html",
        staff=staff,
        lines=lines,
        find=find[:100],
        situation=situation,
        sort=sort,
        situations=list(SITUATION_LABELS.items()),
        sorts=list(SORT_LABELS.items()),
    )


@router.get("/search")
def search_caseload(
    services: ServicesDep,
    console: ConsoleDep,
    staff: StaffDep,
    q: QueryText = "",
    before: QueryText = "",
) -> Response:
    """Every word in the transcripts of the persons the counsellor follows (audited)."""
    q = q[:MAX_QUERY]
    size = services.settings.console_page_size
    hits = []
    names: dict[int, str] = {}
    if q.strip():
        with services.read() as tx:
            followed = caseload_facts(tx.session, staff.counsellor_id)
            names = {f.id: f"{f.first_name} {f.last_name} ({f.code})" for f in followed}
            hits = search_transcripts(
                tx.session, list(names), q, limit=size + 1, before=parse_id(before)
            )
        shown = min(len(hits), size)
        record(services, staff, "caseload_searched", query=q, results=shown, persons=len(names))
    return console.pages.render(
        "search.html",
        staff=staff,
        file=None,
        q=q,
        hits=hits[:size],
        more=len(hits) > size,
        names=names,
        who_said=who_said,
    )
