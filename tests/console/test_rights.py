"""The rights of the person from the console: a copy to print or in JSON for the
counsellors who follow them, erasure on request by an administrator; all audited."""

from __future__ import annotations

import json
from html import unescape

from bot.services import Services
from tests.console.desk import A_PERSON, B_PERSON, Desk, audit


def test_a_copy_of_everything_kept_is_printed_or_downloaded(cpip: Desk, services: Services) -> None:
    cpip.post(f"/console/persons/{A_PERSON}/notes", text="Note à remettre aussi.")
    cpip.post(f"/console/persons/{A_PERSON}/messages", text="Bonjour <b>!</b>")
    page = unescape(cpip.get(f"/console/persons/{A_PERSON}/export").text)
    assert "Tout ce que Fil rouge garde sur Démo A" in page
    assert "Note à remettre aussi." in page
    assert "Bonjour <b>!</b>" in page  # escaped in the page, read back here
    download = cpip.get(f"/console/persons/{A_PERSON}/export.json")
    assert download.headers["content-disposition"] == 'attachment; filename="filrouge-DEMO01.json"'
    assert download.headers["cache-control"] == "no-store"
    data = json.loads(download.text)
    assert data["person"]["code"] == "DEMO01"
    assert [n["text"] for n in data["notes"]] == ["Note à remettre aussi."]
    assert data["transcript"][-1]["channel"] == "counsellor"
    forms = [e.detail["form"] for e in audit(services, "person_exported")]
    assert forms == ["print", "json"]


def test_an_administrator_erases_a_person_once_the_code_is_typed_again(
    admin: Desk, cpip_b: Desk, services: Services
) -> None:
    wrong = admin.post(f"/console/admin/persons/{B_PERSON}/erase", confirm="DEMO01")
    assert wrong.status_code == 400
    assert "rien n'a été effacé" in unescape(wrong.text)
    assert cpip_b.get(f"/console/persons/{B_PERSON}").status_code == 200
    done = admin.post(f"/console/admin/persons/{B_PERSON}/erase", confirm=" demo02 ")
    assert done.headers["location"] == "/console/admin/persons?notice=erased"
    listing = unescape(admin.get(done.headers["location"]).text)
    assert "Les données de la personne sont effacées." in listing
    assert "DEMO02" not in listing
    assert cpip_b.get(f"/console/persons/{B_PERSON}").status_code == 404
    assert "DEMO02" not in cpip_b.get("/console").text
    [erased] = audit(services, "person_erased")
    assert (erased.person_id, erased.actor_id, erased.detail) == (
        B_PERSON,
        "3",
        {"reason": "request"},
    )
