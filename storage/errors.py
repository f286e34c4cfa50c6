"""Domain exceptions raised by the storage layer.

They say what happened and what to do; the edges (web pages, Telegram replies)
turn them into messages for people.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base class of every error raised on purpose by ``storage``."""


class DatabaseUnavailable(StorageError):
    """The database is busy (locked) or cannot be reached.

    The operation was rolled back and nothing was saved; it is safe to retry.
    """

    def __init__(self, detail: str) -> None:
        super().__init__(
            "The database is busy or unreachable; nothing was saved. "
            "Retry in a few seconds; if it persists, check that the database "
            "server is running and the disk is not full "
            f"(cause: {detail})"
        )
        self.detail = detail


class StaleState(StorageError):
    """The conversation state changed since it was loaded (another turn won).

    Reload the state and replay the event; never overwrite the newer state.
    """

    def __init__(self, person_id: int, expected_version: int) -> None:
        super().__init__(
            f"conversation state of person {person_id} is no longer at version "
            f"{expected_version}: reload it and run the turn again"
        )
        self.person_id = person_id
        self.expected_version = expected_version


class NotFound(StorageError):
    """A row that the caller named does not exist."""


class AlreadyTaken(StorageError):
    """A unique value (person code, login, channel identity) is already used."""


class DuplicateInbound(StorageError):
    """This inbound message was already recorded: it is a replay, answer nothing."""
