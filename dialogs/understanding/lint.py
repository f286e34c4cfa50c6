"""Checks of what typed text is matched against: the flows' `topics:` and
`synonyms:`, and the safety net's steps. Run by `dialogs.lint.check`, so by
`filrouge flows check`; errors name the file and what to fix."""

from __future__ import annotations

from collections.abc import Iterator

from dialogs.flowset import FlowSet
from dialogs.loader import FlowError
from dialogs.messages import DISTRESS_FLOW
from dialogs.schema import Choose, Flow, Phrases
from dialogs.understanding import text


def check(flows: FlowSet) -> list[FlowError]:
    errors: list[FlowError] = []
    first_seen: dict[str, str] = {}
    understanding = flows.understanding
    for flow in flows.flows.values():
        errors.extend(_phrases(flow, "topics", flow.topics))
        for language, said in flow.topics.items():
            stopwords = (
                understanding.lexicons[language].stopwords if understanding.lexicons else set()
            )
            for phrase in said:
                words = text.words(phrase)
                key = f"{language}:{' '.join(words)}"
                if words and all(w in stopwords for w in words):
                    errors.append(
                        _at(
                            flow,
                            f"topics: {language} {phrase!r} has only words that say no topic (dialogs/phrases/stopwords.yaml): add a word that does",
                        )
                    )
                other = first_seen.setdefault(key, flow.id)
                if other != flow.id:
                    errors.append(
                        _at(
                            flow,
                            f"topics: {language} {phrase!r} is also a topic of {other!r}: keep it in one guide only",
                        )
                    )
        errors.extend(_synonyms(flow))
    net = flows.get(DISTRESS_FLOW)
    for category in understanding.categories:
        if net is not None and net.step(category.step) is None:
            errors.append(
                FlowError(
                    category.path,
                    1,
                    f"step: the safety net ({net.path}) has no step {category.step!r}",
                )
            )
    errors.extend(_about(flows))
    return errors


def _about(flows: FlowSet) -> Iterator[FlowError]:
    """An `about:` phrase silences the phrases of its category that it contains:
    one that contains none would silence nothing."""
    understanding = flows.understanding
    paths = {category.id: category.path for category in understanding.categories}
    for aside in understanding.about.phrases:
        found = understanding.safety.find(understanding.read(aside.text))
        if not any(f.phrase.payload == aside.payload for f in found):
            yield FlowError(
                paths.get(aside.payload, ""),
                1,
                f"about: {aside.language} {aside.text!r} contains no phrase of "
                f"{aside.payload!r}: it would silence nothing, so say the risk with one",
            )


def _phrases(flow: Flow, where: str, phrases: Phrases) -> Iterator[FlowError]:
    for language, said in phrases.items():
        if not said:
            yield _at(
                flow, f"{where}: {language} has no phrase: write some, or remove the language"
            )
        seen: set[str] = set()
        for phrase in said:
            words = " ".join(text.words(phrase))
            if not words:
                yield _at(flow, f"{where}: {language} {phrase!r} has no word")
            elif words in seen:
                yield _at(flow, f"{where}: {language} {phrase!r} is written twice")
            seen.add(words)


def _synonyms(flow: Flow) -> Iterator[FlowError]:
    for step_id, options in flow.synonyms.items():
        step = flow.step(step_id)
        if not isinstance(step, Choose):
            yield _at(flow, f"synonyms: {step_id!r} is not a choice (choose:) of this flow")
            continue
        ids = {option.id for option in step.options}
        owner: dict[str, str] = {}
        for option_id, phrases in options.items():
            if option_id not in ids:
                yield _at(flow, f"synonyms: the step {step_id!r} has no option {option_id!r}")
            yield from _phrases(flow, f"synonyms of {step_id}/{option_id}", phrases)
            for language, said in phrases.items():
                for phrase in said:
                    key = f"{language}:{' '.join(text.words(phrase))}"
                    other = owner.setdefault(key, option_id)
                    if other != option_id:
                        yield _at(
                            flow,
                            f"synonyms of {step_id}: {language} {phrase!r} is given to both {other!r} and {option_id!r}",
                        )


def _at(flow: Flow, message: str) -> FlowError:
    return FlowError(flow.path, 1, message)
