"""`filrouge understand "TEXT"`: what a typed sentence would trigger, and why.

For a counsellor checking a phrasing: the category of distress and the phrase
that found it (or the `about:` phrase that kept it closed), the guides ranked with their scores and matching words, the
small talk recognised, and what Fil rouge would do. `--json` prints one object
for scripts: {"safety": category or null, "flows": [{"id", "score"}, ...]}.
"""

from __future__ import annotations

import argparse
import json

from bot.settings import Settings


def understand(settings: Settings, args: argparse.Namespace) -> int:
    from bot.i18n import Catalogs
    from bot.services import load_flows
    from dialogs.understanding import text

    flows = load_flows()
    understanding = flows.understanding
    reading = understanding.read(args.text)
    alarm = understanding.alarm(reading)
    ranked = understanding.rank(reading)
    if args.json:
        found = {
            "safety": alarm.category.id if alarm else None,
            "flows": [{"id": r.flow, "score": r.score} for r in ranked],
        }
        print(json.dumps(found, ensure_ascii=False))
        return 0
    translator = Catalogs.load(settings.locales_dir, settings.timezone).get(args.language)
    offered = {r.flow for r in understanding.guides(reading)}
    kinds = understanding.small_talk_kinds(reading)
    print(f"Words read: {' '.join(text.words(args.text)) or '(none)'}")
    if alarm is None:
        print("Safety net: no")
    else:
        phrase = alarm.found.phrase
        print(
            f"Safety net: {alarm.category.id} (opens at step {alarm.category.step!r}"
            f"{'' if alarm.category.urgent else ', after the answer to the open question'}); "
            f"phrase {phrase.text!r} [{phrase.language}], words typed: "
            f"{', '.join(alarm.found.typed)}"
            f"{'' if alarm.found.exact else ' (one letter apart)'}"
        )
    for aside in understanding.spoken_of(reading):
        print(
            f"A risk spoken of, not happening: {aside.phrase.text!r} [{aside.phrase.language}] "
            f"({aside.phrase.payload}): its words do not open the net"
        )
    print("Guides, best first (offered: * ):" if ranked else "Guides: none")
    for r in ranked:
        title = translator.gettext(flows[r.flow].title)
        mark = "*" if r.flow in offered else " "
        print(f" {mark} {r.score:5.3f}  {r.flow:<24} {title}")
        print(f"          words: {', '.join(r.words)}; best topic: {r.topic!r}")
    print(f"Small talk: {', '.join(kinds) if kinds else 'no'}")
    print(
        f"Fil rouge would: {_would(alarm is not None, [r for r in ranked if r.flow in offered], kinds)}"
    )
    return 0


def _would(alarm: bool, offered: list[object], kinds: list[str]) -> str:
    """What the engine does with this text at a menu (an open answer comes first)."""
    if alarm:
        return "open the safety net, and tell a counsellor"
    if len(offered) == 1:
        return "offer one guide"
    if offered:
        return f"offer {len(offered)} guides as buttons"
    if kinds:
        return f"answer the small talk ({kinds[0]}) and ask its question again"
    return "say it did not understand, and ask its question again"
