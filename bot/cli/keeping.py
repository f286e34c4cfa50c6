"""`filrouge keys new`, `filrouge keys rotate`, `filrouge backup FILE`, `filrouge restore
FILE`: what an administrator keeps safe, and puts back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.settings import Settings


def add_commands(commands: Any) -> None:
    keys = commands.add_parser("keys", help="the service's secret key").add_subparsers(
        required=True
    )
    new = keys.add_parser(
        "new", help="print a new key (FILROUGE_SECRET_KEY, or a data key of FILROUGE_DATA_KEYS)"
    )
    new.set_defaults(handler=_keys_new)
    rotate = keys.add_parser(
        "rotate",
        help="seal every sealed value with the current data key (safe to run twice, and "
        "while the service runs)",
    )
    rotate.add_argument(
        "--batch", type=int, default=200, help="rows per transaction (default: 200)"
    )
    rotate.set_defaults(handler=_keys_rotate)

    made = commands.add_parser(
        "backup", help="write a backup of the database to a new file (0600), while it runs"
    )
    made.add_argument("file", type=Path, metavar="FILE")
    made.set_defaults(handler=_backup)

    put_back = commands.add_parser(
        "restore", help="replace the database by a backup, then bring it to this version"
    )
    put_back.add_argument("file", type=Path, metavar="FILE")
    put_back.add_argument("--yes", action="store_true", help="do not ask before replacing")
    put_back.set_defaults(handler=_restore)


def _keys_new(_settings: Settings, _args: argparse.Namespace) -> int:
    from bot.keys import new_key

    print(new_key())
    print(
        "Set it as FILROUGE_SECRET_KEY for every process of this install, and keep a copy "
        "apart from the database's backups. Changing the key of a running install makes "
        "its PINs and link codes unusable. As a data key: FILROUGE_DATA_KEYS=k1:KEY,k0 "
        "(see docs/deploy.md, The secret key).",
        file=sys.stderr,
    )
    return 0


def _keys_rotate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.keys import data_keyring, load_keys
    from bot.services import open_engine
    from storage.resealing import census, reseal

    keys = load_keys(settings)
    current = data_keyring(settings, keys).current
    engine = open_engine(settings, keys)
    try:
        for done in reseal(engine, max(1, args.batch)):
            moved = ", ".join(f"{n} from {k}" for k, n in sorted(done.resealed.items()))
            print(
                f"{done.table}: {sum(done.resealed.values())} resealed"
                + (f" ({moved})" if moved else "")
                + f", {done.sealed} sealed (were in clear), {done.current} already current"
                + (f", {done.changed} changed meanwhile" if done.changed else "")
            )
        counts = census(engine)
    finally:
        engine.dispose()
    left = {
        table: n
        for table, counted in counts.items()
        if (n := sum(v for k, v in counted.items() if k != current))
    }
    if left:
        listed = ", ".join(f"{table} {n}" for table, n in left.items())
        print(
            f"Not under {current} yet: {listed} (written meanwhile by a process with the old "
            "keys?). Restart every process with the new keys, then run `filrouge keys rotate` again."
        )
        return 1
    print(
        f"Every sealed value is under the data key {current}. Another data key may leave "
        "FILROUGE_DATA_KEYS once no backup you keep needs it."
    )
    return 0


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from bot.keys import key_file
    from storage.backup import BackupFailed, backup

    try:
        made = backup(settings.database_url, args.file)
    except BackupFailed as error:
        print(f"filrouge: no backup made: {error}.", file=sys.stderr)
        return 1
    print(f"Backup written: {made.path} ({_size(made.size)}, readable by this user only).")
    kept_apart = key_file(settings) if settings.secret_key is None else None
    where = f"the key file {kept_apart}" if kept_apart else "FILROUGE_SECRET_KEY"
    print(
        f"The secret key is not in it: keep a copy of {where} apart"
        + (" and of FILROUGE_DATA_KEYS" if settings.data_keys is not None else "")
        + ", or the PINs and what people said are lost."
    )
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    from storage.backup import BackupFailed, backup_revision, restore
    from storage.migrate import known, upgrade

    revision = backup_revision(args.file) if args.file.is_file() else None
    if revision is not None and not known(revision):
        print(
            f"filrouge: {args.file} was made by a newer Fil rouge (migration {revision}): "
            "install that version, or choose an older backup.",
            file=sys.stderr,
        )
        return 1
    if not args.yes and not _confirmed(settings, args.file):
        print("Nothing restored.", file=sys.stderr)
        return 1
    try:
        restore(settings.database_url, args.file)
    except BackupFailed as error:
        print(f"filrouge: nothing restored: {error}.", file=sys.stderr)
        return 1
    upgrade(settings.database_url)
    print(f"Restored from {args.file}; the database is up to date.")
    return 0


def _confirmed(settings: Settings, source: Path) -> bool:
    if not sys.stdin.isatty():
        print(
            "filrouge: restoring replaces everything in the database; add --yes to confirm.",
            file=sys.stderr,
        )
        return False
    from sqlalchemy.engine import make_url

    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    answer = input(f"Replace everything in {shown} by {source}? Type yes: ")
    return answer.strip().lower() == "yes"


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"
