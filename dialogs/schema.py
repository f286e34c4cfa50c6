"""The typed shape of a flow file: what `dialogs/flows/*.yaml` may contain.

Each step has an `id` and exactly one *kind key* (`say`, `ask`, `choose`,
`checklist`, `branch`, `call`, `set`, `do`). The models here check one file in
isolation; cross-references (targets, called flows, actions, catalog) are the
loader's and linter's job.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
END = "end"
"""A target that ends the current flow (back to the caller)."""

Domain = Literal["sante", "logement", "papiers", "emploi", "justice"]
AnswerKind = Literal["yesno", "date", "time", "number", "phone", "text", "moment"]
"""`moment`: the day and time of an appointment, typed in French (`dialogs.when`)."""
Language = Literal["fr", "ar", "en", "ro"]
"""The languages a person may type in; free text is read in all of them at once."""
Phrases = dict[Language, list[str]]
"""Short phrases per language, as people type them (see docs/understanding.md)."""
Scalar = str | int | float | bool | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Wording(_Strict):
    """A text whose wording differs inside the facility and after release."""

    inside: str
    outside: str


Text = str | Wording


def texts_of(text: Text) -> tuple[str, ...]:
    """Every msgid a text holds."""
    return (text,) if isinstance(text, str) else (text.inside, text.outside)


class Option(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    label: Text
    goto: str | None = None


class Item(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    label: Text


class Condition(_Strict):
    """One test on the person's answers or situation; exactly one form is used."""

    answer: str | None = None
    equals: Scalar | list[str] = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    present: bool | None = None
    released: bool | None = None
    done: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        if self.answer is not None:
            tests = [
                "equals" in self.model_fields_set,
                self.in_ is not None,
                self.present is not None,
            ]
            if sum(tests) != 1:
                raise ValueError("with 'answer', give exactly one of: equals, in, present")
        elif (self.released is None) == (self.done is None):
            raise ValueError("give one of: {answer: ...}, {released: ...}, {done: domain/item}")
        if self.done is not None and not re.fullmatch(r"[a-z_]+/[a-z0-9_]+", self.done):
            raise ValueError("'done' is written domain/item, for example sante/css")
        return self


class Rule(_Strict):
    if_: Condition = Field(alias="if")
    goto: str


class StepBase(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    source: str
    next: str | None = None
    line: int = 0
    """Line of the step in its file, filled by the loader for error messages."""

    @field_validator("source")
    @classmethod
    def _source_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("every step names its source (a fiche, an article, an organisation)")
        return value


class Say(StepBase):
    kind: Literal["say"] = "say"
    say: Text


class Ask(StepBase):
    kind: Literal["ask"] = "ask"
    ask: Text
    expect: AnswerKind
    save: str
    retry: Text | None = None


class Choose(StepBase):
    kind: Literal["choose"] = "choose"
    choose: Text
    options: Annotated[list[Option], Field(min_length=1, max_length=8)]
    save: str | None = None


class Checklist(StepBase):
    kind: Literal["checklist"] = "checklist"
    checklist: Text
    items: Annotated[list[Item], Field(min_length=1, max_length=12)]
    save: str


class Branch(StepBase):
    kind: Literal["branch"] = "branch"
    branch: Annotated[list[Rule], Field(min_length=1)]
    else_: str | None = Field(default=None, alias="else")


class Call(StepBase):
    kind: Literal["call"] = "call"
    call: str


class SetValues(StepBase):
    kind: Literal["set"] = "set"
    set: dict[str, Scalar]


class Do(StepBase):
    kind: Literal["do"] = "do"
    do: str
    args: dict[str, Scalar] = Field(default_factory=dict)


Step = Annotated[
    Say | Ask | Choose | Checklist | Branch | Call | SetValues | Do,
    Field(discriminator="kind"),
]
KIND_KEYS = ("say", "ask", "choose", "checklist", "branch", "call", "set", "do")
WAITING_KINDS = frozenset({"ask", "choose", "checklist"})


def kind_of(raw: dict[str, Any]) -> str:
    """The kind key of a raw step mapping; raises ValueError when not exactly one."""
    found = [key for key in KIND_KEYS if key in raw]
    if len(found) != 1:
        listed = ", ".join(found) if found else "none"
        raise ValueError(f"a step has exactly one of {', '.join(KIND_KEYS)} (found: {listed})")
    return found[0]


class Flow(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    version: Annotated[int, Field(ge=1)]
    title: str
    domain: Domain | None = None
    start: str | None = None
    recovery: str
    entries: list[str] = Field(default_factory=list)
    """Steps the engine opens directly, besides `start` (the answers of an
    appointment card, in `rendez_vous`)."""
    steps: Annotated[list[Step], Field(min_length=1)]
    topics: Phrases = Field(default_factory=dict)
    """What this guide answers, as people would type it: typed text finds it by them."""
    synonyms: dict[str, dict[str, Phrases]] = Field(default_factory=dict)
    """Step id -> option id -> other ways to type that option ("dehors", "à la rue")."""
    path: str = ""
    """File the flow was loaded from, for error messages."""
    _index: dict[str, Step] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        self._index.update({s.id: s for s in self.steps})

    def step(self, step_id: str) -> Step | None:
        return self._index.get(step_id)

    def first(self) -> str:
        return self.start or self.steps[0].id

    def following(self, step_id: str) -> str:
        """The id of the step after `step_id` in the list, or END."""
        ids = [s.id for s in self.steps]
        position = ids.index(step_id)
        return ids[position + 1] if position + 1 < len(ids) else END
