"""The conversation state: what the engine remembers between two turns.

It is plain data (JSON round-trips through `model_dump` / `model_validate`), so
storage keeps it as a snapshot and the engine never touches a database.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from dialogs.outputs import Checklist, Choices, Question

Answer = str | int | float | bool | list[str] | None


class Frame(BaseModel):
    """One running flow: where it is, and what it keeps for itself."""

    model_config = ConfigDict(extra="forbid")

    flow: str
    version: int
    step: str
    locals: dict[str, Any] = Field(default_factory=dict)


class State(BaseModel):
    """Everything the engine knows of one person's conversation."""

    model_config = ConfigDict(extra="forbid")

    stack: list[Frame] = Field(default_factory=list)
    answers: dict[str, Answer] = Field(default_factory=dict)
    done: dict[str, list[str]] = Field(default_factory=dict)
    """Items done per domain ("Mon plan"), for example {"sante": ["css"]}."""
    released: bool = False
    seq: int = 0
    """Number of the prompt now open; a button carries the number it answers."""
    misses: int = 0
    """Texts in a row that matched nothing expected."""
    profile: dict[str, str] = Field(default_factory=dict)
    """What texts may quote about the person (first_name, ...), set by `bot`."""
    prompt: Annotated[Choices | Question | Checklist, Field(discriminator="kind")] | None = None
    """The question now open, as it was last shown (same `seq`, same buttons): what a
    pressed button meant, and what a page shows, without running the engine again."""

    @property
    def started(self) -> bool:
        return bool(self.stack)

    def fork(self) -> State:
        """A copy to change, as `model_copy(deep=True)` would make, at a fraction of its
        cost (it runs on every turn): containers are copied, the prompt (immutable)
        is shared."""
        return State.model_construct(
            stack=[
                Frame.model_construct(
                    flow=f.flow, version=f.version, step=f.step, locals=_copied(f.locals)
                )
                for f in self.stack
            ],
            answers={k: list(v) if isinstance(v, list) else v for k, v in self.answers.items()},
            done={k: list(v) for k, v in self.done.items()},
            released=self.released,
            seq=self.seq,
            misses=self.misses,
            profile=dict(self.profile),
            prompt=self.prompt,
        )

    def is_done(self, domain: str, item: str) -> bool:
        return item in self.done.get(domain, [])


def _copied(values: dict[str, Any]) -> dict[str, Any]:
    return {k: deepcopy(v) if isinstance(v, list | dict) else v for k, v in values.items()}
