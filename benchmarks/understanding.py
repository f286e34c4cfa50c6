"""Understanding typed text: how well, and at what cost per message.

On the phrase tables of `tests/dialogs/phrases/` (what the tests assert), prints
the safety net's recall and false-alarm rate, and top-1 / top-3 accuracy of the
guides offered. Then the cost of reading one message (everything the engine
asks of a typed text: distress, guides, small talk), per message, for the
table's sentences and for a 2,000-character message, beside the cost of the
turn itself (`engine.step` on a typed sentence and on a button, which includes
the reading for the typed one) and the one-time cost of compiling at start.
Pure CPU, one thread, no I/O; nothing leaves the process.

    .venv/bin/python benchmarks/understanding.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dialogs import engine, loader  # noqa: E402
from dialogs.events import Context, Event, Pressed, Said, System  # noqa: E402
from dialogs.flowset import FlowSet  # noqa: E402
from dialogs.state import State  # noqa: E402
from tests.dialogs.phrase_tables import table  # noqa: E402

CONTEXT = Context(today=date(2026, 5, 4))


def per_call_us(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and 99th percentile of one call, in microseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - start) / 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def read_all(flows: FlowSet, text: str) -> None:
    understanding = flows.understanding
    reading = understanding.read(text)
    understanding.alarm(reading)
    understanding.guides(reading)
    understanding.small_talk(reading)


def quality(flows: FlowSet) -> None:
    understanding = flows.understanding
    distress = table("distress.txt")
    found = sum(
        (a := understanding.alarm(understanding.read(p))) is not None
        and a.category.id == s.split()[0]
        for s, p in distress
    )
    ordinary = table("ordinary.txt")
    alarms = sum(understanding.alarm(understanding.read(p)) is not None for _, p in ordinary)
    questions = table("guides.txt")
    offered = [[r.flow for r in understanding.guides(understanding.read(q))] for _, q in questions]
    top1 = sum(o[:1] == [g] for (g, _), o in zip(questions, offered, strict=True))
    top3 = sum(g in o[:3] for (g, _), o in zip(questions, offered, strict=True))
    print(
        f"safety net recall     {found / len(distress):7.1%}  ({found}/{len(distress)} phrases of distress)"
    )
    print(
        f"false alarms          {alarms / len(ordinary):7.1%}  ({alarms}/{len(ordinary)} ordinary sentences)"
    )
    print(
        f"routing top-1         {top1 / len(questions):7.1%}  ({top1}/{len(questions)} questions)"
    )
    print(
        f"routing top-3         {top3 / len(questions):7.1%}  ({top3}/{len(questions)} questions)"
    )


def cost(flows: FlowSet, repeat: int) -> None:
    sentences = [
        p for name in ("distress.txt", "ordinary.txt", "guides.txt") for _, p in table(name)
    ]
    medians, p99s = [], []
    for text in sentences:
        median, p99 = per_call_us(lambda t=text: read_all(flows, t), repeat)
        medians.append(median)
        p99s.append(p99)
    print(
        f"reading a message     median {statistics.median(medians):7.1f} µs, "
        f"worst sentence's median {max(medians):7.1f} µs, p99 {max(p99s):7.1f} µs "
        f"({len(sentences)} sentences x {repeat})"
    )
    long_text = ("je voudrais savoir comment faire pour ma carte vitale et mon logement " * 40)[
        :2000
    ]
    median, p99 = per_call_us(lambda: read_all(flows, long_text), max(20, repeat // 10))
    print(f"a 2,000-char message  median {median:7.1f} µs, p99 {p99:7.1f} µs")

    start = State(profile={"first_name": "Démo"})
    home, _ = engine.step(flows, start, System("start"), CONTEXT)
    events: dict[str, Event] = {
        "turn: a typed question at the menu (offers a guide)": Said(
            "comment avoir ma carte vitale"
        ),
        "turn: a typed answer to the menu": Said("santé"),
        "turn: a button": Pressed(home.seq, "sante"),
    }
    for name, event in events.items():
        median, p99 = per_call_us(lambda e=event: engine.step(flows, home, e, CONTEXT), repeat)
        print(f"{name:<52} median {median:7.1f} µs, p99 {p99:7.1f} µs")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="calls timed per sentence")
    args = parser.parse_args()
    started = time.perf_counter()
    flows, errors = loader.load()
    loaded = time.perf_counter() - started
    if errors:
        print("\n".join(map(str, errors)), file=sys.stderr)
        return 1
    print(
        f"loading the flows and compiling the understanding: {loaded * 1000:.0f} ms (once, at start)"
    )
    quality(flows)
    cost(flows, args.repeat)
    print("target: reading a message well under 1 ms (1,000 µs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
