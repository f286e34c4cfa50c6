"""The conversation state is saved with a version; stale saves are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from storage.conversation import load_state, save_state
from storage.database import write_transaction
from storage.errors import StaleState


class TestConversationState:
    def test_a_person_without_state_loads_none_at_version_zero(
        self, engine: Engine, person_id: int
    ) -> None:
        with write_transaction(engine) as session:
            assert load_state(session, person_id) == (None, 0)

    def test_saved_state_loads_back_and_each_save_increments_the_version(
        self, engine: Engine, person_id: int
    ) -> None:
        first = {"flow": "accueil", "step": "langue", "answers": {"lang": "ar"}}
        second = {"flow": "sante", "step": "carte_vitale", "answers": {}}
        with write_transaction(engine) as session:
            assert save_state(session, person_id, first, expected_version=0) == 1
        with write_transaction(engine) as session:
            assert load_state(session, person_id) == (first, 1)
            assert save_state(session, person_id, second, expected_version=1) == 2
        with write_transaction(engine) as session:
            assert load_state(session, person_id) == (second, 2)

    def test_a_save_from_a_stale_version_is_refused_and_keeps_the_newer_state(
        self, engine: Engine, person_id: int
    ) -> None:
        with write_transaction(engine) as session:
            save_state(session, person_id, {"step": "a"}, expected_version=0)
            save_state(session, person_id, {"step": "b"}, expected_version=1)
        with pytest.raises(StaleState), write_transaction(engine) as session:
            save_state(session, person_id, {"step": "stale"}, expected_version=1)
        with write_transaction(engine) as session:
            assert load_state(session, person_id) == ({"step": "b"}, 2)

    def test_two_first_saves_conflict_rather_than_both_creating_the_state(
        self, engine: Engine, person_id: int
    ) -> None:
        with write_transaction(engine) as session:
            save_state(session, person_id, {"step": "first"}, expected_version=0)
        with pytest.raises(StaleState), write_transaction(engine) as session:
            save_state(session, person_id, {"step": "second"}, expected_version=0)

    def test_the_turn_can_go_on_after_a_stale_first_save(
        self, engine: Engine, person_id: int
    ) -> None:
        # The refused INSERT must not poison the transaction (PostgreSQL aborts it).
        with write_transaction(engine) as session:
            save_state(session, person_id, {"step": "first"}, expected_version=0)
            with pytest.raises(StaleState):
                save_state(session, person_id, {"step": "again"}, expected_version=0)
            assert save_state(session, person_id, {"step": "next"}, expected_version=1) == 2
