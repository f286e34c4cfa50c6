"""A person's file as the console shows it beside the transcript: who and where they
are, their plan (the same « Mon plan » they see), the answers they gave."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from bot.console.progress import DomainProgress, Domains, progress_of
from bot.i18n import Translator
from bot.services import Services
from bot.turn import state_of
from bot.tx import Tx
from dialogs import messages
from dialogs.actions import plan_of
from dialogs.flowset import FlowSet
from dialogs.outputs import Message, Plan
from dialogs.schema import Ask, Checklist, Choose
from dialogs.schema import Text as Wording
from storage.conversation import load_conversation
from storage.counsellors import counsellors_of
from storage.enums import Channel, Language
from storage.errors import NotFound
from storage.models import Facility
from storage.persons import get_person, identities_of


@dataclass(frozen=True)
class Given:
    """An answer the person gave: the question (in French) and what they said."""

    question: str
    answer: str


@dataclass(frozen=True)
class PersonFile:
    id: int
    code: str
    first_name: str
    last_name: str
    language: Language
    facility: str
    created_at: datetime
    released_at: datetime | None
    release_planned_on: date | None
    unreachable_at: datetime | None
    followup_ended_at: datetime | None
    telegram_linked: bool
    followers: tuple[str, ...]
    progress: tuple[DomainProgress, ...]
    plan: Plan
    answers: tuple[Given, ...]
    current_flow: str | None
    """The title (msgid) of the guide the person is in now, None at the menu."""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Questions:
    """What each saved answer was asked with, read once from the flows."""

    asked: Mapping[str, str]
    """Answer key → the question's msgid (inside wording)."""
    labels: Mapping[str, Mapping[str, str]]
    """Answer key → option or item id → its label's msgid."""

    @classmethod
    def of(cls, flows: FlowSet) -> Questions:
        asked: dict[str, str] = {}
        labels: dict[str, dict[str, str]] = {}
        for flow in flows.flows.values():
            for step in flow.steps:
                if isinstance(step, Ask):
                    asked.setdefault(step.save, _inside(step.ask))
                elif isinstance(step, Choose) and step.save:
                    asked.setdefault(step.save, _inside(step.choose))
                    found = labels.setdefault(step.save, {})
                    for option in step.options:
                        found.setdefault(option.id, _inside(option.label))
                elif isinstance(step, Checklist):
                    asked.setdefault(step.save, _inside(step.checklist))
                    found = labels.setdefault(step.save, {})
                    for item in step.items:
                        found.setdefault(item.id, _inside(item.label))
        return cls(asked, labels)


def _inside(text: Wording) -> str:
    return text if isinstance(text, str) else text.inside


def person_file(
    services: Services, tx: Tx, person_id: int, domains: Domains, questions: Questions
) -> PersonFile:
    """Everything the page shows of a person but the transcript. Raises `NotFound`."""
    person = get_person(tx.session, person_id)
    if person is None or person.id is None:
        raise NotFound(f"no person with id {person_id}")
    found = load_conversation(tx.session, person.id, for_update=False)
    state = state_of(found)
    facility = tx.session.get(Facility, person.facility_id)
    french = services.catalogs.get("fr")
    frame = state.stack[-1] if state.stack else None
    flow = services.flows.get(frame.flow) if frame else None
    return PersonFile(
        id=person.id,
        code=person.code,
        first_name=person.first_name,
        last_name=person.last_name,
        language=person.language,
        facility=facility.name if facility else "",
        created_at=person.created_at,
        released_at=person.released_at,
        release_planned_on=person.release_planned_on,
        unreachable_at=person.unreachable_at,
        followup_ended_at=person.followup_ended_at,
        telegram_linked=any(
            i.channel == Channel.TELEGRAM for i in identities_of(tx.session, person.id)
        ),
        followers=tuple(c.display_name for c in counsellors_of(tx.session, person.id)),
        progress=progress_of(found.data, domains),
        plan=plan_of(state, services.flows),
        answers=tuple(_answers(state.answers, questions, french)),
        current_flow=flow.title if flow is not None and flow.id != "home" else None,
    )


def _answers(
    answers: Mapping[str, object], questions: Questions, french: Translator
) -> list[Given]:
    given = []
    for key, value in answers.items():
        question = questions.asked.get(key)
        if question is None or value in (None, ""):
            continue  # a value a flow set for itself, not an answer of the person
        labels = questions.labels.get(key, {})
        values = value if isinstance(value, list) else [value]
        answer = ", ".join(_shown(one, labels, french) for one in values)
        given.append(Given(french.render(Message(question)), answer))
    return given


def _shown(value: object, labels: Mapping[str, str], french: Translator) -> str:
    """One value of an answer as the person saw it: a button's label, Oui or Non."""
    if isinstance(value, bool):
        return french.gettext(messages.YES if value else messages.NO)
    label = labels.get(str(value))
    return french.render(Message(label)) if label else str(value)
