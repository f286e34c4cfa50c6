"""The administrators' pages: accounts, who follows whom, the audit log."""

from __future__ import annotations

import re
from html import unescape

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.services import Services
from tests.console.desk import A_LOGIN, A_PERSON, B_PERSON, Desk, audit


def test_an_administrator_creates_an_account_whose_drawn_password_works_once_shown(
    admin: Desk, app: FastAPI, services: Services
) -> None:
    response = admin.post(
        "/console/admin/accounts", login="CPIP.Nouveau", name="CPIP nouveau", role="partner"
    )
    page = unescape(response.text)
    assert response.status_code == 200
    assert "Compte « cpip.nouveau » créé." in page
    password = re.search(r'<code class="secret">([a-z0-9-]+)</code>', page)
    assert password is not None
    assert password.group(1) not in admin.get("/console/admin/accounts").text  # shown once
    assert "Partenaire" in unescape(admin.get("/console/admin/accounts").text)
    with TestClient(app, base_url="http://console.test") as client:
        assert Desk(client).log_in("cpip.nouveau", password.group(1)).status_code == 303
    added = [
        (e.actor_kind, e.actor_id, e.detail["login"]) for e in audit(services, "counsellor_added")
    ]
    assert added[-1] == ("counsellor", "3", "cpip.nouveau")


def test_a_wrong_account_is_refused_with_what_to_fix(admin: Desk) -> None:
    taken = admin.post("/console/admin/accounts", login=A_LOGIN, name="Double")
    assert taken.status_code == 422
    assert "Cet identifiant est déjà pris." in unescape(taken.text)
    short = admin.post("/console/admin/accounts", login="cpip.x", name="X", password="court")
    assert "Un mot de passe a au moins 12 caractères." in unescape(short.text)
    assert 'value="cpip.x"' in short.text  # what was typed stays in the form


def test_a_disabled_account_is_logged_out_at_once(admin: Desk, cpip: Desk) -> None:
    assert cpip.get("/console").status_code == 200
    response = admin.post("/console/admin/accounts/1/disable")
    assert response.headers["location"] == "/console/admin/accounts?notice=disabled"
    assert "désactivé le 2 mars 2026" in unescape(admin.get("/console/admin/accounts").text)
    assert cpip.get("/console").headers["location"] == "/console/login"  # its session is gone
    mine = admin.post("/console/admin/accounts/3/disable")  # not one's own account
    assert mine.headers["location"] == "/console/admin/accounts?notice=unchanged"


def test_assigning_a_person_opens_their_page_to_the_counsellor(
    admin: Desk, cpip: Desk, services: Services
) -> None:
    assert cpip.get(f"/console/persons/{B_PERSON}").status_code == 404
    listing = unescape(admin.get("/console/admin/persons?find=demo").text)
    assert re.search(
        r"<code>DEMO02</code></td><td><bdi dir=\"auto\">B Démo</bdi></td><td>cpip.b</td>", listing
    )
    response = admin.post(
        "/console/admin/assignments", login=A_LOGIN, code="demo02", action="assign"
    )
    assert response.headers["location"] == "/console/admin/persons?notice=assigned"
    assert cpip.get(f"/console/persons/{B_PERSON}").status_code == 200
    admin.post("/console/admin/assignments", login=A_LOGIN, code="DEMO02", action="remove")
    assert cpip.get(f"/console/persons/{B_PERSON}").status_code == 404
    nobody = admin.post("/console/admin/assignments", login=A_LOGIN, code="NOPE", action="assign")
    assert nobody.status_code == 422
    assert "Aucune personne n'a ce code." in unescape(nobody.text)
    actions = [(e.action, e.person_id) for e in audit(services) if e.action.endswith("assigned")][
        -2:
    ]
    assert actions == [("counsellor_assigned", B_PERSON), ("counsellor_unassigned", B_PERSON)]


def test_the_audit_log_says_who_read_what_and_is_filtered(admin: Desk, cpip: Desk) -> None:
    cpip.get(f"/console/persons/{A_PERSON}")
    cpip.get(f"/console/persons/{A_PERSON}/search?q=bonjour")
    cpip.get(f"/console/persons/{B_PERSON}")  # refused, and written down
    page = unescape(admin.get("/console/admin/audit?person=DEMO01&actor=cpip.demo").text)
    rows = re.findall(
        r"<tr><td>[^<]+</td><td>counsellor · cpip.demo</td><td><code>(\w+)</code>", page
    )
    assert rows == ["transcript_searched", "person_viewed"]
    refused = unescape(admin.get("/console/admin/audit?action=console_refused").text)
    assert "not_assigned" in refused
    assert "<code>DEMO02</code>" in refused
    unknown = unescape(admin.get("/console/admin/audit?person=NOPE").text)
    assert "Aucune personne ou aucun compte ne correspond à ce filtre." in unknown


def test_a_counsellor_finds_no_administrators_page(cpip: Desk, services: Services) -> None:
    for path in ("/console/admin/accounts", "/console/admin/persons", "/console/admin/audit"):
        assert cpip.get(path).status_code == 404
    assert [e.detail["reason"] for e in audit(services, "console_refused")] == ["not_admin"] * 3
