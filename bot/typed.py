"""What a person typed, made safe to keep: control characters out, at every edge.

A NUL byte is refused by PostgreSQL (a 500 where SQLite said nothing), and the
other control characters only hide or break what is shown. Line breaks and tabs
stay; Unicode text (accents, Arabic, emoji, bidi marks) is left as typed: how it
is shown is the page's business (escaped, isolated).
"""

from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def cleaned(text: str) -> str:
    """`text` without control characters (line breaks and tabs kept, CR LF as LF)."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def ascii_number(text: str, *, most: int = 18) -> int | None:
    """The number written in ASCII digits only (not "²", "①" or "٣"), or None."""
    text = text.strip()
    if not text or len(text) > most or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
