"""`filrouge services import`: a data·inclusion export becomes a facility's services file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.authoring.services_import import (
    ImportRefused,
    convert,
    kind_of,
    opening_hours_in_words,
    phone_in_words,
    read_export,
    write_directory,
)
from dialogs.directory import Service
from dialogs.directory_loader import load_directory
from tests.bot.test_cli import filrouge

FIXTURE = Path(__file__).parents[1] / "data" / "data_inclusion_services.json"


def _by_name() -> dict[str, Service]:
    return {s.name: s for s in convert(read_export(FIXTURE)).services}


def test_services_map_to_our_kinds_by_name_then_by_thematique() -> None:
    kinds = {name: service.kind for name, service in _by_name().items()}

    assert kinds == {
        "Accueil du CCAS de Ville-Test": "ccas",
        "Abri de nuit de l'association Test": "hebergement",
        "Mission locale de Ville-Test": "mission_locale",
        "Consultation Test": "csapa",
    }


@pytest.mark.parametrize(
    ("name", "thematiques", "kind"),
    [
        ("Pôle Emploi Ville", [], "france_travail"),
        ("PASS de l'hôpital", [], "pass"),
        ("Point-Justice de la ville", [], "point_justice"),
        (
            "Épicerie solidaire",
            ["gestion-financiere--obtenir-une-aide-alimentaire"],
            "alimentation",
        ),
        ("Passerelle", ["trouver-un-emploi"], None),
    ],
)
def test_kind_mapping_table(name: str, thematiques: list[str], kind: str | None) -> None:
    assert kind_of(name, thematiques) == kind


def test_fields_are_mapped_to_our_format() -> None:
    ccas, shelter, youth = (
        _by_name()[n]
        for n in (
            "Accueil du CCAS de Ville-Test",
            "Abri de nuit de l'association Test",
            "Mission locale de Ville-Test",
        )
    )

    assert ccas.address == "1 rue du Test, Bâtiment B, 00000 Ville-Test"
    assert ccas.hours == (
        "du lundi au vendredi, 9 h - 12 h, 13 h 30 - 17 h ; fermé les jours fériés"
    )
    assert ccas.phone == "01 00 00 00 01"
    assert ccas.what == "Aide sociale, domiciliation. DONNÉES DE TEST INVENTÉES."
    assert ccas.who == "Toute personne."
    assert shelter.who == "Toute personne sans logement ce soir."
    assert shelter.hours == "du lundi au dimanche, 18 h - 8 h"
    assert youth.hours == "sur rendez-vous"
    assert youth.who == "Jeunes de 16 à 26 ans, Personnes sorties de prison."
    assert len(youth.what) <= 240
    assert youth.what.endswith("Contrat d'engagement jeune.")


def test_entries_that_cannot_be_used_are_skipped_with_their_id_and_why() -> None:
    skipped = {s.id: s.reason for s in convert(read_export(FIXTURE)).skipped}

    assert set(skipped) == {"test-atelier-cv", "test-sans-nom", "n°7"}
    assert "no kind" in skipped["test-atelier-cv"]
    assert "preparer-sa-candidature" in skipped["test-atelier-cv"]
    assert "no name" in skipped["test-sans-nom"]
    assert "not a JSON object" in skipped["n°7"]


def test_the_command_writes_a_file_that_the_bot_loads(tmp_path: Path) -> None:
    done = filrouge(
        "services", "import", str(FIXTURE), "--facility", "test", "--out", str(tmp_path)
    )

    assert done.returncode == 0, done.stderr
    assert "4 service(s) written" in done.stdout
    assert "3 skipped" in done.stdout
    assert "test-sans-nom: no name" in done.stdout
    directory = load_directory(tmp_path / "test.yaml")
    assert {kind: len(services) for kind, services in directory.items()} == {
        "ccas": 1,
        "mission_locale": 1,
        "hebergement": 1,
        "csapa": 1,
    }
    assert not any(s.sample for services in directory.values() for s in services)
    assert "sample: false" in (tmp_path / "test.yaml").read_text(encoding="utf-8")


def test_an_api_page_with_items_is_read(tmp_path: Path) -> None:
    page = tmp_path / "page.json"
    page.write_text('{"items": [{"id": "x", "nom": "CCAS Test"}], "total": 1}', "utf-8")

    assert [s.kind for s in convert(read_export(page)).services] == ["ccas"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("services: [] # du YAML", "this is not JSON"),
        ('{"nom": "CCAS"}', "a JSON list of services, not a dict"),
        ("", "this is not JSON"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(
    tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")

    done = filrouge("services", "import", str(bad), "--facility", "test", "--out", str(tmp_path))

    assert done.returncode == 1
    assert message in done.stderr
    assert not (tmp_path / "test.yaml").exists()


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="cannot read the file"):
        read_export(tmp_path / "absent.json")


def test_a_facility_code_that_is_not_a_plain_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="facility code"):
        write_directory([], "../etc", tmp_path)


@pytest.mark.parametrize(
    ("osm", "words"),
    [
        (
            "Mo-Fr 08:30-12:30; PH off",
            "du lundi au vendredi, 8 h 30 - 12 h 30 ; fermé les jours fériés",
        ),
        ("Mo,We 09:00-12:00; Sa off", "le lundi, le mercredi, 9 h - 12 h ; le samedi, fermé"),
        ("24/7", "tous les jours, 24 h sur 24"),
        ('Mo-Fr 09:00-12:00 || "sur rendez-vous"', 'Mo-Fr 09:00-12:00 || "sur rendez-vous"'),
        ("", ""),
    ],
)
def test_opening_hours_are_said_in_french_or_kept_as_given(osm: str, words: str) -> None:
    assert opening_hours_in_words(osm) == words


def test_french_phone_numbers_are_written_as_dialled() -> None:
    assert phone_in_words("+33123456789") == "01 23 45 67 89"
    assert phone_in_words("3949") == "3949"
