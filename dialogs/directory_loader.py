"""Reading a facility's services file (`data/services/<facility>.yaml`) into a
`Directory`: the file side of `dialogs.directory`, kept apart from the engine."""

from __future__ import annotations

from pathlib import Path

import yaml

from dialogs.directory import KINDS, Directory, Service


def load_directory(path: Path) -> Directory:
    """A facility's services file (`data/services/<facility>.yaml`), by kind.

    Raises ValueError naming the file and the entry when an entry is not valid:
    an unknown kind, a missing name, an unknown field.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = raw.get("services", []) if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{path}: a services file is a mapping with a 'services' list")
    sample = bool(raw.get("sample", False))
    found: dict[str, list[Service]] = {}
    allowed = set(Service.__dataclass_fields__)
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("name"):
            raise ValueError(f"{path}: service {number} needs at least a 'name' and a 'kind'")
        unknown = set(entry) - allowed
        if unknown:
            raise ValueError(f"{path}: service {number} has unknown fields {sorted(unknown)}")
        if entry.get("kind") not in KINDS:
            raise ValueError(
                f"{path}: service {number} has kind {entry.get('kind')!r}; "
                f"use one of {', '.join(sorted(KINDS))}"
            )
        service = Service(**{k: str(v) for k, v in entry.items() if k != "sample"}, sample=sample)
        found.setdefault(service.kind, []).append(service)
    return {kind: tuple(services) for kind, services in found.items()}
