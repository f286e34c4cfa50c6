"""The `filrouge` command: serve, worker, db upgrade, keys new, backup, restore,
person ..., facility ..., appointment add / list / show / move / cancel / done / missed,
flags, counsellor add / list / deactivate / assign, purge, flows check / doc / plain,
services import, understand."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.cli import appointments, flags, keeping, people, worker
from bot.cli.counsellors import add_commands as add_counsellor_commands
from bot.cli.flows import flows_check, flows_doc, flows_plain, services_import
from bot.cli.understand import understand
from bot.keys import KeyUnusable
from bot.settings import Settings
from storage.sealed import SealedUnreadable


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"filrouge: a FILROUGE_ setting is wrong:\n{error}", file=sys.stderr)
        return 2
    # What the service writes (the SQLite database and its journal, the key file,
    # release sheets, backups) is for its own user only.
    before = os.umask(0o077)
    try:
        result: int = args.handler(settings, args)
    except (KeyUnusable, SealedUnreadable) as error:
        # A key missing or wrong: one sentence that says which and what to set.
        print(f"filrouge: cannot go on: {error}.", file=sys.stderr)
        return 1
    finally:
        os.umask(before)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="filrouge", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the web app (kiosk, console) in one process")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="add demo data if the base is empty")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes serving the app (more than one: PostgreSQL, and Telegram by webhook)",
    )
    serve.set_defaults(handler=_serve)

    worker.add_commands(commands)

    db = commands.add_parser("db", help="database maintenance").add_subparsers(required=True)
    upgrade = db.add_parser("upgrade", help="apply the migrations (safe to run twice)")
    upgrade.set_defaults(handler=_db_upgrade)
    keeping.add_commands(commands)  # keys new, backup, restore

    # `person ...` and `facility ...` (bot/cli/people.py).
    people.add_commands(commands)

    appointments.add_commands(commands)
    flags.add_commands(commands)

    add_counsellor_commands(commands)

    flows = commands.add_parser("flows", help="dialog flows").add_subparsers(required=True)
    check = flows.add_parser("check", help="load and lint the flows; non-zero on any error")
    check.add_argument("paths", nargs="*", type=Path, help="flow files (default: shipped)")
    check.add_argument(
        "--no-translations",
        action="store_true",
        help="do not require every text in the catalogs (while drafting a flow)",
    )
    check.set_defaults(handler=flows_check)
    doc = flows.add_parser("doc", help="write the flows as HTML pages for counsellors")
    doc.add_argument(
        "--out", type=Path, default=Path("flows-doc"), help="folder (default: ./flows-doc)"
    )
    doc.add_argument("paths", nargs="*", type=Path, help="flow files (default: shipped)")
    doc.set_defaults(handler=flows_doc)
    plain = flows.add_parser(
        "plain", help="check the plain French of the flows' texts; non-zero on a problem"
    )
    plain.add_argument("paths", nargs="*", type=Path, help="flow files (default: shipped)")
    plain.add_argument("-v", "--verbose", action="store_true", help="name the plain flows too")
    plain.set_defaults(handler=flows_plain)

    said = commands.add_parser(
        "understand", help="what a typed text would trigger (safety net, guides), and why"
    )
    said.add_argument("text", metavar="TEXT")
    said.add_argument(
        "--language",
        default="fr",
        choices=["fr", "ar", "en", "ro"],
        help="language of the titles shown (every language is always read)",
    )
    said.add_argument("--json", action="store_true", help="one JSON object: safety, flows")
    said.set_defaults(handler=understand)

    services = commands.add_parser("services", help="local services of a facility")
    services_commands = services.add_subparsers(required=True)
    imported = services_commands.add_parser(
        "import", help="write data/services/<facility>.yaml from a data·inclusion JSON export"
    )
    imported.add_argument("file", type=Path, metavar="FILE.json")
    imported.add_argument("--facility", required=True, metavar="CODE", help="facility code")
    imported.add_argument("--out", type=Path, help="folder (default: FILROUGE_SERVICES_DIR)")
    imported.set_defaults(handler=services_import)
    return parser


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn
    from sqlalchemy.exc import OperationalError

    from bot.app import compose, create_app
    from bot.demo import DEMO_COUNSELLOR, DEMO_PERSONS, demo_present, seed_demo
    from bot.health import unusable_database
    from bot.logs import configure as configure_logs
    from storage.database import cause_of
    from storage.migrate import upgrade
    from storage.resealing import check_keys

    # The service's own events (a message Telegram refused, a full disk) go to stderr,
    # one line each (JSON unless on a terminal); uvicorn's loggers go there too.
    configure_logs(settings.log_format)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # no INFO line per migration
    refused = _workers_refused(settings, args.workers)
    if refused is not None:
        print(f"filrouge: cannot start: {refused}.", file=sys.stderr)
        return 2
    busy = _port_busy(args.host, args.port)
    if busy:
        print(
            f"filrouge: the port {args.port} of {args.host} is already in use ({busy}): another "
            f"`filrouge serve` may be running. Stop it, or choose another port: --port "
            f"{args.port + 1}.",
            file=sys.stderr,
        )
        return 1
    unusable = unusable_database(settings.database_url)
    if unusable is not None:
        print(f"filrouge: cannot start: {unusable}.", file=sys.stderr)
        return 1
    try:
        upgrade(settings.database_url)
    except OperationalError as error:
        print(f"filrouge: cannot start: the database is {cause_of(error)}.", file=sys.stderr)
        return 1
    services = compose(settings)
    locked_out = check_keys(services.engine)
    if locked_out is not None:
        services.close()
        print(f"filrouge: cannot start: {locked_out}.", file=sys.stderr)
        return 1
    if args.demo and seed_demo(services):
        print("Demo data created.")
    if demo_present(services):
        print("Demo kiosk logins (code / PIN):")
        for account in DEMO_PERSONS:
            print(f"  {account.login} / {account.secret}  ({account.who}, {account.language})")
        print(f"Demo counsellor: {DEMO_COUNSELLOR.login} / {DEMO_COUNSELLOR.secret}")
    print(f"Kiosk: on, http://{args.host}:{args.port}/kiosk")
    print(f"Console: on, http://{args.host}:{args.port}/console")
    if args.workers > 1:
        # Each worker process builds its own services (and its Telegram webhook and
        # reminder worker) from the same environment; the database serializes each
        # person's turns and hands each reminder to one worker.
        services.close()
        print(f"Workers: {args.workers}")
        uvicorn.run(
            "bot.app:app_from_environment",
            factory=True,
            workers=args.workers,
            host=args.host,
            port=args.port,
            log_config=None,
            log_level="warning",
            access_log=False,
        )
        return 0
    reminders = None
    if settings.reminders_in_serve:
        from bot.reminders.worker import ReminderWorker

        reminders = ReminderWorker(services)
        print("Reminders: on (this process sends them)")
    else:
        print("Reminders: off here (FILROUGE_REMINDERS_IN_SERVE=false: `filrouge worker` does)")
    telegram = None
    if settings.telegram_token is None:
        print("Telegram: off (set FILROUGE_TELEGRAM_TOKEN to turn it on; see docs/telegram.md)")
    else:
        # Telegram on: aiogram is imported only now, and runs in uvicorn's event loop,
        # started and stopped with the app (on SIGTERM or Ctrl-C the bot stops fetching,
        # finishes or leaves in the inbox what it took in, and sends what was committed).
        from bot.telegram.runner import TelegramChannel

        telegram = TelegramChannel(services)
        print(f"Telegram: on ({'webhook' if telegram.webhook_url else 'polling'})")
        if reminders is not None:
            reminders.on_queued = telegram.sender.wake  # reminders' messages go at once
    print("Ctrl-C stops the service.")
    app = create_app(services=services, telegram=telegram, reminders=reminders)
    uvicorn.run(
        app, host=args.host, port=args.port, log_config=None, log_level="warning", access_log=False
    )
    return 0


def _workers_refused(settings: Settings, workers: int) -> str | None:
    """Why `workers` processes cannot serve with these settings, or None."""
    if workers < 1:
        return "--workers is at least 1"
    if workers == 1:
        return None
    if settings.database_url.startswith("sqlite"):
        return (
            "several workers need PostgreSQL (SQLite has one writer): set "
            "FILROUGE_DATABASE_URL=postgresql://..., or serve with one worker"
        )
    if settings.telegram_token is not None and not settings.telegram_webhook_url:
        return (
            "several workers need Telegram by webhook (only one process may poll): set "
            "FILROUGE_TELEGRAM_WEBHOOK_URL and FILROUGE_TELEGRAM_WEBHOOK_SECRET"
        )
    return None


def _port_busy(host: str, port: int) -> str:
    """Why `host:port` cannot be listened on ("" when it can)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind((host, port))
        except OSError as error:
            return error.strerror or str(error)
    return ""


def _db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    print("The database is up to date.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
