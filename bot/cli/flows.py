"""`filrouge flows check | doc` and `filrouge services import`: the content's tools."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from dialogs.flowset import FlowSet
    from dialogs.loader import FlowError


def flows_check(settings: Settings, args: argparse.Namespace) -> int:
    given = [path.resolve() for path in args.paths]
    for path in given:
        if not path.is_file():
            print(f"{path}: no such file", file=sys.stderr)
            return 1
    locales = None if args.no_translations else settings.locales_dir
    _flows, errors, shipped = _load_checked(given, locales)
    for error in errors:
        print(error, file=sys.stderr)
    print(f"{len(given) or len(shipped)} flow file(s) checked, {len(errors)} error(s).")
    return 1 if errors else 0


def _load_checked(
    given: list[Path], locales_dir: Path | None = None
) -> tuple[FlowSet, list[FlowError], list[Path]]:
    """The given flow files with the shipped ones they call (same id: the given one wins),
    their errors (only those of the given files, when files are given), the shipped files.
    With `locales_dir`, a text without a translation in a supported language is an error."""
    from bot.i18n import SOURCE_LANGUAGE, Catalogs
    from dialogs import lint, loader

    given_ids = {flow.id for flow in (loader.parse_file(p)[0] for p in given) if flow}
    shipped = [
        path
        for path in sorted(loader.FLOWS_DIR.glob("*.yaml"))
        if path.resolve() not in given and _flow_id(path) not in given_ids
    ]
    from dialogs.glossary_loader import GLOSSARY

    flows, errors = loader.load([*given, *shipped], glossary=GLOSSARY)
    catalogs = None
    if locales_dir is not None:
        translators = Catalogs.load(locales_dir).translators
        catalogs = {
            language: {msgid for msgid, text in translator.messages.items() if text}
            for language, translator in translators.items()
            if language != SOURCE_LANGUAGE
        }
    errors += lint.check(flows, catalogs)
    if given:
        errors = [e for e in errors if Path(e.path).resolve() in given or e.line == 0]
    return flows, errors, shipped


def flows_doc(_settings: Settings, args: argparse.Namespace) -> int:
    from bot.authoring.flows_doc import write_catalogue

    flows, errors, _shipped = _load_checked([path.resolve() for path in args.paths])
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        print(
            f"filrouge: {len(errors)} error(s) in the flows; no catalogue written.", file=sys.stderr
        )
        return 1
    index = write_catalogue(flows, args.out)
    print(f"{len(flows.flows)} flow page(s) written. Open {index}")
    return 0


def services_import(settings: Settings, args: argparse.Namespace) -> int:
    from bot.authoring.services_import import ImportRefused, convert, read_export, write_directory

    try:
        imported = convert(read_export(args.file))
        path = write_directory(imported.services, args.facility, args.out or settings.services_dir)
    except ImportRefused as error:
        print(f"filrouge: {error}", file=sys.stderr)
        return 1
    print(f"{len(imported.services)} service(s) written to {path}.")
    if imported.skipped:
        print(f"{len(imported.skipped)} skipped:")
        for skipped in imported.skipped:
            print(f"  {skipped.id}: {skipped.reason}")
    return 0


def _flow_id(path: Path) -> str | None:
    from dialogs import loader

    flow, _errors = loader.parse_file(path)
    return flow.id if flow else None


def flows_plain(_settings: Settings, args: argparse.Namespace) -> int:
    """Check the plain language of the French texts (`dialogs/plain_language.py`), flow by
    flow; non-zero when a flow breaks a rule."""
    from dialogs import plain_language

    given = [path.resolve() for path in args.paths]
    flows, errors, _shipped = _load_checked(given)
    if errors:
        for error in errors:
            print(error, file=sys.stderr)
        return 1
    chosen = [f for f in flows.flows.values() if not given or Path(f.path).resolve() in given]
    failing = 0
    for flow in sorted(chosen, key=lambda f: f.id):
        findings = plain_language.check_flow(flow)
        if not findings:
            if args.verbose:
                print(f"{flow.id}: plain")
            continue
        failing += 1
        print(f"{flow.id} ({flow.path}): {len(findings)} problem(s)")
        for found in findings:
            print(f"  {found.step}: {found.rule}: {found.detail}")
            print(f"    « {found.text} »")
    print(
        f"{len(chosen)} flow(s) read: {len(chosen) - failing} plain, {failing} to rewrite "
        f"(sentences of {plain_language.MAX_SENTENCE_WORDS} words at most, words of "
        f"{plain_language.MAX_WORD_LETTERS} letters at most, no double negation, every "
        f"acronym explained where first used, {plain_language.MAX_PASSIVES} passive forms "
        "at most)."
    )
    return 1 if failing else 0
