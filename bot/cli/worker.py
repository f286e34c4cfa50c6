"""`filrouge worker [--once]`: the reminder worker on its own (more of them on PostgreSQL)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import Any

from bot.settings import Settings


def add_commands(commands: Any) -> None:
    """Register `filrouge worker` on the command line's subparsers."""
    worker = commands.add_parser(
        "worker", help="send due reminders (also inside `filrouge serve`); stops on SIGTERM"
    )
    worker.add_argument("--once", action="store_true", help="send what is due now, then stop")
    worker.set_defaults(handler=run_worker)


def run_worker(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import compose
    from bot.reminders.worker import ReminderWorker
    from storage.resealing import check_keys

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    services = compose(settings)
    locked_out = check_keys(services.engine)
    if locked_out is not None:
        services.close()
        print(f"filrouge: cannot start: {locked_out}.", file=sys.stderr)
        return 1
    worker = ReminderWorker(services)
    try:
        if args.once:
            done = worker.run_due()
            print(f"Reminders: {done.sent} sent, {done.dropped} dropped, {done.waiting} waiting.")
            return 0
        asyncio.run(_until_signal(worker))
    finally:
        services.close()
    return 0


async def _until_signal(worker: Any) -> None:
    """Run until SIGTERM or Ctrl-C: the round under way commits whole, then it stops."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(worker.stop()))
    await worker.run()
