"""Showing what a person (or anyone) wrote, safely: escaped, and every invisible
control character made visible.

Autoescape already keeps markup as text. Bidirectional controls (U+202E RIGHT-TO-LEFT
OVERRIDE and kin) and zero-width characters are not markup but can still make a
line read backwards or hide words from a counsellor; each is shown as a visible
mark such as ``[U+202E]``, and the templates put each text in its own
``<bdi dir="auto">`` so that it cannot reorder what surrounds it.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_CONTROLS = re.compile(
    "["
    "\u0000-\u0008\u000b\u000c\u000d\u000e-\u001f\u007f-\u009f"  # C0 and C1 but tab and newline
    "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"  # bidi, zero-width
    "]"
)


def _mark(found: re.Match[str]) -> str:
    code = f"U+{ord(found.group()):04X}"
    return f'<span class="ctl" title="{code}">[{code}]</span>'


def revealed(text: str) -> Markup:
    """`text` as HTML: escaped, its control characters shown as marks."""
    return Markup(_CONTROLS.sub(_mark, str(escape(text))))  # noqa: S704  (escaped just before)
