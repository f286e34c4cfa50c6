"""French typography on screen: a "?" (or "!", ":", ";", "»") never alone at the start
of a line, nor "«" alone at the end of one.

French puts a space before these signs; a plain space lets the line break there, and a
lone "?" then starts the next line. A narrow no-break space (U+202F, as Babel writes
French numbers) keeps the sign with its word. Only what is shown is changed: the
catalogs, the flows and what a person types keep their plain spaces.
"""

from __future__ import annotations

import re

_BEFORE = re.compile(r"[ \u00a0](?=[?!:;»])")
_AFTER = re.compile(r"«[ \u00a0]")
NARROW_NBSP = "\u202f"


def keep_together(text: str) -> str:
    """`text` with the space before ? ! : ; » and after « made a narrow no-break space."""
    return _AFTER.sub("«" + NARROW_NBSP, _BEFORE.sub(NARROW_NBSP, text))
