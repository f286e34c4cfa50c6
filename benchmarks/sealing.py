"""What sealing costs: microseconds to seal and to open a value, and a kiosk turn and a
page's lines with and without sealing, in the same run and process.

Two fresh SQLite files with the same persons; one service seals (as installed), the
other writes in clear (its engine has no keyring). Each person types messages at the
kiosk (`bot.turn.run_turn`, the turn of a POST), the two services taking turns; after
each turn the page's last 30 lines are read, as the chat page does.

    .venv/bin/python benchmarks/sealing.py [--persons 20] [--turns 2000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import timeit
from pathlib import Path

from population import ROOT, percentile, populate  # the folder of this script

sys.path.insert(0, str(ROOT))

KEY = "YmVuY2htYXJrLW9ubHkta2V5LCAzMiBieXRlcyEhISE="
SAID = (
    "Bonjour, je sors le mois prochain et je ne sais pas où dormir",
    "je cherche un travail dans le bâtiment",
    "comment avoir la CSS",
    "merci",
)


def per_value(repeat: int = 20_000) -> None:
    from storage.sealed import Keyring

    keyring = Keyring("k0", {"k0": bytes(32)})
    state = json.dumps(
        {"answers": {f"cv.{n}": "maçon, 12 ans d'expérience" * 2 for n in range(30)}}
    )
    for name, plain in (("a message (60 B)", SAID[0]), (f"a state ({len(state)} B)", state)):
        sealed = keyring.seal(plain, "bench.column")
        seal = timeit.timeit(lambda p=plain: keyring.seal(p, "bench.column"), number=repeat)
        opened = timeit.timeit(lambda s=sealed: keyring.open(s, "bench.column"), number=repeat)
        print(
            f"{name}: seal {seal / repeat * 1e6:.1f} µs, open {opened / repeat * 1e6:.1f} µs, "
            f"stored {len(sealed)} B"
        )


def turns(persons: int, count: int) -> None:
    from bot.app import compose
    from bot.settings import Settings
    from bot.turn import Inbound, run_turn
    from dialogs.events import Said
    from storage.database import read_session
    from storage.enums import Channel
    from storage.sealed import attach
    from storage.transcript import recent_lines

    codes = [f"S{n:05d}" for n in range(persons)]
    folder = Path(tempfile.mkdtemp(prefix="filrouge-sealing-"))
    both = {}
    for kind in ("sealed", "clear"):
        database = folder / f"{kind}.db"
        populate(database, codes, "2468", secret_key=KEY)
        settings = Settings.model_validate(
            {"database_url": f"sqlite:///{database}", "secret_key": KEY}
        )
        services = compose(settings)
        if kind == "clear":
            attach(services.engine, None)  # the same service, writing in clear
        both[kind] = services
    spent: dict[str, list[float]] = {kind: [] for kind in both}
    pages: dict[str, list[float]] = {kind: [] for kind in both}
    for n in range(count):
        person = 1 + n % persons
        for kind, services in both.items():
            began = time.perf_counter()
            run_turn(services, Inbound(person, Channel.KIOSK, Said(SAID[n % len(SAID)])))
            spent[kind].append(time.perf_counter() - began)
            began = time.perf_counter()
            with read_session(services.engine) as session:
                recent_lines(session, person, 30)
            pages[kind].append(time.perf_counter() - began)
    for services in both.values():
        services.close()
    for what, figures in (("turn", spent), ("page's 30 lines", pages)):
        sealed, clear = figures["sealed"], figures["clear"]
        p50s, p50c = percentile(sealed, 0.5), percentile(clear, 0.5)
        print(
            f"{what}: p50 {p50s:.2f} ms sealed, {p50c:.2f} ms in clear "
            f"({(p50s / p50c - 1) * 100:+.0f}%); p95 {percentile(sealed, 0.95):.2f} / "
            f"{percentile(clear, 0.95):.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20)
    parser.add_argument("--turns", type=int, default=2000, help="per service")
    args = parser.parse_args()
    per_value()
    turns(args.persons, args.turns)


if __name__ == "__main__":
    main()
