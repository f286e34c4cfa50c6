"""The `filrouge` command: serve, db upgrade, person add / link-code / release, flows check /
doc, services import."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot.settings import Settings

if TYPE_CHECKING:
    import uvicorn

    from bot.services import Services
    from bot.telegram.runner import TelegramChannel
    from dialogs.flowset import FlowSet
    from dialogs.loader import FlowError
    from storage.models import Person

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read aloud


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"filrouge: a FILROUGE_ setting is wrong:\n{error}", file=sys.stderr)
        return 2
    handler = args.handler
    result: int = handler(settings, args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="filrouge", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the web app (kiosk) in one process")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="add demo data if the base is empty")
    serve.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="database maintenance").add_subparsers(required=True)
    upgrade = db.add_parser("upgrade", help="apply the migrations (safe to run twice)")
    upgrade.set_defaults(handler=_db_upgrade)

    person = commands.add_parser("person", help="persons").add_subparsers(required=True)
    add = person.add_parser("add", help="create a person with a kiosk code and PIN")
    add.add_argument("--first-name", required=True)
    add.add_argument("--last-name", required=True)
    add.add_argument("--language", default="fr", choices=["fr", "ar", "en", "ro"])
    add.add_argument("--code", help="personal code (default: drawn at random)")
    add.add_argument("--pin", help="4 to 8 digits (default: drawn at random)")
    add.add_argument("--facility", default="demo", help="facility code")
    add.set_defaults(handler=_person_add)
    link_code = person.add_parser(
        "link-code", help="give a person a Telegram link code and write their release sheet"
    )
    link_code.add_argument("code", metavar="PERSONCODE", help="the person's kiosk code")
    link_code.add_argument(
        "--out", type=Path, default=Path(), help="folder of the release sheet (default: here)"
    )
    link_code.set_defaults(handler=_person_link_code)
    release = person.add_parser("release", help="mark a person released (they go outside)")
    release.add_argument("code", metavar="PERSONCODE", help="the person's kiosk code")
    release.set_defaults(handler=_person_release)

    flows = commands.add_parser("flows", help="dialog flows").add_subparsers(required=True)
    check = flows.add_parser("check", help="load and lint the flows; non-zero on any error")
    check.add_argument("paths", nargs="*", type=Path, help="flow files (default: shipped)")
    check.add_argument(
        "--no-translations",
        action="store_true",
        help="do not require every text in the catalogs (while drafting a flow)",
    )
    check.set_defaults(handler=_flows_check)
    doc = flows.add_parser("doc", help="write the flows as HTML pages for counsellors")
    doc.add_argument(
        "--out", type=Path, default=Path("flows-doc"), help="folder (default: ./flows-doc)"
    )
    doc.add_argument("paths", nargs="*", type=Path, help="flow files (default: shipped)")
    doc.set_defaults(handler=_flows_doc)

    services = commands.add_parser("services", help="local services of a facility")
    services_commands = services.add_subparsers(required=True)
    imported = services_commands.add_parser(
        "import", help="write data/services/<facility>.yaml from a data·inclusion JSON export"
    )
    imported.add_argument("file", type=Path, metavar="FILE.json")
    imported.add_argument("--facility", required=True, metavar="CODE", help="facility code")
    imported.add_argument("--out", type=Path, help="folder (default: FILROUGE_SERVICES_DIR)")
    imported.set_defaults(handler=_services_import)
    return parser


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from bot.app import create_app
    from bot.demo import DEMO_COUNSELLOR, DEMO_PERSONS, seed_demo
    from bot.services import build
    from storage.migrate import upgrade

    # The service's own warnings (a message Telegram refused, a busy database) go
    # to stderr with the time; uvicorn configures its own loggers.
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    upgrade(settings.database_url)
    services = build(settings)
    if args.demo and seed_demo(services):
        print("Demo data created. Kiosk logins (code / PIN):")
        for account in DEMO_PERSONS:
            print(f"  {account.login} / {account.secret}  ({account.who}, {account.language})")
        print(f"Counsellor: {DEMO_COUNSELLOR.login} / {DEMO_COUNSELLOR.secret}")
    print(f"Kiosk: http://{args.host}:{args.port}/kiosk")
    if settings.telegram_token is None:
        uvicorn.run(create_app(services=services), host=args.host, port=args.port, log_level="info")
        return 0
    # Telegram on: aiogram is imported only now, and runs in uvicorn's event loop.
    from bot.telegram.runner import TelegramChannel

    telegram = TelegramChannel(services)
    mode = "webhook" if telegram.webhook_url else "polling"
    print(f"Telegram: on ({mode})")
    app = create_app(services=services, telegram=telegram)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="info")
    asyncio.run(_serve_with_telegram(uvicorn.Server(config), telegram))
    return 0


async def _serve_with_telegram(server: uvicorn.Server, telegram: TelegramChannel) -> None:
    """The web server and the bot in one event loop; the bot stops with the server."""
    bot = asyncio.create_task(telegram.run(), name="telegram")
    bot.add_done_callback(_report_bot_end)
    try:
        await server.serve()
    finally:
        bot.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await bot


def _report_bot_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logging.getLogger("bot.telegram").error(
            "the Telegram bot stopped; the web app goes on", exc_info=task.exception()
        )


def _db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    print("The database is up to date.")
    return 0


def _person_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.services import build
    from storage.database import write_transaction
    from storage.errors import AlreadyTaken
    from storage.persons import create_facility, create_person, get_facility_by_code
    from storage.rows import id_of

    pin = args.pin or "".join(secrets.choice("0123456789") for _ in range(4))
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        print("filrouge: the PIN is 4 to 8 digits.", file=sys.stderr)
        return 2
    code = (args.code or "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))).upper()
    services = build(settings)
    try:
        with write_transaction(services.engine) as session:
            facility = get_facility_by_code(session, args.facility) or create_facility(
                session, args.facility, args.facility
            )
            create_person(
                session,
                id_of(facility),
                code,
                args.first_name,
                args.last_name,
                args.language,
                services.hasher.hash(pin),
            )
    except AlreadyTaken:
        print(f"filrouge: the code {code} is already used; choose another.", file=sys.stderr)
        return 1
    print(f"Person created. Kiosk code: {code}  PIN: {pin}")
    return 0


def _find_person(settings: Settings, code: str) -> tuple[Services, Person] | None:
    """Services and the person with this code, or None after saying so."""
    from bot.services import build
    from storage.database import read_session
    from storage.persons import get_person_by_code

    services = build(settings)
    with read_session(services.engine) as session:
        person = get_person_by_code(session, code)
    if person is None:
        services.close()
        print(
            f"filrouge: no person has the code {code.upper()}; check it "
            "(`filrouge person add` printed it).",
            file=sys.stderr,
        )
        return None
    return services, person


def _person_link_code(settings: Settings, args: argparse.Namespace) -> int:
    from bot.linking import issue
    from bot.release_sheet import SHEET_LANGUAGE, render_release_sheet, sheet_path
    from storage.rows import id_of

    found = _find_person(settings, args.code)
    if found is None:
        return 1
    services, person = found
    try:
        issued = issue(services, id_of(person))
        translator = services.catalogs.get(SHEET_LANGUAGE)
        html = render_release_sheet(translator, f"{person.first_name} {person.last_name}", issued)
    finally:
        services.close()
    args.out.mkdir(parents=True, exist_ok=True)
    path = sheet_path(args.out, person.code)
    path.write_text(html, encoding="utf-8")
    print(f"Telegram link code for {person.code}: {issued.shown}")
    print(f"Valid until: {translator.when(issued.expires_at)} ({settings.timezone})")
    print(f"Link: {issued.deep_link}")
    print(f"Release sheet: {path}")
    print("Any previous code of this person no longer works.")
    return 0


def _person_release(settings: Settings, args: argparse.Namespace) -> int:
    from bot.release import release
    from storage.rows import id_of

    found = _find_person(settings, args.code)
    if found is None:
        return 1
    services, person = found
    try:
        done = release(services, id_of(person))
        when = services.catalogs.get("fr").when(done.released_at)
    finally:
        services.close()
    if done.newly:
        print(f"{person.code} is marked released ({when}); their conversation was told.")
    else:
        print(f"{person.code} was already released ({when}); nothing changed.")
    return 0


def _flows_check(settings: Settings, args: argparse.Namespace) -> int:
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
    flows, errors = loader.load([*given, *shipped])
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


def _flows_doc(_settings: Settings, args: argparse.Namespace) -> int:
    from bot.flows_doc import write_catalogue

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


def _services_import(settings: Settings, args: argparse.Namespace) -> int:
    from bot.services_import import ImportRefused, convert, read_export, write_directory

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


if __name__ == "__main__":
    raise SystemExit(main())
