"""Reading the phrase tables of `tests/dialogs/phrases/`: text files a counsellor
can review, one phrase a line under a `[section]` header, `#` for comments."""

from __future__ import annotations

from pathlib import Path

PHRASES = Path(__file__).parent / "phrases"


def table(name: str) -> list[tuple[str, str]]:
    """(section, phrase) for each phrase of `tests/dialogs/phrases/<name>`, in order."""
    rows: list[tuple[str, str]] = []
    section = ""
    for number, raw in enumerate((PHRASES / name).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif not section:
            raise ValueError(f"{name}:{number}: a phrase before the first [section]")
        else:
            rows.append((section, line))
    return rows
