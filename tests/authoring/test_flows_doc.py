"""`filrouge flows doc`: every flow as a page a counsellor can review, with its diagram."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from bot.authoring.flows_diagram import exits, svg
from bot.typography import NARROW_NBSP
from dialogs import loader
from dialogs.flowset import FlowSet
from dialogs.schema import Branch, Choose, Do, Flow
from tests.bot.test_cli import BROKEN_FLOW, filrouge

SMALL_FLOW = """\
id: petit
version: 1
title: "Un petit guide"
recovery: start
steps:
  - id: start
    say: "Bonjour."
    source: fil-rouge
  - id: question
    choose: "Que voulez-vous ?"
    source: "service-public.fr F677"
    options:
      - {id: a, label: "Aller plus loin", goto: last}
      - {id: b, label: "Recommencer", goto: start}
      - {id: c, label: "Continuer"}
  - id: sort
    branch:
      - if: {released: true}
        goto: last
    else: question
    source: fil-rouge
  - id: last
    say: "Au revoir."
    next: end
    source: SPIP
"""


@pytest.fixture(scope="module")
def shipped() -> FlowSet:
    flows, errors = loader.load()
    assert errors == []
    return flows


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("catalogue")
    done = filrouge("flows", "doc", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "index.html" in done.stdout
    return out


def _text(page: Path) -> str:
    """A page as a person reads it (its narrow no-break spaces, read as spaces)."""
    return html.unescape(page.read_text(encoding="utf-8")).replace(NARROW_NBSP, " ")


def test_a_page_is_written_for_every_shipped_flow(catalogue: Path, shipped: FlowSet) -> None:
    pages = {path.stem for path in catalogue.glob("*.html")} - {"index"}
    index = _text(catalogue / "index.html")

    assert pages == set(shipped.flows)
    for flow in shipped.flows.values():
        assert f'href="{flow.id}.html"' in index
        assert flow.title in index


def test_a_page_names_every_step_and_every_source_of_its_flow(
    catalogue: Path, shipped: FlowSet
) -> None:
    for flow in shipped.flows.values():
        page = _text(catalogue / f"{flow.id}.html")
        assert f"<h1>{flow.title}</h1>" in page
        for step in flow.steps:
            assert f'id="step-{step.id}"' in page, f"{flow.id}: no section for {step.id}"
            assert f"Source : {step.source}" in page, f"{flow.id}/{step.id}: source missing"


def test_a_page_shows_both_wordings_and_the_kind_of_each_step(catalogue: Path) -> None:
    page = _text(catalogue / "sortie.html")

    assert "Préparons le jour de votre sortie." in page
    assert "C'est le jour de votre sortie." in page
    assert "Liste à cocher" in page
    assert "Fil rouge demande (oui/non)" in page
    assert "Aiguillage" in page
    assert "Ouvre le guide « Où dormir le soir de la sortie »" in page
    assert "Action : coche « jour_de_sortie » dans Mon plan (Justice)" in page
    assert "<svg" in page
    assert "<script" not in page


def _small(tmp_path: Path) -> Flow:
    path = tmp_path / "petit.yaml"
    path.write_text(SMALL_FLOW, encoding="utf-8")
    flow, errors = loader.parse_file(path)
    assert flow is not None, errors
    return flow


def test_the_diagram_has_one_box_per_step_and_one_arrow_per_target(tmp_path: Path) -> None:
    drawn = svg(_small(tmp_path), {})

    assert drawn.count('<g class="step') == 4
    assert drawn.count('<g class="step wait"') == 1  # the buttons wait for the person
    # start→question (following), 3 options (last, start, sort), 2 rules (last, question),
    # last→end: 7 arrows, of which the written ones (goto, else, next) are 5.
    assert drawn.count('<path class="arrow') == 7
    assert drawn.count('<path class="arrow"') == 5
    assert drawn.count("Fin du guide") == 1


def test_every_shipped_diagram_draws_each_step_and_each_of_its_targets(shipped: FlowSet) -> None:
    for flow in shipped.flows.values():
        drawn = svg(flow, {})
        written = sum(_written_targets(flow))
        assert drawn.count('<g class="step') == len(flow.steps), flow.id
        assert drawn.count('<path class="arrow') == sum(len(exits(flow, s)) for s in flow.steps)
        assert drawn.count('<path class="arrow"') == written, flow.id
        assert not re.search(r"<script|https?://(?!www\.w3\.org/2000/svg)", drawn)


def _written_targets(flow: Flow) -> list[int]:
    """How many targets each step writes in the file: next, goto, else (per way out)."""
    counts = []
    for step in flow.steps:
        if isinstance(step, Choose):
            counts.append(sum(1 for o in step.options if o.goto or step.next))
        elif isinstance(step, Branch):
            counts.append(len(step.branch) + (step.else_ is not None or step.next is not None))
        elif isinstance(step, Do) and step.do == "go_home":
            counts.append(0)
        else:
            counts.append(step.next is not None)
    return counts


def test_a_broken_flow_stops_the_catalogue_with_the_loaders_error(tmp_path: Path) -> None:
    flow = tmp_path / "broken.yaml"
    flow.write_text(BROKEN_FLOW, encoding="utf-8")
    out = tmp_path / "doc"

    done = filrouge("flows", "doc", "--out", str(out), str(flow))

    assert done.returncode == 1
    assert f"{flow}:6:" in done.stderr
    assert "'nowhere'" in done.stderr
    assert not out.exists()


def test_a_missing_flow_file_stops_the_catalogue(tmp_path: Path) -> None:
    done = filrouge("flows", "doc", "--out", str(tmp_path / "doc"), str(tmp_path / "absent.yaml"))

    assert done.returncode == 1
    assert "cannot read the file" in done.stderr


def test_steps_are_named_by_their_french_words_and_files_from_the_repository(
    catalogue: Path,
) -> None:
    raw = (catalogue / "css.html").read_text(encoding="utf-8")
    page = _text(catalogue / "css.html")

    assert "Fichier : <code>dialogs/flows/css.yaml</code>" in page
    assert str(Path.cwd()) not in page  # no absolute path of a checkout
    question = "Avez-vous déjà une mutuelle qui marchera après la sortie ?"
    assert f'<span class="place">2.</span> {question}</h3>' in page
    assert "identifiant <code>has_cover</code>" in page  # still there, to note it
    assert f"étape 2 : « {question} »" in page
    assert "sortie ?" not in raw  # the "?" is kept with its word on screen
    assert '<link rel="icon"' in raw
